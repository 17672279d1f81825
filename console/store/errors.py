"""Errors of the session store, each worded so the CLI can print it as is.

They live apart from the store modules so every layer (lock, storage, sessions) can raise them
without importing one another.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Anything the store refuses to do; the message is meant for the user."""


class StoreLocked(StoreError):
    """Another live console holds the write lock on the file."""

    def __init__(self, path: Path, holder: dict[str, object]) -> None:
        self.path = path
        self.holder = holder
        who = holder.get("author") or "another console"
        if "pid" in holder:
            host, since = holder.get("host", "?"), holder.get("since", "?")
            detail = f"pid {holder['pid']} on {host}, since {since}"
        else:
            detail = "it has not said who it is yet"
        super().__init__(
            f"{path.name} is already open for writing by {who} ({detail}). Close that console, "
            f"or open this one with --read-only to follow along without writing."
        )


SET_ASIDE_OPTION = "--set-aside-damaged"
"""The ``facilitator run`` option that sets a damaged author file aside (``store.set_aside``)."""

DAMAGED_MARK = ".damaged-"
"""What a set-aside file's name carries: ``ann.json`` becomes ``ann.json.damaged-<time>``."""


class StoreCorrupt(StoreError):
    """A file that does not parse; it is kept byte for byte and never overwritten.

    ``owner`` is the author file this console would write (the damaged file itself, or the
    file whose journal is damaged): then the message says how to go on, since only that
    console may set its own file aside. A reader of other consoles' files passes none.
    """

    def __init__(
        self,
        path: Path,
        reason: str,
        fresh_path: Path | None = None,
        *,
        owner: Path | None = None,
    ) -> None:
        self.path = path
        self.reason = reason
        self.fresh_path = fresh_path
        self.owner = owner
        fresh = f" A fresh file can be started beside it: {fresh_path}." if fresh_path else ""
        remedy = ""
        if owner is not None:
            remedy = (
                f" To go on, start the console again with {SET_ASIDE_OPTION}: {owner.name} "
                f"and its journal are moved aside as {owner.name}{DAMAGED_MARK}<time> "
                f"(never deleted), every record that can still be read is kept, and a fresh "
                f"{owner.name} is started."
            )
        super().__init__(
            f"{path} cannot be read ({reason}). It was kept untouched, "
            f"so nothing in it is lost.{fresh}{remedy}"
        )


class StoreTooNew(StoreError):
    """A file written by a newer console, with a schema this version cannot read safely."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        self.found = found
        self.supported = supported
        super().__init__(
            f"{path} was written with store schema {found}, but this console reads schema "
            f"{supported} at most. Upgrade the console; the file was left untouched."
        )
