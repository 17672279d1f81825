"""Writes to an ``AuthorFile`` from asyncio code without ever blocking the event loop.

Every write runs on ONE background thread, so writes land in the order they were asked for,
and each ``await`` resolves only after the fsync of its journal line returned: the UI shows
"saved" truthfully. (The one put in 500 that crosses the compaction threshold also waits for
the compaction, tens of milliseconds; the event loop never does.)
A caller that is cancelled while its write is queued does not cancel the write (it is
shielded): what the user typed still reaches the disk.

``asyncio`` is imported where it is awaited, not at the top: the writer only runs inside the
App's loop, while ``console.store`` is imported by every command (sessions, export, settings)
and asyncio alone is about half of the store's import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from console.store.author_file import AuthorFile
from console.store.errors import StoreError
from console.store.records import Record


class StoreWriter:
    """Serialises writes to an ``AuthorFile`` on one background thread."""

    def __init__(self, file: AuthorFile) -> None:
        self.file = file
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._closed = False

    async def _run(self, job: Callable[[], None]) -> None:
        if self._closed:
            raise StoreError(f"the writer for {self.file.path.name} is closed; nothing was saved")
        import asyncio

        future = asyncio.wrap_future(self._executor.submit(job))
        await asyncio.shield(future)

    async def put(self, record: Record) -> None:
        """Store ``record``; resolves once it is fsynced, raises ``StoreError`` if it was not."""
        await self._run(lambda: self.file.put(record))

    async def put_many(self, records: Iterable[Record]) -> None:
        """Store several records in one atomic write."""
        batch = list(records)
        await self._run(lambda: self.file.put_many(batch))

    async def close(self) -> None:
        """Finish every queued write, then close the file (releasing its lock).

        Closing compacts the journal into the file (disk work), so it runs off the loop too.
        """
        if self._closed:
            return
        self._closed = True
        import asyncio

        await asyncio.to_thread(self._executor.shutdown, wait=True)
        await asyncio.to_thread(self.file.close)
