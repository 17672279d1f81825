"""Note entries and notepads: markers, ownership, revisions, limits and merging."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.notes.notebook import NOTE_LIMIT, NOTEPAD_LIMIT, NoteBook, NoteTooLong, split_text
from console.store.records import Record, merge

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
THEMES = ["drills", "funding"]


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def book(author: str = "ana", clock: Clock | None = None) -> NoteBook:
    return NoteBook(author, clock or Clock(), THEMES)


def test_add_parses_markers_and_stamps_context() -> None:
    nb = book()
    note, rec = nb.add('Radios fail in the gym #drills @"Bo Lin" due:+3d', "action", "s1", "form:4")
    assert (note.text, note.themes, note.owner, note.due) == (
        "Radios fail in the gym",
        ("drills",),
        "Bo Lin",
        date(2025, 12, 20),
    )
    assert (note.kind, note.segment_id, note.question_key, note.author) == (
        "action",
        "s1",
        "form:4",
        "ana",
    )
    assert note.open and not note.done and note.rev == 1
    assert (rec.kind, rec.id, rec.author, rec.rev) == ("note", note.id, "ana", 1)
    assert note.created_at > T0


def test_hostile_text_is_cleaned_but_brackets_emoji_and_rtl_kept() -> None:
    nb = book()
    note, _ = nb.add("[bold]hi[/] \x1b[31m😀 שלום\u202e x\x00", "note")
    assert note.text == "[bold]hi[/] 😀 שלום x"


@pytest.mark.parametrize(
    ("line", "kind", "match"),
    [
        ("#drills", "note", "not only markers"),
        ("fix it due:someday", "action", "not understood"),
        ("ok", "memo", "kind"),
    ],
)
def test_add_refuses_bad_lines_and_keeps_nothing(line: str, kind: str, match: str) -> None:
    nb = book()
    with pytest.raises(ValueError, match=match):
        nb.add(line, kind)
    assert nb.notes() == []


def test_too_long_is_refused_never_cut() -> None:
    nb = book()
    with pytest.raises(NoteTooLong, match="limit is 20,000") as err:
        nb.add("word " * 5000, "note")
    assert err.value.length > NOTE_LIMIT and err.value.limit == NOTE_LIMIT
    assert isinstance(err.value, ValueError)
    assert nb.notes() == []


def test_split_then_add_keeps_every_word() -> None:
    nb = book()
    text = "\n\n".join(f"paragraph {i} " + "lorem ipsum " * 300 for i in range(8))
    for piece in split_text(text, NOTE_LIMIT):
        nb.add(piece, "note")
    words = [w for n in nb.notes() for w in n.text.split()]
    assert words == text.split()


def test_edit_makes_a_new_revision() -> None:
    nb = book()
    note, _ = nb.add("first", "concern")
    rec = nb.edit(note.id, text="second", themes=["funding"], kind="resource")
    assert (rec.rev, rec.id) == (2, note.id)
    got = nb.get(note.id)
    assert (got.text, got.themes, got.kind, got.rev) == ("second", ("funding",), "resource", 2)
    assert got.created_at == note.created_at and got.updated_at > note.updated_at


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"themes": ["parking"]}, "themes"),
        ({"due": "soon"}, "not a date"),
        ({"text": ""}, "needs some text"),
        ({"colour": "red"}, "Cannot edit colour"),
        ({"kind": "memo"}, "kind"),
    ],
)
def test_edit_refuses_bad_changes(changes: dict[str, object], match: str) -> None:
    nb = book()
    note, _ = nb.add("first", "action")
    with pytest.raises(ValueError, match=match):
        nb.edit(note.id, **changes)
    assert nb.get(note.id) == note


def test_edit_sets_owner_due_and_links() -> None:
    nb = book()
    note, _ = nb.add("call the district", "action")
    nb.edit(note.id, owner=" Sam ", due=date(2026, 1, 9), segment_id="s2", question_key="manual:x")
    got = nb.get(note.id)
    assert (got.owner, got.due, got.segment_id, got.question_key) == (
        "Sam",
        date(2026, 1, 9),
        "s2",
        "manual:x",
    )
    nb.edit(note.id, due=None, question_key=None)
    assert nb.get(note.id).due is None and nb.get(note.id).question_key is None


def test_action_items_stay_open_until_done() -> None:
    nb = book()
    note, _ = nb.add("send the checklist", "action")
    nb.set_done(note.id, True)
    assert nb.get(note.id).done and not nb.get(note.id).open
    nb.set_done(note.id, False)
    assert nb.get(note.id).open


def test_delete_and_undo() -> None:
    nb = book()
    note, _ = nb.add("oops", "note")
    tomb = nb.delete(note.id)
    assert tomb.deleted and tomb.rev == 2 and tomb.data["text"] == "oops"
    assert nb.notes() == []
    assert [n.id for n in nb.notes(include_deleted=True)] == [note.id]
    with pytest.raises(ValueError, match="deleted"):
        nb.edit(note.id, text="x")
    back = nb.undo_delete(note.id)
    assert not back.deleted and back.rev == 3
    assert [n.text for n in nb.notes()] == ["oops"]


def test_another_authors_entries_are_read_only() -> None:
    mine, theirs = book("ana"), book("bo")
    note, rec = theirs.add("their concern", "concern")
    mine.apply(rec)
    assert mine.get(note.id).author == "bo"
    for call in (
        lambda: mine.edit(note.id, text="x"),
        lambda: mine.delete(note.id),
        lambda: mine.set_done(note.id, True),
    ):
        with pytest.raises(PermissionError, match="bo"):
            call()


def test_filters() -> None:
    nb = book()
    nb.add("drill noise #drills", "concern", "s1")
    nb.add("grant money #funding", "resource", "s2")
    nb.add("call @sam about drills", "action", "s2")
    assert [n.text for n in nb.notes(kind="concern")] == ["drill noise"]
    assert [n.text for n in nb.notes(theme="funding")] == ["grant money"]
    assert [n.kind for n in nb.notes(segment_id="s2")] == ["resource", "action"]
    assert [n.kind for n in nb.notes(text="DRILL")] == ["concern", "action"]
    assert [n.kind for n in nb.notes(text="sam")] == ["action"]


def test_records_merge_the_same_in_any_order() -> None:
    clock = Clock()  # one clock for both, so creation order is well defined
    a, b = book("ana", clock), book("bo", clock)
    recs_a = [a.add("one", "note")[1], a.add("two", "action")[1]]
    recs_a.append(a.edit(recs_a[0].id, text="one, edited"))
    recs_a.append(a.delete(recs_a[1].id))
    recs_b = [b.add("three", "concern")[1], b.set_notepad("s1", "# bo's pad")]
    views = []
    for order in (recs_a + recs_b, recs_b + recs_a[::-1]):
        reader = book("reader")
        for rec in order:
            reader.apply(rec)
        views.append((reader.notes(include_deleted=True), reader.notepad("s1", "bo")))
    assert views[0] == views[1]
    fresh = book("reader")
    fresh.load(merge(recs_a, recs_b).values())
    assert (fresh.notes(include_deleted=True), fresh.notepad("s1", "bo")) == views[0]
    assert [n.text for n in fresh.notes()] == ["one, edited", "three"]


def test_notepad_per_author_and_segment() -> None:
    nb = book()
    rec = nb.set_notepad("s1", "## Notes\n- a\x1b]0;x\x07")
    assert (rec.kind, rec.id, rec.rev, rec.data["text"]) == (
        "notepad",
        "ana:s1",
        1,
        "## Notes\n- a",
    )
    assert nb.set_notepad("s1", "## Notes\n- a") is rec  # unchanged: nothing new to save
    rec2 = nb.set_notepad("s1", "## Notes\n- a\n- b")
    assert rec2.rev == 2
    assert nb.notepad("s1") == "## Notes\n- a\n- b"
    assert nb.notepad("s2") == ""
    other = book("bo")
    nb.apply(other.set_notepad("s1", "bo's"))
    assert nb.notepad("s1", "bo") == "bo's"
    assert nb.notepad_authors("s1") == ["ana", "bo"]


def test_notepad_limit() -> None:
    nb = book()
    with pytest.raises(NoteTooLong, match="notepad"):
        nb.set_notepad("s1", "x" * (NOTEPAD_LIMIT + 1))
    assert nb.notepad("s1") == ""


def test_version_bumps_on_change_only() -> None:
    nb = book()
    v0 = nb.version
    _, rec = nb.add("a", "note")
    v1 = nb.version
    nb.apply(rec)  # the same record again changes nothing
    assert v0 < v1 == nb.version


def test_malformed_record_reads_safely() -> None:
    nb = book()
    nb.apply(Record("note", "n1", "x", 1, "not a time", False, {"kind": 5, "themes": "x"}))
    n = nb.get("n1")
    assert (n.kind, n.text, n.themes, n.due) == ("note", "", (), None)


def test_split_text_prefers_paragraphs_then_lines() -> None:
    assert split_text("aaa\n\nbbb\nccc", 8) == ["aaa", "bbb\nccc"]
    assert split_text("aaaa bbbb", 5) == ["aaaa", "bbbb"]
    assert split_text("abcdefgh", 3) == ["abc", "def", "gh"]
    with pytest.raises(ValueError):
        split_text("x", 0)


@settings(deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400), st.integers(1, 60))
def test_split_text_pieces_fit_and_lose_no_words(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
