"""Building a console on a temp data folder with a clock the test moves by hand."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from console.app import FacilitatorApp
from console.session.live import LiveSession
from console.session.setup import prepare
from console.session.source_choice import SourceChoice
from console.system.settings import load_settings


@dataclass
class FakeNow:
    """A wall clock that moves only when told to."""

    moment: datetime
    calls: int = field(default=0)

    def __call__(self) -> datetime:
        self.calls += 1
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def make_app(
    data: Path,
    config: Path,
    now: FakeNow,
    *,
    agenda: str | None = None,
    role: str = "facilitator",
    author: str = "Dana",
    session: str | None = None,
    new: bool = False,
    form: bool = False,
    source: str | None = None,
    preset: str | None = None,
    maps: list[str] | None = None,
    defer_panels: bool = False,
    form_process: bool = False,
) -> FacilitatorApp:
    """A console on ``data``; the built-in form stays off unless ``form`` (it binds a port),
    and runs in the App's event loop unless ``form_process`` (a process the test must stop)."""
    launch = prepare(
        root=data,
        agenda_ref=agenda,
        session_ref=session,
        new=new,
        role=role,
        author=author,
        read_only=False,
        rehearsal=False,
        now=now,
    )
    live = LiveSession(launch, now=now)
    live.open()
    choice = SourceChoice(url=source, preset=preset, maps=tuple(maps or ()), builtin_form=form)
    return FacilitatorApp(
        live,
        settings=load_settings(config),
        message=launch.message,
        now=now,
        source=choice,
        defer_panels=defer_panels,
        form_process=form_process,
    )


async def until(check: Callable[[], bool], pilot: Any, seconds: float = 15.0) -> None:
    """Let the app run until ``check()`` holds (fails after ``seconds``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        assert loop.time() < deadline, "condition not met in time"
        await pilot.pause(0.05)


async def type_line(app: Any, pilot: Any, line: str) -> None:
    """Type ``line`` into the notes' capture line and press Enter, as a note-taker does."""
    from console.widgets.capture_line import CaptureInput

    box = app.screen.query_one(CaptureInput)
    box.focus()
    box.value = line
    await pilot.press("enter")
    await pilot.pause()


def screen_text(app: Any) -> str:
    """What the terminal shows now, as plain text (the screen and any modal on top of it):
    the same rendering as ``app.export_screenshot()``, without the styles."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return str(console.export_text(styles=False))


def footer_keys(app: Any) -> dict[str, str]:
    """The footer's entries now, description -> key as shown (what the user sees)."""
    from textual.widgets._footer import FooterKey

    return {key.description: key.key_display for key in app.screen.query(FooterKey)}


def region_text(app: Any, widget: Any) -> str:
    """The screen's text inside ``widget``'s region, its lines joined by spaces (a wrapped
    sentence reads whole), borders and padding left out."""
    region = widget.content_region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return " ".join(" ".join(line[region.x : region.right].split()) for line in lines).strip()
