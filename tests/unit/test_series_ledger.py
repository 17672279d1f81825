"""The series ledger's parts: the agenda's minutes per carried item, the proposed length,
closing and re-opening as records of the newest session, and the theme trend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tomli_w

from console.agenda.errors import AgendaError
from console.agenda.load import load_agenda, parse_agenda, resolve_agenda
from console.agenda.write import agenda_to_dict
from console.clock.model import ClockError
from console.clock.plan import planned_segments
from console.clock.run_of_show import RunOfShow
from console.report.ledger import LEDGER_KEY, Links, read_links, trend
from console.report.series import SeriesData, build_series
from console.session.carry_over import carried_length
from console.session.series_changes import SeriesChangeError, close_record, reopen
from console.store import AuthorFile, Record, SessionFolder
from tests.series_helpers import (
    ACT_X,
    AGENDA,
    DAY2,
    FRAN,
    Q_A,
    Q_B,
    SERIES,
    first_session,
    open_session,
    second_session,
)
from tests.ui.helpers import FakeNow

HEAD = """[session]
title = "T"
start = 15:30:00
timezone = "America/New_York"
"""


def _segment(name: str, extra: str = "") -> str:
    return f'\n[[segments]]\nid = "{name}"\ntitle = "{name}"\nminutes = 10\n{extra}'


def _problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(AgendaError) as error:
        parse_agenda(text, "t.toml")
    return [(p.line, p.col, p.message) for p in error.value.problems]


# -- the agenda field --------------------------------------------------------------------------
def test_carried_item_minutes_is_read_written_and_optional() -> None:
    agenda = parse_agenda(HEAD + _segment("a", "carried_item_minutes = 1.5\n") + _segment("b"), "t")
    assert [s.carried_item_minutes for s in agenda.segments] == [1.5, None]
    again = parse_agenda(tomli_w.dumps(agenda_to_dict(agenda)), "again")
    assert again.segments == agenda.segments
    bundled = load_agenda(resolve_agenda(AGENDA))
    assert [s.id for s in bundled.segments if s.carried_item_minutes == 2] == ["carried-over"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", '"carried_item_minutes" must be more than 0'),
        ("-2", '"carried_item_minutes" must be more than 0'),
        ('"two"', "a number"),
        ("true", "a number"),
        ("nan", "finite"),
    ],
)
def test_a_bad_carried_item_minutes_is_named_at_its_line_and_column(
    value: str, expected: str
) -> None:
    text = HEAD + _segment("a", f"carried_item_minutes = {value}\n")
    found = _problems(text)
    line = text.splitlines().index(f"carried_item_minutes = {value}") + 1
    assert len(found) == 1
    assert found[0][:2] == (line, 1)  # t.toml:line:1, where the key is
    assert expected in found[0][2]


def test_only_one_segment_takes_the_carried_items() -> None:
    text = (
        HEAD
        + _segment("a", "carried_item_minutes = 2\n")
        + _segment("b", "carried_item_minutes = 3\n")
    )
    found = _problems(text)
    lines = text.splitlines()
    first = lines.index("carried_item_minutes = 2") + 1
    second = lines.index("carried_item_minutes = 3") + 1
    assert found == [
        (
            second,
            1,
            f'"carried_item_minutes" is set on one segment only (first on line {first}): '
            "the carried-over items are taken in one segment",
        )
    ]


# -- the proposed length -----------------------------------------------------------------------
def _carried(n: int) -> list[Record]:
    return [Record("question", f"q{i}", FRAN, 1, "", False, {}) for i in range(n)] + [
        Record("moderation", "manual:q0", FRAN, 1, "", False, {})
    ]


def test_the_proposal_is_open_items_times_the_agendas_minutes() -> None:
    agenda = parse_agenda(HEAD + _segment("a") + _segment("c", "carried_item_minutes = 1.5\n"), "t")
    proposal = carried_length(agenda, _carried(7))
    assert proposal is not None
    assert (proposal.index, proposal.segment_id, proposal.items) == (1, "c", 7)
    assert proposal.minutes == 10.5 and proposal.planned_minutes == 10
    assert proposal.question().startswith("7 items carried over × 1.5 min = 10.5 min for “c”")


def test_no_proposal_without_the_field_without_items_or_when_the_plan_fits() -> None:
    plain = parse_agenda(HEAD + _segment("a"), "t")
    assert carried_length(plain, _carried(3)) is None
    per_item = parse_agenda(HEAD + _segment("a", "carried_item_minutes = 2\n"), "t")
    assert carried_length(per_item, []) is None
    assert carried_length(per_item, _carried(5)) is None  # 5 x 2 = the planned 10


def test_a_segment_is_given_its_length_only_before_the_start() -> None:
    agenda = parse_agenda(HEAD + _segment("a") + _segment("b"), "t")
    now = datetime(2026, 1, 21, 20, 30, tzinfo=UTC)
    clock = RunOfShow(planned_segments(agenda), now, lambda: now)
    with pytest.raises(ValueError, match="positive length"):
        clock.allot(1, 0)
    with pytest.raises(IndexError):
        clock.allot(5, 60)
    clock.allot(1, 4 * 60)
    restored = RunOfShow.from_dict(clock.to_dict(), planned_segments(agenda), now, lambda: now)
    assert restored.allotted(1) == 240 and restored.allotted(0) == 600
    restored.start()
    with pytest.raises(ClockError, match="the session is running"):
        restored.allot(1, 60)


# -- the trend and the links ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("counts", "word"),
    [
        ((3,), ""),
        ((1, 2), "rising"),
        ((2, 1), "falling"),
        ((1, 3, 2), "steady"),
        ((0, 0), "steady"),
    ],
)
def test_trend_is_the_newest_against_the_mean_before(counts: tuple[int, ...], word: str) -> None:
    assert trend(counts) == word


def test_links_ignore_taken_back_closes_and_odd_payloads() -> None:
    closes = {"item": "s1/question/k", "local": None}
    records = [
        Record("participant_answer", "a1", FRAN, 1, "", False, {"text": "x", "closes": closes}),
        Record("participant_answer", "a2", FRAN, 2, "", True, {"text": "y", "closes": closes}),
        Record("participant_answer", "a3", FRAN, 1, "", False, {"text": "z", "closes": "nope"}),
        Record("question", "q1", FRAN, 1, "", False, {"carried_from": {"session": 3}}),
        Record("note", "n1", FRAN, 1, "", False, {"carried_from": {"session": "s1", "note": "n"}}),
    ]
    links = read_links(records)
    assert [c.answer_id for c in links.closes] == ["a1"]
    assert links.carried == {("action", "n1"): ("s1", "n")}
    assert Links().closes == ()


# -- closing and re-opening -------------------------------------------------------------------
def _series(root: Path, moment: datetime) -> SeriesData:
    return build_series(root, SERIES, moment)


def _held_without_follow_up(root: Path) -> str:
    now = FakeNow(DAY2)
    live = open_session(root, now)
    now.advance(30 * 60)
    _events, record = live.start()
    assert live.file is not None and record is not None
    live.file.put_many([record])
    live.folder.update_info(**live.session_changes())
    live.close()
    return live.folder.info.id


def test_an_item_not_carried_here_is_closed_under_a_ledger_key_then_taken_back(
    root: Path,
) -> None:
    first = first_session(root)
    second = _held_without_follow_up(root)  # nothing carried into it
    moment = DAY2 + timedelta(hours=2)
    data = _series(root, moment)
    item = next(i for i in data.ledger.items if i.text == Q_A)
    assert item.open and item.key_in(second) is None and item.raised_in == first

    record = close_record(item, second, "Sent by mail", public=True, author=FRAN, now=moment)
    assert record.kind == "participant_answer" and record.author == FRAN
    assert record.data["question_key"] == LEDGER_KEY + item.id
    assert record.data["public"] is False  # no page shows it: never public
    assert record.data["closes"] == {"item": item.id, "local": None}
    folder = SessionFolder.open(root / "sessions" / second)
    with AuthorFile(folder.author_path(FRAN), FRAN) as file:
        file.put_many([record])
    closed = next(i for i in _series(root, moment).ledger.items if i.text == Q_A)
    assert not closed.open and closed.last.how == "closed with a note"
    assert closed.last.note == "Sent by mail" and closed.last.session == second
    with pytest.raises(SeriesChangeError, match="closed already"):
        close_record(closed, second, "again", public=True, author=FRAN, now=moment)

    data = _series(root, moment)
    plan = reopen(closed, data.ledger, data.reports, FRAN, moment)
    assert plan.take_back == record.id and plan.carry == ()
    with AuthorFile(folder.author_path(FRAN), FRAN) as file:
        file.put_many([record.revised(FRAN, deleted=True)])
    again = next(i for i in _series(root, moment).ledger.items if i.text == Q_A)
    assert again.open and [s.what for s in again.steps] == ["raised"]  # the close undone


def test_reopen_refuses_what_the_newest_session_closed_itself(root: Path) -> None:
    """Q_A was answered and X done in session 2: the board and the notes re-open those."""
    first = first_session(root)
    second_session(root, first)
    moment = DAY2 + timedelta(hours=2)
    data = _series(root, moment)
    answered = next(i for i in data.ledger.items if i.text == Q_A)
    done = next(i for i in data.ledger.items if i.text == ACT_X)
    with pytest.raises(SeriesChangeError, match=r"answered in this session.*board"):
        reopen(answered, data.ledger, data.reports, FRAN, moment)
    with pytest.raises(SeriesChangeError, match=r"done in this session.*notes"):
        reopen(done, data.ledger, data.reports, FRAN, moment)
    still = next(i for i in data.ledger.items if i.text == Q_B)
    with pytest.raises(SeriesChangeError, match="open already"):
        reopen(still, data.ledger, data.reports, FRAN, moment)
    with pytest.raises(ValueError, match="Type the answer first"):
        close_record(still, data.ledger.sessions[-1].id, "  ", public=True, author=FRAN, now=moment)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path
