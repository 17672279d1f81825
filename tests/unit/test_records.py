"""The merge rule: one version per record, the same whatever the order of the sources."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from console.store.records import Record, merge, wins

records = st.builds(
    Record,
    kind=st.sampled_from(["note", "moderation"]),
    id=st.sampled_from(["a", "b", "c"]),
    author=st.sampled_from(["Dana", "Sam"]),
    rev=st.integers(min_value=1, max_value=3),
    updated_at=st.sampled_from(["2025-12-17T20:30:00+00:00", "2025-12-17T20:31:00+00:00"]),
    deleted=st.booleans(),
    data=st.dictionaries(st.sampled_from(["text", "status"]), st.text(max_size=3), max_size=2),
)


@given(st.lists(records), st.lists(records))
def test_merge_is_commutative(left: list[Record], right: list[Record]) -> None:
    assert merge(left, right) == merge(right, left)


@given(st.lists(records))
def test_merge_is_idempotent(items: list[Record]) -> None:
    once = merge(items)
    assert merge(once.values(), items) == once


@given(records, records)
def test_wins_picks_the_same_version_either_way(a: Record, b: Record) -> None:
    b = replace(b, kind=a.kind, id=a.id)  # two versions of one record
    assert wins(a, b) == wins(b, a)


def test_higher_revision_wins_and_tombstones_stay() -> None:
    first = Record("note", "x", "Dana", data={"text": "draft"})
    second = first.revised("Dana", {"text": "final"})
    gone = second.revised("Sam", deleted=True)
    merged = merge([gone], [first, second])
    assert merged[("note", "x")] == gone
    assert merged[("note", "x")].deleted


def test_from_json_refuses_a_broken_record() -> None:
    import pytest

    with pytest.raises(ValueError, match="rev"):
        Record.from_json({"kind": "note", "id": "x", "author": "a", "rev": 0, "updated_at": "t"})
    with pytest.raises(ValueError, match="missing"):
        Record.from_json({"kind": "note"})
