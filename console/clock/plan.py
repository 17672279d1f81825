"""The agenda as the clock sees it, and the clock's record in the session store.

The live session and the report both rebuild a run of show from an agenda and the saved
clock record, so the adapter and the record's key live here, with the clock, rather than in
either of them (the report once imported them from the live session, which imported the
report back through carry-over: a circle).
"""

from __future__ import annotations

from console.agenda.model import Agenda
from console.clock.model import PlannedSegment

CLOCK_KIND = "clock"
CLOCK_ID = "run-of-show"
"""The saved run of show is the one record of this kind and id in the facilitator's file."""


def planned_segments(agenda: Agenda) -> list[PlannedSegment]:
    """The agenda's segments as the clock sees them."""
    return [
        PlannedSegment(s.id, s.title, s.minutes, s.wrapup_minutes, s.auto_advance)
        for s in agenda.segments
    ]
