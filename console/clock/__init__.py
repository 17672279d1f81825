"""The run-of-show clock, over an injected ``now()``; no UI in it.

- run_of_show: the state machine (start, pause, next, jump, nudges; saving and restoring)
- readings: the clock's state and what is read from it (elapsed, status, timeline)
- model: planned segments, runs, events and the schedule rows
- ledger: planned versus actual, per segment
- saved: the clock as JSON-safe data, checked when read back
- plan: an agenda's segments as the clock sees them; the clock's record in the store
- view: the words and numbers the screen shows, in the agenda's time zone
"""
