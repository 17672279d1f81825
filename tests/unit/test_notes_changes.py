"""What the notebook reports as changed, carried-over items, and notepads kept as typed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.notes.carried import CarriedFrom
from console.notes.notebook import NoteBook
from console.store.records import Record
from console.text.clean import clean_text

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def book(author: str = "ana") -> NoteBook:
    return NoteBook(author, Clock(), ["drills"])


def theirs(rid: str, text: str, rev: int = 1, **extra: Any) -> Record:
    data = {"kind": "action", "text": text, "created_at": T0.isoformat(), **extra}
    return Record("note", rid, "bo", rev, (T0 + timedelta(minutes=rev)).isoformat(), False, data)


# ------------------------------------------------------------------ changed_since
def test_changed_since_names_the_entries_changed_after_a_version_in_order() -> None:
    nb = book()
    first, _ = nb.add("first", "note")
    second, _ = nb.add("second", "note")
    seen = nb.version
    third, _ = nb.add("third", "concern")
    nb.edit(first.id, text="first, edited")
    assert nb.changed_since(seen) == [third.id, first.id]
    assert nb.changed_since(nb.version) == []
    assert nb.changed_since(0) == [second.id, third.id, first.id]  # each id once


def test_changed_since_ignores_stale_records_and_notepads() -> None:
    nb = book()
    nb.apply(theirs("b1", "v2", rev=2))
    seen = nb.version
    nb.apply(theirs("b1", "v1", rev=1))  # older revision: nothing changed
    nb.set_notepad("seg", "typed")  # moves the version, names no entry
    assert nb.version == seen + 1
    assert nb.changed_since(seen) == []
    nb.delete(nb.add("gone", "note")[0].id)
    assert len(nb.changed_since(seen)) == 1  # added then deleted: one id


def test_a_load_counts_once_and_names_what_it_took() -> None:
    nb = book()
    before = nb.version
    nb.load([theirs("b1", "one"), theirs("b2", "two"), theirs("b1", "one")])
    assert nb.version == before + 1
    assert nb.changed_since(before) == ["b1", "b2"]
    assert nb.changed_since(nb.version) == []
    nb.load([theirs("b1", "one")])  # nothing new
    assert nb.version == before + 1


@settings(deadline=None, max_examples=60)
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers(1, 4)), max_size=30))
def test_changed_since_matches_a_full_comparison(steps: list[tuple[str, int]]) -> None:
    """For any version, the ids reported are exactly the entries whose record changed."""
    nb = book()
    snapshots: list[tuple[int, dict[str, int]]] = []
    for rid, rev in steps:
        snapshots.append((nb.version, {n.id: n.rev for n in nb.notes(include_deleted=True)}))
        nb.apply(theirs(rid, f"{rid} at {rev}", rev=rev))
    now = {n.id: n.rev for n in nb.notes(include_deleted=True)}
    for version, then in snapshots:
        want = {rid for rid, rev in now.items() if then.get(rid) != rev}
        assert set(nb.changed_since(version)) == want


# ------------------------------------------------------------------ carried over
def test_a_carried_item_says_where_it_came_from() -> None:
    nb = book()
    nb.apply(
        theirs(
            "c1",
            "Send the drill calendar",
            carried_over=True,
            carried_from={
                "session": "2025-12-10-1530-abc123",
                "title": "Office Hours",
                "started_at": "2025-12-11T02:30:00+00:00",  # the 10th in New York
                "author": "Nia",
            },
        )
    )
    note = nb.get("c1")
    assert note.carried_over
    assert note.carried_from == CarriedFrom(
        "2025-12-10-1530-abc123", "Office Hours", datetime(2025, 12, 11, 2, 30, tzinfo=UTC), "Nia"
    )
    assert note.carried_from.describe(NEW_YORK) == "carried over from “Office Hours” of 2025-12-10"
    assert note.carried_from.describe(UTC).endswith("of 2025-12-11")


@pytest.mark.parametrize(
    ("carried_from", "words"),
    [
        ({"session": "2025-12-10-1530-abc123"}, "carried over from the session of 2025-12-10"),
        ({"session": "2025-13-40-nonsense"}, "carried over from an earlier session"),
        ("not a mapping", "carried over from an earlier session"),
        (
            {"session": "2025-12-10-x", "started_at": "0001-01-01T00:00:00+00:00"},
            "carried over from the session of 2025-12-10",  # a start that cannot be shown
        ),
        ({"title": "Series #3"}, "carried over from “Series #3”"),
        (
            {"title": "[b]Bold\x1b[31m\u202e\nnight[/b]", "started_at": "garbage"},
            "carried over from “[b]Bold night[/b]”",
        ),
    ],
)
def test_carried_words_from_partial_or_hostile_records(carried_from: object, words: str) -> None:
    nb = book()
    nb.apply(theirs("c1", "x", carried_over=True, carried_from=carried_from))
    origin = nb.get("c1").carried_from
    assert origin is not None
    assert origin.describe(NEW_YORK) == words


@pytest.mark.parametrize("flag", [None, False, "true", 1])
def test_only_a_true_flag_marks_an_item_carried(flag: object) -> None:
    nb = book()
    extra = {} if flag is None else {"carried_over": flag}
    nb.apply(theirs("c1", "x", carried_from={"title": "T"}, **extra))
    assert not nb.get("c1").carried_over
    assert nb.get("c1").carried_from is None


def test_an_edit_keeps_the_carried_mark() -> None:
    nb = book("bo")
    nb.apply(theirs("c1", "x", carried_over=True, carried_from={"title": "T"}))
    nb.set_done("c1", True)
    note = nb.get("c1")
    assert note.done and note.carried_over and note.rev == 2


def test_carried_day_prefers_the_start_over_the_id() -> None:
    origin = CarriedFrom(session="2020-01-01-x", started_at=datetime(2025, 1, 2, tzinfo=UTC))
    assert origin.day(UTC) == date(2025, 1, 2)
    assert CarriedFrom(session="2020-01-01-x").day(UTC) == date(2020, 1, 1)
    assert CarriedFrom().day(UTC) is None


# ------------------------------------------------------------------ notepad text
@pytest.mark.parametrize(
    "typed",
    ["ends with a space ", "two blank lines\n\n", "  indented\n\t- tab item\n", "\n", "  "],
)
def test_the_notepad_keeps_what_was_typed(typed: str) -> None:
    nb = book()
    record = nb.set_notepad("seg", typed)
    assert record.data["text"] == typed
    assert nb.notepad("seg") == typed
    assert nb.set_notepad("seg", typed) is record  # unchanged: nothing new to save
    assert nb.set_notepad("seg", typed + " ").rev == 2  # one more space is a change


def test_the_notepad_still_drops_control_characters() -> None:
    nb = book()
    record = nb.set_notepad("seg", "a\x1b[31mred\x1b[0m\x07 \r\nnext\u202e \n")
    assert record.data["text"] == "ared \nnext \n"


def test_keep_ends_is_an_option_and_the_default_still_strips() -> None:
    raw = "  \x1b]0;title\x07hello\x00 \n\n"
    assert clean_text(raw) == "hello"
    assert clean_text(raw, keep_ends=True) == "  hello \n\n"
    assert clean_text(raw, keep_ends=True, single_line=True) == "hello"
    capped = clean_text("  " + "x" * 30 + "  ", 20, keep_ends=True)
    assert capped == "  xxxxx […truncated]"  # 20 characters, the leading spaces kept
