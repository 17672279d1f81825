"""The presenter's console (``run --role presenter``) under Pilot, and the facilitator's key
that sends it a message.

The facilitator's side is a real ``LiveSession`` writing its own file in the same data folder
(as the facilitator's console would); the presenter's console reads that folder the way it
does in use: the App's folder poll for the clock, decisions and message, and the feed cache
for the question texts.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.text import Text

from console import app as app_module
from console.app import FacilitatorApp
from console.board.feeds import cache_path, pack, write_cache
from console.feeds.cache import FeedCache
from console.screens import confidence
from console.screens.confidence import ConfidenceScreen
from console.screens.main_screen import MainScreen
from console.screens.presenter_message import PresenterMessageScreen
from console.session.live import LiveSession
from console.session.presenter_message import PresenterMessage
from console.session.setup import prepare
from console.store import Record, SessionFolder
from console.system.settings import load_settings
from console.widgets.countdown import Countdown
from tests.ui.board_helpers import BEFORE_START, fq
from tests.ui.helpers import FakeNow, make_app, until
from tests.ui.test_palette import choose

PRIVATE = ("pat@example.org", "Pat Secret", "Funding and resources", "funding", "Told them no")
"""What a presenter's screen must never show: the asker's email, a name kept private, the
facilitator's theme tag (label and id) and an answer note."""
LIVE_TEXT = "What is the drill schedule for next term?"


@pytest.fixture(autouse=True)
def _no_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests tick by hand: what arrives comes through the folder poll or ``tick()``."""
    monkeypatch.setattr(app_module, "TICK_SECONDS", 3600.0)


def facilitator(data: Path, now: FakeNow) -> LiveSession:
    """The facilitator's session on ``data``, opened as its console opens it (file, lock)."""
    launch = prepare(
        root=data,
        agenda_ref=None,
        session_ref=None,
        new=True,
        role="facilitator",
        author="Dana",
        read_only=False,
        rehearsal=False,
        now=now,
    )
    live = LiveSession(launch, now=now)
    live.open()
    return live


def save(live: LiveSession, *records: Record | None) -> None:
    """Write records to the facilitator's own file, as its console's writer does."""
    assert live.file is not None
    live.file.put_many([r for r in records if r is not None])


def running_session(data: Path, now: FakeNow) -> LiveSession:
    """Started at 15:30 (New York), a question live (tagged, with an email and a name kept
    private), another answered with a private note, the feed cache written."""
    fac = facilitator(data, now)
    questions = [
        fq(1, LIVE_TEXT, asker="Pat Secret", email="pat@example.org", display_name=False),
        fq(2, "Will there be funding?", asker="Lee", email="lee@example.org"),
    ]
    fac.board.update_feed("form", questions, None)
    now.advance(300)  # 15:30
    _events, clock = fac.start()
    save(fac, clock)
    save(fac, *fac.board.tag("form:1", "funding"))
    save(fac, *fac.board.answer("form:2", "Told them no"))
    save(fac, *fac.board.go_live("form:1", fac.segment_id))
    write_cache(FeedCache(cache_path(fac.folder.path)), pack({"form": questions}), "form", now())
    return fac


def screen_lines(app: FacilitatorApp) -> list[str]:
    """What the terminal shows, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def shown(app: FacilitatorApp) -> str:
    return "\n".join(screen_lines(app))


def folder_files(path: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in path.rglob("*") if p.is_file()}


@pytest.fixture
def dirs(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    yield tmp_path / "data", tmp_path / "cfg"


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_presenter_sees_segment_countdown_words_message_and_live_question_only(
    dirs: tuple[Path, Path], size: tuple[int, int]
) -> None:
    data, cfg = dirs
    now = FakeNow(BEFORE_START)
    fac = running_session(data, now)
    save(fac, fac.send_presenter_message("Next: questions"))
    before = folder_files(fac.folder.path)
    app = make_app(data, cfg, now, role="presenter", author="Stage")
    assert app.session.file is None  # read-only: no file of its own, no lock
    async with app.run_test(size=size) as pilot:
        assert isinstance(app.screen, ConfidenceScreen)
        await until(lambda: LIVE_TEXT in shown(app), pilot)
        text = shown(app)
        for expected in ("Segment 1 of 6", "Welcome and purpose", "ON TIME", "Next: questions"):
            assert expected in text, f"{expected!r} not on the {size} screen:\n{text}"
        for private in PRIVATE:
            assert private not in text, f"{private!r} shown on the presenter's screen"

        now.advance(4 * 60 + 10)  # 50 s left of 5 min, wrap-up from 1 min left
        app.tick()
        await until(lambda: "WRAP UP" in shown(app), pilot)
        assert app.screen.query_one(Countdown).has_class("-wrap-up")

        now.advance(80)  # 30 s over
        app.tick()
        await until(lambda: "OVERTIME" in shown(app), pilot)
        assert app.screen.query_one(Countdown).has_class("-overtime")
        assert app.screen.query_one(Countdown).time_text == "-00:30"
        text = shown(app)
        assert LIVE_TEXT in text and "Next: questions" in text
        for private in PRIVATE:
            assert private not in text
    app.session.close()
    assert folder_files(fac.folder.path) == before  # the presenter wrote nothing
    fac.close()


async def test_overtime_flashes_only_with_full_animations(dirs: tuple[Path, Path]) -> None:
    data, cfg = dirs
    now = FakeNow(BEFORE_START)
    fac = running_session(data, now)
    now.advance(6 * 60)  # 15:36:00: a minute of overtime, on an even second
    app = make_app(data, cfg, now, role="presenter", author="Stage")
    async with app.run_test(size=(80, 24)) as pilot:
        app.animation_level = "full"
        countdown = app.screen.query_one(Countdown)
        seen = []
        for second in range(60, 64):  # 15:36:00 is an even second
            app.tick()
            await until(lambda s=second: countdown.time_text == f"-01:{s - 60:02d}", pilot)
            seen.append(countdown.has_class("-flash"))
            assert "OVERTIME" in shown(app)
            now.advance(1)
        assert seen == [True, False, True, False]
        app.animation_level = "none"  # TEXTUAL_ANIMATIONS=none: reduced motion, no flash
        for second in range(64, 66):
            app.tick()
            await until(lambda s=second: countdown.time_text == f"-01:{s - 60:02d}", pilot)
            assert not countdown.has_class("-flash")
            assert countdown.has_class("-overtime") and "OVERTIME" in shown(app)
            now.advance(1)
    fac.close()
    app.session.close()


async def test_the_facilitator_sends_a_message_with_the_key_or_the_palette(
    dirs: tuple[Path, Path],
) -> None:
    data, cfg = dirs
    now = FakeNow(BEFORE_START)
    app = make_app(data, cfg, now, new=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await until(lambda: isinstance(app.screen, PresenterMessageScreen), pilot)
        await pilot.press("enter")  # the first preset
        await until(lambda: app.session.presenter_message.text == "Wrap up", pilot)

        await pilot.press("ctrl+g")
        await until(lambda: isinstance(app.screen, PresenterMessageScreen), pilot)
        assert "Showing now: Wrap up" in shown(app)
        await pilot.press(*"Mic check, please")  # typing on the presets goes to the line
        await pilot.press("enter")
        await until(lambda: app.session.presenter_message.text == "Mic check, please", pilot)
        assert isinstance(app.screen, MainScreen)

        await choose(pilot, "Presenter: Two minutes")  # typed into the palette
        await until(lambda: app.session.presenter_message.text == "Two minutes", pilot)
        await choose(pilot, "Presenter: clear the message")
        await until(lambda: app.session.presenter_message.text == "", pilot)
        await app.settle()
    app.session.close()
    records, _warnings = SessionFolder.open(app.session.folder.path).read_all()
    saved = records[("presenter_message", "message")]
    assert saved.rev == 4 and saved.data["text"] == "" and saved.author == "Dana"


async def test_a_message_reaches_the_presenter_within_two_seconds(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the moment the facilitator's record is on disk to the moment the presenter's
    screen has drawn it: one folder poll (1 s) and a repaint, with no tick to help."""
    data, cfg = dirs
    now = FakeNow(BEFORE_START)
    fac = running_session(data, now)
    app = make_app(data, cfg, now, role="presenter", author="Stage")
    drawn: dict[str, float] = {}
    message_text = confidence.message_text

    def timed(message: PresenterMessage, session: LiveSession) -> Text:
        drawn.setdefault(message.text, time.monotonic())  # the screen is drawing it now
        return message_text(message, session)

    monkeypatch.setattr(confidence, "message_text", timed)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: LIVE_TEXT in shown(app), pilot)
        save(fac, fac.send_presenter_message("Wrap up"))
        saved_at = time.monotonic()
        await until(lambda: "Wrap up" in drawn, pilot, seconds=15)
        delay = drawn["Wrap up"] - saved_at
        assert "Wrap up" in shown(app)
        assert delay < 2.0, f"the message took {delay:.2f} s to reach the presenter's screen"
        print(f"message saved -> drawn on the presenter's screen: {delay:.2f} s")
    fac.close()
    app.session.close()


async def test_a_console_that_does_not_run_the_session_sends_no_message(
    dirs: tuple[Path, Path],
) -> None:
    data, cfg = dirs
    now = FakeNow(BEFORE_START)
    fac = facilitator(data, now)
    launch = prepare(
        root=data,
        agenda_ref=None,
        session_ref=fac.folder.info.id,
        new=False,
        role="facilitator",
        author="Dana",
        read_only=True,
        rehearsal=False,
        now=now,
    )
    live = LiveSession(launch, now=now)
    live.open()
    app = FacilitatorApp(live, settings=load_settings(cfg), now=now, defer_panels=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.check_action("send_presenter_message", ("Wrap up",)) is None
    live.close()
    fac.close()
