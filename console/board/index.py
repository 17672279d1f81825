"""The board's inputs: records and feed lists taken in cheaply, and the decisions written.

``BoardIndex`` holds the questions and decisions of one session, indexed by key. It takes in
records from the store (merged or not: ``load``, ``apply``) and each source's full list
(``update_feed``), and writes the next revision of a decision for the actions of ``Board``
(console/board/model.py) and ``ParticipantSide`` (console/board/participants.py), with the
guards they share. What a question looks like and the queries answered from the cached views
are ``BoardViews`` (console/board/views.py), which this class extends: the inputs here, the
answers there, one object for callers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import compress
from operator import attrgetter, is_not
from typing import Any

from console.board.answers import ANSWER_KIND
from console.board.answers import from_record as answer_from_record
from console.board.moderation import Moderation, text_hash
from console.board.question import FORM_VOTES_KIND, MANUAL, question_key
from console.board.views import UNDECIDED, BoardViews
from console.feeds.model import FeedQuestion, voter_tokens
from console.store import Record, wins

_KINDS = ("question", "moderation", ANSWER_KIND, FORM_VOTES_KIND)

_source_id = attrgetter("source_id")


class BoardIndex(BoardViews):
    """Questions and decisions of one session, indexed by key, with cached views."""

    def __init__(
        self,
        author: str,
        now: Callable[[], datetime],
        *,
        role: str = "facilitator",
        themes: Collection[str] | None = None,
        participant_list: str = "screened",
        held_words: Iterable[str] = (),
    ) -> None:
        super().__init__(
            author, role=role, participant_list=participant_list, held_words=held_words
        )
        self._now = now
        self._themes = frozenset(themes) if themes is not None else None
        self._by_source: dict[str, dict[str, FeedQuestion]] = {}
        """Per source label: its questions by the source's own id (what the last poll held)."""

    # ----------------------------------------------------------------- inputs
    def load(self, records: Iterable[Record]) -> None:
        """Take in records from the store (merged or not: the merge rule is applied)."""
        before = self.version
        for record in records:
            self._apply(record)
        if self.version != before:
            self.version = before + 1

    def apply(self, record: Record) -> None:
        """A record written elsewhere (another console, a reloaded file)."""
        self._apply(record)

    def update_feed(
        self,
        source_label: str,
        questions: Sequence[FeedQuestion],
        segment_id: str | None,
        *,
        keep: Container[str] = (),
    ) -> list[Record]:
        """Take the source's current full list; return arrival records to persist.

        A question new to the board while a segment is in play gets a moderation record
        naming that segment (facilitator only). Pass ``segment_id=None`` when replaying the
        cached feed at start-up, so old questions are not stamped with the current segment.
        Questions that left the feed are dropped, unless the facilitator decided something
        about them (``Moderation.decided``), duplicates are merged into them, or their key is
        in ``keep`` (the questions notes refer to).

        The poller hands back the very same ``FeedQuestion`` objects for questions that did
        not change, so finding the few that did is an identity test run in C over the whole
        list (``compress``/``map``): a poll adding ten to ten thousand touches ten keys.
        """
        out: list[Record] = []
        changed = False
        feed = self._feed
        before = self._by_source.get(source_label, {})
        incoming = dict(zip(map(_source_id, questions), questions, strict=True))
        moved = list(
            compress(incoming.values(), map(is_not, map(before.get, incoming), incoming.values()))
        )
        stamp_arrivals = self.role == "facilitator" and segment_id is not None
        for fq in moved:
            key = f"{source_label}:{fq.source_id}"
            old = before.get(fq.source_id)
            feed[key] = fq
            if old is None:
                self._seq_of(key)
                self._touch(key)
                changed = True
                if stamp_arrivals and ("moderation", key) not in self._records:
                    mod = Moderation(arrived_segment_id=segment_id, text_hash=text_hash(fq.text))
                    out.append(self._write(key, mod))
            elif old != fq:
                self._touch(key)
                changed = True
        left = before.keys() - incoming.keys() if moved or len(incoming) != len(before) else ()
        # In the source's order, so the kept ones are too (a set has none).
        gone = [source_id for source_id in before if source_id in left] if left else ()
        for source_id in gone:
            key = f"{source_label}:{source_id}"
            if self._worth_keeping(key) or key in keep:
                incoming[source_id] = before[source_id]
            else:
                feed.pop(key, None)
                self._seq.pop(key, None)
                self._touch(key)
                changed = True
        self._by_source[source_label] = incoming
        if changed:
            self.version += 1
        return out

    def _worth_keeping(self, key: str) -> bool:
        mod = self._mod.get(key)
        return (
            (mod is not None and mod.decided)
            or bool(self._dups.get(key))
            or bool(self._answers_of.get(key))
        )

    def feed_of(self, source_label: str) -> tuple[FeedQuestion, ...]:
        """The source's questions the board holds: its last list, then the ones it dropped
        that the board keeps (see ``update_feed``)."""
        return tuple(self._by_source.get(source_label, {}).values())

    # -------------------------------------------------------------- internals
    def _apply(self, record: Record) -> None:
        if record.kind not in _KINDS:
            return
        have = self._records.get(record.key)
        if have is not None and wins(have, record) is have:
            return
        self._records[record.key] = record
        if record.kind == "moderation":
            self._set_mod(record.id, record)
        elif record.kind == ANSWER_KIND:
            self._set_answer(record)
        elif record.kind == FORM_VOTES_KIND:
            self._set_form_votes(record)
        else:
            key = question_key(MANUAL, record.id)
            if record.deleted or not isinstance(record.data.get("text"), str):
                self._manual.pop(key, None)
                self._seq.pop(key, None)
            else:
                self._manual[key] = record
                self._seq_of(key)
            self._touch(key)
        self.version += 1

    def _set_mod(self, key: str, record: Record) -> None:
        old = self._mod.get(key)
        new = None if record.deleted else Moderation.from_data(record.data)
        if old is not None and old.merged_into:
            self._dups.get(old.merged_into, set()).discard(key)
            self._forget(old.merged_into)
        if new is None:
            self._mod.pop(key, None)
        else:
            self._mod[key] = new
            if new.merged_into:
                self._dups.setdefault(new.merged_into, set()).add(key)
        if new is not None and new.status == "live":
            self._live.add(key)
        else:
            self._live.discard(key)
        self._touch(key)

    def _set_form_votes(self, record: Record) -> None:
        """The form's count for a typed-in question (records may come from other machines:
        a count that is not a whole number reads as none)."""
        votes = record.data.get("votes")
        if record.deleted or isinstance(votes, bool) or not isinstance(votes, int):
            self._form_votes.pop(record.id, None)
            self._form_voters.pop(record.id, None)
        else:
            self._form_votes[record.id] = max(votes, 0)
            voters = voter_tokens(record.data.get("voters"))
            if voters is None:
                self._form_voters.pop(record.id, None)
            else:
                self._form_voters[record.id] = voters
        self._touch(record.id)

    def _set_answer(self, record: Record) -> None:
        old = self._answers.pop(record.id, None)
        if old is not None:
            self._answers_of.get(old.question_key, {}).pop(record.id, None)
            if not self._answers_of.get(old.question_key):
                self._answers_of.pop(old.question_key, None)
            self._touch(old.question_key)
        new = answer_from_record(record)
        if new is not None:
            self._answers[record.id] = new
            self._answers_of.setdefault(new.question_key, {})[record.id] = new
            self._touch(new.question_key)

    # ------------------------------------------- the guards and revisions of the actions
    def _require(self, key: str) -> None:
        if not self._exists(key):
            raise KeyError(f"no question {key!r} on the board")

    def _check_moderator(self) -> None:
        if self.role != "facilitator":
            raise PermissionError("Only the facilitator moderates questions.")

    def _check_not_merged(self, key: str) -> None:
        self._require(key)
        into = self._mod_of(key).merged_into
        if into is not None:
            raise ValueError(f"This question is merged into {into}; unmerge it first.")

    def _mod_of(self, key: str) -> Moderation:
        self._require(key)
        return self._mod.get(key) or UNDECIDED

    def _revise(self, key: str, *, keep_hash: bool = False, **changes: Any) -> Record:
        """Write the next revision of ``key``'s decision (the facilitator has seen it now)."""
        mod = self._mod_of(key)
        if not keep_hash:
            changes["text_hash"] = text_hash(self._current_text(key))
        changes.setdefault("seen", True)
        return self._write(key, replace(mod, **changes))

    def _write(self, key: str, mod: Moderation) -> Record:
        have = self._records.get(("moderation", key))
        data = mod.to_data()
        stamp = self._stamp()
        if have is None:
            record = Record("moderation", key, self.author, 1, stamp, False, data)
        else:
            record = have.revised(self.author, data, updated_at=stamp)
        self._apply(record)
        return record

    def _stamp(self) -> str:
        return self._now().astimezone(UTC).isoformat(timespec="microseconds")
