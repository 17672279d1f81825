"""The --with-names rule on answers as spoken: staff named, everyone else not."""

from __future__ import annotations

from console.report.captions_review import NameRule, edited_turns


def test_without_names_only_staff_keep_theirs() -> None:
    rule = NameRule(["Omar Reyes", "Dana  Whitfield"], ["Maria Lopez"], with_names=False)
    turns = rule.turns(
        [
            ("dana whitfield", "Maria Lopez asked; thanks, MARIA LOPEZ and Walter Visitor."),
            ("Walter Visitor", "Omar Reyes, I agree. Mariana stays."),
            (None, "No speaker."),
        ]
    )
    assert turns == (
        ("dana whitfield", "[name] asked; thanks, [name] and [name]."),
        ("Participant", "Omar Reyes, I agree. Mariana stays."),
        (None, "No speaker."),
    )


def test_with_names_keeps_everything() -> None:
    rule = NameRule([], ["Maria Lopez"], with_names=True)
    assert rule.turns([("Walter Visitor", "Maria Lopez")]) == (("Walter Visitor", "Maria Lopez"),)


def test_an_edit_keeps_known_speakers_only() -> None:
    turns = edited_turns(
        "Dana Whitfield: Yes.\n\nNobody Known: a line\n\x1b[31mplain\n", ["Dana Whitfield", None]
    )
    assert turns == (("Dana Whitfield", "Yes."), (None, "Nobody Known: a line"), (None, "plain"))
