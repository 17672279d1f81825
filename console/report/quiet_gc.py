"""Hold off the cyclic garbage collector while a report is built or rendered.

A 10,000-question report allocates a few hundred thousand small objects in one burst, none
of them in reference cycles. The burst sets off collections that walk the whole heap (the
console's too) and find nothing: a quarter of the export time before this pause. Reference
counting still frees everything as usual; only the cycle search waits until the export is
done. Nested and concurrent exports share one pause; the collector comes back as it was.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False
"""Whether the collector was on when the outermost pause began."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """``with collector_paused():`` (or as a decorator) around one build or render."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
