"""The capture line: one Input where a note-taker types an entry and presses Enter.

The kind comes from the chip row (``ctrl+t`` cycles it, or click a chip) unless the line
starts with a one-character prefix, which overrides the kind for that line only. ``#theme``
completes from the agenda's themes (the grey suggestion; right arrow accepts it).

The widget does not save anything: it posts ``Submitted`` and waits to be told whether the
entry was taken (``accepted``) or refused (``refuse``), so a refused line stays in the box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.suggester import Suggester
from textual.widgets import Input, Static

from console import actions
from console.host import host_of
from console.notes.markers import complete_theme, parse_markers
from console.notes.notebook import KINDS, NOTE_LIMIT, split_text
from console.text.clean import clean_text

KIND_LABELS: dict[str, str] = {
    "concern": "Concern",
    "action": "Action item",
    "resource": "Resource request",
    "note": "Note",
}
PREFIXES: dict[str, str] = {"!": "concern", ">": "action", "?": "resource", "~": "note"}
"""A line starting with one of these goes to that kind, whatever the chip says."""


@dataclass(frozen=True, slots=True)
class CaptureRequest:
    """What the line asks for: a kind and the text without its prefix."""

    kind: str
    text: str
    prefixed: bool


def split_prefix(line: str, default_kind: str) -> CaptureRequest:
    """Take a kind prefix off ``line`` (``"! radios broken"`` is a concern)."""
    stripped = line.lstrip()
    if stripped and stripped[0] in PREFIXES:
        return CaptureRequest(PREFIXES[stripped[0]], stripped[1:].strip(), True)
    return CaptureRequest(default_kind, line.strip(), False)


@dataclass(frozen=True, slots=True)
class PasteOffer:
    """What to offer for a paste the line refused: the entries it would make, and the
    question (and its yes button) to ask before adding them."""

    kind: str
    parts: list[str]
    question: str
    yes: str


def paste_offer(text: str, default_kind: str) -> PasteOffer:
    """Several lines become one entry with its lines kept; more than an entry holds is split
    at paragraph and line breaks into several (nothing is cut)."""
    request = split_prefix(text, default_kind)
    label = KIND_LABELS[request.kind].lower()
    if len(request.text) > NOTE_LIMIT:
        parts = split_text(request.text, NOTE_LIMIT)
        question = (
            f"The pasted text has {len(request.text):,} characters; one entry holds at most "
            f"{NOTE_LIMIT:,}. Add it as {len(parts)} {label} entries, split at paragraph "
            "and line breaks? Nothing is cut."
        )
        return PasteOffer(request.kind, parts, question, f"Add {len(parts)} entries")
    lines = request.text.count("\n") + 1
    question = (
        f"The pasted text has {lines} lines. Add it as one {label} entry with its lines "
        "kept? (The capture line holds one line; the notepad takes longer text.)"
    )
    return PasteOffer(request.kind, [request.text], question, "Add as one entry")


def placeholder_for(kind: str) -> str:
    return (
        f"{KIND_LABELS[kind]}: type and press Enter · prefix ! concern  > action  "
        "? resource  ~ note · #theme @owner due:YYYY-MM-DD"
    )


class ThemeSuggester(Suggester):
    """Completes the ``#theme`` being typed at the end of the line."""

    def __init__(self, themes: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.themes = tuple(themes)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, word = value.rpartition(" ")
        if not word.startswith("#") or len(word) < 2:
            return None
        matches = complete_theme(word, self.themes)
        if not matches or matches[0] == word[1:]:
            return None
        return f"{head} #{matches[0]}" if head else f"#{matches[0]}"


class CaptureInput(Input):
    """An Input that takes a line the moment Enter arrives, and refuses oversized pastes.

    Textual runs the ``enter`` binding only after the key has bubbled to the app, so keys
    typed right behind Enter (a fast typist, a paste without bracketing, tmux send-keys)
    would land in the old line first. Taking the line in the Input's own key handler keeps
    every keystroke in the line it was typed for.
    """

    class Entered(Message):
        """Enter was pressed on ``value``; the box is already empty for the next line."""

        def __init__(self, box: CaptureInput, value: str) -> None:
            super().__init__()
            self.box = box
            self.value = value

        @property
        def control(self) -> CaptureInput:
            return self.box

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            value, self.value = self.value, ""
            self.post_message(self.Entered(self, value))
            return
        await super()._on_key(event)

    class PasteRefused(Message):
        """A paste the single line cannot take: too long, or several lines."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def _on_paste(self, event: events.Paste) -> None:
        text = clean_text(event.text)
        if len(text) > NOTE_LIMIT or "\n" in text.strip():
            event.stop()
            event.prevent_default()
            self.post_message(self.PasteRefused(text))
            return
        event.stop()
        event.prevent_default()
        if text:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)


class CaptureLine(Vertical):
    """Kind chips, the line itself, and a status line for problems and saves."""

    DEFAULT_CSS = """
    CaptureLine { height: auto; }
    CaptureLine > Horizontal { height: 1; }
    CaptureLine .chip { width: auto; padding: 0 1; color: $text-muted; }
    CaptureLine .chip.-active { background: $accent; color: $text; text-style: bold; }
    CaptureLine CaptureInput { border: none; height: 1; padding: 0 1; background: $boost; }
    CaptureLine CaptureInput:focus { border: none; background: $accent 25%; }
    CaptureLine #capture-status { height: auto; max-height: 3; color: $text-muted; padding: 0 1; }
    CaptureLine #capture-status.-empty { display: none; }
    CaptureLine #capture-status.-problem { color: $error; }
    CaptureLine #capture-status.-warning { color: $warning; }
    """
    BINDINGS = actions.bindings(actions.CAPTURE_LINE)

    kind: reactive[str] = reactive("note")
    """The kind a line without a prefix goes to."""

    class Submitted(Message):
        """The user pressed Enter on a line (prefix already taken off)."""

        def __init__(self, capture: CaptureLine, request: CaptureRequest, raw: str) -> None:
            super().__init__()
            self.capture = capture
            self.request = request
            self.raw = raw

        @property
        def control(self) -> CaptureLine:
            return self.capture

    def __init__(self, themes: Sequence[str], *, kind: str = "note", id: str | None = None) -> None:
        super().__init__(id=id)
        self.themes = tuple(themes)
        self.set_reactive(CaptureLine.kind, kind)
        self._confirm_unknown: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            for kind in KINDS:
                chip = Static(KIND_LABELS[kind], id=f"chip-{kind}", classes="chip", markup=False)
                chip.tooltip = f"Entries without a prefix go to {KIND_LABELS[kind]}"
                yield chip
        yield CaptureInput(
            placeholder=placeholder_for(self.kind),
            suggester=ThemeSuggester(self.themes),
            id="capture-input",
            select_on_focus=False,
        )
        yield Static("", id="capture-status", markup=False, classes="-empty")

    def on_mount(self) -> None:
        self.watch_kind(self.kind)

    @property
    def input(self) -> CaptureInput:
        return self.query_one(CaptureInput)

    def watch_kind(self, kind: str) -> None:
        if not self.is_mounted:
            return
        for other in KINDS:
            self.query_one(f"#chip-{other}").set_class(other == kind, "-active")
        self.input.placeholder = placeholder_for(kind)

    def action_next_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]

    def on_click(self, event: events.Click) -> None:
        widget = event.widget
        if widget is not None and widget.id and widget.id.startswith("chip-"):
            self.kind = widget.id.removeprefix("chip-")

    # ------------------------------------------------------------ status line
    def say(self, text: str, level: str = "info") -> None:
        """Show ``text`` under the line (``problem``, ``warning`` or plain ``info``)."""
        status = self.query_one("#capture-status", Static)
        status.update(Text(text))
        status.set_class(not text, "-empty")
        status.set_class(level == "problem", "-problem")
        status.set_class(level == "warning", "-warning")

    def refuse(self, reason: str, raw: str | None = None, level: str = "problem") -> None:
        """The entry was not taken: say why and put the typed line back for fixing."""
        if raw is not None:
            self.restore(raw)
        self.say(reason, level)
        self.input.focus()

    def restore(self, raw: str) -> None:
        """Put a refused line back, ahead of anything typed since Enter."""
        box = self.input
        rest = box.value
        box.value = raw + rest
        box.cursor_position = len(raw)

    def accepted(self, text: str) -> None:
        """The entry was taken (the box was emptied when Enter arrived)."""
        self._confirm_unknown = None
        self.say(text)

    def _today(self) -> date:
        """Today by the app's injected clock (relative due dates such as ``+3d``)."""
        return host_of(self).now().date()

    # ----------------------------------------------------------------- events
    @on(Input.Changed, "#capture-input")
    def _preview(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value or event.value == self._confirm_unknown:
            # emptied by Enter (the entry's outcome is on show), or a refused line put
            # back (keep its warning and the pass for a second Enter)
            return
        self._confirm_unknown = None
        request = split_prefix(event.value, self.kind)
        if not request.text:
            self.say("")
            return
        parsed = parse_markers(clean_text(request.text), self.themes, self._today())
        notes: list[str] = [f"→ {KIND_LABELS[request.kind]}"]
        level = "info"
        if parsed.unknown_themes:
            unknown = ", ".join(f"#{t}" for t in parsed.unknown_themes)
            notes.append(f"{unknown} is not an agenda theme (stays in the text)")
            level = "warning"
        if parsed.problems:
            notes.extend(parsed.problems)
            level = "problem" if any("not understood" in p for p in parsed.problems) else level
        self.say(" · ".join(notes), level)

    @on(CaptureInput.Entered)
    def _submit(self, event: CaptureInput.Entered) -> None:
        event.stop()
        raw = event.value
        request = split_prefix(raw, self.kind)
        if not request.text:
            self.refuse("Type some text first.", raw)
            return
        parsed = parse_markers(clean_text(request.text), self.themes, self._today())
        if parsed.unknown_themes and self._confirm_unknown != raw:
            unknown = ", ".join(f"#{t}" for t in parsed.unknown_themes)
            known = " ".join(f"#{t}" for t in self.themes) or "(none)"
            self.refuse(
                f"{unknown} is not one of this agenda's themes ({known}). "
                "Press Enter again to keep it as text, or fix it.",
                raw,
                "warning",
            )
            self._confirm_unknown = raw
            return
        self.post_message(self.Submitted(self, request, raw))
