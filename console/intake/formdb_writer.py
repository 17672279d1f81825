"""The form database's writes: each in its own short transaction on the event loop, with
``synchronous=NORMAL``; and the checkpoints that put them on disk, on a thread of their own.

Why on the loop, not on a writer thread: a vote is six statements. On a thread, each
statement gave the GIL back and then had to win it again from the event loop, which is busy
answering hundreds of watchers: up to the interpreter's 5 ms switch interval per statement,
so a vote waited 20-40 ms (p95) for a transaction whose SQL takes a fraction of a
millisecond. On the loop, a write runs from ``BEGIN`` to ``COMMIT`` without a hand-over.

Why ``synchronous=NORMAL``: in WAL mode a commit then appends its pages to the WAL with
``write()`` and returns without an fsync, so nothing on the loop waits for the disk (an fsync
took 55-83 ms on a busy shared disk). A committed write is in the operating system's page
cache the moment ``COMMIT`` returns, so it survives a kill of the process (SIGKILL, a crash,
an out-of-memory kill): the next start reads it back from the WAL. What an fsync adds is
survival of a power cut or an operating-system crash; for that the ``Checkpointer`` runs a
passive checkpoint at most every ``CHECKPOINT_INTERVAL_S`` after a write, which syncs the WAL
and then the database file: a power cut loses at most the writes of about the last second,
and never leaves the database damaged (SQLite's guarantee in this mode). A checkpoint never
blocks a write (WAL readers and writers go on while it copies), and the connection that
writes never checkpoints itself (``wal_autocheckpoint = 0``): the loop never syncs.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

CHECKPOINT_INTERVAL_S = 1.0
"""At most this often the WAL is synced and copied into the database (the power-cut window)."""
WRITE_BUSY_MS = 1000
"""How long a write waits for a lock held by another process (none is expected: the folder
lock keeps out a second form; an operator's ``sqlite3`` shell could hold one) before the write
fails as "not saved, try again" instead of holding up the loop."""


def connect_writer(path: Path) -> sqlite3.Connection:
    """The connection every write goes through; used only on the event loop, and closed by
    ``FormDB.close`` once nothing serves (so it may be made and closed on another thread)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {WRITE_BUSY_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    return conn


def run_transaction(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """``fn`` inside ``BEGIN IMMEDIATE`` … ``COMMIT``; on any failure rolled back, and raised."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


class Checkpointer:
    """A thread that syncs the WAL and copies it into the database, at most every
    ``interval`` seconds and only after writes (``wrote``), with its own connection."""

    def __init__(
        self, connect: Callable[[], sqlite3.Connection], interval: float = CHECKPOINT_INTERVAL_S
    ) -> None:
        self._connect = connect
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="form-db-checkpoint", daemon=True)
        self.checkpoints = 0
        """How many checkpoints ran (each synced every write committed before it began)."""

    def start(self) -> None:
        if self._thread.ident is None:  # not started yet
            self._thread.start()

    def wrote(self) -> None:
        """A write was committed (on the loop): a checkpoint is due within ``interval``."""
        self._wake.set()

    def stop(self) -> None:
        """Run a last checkpoint for the writes not yet synced, and end the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        conn = self._connect()
        conn.execute("PRAGMA synchronous = NORMAL")  # a checkpoint syncs the WAL, then the file
        last = float("-inf")
        try:
            while True:
                self._wake.wait()
                # Writes that come meanwhile share the checkpoint; a stop cuts the pause short.
                self._stop.wait(last + self.interval - time.monotonic())
                self._wake.clear()
                last = time.monotonic()
                self._checkpoint(conn)
                if self._stop.is_set():
                    return
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # tried again after the next write
            log.warning("could not checkpoint the form database: %s", exc)
            return
        self.checkpoints += 1
