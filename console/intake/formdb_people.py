"""What each participant said "me too" to, kept in memory.

The participants' list marks the questions a participant voted for, and every participant
watching the list live asks again at every change: a database read per watcher per change
would put hundreds of reads on the reader thread for one vote. The store is the only writer
(one per folder, by its lock), so it can keep each participant's votes in memory exactly:
loaded once from the database on first use (on the loop, where the votes are written, so a
read never crosses a vote being written), then updated at each vote it commits. Bounded: the
participants seen least recently are forgotten first and read again if they come back.
"""

from __future__ import annotations

from collections import OrderedDict

MAX_PARTICIPANTS = 50_000


class ParticipantMemory:
    """Votes per participant (least recently used forgotten first)."""

    def __init__(self, limit: int = MAX_PARTICIPANTS) -> None:
        self.limit = limit
        self._votes: OrderedDict[str, frozenset[str]] = OrderedDict()

    def votes(self, participant: str) -> frozenset[str] | None:
        """The questions ``participant`` voted for, or None when not in memory."""
        found = self._votes.get(participant)
        if found is not None:
            self._votes.move_to_end(participant)
        return found

    def remember_votes(self, participant: str, votes: frozenset[str]) -> None:
        """Keep what was read from the database (on the loop, as the votes: nothing missed)."""
        self._votes[participant] = votes
        self._votes.move_to_end(participant)
        while len(self._votes) > self.limit:
            self._votes.popitem(last=False)

    def forget_all(self) -> None:
        """Carried voters were added: everyone is read again (the votes include them)."""
        self._votes.clear()

    def voted(self, participant: str, question_id: str) -> None:
        """A vote was committed: add it if this participant is in memory."""
        known = self._votes.get(participant)
        if known is not None:
            self._votes[participant] = known | {question_id}
