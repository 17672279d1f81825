"""The selected question in full, beside the list: text, asker, times, decisions, duplicates,
when it was live and who decided what (the decision log), and the notes taken on it.

The only place on the facilitator's screen that shows an asker's email. Everything is built as
a rich ``Text`` (never markup), so hostile text shows literally.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from console.board.decisions import Decision, live_windows
from console.board.model import Board
from console.board.moderation import PARTICIPANT_WORDS
from console.board.question import Question
from console.notes.notebook import Note

DETAIL_TEXT_LIMIT = 20_000
"""Characters of a question rendered in the pane (the store keeps it all)."""
HISTORY_SHOWN = 12
"""Decision-log entries shown (the newest; the report and the JSON have them all)."""
NOTE_TEXT_LIMIT = 500
"""Characters of each note shown in the pane (the notes screen shows it whole)."""


def _hhmm(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def _record_text(
    out: Text, history: Sequence[Decision], notes: Sequence[Note], tz: tzinfo, key: str
) -> None:
    """When it was live, who decided what, and the notes taken on it (its duplicates' too)."""
    spans = [
        f"{_hhmm(start, tz)}–{_hhmm(end, tz)}" if end else f"since {_hhmm(start, tz)}"
        for start, end in live_windows(history)
    ]
    if spans:
        out.append("Live: ", style="dim")
        out.append(", ".join(spans) + "\n")
    if history:
        out.append("\nDecisions:\n", style="dim")
        earlier = len(history) - HISTORY_SHOWN
        if earlier > 0:
            out.append(f"  … {earlier} earlier\n", style="dim")
        for d in history[-HISTORY_SHOWN:]:
            out.append(f"  {_hhmm(d.at, tz)} {d.words}")
            out.append(f" · {d.by}\n", style="dim")
    if notes:
        out.append(f"\nNotes ({len(notes)}):\n", style="dim")
        for n in notes:
            text = n.text if len(n.text) <= NOTE_TEXT_LIMIT else n.text[:NOTE_TEXT_LIMIT] + " …"
            out.append("  • ")
            out.append(f"{n.kind} · {n.author}", style="italic")
            if n.question_key != key:
                out.append(" (on a duplicate)", style="italic")
            out.append(": ")
            out.append(text)
            out.append("\n")


def detail_text(
    q: Question | None,
    tz: tzinfo,
    *,
    segment_title: Callable[[str | None], str],
    theme_labels: Mapping[str, str],
    duplicate_text: Callable[[str], str],
    participants: str | None = None,
    history: Sequence[Decision] = (),
    notes: Sequence[Note] = (),
) -> Text:
    """The pane's content for one question (``None``: a hint). ``participants``: what the
    participants see of it (``participant_words``); ``history``: its decision log;
    ``notes``: the notes taken on it and on its duplicates."""
    if q is None:
        return Text("No question selected.", style="dim")
    out = Text()
    body = q.text if len(q.text) <= DETAIL_TEXT_LIMIT else q.text[:DETAIL_TEXT_LIMIT] + " …"
    out.append(body, style="bold")
    out.append("\n\n")

    def field(name: str, value: str) -> None:
        out.append(f"{name}: ", style="dim")
        out.append(value)
        out.append("\n")

    if q.asker:
        shown = "" if q.display_name else " (not for display)"
        field("Asker", q.asker + shown)
    else:
        field("Asker", "Anonymous")
    if q.email:
        field("Email", q.email)
    when = q.submitted_at.astimezone(tz).strftime("%a %d %b %H:%M") if q.submitted_at else "unknown"
    field("Submitted", when)
    origin = q.origin if q.source != "manual" else f"{q.origin} (typed in)"
    field("From", f"{q.source} · {origin}")
    status = q.status + (" · starred" if q.starred else "") + (" · edited" if q.edited else "")
    field("Status", status)
    votes = str(q.votes) + (f" (+{q.plus_ones} raised aloud)" if q.plus_ones else "")
    field("Votes", votes)
    if participants:
        field("Participants", participants)
    if q.language:
        field("Language", q.language)
    if q.topic:
        field("Topic", q.topic)
    if q.themes:
        field("Themes", ", ".join(theme_labels.get(t, t) for t in q.themes))
    field("Asked in", segment_title(q.arrived_segment_id))
    if q.answered_segment_id:
        field("Answered in", segment_title(q.answered_segment_id))
    if q.answer_note:
        field("Answer note", q.answer_note)
    if q.merged_into:
        field("Merged into", duplicate_text(q.merged_into))
    if q.duplicates:
        out.append("Duplicates:\n", style="dim")
        for dup in q.duplicates:
            out.append("  • ")
            out.append(duplicate_text(dup))
            out.append("\n")
    if q.carried_over:
        field("Carried over", "from an earlier session")
    if q.participant_answers:
        out.append("\nAnswers for the participants:\n", style="dim")
        for a in q.participant_answers:
            out.append("  • ")
            out.append("public" if a.public else "private (the asker only)", style="italic")
            out.append(f" · {a.author}: ")
            out.append(a.text)
            out.append("\n")
    _record_text(out, history, notes, tz, q.key)
    out.rstrip()
    return out


def participant_words(board: Board, key: str) -> str:
    """What the participants see of a question, in words: "Waiting · published · held"."""
    words = [PARTICIPANT_WORDS.get(board.participant_state(key), "Waiting")]
    q = board.get(key)
    if q.hidden:
        words.append("hidden from the list")
    elif board.shown_to_participants(key):
        words.append("on the list")
    else:
        words.append(f"not on the list until published ({board.participant_list} list)")
    if q.published and not q.hidden:
        words.append("published")
    if q.held:
        words.append("held word")
    return " · ".join(words)


class QuestionDetail(VerticalScroll):
    """Scrollable pane with the selected question, wrapped."""

    DEFAULT_CSS = """
    QuestionDetail { padding: 0 1; border-left: vkey $secondary; }
    QuestionDetail > Static { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("No question selected.", style="dim"), markup=False)

    def show(self, content: Text) -> None:
        self.query_one(Static).update(content)
        self.scroll_home(animate=False)
