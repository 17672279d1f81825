"""``facilitator export --packet DIR`` and ``facilitator verify DIR`` end to end (in process),
with the retention rule from a real config.toml and a real ``facilitator purge``."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import docx
import pytest

from console.cli import main
from console.system.retention import Retention, load_retention
from tests.data.report.fixture_session import (
    FORMULA,
    HOSTILE_MD,
    PLANTED_EMAILS,
    PLANTED_NAMES,
    make_fixture,
)

CONFIG = """\
[records]
retention_category = "Public meetings <M1-12> & \\"notes\\""
retention_years = 3
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_fixture(tmp_path / "data")
    monkeypatch.chdir(tmp_path / "data")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def _cli(root: Path, *args: str) -> int:
    return main(["--data-dir", str(root / "data"), "--config-dir", str(root / "config"), *args])


def _packet(root: Path, *extra: str) -> Path:
    out = root / "packet"
    assert _cli(root, "export", "latest", "--packet", str(out), *extra) == 0
    return out


def _questions(out: Path) -> list[dict[str, str]]:
    text = (out / "questions.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_packet_files_manifest_and_retention(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _packet(root)
    printed = capsys.readouterr().out
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "README.txt",
        "agenda.toml",
        "decisions.csv",
        "manifest.json",
        "questions.csv",
        "report.docx",
        "report.html",
    ]
    manifest_bytes = (out / "manifest.json").read_bytes()
    digest = hashlib.sha256(manifest_bytes).hexdigest()
    assert f"manifest SHA-256: {digest}" in printed
    manifest = json.loads(manifest_bytes)
    assert manifest["retention"] == {
        "category": 'Public meetings <M1-12> & "notes"',
        "retention_years": 3,
        "permanent": False,
        "disposal_date": "2028-12-17",
    }
    for entry in manifest["files"]:
        body = (out / entry["name"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(body).hexdigest() and entry["bytes"] == len(body)
    assert (out / "agenda.toml").read_bytes() == (root / "data" / "agenda.toml").read_bytes()
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "Disposal date: 2028-12-17" in readme and "decision log" in readme
    # the question export keeps dismissed questions and neutralises formulas; no names
    rows = _questions(out)
    assert "asker" not in rows[0]
    assert {r["status"] for r in rows} >= {"dismissed", "answered"}
    assert "'" + FORMULA in [r["text"] for r in rows]
    decisions = (out / "decisions.csv").read_text(encoding="utf-8-sig")
    assert "form:2,deferred" in decisions and "Fran Facilitator" in decisions
    # the whole log, not each question's latest state: form:1 went live twice
    assert decisions.count(",form:1,live,") == 2 and ",form:1,answered," in decisions
    everything = "".join(
        p.read_bytes().decode("utf-8", "replace") for p in out.iterdir() if p.suffix != ".docx"
    )
    everything += "\n".join(p.text for p in docx.Document(str(out / "report.docx")).paragraphs)
    assert not any(v in everything for v in (*PLANTED_NAMES, *PLANTED_EMAILS))
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and HOSTILE_MD not in html and "&lt;script&gt;" in html


def test_with_names_only_in_the_question_export(root: Path) -> None:
    out = _packet(root, "--with-names")
    assert PLANTED_NAMES[0] in [r["asker"] for r in _questions(out)]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not any(name in html for name in PLANTED_NAMES)  # the report stays redacted
    assert "keep this packet internal" in (out / "README.txt").read_text(encoding="utf-8")


def test_verify_passes_then_fails_on_a_byte_a_missing_and_an_added_file(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _packet(root)
    digest = hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
    capsys.readouterr()
    assert _cli(root, "verify", str(out)) == 0
    printed = capsys.readouterr().out
    assert f"manifest.json SHA-256: {digest}" in printed and "OK: 6 files" in printed
    assert "not tampering" in printed

    original = (out / "questions.csv").read_bytes()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01
    (out / "questions.csv").write_bytes(bytes(changed))
    assert _cli(root, "verify", str(out)) == 1
    assert "questions.csv: changed" in capsys.readouterr().err
    (out / "questions.csv").write_bytes(original)
    assert _cli(root, "verify", str(out)) == 0

    agenda = (out / "agenda.toml").read_bytes()
    (out / "agenda.toml").unlink()
    assert _cli(root, "verify", str(out)) == 1
    assert "agenda.toml: missing" in capsys.readouterr().err
    (out / "agenda.toml").write_bytes(agenda)

    (out / "extra").mkdir()
    (out / "extra" / "note.txt").write_text("added later", encoding="utf-8")
    assert _cli(root, "verify", str(out)) == 1
    assert "extra/note.txt: not in the manifest (added)" in capsys.readouterr().err


def test_verify_refuses_a_folder_without_a_manifest(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "empty").mkdir()
    assert _cli(root, "verify", str(root / "empty")) == 1
    assert "manifest.json cannot be read" in capsys.readouterr().err
    (root / "empty" / "manifest.json").write_text("{not json", encoding="utf-8")
    assert _cli(root, "verify", str(root / "empty")) == 1
    assert "not a packet manifest" in capsys.readouterr().err


def test_packet_refuses_a_folder_in_use_and_leaves_it_alone(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "packet").mkdir()
    (root / "packet" / "mine.txt").write_text("keep me", encoding="utf-8")
    assert _cli(root, "export", "latest", "--packet", str(root / "packet")) == 1
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in (root / "packet").iterdir()] == ["mine.txt"]
    assert not list(root.glob(".packet.partial-*"))


def test_packet_after_a_purge_says_when_it_ran(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(root, "purge", "--before", "2026-01-01") == 0
    out = _packet(root, "--with-names")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["purged_at"] and manifest["purges"][0]["names"] >= 1
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert f"removed by facilitator purge on {manifest['purged_at']}" in readme
    assert not any(r["asker"] for r in _questions(out))


def test_retention_config_errors_and_dates(tmp_path: Path) -> None:
    assert load_retention(tmp_path) == Retention()
    assert Retention("x", 1).disposal_date(date(2024, 2, 29)) == date(2025, 2, 28)
    (tmp_path / "config.toml").write_text(
        '[records]\nretention_category = "Kept"\nretention_years = "permanent"\n',
        encoding="utf-8",
    )
    kept = load_retention(tmp_path)
    assert kept.configured and kept.permanent and kept.disposal_date(date(2025, 1, 1)) is None
    (tmp_path / "config.toml").write_text("[records]\nretention_years = 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="retention_years must be a whole number"):
        load_retention(tmp_path)


def test_packet_without_retention_warns_and_says_so(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "config" / "config.toml").unlink()
    out = _packet(root)
    assert "no retention configured" in capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["retention"]["disposal_date"] is None
    assert "not configured" in manifest["retention"]["note"]


def test_export_docx_and_faq_from_the_command_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = root / "out" / "report.docx"
    assert _cli(root, "export", "latest", "--format", "docx", "--out", str(report)) == 0
    headings = [
        p.text for p in docx.Document(str(report)).paragraphs if p.style.name == "Heading 2"
    ]
    assert "Questions answered" in headings
    assert _cli(root, "export", "latest", "--format", "docx") == 2
    assert "needs --out" in capsys.readouterr().err
    assert _cli(root, "export", "latest", "--faq", "--format", "csv") == 2
    capsys.readouterr()
    assert _cli(root, "export", "latest", "--faq") == 0
    faq = capsys.readouterr().out
    assert faq.startswith("# Questions and answers:") and "lockdown drills" in faq
    assert not any(v in faq for v in (*PLANTED_NAMES, *PLANTED_EMAILS))
    page = root / "out" / "answers.html"
    assert _cli(root, "export", "latest", "--faq", "--format", "html", "--out", str(page)) == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
