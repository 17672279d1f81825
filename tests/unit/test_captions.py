"""Caption files read (Zoom, Teams, SRT; BOM, CRLF, overlaps) and laid over live windows."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.report.captions_align import align, shifted, suggest_offset, words
from console.report.captions_parse import CaptionError, Cue, read_captions

DATA = Path(__file__).resolve().parents[1] / "data" / "captions"
REC = datetime(2025, 12, 17, 20, 29, 30, tzinfo=UTC)  # 15:29:30 in New York
CLOCK = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)


def at(minute: int, second: int = 0) -> datetime:
    return datetime(2025, 12, 17, 20, minute, second, tzinfo=UTC)


WINDOWS: dict[str, list[tuple[datetime, datetime | None]]] = {
    "q1": [(at(40), at(43))],
    "q2": [(at(43), at(45, 30))],
    "q4": [(at(50), None)],
}
TEXTS = {
    "q1": "How often must we run lockdown drills?",
    "q2": "Can parents join the safety committee?",
    "q3": "What funding exists for door locks?",  # never live: spoken of, gets nothing
    "q4": "What is the plan for reunification after an evacuation?",
}


def _variant(tmp_path: Path, name: str, *, bom: bool = False, crlf: bool = False) -> Path:
    data = (DATA / name).read_bytes()
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    if bom:
        data = b"\xef\xbb\xbf" + data
    path = tmp_path / f"{'bom-' if bom else ''}{'crlf-' if crlf else ''}{name}"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["zoom.vtt", "teams.vtt"])
@pytest.mark.parametrize(
    ("bom", "crlf"), [(False, False), (True, False), (False, True), (True, True)]
)
def test_zoom_and_teams_read_alike_with_bom_and_crlf(
    tmp_path: Path, name: str, bom: bool, crlf: bool
) -> None:
    cues = read_captions(_variant(tmp_path, name, bom=bom, crlf=crlf))
    assert len(cues) == 11
    assert cues[0].speaker == "Dana Whitfield"
    assert cues[0].text == "Good afternoon everyone, welcome to the school safety office hours."
    assert cues[2].speaker == "Omar Reyes"
    assert "two lockdown drills" in cues[2].text and not cues[2].text.startswith("Omar")
    assert cues[3].start == timedelta(minutes=10, seconds=47.5) < cues[2].end  # overlapping
    assert all("\r" not in c.text and "\ufeff" not in c.text for c in cues)
    assert cues[1].line in (8, 12)  # zoom: numbered cues; teams: after a NOTE block


def test_teams_voice_tags_and_entities() -> None:
    cues = read_captions(DATA / "teams.vtt")
    assert cues[2].text == "The state asks for two lockdown drills a year at the least."
    assert cues[4].speaker == "Maria Lopez"
    assert cues[4].text.startswith("Is <script>alert(1)</script> fine")  # decoded, escaped later


def test_srt_with_bom_crlf_tags_and_no_speakers(tmp_path: Path) -> None:
    cues = read_captions(_variant(tmp_path, "session.srt", bom=True, crlf=True))
    assert len(cues) == 8
    assert cues[1].text == "Our first question today: how often must we run lockdown drills?"
    assert cues[1].speaker is None  # one "label" in eight cues is not a speaker convention
    assert cues[2].text.startswith("The state asks") and "<i>" not in cues[2].text
    assert cues[3].start == timedelta(minutes=10, seconds=47.5)


def test_a_label_in_a_few_cues_is_not_a_speaker(tmp_path: Path) -> None:
    path = tmp_path / "few.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBudget: why so low?\n\n"
        "00:00:03.000 --> 00:00:04.000\nBecause of the levy.\n\n"
        "00:00:05.000 --> 00:00:06.000\nAnd next year?\n",
        encoding="utf-8",
    )
    cues = read_captions(path)
    assert [c.speaker for c in cues] == [None, None, None]
    assert cues[0].text == "Budget: why so low?"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nok\n\n"  # a cue, then a damaged one
            "2\n00:00:0x.000 --> 00:00:03.000\nbad\n",
            8,
            "times not understood",
        ),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nbackwards\n", 3, "ends before it starts"),
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\njust words, no times\n",
            6,
            "without times",
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 --> 00:00:0x,000\nbad\n",
            6,
            "times not understood",
        ),
        ("Hello, this is a letter.\n", 1, "no cues with times"),
        ("", 1, "empty"),
    ],
)
def test_a_malformed_file_names_file_and_line_and_is_left_as_is(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "bad.vtt"
    path.write_bytes(text.encode("utf-8"))
    before = path.read_bytes()
    with pytest.raises(CaptionError) as error:
        read_captions(path)
    assert error.value.line == line
    assert message in str(error.value)
    assert str(error.value).startswith(f"{path}:{line}: ")
    assert path.read_bytes() == before


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.vtt"
    path.write_bytes(b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nQu\xe9 tal\n")
    with pytest.raises(CaptionError) as error:
        read_captions(path)
    assert error.value.line == 4 and "UTF-8" in str(error.value)


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.vtt"
    path.write_bytes((DATA / "zoom.vtt").read_text(encoding="utf-8").encode("utf-16"))
    assert len(read_captions(path)) == 11


def _texts(found: dict[str, object]) -> dict[str, list[str]]:
    return {k: [c.text for c in v.cues] for k, v in found.items()}  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["zoom.vtt", "teams.vtt", "session.srt"])
def test_offset_is_suggested_from_questions_read_aloud(name: str) -> None:
    cues = read_captions(DATA / name)
    s = suggest_offset(cues, WINDOWS, TEXTS, CLOCK)
    assert s.source == "questions"
    assert s.matched == ("q1", "q2")
    assert s.tried == 3
    assert s.recording_start is not None
    assert abs(s.recording_start - REC) <= timedelta(seconds=6)


def test_without_readings_the_clock_start_is_the_guess() -> None:
    cues = [Cue(timedelta(seconds=5), timedelta(seconds=8), "hello and welcome", None, 3)]
    s = suggest_offset(cues, WINDOWS, TEXTS, CLOCK)
    assert (s.source, s.recording_start, s.matched) == ("clock", CLOCK, ())
    assert suggest_offset(cues, WINDOWS, TEXTS, None).recording_start is None


def test_cues_go_to_the_question_live_longest_and_never_to_one_not_live() -> None:
    found = align(read_captions(DATA / "zoom.vtt"), WINDOWS, REC)
    said = _texts(found)
    assert set(said) == {"q1", "q2"}  # q3 never live, q4 live after the last cue
    assert said["q1"][0] == "Our first question today: how often must we run lockdown drills?"
    assert said["q1"][-1] == "Thanks Omar, that covers drills."  # 15:42:52-58: inside q1
    # 15:42:58-15:43:04 spans both: 2 s with q1, 4 s with q2.
    assert said["q2"][0] == "Next, can parents join the safety committee?"
    assert "About funding for door locks, we will follow up." in said["q2"]
    every = " ".join(" ".join(texts) for texts in said.values())
    assert "Good afternoon" not in every  # before any window
    assert "short break" not in every  # after q2 ended
    assert found["q1"].start == REC + timedelta(minutes=10, seconds=35)
    assert found["q2"].end == REC + timedelta(minutes=14, seconds=16)


def test_a_tie_goes_to_the_question_live_first() -> None:
    cue = Cue(timedelta(seconds=10), timedelta(seconds=14), "both", None, 1)
    windows = {
        "b": [(REC + timedelta(seconds=12), None)],
        "a": [(REC, REC + timedelta(seconds=12))],
    }
    assert set(align([cue], windows, REC)) == {"a"}


def test_an_open_window_ends_where_the_next_begins() -> None:
    cues = [
        Cue(timedelta(seconds=10), timedelta(seconds=11), "first", None, 1),
        Cue(timedelta(seconds=50), timedelta(seconds=51), "second", None, 2),
    ]
    windows = {"a": [(REC, None)], "b": [(REC + timedelta(seconds=40), REC + timedelta(minutes=1))]}
    assert _texts(align(cues, windows, REC)) == {"a": ["first"], "b": ["second"]}


def test_a_question_live_twice_collects_both_windows() -> None:
    cues = [
        Cue(timedelta(seconds=s), timedelta(seconds=s + 2), f"at {s}", None, s) for s in (5, 25, 45)
    ]
    windows = {
        "a": [
            (REC, REC + timedelta(seconds=10)),
            (REC + timedelta(seconds=40), REC + timedelta(seconds=50)),
        ],
        "b": [(REC + timedelta(seconds=20), REC + timedelta(seconds=30))],
    }
    assert _texts(align(cues, windows, REC)) == {"a": ["at 5", "at 45"], "b": ["at 25"]}


def test_another_offset_moves_the_windows() -> None:
    cues = read_captions(DATA / "zoom.vtt")
    later = REC + timedelta(minutes=2, seconds=30)  # the recording started later than it did
    moved = _texts(align(cues, WINDOWS, later))
    assert moved != _texts(align(cues, WINDOWS, REC))
    # Starting the recording 150 s later is the windows 150 s earlier, seen from the captions.
    assert moved == _texts(align(cues, shifted(WINDOWS, -timedelta(minutes=2, seconds=30)), REC))
    # 150 s later, the participant's follow-up (15:41:00) falls in q2's window, not q1's.
    assert moved["q1"] == [
        "Our first question today: how often must we run lockdown drills?",
        "The state asks for two lockdown drills a year at the least.",
        "We post the drill guide on the website.",
    ]
    assert moved["q2"][0] == "Does that include the evening programs?"
    assert "About funding for door locks, we will follow up." not in moved["q2"]  # past 15:45:30


def test_words_compare_typed_and_spoken_text() -> None:
    assert words("¿Cómo se REÚNEN los padres?") == ["reunen", "padres"]
    assert words("Lockdown-drills, twice!") == ["lockdown", "drills", "twice"]


def _three_hours(
    tmp_path: Path,
) -> tuple[Path, dict[str, list[tuple[datetime, datetime | None]]], dict[str, str]]:
    """A three-hour Zoom-shaped file: a cue every 3 s, 40 questions read aloud, CRLF, BOM."""
    lines = ["\ufeffWEBVTT", ""]
    windows: dict[str, list[tuple[datetime, datetime | None]]] = {}
    texts: dict[str, str] = {}
    topics = [
        "lockdown",
        "drills",
        "parents",
        "committee",
        "funding",
        "locks",
        "buses",
        "counselors",
        "radios",
        "cameras",
        "visitors",
        "badges",
    ]
    for number, second in enumerate(range(0, 3 * 3600, 3), 1):
        q, within = divmod(second, 270)  # a question every 4.5 minutes
        if within == 0 and q < 40:
            topic = f"{topics[q % 12]} {topics[(q * 5 + 1) % 12]} plan{q} number{q}"
            texts[f"q{q}"] = f"What about the {topic}?"
            windows[f"q{q}"] = [
                (REC + timedelta(seconds=second), REC + timedelta(seconds=second + 240))
            ]
            said = f"Dana Whitfield: Next question, what about the {topic}?"
        else:
            said = f"Omar Reyes: answer words {second} for the room"
        start, end = timedelta(seconds=second), timedelta(seconds=second + 3.5)  # overlapping
        lines += [str(number), f"{_ts(start)} --> {_ts(end)}", said, ""]
    path = tmp_path / "three-hours.vtt"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    return path, windows, texts


def _ts(value: timedelta) -> str:
    total = int(value.total_seconds() * 1000)
    hours, rest = divmod(total, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def test_a_three_hour_file(tmp_path: Path) -> None:
    path, windows, texts = _three_hours(tmp_path)
    began = time.perf_counter()
    cues = read_captions(path)
    suggestion = suggest_offset(cues, windows, texts, CLOCK)
    found = align(cues, windows, suggestion.recording_start or CLOCK)
    took = time.perf_counter() - began
    assert len(cues) == 3600
    assert suggestion.source == "questions" and len(suggestion.matched) == 40
    assert suggestion.recording_start == REC
    assert set(found) == set(windows)
    for key, spoken in found.items():
        reading = f"Next question, {texts[key][0].lower()}{texts[key][1:]}"
        assert reading in [c.text for c in spoken.cues]
        ((start, end),) = windows[key]
        assert end is not None
        assert all(start - timedelta(seconds=3.5) < c.start < end for c in spoken.cues)
    assert took < 20, f"a three-hour file took {took:.1f}s"


def test_disagreeing_finds_tie_to_the_one_nearest_the_clock() -> None:
    cues = [
        Cue(timedelta(minutes=5), timedelta(minutes=5, seconds=5), TEXTS["q1"], None, 1),
        Cue(timedelta(minutes=40), timedelta(minutes=40, seconds=5), TEXTS["q2"], None, 2),
    ]
    s = suggest_offset(cues, WINDOWS, TEXTS, CLOCK)
    # q1 says the recording started 15:35, q2 says 15:03; the clock started at 15:30.
    assert s.recording_start == at(35) and s.matched == ("q1",)
