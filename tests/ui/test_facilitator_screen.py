"""The facilitator's screen as a live session met it (issue 13, items 7 to 11): focus, the
end key while typing, what fits at 120x40 and 80x24, jumping to a segment, and wording.

Each fact is read from the screen's text (what the terminal shows), at both sizes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.color import Color

from console.clock.model import Phase
from console.screens.confirm import ConfirmScreen
from console.widgets.capture_line import CaptureInput
from tests.ui.board_helpers import BEFORE_START, fq, seed
from tests.ui.helpers import FakeNow, footer_keys, make_app, region_text, screen_text, until

SIZES = [(120, 40), (80, 24)]


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_e_opens_the_end_confirmation_while_typing_a_note(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        await pilot.press("ctrl+n")
        box = app.screen.query_one(CaptureInput)
        assert app.focused is box
        await pilot.press(*"half a note")
        assert footer_keys(app).get("End") == "^e"  # the footer keeps it while typing
        await pilot.press("ctrl+e")
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot, 5)
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, ConfirmScreen), pilot, 5)
        assert app.session.clock.phase is Phase.RUNNING
        assert app.focused is box and box.value == "half a note"
        await pilot.press("home", "end")  # End still goes to the end of the line
        assert box.cursor_position == len("half a note")
        await app.settle()
    app.session.close()


@pytest.mark.parametrize("size", SIZES)
async def test_the_end_confirmation_shows_its_whole_question(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    from textual.containers import Vertical

    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        await pilot.press("ctrl+e")
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot, 5)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        shown = region_text(app, dialog.query_one(Vertical))
        assert dialog.question in shown, shown
        assert shown.startswith("End the session now?")
        assert "End session" in shown and "Cancel" in shown
        await pilot.press("escape")
        await app.settle()
    app.session.close()


def _accent(app: Any) -> Color:
    return Color.parse(app.theme_variables["accent"])


def _border(widget: Any) -> Color:
    return widget.styles.border_top[1]


@pytest.mark.parametrize("defer_panels", [False, True])
@pytest.mark.parametrize("size", SIZES)
async def test_the_console_starts_with_the_board_list_focused_and_its_border_lit(
    tmp_path: Path, size: tuple[int, int], defer_panels: bool
) -> None:
    from console.widgets.question_board import QuestionBoard

    app = make_app(
        tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START), defer_panels=defer_panels
    )
    seed(app, [fq(1), fq(2)])
    async with app.run_test(size=size) as pilot:
        await until(lambda: bool(app.screen.query(QuestionBoard)), pilot, 10)
        board = app.screen.query_one(QuestionBoard)
        await until(lambda: app.focused is board, pilot, 5)
        await pilot.pause()
        await pilot.press("l")  # a board key works at once, no Tab needed
        await app.settle()
        assert app.session.board.live_question is not None
        region = app.screen.query_one("#board-region")
        notes = app.screen.query_one("#notes-region")
        assert _border(region) == _accent(app)  # the focused pane stands out
        assert _border(notes) != _accent(app)
        shown = screen_text(app)
        for key in ("F2", "F3", "F4"):  # each pane's frame names the key that focuses it
            assert f"{key} to focus" in shown
    app.session.close()


@pytest.mark.parametrize("size", SIZES)
async def test_function_keys_focus_each_pane_even_while_typing(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    from console.widgets.agenda_timeline import AgendaTimeline
    from console.widgets.notes_list import NotesList
    from console.widgets.question_board import QuestionBoard

    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+n", *"typing")
        assert isinstance(app.focused, CaptureInput)
        await pilot.press("f2")
        assert isinstance(app.focused, QuestionBoard)
        assert screen.query_one(CaptureInput).value == "typing"  # F2 typed nothing
        await pilot.press("f3")
        assert isinstance(app.focused, NotesList)
        assert _border(screen.query_one("#notes-region")) == _accent(app)
        assert _border(screen.query_one("#board-region")) != _accent(app)
        await pilot.press("f4")
        assert isinstance(app.focused, AgendaTimeline)
        assert _border(screen.query_one("#timeline-pane")) == _accent(app)
        assert _border(screen.query_one("#notes-region")) != _accent(app)
        await pilot.press("ctrl+n", "f2")
        assert isinstance(app.focused, QuestionBoard)
    app.session.close()


async def test_the_focus_keys_can_be_remapped(tmp_path: Path) -> None:
    from console.widgets.notes_list import NotesList
    from console.widgets.question_board import QuestionBoard

    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.toml").write_text(
        '[keys]\nfocus_notes = "f7"\nfocus_board = "f8"\n', encoding="utf-8"
    )
    app = make_app(tmp_path / "data", cfg, FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        assert isinstance(app.focused, NotesList)
        await pilot.press("f8")
        assert isinstance(app.focused, QuestionBoard)
        await pilot.press("f3")  # the old key no longer does it
        assert isinstance(app.focused, QuestionBoard)
        assert "f7 to focus" in screen_text(app)
    app.session.close()


def _titles(app: Any) -> list[str]:
    return [s.title for s in app.session.agenda.segments]


@pytest.mark.parametrize("size", SIZES)
async def test_j_jumps_to_a_segment_chosen_from_a_list(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    from console.screens.choice import ChoiceScreen

    data, cfg, now = tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START)
    app = make_app(data, cfg, now)
    async with app.run_test(size=size) as pilot:
        await pilot.press("j")  # before the start: said, not done
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceScreen)
        assert any("Start the session first" in n.message for n in app._notifications)
        await pilot.press("s", "j")
        await until(lambda: isinstance(app.screen, ChoiceScreen), pilot, 5)
        shown = screen_text(app)
        for title in _titles(app)[:4]:  # every segment is offered by its title
            assert title[:20] in shown
        await pilot.press("down", "enter")  # the next segment is highlighted first
        await until(lambda: not isinstance(app.screen, ChoiceScreen), pilot, 5)
        assert app.session.clock.current_index == 2
        await app.settle()
    app.session.close()
    again = make_app(data, cfg, now)  # the jump was saved
    assert again.session.clock.current_index == 2
    again.session.close()


async def test_the_palette_offers_the_jump(tmp_path: Path) -> None:
    from console.screens.choice import ChoiceScreen
    from tests.ui.test_palette import choose

    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await choose(pilot, "Jump to a segment")
        await until(lambda: isinstance(app.screen, ChoiceScreen), pilot, 5)
        await pilot.press("down", "down", "enter")
        await until(lambda: not isinstance(app.screen, ChoiceScreen), pilot, 5)
        assert app.session.clock.current_index == 3
        await app.settle()
    app.session.close()


@pytest.mark.parametrize("size", SIZES)
async def test_the_run_of_show_jumps_from_its_list_by_key_or_click(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    from console.widgets.agenda_timeline import AgendaTimeline

    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=size) as pilot:
        await pilot.press("s", "f4")
        timeline = app.screen.query_one(AgendaTimeline)
        assert app.focused is timeline
        await pilot.press("down", "down", "enter")  # the cursor starts on the current one
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot, 5)
        assert _titles(app)[2] in app.screen.question
        await pilot.press("y")
        await until(lambda: app.session.clock.current_index == 2, pilot, 5)
        # A click on a row asks the same (a stray click never moves the clock by itself).
        row = timeline.row_offset(4)
        await pilot.click(AgendaTimeline, offset=(5, row))
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot, 5)
        assert _titles(app)[4] in app.screen.question
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, ConfirmScreen), pilot, 5)
        assert app.session.clock.current_index == 2
        await pilot.click(AgendaTimeline, offset=(5, row))
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot, 5)
        await pilot.press("y")
        await until(lambda: app.session.clock.current_index == 4, pilot, 5)
        await app.settle()
    app.session.close()


ACTION_LINE = "> Send the drill checklist to the districts @Lee due:2026-01-09"
FACTS = ("Owner", "Lee", "Due", "2026-01-09", "Segment", "Welcome and purpose", "By", "Dana")
"""What the notes pane must let the facilitator check of an action typed inline."""


async def _type_action(app: Any, pilot: Any) -> None:
    await pilot.press("s", "ctrl+n")
    await pilot.press(*ACTION_LINE, "enter")
    await app.settle()
    await until(lambda: app.session.notebook.notes() != [], pilot, 5)
    await pilot.pause()


async def test_the_notes_pane_shows_owner_due_segment_and_author_at_120x40(
    tmp_path: Path,
) -> None:
    from textual.widgets import TabbedContent

    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await _type_action(app, pilot)
        notes = app.screen.query_one("#notes-region")
        shown = region_text(app, notes)  # just typed, another tab open: shown all the same
        for fact in FACTS:
            assert fact in shown, (fact, shown)
        app.screen.query_one(TabbedContent).active = "pane-action"
        await pilot.press("f3")  # the entry under the cursor of the open tab
        await pilot.pause()
        shown = region_text(app, notes)
        for fact in FACTS:
            assert fact in shown, (fact, shown)
        await app.settle()
    app.session.close()


async def test_the_notes_pane_reaches_owner_due_segment_and_author_at_80x24(
    tmp_path: Path,
) -> None:
    from textual.widgets import TabbedContent

    from console.widgets.notes_list import NotesList

    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(80, 24)) as pilot:
        await _type_action(app, pilot)
        app.screen.query_one(TabbedContent).active = "pane-action"
        await pilot.press("f3")
        lst = app.screen.query_one("#list-action", NotesList)
        assert app.focused is lst
        seen = region_text(app, lst)
        for _ in range(200):  # the list scrolls sideways to its last column
            if lst.scroll_x >= lst.max_scroll_x:
                break
            await pilot.press("right")
            await pilot.wait_for_scheduled_animations()
            seen += " " + region_text(app, lst)
        assert lst.scroll_x >= lst.max_scroll_x
        for fact in FACTS:
            assert fact in seen, (fact, seen)
        await app.settle()
    app.session.close()


@pytest.mark.parametrize("size", SIZES)
async def test_next_on_the_last_segment_names_the_end_key_not_code(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        for _ in range(len(app.session.agenda.segments) - 1):
            await pilot.press("n")
        await pilot.press("n")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("ctrl+e ends the session" in m for m in said), said
        assert not any("finish()" in m for m in said), said
        assert app.session.clock.phase is Phase.RUNNING
        await app.settle()
    app.session.close()


@pytest.mark.parametrize("size", SIZES)
async def test_the_footer_drops_start_once_started_and_the_clock_keys_once_ended(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    data, cfg, now = tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START)
    app = make_app(data, cfg, now)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert "Start" in footer_keys(app)
        await pilot.press("s")
        await pilot.pause()
        keys = footer_keys(app)
        assert "Start" not in keys and "Pause" in keys and "End" in keys
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Start" not in titles and "Next" in titles  # nor offered in the palette
        await app.settle()
    app.session.close()
    again = make_app(data, cfg, now)  # resumed while running: no Start either
    async with again.run_test(size=size) as pilot:
        await pilot.pause()
        assert "Start" not in footer_keys(again)
        await pilot.press("ctrl+e", "y")
        await until(lambda: again.session.clock.phase is Phase.FINISHED, pilot, 5)
        await pilot.pause()
        keys = footer_keys(again)
        for gone in ("Start", "Pause", "Next", "Prev", "+1m", "-1m", "End"):
            assert gone not in keys, keys
        assert "Report" in keys
        await again.settle()
    again.session.close()


@pytest.mark.parametrize("size", SIZES)
async def test_after_the_end_the_now_pane_says_so_instead_of_the_first_talking_points(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    async with app.run_test(size=size) as pilot:
        first = app.session.agenda.segments[0]
        pane = app.screen.query_one("#now-pane")
        await pilot.press("s", "n")
        now.advance(120)
        await pilot.press("ctrl+e", "y")
        await until(lambda: app.session.clock.phase is Phase.FINISHED, pilot, 5)
        await pilot.pause()
        shown = region_text(app, pane)
        assert "Session ended at 15:27" in shown, shown
        assert first.title not in shown and first.talking_points[0][:30] not in shown
        await app.settle()
    app.session.close()


def _config(tmp_path: Path, keys: str) -> Path:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.toml").write_text(f"[keys]\n{keys}", encoding="utf-8")
    return cfg


@pytest.mark.parametrize("size", SIZES)
async def test_a_remapped_action_stays_in_the_footer(tmp_path: Path, size: tuple[int, int]) -> None:
    cfg = _config(tmp_path, 'next = "right"\nprevious = "left"\nstart = "f9"\n')
    app = make_app(tmp_path / "data", cfg, FakeNow(BEFORE_START))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        keys = footer_keys(app)
        assert keys.get("Start") == "f9"
        await pilot.press("f9")  # the board list has the focus, as at every start
        await pilot.pause()
        keys = footer_keys(app)
        assert keys.get("Next") == "→" and keys.get("Prev") == "←", keys
        await pilot.press("right")  # and the key does what the footer says
        assert app.session.clock.current_index == 1
        await pilot.press("left")
        assert app.session.clock.current_index == 0
        await app.settle()
    app.session.close()


async def test_an_unknown_key_id_in_the_config_is_pointed_out(tmp_path: Path) -> None:
    cfg = _config(tmp_path, 'nexxt = "right"\n"notes.capture" = "ctrl+k"\n')
    app = make_app(tmp_path / "data", cfg, FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        warned = [str(n.message) for n in app._notifications if n.severity == "warning"]
        assert len(warned) == 1, warned
        assert "nexxt" in warned[0] and '"next"' in warned[0] and "docs/keys.md" in warned[0]
        assert footer_keys(app).get("New entry") == "^k"  # a known id works as before
    app.session.close()


async def test_the_palette_shows_each_command_s_key_as_remapped(tmp_path: Path) -> None:
    cfg = _config(tmp_path, 'focus_board = "f8"\njump = "g"\n')
    app = make_app(tmp_path / "data", cfg, FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Focus the board"].endswith("(key: f8)")
        assert helps["Focus the notes"].endswith("(key: F3)")
        assert helps["Jump to a segment"].endswith("(key: g)")
        assert helps["End"].endswith("(key: ^e)")
    app.session.close()


@pytest.mark.parametrize("size", SIZES)
async def test_the_run_of_show_heads_its_columns_planned_minutes_and_the_difference(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    async with app.run_test(size=size) as pilot:
        pane = app.screen.query_one("#timeline-pane")
        await pilot.press("s")
        now.advance(7 * 60)  # the 5-minute welcome runs 7
        await pilot.press("n")
        app.tick()
        await pilot.pause()
        lines = region_text(app, pane)
        head = lines.split(" ✓ ")[0]
        assert head.split() == ["start", "segment", "min", "±"], lines
        assert "Welcome" in lines and " 5 +2m " in f"{lines} "
        await app.settle()
    app.session.close()
