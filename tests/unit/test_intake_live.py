"""The participants' live list under many watchers, over real HTTP on 127.0.0.1 (port 0):
rendered once per change and shared, personal marks put in per participant, updates
coalesced, a version that is what the participant sees, and votes that render nothing."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from console.intake import live_list, participant_routes
from console.intake.formdb import FormDB
from tests.unit.intake_clients import Console, Participant, Start


async def live(p: Participant, version: str = "", lang: str = "en") -> dict[str, Any]:
    async with p.http.get(p.url + "questions.json", params={"v": version, "lang": lang}) as resp:
        assert resp.status == 200
        data: dict[str, Any] = await resp.json()
        return data


async def published(console: Console, asker: Participant, *texts: str) -> list[str]:
    for text in texts:
        await asker.ask(text)
    ids = [(await console.by_text(t))["id"] for t in texts]
    await console.decide([{"id": qid, "published": True} for qid in ids])
    return ids


async def test_many_watchers_share_one_render_per_change(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, console, participant = await start()
    asker = participant()
    await published(console, asker, "First question")
    watchers = [participant() for _ in range(20)]
    first = [await live(w) for w in watchers]
    versions = {d["version"] for d in first}
    assert len(versions) == 1  # no personal marks: everyone sees the same list
    await asker.ask("Second question")  # screened: no one else sees it yet
    qid = (await console.by_text("Second question"))["id"]
    polls = [asyncio.create_task(live(w, first[0]["version"])) for w in watchers]
    await asyncio.sleep(0.5)  # the question's update came and went
    assert not any(p.done() for p in polls)  # nothing changed for them: they wait
    builds: list[str] = []
    real_build = live_list.LiveList._build

    async def counted(self: live_list.LiveList, lang: str) -> live_list.Rendered:
        builds.append(lang)
        return await real_build(self, lang)

    monkeypatch.setattr(live_list.LiveList, "_build", counted)
    await console.decide([{"id": qid, "published": True}])
    answers = await asyncio.wait_for(asyncio.gather(*polls), 10)
    assert all("Second question" in a["html"] for a in answers)
    assert len({a["version"] for a in answers}) == 1
    assert builds == ["en"]  # one render for twenty watchers


async def test_personal_marks_are_put_in_and_the_page_shows_the_same_html(start: Start) -> None:
    _, console, participant = await start()
    a, b = participant(), participant()
    theirs, mine = (
        await published(console, b, "Asked by B"),
        await published(console, a, "Asked by A"),
    )
    await a.ask("A's question not published yet")
    assert await a.vote(theirs[0]) == 303
    data_a, data_b = await live(a), await live(b)
    html_a, html_b = data_a["html"], data_b["html"]
    assert "You said: me too" in html_a and "You said: me too" not in html_b
    assert f'id="vote-{theirs[0]}"' not in html_a and f'id="vote-{mine[0]}"' not in html_a
    assert f'id="vote-{mine[0]}"' in html_b and f'id="vote-{theirs[0]}"' not in html_b
    # Each sees their own questions marked, with their private links.
    assert html_b.count("Your question") == 1 and html_b.count("mine?k=") == 1
    assert html_a.count("mine?k=") == 2 and not set(re.findall(r"mine\?k=[^\"]+", html_a)) & set(
        re.findall(r"mine\?k=[^\"]+", html_b)
    )
    assert "A&#39;s question not published yet" in html_a
    assert "not published yet" not in html_b
    _, page_a = await a.page("questions")
    assert f'<div id="live-list" data-version="{data_a["version"]}">\n{html_a}\n</div>' in page_a
    assert data_a["version"] != data_b["version"]


async def test_a_change_only_its_asker_sees_does_not_wake_the_others(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(participant_routes, "LIVE_WAIT_S", 2.5)
    _, console, participant = await start()  # screened: a new question waits
    a, b = participant(), participant()
    await published(console, a, "On the list")
    before_a, before_b = await live(a), await live(b)
    poll_a = asyncio.create_task(live(a, before_a["version"]))
    poll_b = asyncio.create_task(live(b, before_b["version"]))
    await asyncio.sleep(0.1)
    await a.ask("Only A sees this one")
    after_a = await asyncio.wait_for(poll_a, 5)
    assert "Only A sees this one" in after_a["html"]
    after_b = await asyncio.wait_for(poll_b, 5)  # held to its cap: nothing new for B
    assert after_b["version"] == before_b["version"]


async def test_votes_coalesce_into_few_updates_and_render_nothing(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_list, "VOTE_INTERVAL_S", 2.0)
    _, console, participant = await start()
    asker = participant()
    [qid] = await published(console, asker, "Vote for me")
    watcher = participant()
    seen = await live(watcher)
    await asyncio.sleep(2.1)  # past the interval: the next vote updates at once
    ticks: list[int] = []
    real_tick = live_list.LiveList._tick
    monkeypatch.setattr(
        live_list.LiveList, "_tick", lambda self: (ticks.append(1), real_tick(self))[-1]
    )
    builds: list[str] = []
    snapshots: list[int] = []
    real_build, real_snapshot = live_list.LiveList._build, FormDB.snapshot

    async def counted_build(self: live_list.LiveList, lang: str) -> live_list.Rendered:
        builds.append(lang)
        return await real_build(self, lang)

    async def counted_snapshot(self: FormDB) -> Any:
        snapshots.append(1)
        return await real_snapshot(self)

    monkeypatch.setattr(live_list.LiveList, "_build", counted_build)
    monkeypatch.setattr(FormDB, "snapshot", counted_snapshot)
    voters = [participant() for _ in range(12)]
    csrf = await voters[0].csrf()
    for v in voters:
        await v.page()  # a participant cookie
    statuses = await asyncio.gather(*(v.vote(qid, csrf) for v in voters))
    assert statuses == [303] * 12
    assert builds == [] and snapshots == []  # a vote renders nothing and reads no list
    assert len(ticks) <= 2  # the first at once, the rest together once the interval is over
    update = await asyncio.wait_for(live(watcher, seen["version"]), 5)
    if "12 people asked this too" not in update["html"]:
        update = await asyncio.wait_for(live(watcher, update["version"]), 5)
    assert "12 people asked this too" in update["html"]
    assert len(ticks) <= 2


async def test_a_page_shows_the_latest_write_at_once(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Updates to watchers are coalesced; a page (a reload, the page after a vote) is not."""
    monkeypatch.setattr(live_list, "VOTE_INTERVAL_S", 30.0)
    monkeypatch.setattr(live_list, "CHANGE_INTERVAL_S", 30.0)
    _, console, participant = await start()
    asker, voter = participant(), participant()
    [qid] = await published(console, asker, "Counted at once")
    _, page = await voter.page("questions")
    assert "Counted at once" in page
    assert await voter.vote(qid) == 303
    _, page = await voter.page("questions?voted=1")
    assert "1 person asked this too" in page and "You said: me too" in page
    _, page = await asker.page("questions")
    assert "1 person asked this too" in page


async def test_a_tick_renders_the_new_list_before_it_wakes_the_watchers(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Watchers woken by a change find the new list already rendered. Woken first, every group
    waited for the one render and then all were answered in a single turn of the loop, and a
    vote arriving meanwhile waited behind every one of them."""
    server, console, participant = await start()
    asker = participant()
    await published(console, asker, "First question")
    await asker.ask("Second question")
    qid = (await console.by_text("Second question"))["id"]
    watchers = [participant() for _ in range(10)]
    first = [await live(w) for w in watchers]
    lister = server.participants.live
    deadline = asyncio.get_running_loop().time() + 10
    while lister._timer is not None:  # the update of the question asked has come and gone
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.02)
    events: list[str] = []
    real_build, real_wake, real_view = (
        live_list.LiveList._build,
        live_list.LiveList.wake,
        live_list.LiveList.view,
    )

    async def build(self: live_list.LiveList, lang: str) -> live_list.Rendered:
        rendered = await real_build(self, lang)
        events.append("rendered")
        return rendered

    async def view(self: live_list.LiveList, *args: Any, **kwargs: Any) -> live_list.View:
        events.append("view")
        return await real_view(self, *args, **kwargs)

    monkeypatch.setattr(live_list.LiveList, "_build", build)
    monkeypatch.setattr(
        live_list.LiveList, "wake", lambda self: (events.append("wake"), real_wake(self))[-1]
    )
    monkeypatch.setattr(live_list.LiveList, "view", view)
    polls = [asyncio.create_task(live(w, first[0]["version"])) for w in watchers]
    while events.count("view") < len(watchers):  # every watcher is waiting
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.02)
    await console.decide([{"id": qid, "published": True}])
    answers = await asyncio.wait_for(asyncio.gather(*polls), 10)
    assert all("Second question" in a["html"] for a in answers)
    assert "rendered" in events and "wake" in events
    assert events.index("rendered") < events.index("wake"), events
    assert events.count("rendered") == 1
