"""The participants' side of the board: what the other participants see, and what they read back.

``Board`` (console/board/model.py) inherits these actions; they live apart from the moderation
steps so each file stays about one thing. Everything is a record, like every other decision:

- ``publish`` and ``hide`` are moderation decisions (fields of the question's ``moderation``
  record, merged like the rest: newest revision wins, tombstones stay). In ``screened`` mode a
  question reaches the other participants once published (and, automatically, when it goes
  live: see ``Board.go_live``); in ``open`` mode at once unless hidden. A question with a
  held word waits for publishing in both modes.
- Participant answers are ``participant_answer`` records (console/board/answers.py), several
  per question, editable and deletable by revision; any console may write one.
- The participants' state of a question (waiting, now answering, answered, we will follow
  up) comes from its status through ``moderation.PARTICIPANT_STATES``, the one mapping; a
  merged duplicate shows its primary's.

The form never decides any of this: ``console.session.form_sync`` pushes it there.
"""

from __future__ import annotations

from console.board.answers import (
    ANSWER_KIND,
    ParticipantAnswer,
    answer_data,
    author_name,
    check_text,
)
from console.board.index import BoardIndex
from console.board.moderation import DISMISSED, participant_state
from console.board.question import FORM_VOTES_KIND, carried_voters
from console.store import Record, new_id


class ParticipantSide(BoardIndex):
    """Publish, hide, participant answers, and the participants' view of each question."""

    # ---------------------------------------------------------------- decisions
    def publish(self, key: str) -> list[Record]:
        """Show the question to the other participants (and take back a ``hide``).

        Allowed on any question, merged duplicates included (visibility is not a status).
        """
        self._check_moderator()
        mod = self._mod_of(key)
        if mod.published and not mod.hidden:
            raise ValueError("This question is already published for the participants.")
        return [self._revise(key, published=True, hidden=False)]

    def hide(self, key: str) -> list[Record]:
        """Keep the question off the other participants' list (its asker still sees it)."""
        self._check_moderator()
        mod = self._mod_of(key)
        if mod.hidden:
            raise ValueError("This question is already hidden from the participants.")
        return [self._revise(key, hidden=True, published=False)]

    # ------------------------------------------------------------------ answers
    def add_participant_answer(
        self, key: str, text: str, public: bool = True, author: str | None = None
    ) -> tuple[str, list[Record]]:
        """Write an answer for the participants: ``public`` under the question on the list,
        else for the asker only (their private page). ``author`` is the name shown (default:
        this console's author). Any console may write one; it is never the ``answer_note``.

        Returns the answer's id and the record to persist.
        """
        self._require(key)
        body = check_text(text)
        stamp = self._stamp()
        data = answer_data(key, body, public, author_name(author, self.author), self.author, stamp)
        record = Record(ANSWER_KIND, new_id(), self.author, 1, stamp, False, data)
        self._apply(record)
        return record.id, [record]

    def edit_participant_answer(
        self,
        answer_id: str,
        *,
        text: str | None = None,
        public: bool | None = None,
        author: str | None = None,
    ) -> list[Record]:
        """Change an answer's text, visibility or shown name (a new revision)."""
        answer = self._own_answer(answer_id)
        data = dict(self._records[(ANSWER_KIND, answer_id)].data)
        if text is not None:
            data["text"] = check_text(text)
        if public is not None:
            data["public"] = public
        if author is not None:
            data["author_name"] = author_name(author, answer.author)
        return [self._revise_answer(answer_id, data, deleted=False)]

    def delete_participant_answer(self, answer_id: str) -> list[Record]:
        """Take an answer back (a tombstone: a merge never brings it back)."""
        self._own_answer(answer_id)
        data = dict(self._records[(ANSWER_KIND, answer_id)].data)
        return [self._revise_answer(answer_id, data, deleted=True)]

    def participant_answer(self, answer_id: str) -> ParticipantAnswer:
        try:
            return self._answers[answer_id]
        except KeyError:
            raise KeyError(f"no participant answer {answer_id!r} on the board") from None

    def _own_answer(self, answer_id: str) -> ParticipantAnswer:
        answer = self.participant_answer(answer_id)
        if self.role != "facilitator" and answer.written_by != self.author:
            raise PermissionError("A note-taker changes only the answers they wrote.")
        return answer

    def _revise_answer(self, answer_id: str, data: dict[str, object], *, deleted: bool) -> Record:
        have = self._records[(ANSWER_KIND, answer_id)]
        record = have.revised(self.author, data, deleted=deleted, updated_at=self._stamp())
        self._apply(record)
        return record

    # --------------------------------------------------------------- form votes
    def set_form_votes(
        self, key: str, votes: int, voters: frozenset[str] | None = None
    ) -> list[Record]:
        """The form's "me too" count for a question the console typed in and published there
        (the feed brings the votes of the form's own questions), with its voter tokens when
        the form names them. The form keeps the votes; the console keeps a copy as a
        ``form_votes`` record, so the report and a carry-over have them. The record to
        persist, or none when nothing changed."""
        if key not in self._manual:
            return []
        votes = max(int(votes), 0)
        if self._form_votes.get(key, 0) == votes and self._form_voters.get(key) == voters:
            return []
        data: dict[str, object] = {"votes": votes}
        if voters is not None:
            data["voters"] = sorted(voters)
        have = self._records.get((FORM_VOTES_KIND, key))
        stamp = self._stamp()
        if have is None:
            record = Record(FORM_VOTES_KIND, key, self.author, 1, stamp, False, data)
        else:
            record = have.revised(self.author, data, updated_at=stamp)
        self._apply(record)
        return [record]

    def carried_voters(self, key: str) -> frozenset[str]:
        """The voter tokens a carried question brought from the earlier session (sent to
        this session's form so they count once and cannot vote for it again)."""
        manual = self._manual.get(key)
        return carried_voters(manual.data) if manual is not None else frozenset()

    # ------------------------------------------------------ the participants' view
    def is_held(self, key: str) -> bool:
        """Whether the question holds a held word (the form's list or the agenda's)."""
        return self.get(key).held

    def shown_to_participants(self, key: str) -> bool:
        """Whether the other participants see the question on the list now (its asker always
        sees their own): not hidden or dismissed, and published in ``screened`` mode or when
        it holds a held word."""
        q = self.get(key)
        if q.hidden or q.status == "dismissed":
            return False
        if self.participant_list == "screened" or q.held:
            return q.published
        return True

    def participant_state(self, key: str) -> str:
        """The participants' state of the question (``moderation.PARTICIPANT_STATES``).

        A merged duplicate shows its primary's state, unless the primary was dismissed (then
        its own, as the form does).
        """
        q = self.get(key)
        own = participant_state(q.status)
        if q.merged_into is None or not self._exists(q.merged_into):
            return own
        primary = participant_state(self.get(q.merged_into).status)
        return own if primary == DISMISSED else primary
