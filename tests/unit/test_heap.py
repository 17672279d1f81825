"""Freezing the live heap after a big intake: young garbage goes first, the rest is frozen."""

from __future__ import annotations

import gc
import weakref

from console.system.heap import keep_long_lived


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector can free it


def test_young_garbage_is_collected_and_live_objects_are_frozen() -> None:
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage
    kept = Node()
    before = gc.get_freeze_count()
    try:
        keep_long_lived()
        assert gone() is None  # collected before the freeze, not frozen with the data
        assert gc.get_freeze_count() > before
        assert kept.me is kept
    finally:
        gc.unfreeze()  # leave the test process as it was
