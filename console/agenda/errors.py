"""What goes wrong with an agenda file, as ``path:line:col: message``.

Apart from the models and the loader so that the typed readers, the checks and the loader
can all raise and collect them without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an agenda file; line 0 means the file as a whole."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class AgendaError(Exception):
    """Every problem found in one agenda file (at least one)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    @classmethod
    def whole_file(cls, path: str | Path, message: str) -> AgendaError:
        return cls([Problem(str(path), 0, 0, message)])
