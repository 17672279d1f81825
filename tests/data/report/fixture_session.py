"""A finished session with fixed ids and a fixed clock, written the way consoles write it.

Used by the report, carry-over and export tests and by the golden files. Asker names and
emails are distinctive (``PLANTED_*``) so a test can grep every output for them. Question
texts include hostile Markdown, HTML and spreadsheet formulas.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.board.answers import ANSWER_KIND, answer_data
from console.board.decisions import DECISION_KIND, Decision
from console.board.moderation import Moderation, text_hash
from console.clock.run_of_show import RunOfShow
from console.feeds.cache import save_feed
from console.feeds.model import FeedQuestion
from console.store import AuthorFile
from console.store.records import Record
from console.store.session_info import FEED_CACHE_FILE

HERE = Path(__file__).resolve().parent
AGENDA = HERE / "agenda.toml"
T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)  # 15:30 in New York
NOW = T0 + timedelta(hours=2)
SESSION_ID = "2025-12-17-1530-fixt01"
FACILITATOR = "Fran Facilitator"
NOTE_TAKER = "Nia Notes"
PLANTED_NAMES = ("Zebulon Quixotesmith", "Yolanda Plantedname", "Xavier Hiddenasker")
PLANTED_EMAILS = ("zeb.quixote@planted-example.org", "xavier.hidden@planted-example.org")

HOSTILE_MD = (
    "# Heading? <script>alert(1)</script> [link](http://evil.example) "
    "![img](http://evil.example/x.png) **bold** _it_ | pipe | `code` &amp; <b>b</b>"
)
FORMULA = '=HYPERLINK("http://evil.example","click")'
MULTILINE = "Line one\n1. not a list\n> not a quote\n---\n    indented code?"
AUTOLINKS = "see www.evil.example and https://evil.example/path or mail zeb@evil.example"


def _stamp(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat(timespec="microseconds")


def _clock_data() -> dict[str, Any]:
    from console.agenda.load import load_agenda
    from console.clock.plan import planned_segments

    agenda = load_agenda(AGENDA)
    moment = [T0 + timedelta(minutes=1)]
    clock = RunOfShow(planned_segments(agenda), agenda.scheduled_start, lambda: moment[0])
    clock.start()
    for minutes, action in ((7, "next"), (25, "next"), (58, "next"), (63, "finish")):
        moment[0] = T0 + timedelta(minutes=minutes)
        getattr(clock, action)()
    return clock.to_dict()


def feed_questions() -> list[FeedQuestion]:
    def fq(
        i: int,
        text: str,
        asker: str | None,
        email: str | None,
        votes: int,
        language: str | None = None,
    ) -> FeedQuestion:
        return FeedQuestion(
            source_id=str(i),
            text=text,
            asker=asker,
            email=email,
            submitted_at=T0 + timedelta(minutes=2 + i),
            votes=votes,
            topic=None,
            language=language,
        )

    return [
        fq(
            1,
            "How often must we run lockdown drills?",
            PLANTED_NAMES[0],
            PLANTED_EMAILS[0],
            5,
            "es",
        ),
        fq(2, HOSTILE_MD, PLANTED_NAMES[2], PLANTED_EMAILS[1], 3, "<b>es</b>"),
        fq(3, FORMULA, None, None, 1),
        fq(4, "-2+3 @SUM(A1) is our budget line", PLANTED_NAMES[0], PLANTED_EMAILS[0], 0, "=1+1"),
        fq(5, MULTILINE, None, None, 2),
        fq(6, "How often do lockdown drills happen?", PLANTED_NAMES[2], None, 1),
        fq(7, AUTOLINKS, None, None, 0),
    ]


def _mod(key: str, minutes: float, text: str, **fields: Any) -> Record:
    mod = Moderation(text_hash=text_hash(text), seen=True, **fields)
    return Record("moderation", key, FACILITATOR, 2, _stamp(minutes), False, mod.to_data())


def _answer(
    rid: str, minutes: float, key: str, text: str, public: bool, author: str, **extra: Any
) -> Record:
    """A participant answer (the board's ``w`` key), as a console writes it."""
    data = answer_data(key, text, public, author, author, _stamp(minutes))
    return Record(ANSWER_KIND, rid, author, 1, _stamp(minutes), extra.get("deleted", False), data)


def _note(rid: str, minutes: float, kind: str, text: str, **fields: Any) -> Record:
    data: dict[str, Any] = {
        "kind": kind,
        "text": text,
        "themes": [],
        "owner": None,
        "due": None,
        "done": False,
        "segment_id": None,
        "question_key": None,
        "created_at": _stamp(minutes),
    }
    data.update(fields)
    author = fields.pop("author", NOTE_TAKER) if "author" in fields else NOTE_TAKER
    data.pop("author", None)
    return Record("note", rid, author, 1, _stamp(minutes), False, data)


HOSTILE_ANSWER = "<img src=x onerror=alert(1)> **see** [the guide](http://evil.example) =1+1"

DECISIONS: tuple[tuple[str, float, str, str | None, str | None], ...] = (
    # question key, minute, event, from, to (the decision log, as the board writes it)
    ("form:1", 27, "live", "new", "live"),
    ("form:1", 27, "published", None, None),
    ("manual:q-chat-1", 28, "live", "new", "live"),
    ("form:1", 28, "queued", "live", "queued"),
    ("manual:q-chat-1", 29, "queued", "live", "queued"),
    ("form:1", 29.5, "live", "queued", "live"),
    ("form:1", 30, "answered", "live", "answered"),
    ("form:2", 31, "deferred", "new", "deferred"),
    ("form:3", 32, "dismissed", "new", "dismissed"),
    ("form:4", 33, "queued", "new", "queued"),
    ("form:6", 34, "merged", None, None),
    ("manual:q-chat-1", 38, "live", "queued", "live"),
    ("manual:q-chat-1", 40, "answered", "live", "answered"),
)


def decision_records() -> list[Record]:
    out = []
    for number, (key, minutes, event, old, new) in enumerate(DECISIONS, 1):
        entry = Decision(
            f"log-{number:02d}",
            key,
            event,
            T0 + timedelta(minutes=minutes),
            FACILITATOR,
            "facilitator",
            number,
            status_from=old,
            status_to=new,
            merged_into="form:1" if event == "merged" else None,
        )
        data = entry.to_data()
        out.append(Record(DECISION_KIND, entry.id, FACILITATOR, 1, _stamp(minutes), False, data))
    return out


def answer_records() -> list[Record]:
    """A public answer with hostile text, and one for the asker alone (names only)."""
    public = answer_data("form:1", HOSTILE_ANSWER, True, FACILITATOR, FACILITATOR, _stamp(30.5))
    note = "We wrote to you about your district."
    private = answer_data("form:1", note, False, FACILITATOR, FACILITATOR, _stamp(32))
    return [
        Record(ANSWER_KIND, "answer-log-1", FACILITATOR, 1, _stamp(30.5), False, public),
        Record(ANSWER_KIND, "answer-log-2", FACILITATOR, 1, _stamp(32), False, private),
    ]


def facilitator_records() -> list[Record]:
    qs = {q.source_id: q.text for q in feed_questions()}
    return [
        *decision_records(),
        *answer_records(),
        Record("clock", "run-of-show", FACILITATOR, 9, _stamp(63), False, _clock_data()),
        _mod(
            "form:1",
            30,
            qs["1"],
            status="answered",
            themes=("drills",),
            answer_note="Twice a year at least; see the drill guide.",
            arrived_segment_id="standards",
            answered_segment_id="discussion",
            starred=True,
        ),
        _mod(
            "form:2",
            31,
            qs["2"],
            status="deferred",
            themes=("building-access",),
            arrived_segment_id="standards",
        ),
        _mod("form:3", 32, qs["3"], status="dismissed", before_dismissal="new"),
        _mod("form:4", 33, qs["4"], status="queued", themes=("funding",)),
        _mod("form:6", 34, qs["6"], status="new", merged_into="form:1"),
        _mod(
            "manual:q-chat-1",
            40,
            "Can parents join the safety committee?",
            status="answered",
            answer_note="Yes: a parent is a member.",
            answered_segment_id="discussion",
        ),
        _answer("answer-1", 31, "form:1", "Twice a year: " + AUTOLINKS, True, FACILITATOR),
        _answer("answer-2", 32, "form:2", HOSTILE_MD, True, FACILITATOR),
        _answer("answer-gone", 33, "form:1", "Taken back", True, FACILITATOR, deleted=True),
        _note(
            "note-fran-1",
            50,
            "action",
            "Send the drill guide to all attendees",
            owner="Fran Facilitator",
            due="2026-01-09",
            segment_id="discussion",
            author=FACILITATOR,
        ),
    ]


def note_taker_records() -> list[Record]:
    chat = {
        "text": "Can parents join the safety committee?",
        "asker": PLANTED_NAMES[1],
        "origin": "chat",
        "segment_id": "discussion",
        "created_at": _stamp(35),
        "display_name": False,
    }
    return [
        Record("question", "q-chat-1", NOTE_TAKER, 1, _stamp(35), False, chat),
        _answer("answer-3", 41, "form:2", FORMULA + "\nWe will write to you.", False, NOTE_TAKER),
        _note(
            "note-1",
            10,
            "concern",
            "Drills scare the youngest students",
            themes=["drills"],
            segment_id="standards",
            question_key="form:1",
        ),
        _note(
            "note-2",
            12,
            "concern",
            "Side doors are propped open " + HOSTILE_MD,
            themes=["building-access"],
            segment_id="discussion",
            question_key="form:2",
        ),
        _note("note-3", 14, "concern", "No one knows who runs the command post"),
        _note(
            "note-4",
            16,
            "action",
            FORMULA + " follow up with districts",
            owner="Ana Ruiz",
            due="2026-01-15",
            themes=["funding"],
            segment_id="discussion",
        ),
        _note(
            "note-5",
            18,
            "action",
            "Post the slides",
            owner="Nia Notes",
            done=True,
            segment_id="wrap",
        ),
        _note(
            "note-6",
            20,
            "resource",
            "Template for drill after-action reports",
            themes=["drills"],
            segment_id="discussion",
            question_key="form:6",
        ),
        _note(
            "note-7",
            22,
            "note",
            "Several attendees joined late: " + AUTOLINKS,
            segment_id="welcome",
        ),
        Record(
            "notepad",
            f"{NOTE_TAKER}:standards",
            NOTE_TAKER,
            1,
            _stamp(24),
            False,
            {
                "segment_id": "standards",
                "text": "Key points:\n- annex to the local EOP\n" + MULTILINE,
            },
        ),
    ]


def write_session_json(folder: Path, **overrides: Any) -> None:
    info = {
        "schema_version": 1,
        "id": folder.name,
        "title": "Report Fixture Office Hours",
        "agenda": "agenda.toml",
        "created_at": T0.isoformat(),
        "started_at": (T0 + timedelta(minutes=1)).isoformat(),
        "finished_at": (T0 + timedelta(minutes=63)).isoformat(),
        "rehearsal": False,
        "facilitator": FACILITATOR,
        "follow_up_of": None,
    }
    info.update(overrides)
    (folder / "session.json").write_text(json.dumps(info, indent=2), encoding="utf-8")


def write_records(folder: Path, author: str, records: list[Record]) -> Path:
    path = folder / f"{author.lower().replace(' ', '-')}.json"
    with AuthorFile(path, author) as file:
        file.put_many(records)
    return path


def make_fixture(root: Path, session_id: str = SESSION_ID, *, decision_log: bool = True) -> Path:
    """A finished session under ``root/sessions``, its agenda at ``root/agenda.toml``
    (``decision_log=False``: as a session from before the decision log was kept).

    The session names its agenda ``agenda.toml`` (relative): run with ``root`` as the
    working directory (``monkeypatch.chdir(root)``) so the agenda is found.
    """
    folder = root / "sessions" / session_id
    folder.mkdir(parents=True)
    shutil.copy(AGENDA, root / "agenda.toml")
    write_session_json(folder)
    records = facilitator_records()
    if not decision_log:
        records = [r for r in records if r.kind != DECISION_KIND]
    write_records(folder, FACILITATOR, records)
    write_records(folder, NOTE_TAKER, note_taker_records())
    save_feed(
        folder / FEED_CACHE_FILE,
        feed_questions(),
        source_label="form",
        saved_at=T0 + timedelta(minutes=60),
    )
    return folder
