"""The report screen: preview, export to the session's reports folder, honest copy messages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

import console.screens.report_screen as report_screen
from console.screens.report_screen import ReportScreen
from console.system.clipboard import ClipboardResult
from tests.data.report.fixture_session import FACILITATOR, NOW, SESSION_ID, make_fixture
from tests.ui.helpers import FakeNow, make_app


async def _until(check: Callable[[], bool], deadline: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while not check():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


@pytest.fixture
def app_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    make_fixture(tmp_path / "data")
    monkeypatch.chdir(tmp_path / "data")

    def build():  # type: ignore[no-untyped-def]
        return make_app(
            tmp_path / "data",
            tmp_path / "config",
            FakeNow(NOW),
            agenda="agenda.toml",
            session=SESSION_ID,
            author=FACILITATOR,
        )

    return build


async def _open_report(app, pilot) -> ReportScreen:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+r")
    await _until(lambda: isinstance(app.screen, ReportScreen))
    screen = app.screen
    await _until(lambda: screen.data is not None)
    await app.settle()
    return screen


async def test_preview_export_and_close(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_report(app, pilot)
        assert "Report Fixture Office Hours" in screen.preview
        await pilot.press("f")  # Markdown -> HTML
        assert screen.chosen_format == "html"
        await pilot.press("e")
        await _until(lambda: bool(screen.saved))
        saved = screen.saved[0]
        assert saved.parent == app.session.folder.path / "reports"
        assert saved.name == f"{SESSION_ID}-report.html"
        assert "<!DOCTYPE html>" in saved.read_text(encoding="utf-8")
        status = str(screen.query_one("#report-status").render())
        assert str(saved) in status
        await pilot.press("escape")
        await _until(lambda: not isinstance(app.screen, ReportScreen))


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (ClipboardResult(True, ""), "copied to the clipboard"),
        (ClipboardResult(False, "no desktop clipboard (none)"), "unconfirmed"),
    ],
)
async def test_copy_says_what_happened(
    app_factory,
    monkeypatch: pytest.MonkeyPatch,
    result: ClipboardResult,
    expected: str,  # type: ignore[no-untyped-def]
) -> None:
    copied: list[str] = []

    def fake(text: str, **_: object) -> ClipboardResult:
        copied.append(text)
        return result

    monkeypatch.setattr(report_screen, "copy_to_desktop", fake)
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_report(app, pilot)
        await pilot.press("c")
        await _until(lambda: bool(screen.saved))
        status = str(screen.query_one("#report-status").render())
        assert expected in status
        assert str(screen.saved[0]) in status  # always where the saved file is
        assert copied and copied[0].startswith("# Report Fixture Office Hours")
        assert app.clipboard == copied[0]  # OSC 52 sent too


async def test_preview_of_a_10000_question_session_stays_small_and_responsive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview pages long lists (Markdown mounts a widget per block), so a session of
    10,000 questions does not mount tens of thousands of widgets."""
    from bench.report_export import make_big

    root = tmp_path / "data"
    folder = make_big(root)
    monkeypatch.chdir(root)
    app = make_app(
        root,
        tmp_path / "config",
        FakeNow(NOW),
        agenda="agenda.toml",
        session=folder.info.id,
        author=FACILITATOR,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+r")
        await _until(lambda: isinstance(app.screen, ReportScreen))
        screen = app.screen
        await _until(lambda: screen.data is not None, deadline=60)
        await app.settle()
        assert len(screen.data.questions) == 10_000
        blocks = list(screen.query_one("#report-preview").query("*"))
        assert len(blocks) < 2_000, len(blocks)  # paged: not 10,000+ widgets
    app.session.close()
