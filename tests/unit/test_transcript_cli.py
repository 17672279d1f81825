"""``facilitator export --transcript FILE [--offset WHEN]`` on a real session folder."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest

from console.cli import main
from console.report.render_json import report_schema
from tests.data.report.fixture_session import PLANTED_NAMES, SESSION_ID, T0, make_fixture

REC = T0 + timedelta(seconds=30)  # the recording started 30 s after 15:30 (20:30:30 UTC)
HOSTILE = "&lt;img src=x onerror=alert(1)&gt; [link](http://evil.example) **bold**"


def _ts(seconds: float) -> str:
    minutes, second = divmod(seconds, 60)
    return f"00:{int(minutes):02d}:{second:06.3f}"


def _cue(number: int, at: float, said: str) -> str:
    return f"{number}\r\n{_ts(at)} --> {_ts(at + 6)}\r\n{said}\r\n"


# The fixture as a session from before the decision log (windows estimated; the exact ones
# from the log: the last test). The clock started at T0+1 min; form:1 ("How often must we run
# lockdown drills?") answered at T0+30, manual:q-chat-1 ("Can parents join the safety committee?",
# asked by PLANTED_NAMES[1]) at T0+40. Caption times count from REC.
CUES = [
    (60 * 20, "Fran Facilitator: Next, how often must we run lockdown drills?"),
    (60 * 20 + 8, "Omar Reyes: Twice a year at least, and we post the drill guide."),
    (60 * 29 + 20, "Omar Reyes: That answers the drills question."),  # 20:59:50
    (60 * 29 + 50, "Fran Facilitator: Now, can parents join the safety committee?"),
    (60 * 30 + 10, f"Walter Visitor: Thanks {PLANTED_NAMES[1]}, my kid asks too {HOSTILE}"),
    (60 * 45, "Fran Facilitator: We will close in five minutes."),  # after every window
]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_fixture(tmp_path, decision_log=False)
    agenda = tmp_path / "agenda.toml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(
        text.replace(
            'timezone = "America/New_York"\n',
            'timezone = "America/New_York"\nstaff = ["Omar Reyes"]\n',
            1,
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def captions(tmp_path: Path) -> Path:
    path = tmp_path / "zoom-recording.vtt"
    body = "\r\n".join(_cue(n, at, said) for n, (at, said) in enumerate(CUES, 1))
    path.write_bytes(("\ufeffWEBVTT\r\n\r\n" + body).encode("utf-8"))
    return path


def _export(root: Path, *extra: str) -> int:
    return main(["--data-dir", str(root), "export", "latest", *extra])


def _questions(doc: dict[str, object]) -> dict[str, dict[str, object]]:
    return {q["key"]: q for q in doc["questions"]}  # type: ignore[attr-defined,index]


def test_transcript_in_json_with_the_suggested_offset(
    root: Path, captions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(root, "--format", "json", "--transcript", str(captions)) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    jsonschema.validate(doc, report_schema())
    # The parents question, read aloud 20 s after it went live, puts the start 20 s early.
    assert "the recording started at 15:30:10 (1 of 2 questions found read aloud)" in err
    assert "confirm with --offset 15:30:10" in err
    qs = _questions(doc)
    drills = qs["form:1"]["spoken"]
    assert drills["state"] == "review"  # type: ignore[index]
    assert drills["turns"][0] == {  # type: ignore[index]
        "speaker": "Fran Facilitator",
        "text": "Next, how often must we run lockdown drills?",
    }
    parents = qs["manual:q-chat-1"]["spoken"]
    speakers = [t["speaker"] for t in parents["turns"]]  # type: ignore[index]
    assert speakers == ["Fran Facilitator", "Participant"]  # staff kept, a visitor is not
    said = " ".join(t["text"] for t in parents["turns"])  # type: ignore[index]
    assert "Thanks [name], my kid asks too <img src=x" in said  # escaped by each renderer
    for key, q in qs.items():
        if key not in ("form:1", "manual:q-chat-1"):
            assert "spoken" not in q  # never live, or not answered
    assert "close in five minutes" not in out
    assert not any(name in out for name in (*PLANTED_NAMES, "Walter Visitor"))


def test_with_names_keeps_every_speaker(
    root: Path, captions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(root, "--format", "json", "--with-names", "--transcript", str(captions)) == 0
    out = capsys.readouterr().out
    parents = _questions(json.loads(out))["manual:q-chat-1"]["spoken"]
    assert [t["speaker"] for t in parents["turns"]] == ["Fran Facilitator", "Walter Visitor"]  # type: ignore[index]
    assert PLANTED_NAMES[1] in out


def test_offset_moves_the_windows(
    root: Path, captions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def spoken(*offset: str) -> dict[str, str]:
        assert _export(root, "--format", "json", "--transcript", str(captions), *offset) == 0
        qs = _questions(json.loads(capsys.readouterr().out))
        return {
            k: " ".join(t["text"] for t in q["spoken"]["turns"])  # type: ignore[index]
            for k, q in qs.items()
            if "spoken" in q
        }

    given = spoken("--offset", "15:30:30")  # the true start, in the agenda's zone
    assert "That answers the drills question." in given["form:1"]  # 15:59:50, before 16:00
    later = spoken("--offset", "+60")  # 60 s after the clock's start (15:31): 15:32:00
    assert "That answers the drills question." in later["manual:q-chat-1"]  # now 16:01:20
    assert spoken("--offset", "2025-12-17T20:30:30+00:00") == given


def test_transcript_in_every_format_stays_escaped(root: Path, captions: Path) -> None:
    for fmt in ("md", "html"):
        out = root / f"r.{fmt}"
        assert _export(root, "--format", fmt, "--transcript", str(captions), "--out", str(out)) == 0
    md = (root / "r.md").read_text(encoding="utf-8")
    html = (root / "r.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert "Answer as spoken, 15:50–15:59" in text  # drills: 15:50:10 to 15:59:40 + 6 s
        assert "Answer as spoken, 16:00–16:00" in text  # parents: 16:00:00 to 16:00:26
    assert "[link](http" not in md and "**bold**" not in md
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in md
    assert "<img" not in html and "<a " not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "(not reviewed)" in html and "\\(not reviewed\\)" in md
    assert (
        _export(root, "--format", "csv", "--transcript", str(captions), "--out", str(root / "t"))
        == 0
    )
    rows = list(
        csv.DictReader(io.StringIO((root / "t" / "questions.csv").read_text(encoding="utf-8-sig")))
    )
    spoken = {r["key"]: r for r in rows if r["answer_as_spoken"]}
    assert set(spoken) == {"form:1", "manual:q-chat-1"}
    assert spoken["form:1"]["spoken_state"] == "review"


def test_formula_in_captions_is_neutralised_in_csv(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "plain.srt"
    path.write_text(
        '1\n00:29:50,000 --> 00:29:56,000\n=HYPERLINK("http://evil.example","x")\n',
        encoding="utf-8",
    )
    assert (
        _export(
            root,
            "--format",
            "csv",
            "--transcript",
            str(path),
            "--offset",
            "15:30:30",
            "--out",
            str(root / "f"),
        )
        == 0
    )
    text = (root / "f" / "questions.csv").read_text(encoding="utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["key"] == "manual:q-chat-1")
    assert row["answer_as_spoken"] == '\'=HYPERLINK("http://evil.example","x")'


def test_a_malformed_caption_file_stops_the_export_and_loses_nothing(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.vtt"
    bad.write_bytes(
        b"WEBVTT\r\n\r\n1\r\n00:00:01.000 --> 00:00:02.000\r\nok\r\n\r\n2\r\n00:0x --> 1\r\nno\r\n"
    )
    before = bad.read_bytes()
    session = root / "sessions" / SESSION_ID
    files = {p: p.read_bytes() for p in session.rglob("*") if p.is_file()}
    out = root / "never.md"
    assert _export(root, "--transcript", str(bad), "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert f"{bad}:8: times not understood" in err
    assert not out.exists()
    assert bad.read_bytes() == before
    assert {p: p.read_bytes() for p in session.rglob("*") if p.is_file()} == files


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--offset", "+30"], "--offset goes with --transcript"),
        (["--transcript", "x.vtt", "--offset", "soon"], "give a time of day"),
    ],
)
def test_bad_options(
    root: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(root, *args) == 2
    assert message in capsys.readouterr().err


def test_a_missing_file_is_named(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _export(root, "--transcript", str(root / "nope.vtt")) == 1
    assert f"{root / 'nope.vtt'}:1: cannot read the file" in capsys.readouterr().err


def test_kept_reviews_are_in_every_later_report_without_the_file(
    root: Path, captions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from console.report.captions_review import DROPPED, KEPT
    from console.report.spoken import decide, read_transcript, review_items
    from console.store import AuthorFile, SessionFolder

    folder = SessionFolder.open(root / "sessions" / SESSION_ID)
    transcript = read_transcript(folder, captions, now=T0 + timedelta(hours=2))
    items = {i.key: i for i in review_items(transcript.times, {}, transcript)}
    assert set(items) == {"form:1", "manual:q-chat-1"}
    kept = decide(items["form:1"], KEPT).to_record("Fran Facilitator", None, "2025-12-17T23:00:00")
    dropped = decide(items["manual:q-chat-1"], DROPPED).to_record(
        "Fran Facilitator", None, "2025-12-17T23:00:00"
    )
    with AuthorFile(folder.author_path("Fran Facilitator"), "Fran Facilitator") as file:
        file.put_many([kept, dropped])

    assert _export(root, "--format", "json") == 0
    qs = _questions(json.loads(capsys.readouterr().out))
    assert qs["form:1"]["spoken"]["state"] == "kept"  # type: ignore[index]
    assert "spoken" not in qs["manual:q-chat-1"]  # dropped: left out, even with the file
    assert _export(root, "--format", "json", "--transcript", str(captions)) == 0
    qs = _questions(json.loads(capsys.readouterr().out))
    assert "spoken" not in qs["manual:q-chat-1"]
    assert qs["form:1"]["spoken"]["state"] == "kept"  # type: ignore[index]


def test_a_session_with_a_decision_log_gets_its_exact_live_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the log: form:1 live 27-28 and 29.5-30, manual:q-chat-1 live 28-29 and 38-40 (minutes)
    make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    cues = [
        (60 * 20, "Fran Facilitator: Before anything went live."),  # in no window
        (60 * 29 + 35, "Omar Reyes: Twice a year, from the log's window."),  # T0+29:35
        (60 * 38 + 30, "Fran Facilitator: Parents can join, from the second window."),
    ]
    path = tmp_path / "teams.vtt"
    body = "\r\n".join(_cue(n, at, said) for n, (at, said) in enumerate(cues, 1))
    path.write_bytes(("WEBVTT\r\n\r\n" + body).encode("utf-8"))
    out = tmp_path / "r.json"
    start = T0.isoformat()  # the recording started at 15:30 sharp
    args = ("--format", "json", "--transcript", str(path), "--offset", start, "--out", str(out))
    assert _export(tmp_path, *args) == 0
    err = capsys.readouterr().err
    assert "estimated" not in err
    by_key = _questions(json.loads(out.read_text(encoding="utf-8")))
    said = {k: json.dumps(q.get("spoken")) for k, q in by_key.items()}
    assert "from the log's window" in said["form:1"]
    assert "Before anything went live" not in json.dumps(by_key)
    assert "from the second window" in said["manual:q-chat-1"]
