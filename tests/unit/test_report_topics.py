"""The theme a participant picked on the question form reaches the report, in every format.

The built-in form stores the choice and the feed carries its label as the question's topic
(the board shows it as Topic). The report files a question under that theme unless the
facilitator tagged the question with themes of their own.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from console.cli import main
from console.feeds.cache import save_feed
from console.store.session_info import FEED_CACHE_FILE
from tests.data.report.fixture_session import (
    AUTOLINKS,
    MULTILINE,
    T0,
    feed_questions,
    make_fixture,
)

DRILLS, FUNDING = "Drills and exercises", "Funding and resources"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The report fixture, its feed now with topics as the form sends them."""
    folder = make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    topics = {
        "4": DRILLS,  # the facilitator tagged this one "funding": their choice stands
        "5": FUNDING,  # untagged, never reached: the participant's label
        "7": "DRILLS",  # untagged: a source that sends the theme's id, in capitals
        "2": "Something else",  # not one of the agenda's themes: no theme from it
    }
    questions = [replace(q, topic=topics.get(q.source_id)) for q in feed_questions()]
    save_feed(
        folder / FEED_CACHE_FILE,
        questions,
        source_label="form",
        saved_at=T0 + timedelta(minutes=60),
    )
    return tmp_path


def export(root: Path, fmt: str, out: Path) -> None:
    args = ["--data-dir", str(root), "export", "latest", "--format", fmt, "--out", str(out)]
    assert main(args) == 0


def test_json_files_questions_under_the_participants_theme(root: Path) -> None:
    export(root, "json", root / "r.json")
    doc = json.loads((root / "r.json").read_text(encoding="utf-8"))
    themes = {q["text"]: q["themes"] for q in doc["questions"]}
    ids = {q["text"]: q["theme_ids"] for q in doc["questions"]}
    assert themes[MULTILINE] == [FUNDING] and ids[MULTILINE] == ["funding"]
    assert themes[AUTOLINKS] == [DRILLS] and ids[AUTOLINKS] == ["drills"]
    assert themes["-2+3 @SUM(A1) is our budget line"] == [FUNDING]  # tagged: not drills
    assert all("Something else" not in t for t in themes.values())
    groups = {g["label"]: g["question_count"] for g in doc["themes"]}
    # Drills: the answered one tagged by the facilitator + the participant's; funding: the
    # tagged queued one + the participant's.
    assert groups[DRILLS] == 2 and groups[FUNDING] == 2


def test_markdown_html_and_csv_say_the_same(root: Path) -> None:
    export(root, "md", root / "r.md")
    md = (root / "r.md").read_text(encoding="utf-8")
    assert f"### {DRILLS} (1 concern, 2 questions)" in md
    assert f"### {FUNDING} (0 concerns, 2 questions)" in md

    export(root, "html", root / "r.html")
    page = (root / "r.html").read_text(encoding="utf-8")
    assert "(1 concern, 2 questions)" in page and "(0 concerns, 2 questions)" in page

    export(root, "csv", root / "out")
    with (root / "out" / "questions.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["text"]: row["themes"] for row in csv.DictReader(handle)}
    assert rows[MULTILINE] == FUNDING
    assert rows[AUTOLINKS] == DRILLS
