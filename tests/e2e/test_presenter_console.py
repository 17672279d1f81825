"""The facilitator's console and a presenter's console (``run --role presenter``) as separate
processes on one data dir: the presenter's shows the facilitator's clock in words (ON TIME,
WRAP UP, OVERTIME) and a message sent with the facilitator's key, and writes nothing.

The delay printed (and named if the message never arrives) is wall-clock, from the key sent
to the facilitator's tmux to the message seen in the presenter's capture-pane, polled every
0.2 s: the folder poll's 1 s, a repaint, and tmux's own round trips. The 2 s bound itself is
asserted in-process, where it can be measured cleanly
(``tests/ui/test_presenter_console.py::test_a_message_reaches_the_presenter_within_two_seconds``).
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.conftest import require_tmux
from tests.e2e.test_notes_kill import READY, TmuxConsole


def test_a_message_and_the_clock_words_cross_to_the_presenter(tmp_path: Path) -> None:
    tmux = require_tmux()
    data = tmp_path / "data"
    common = ["--data-dir", str(data), "--config-dir", str(tmp_path / "config")]
    fran = TmuxConsole(
        tmux, [*common, "run", "--new", "--no-form", "--author", "Fran"], size=(120, 40)
    )
    stage: TmuxConsole | None = None
    try:
        fran.wait_for(lambda s: "Run of show" in s and READY in s)
        stage = TmuxConsole(
            tmux, [*common, "run", "--role", "presenter", "--author", "Stage"], size=(80, 24)
        )
        stage.wait_for(lambda s: "Not started yet" in s and "From the facilitator" in s)
        fran.keys("s")  # the facilitator starts the clock: 5 min of welcome, wrap-up at 1 min
        stage.wait_for(lambda s: "ON TIME" in s and "Segment 1 of 6" in s, seconds=30)
        for _ in range(4):  # a minute less, four times: 1 min left
            fran.keys("-")
        stage.wait_for(lambda s: "WRAP UP" in s, seconds=30)

        fran.keys("C-g")
        fran.wait_for(lambda s: "Message to the presenter's console" in s, seconds=30)
        fran.keys("Down")  # the second preset
        sent = time.monotonic()
        fran.keys("Enter")
        try:
            shown = stage.wait_for(lambda s: "Next: questions" in s, seconds=30)
        except AssertionError as exc:
            waited = time.monotonic() - sent
            raise AssertionError(
                f"no message on the presenter's console {waited:.1f} s after the key"
            ) from exc
        delay = time.monotonic() - sent
        print(f"message key -> presenter's capture-pane: {delay:.2f} s")
        assert "WRAP UP" in shown, f"arrived after {delay:.2f} s, without the clock's words"

        fran.keys("-")  # no time left: overtime
        shown = stage.wait_for(lambda s: "OVERTIME" in s, seconds=30)
        assert "Next: questions" in shown  # the message stays until the next one
    finally:
        fran.close()
        if stage is not None:
            stage.close()
    (folder,) = (data / "sessions").iterdir()
    written = {p.name.split(".")[0] for p in folder.iterdir() if p.is_file()}
    assert "stage" not in written, f"the presenter's console wrote files: {sorted(written)}"
