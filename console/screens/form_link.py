"""The question form's address, large and as a QR code, ready to paste or show on a slide.

It also says whether the form is open, and closes it for now or reopens it (``x`` / ``o``);
the same two actions are in the main screen's command palette (``actions.FORM``).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from console import actions
from console.host import host_of
from console.session.form_host import form_state_line, qr_text


class FormLinkScreen(ModalScreen[None]):
    """Shows the link, its QR code and whether the form is open; ``c`` copies the link."""

    DEFAULT_CSS = """
    FormLinkScreen { align: center middle; }
    FormLinkScreen > Vertical {
        width: 64; max-width: 95%; height: auto; max-height: 95%;
        padding: 0 2; border: thick $primary; background: $surface;
    }
    FormLinkScreen #qr { width: auto; color: $foreground; }
    FormLinkScreen Label { width: 100%; content-align-horizontal: center; }
    FormLinkScreen #form-state { color: $text-muted; }
    FormLinkScreen #form-state.closed { color: $warning; text-style: bold; }
    """
    BINDINGS = actions.bindings(actions.FORM_LINK)

    def __init__(self, url: str, *, serves: bool = True) -> None:
        """``serves``: this console runs the form (it may close and reopen it); otherwise it
        shows the facilitator's link only (a note-taker's console)."""
        super().__init__()
        self.url = url
        self.serves = serves

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.serves or action != "set_form_open"  # hidden where another console serves

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Question form for participants", id="form-title")
            yield Label(Text(self.url, style="bold"), id="form-url")
            with Center():
                yield Static(Text(qr_text(self.url)), id="qr")
            yield Label("", id="form-state")
            yield Label("", id="form-hint")

    def on_mount(self) -> None:
        self.show_state()

    def show_state(self) -> None:
        """Say whether the form is open, and offer the key that changes it."""
        if not self.serves:
            self.query_one("#form-state", Label).update(
                "The facilitator's console serves this form, and opens or closes it."
            )
            self.query_one("#form-hint", Label).update("c copy link · escape back")
            return
        form = host_of(self).form
        is_open = True if form is None else bool(form.open)
        reason = None if form is None else form.closed_reason
        state = self.query_one("#form-state", Label)
        state.update(Text(form_state_line(is_open, reason)))
        state.set_class(not is_open, "closed")
        change = "x close the form" if is_open else "o reopen the form"
        self.query_one("#form-hint", Label).update(f"c copy link · {change} · escape back")

    def action_copy(self) -> None:
        host_of(self).copy_text(self.url, what="Form link")

    async def action_set_form_open(self, open: bool) -> None:
        await host_of(self).set_form_open(open)
        self.show_state()
