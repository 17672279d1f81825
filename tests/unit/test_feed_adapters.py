"""Adapters against real-shaped payloads (tests/data/feeds) and hostile or broken input."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.feeds import csv_adapter, json_adapter, services
from console.feeds.base import parse_timestamp
from console.feeds.config import SourceConfig, parse_mapping
from console.feeds.errors import FeedConfigError, FeedFormatError
from console.feeds.model import QUESTION_TEXT_LIMIT
from console.feeds.presets import source_from_args
from console.text.clean import TRUNCATION_MARK

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"
NY = ZoneInfo("America/New_York")


def cfg(preset: str = "csv", **kw: object) -> SourceConfig:
    return SourceConfig(url="https://example.test/feed", preset=preset, **kw)  # type: ignore[arg-type]


def body(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_google_forms_finds_question_column_and_says_so() -> None:
    parsed = csv_adapter.parse(body("google_forms_en.csv"), {}, cfg("google-forms"), tz=NY)
    assert "question column chosen: 'What would you like to ask?'" in parsed.notes
    assert [q.source_id for q in parsed.questions] == ["row-2", "row-3", "row-5"]
    first, second, third = parsed.questions
    assert first.asker == "Ana Ruiz" and first.email == "ana@school.example"
    assert first.text.startswith("How often must we run lockdown drills, and who")
    assert (
        second.text
        == 'Our building has three entrances.\nWhich one should be the "single point of entry"?'
    )
    assert second.asker is None and second.email is None
    assert first.submitted_at == datetime(2025, 12, 17, 15, 31, 2, tzinfo=NY)
    assert third.email == "cy@school.example"
    assert any("without a question" in n for n in parsed.notes)
    assert parsed.complete


def test_google_forms_localised_headers_and_day_first_dates() -> None:
    parsed = csv_adapter.parse(body("google_forms_es.csv"), {}, cfg("google-forms"), tz=NY)
    assert parsed.notes[-1] == "question column chosen: '¿Qué le gustaría preguntar?'"
    q = parsed.questions[0]
    assert q.asker == "Lucía" and q.email == "lu@escuela.example"
    assert q.submitted_at == datetime(2025, 12, 17, 15, 31, 2, tzinfo=NY)


def test_sheet_timestamps_follow_the_given_zone() -> None:
    utc = csv_adapter.parse(
        body("google_forms_en.csv"), {}, cfg("google-forms"), tz=ZoneInfo("UTC")
    )
    ny = csv_adapter.parse(body("google_forms_en.csv"), {}, cfg("google-forms"), tz=NY)
    a, b = utc.questions[0].submitted_at, ny.questions[0].submitted_at
    assert a is not None and b is not None and b - a == timedelta(hours=5)


def test_microsoft_forms_export_uses_id_completion_time_and_drops_anonymous() -> None:
    parsed = csv_adapter.parse(body("microsoft_forms.csv"), {}, cfg("microsoft-forms"), tz=NY)
    assert [q.source_id for q in parsed.questions] == ["1", "2"]
    anon, dee = parsed.questions
    assert anon.asker is None and anon.email is None
    assert dee.asker == "Dee Park" and dee.text == "What training is required for substitutes?"
    assert dee.submitted_at == datetime(2025, 12, 17, 15, 35, 21, tzinfo=NY)
    assert "question column chosen: 'Question for the panel'" in parsed.notes


def test_without_asking_words_the_longest_answers_win() -> None:
    raw = b"Timestamp,Role,Comments\n1/2/2025 10:00,Teacher,The long free text answer here\n"
    parsed = csv_adapter.parse(raw, {}, cfg())
    assert parsed.questions[0].text == "The long free text answer here"
    assert parsed.notes == ["question column chosen: 'Comments'"]


def test_mapping_picks_columns_case_insensitively() -> None:
    raw = b"when,Body,Who,score,Tag,Key\n2025-12-17T15:00:00-05:00,Hello?,Kim,7,Drills,k1\n"
    config = cfg(
        mapping=parse_mapping(
            ["text=body", "asker=WHO", "votes=score", "topic=tag", "id=key", "submitted_at=when"]
        )
    )
    (q,) = csv_adapter.parse(raw, {}, config).questions
    assert (q.source_id, q.text, q.asker, q.votes, q.topic) == ("k1", "Hello?", "Kim", 7, "Drills")
    assert q.submitted_at is not None and q.submitted_at.utcoffset() == timedelta(hours=-5)


def test_renamed_mapped_column_lists_the_columns_there() -> None:
    config = cfg("google-forms", mapping={"text": "Your question"})
    with pytest.raises(FeedFormatError) as err:
        csv_adapter.parse(body("google_forms_en.csv"), {}, config)
    msg = err.value.message
    assert "'Your question' (mapped to text) is not in the feed" in msg
    assert "'What would you like to ask?'" in msg and "'Timestamp'" in msg


def test_cp1252_csv_is_decoded_with_a_note() -> None:
    raw = "Timestamp,Question\n12/17/2025 15:00:00,Caf\u00e9 \u201cdrills\u201d \u2013 when?\n"
    parsed = csv_adapter.parse(raw.encode("cp1252"), {}, cfg())
    assert parsed.questions[0].text == "Caf\u00e9 \u201cdrills\u201d \u2013 when?"
    assert any("cp1252" in n for n in parsed.notes)


def test_sign_in_page_is_explained() -> None:
    page = (
        b"<!DOCTYPE html><html><body><a href='https://accounts.google.com/ServiceLogin'>Sign in</a>"
    )
    with pytest.raises(
        FeedFormatError, match="the sheet is not published: the URL returned a sign-in page"
    ):
        csv_adapter.parse(page, {"content-type": "text/html; charset=utf-8"}, cfg("google-forms"))


def test_other_html_is_explained_for_json_too() -> None:
    with pytest.raises(FeedFormatError, match=r"web page \(HTML\) instead of JSON"):
        json_adapter.parse(b"<html><p>maintenance</p></html>", {}, cfg("json"))


def test_malformed_csv_and_json() -> None:
    with pytest.raises(FeedFormatError, match="CSV is malformed"):
        csv_adapter.parse(b'Question\n"unterminated\n', {}, cfg())
    with pytest.raises(FeedFormatError, match=r"JSON is malformed \(line 1"):
        json_adapter.parse(b'[{"text": "x",', {}, cfg("json"))


def test_hostile_text_is_cleaned_and_capped() -> None:
    nasty = (
        "[bold]hi[/] [@click=app.quit]x[/ \x1b[31mred\x1b[0m \x1b]8;;http://evil\x07link"
        "\x1b]8;;\x07 \u202egnp.exe\u202c a\x00b"
    )
    rows = [
        {"id": "1", "text": nasty, "name": "\x1b[2J[b]Mallory\n\tEvil"},
        {"id": "2", "text": "A" * 1_000_000},
    ]
    parsed = json_adapter.parse(json.dumps(rows).encode(), {}, cfg("json"))
    first, big = parsed.questions
    for bad in ("\x1b", "\x00", "\u202e", "\u202c", "\x07"):
        assert bad not in first.text and bad not in (first.asker or "")
    assert "[@click=app.quit]" in first.text  # kept literally: the UI never parses markup
    assert first.text.endswith("ab") and first.asker == "[b]Mallory Evil"
    assert len(big.text) == QUESTION_TEXT_LIMIT and big.text.endswith(TRUNCATION_MARK)


def test_one_megabyte_csv_field_parses() -> None:
    raw = b'Question\n"' + b"Q" * 1_000_000 + b'"\n'
    (q,) = csv_adapter.parse(raw, {}, cfg()).questions
    assert q.text.endswith(TRUNCATION_MARK)


def test_generic_json_with_items_path_and_dotted_fields() -> None:
    config = cfg(
        "json",
        mapping=parse_mapping(
            [
                "items=data.entries",
                "text=fields.q",
                "asker=fields.who",
                "id=uid",
                "submitted_at=created",
                "votes=likes",
            ]
        ),
    )
    parsed = json_adapter.parse(body("generic.json"), {}, config)
    assert [(q.source_id, q.text, q.asker, q.votes) for q in parsed.questions] == [
        ("a", "Where is the plan kept?", "Ivy", 4),
        ("b", "Who trains substitutes?", None, 2),
    ]


def test_generic_json_missing_field_lists_fields() -> None:
    config = cfg("json", mapping={"items": "data.entries", "text": "question"})
    with pytest.raises(FeedFormatError, match=r"'question' \(mapped to text\).*'uid', 'fields'"):
        json_adapter.parse(body("generic.json"), {}, config)


def test_generic_json_guesses_fields_and_list_key() -> None:
    raw = json.dumps({"results": [{"id": 9, "question": "Why?", "author": "Jo"}]}).encode()
    parsed = json_adapter.parse(raw, {}, cfg("json"))
    assert parsed.questions[0].source_id == "9" and parsed.questions[0].asker == "Jo"
    assert "question field chosen: 'question'" in parsed.notes


def test_typeform_picks_long_text_answer() -> None:
    parsed = services.typeform_parse(body("typeform.json"), {}, cfg("typeform"))
    eve, second = parsed.questions
    assert eve.source_id == "tok1" and eve.asker == "Eve" and eve.email == "eve@school.example"
    assert eve.text == "How should teachers report a threat they overhear?"
    assert second.asker is None and parsed.next_page is None
    assert eve.submitted_at == datetime.fromisoformat("2025-12-17T20:31:00+00:00")


def test_typeform_paginates_with_before_token() -> None:
    data = json.loads(body("typeform.json"))
    data["page_count"] = 3
    parsed = services.typeform_parse(json.dumps(data).encode(), {}, cfg("typeform"))
    assert parsed.next_page == {"before": "tok2"}
    spec = services.typeform_request(cfg("typeform", token="sekrit"), parsed.next_page, None)
    assert spec.params["before"] == "tok2" and spec.headers["Authorization"] == "Bearer sekrit"


def test_jotform_skips_deleted_and_reads_full_name() -> None:
    parsed = services.jotform_parse(body("jotform.json"), {}, cfg("jotform"), tz=NY)
    assert [q.source_id for q in parsed.questions] == ["5900000000001", "5900000000003"]
    finn = parsed.questions[0]
    assert finn.asker == "Finn Lee" and finn.email == "finn@school.example"
    assert finn.text.startswith("Who sits on the school security")
    assert finn.submitted_at == datetime(2025, 12, 17, 15, 36, 12, tzinfo=NY)
    assert "question field chosen: 'Anything else'" in parsed.notes


def test_jotform_mapping_by_label_and_pagination() -> None:
    data = json.loads(body("jotform.json"))
    data["resultSet"] = {"offset": 0, "limit": 3, "count": 3}
    config = cfg("jotform", mapping={"text": "School"})
    parsed = services.jotform_parse(json.dumps(data).encode(), {}, config)
    assert parsed.questions[0].text == "Oak Hill Elementary"
    assert parsed.next_page == {"offset": "3"}
    spec = services.jotform_request(cfg("jotform", token="k3y-value"), parsed.next_page, None)
    assert spec.params["apiKey"] == "k3y-value" and spec.params["offset"] == "3"


def test_jotform_error_response() -> None:
    raw = json.dumps({"responseCode": 401, "message": "You're not authorized"}).encode()
    with pytest.raises(FeedFormatError, match="Jotform answered 401"):
        services.jotform_parse(raw, {}, cfg("jotform"))


def test_tally_maps_question_titles_and_skips_partial() -> None:
    parsed = services.tally_parse(body("tally.json"), {}, cfg("tally"))
    (gil,) = parsed.questions
    assert (gil.source_id, gil.asker, gil.email) == ("sub1", "Gil", "gil@school.example")
    assert gil.text == "Can parents see the drill schedule?"
    data = json.loads(body("tally.json"))
    data["hasMore"] = True
    assert services.tally_parse(json.dumps(data).encode(), {}, cfg("tally")).next_page == {
        "page": "2"
    }


def test_tally_mapping_to_unknown_title_lists_fields() -> None:
    with pytest.raises(FeedFormatError, match=r"'Question' \(mapped to text\).*'Name'"):
        services.tally_parse(body("tally.json"), {}, cfg("tally", mapping={"text": "Question"}))


def test_intake_is_incremental_with_cursor() -> None:
    parsed = services.intake_parse(body("intake.json"), {}, cfg("intake"))
    assert not parsed.complete and parsed.cursor == "c1" and parsed.source_open is True
    (q,) = parsed.questions
    assert q.display_name is False and q.asker == "Hal" and q.topic == "Standards"
    spec = services.intake_request(cfg("intake", token="t0ken-x", wait_seconds=10), None, "c1")
    assert spec.url == "https://example.test/feed/api/questions"
    assert spec.params == {"wait": "10", "after": "c1"}
    assert spec.headers["Authorization"] == "Bearer t0ken-x"


def test_token_from_env_and_missing_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEED_TOKEN_T", "from-env-123")
    assert cfg("typeform", token_env="FEED_TOKEN_T").resolve_token() == "from-env-123"
    monkeypatch.delenv("FEED_TOKEN_T")
    with pytest.raises(FeedConfigError, match="FEED_TOKEN_T"):
        services.typeform_request(cfg("typeform", token_env="FEED_TOKEN_T"), None, None)


def test_token_is_never_serialised_or_shown() -> None:
    config = cfg("intake", token="super-secret-token")
    assert "super-secret-token" not in repr(config)
    assert "super-secret-token" not in json.dumps(config.to_json())


@pytest.mark.parametrize(
    ("maps", "message"),
    [
        (["text"], "FIELD=NAME"),
        (["colour=x"], "unknown field 'colour'"),
        (["text=a", "text=b"], "mapped twice"),
        (["text="], "FIELD=NAME"),
    ],
)
def test_source_from_args_errors(maps: list[str], message: str) -> None:
    with pytest.raises(FeedConfigError, match=message):
        source_from_args("https://x.test/a.csv", "csv", maps)


def test_source_from_args_checks_preset_and_zone() -> None:
    with pytest.raises(FeedConfigError, match="unknown preset 'sheets'"):
        source_from_args("https://x.test/a.csv", "sheets", [])
    with pytest.raises(FeedConfigError, match="unknown time zone"):
        source_from_args("https://x.test/a.csv", "csv", [], tz="Mars/Olympus")
    ok = source_from_args(" https://x.test/a.csv ", "CSV", ["text=Q"], tz="America/New_York")
    assert (ok.url, ok.preset, ok.mapping) == ("https://x.test/a.csv", "csv", {"text": "Q"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12/17/2025 15:42:07", datetime(2025, 12, 17, 15, 42, 7, tzinfo=NY)),
        ("12/17/2025 3:42:07 PM", datetime(2025, 12, 17, 15, 42, 7, tzinfo=NY)),
        ("2025-12-17 15:42", datetime(2025, 12, 17, 15, 42, tzinfo=NY)),
        ("2025-12-17T20:42:07Z", datetime.fromisoformat("2025-12-17T20:42:07+00:00")),
        ("not a date", None),
        ("13/13/2025 10:00", None),
    ],
)
def test_parse_timestamp(raw: str, expected: datetime | None) -> None:
    assert parse_timestamp(raw, NY) == expected


@settings(deadline=None, max_examples=60)
@given(st.lists(st.lists(st.text(max_size=30), min_size=2, max_size=2), max_size=8))
def test_csv_round_trip_property(rows: list[list[str]]) -> None:
    """Whatever the cells hold, parse never crashes and yields clean text for each answer."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Your question?"])
    writer.writerows(rows)
    parsed = csv_adapter.parse(out.getvalue().encode(), {}, cfg())
    expected = [r for r in rows if r[1].strip() and (r[0].strip() or r[1].strip())]
    assert len(parsed.questions) <= len(expected)
    for q in parsed.questions:
        assert "\x1b" not in q.text and "\x00" not in q.text and q.text


def test_intake_carries_votes_and_skips_questions_typed_at_the_console() -> None:
    payload = {
        "questions": [
            {"id": "a", "text": "Asked on the form", "votes": 7, "origin": "form"},
            {"id": "b", "text": "Typed in at the console", "votes": 2, "origin": "console"},
            {"id": "c", "text": "From an older form", "display_name": False},
        ],
        "cursor": "e.3",
        "open": True,
    }
    parsed = services.intake_parse(json.dumps(payload).encode(), {}, cfg("intake"))
    assert [(q.source_id, q.votes) for q in parsed.questions] == [("a", 7), ("c", None)]
