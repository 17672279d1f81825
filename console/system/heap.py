"""Keep the garbage collector's full passes short once a session's data is in memory.

A console holding 10,000 questions keeps a few hundred thousand long-lived objects (feed
questions, views, records, Textual's widgets). Python's full collection walks every one of
them and frees nothing: 240-350 ms in which the console cannot react to a key
(``bench/board_poll.py`` caught it in the middle of a poll). ``gc.freeze()`` moves the objects
alive now to a generation the collector never scans; objects made later are collected as
usual, so full passes only look at what came since. The young generations are collected
first, so the little garbage there is not frozen with the data.
"""

from __future__ import annotations

import gc

BIG_CHANGE = 1_000
"""Questions or entries taken in at once above which the new data is worth freezing."""


def keep_long_lived() -> None:
    """Collect the young generations, then take every live object out of future full passes."""
    gc.collect(1)
    gc.freeze()
