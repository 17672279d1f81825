"""The question form's address, large and as a QR code, ready to paste or show on a slide."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from console.form_host import qr_text


class FormLinkScreen(ModalScreen[None]):
    """Shows the link and its QR code; ``c`` copies the link again."""

    DEFAULT_CSS = """
    FormLinkScreen { align: center middle; }
    FormLinkScreen > Vertical {
        width: 64; max-width: 95%; height: auto; max-height: 95%;
        padding: 0 2; border: thick $primary; background: $surface;
    }
    FormLinkScreen #qr { width: auto; color: $foreground; }
    FormLinkScreen Label { width: 100%; content-align-horizontal: center; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Close", id="form_link.close"),
        Binding("c", "copy", "Copy link", id="form_link.copy"),
    ]

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Question form for participants", id="form-title")
            yield Label(Text(self.url, style="bold"), id="form-url")
            with Center():
                yield Static(Text(qr_text(self.url)), id="qr")
            yield Label("c copy link · escape close", id="form-hint")

    def action_copy(self) -> None:
        self.app.action_copy_form_link()  # type: ignore[attr-defined]
