"""The feed cache: atomic, written only on change, readable at startup, never overwritten
when it does not parse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.feeds.cache import FeedCache, FeedCacheError, load_feed, save_feed
from console.feeds.model import FeedQuestion
from console.feeds.poller import FeedStatus, FeedUpdate

WHEN = datetime(2025, 12, 17, 20, 0, tzinfo=UTC)
QS = (
    FeedQuestion("row-2", "Drills?", asker="Ana", submitted_at=WHEN, votes=3, topic="Drills"),
    FeedQuestion("row-3", "Locks?\nSecond line", display_name=False),
)


def update(changed: bool, ok: bool = True) -> FeedUpdate:
    status = FeedStatus(ok, "2 questions", WHEN if ok else None, WHEN, 2, "https://x.test/a.csv")
    return FeedUpdate(QS, changed, status)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "feed.json"
    save_feed(path, QS, source_label="https://x.test/a.csv", saved_at=WHEN)
    cached = load_feed(path)
    assert cached is not None
    assert cached.questions == QS and cached.saved_at == WHEN
    assert cached.source_label == "https://x.test/a.csv"
    assert [p.name for p in path.parent.iterdir()] == ["feed.json"]  # no temp files left


def test_kept_questions_round_trip_and_an_older_file_has_none(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    save_feed(path, QS[:1], source_label="form", saved_at=WHEN, kept=QS[1:])
    cached = load_feed(path)
    assert cached is not None and cached.questions == QS[:1] and cached.kept == QS[1:]
    save_feed(path, QS, source_label="form", saved_at=WHEN)
    raw = path.read_text(encoding="utf-8")
    assert '"kept"' not in raw  # nothing kept: the file has the shape older consoles wrote
    cached = load_feed(path)
    assert cached is not None and cached.kept == ()


def test_missing_file_is_none(tmp_path: Path) -> None:
    assert load_feed(tmp_path / "none.json") is None


def test_writes_only_when_changed(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path / "feed.json")
    assert cache.store_update(update(True))
    before = cache.path.stat().st_mtime_ns
    assert not cache.store_update(update(False))
    assert not cache.store_update(update(True, ok=False))
    assert cache.saves == 1 and cache.path.stat().st_mtime_ns == before


def test_corrupt_file_is_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(FeedCacheError, match="cannot be read"):
        load_feed(path)
    assert path.read_text(encoding="utf-8") == "{not json"


def test_wrong_schema_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text('{"schema": 99, "questions": []}', encoding="utf-8")
    with pytest.raises(FeedCacheError, match="schema 99"):
        load_feed(path)


def test_failed_write_keeps_the_old_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feed.json"
    save_feed(path, QS[:1], source_label="s", saved_at=WHEN)

    def boom(self: Path, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        save_feed(path, QS, source_label="s", saved_at=WHEN)
    monkeypatch.undo()
    cached = load_feed(path)
    assert cached is not None and cached.questions == QS[:1]
    assert [p.name for p in tmp_path.iterdir()] == ["feed.json"]
