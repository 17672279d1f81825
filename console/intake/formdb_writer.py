"""The form database's writes: one thread, many writes per commit (group commit).

Why: a commit with ``synchronous=FULL`` waits for the disk (an fsync of the WAL, a few
milliseconds, far more on a busy disk). One commit per "me too" at 100 votes a second kept
the writer thread busy most of the time, and each vote waited for the ones before it. Here
the writes that queued up while a commit was on its way go together into the next one: one
transaction, one fsync. A write that fails is undone alone: the batch is rolled back and run
again with each write in its own SAVEPOINT (failures are rare, so the common case spends no
statement on savepoints: on a busy server every statement is a wait for the GIL). A write is
still reported done only once its commit returned, so a participant is never told a question
or vote was saved before it is on disk.

Every write submits a run to the writer's executor, which takes whatever is queued (possibly
nothing, when an earlier run took it): so anything submitted to the same executor after a
write (another read, the connection's close) runs after that write is committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar, cast

T = TypeVar("T")
MAX_BATCH = 256
"""At most this many writes in one commit."""


@dataclass(slots=True)
class _Job:
    fn: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


class GroupWriter:
    """Runs writes on ``executor`` (one thread) with ``connect()``'s connection."""

    def __init__(
        self, executor: ThreadPoolExecutor, connect: Callable[[], sqlite3.Connection]
    ) -> None:
        self._executor = executor
        self._connect = connect
        self._queue: deque[_Job] = deque()
        self._lock = threading.Lock()
        self.commits = 0
        """How many commits were made (a batch counts once)."""

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` inside a committed transaction; raises what ``fn`` or the commit raised."""
        loop = asyncio.get_running_loop()
        job = _Job(fn, loop.create_future(), loop)
        with self._lock:
            self._queue.append(job)
        loop.run_in_executor(self._executor, self._run_queued)
        return cast(T, await job.future)

    def _take(self) -> list[_Job]:
        with self._lock:
            count = min(len(self._queue), MAX_BATCH)
            return [self._queue.popleft() for _ in range(count)]

    def _run_queued(self) -> None:
        """On the writer thread: every queued write in one transaction (never raises)."""
        jobs = self._take()
        if not jobs:
            return
        try:
            conn = self._connect()
            outcomes = _commit(conn, jobs, alone=False) or _commit(conn, jobs, alone=True)
            assert outcomes is not None
            self.commits += 1
        except BaseException as exc:  # the commit failed: none of them is saved
            outcomes = [(False, exc)] * len(jobs)
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job, tuple[bool, Any]]]] = {}
        for job, outcome in zip(jobs, outcomes, strict=True):
            by_loop.setdefault(job.loop, []).append((job, outcome))
        for loop, done in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: no one is waiting
                loop.call_soon_threadsafe(_settle, done)


def _commit(
    conn: sqlite3.Connection, jobs: list[_Job], *, alone: bool
) -> list[tuple[bool, Any]] | None:
    """Run ``jobs`` in one transaction and commit. Not ``alone``: all together, and None
    (rolled back) if one raised; ``alone``: each in a savepoint, a failure undone by itself."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        outcomes: list[tuple[bool, Any]] = []
        for job in jobs:
            if alone:
                outcomes.append(_run_one(conn, job.fn))
                continue
            try:
                outcomes.append((True, job.fn(conn)))
            except Exception as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                # Alone, nothing else is lost: report it as it is; else run them again apart.
                return [(False, exc)] if len(jobs) == 1 else None
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes


def _run_one(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], Any]) -> tuple[bool, Any]:
    """One write in its own savepoint: undone alone if it raises an ``Exception``."""
    conn.execute("SAVEPOINT one_write")
    try:
        out = fn(conn)
    except Exception as exc:
        conn.execute("ROLLBACK TO one_write")
        conn.execute("RELEASE one_write")
        return False, exc
    conn.execute("RELEASE one_write")
    return True, out


def _settle(done: list[tuple[_Job, tuple[bool, Any]]]) -> None:
    for job, (ok, value) in done:
        if job.future.done():  # its waiter was cancelled; the write happened all the same
            continue
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)
