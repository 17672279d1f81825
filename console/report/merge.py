"""Fold in session files copied from note-takers' machines (``--merge``).

A note-taker without a shared folder hands over their author file (``nia.json``, with its
``.journal`` beside it if there is one) or the whole session folder. Copied records go through
``console.store.records.merge``, the same rule every reader uses, so folding a file in twice, or
several files in any order, gives the same report. Nothing is written anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from console.store import NOT_AUTHOR_FILES, Record, StoreError, merge, read_author_file


class MergeError(ValueError):
    """A path given to ``--merge`` that is not a session file or folder; nothing was merged."""


def copied_files(path: Path) -> list[Path]:
    """The author files a ``--merge`` path stands for: itself, or the ones in a folder."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.glob("*.json")
            if p.name not in NOT_AUTHOR_FILES and not p.name.startswith(".") and p.is_file()
        )
        if not files:
            raise MergeError(f"{path} holds no session files (*.json) to merge")
        return files
    if path.is_file():
        if path.name in NOT_AUTHOR_FILES:
            raise MergeError(f"{path} is not an author's file; give a note-taker's .json file")
        return [path]
    raise MergeError(f"{path} does not exist")


def load_copied(paths: Sequence[Path]) -> list[Record]:
    """Every record in the given files and folders, merged; ``MergeError`` names a bad one."""
    per_file: list[list[Record]] = []
    for path in paths:
        for file in copied_files(path):
            try:
                records, _problems = read_author_file(file)
            except StoreError as exc:
                raise MergeError(f"cannot merge {file}: {exc}") from exc
            per_file.append(records)
    return list(merge(*per_file).values())


def merge_records(*sources: Iterable[Record]) -> dict[tuple[str, str], Record]:
    """The merged view of several record collections (idempotent, order does not matter)."""
    return merge(*sources)
