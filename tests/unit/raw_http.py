"""HTTP/1.1 over a raw socket, for clients no well-behaved library would be: slow, malformed.

Every wait here is on a real event (bytes, end of stream) under a generous deadline, so a
slow machine makes a test slower, never wrong.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

DEADLINE = 20.0
"""Seconds any single wait may take before the test fails (a generous bound, not a timing)."""


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(
    method: str,
    target: str,
    host: str,
    headers: bytes = b"",
    body: bytes = b"",
    *,
    close: bool = True,
) -> bytes:
    """A complete request; ``headers`` are raw lines (each ending in CRLF), sent as given."""
    head = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n"
    if close:
        head += "Connection: close\r\n"
    if body or method == "POST":
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode("ascii") + headers + b"\r\n" + body


@asynccontextmanager
async def connection(port: int) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        yield reader, writer
    finally:
        writer.close()
        with suppress(ConnectionError, OSError):
            await writer.wait_closed()


async def read_reply(reader: asyncio.StreamReader) -> Reply:
    """One response with a Content-Length (all of this server's have one)."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), DEADLINE)
    status_line, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await asyncio.wait_for(reader.readexactly(length), DEADLINE) if length else b""
    return Reply(int(status_line.split()[1]), headers, body)


async def send(port: int, data: bytes) -> Reply:
    """Send one whole request on a fresh connection and read the reply."""
    async with connection(port) as (reader, writer):
        writer.write(data)
        await writer.drain()
        return await read_reply(reader)


async def until_closed(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection (a reset counts as closed).

    Fails the test if the server keeps the connection open past ``DEADLINE``.
    """
    received = b""
    try:
        async with asyncio.timeout(DEADLINE):
            while chunk := await reader.read(65536):
                received += chunk
    except ConnectionResetError:
        pass
    except TimeoutError:
        raise AssertionError(f"the server kept the connection open for {DEADLINE:.0f} s") from None
    return received


async def wait_until(predicate: Callable[[], bool], what: str) -> None:
    """Poll a condition the server makes true by itself (a connection's end, say)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def drip_until_closed(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    byte: bytes,
    every: float = 0.05,
) -> bytes:
    """Send ``byte`` over and over (a slowloris: one byte every ``every`` seconds) until the
    server closes the connection; returns what the server sent."""
    closed = asyncio.create_task(until_closed(reader))
    try:
        while not closed.done():
            try:
                writer.write(byte)
                await writer.drain()
            except (ConnectionError, OSError):
                break
            await asyncio.wait({closed}, timeout=every)  # the client's pace, or the close
        return await closed
    finally:
        closed.cancel()
