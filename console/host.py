"""What screens and widgets may ask of the App: the ``Host`` protocol, and ``host_of``.

Screens and widgets never import the App: ``console.app`` imports them (that would be a
circle), and a view that knows its App's class cannot be read, reused or tested apart. A
view asks for its host instead::

    session = host_of(self).session

and gets the running App typed as ``Host``: what is listed here and nothing else. Textual's
own API on the App (``push_screen``, ``notify``, ``bell``, ``call_from_thread``...) stays
on ``self.app``.

Why a runtime-checkable Protocol behind one function, rather than a ``cast``, a typed
``self.app`` or a base class for every view:

- both ends are checked by mypy: each use in a view against this protocol, and
  ``console.app`` assigns ``FacilitatorApp`` to a ``type[Host]`` so a member missing from
  the App (or typed differently) fails type checking there, not at run time in a handler;
- ``isinstance`` narrows ``self.app`` without a ``cast`` or a ``type: ignore``, and a view
  mounted in an App that is not a host fails at once, saying so, instead of with an
  ``AttributeError`` (or a ``getattr`` probe that hides the mistake) deep in a handler;
- it works the same for every kind of view (``Screen``, ``ModalScreen``, ``Vertical``,
  ``Static``...), where a base class would need one variant per Textual base;
- it is cheap: ``isinstance`` against a protocol costs some 30 µs on Python 3.11, too much
  for a property read in a loop over 10,000 questions, so ``host_of`` checks each App once
  and remembers the answer (weakly: a finished App is not kept alive).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.worker import Worker

    from console.session.feed_service import FeedService
    from console.session.live import LiveSession
    from console.store import Record


class FormView(Protocol):
    """What a view reads of the built-in question form (``console_form.ConsoleForm`` has it)."""

    @property
    def open(self) -> bool:
        """Whether participants can send questions now."""
        ...

    @property
    def closed_reason(self) -> str | None:
        """Why it is closed (``ended``, ``closed``), None when open."""
        ...

    @property
    def outlives_console(self) -> bool:
        """Whether it keeps serving after the console exits (a process of its own)."""
        ...


@runtime_checkable
class Host(Protocol):
    """What screens and widgets need from the App (``FacilitatorApp`` implements it)."""

    @property
    def session(self) -> LiveSession:
        """The open session: agenda, run-of-show clock, board, notebook."""
        ...

    @property
    def now(self) -> Callable[[], datetime]:
        """The injected wall clock (a frozen one in tests and snapshots)."""
        ...

    @property
    def last_saved_at(self) -> datetime | None:
        """When this console's last write reached the disk (None: not yet)."""
        ...

    @property
    def defer_panels(self) -> bool:
        """Mount the board and notes panels after the first frame (off in tests)."""
        ...

    @property
    def form(self) -> FormView | None:
        """The built-in question form, once it serves (None otherwise)."""
        ...

    @property
    def form_url(self) -> str:
        """The built-in form's address, once it serves ("" otherwise)."""
        ...

    def feed_service(self) -> FeedService:
        """The question feeds: sources, pollers, feed cache (``r`` and ``A`` go through it).
        A method, made on first use: a property would be called by the ``isinstance`` check
        (Python 3.11) and load httpx before the first frame."""
        ...

    async def persist(self, records: Sequence[Record] | Record) -> bool:
        """Write records through this console's writer; True once they are on disk."""
        ...

    async def settle(self) -> None:
        """Wait until every short-lived worker (saves, exports) has finished."""
        ...

    def save_clock(self, record: Record) -> Worker[None]:
        """Save a clock record, then the session facts it implies (started, finished)."""
        ...

    async def close_form(self, reason: str = ...) -> bool:
        """Stop the form taking questions (the session ended); False when not saved."""
        ...

    async def set_form_open(self, open: bool) -> None:
        """Close the form for now or reopen it, and say how it stands."""
        ...

    def copy_text(self, text: str, what: str = ...) -> Worker[None]:
        """Copy to the clipboard (desktop and OSC 52) and say which worked."""
        ...

    def shown_keys(self, action_id: str) -> str:
        """The keys that run an action of ``console.actions`` as the footer writes them, as
        remapped in ``config.toml`` ("" for one with no key)."""
        ...

    def key_names(self, action_id: str) -> str:
        """The same keys as a sentence names them, as ``config.toml`` spells them
        (``ctrl+e``, ``n or right``)."""
        ...

    def follow_session(self, view: MessagePump) -> None:
        """Post ``SessionChanged`` to ``view`` whenever the session may have moved, for as
        long as it is mounted (call it from ``on_mount``)."""
        ...

    def participant_sync_lines(self) -> list[str]:
        """How the pushes of the board's decisions to the question form stand, one line per
        form (none on a console that pushes nothing); for the board's status area."""
        ...

    def session_changed(self) -> None:
        """Tell every following view that the session may have moved (after a change made
        here, in memory, that views elsewhere show)."""
        ...


_hosts: weakref.WeakValueDictionary[int, Host] = weakref.WeakValueDictionary()
"""Apps already checked, by id (an entry dies with its App, so an id is never stale)."""


def host_of(node: MessagePump) -> Host:
    """The App that runs ``node``, as the ``Host`` it must be (TypeError otherwise)."""
    app = node.app
    known = _hosts.get(id(app))
    if known is not None:
        return known
    if not isinstance(app, Host):
        raise TypeError(f"{type(node).__name__} needs an App that implements console.host.Host")
    _hosts[id(app)] = app
    return app


__all__ = ["FormView", "Host", "host_of"]
