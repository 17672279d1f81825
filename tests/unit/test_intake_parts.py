"""The intake server's parts on their own: store, signing, addresses, limits, tokens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tinydb import TinyDB

from console.intake.config import FormInfo, form_info_from_agenda, format_when
from console.intake.pages import FormValues, form_page
from console.intake.security import (
    RateLimiter,
    SiteIdentity,
    check_csrf,
    check_receipt,
    client_key,
    make_csrf,
    make_receipt,
    origin_of,
)
from console.intake.submissions import Cursor, StoreWriteError, SubmissionStore
from console.intake.tokens import load_read_token, load_server_secret
from console.intake.validate import read_form, validate

NOW = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
SECRET = b"k" * 32


def fields(n: int) -> dict[str, Any]:
    return {
        "id": f"id{n}",
        "text": f"question {n}",
        "name": None,
        "display_name": False,
        "email": None,
        "topic": None,
        "theme_id": None,
        "submitted_at": NOW.isoformat(),
    }


async def test_store_is_tinydb_readable_and_survives_reload(tmp_path: Path) -> None:
    store = SubmissionStore(tmp_path)
    for n in range(3):
        await store.add(**fields(n))
    store.close()
    with TinyDB(tmp_path / "intake.json") as db:
        assert sorted(doc["text"] for doc in db.table("questions").all()) == [
            "question 0",
            "question 1",
            "question 2",
        ]
    again = SubmissionStore(tmp_path)
    assert again.epoch == store.epoch
    assert [s.text for s in again.after(1)] == ["question 1", "question 2"]
    assert again.cursor == Cursor(store.epoch, 3)
    again.close()


async def test_unreadable_store_is_kept_aside_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "intake.json").write_text("{not json", encoding="utf-8")
    store = SubmissionStore(tmp_path)
    assert store.recovered_from is not None
    assert store.recovered_from.read_text(encoding="utf-8") == "{not json"
    await store.add(**fields(1))
    assert json.loads((tmp_path / "intake.json").read_text())["questions"]["1"]["text"]
    store.close()


async def test_failed_write_is_not_shown_to_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SubmissionStore(tmp_path)
    await store.add(**fields(1))

    def broken(items: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_write", broken)
    with pytest.raises(StoreWriteError):
        await store.add(**fields(2))
    assert [s.text for s in store.after(0)] == ["question 1"]
    monkeypatch.undo()
    await store.add(**fields(3))
    assert [s.text for s in store.after(0)] == ["question 1", "question 3"]
    store.close()


def test_cursor_from_another_epoch_reads_everything(tmp_path: Path) -> None:
    store = SubmissionStore(tmp_path)
    assert store.start_of(Cursor("other", 99)) == 0
    assert store.start_of(Cursor(store.epoch, 7)) == 7
    with pytest.raises(ValueError, match="cursor"):
        Cursor.parse("no-dot-here")
    assert Cursor.parse("ab12.5") == Cursor("ab12", 5)
    store.close()


def test_csrf_and_receipts_are_signed_and_expire() -> None:
    token = make_csrf(SECRET, NOW)
    assert check_csrf(SECRET, token, NOW + timedelta(hours=1))
    assert not check_csrf(SECRET, token, NOW + timedelta(hours=13))
    assert not check_csrf(b"other" * 8, token, NOW)
    assert not check_csrf(SECRET, None, NOW)
    receipt = make_receipt(SECRET, "abc123", NOW)
    assert check_receipt(SECRET, receipt, NOW) == "abc123"
    assert check_receipt(SECRET, receipt.replace("abc123", "abc124"), NOW) is None
    assert check_receipt(SECRET, receipt, NOW + timedelta(hours=2)) is None


def test_origin_and_host_identity() -> None:
    assert origin_of("https://Forms.Example.org:443/ask/") == "https://forms.example.org"
    site = SiteIdentity.for_public_url("https://forms.example.org/ask/")
    assert site.host_ok("forms.example.org") and not site.host_ok("evil.example")
    assert site.origin_ok("https://forms.example.org", None)
    assert not site.origin_ok("http://forms.example.org", None)
    assert not site.origin_ok(None, "https://evil.example/page")
    assert site.origin_ok(None, None)
    bound = SiteIdentity.for_bound(["127.0.0.1", "::1"], 8765)
    assert bound.host_ok("127.0.0.1:8765") and bound.host_ok("[::1]:8765")
    assert not bound.host_ok("127.0.0.1:9999") and not bound.host_ok(None)


def test_client_key_trusts_forwarded_only_when_told() -> None:
    assert client_key("10.0.0.1", "203.0.113.5", trust_proxy=False) == "10.0.0.1"
    assert client_key("10.0.0.1", "1.2.3.4, 203.0.113.5", trust_proxy=True) == "203.0.113.5"
    assert client_key("2001:db8::1", None, False) == client_key("2001:db8::ffff", None, False)
    assert client_key("::ffff:192.0.2.7", None, False) == "192.0.2.7"


def test_rate_limiter_refills_over_time() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=30, burst=2, global_per_minute=1000, clock=lambda: now[0])
    assert limiter.check("a") == 0 and limiter.check("a") == 0
    wait = limiter.check("a")
    assert wait == pytest.approx(2.0)
    assert limiter.check("b") == 0
    now[0] += 2.0
    assert limiter.check("a") == 0
    with pytest.raises(ValueError):
        RateLimiter(0, 1, 1)


def test_read_token_made_once_then_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACILITATOR_FORM_TOKEN", raising=False)
    first = load_read_token(tmp_path)
    second = load_read_token(tmp_path)
    assert first.created and not second.created and first.value == second.value
    assert (tmp_path / "read-token").stat().st_mode & 0o077 == 0
    assert load_server_secret(tmp_path) == load_server_secret(tmp_path)
    with pytest.raises(ValueError, match="at least"):
        load_read_token(tmp_path, "short")


def test_validation_cleans_and_maps_theme_label() -> None:
    values = read_form(
        {
            "question": " Why\x1b[2J?\r\n ",
            "name": "  A\tB ",
            "show_name": "yes",
            "email": "a@b.org",
            "theme": "t1",
        }
    )
    clean = validate(values, [("t1", "Drills")])
    assert clean is not None
    assert clean.text == "Why?" and clean.name == "A B" and clean.display_name
    assert clean.topic == "Drills" and clean.theme_id == "t1"


def test_form_page_escapes_kept_values() -> None:
    values = FormValues(
        question="</textarea><script>x()</script>", name='"><img>', errors={"question": "<bad>"}
    )
    page = form_page(FormInfo("T"), "tok", values)
    assert "<script>" not in page and '"><img>' not in page and "<bad>" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;" in page


def test_format_when_uses_the_session_zone() -> None:
    start = datetime(2025, 12, 17, 15, 30, tzinfo=ZoneInfo("America/New_York"))
    text = format_when(start.astimezone(UTC), "America/New_York")
    assert text == "Wednesday, December 17, 2025, 3:30 PM EST"


def test_the_date_line_is_written_in_each_language() -> None:
    start = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
    assert format_when(start, "America/New_York", "es") == (
        "miércoles, 17 de diciembre de 2025, 15:30 EST"
    )
    assert format_when(start, "America/New_York", "en") == (
        "Wednesday, December 17, 2025, 3:30 PM EST"
    )
    info = FormInfo("Office hours", start=start.isoformat(), timezone="Europe/Madrid")
    assert info.when_in("es") == "miércoles, 17 de diciembre de 2025, 21:30 CET"
    assert info.when_in("en") == "Wednesday, December 17, 2025, 9:30 PM CET"
    given = FormInfo("Office hours", when="Some day", start="not a date")
    assert given.when_in("es") == "Some day"  # a line given as text is shown as given


def test_form_info_from_an_agenda_like_object() -> None:
    class Theme:
        def __init__(self, id: str, label: str) -> None:
            self.id, self.label = id, label

    class Agenda:
        title = "Office Hours"
        host = "DESPP"
        scheduled_start = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
        timezone = "America/New_York"
        themes = (Theme("drills", "Drills"),)

    info = form_info_from_agenda(Agenda())
    assert info.title == "Office Hours" and info.host == "DESPP"
    assert info.themes == [("drills", "Drills")]
    assert "3:30 PM" in info.when


def test_a_serving_process_settles_its_heap_with_every_template_compiled() -> None:
    """``form serve`` compiles the templates and freezes the heap it started with, so the
    collector's full passes under load skip it (``server.settle_heap``)."""
    import gc

    from console.intake import render
    from console.intake.server import settle_heap

    render.environment.cache_clear()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 1000
        names = sorted(p.name for p in render.TEMPLATES.glob("*.html"))
        assert "list.html" in names and "_list_body.html" in names
        for lang in render.LANGUAGES:
            env = render.environment(lang)
            assert env.cache is not None
            cached = {name for _, name in env.cache}
            assert cached >= set(names), lang
    finally:
        gc.unfreeze()
