"""The board's views: hostile text shown literally, filters, search, sort, roles, presenter."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from console.screens.presenter import PresenterScreen
from console.text.clean import clean_text
from console.widgets.board_panel import SearchInput
from console.widgets.question_detail import QuestionDetail
from tests.ui.board_helpers import (
    BEFORE_START,
    focus_row,
    fq,
    panel,
    row_text,
    saved_board,
    seed,
    table,
)
from tests.ui.helpers import FakeNow, make_app

HOSTILE = [
    "[bold]not bold[/bold]",
    "[@click=app.quit]click me[/]",
    "unclosed [/ tag",
    "ansi \x1b[31mred\x1b[0m and osc \x1b]0;title\x07 end",
    "bidi \u202eevil\u202c text",
    "nul \x00 byte",
]


def _detail_plain(app: object) -> str:
    static = app.screen.query_one(QuestionDetail).query_one("Static")  # type: ignore[attr-defined]
    content = static.render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_hostile_text_is_shown_literally_and_nothing_breaks(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    cleaned = [clean_text(t) for t in HOSTILE]  # what an adapter hands the board
    questions = [fq(i, text) for i, text in enumerate(cleaned)]
    questions.append(fq(50, "huge " + "x" * 1_000_000, asker="[red]Eve[/red]"))
    seed(app, questions)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        t = table(app)
        for i, text in enumerate(cleaned):
            await focus_row(pilot, app, f"form:{i}")
            shown = row_text(t, f"form:{i}")
            assert text[:20] in shown, (text, shown)
            assert text in _detail_plain(app)
            for bad in ("\x1b", "\x00", "\u202e"):
                assert bad not in shown
        assert "[bold]not bold[/bold]" in row_text(t, "form:0")
        await focus_row(pilot, app, "form:50")
        assert "huge xxx" in row_text(t, "form:50")
        assert len(_detail_plain(app)) < 30_000  # capped in the pane, whole in the store
        assert app.is_running
    app.session.close()


async def test_filter_search_and_sort(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(1, "Drills for buses?", votes=9), fq(2, "Door locks?"), fq(3, "Radios?")])
    async with app.run_test(size=(120, 40)) as pilot:
        p, t = panel(app), table(app)
        await pilot.pause()
        assert t.shown_keys == ["form:3", "form:2", "form:1"]  # newest first
        await focus_row(pilot, app, "form:3")
        await pilot.press("o")
        assert t.shown_keys[0] == "form:1"  # most votes first
        await pilot.press("o")
        await focus_row(pilot, app, "form:2")
        await pilot.press("x")
        assert "form:2" not in t.shown_keys  # "open" hides dismissed
        await pilot.press("f")  # all
        assert p.status_filter == "all" and "form:2" in t.shown_keys
        await pilot.press("f", "f", "f")  # answered, deferred, dismissed
        assert p.status_filter == "dismissed" and t.shown_keys == ["form:2"]
        await pilot.press("f")  # held: no question holds a held word
        assert p.status_filter == "held" and t.shown_keys == []
        await pilot.press("f")
        assert p.status_filter == "open"
        await pilot.press("slash")
        await pilot.press(*"drill")
        await pilot.pause()
        assert t.shown_keys == ["form:1"]
        await pilot.press("escape")
        await pilot.pause()
        assert p.search == "" and len(t.shown_keys) == 2
        assert t.has_focus
        await app.settle()
    app.session.close()


async def test_no_shortcut_fires_while_typing_in_the_search(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(1, "queue live answer defer")])
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:1")
        await pilot.press("slash")
        await pilot.press(*"qladxuvimtfosnpr")
        await pilot.pause()
        search = app.screen.query_one(SearchInput)
        assert search.value == "qladxuvimtfosnpr"
        assert app.session.board.get("form:1").status == "new"
        assert app.session.clock.current_index is None  # "s" did not start the clock
        assert isinstance(app.screen, type(app.screen))  # no dialog opened
        assert len(app.screen_stack) == 2
    app.session.close()


async def test_note_taker_reads_the_board_and_may_add_but_not_moderate(tmp_path: Path) -> None:
    data, cfg = tmp_path / "data", tmp_path / "cfg"
    now = FakeNow(BEFORE_START)
    fac = make_app(data, cfg, now)
    session_id = fac.session.folder.info.id
    seed(fac, [fq(1)])
    fac.session.board.queue("form:1")  # in memory only: the note-taker reads the folder
    fac.session.close()
    notes = make_app(data, cfg, now, role="notes", author="Sam", session=session_id)
    seed(notes, [fq(1)])
    async with notes.run_test(size=(120, 40)) as pilot:
        p = panel(notes)
        await focus_row(pilot, notes, "form:1")
        assert p.has_class("compact")
        assert not p.query_one(QuestionDetail).display or p.has_class("compact")
        assert p.check_action("moderate", ("queue",)) is False
        await pilot.press("q", "l", "x")
        await pilot.pause()
        assert notes.session.board.get("form:1").status == "new"
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"Heard aloud: what about buses?")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await notes.settle()
    notes.session.close()
    texts = {q.text: q for q in saved_board(notes, [fq(1)]).questions(status=None)}
    assert texts["Heard aloud: what about buses?"].added_by == "Sam"


async def test_presenter_view_never_shows_email_private_tags_or_withheld_names(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(
        app,
        [
            fq(
                1,
                "What is the drill schedule?",
                asker="Pat Secret",
                email="pat@x.org",
                display_name=False,
            )
        ],
    )
    board = app.session.board
    board.tag("form:1", "funding")
    board.go_live("form:1")
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:1")
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PresenterScreen)
        shown = " ".join(
            str(getattr(s.render(), "plain", s.render())) for s in app.screen.query("Static")
        )
        assert "What is the drill schedule?" in shown
        assert "School Safety Office Hours" in shown
        for private in ("pat@x.org", "Pat Secret", "Funding", "funding"):
            assert private not in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PresenterScreen)
    app.session.close()


async def test_presenter_shows_a_name_given_for_display(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(1, "Radios?", asker="Ana Ruiz", email="ana@x.org", display_name=True)])
    app.session.board.go_live("form:1")
    async with app.run_test(size=(120, 40)) as pilot:
        table(app).focus()
        await pilot.press("P")
        await pilot.pause()
        shown = " ".join(str(getattr(s.render(), "plain", "")) for s in app.screen.query("Static"))
        assert "Ana Ruiz" in shown and "ana@x.org" not in shown
    app.session.close()
