"""The command palette: every palette action of ``console/actions.py``, with its key, and run
from the palette with the same effect as the key."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList

from console import actions
from console.actions import Handler
from console.app import FacilitatorApp
from console.session.live import LiveSession
from console.session.setup import prepare
from console.session.source_choice import SourceChoice
from console.system.settings import load_settings
from tests.ui.board_helpers import BEFORE_START, focus_row, fq, seed
from tests.ui.helpers import FakeNow, make_app, until


async def choose(pilot: Pilot[None], title: str) -> None:
    """Choose ``title`` in the command palette, typed as a person would."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(lambda: isinstance(app.screen, CommandPalette), pilot)
    await pilot.press(*title)
    options = app.screen.query_one(OptionList)

    def first_is_it() -> bool:
        if not options.option_count:
            return False
        return str(options.get_option_at_index(0).prompt).splitlines()[0].strip() == title

    await until(first_is_it, pilot)
    await pilot.press("enter")
    await until(lambda: not isinstance(app.screen, CommandPalette), pilot)
    await pilot.pause()


async def test_the_palette_offers_every_palette_action_with_its_key(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.toml").write_text('[keys]\nnext = "n,right"\n', encoding="utf-8")
    app = make_app(tmp_path / "data", cfg, FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        offered = [a for a in actions.PALETTES[Handler.MAIN_SCREEN] if a.palette]
        every = (
            actions.CLOCK
            + actions.TO_PRESENTER
            + actions.PANES
            + actions.NOTES
            + actions.BOARD
            + actions.FORM
        )
        assert len(offered) == len(every)
        for action in offered:  # once each, under its own title and tooltip
            found = [c for c in commands if c.help.startswith(action.tooltip)]
            assert [c.title for c in found] == [action.description]
        helps = {c.title: c.help for c in commands}
        assert helps["Start"].endswith("(key: s)")
        assert helps["Next"].endswith("(key: n or →)")  # as remapped in config.toml
        assert helps["+1m"].endswith("(key: +)")
        assert helps["New entry"].endswith("(key: ^n)")
        assert helps["Star"].endswith("(key: *)")
        assert helps["Close the question form"] == actions.FORM[0].tooltip  # no key here
    app.session.close()


async def test_palette_and_key_move_the_clock_alike(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "Start")
        assert app.session.clock.current_index == 0
        await choose(pilot, "Next")
        assert app.session.clock.current_index == 1
        await pilot.press("n")
        assert app.session.clock.current_index == 2
        await app.settle()
    app.session.close()


async def test_palette_and_key_moderate_alike(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(1), fq(2)])
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:1")
        await pilot.press("d")
        await focus_row(pilot, app, "form:2")
        await choose(pilot, "Defer")
        await app.settle()
        board = app.session.board
        assert [board.get(k).status for k in ("form:1", "form:2")] == ["deferred", "deferred"]
    app.session.close()


async def test_the_palette_says_why_a_read_only_console_does_not_moderate(tmp_path: Path) -> None:
    data, cfg, now = tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START)
    facilitator = make_app(data, cfg, now)
    session_id = facilitator.session.folder.info.id
    facilitator.session.close()
    launch = prepare(
        root=data,
        agenda_ref=None,
        session_ref=session_id,
        new=False,
        role="facilitator",
        author="Dana",
        read_only=True,
        rehearsal=False,
        now=now,
    )
    live = LiveSession(launch, now=now)
    live.open()
    app = FacilitatorApp(
        live,
        settings=load_settings(cfg),
        now=now,
        source=SourceChoice(url=None, preset=None, maps=(), builtin_form=False),
        defer_panels=False,
    )
    seed(app, [fq(1)])
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:1")
        await choose(pilot, "Queue")
        assert app.session.board.get("form:1").status == "new"
        said = [n.message for n in app._notifications]
        assert actions.REFUSED[Handler.BOARD_PANEL] in said
    app.session.close()
