"""The session a console has open: agenda, clock and own store file, with no UI in it.

The UI calls these methods and persists what they return; everything here can run from a
script or a test. Only the facilitator's console changes the clock; a note-taker's console
follows it by re-reading the facilitator's file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias

from console.board.answers import ANSWER_KIND
from console.board.model import Board
from console.board.question import FORM_VOTES_KIND
from console.clock.model import ClockError, ClockEvent, Phase
from console.clock.plan import CLOCK_ID, CLOCK_KIND, planned_segments
from console.clock.run_of_show import RunOfShow
from console.notes.notebook import NoteBook
from console.session import presenter_message
from console.session.presenter_message import NO_MESSAGE, PresenterMessage
from console.session.setup import Launch
from console.store import DECISION_KIND, AuthorFile, Record, SessionFolder

if TYPE_CHECKING:
    from console.session.carry_over import CarriedLength

FACILITATOR = "facilitator"
BOARD_KINDS = frozenset({"question", "moderation", ANSWER_KIND, FORM_VOTES_KIND, DECISION_KIND})
"""The record kinds the board takes in (a note-taker's participant answers, the form's vote
counts, the decision log)."""

ClockStep: TypeAlias = tuple[list[ClockEvent], Record | None]
"""What a clock operation did: its events, and the clock's record to save (None if none)."""


class LiveSession:
    """Agenda + run-of-show clock + this console's own file in the session folder."""

    def __init__(self, launch: Launch, now: Callable[[], datetime]) -> None:
        self.agenda = launch.agenda
        self.folder: SessionFolder = launch.folder
        self.author = launch.author
        self.role = launch.role
        self.read_only = launch.read_only
        self.now = now
        self.segments = planned_segments(self.agenda)
        self.clock = RunOfShow(self.segments, self.agenda.scheduled_start, now)
        self.file: AuthorFile | None = None
        self.warnings: list[str] = []
        self.carried_summary = ""
        """What a new follow-up session carried over, in words (empty when nothing was due)."""
        self.carried_length: CarriedLength | None = None
        """The length proposed for the segment taking the carried items (None: nothing to
        propose); the facilitator accepts it (``allot_carried``) or keeps the plan."""
        self._clock_rev = 0
        self.presenter_message: PresenterMessage = NO_MESSAGE
        """The facilitator's message to the presenter, as it stands (newest revision)."""
        theme_ids = [t.id for t in self.agenda.themes]
        board_role = "facilitator" if self.runs_clock else "notes"
        questions = self.agenda.questions
        self.board = Board(
            self.author,
            now,
            role=board_role,
            themes=theme_ids,
            participant_list=questions.participant_list,
            held_words=questions.held_words,
        )
        self.notebook = NoteBook(self.author, now, theme_ids)

    @property
    def runs_clock(self) -> bool:
        """Whether this console may change the clock (facilitator, not read-only)."""
        return self.role == FACILITATOR and not self.read_only

    def open(self) -> None:
        """Take this console's file (lock) and restore the saved state of the session.

        Raises StoreLocked / StoreCorrupt from the store: the caller shows them and quits.
        """
        if not self.read_only:
            self.file = AuthorFile(self.folder.author_path(self.author), self.author)
            self.file.open()
        records, warnings = self.folder.read_all()
        self.warnings.extend(warnings)
        self.restore_clock(records.values())
        self.restore_presenter_message(records.values())
        self.board.load(records.values())
        self.notebook.load(records.values())
        self._carry_over_if_new()

    def _carry_over_if_new(self) -> None:
        """A follow-up session starts with the earlier one's open items, marked carried over.

        Done once, by the facilitator's console, while its own file is still empty.
        """
        earlier = self.folder.info.follow_up_of
        if not earlier or not self.runs_clock or self.file is None or self.file.records():
            return
        # Imported here: only the first open of a follow-up session needs the report builder.
        from console.session.carry_over import (
            carried_length,
            carry_over_records,
            describe_carried,
        )

        records = carry_over_records(self.folder, earlier, self.author, self.now)
        self.carried_summary = describe_carried(records, earlier)
        self.carried_length = carried_length(self.agenda, records)
        if records:
            self.file.put_many(records)
            self.board.load(records)
            self.notebook.load(records)

    def allot_carried(self) -> Record:
        """Take the proposed length for the carried-over segment; the clock's record to save.

        Raises ClockError once the clock has started, PermissionError on a console that does
        not run it, and LookupError when there is no proposal.
        """
        if not self.runs_clock:
            raise PermissionError("Only the facilitator's console changes the plan.")
        if self.carried_length is None:
            raise LookupError("There is no proposed length to take.")
        proposal = self.carried_length
        self.clock.allot(proposal.index, proposal.minutes * 60)
        self.carried_length = None
        return self.clock_record()

    def apply_folder(self, records: dict[tuple[str, str], Record]) -> bool:
        """Take in what other consoles wrote (merged folder records); True if anything moved.

        Our own records come back too; the models keep the newest revision, so replaying
        them is harmless.
        """
        before = (self.board.version, self.notebook.version)
        changed = not self.runs_clock and self.restore_clock(records.values())
        changed = self.restore_presenter_message(records.values()) or changed
        for record in records.values():
            if record.author == self.author and self.file is not None:
                continue  # this console's own records are already applied
            if record.kind in {"note", "notepad"}:
                self.notebook.apply(record)
            elif record.kind in BOARD_KINDS:
                self.board.apply(record)
        return changed or before != (self.board.version, self.notebook.version)

    def held_at(self) -> datetime | None:
        """When the session is held, if not at its agenda's date: the real start of a clock
        rebased on it, or now for one that will be (see ``RunOfShow.would_rebase``); None
        otherwise. The question form shows this date to participants."""
        if self.clock.rebased_from is not None:
            return self.clock.planned_start
        if self.clock.would_rebase():
            return self.now()
        return None

    @property
    def segment_id(self) -> str | None:
        """The segment in play (None before the start and after the finish)."""
        index = self.clock.current_index
        return None if index is None else self.segments[index].id

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def restore_clock(self, records: Iterable[Record]) -> bool:
        """Apply the newest saved clock state; True when it changed what is shown."""
        saved = [r for r in records if r.kind == CLOCK_KIND and r.id == CLOCK_ID and not r.deleted]
        if not saved:
            return False
        record = max(saved, key=lambda r: (r.rev, r.updated_at))
        if record.rev <= self._clock_rev:
            return False
        try:
            self.clock = RunOfShow.from_dict(
                record.data, self.segments, self.agenda.scheduled_start, self.now
            )
        except ValueError as exc:
            self.warnings.append(f"The saved clock could not be restored ({exc}); it starts idle.")
            return False
        self.warnings.extend(self.clock.restore_warnings)
        self._clock_rev = record.rev
        return True

    def restore_presenter_message(self, records: Iterable[Record]) -> bool:
        """Take the newest saved message to the presenter; True when it changed."""
        record = presenter_message.newest(records)
        if record is None or record.rev <= self.presenter_message.rev:
            return False
        self.presenter_message = presenter_message.from_record(record)
        return True

    def send_presenter_message(self, text: str) -> Record:
        """Show ``text`` on every presenter's console ("" clears it); the record to save.

        Raises PermissionError on a console that does not run the session.
        """
        if not self.runs_clock:
            raise PermissionError("Only the facilitator's console sends the presenter messages.")
        self.presenter_message, record = presenter_message.message_record(
            text, author=self.author, after=self.presenter_message.rev, now=self.now
        )
        return record

    def clock_record(self) -> Record:
        """The clock's state as the next revision of its record."""
        self._clock_rev += 1
        return Record(
            kind=CLOCK_KIND,
            id=CLOCK_ID,
            author=self.author,
            rev=self._clock_rev,
            data=self.clock.to_dict(),
        )

    # -- the clock's operations: only the facilitator's console runs them. Each returns the
    # clock's events and the record to save (None when nothing changed); each raises
    # ClockError (plain words) when the phase does not allow it, or PermissionError on a
    # console that does not run the clock.
    def start(self) -> ClockStep:
        return self._step(RunOfShow.start)

    def toggle_pause(self) -> ClockStep:
        return self._step(RunOfShow.toggle_pause)

    def next(self) -> ClockStep:
        """Move to the next segment."""
        return self._step(RunOfShow.next)

    def previous(self) -> ClockStep:
        """Go back to the previous segment."""
        return self._step(RunOfShow.previous)

    def jump(self, index: int) -> ClockStep:
        """Move to segment ``index`` (0-based); the ones jumped over stay skipped."""
        return self._step(lambda clock: clock.jump(index))

    def extend(self, seconds: float) -> ClockStep:
        """Give the segment in play ``seconds`` more."""
        return self._step(lambda clock: clock.extend(seconds))

    def shorten(self, seconds: float) -> ClockStep:
        """Take ``seconds`` from the segment in play."""
        return self._step(lambda clock: clock.shorten(seconds))

    def finish(self) -> ClockStep:
        """End the session now."""
        return self._step(RunOfShow.finish)

    def _step(self, operation: Callable[[RunOfShow], list[ClockEvent]]) -> ClockStep:
        if not self.runs_clock:
            raise PermissionError("Only the facilitator's console runs the clock.")
        events = operation(self.clock)
        return events, (self.clock_record() if events else None)

    def tick(self) -> ClockStep:
        """Let time pass: auto-advance may move on; returns what to save, if anything."""
        events = self.clock.tick()
        if events and self.runs_clock:
            return events, self.clock_record()
        return events, None

    def session_changes(self) -> dict[str, datetime]:
        """Session-level facts the clock now implies (started, finished) that the folder's
        info does not have yet."""
        changes: dict[str, datetime] = {}
        if self.clock.started_at is not None and self.folder.info.started_at is None:
            changes["started_at"] = self.clock.started_at
        if (
            self.clock.phase is Phase.FINISHED
            and self.clock.finished_at is not None
            and self.folder.info.finished_at is None
        ):
            changes["finished_at"] = self.clock.finished_at
        return changes


__all__ = ["ClockError", "ClockStep", "LiveSession"]
