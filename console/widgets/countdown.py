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
    Every line is centred on the pane's full width and wraps there, so a long caption
    ("planned for Wed 17 Dec 2025 15:30 (347 days ago)") stays whole in an 80-column terminal
    instead of being cut, and the digits do not jump sideways when the caption changes length.
    """

    DEFAULT_CSS = """
    Countdown { height: auto; }
    Countdown > Digits { width: 100%; text-align: center; color: $success; }
    Countdown > Label { width: 100%; text-align: center; }
    Countdown > #countdown-state { text-style: bold; color: $success; }
    Countdown > #countdown-detail { color: $text-muted; }
    Countdown > #countdown-detail.-empty { display: none; }
    Countdown.-wrap-up > Digits, Countdown.-wrap-up > #countdown-state { color: $warning; }
    Countdown.-overtime > Digits, Countdown.-overtime > #countdown-state { color: $error; }
    Countdown.-waiting > Digits, Countdown.-waiting > #countdown-state { color: $text-muted; }
    """

    time_text: reactive[str] = reactive("00:00")
    """What the digits show: ``mm:ss``, ``h:mm:ss``, negative in overtime."""
    state: reactive[str] = reactive("waiting")
    """One of ``waiting``, ``on time``, ``wrap up``, ``overtime``, ``paused``, ``done``."""
    caption: reactive[str] = reactive("")
    """Words after the state, such as "starts in 5 min, at 15:30" or "of 20m".

    A second line (after a newline) is detail, shown dim on a line of its own.
    """

    def compose(self) -> ComposeResult:
        yield Digits(self.time_text, id="countdown-digits")
        yield Label(id="countdown-state", markup=False)
        yield Label(id="countdown-detail", classes="-empty", markup=False)

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
        first, _, detail = self.caption.partition("\n")
        text = self.state.upper() + (f" · {first}" if first else "")
        self.query_one("#countdown-state", Label).update(text)
        below = self.query_one("#countdown-detail", Label)
        below.update(detail)
        below.set_class(not detail, "-empty")
