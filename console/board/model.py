"""The live question board: feed questions plus hand-typed ones, with the facilitator's decisions.

Inputs are the feed's ``FeedQuestion`` values (read-only; the form is never written) and
records: ``question`` records for questions typed in by hand, ``moderation`` records for
decisions. Every action returns new record revisions for the store to persist; nothing is
changed without a record saying so, which is what lets decisions survive restarts and
merge across consoles.

The board is indexed by question key so that a poll adding ten questions to ten thousand
touches ten entries: views (``Question``) are cached per key and rebuilt only when one of
their inputs changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from console.board.index import logged
from console.board.moderation import ANSWER_NOTE_LIMIT, ORIGINS, check_transition
from console.board.participants import ParticipantSide
from console.board.question import MANUAL, Question, question_key
from console.feeds.model import NAME_LIMIT, QUESTION_TEXT_LIMIT
from console.store import Record, new_id
from console.text.clean import clean_text

__all__ = ["MANUAL", "Board", "Question", "question_key"]


class Board(ParticipantSide):
    """The moderated question board of one session, for one console.

    Built with ``Board(author, now, role="facilitator"|"notes", themes=...,
    participant_list="screened"|"open", held_words=...)``; see ``BoardIndex`` for the inputs
    (``load``, ``apply``, ``update_feed``), ``BoardViews`` for the queries (``get``,
    ``questions``, ``counts``...), and ``ParticipantSide`` for publish, hide and participant
    answers.
    """

    # ---------------------------------------------------------------- actions
    @logged
    def queue(self, key: str) -> list[Record]:
        return self._transition(key, "queue")

    @logged
    def go_live(self, key: str, segment_id: str | None = None) -> list[Record]:
        """Put one question live; the one live before goes back to the queue, not to answered,
        so nothing is marked answered without the facilitator saying so."""
        self._check_moderator()
        self._check_not_merged(key)  # refuse before touching the one live now: all or nothing
        check_transition("go_live", self._mod_of(key).status)
        out = [
            self._revise(other, status="queued")
            for other in sorted(self._live)
            if other != key and self._exists(other)
        ]
        # Taken live: the participants see what is being answered (screened mode publishes
        # it; a question the facilitator hid stays hidden).
        publish = not self._mod_of(key).hidden
        out += self._transition(key, "go_live", live_segment_id=segment_id, published=publish)
        return out

    @logged
    def answer(self, key: str, note: str = "", segment_id: str | None = None) -> list[Record]:
        """Mark answered; without a segment, the one it was put live in is recorded."""
        clean = clean_text(note)
        if len(clean) > ANSWER_NOTE_LIMIT:
            raise ValueError(
                f"The answer note has {len(clean):,} characters; the limit is "
                f"{ANSWER_NOTE_LIMIT:,}. Shorten it or put the rest in a note."
            )
        mod = self._mod_of(key)
        seg = segment_id or mod.live_segment_id
        return self._transition(key, "answer", answer_note=clean, answered_segment_id=seg)

    @logged
    def defer(self, key: str) -> list[Record]:
        return self._transition(key, "defer")

    @logged
    def dismiss(self, key: str) -> list[Record]:
        mod = self._mod_of(key)
        return self._transition(key, "dismiss", before_dismissal=mod.status)

    @logged
    def restore(self, key: str) -> list[Record]:
        """Back to the status it had before dismissal (queued if another went live since)."""
        self._check_moderator()
        mod = self._mod_of(key)
        check_transition("restore", mod.status)
        target = mod.before_dismissal or "new"
        if target == "live" and any(k != key and self._exists(k) for k in self._live):
            target = "queued"
        return [self._revise(key, status=target, before_dismissal=None)]

    def star(self, key: str) -> list[Record]:
        self._check_moderator()
        return [self._revise(key, starred=not self._mod_of(key).starred)]

    def tag(self, key: str, theme_id: str) -> list[Record]:
        """Toggle one of the agenda's themes on a question."""
        self._check_moderator()
        theme = clean_text(theme_id, single_line=True)
        if not theme or (self._themes is not None and theme not in self._themes):
            raise ValueError(f"{theme_id!r} is not one of this agenda's themes.")
        themes = self._mod_of(key).themes
        new = tuple(t for t in themes if t != theme) if theme in themes else (*themes, theme)
        return [self._revise(key, themes=new)]

    def plus_one(self, key: str) -> list[Record]:
        """Count a question raised again aloud."""
        self._check_moderator()
        self._check_not_merged(key)
        return [self._revise(key, plus_ones=self._mod_of(key).plus_ones + 1)]

    @logged
    def merge(self, primary: str, duplicates: Sequence[str]) -> list[Record]:
        """File ``duplicates`` under ``primary``: their votes count for it, they leave the list.

        A duplicate that had duplicates of its own hands them to the new primary.
        """
        self._check_moderator()
        self._check_not_merged(primary)
        dups = [d for d in dict.fromkeys(duplicates) if d != primary]
        if not dups:
            raise ValueError("Choose at least one other question to merge into this one.")
        for dup in dups:
            self._require(dup)
            mod = self._mod_of(dup)
            if mod.merged_into is not None and mod.merged_into != primary:
                raise ValueError(
                    f"{dup} is already merged into {mod.merged_into}; unmerge it first."
                )
            if mod.status == "live" and dup in self._live:
                raise ValueError(f"{dup} is live; merge the others into it instead.")
        out: list[Record] = []
        for dup in dups:
            for child in sorted(self._dups.get(dup, ())):
                out.append(self._revise(child, merged_into=primary))
            if self._mod_of(dup).merged_into != primary:
                out.append(self._revise(dup, merged_into=primary))
        return out

    @logged
    def unmerge(self, key: str) -> list[Record]:
        """Take a duplicate out of its primary, or, given a primary, release all its duplicates."""
        self._check_moderator()
        self._require(key)
        if self._mod_of(key).merged_into is not None:
            return [self._revise(key, merged_into=None)]
        children = sorted(self._dups.get(key, ()))
        if not children:
            raise ValueError("This question is not merged with any other.")
        return [self._revise(child, merged_into=None) for child in children]

    def add_manual(
        self,
        text: str,
        origin: str,
        asker: str | None = None,
        segment_id: str | None = None,
        *,
        display_name: bool = False,
    ) -> tuple[str, list[Record]]:
        """A question heard aloud or read in the chat (any role may add one)."""
        body = clean_text(text)
        if not body:
            raise ValueError("Type the question's text first.")
        if len(body) > QUESTION_TEXT_LIMIT:
            raise ValueError(
                f"The question has {len(body):,} characters; the limit is "
                f"{QUESTION_TEXT_LIMIT:,}. Shorten it or put the detail in a note."
            )
        if origin not in ORIGINS:
            raise ValueError(f"origin must be one of {', '.join(ORIGINS)}, not {origin!r}")
        who = clean_text(asker, NAME_LIMIT, single_line=True) or None
        rid = new_id()
        stamp = self._stamp()
        data = {
            "text": body,
            "asker": who,
            "origin": origin,
            "segment_id": segment_id,
            "created_at": stamp,
            "display_name": display_name,
        }
        record = Record("question", rid, self.author, 1, stamp, False, data)
        self._apply(record)
        return question_key(MANUAL, rid), [record]

    def mark_seen(self, keys: Iterable[str]) -> list[Record]:
        """Mark questions as looked at, for the "new since you last looked" count.

        The facilitator's marks are records (they survive a restart); a note-taker's are kept
        in memory only, because moderation records are the facilitator's to write.
        """
        out: list[Record] = []
        changed = False
        for key in keys:
            if not self._exists(key) or self._is_seen(key, self._mod.get(key)):
                continue
            if self.role == "facilitator":
                out.append(self._revise(key, keep_hash=True, seen=True))
            else:
                self._local_seen.add(key)
                self._touch(key)
                changed = True
        if changed:
            self.version += 1
        return out

    def _transition(self, key: str, action: str, **changes: Any) -> list[Record]:
        self._check_moderator()
        self._check_not_merged(key)
        target = check_transition(action, self._mod_of(key).status)
        return [self._revise(key, status=target, **changes)]
