"""The large countdown of the current segment, with its state in words as well as colour."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Digits, Label


class Countdown(Vertical):
    """Big digits for the time left; the state word (on time, wrap up, overtime) below.

    The state is also a CSS class (``-on-time``, ``-wrap-up``, ``-overtime``, ``-waiting``)
    so colour follows it, but the word is always shown: colour alone is not enough.
    """

    DEFAULT_CSS = """
    Countdown { height: auto; align-horizontal: center; }
    Countdown > Digits { width: auto; color: $success; }
    Countdown > #countdown-state { width: auto; text-style: bold; color: $success; }
    Countdown.-wrap-up > Digits, Countdown.-wrap-up > #countdown-state { color: $warning; }
    Countdown.-overtime > Digits, Countdown.-overtime > #countdown-state { color: $error; }
    Countdown.-waiting > Digits, Countdown.-waiting > #countdown-state { color: $text-muted; }
    """

    time_text: reactive[str] = reactive("00:00")
    """What the digits show: ``mm:ss``, ``h:mm:ss``, negative in overtime."""
    state: reactive[str] = reactive("waiting")
    """One of ``waiting``, ``on time``, ``wrap up``, ``overtime``, ``paused``, ``done``."""
    caption: reactive[str] = reactive("")
    """Extra words after the state, such as "starts in" or "of 20 min"."""

    def compose(self) -> ComposeResult:
        yield Digits(self.time_text, id="countdown-digits")
        yield Label(id="countdown-state", markup=False)

    def watch_time_text(self, value: str) -> None:
        if self.is_mounted:
            self.query_one(Digits).update(value)

    def watch_state(self, value: str) -> None:
        for name in ("on-time", "wrap-up", "overtime", "waiting"):
            self.set_class(False, f"-{name}")
        css = {"on time": "on-time", "wrap up": "wrap-up", "overtime": "overtime"}.get(
            value, "waiting"
        )
        self.set_class(True, f"-{css}")
        self._update_label()

    def watch_caption(self, _value: str) -> None:
        self._update_label()

    def on_mount(self) -> None:
        self.query_one(Digits).update(self.time_text)
        self._update_label()

    def _update_label(self) -> None:
        if not self.is_mounted:
            return
        text = self.state.upper() + (f" · {self.caption}" if self.caption else "")
        self.query_one("#countdown-state", Label).update(text)
