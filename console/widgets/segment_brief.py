"""Talking points or discussion prompts of the segment in play."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class SegmentBrief(Widget, can_focus=False):
    """Title, kind and the points to cover, rendered as plain text (never markup)."""

    DEFAULT_CSS = """
    SegmentBrief { height: auto; padding: 0 1; }
    """

    title: reactive[str] = reactive("", layout=True)
    kind: reactive[str] = reactive("")
    points: reactive[tuple[str, ...]] = reactive((), layout=True)
    heading: reactive[str] = reactive("Talking points")

    def show(self, title: str, kind: str, heading: str, points: Sequence[str]) -> None:
        self.title, self.kind, self.heading, self.points = title, kind, heading, tuple(points)

    def render(self) -> Group:
        parts: list[Text] = [Text(self.title, style="bold")]
        if self.kind:
            parts[0].append(f"  ({self.kind})", style="dim")
        if self.points:
            parts.append(Text(self.heading, style="underline"))
            parts += [Text(f"• {point}") for point in self.points]
        return Group(*parts)
