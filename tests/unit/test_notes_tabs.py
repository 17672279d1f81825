"""The note panes' tab counts, kept one entry at a time, and the offer for a refused paste."""

from __future__ import annotations

from datetime import UTC, datetime

from console.notes.notebook import KINDS, NOTE_LIMIT, NoteBook
from console.widgets.capture_line import paste_offer
from console.widgets.notes_tabs import TabCounts

NOW = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)


def test_counts_follow_an_entry_through_edits_done_and_deletion() -> None:
    book = NoteBook("Dana", lambda: NOW, [])
    counts = TabCounts()
    action, _ = book.add("call the district", "action")
    concern, _ = book.add("radios are broken", "concern")
    for note in (action, concern):
        counts.count(note)
    shown = dict.fromkeys(KINDS, 0)
    assert counts.labels(shown, filtered=False)["action"] == "Actions 1, 1 open"
    book.set_done(action.id, True)
    counts.count(book.get(action.id))
    assert counts.labels(shown, filtered=False)["action"] == "Actions 1"
    book.edit(concern.id, kind="resource")
    counts.count(book.get(concern.id))  # moved: off the old kind, onto the new one
    assert (counts.totals["concern"], counts.totals["resource"]) == (0, 1)
    book.delete(concern.id)
    counts.count(book.get(concern.id))
    assert sum(counts.totals.values()) == 1
    counts.reset()
    assert sum(counts.totals.values()) == 0 and counts.open_actions == 0


def test_a_filter_shows_what_is_shown_of_how_many() -> None:
    book = NoteBook("Dana", lambda: NOW, [])
    counts = TabCounts()
    for i in range(3):
        counts.count(book.add(f"note {i}", "note")[0])
    shown = {**dict.fromkeys(KINDS, 0), "note": 1}
    assert counts.labels(shown, filtered=True)["note"] == "Notes 1/3"
    assert counts.shown_words(shown, filtered=True) == ["1 of 3 shown"]
    assert counts.shown_words(shown, filtered=False) == []


def test_a_refused_paste_is_offered_as_one_entry_or_split() -> None:
    lines = paste_offer("! first line\nsecond line", "note")
    assert lines.kind == "concern" and lines.parts == ["first line\nsecond line"]
    assert lines.question.startswith("The pasted text has 2 lines.")
    assert lines.yes == "Add as one entry"
    long = paste_offer("para one. " * (NOTE_LIMIT // 10) + "\n\nand more", "action")
    assert len(long.parts) == 2 and long.yes == "Add 2 entries"
    assert all(len(p) <= NOTE_LIMIT for p in long.parts)
