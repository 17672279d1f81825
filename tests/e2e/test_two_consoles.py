"""A facilitator's console and a note-taker's console as separate processes on one data dir:
an entry typed in the note-taker's appears in the facilitator's within seconds, as theirs,
and the facilitator's clock shows up on the note-taker's timeline."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import require_tmux
from tests.e2e.test_notes_kill import READY, TmuxConsole


def test_an_entry_crosses_to_the_other_console(tmp_path: Path) -> None:
    tmux = require_tmux()
    common = ["--data-dir", str(tmp_path / "data"), "--config-dir", str(tmp_path / "config")]
    fran = TmuxConsole(
        tmux, [*common, "run", "--new", "--no-form", "--author", "Fran"], size=(160, 45)
    )
    sam: TmuxConsole | None = None
    try:
        fran.wait_for(lambda s: "Run of show" in s and READY in s)
        sam = TmuxConsole(
            tmux, [*common, "run", "--role", "notes", "--author", "Sam"], size=(160, 45)
        )
        sam.wait_for(lambda s: READY in s and "notes: Sam" in s)
        sam.type("! Heard in the room: radios")
        sam.keys("Enter")
        shown = fran.wait_for(lambda s: "Heard in the room" in s, seconds=30)
        row = next(line for line in shown.splitlines() if "Heard in the room" in line)
        assert "Sam (ro)" in row  # shown as the note-taker's, read-only here
        fran.keys("s")  # the facilitator starts the clock...
        sam.wait_for(lambda s: "ON TIME" in s, seconds=30)  # ...the note-taker follows it
    finally:
        fran.close()
        if sam is not None:
            sam.close()
