"""The names a report shows for agenda ids and staff, each cleaned once per build.

Segment ids, theme ids and authors repeat on thousands of rows; cleaning each distinct
value once instead of once per row is a good part of building a big report. A ``Names``
lives for one ``build_report`` call only, so it never outlives the records it was read from.
"""

from __future__ import annotations

from console.agenda.model import Agenda
from console.text.clean import clean_text

ThemeNames = tuple[tuple[str, ...], tuple[str, ...]]


class Names:
    """Agenda titles and labels, and single-line cleaning remembered for one build."""

    def __init__(self, agenda: Agenda | None) -> None:
        self._titles = {s.id: s.title for s in agenda.segments} if agenda else {}
        self._labels = {t.id: t.label for t in agenda.themes} if agenda else {}
        self._by_name: dict[str, str] = {}
        """Theme id by its label or id, case folded: how a participant's pick comes back."""
        for theme_id, label in reversed(self._labels.items()):  # the first theme wins a tie
            self._by_name[label.casefold().strip()] = theme_id
        for theme_id in self._labels:
            self._by_name[theme_id.casefold()] = theme_id
        self._lines: dict[str, str] = {}
        self._themes: dict[tuple[str, ...], ThemeNames] = {}

    @property
    def theme_ids(self) -> list[str]:
        """The agenda's theme ids, in agenda order."""
        return list(self._labels)

    def line(self, text: str) -> str:
        """``clean_text(text, single_line=True)``."""
        out = self._lines.get(text)
        if out is None:
            out = self._lines[text] = clean_text(text, single_line=True)
        return out

    def segment(self, segment_id: str | None) -> str | None:
        """The agenda's title for a segment id, else the id itself, cleaned."""
        if segment_id is None:
            return None
        title = self._titles.get(segment_id)
        return title if title is not None else self.line(segment_id)

    def label(self, theme_id: str) -> str:
        """The agenda's label for a theme id, else the id itself, cleaned."""
        label = self._labels.get(theme_id)
        return label if label is not None else self.line(theme_id)

    def topic_theme(self, topic: str | None) -> tuple[str, ...]:
        """The agenda theme a participant picked, from the question's topic: the built-in
        form sends the theme's label, other sources may send its id; anything else (a free
        text subject) is no theme."""
        if not topic:
            return ()
        found = self._by_name.get(topic.casefold().strip())
        return () if found is None else (found,)

    def themes(self, theme_ids: tuple[str, ...]) -> ThemeNames:
        """Labels and cleaned ids of a row's themes."""
        out = self._themes.get(theme_ids)
        if out is None:
            labels = tuple(self.label(t) for t in theme_ids)
            out = self._themes[theme_ids] = (labels, tuple(self.line(t) for t in theme_ids))
        return out
