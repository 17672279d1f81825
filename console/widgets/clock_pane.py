"""The clock pane: the run of show and the countdown of the segment in play, on either screen.

It follows the session by itself (``SessionChanged``: each tick, each clock key, another
console's clock) and owns no timer. Two variants:

- full (the facilitator's screen): two framed panes side by side, "Run of show" (the
  timeline) and "Now" (the big countdown, then the segment's talking points);
- compact (``compact=True``, the note-taker's screen): one framed pane, the countdown as one
  line above the timeline, so the note panes keep the room.

The session header (title, wall clock, projected end, saved, form address) is the pane's
sibling, not its child: it docks across the top of the whole screen, and a docked widget
docks inside its parent, while the compact pane sits in a side column. It follows the
session the same way (``console.widgets.session_header``).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from console.clock.model import Phase
from console.clock.view import countdown, hhmm, timeline
from console.host import host_of
from console.messages import SessionChanged
from console.widgets.agenda_timeline import AgendaTimeline, TimelineRow
from console.widgets.countdown import Countdown
from console.widgets.segment_brief import SegmentBrief


class ClockPane(Widget):
    """Timeline and countdown of the open session (full, or ``compact`` for the note-taker)."""

    DEFAULT_CSS = """
    ClockPane { width: 1fr; height: 1fr; layout: horizontal; overflow: hidden hidden; }
    ClockPane.-compact { layout: vertical; }
    ClockPane #clock-line { height: auto; padding: 0 1; text-style: bold; }
    """

    def __init__(
        self, *, compact: bool = False, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.compact = compact
        self.set_class(compact, "-compact")
        if compact:
            self.border_title = "Run of show"

    def compose(self) -> ComposeResult:
        if self.compact:
            yield Static("", id="clock-line", markup=False)
            yield AgendaTimeline()
            return
        with Vertical(id="timeline-pane") as pane:
            pane.border_title = "Run of show"
            yield AgendaTimeline(selectable=True)
        with VerticalScroll(id="now-pane") as now:
            now.border_title = "Now"
            yield Countdown()
            yield SegmentBrief()

    def on_mount(self) -> None:
        host_of(self).follow_session(self)
        self.show_clock()

    @on(SessionChanged)
    def show_clock(self) -> None:
        """Show the clock as it is now; what did not change is not redrawn."""
        session = host_of(self).session
        clock = session.clock
        tz = session.agenda.tz
        self.query_one(AgendaTimeline).set_rows(
            [TimelineRow(r.title, r.when, r.planned, r.delta, r.state) for r in timeline(clock, tz)]
        )
        view = countdown(clock, tz)
        if self.compact:
            caption = view.caption.partition("\n")[0]  # the first line; the notes need the room
            self.query_one("#clock-line", Static).update(
                Text(f"{view.time_text}  {view.state.upper()}  {caption}")
            )
            return
        cd = self.query_one(Countdown)
        cd.time_text, cd.state, cd.caption = view.time_text, view.state, view.caption
        brief = self.query_one(SegmentBrief)
        if clock.phase is Phase.FINISHED:  # no segment is in play: none is shown as if it were
            ended = hhmm(clock.finished_at, tz)
            brief.show(f"Session ended at {ended}", "", "", ())
            return
        segment = session.agenda.segments[clock.current_index or 0]
        heading, points = "Talking points", segment.talking_points
        if segment.prompts and not segment.talking_points:
            heading, points = "Discussion prompts", segment.prompts
        elif segment.prompts:
            points = (*segment.talking_points, *segment.prompts)
        brief.show(segment.title, segment.kind, heading, points)
