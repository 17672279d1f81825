"""Notes taken during a session.

- notebook: entries and per-segment notepads, with their limits and undo
- markers: the inline marks a note-taker types (``!``, ``+``, ``#theme``, ``@owner``)
- carried: open items brought from an earlier session
"""
