"""Voters on the form: a merged group counts each voter once; carried voters count once and
cannot vote again; the API names voters as tokens and takes carried ones back (a real
IntakeServer on 127.0.0.1, port 0, and real participants over HTTP)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from console.intake import IntakeConfig, IntakeServer
from console.intake.formdb import DecisionBatch, FormDB
from console.intake.voters import voter_token
from tests.unit.intake_clients import INFO, Console, Participant
from tests.unit.test_intake_formdb import fields

KEY = b"k" * 32
WHEN = "2025-12-17T20:41:07.512+00:00"


def merge(dup: str, primary: str | None) -> DecisionBatch:
    return DecisionBatch(items=[(dup, {"duplicate_of": primary})])


# -- the store -------------------------------------------------------------------------------
async def test_a_merged_group_shows_each_voter_once(tmp_path: Path) -> None:
    db = FormDB(tmp_path, voter_key=KEY)
    await db.start()
    for qid in ("a", "b", "c"):
        await db.add(**fields(qid))
    assert await db.vote("p1", "a", WHEN) and await db.vote("p1", "b", WHEN)
    assert await db.vote("p2", "b", WHEN) and await db.vote("p3", "c", WHEN)
    snap = await db.snapshot()
    assert [snap.votes(q) for q in snap.questions] == [1, 2, 1]

    await db.apply_decisions(merge("b", "a"))
    snap = await db.snapshot()
    assert [snap.votes(q) for q in snap.questions] == [2, 2, 1]  # p1 once, p2

    assert await db.vote("p2", "a", WHEN) is True  # already counted in the group
    snap = await db.snapshot()
    assert [snap.votes(q) for q in snap.questions] == [2, 2, 1]

    await db.apply_decisions(merge("b", None))  # unmerged: each counts its own again
    snap = await db.snapshot()
    assert [snap.votes(q) for q in snap.questions] == [2, 2, 1]
    await db.apply_decisions(merge("c", "a"))
    snap = await db.snapshot()
    assert [snap.votes(q) for q in snap.questions] == [3, 2, 3]
    db.close()


async def test_carried_voters_count_once_cannot_vote_again_and_survive_a_restart(
    tmp_path: Path,
) -> None:
    t1, gone = voter_token(KEY, "p1"), voter_token(KEY, "someone from last month")
    db = FormDB(tmp_path, voter_key=KEY)
    await db.start()
    await db.add(**fields("carried", origin="console"))
    await db.add(**fields("new"))
    assert await db.add_carried_voters("carried", [t1, gone]) == 2
    assert await db.add_carried_voters("carried", [t1, gone]) == 0  # the same again
    assert await db.add_carried_voters("nope", [t1]) is None
    assert "carried" in await db.voted_by("p1")

    assert await db.vote("p1", "carried", WHEN) is False  # voted for it last session
    assert await db.vote("p2", "carried", WHEN) is True
    assert await db.voters(["carried"]) == {
        "carried": frozenset({t1, gone, voter_token(KEY, "p2")})
    }
    snap = await db.snapshot()
    assert snap.votes(snap.question("carried")) == 3  # type: ignore[arg-type]

    # A question merged into the carried one: p1 voted there too, and counts once.
    assert await db.vote("p1", "new", WHEN) is True
    await db.apply_decisions(merge("new", "carried"))
    snap = await db.snapshot()
    assert [snap.votes(q) for q in snap.questions] == [3, 3]
    db.close()

    again = FormDB(tmp_path, voter_key=KEY)
    await again.start()
    assert await again.vote("p1", "carried", WHEN) is False
    assert (await again.counts())["carried_voters"] == 2
    snap = await again.snapshot()
    assert [snap.votes(q) for q in snap.questions] == [3, 3]
    again.close()


async def test_voter_tokens_are_keyed_by_the_forms_secret(tmp_path: Path) -> None:
    """Without a key the store uses the folder's server secret, as the server does."""
    db = FormDB(tmp_path)
    await db.start()
    await db.add(**fields("a"))
    await db.vote("p1", "a", WHEN)
    secret = bytes.fromhex((tmp_path / "server-secret").read_text().strip())
    assert await db.voters(["a"]) == {"a": frozenset({voter_token(secret, "p1")})}
    assert voter_token(secret, "p1") != voter_token(KEY, "p1")
    assert re.fullmatch(r"[0-9a-f]{16}", voter_token(secret, "p1"))
    db.close()


# -- the API ---------------------------------------------------------------------------------
@pytest.fixture
async def form(tmp_path: Path) -> AsyncIterator[tuple[IntakeServer, Console, list[Participant]]]:
    server = IntakeServer(IntakeConfig(data_dir=tmp_path / "intake", port=0, token="t" * 32), INFO)
    await server.start()
    http = aiohttp.ClientSession()
    people = [Participant(server) for _ in range(4)]
    yield server, Console(server, http), people
    for p in people:
        await p.http.close()
    await http.close()
    await server.stop()


def figure(page: str, qid: str) -> int:
    found = re.search(rf'id="q-{re.escape(qid)}-votes">(\d+) (?:person|people)', page)
    assert found, f"no vote figure for {qid}"
    return int(found.group(1))


async def test_the_feed_names_voters_and_the_list_counts_a_merged_voter_once(
    form: tuple[IntakeServer, Console, list[Participant]],
) -> None:
    _server, console, (a, b, c, d) = form
    await a.ask("Will drills be announced?")
    await b.ask("Do parents hear about drills first?")
    primary = (await console.by_text("Will drills be announced?"))["id"]
    dup = (await console.by_text("Do parents hear about drills first?"))["id"]
    await console.decide({"decisions": [{"id": primary, "published": True},
                                        {"id": dup, "published": True}]})  # fmt: skip
    assert await c.vote(primary) == 303 and await c.vote(dup) == 303
    assert await d.vote(dup) == 303

    listed = {q["id"]: q for q in (await console.questions())["questions"]}
    assert (listed[primary]["votes"], listed[dup]["votes"]) == (1, 2)
    (c_token,) = listed[primary]["voters"]
    assert c_token in listed[dup]["voters"] and len(listed[dup]["voters"]) == 2
    _, page = await a.page("questions")
    assert (figure(page, primary), figure(page, dup)) == (1, 2)

    await console.decide({"decisions": [{"id": dup, "duplicate_of": primary}]})
    _, page = await a.page("questions")
    assert (figure(page, primary), figure(page, dup)) == (2, 2)  # c once, and d
    # The API still names each question's own voters: the console unions them itself.
    listed = {q["id"]: q for q in (await console.questions())["questions"]}
    assert (listed[primary]["votes"], listed[dup]["votes"]) == (1, 2)


async def test_carried_voters_are_taken_over_the_api_and_bad_ones_refused(
    form: tuple[IntakeServer, Console, list[Participant]],
) -> None:
    server, console, (a, b, c, _d) = form
    await a.ask("Last month's question")
    old = (await console.by_text("Last month's question"))["id"]
    await console.decide({"decisions": [{"id": old, "published": True}]})
    assert await b.vote(old) == 303
    (b_token,) = (await console.by_text("Last month's question"))["voters"]

    async def post(body: object, status: int, auth: bool = True) -> dict[str, Any]:
        headers = console.auth() if auth else {}
        async with console.http.post(server.url + "api/voters", json=body, headers=headers) as resp:
            assert resp.status == status, await resp.text()
            data: dict[str, Any] = await resp.json()
            return data

    async with console.http.post(
        server.url + "api/questions",
        json={"id": "carried-1", "text": "Carried: who drills the buses?"},
        headers=console.auth(),
    ) as resp:
        assert resp.status == 201
    other = "0123456789abcdef"
    assert await post({"id": "carried-1", "voters": [b_token, other]}, 200) == {
        "id": "carried-1", "added": 2, "votes": 2,
    }  # fmt: skip
    assert (await post({"id": "carried-1", "voters": [b_token]}, 200))["added"] == 0
    await post({"id": "carried-1", "voters": [b_token]}, 401, auth=False)
    assert "error" in await post({"id": "carried-1", "voters": ["not-a-token"]}, 400)
    assert "error" in await post({"id": "carried-1", "voters": "0123456789abcdef"}, 400)
    assert "error" in await post({"id": "carried-1", "voters": [other] * 1001}, 400)
    assert "error" in await post({"voters": [other]}, 400)
    assert "error" in await post({"id": "unknown", "voters": [other]}, 404)

    # b voted for it last session: marked, and a second vote does not count.
    _, page = await b.page("questions")
    item = page[page.index('id="q-carried-1"') :]
    assert "You said: me too" in item[: item.index("</li>")]
    assert await b.vote("carried-1") == 303
    assert await c.vote("carried-1") == 303
    carried = await console.by_text("Carried: who drills the buses?")
    assert carried["votes"] == 3 and b_token in carried["voters"]
    _, page = await c.page("questions")
    assert figure(page, "carried-1") == 3


def test_a_follow_up_form_takes_the_earlier_secret_but_never_replaces_one(
    tmp_path: Path,
) -> None:
    from console.intake.tokens import SECRET_FILE, copy_server_secret, load_server_secret

    earlier, later, own = tmp_path / "one", tmp_path / "two", tmp_path / "three"
    assert copy_server_secret(earlier, later) is False  # nothing to copy yet
    secret = load_server_secret(earlier)
    assert copy_server_secret(earlier, later) is True
    assert load_server_secret(later) == secret
    assert oct((later / SECRET_FILE).stat().st_mode & 0o777) == "0o600"
    mine = load_server_secret(own)
    assert copy_server_secret(earlier, own) is False and load_server_secret(own) == mine
