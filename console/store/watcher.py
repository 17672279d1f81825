"""Following a session folder: ``FolderWatcher`` keeps a merged view fresh, file by file.

The console shows everyone's records while other consoles keep writing theirs. Re-reading the
whole folder on every tick would parse every author file each second; the watcher instead asks
the folder which files changed since its last poll (``SessionFolder.changed_files``: one
``stat`` per file and journal) and re-reads only those, keeping each file's records and
problems so the merged view can be rebuilt without touching the rest. It holds state between
polls, which is why it lives apart from ``SessionFolder`` (stateless reads of the folder).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from console.store.errors import StoreError
from console.store.folders import FileStamp, FolderRead, SessionFolder
from console.store.records import Record, merge


class FolderWatcher:
    """Keeps a merged view of a session folder fresh by re-reading only changed files.

    ``poll()`` returns ``None`` when nothing changed (the common case, one ``stat`` per file),
    else the new merged records and warnings. Call it from a thread if files are large.
    """

    def __init__(self, folder: SessionFolder, *, skip: Collection[Path] = ()) -> None:
        """``skip``: files not to follow, such as the console's own (already in memory):
        re-reading it after each of its own saves would parse the whole file again."""
        self.folder = folder
        self._skip = {Path(p) for p in skip}
        self._stamps: dict[Path, FileStamp] = {}
        self._per_file: dict[Path, list[Record]] = {}
        self._problems: dict[Path, list[str]] = {}

    def poll(self) -> FolderRead | None:
        changed, stamps = self.folder.changed_files(self._stamps)
        self._stamps = {p: st for p, st in stamps.items() if p not in self._skip}
        changed = [p for p in changed if p not in self._skip]
        if not changed:
            return None
        for path in changed:
            self._per_file.pop(path, None)
            self._problems.pop(path, None)
            if path not in self._stamps:
                continue
            try:
                recs, problems = self.folder.read_file_checked(path)
            except StoreError as exc:
                self._problems[path] = [f"skipped {path.name}: {exc}"]
                continue
            self._per_file[path] = recs
            self._problems[path] = problems
        warnings = [w for path in sorted(self._problems) for w in self._problems[path]]
        return FolderRead(merge(*self._per_file.values()), warnings)
