"""Fixtures of the unit tests: ``start`` serves a built-in form on a free port of 127.0.0.1.

``start(info=INFO, **overrides)`` gives the server, a token-holding ``Console`` and a maker of
``Participant``s (each its own cookie jar); everything is closed and stopped after the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from console.intake import FormInfo, IntakeConfig, IntakeServer
from tests.unit.intake_clients import INFO, Console, Participant, Start


@pytest.fixture
async def start(tmp_path: Path) -> AsyncIterator[Start]:
    servers: list[IntakeServer] = []
    sessions: list[aiohttp.ClientSession] = []

    async def factory(
        info: FormInfo = INFO, **overrides: Any
    ) -> tuple[IntakeServer, Console, Callable[[], Participant]]:
        config = IntakeConfig(
            data_dir=tmp_path / f"intake{len(servers)}", port=0, token="t" * 32, **overrides
        )
        server = IntakeServer(config, info)
        await server.start()
        servers.append(server)
        http = aiohttp.ClientSession()
        sessions.append(http)

        def participant() -> Participant:
            p = Participant(server)
            sessions.append(p.http)
            return p

        return server, Console(server, http), participant

    yield factory
    for http in sessions:
        await http.close()
    for server in servers:
        await server.stop()
