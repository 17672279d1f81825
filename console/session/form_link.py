"""The participants' link made before the session, saved so the console on the day uses it.

``facilitator form link --agenda NAME`` makes the link that goes into the invitation, days
before any console runs. A link held by participants must still work on the day, after a
console restart, and for the next session of a series, so the choice is made once and kept:

- **hosted** (``--public-url``): the address of a long-running ``form serve`` behind a TLS
  proxy. The link is that URL; the port, when given, is the local form's port behind it.
- **local**: the console's own form. Its port is chosen once (the first free one from 8765,
  or ``--port``) and kept; the link is ``http://<this computer's address>:<port>/``.

Where it is kept: one small JSON file per agenda or per series in the data folder,
``<data dir>/links/agenda-<name>.json`` or ``<data dir>/links/series-<name>.json``, written
atomically (``console.store.atomic_write_bytes``). A per-series link serves every agenda of
that series; an agenda's own link wins over its series' one. The file holds no secret (the
read token stays in the form's folder or the environment). ``planned_link`` is what
``facilitator run`` reads.
"""

from __future__ import annotations

import contextlib
import errno
import json
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from console.store import atomic_write_bytes, author_slug

LINKS_DIR = "links"
SCHEMA = 1
AGENDA, SERIES = "agenda", "series"
SCOPES = (AGENDA, SERIES)
DEFAULT_PORT = 8765
PORT_SPAN = 20


class LinkError(Exception):
    """A link that cannot be made or read; the message is meant for the user."""


class AgendaLike(Protocol):
    """What a link needs of an agenda (``console.agenda.model.Agenda`` fits)."""

    @property
    def name(self) -> str: ...

    @property
    def series(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class PlannedLink:
    """The link participants were given, and how the form must run for it to keep working."""

    url: str
    """What participants open (the invitation's link)."""
    scope: str
    """``agenda`` or ``series``: whom the link serves."""
    name: str
    """The agenda's name (its file's stem) or the series' name."""
    port: int | None
    """The local form's port (None: no local form, a hosted one only)."""
    public_url: str | None
    """The hosted form's address (None: the console's local form)."""
    created_at: datetime
    path: Path
    """The file it is kept in."""

    @property
    def hosted(self) -> bool:
        return self.public_url is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "scope": self.scope,
            "name": self.name,
            "url": self.url,
            "port": self.port,
            "public_url": self.public_url,
            "created_at": self.created_at.isoformat(timespec="seconds"),
        }

    @classmethod
    def from_json(cls, raw: object, path: Path) -> PlannedLink:
        """Parse a saved link; ``LinkError`` naming the file when it is not one."""
        if not isinstance(raw, dict):
            raise LinkError(f"{path} is not a saved link (not a JSON object); it was left as is")
        if raw.get("schema") != SCHEMA:
            raise LinkError(
                f"{path} has schema {raw.get('schema')!r}, this version reads {SCHEMA}; "
                "it was left as is"
            )
        url, scope, name = raw.get("url"), raw.get("scope"), raw.get("name")
        port, public = raw.get("port"), raw.get("public_url")
        try:
            created = datetime.fromisoformat(str(raw.get("created_at")))
        except ValueError:
            created = None
        if (
            not isinstance(url, str)
            or scope not in SCOPES
            or not isinstance(name, str)
            or not (port is None or (isinstance(port, int) and 0 < port < 65536))
            or not (public is None or isinstance(public, str))
            or created is None
        ):
            raise LinkError(f"{path} has a field of the wrong type; it was left as is")
        return cls(url, str(scope), name, port, public, created, path)


def links_dir(root: Path) -> Path:
    """Where saved links live under the data directory ``root``."""
    return root / LINKS_DIR


def link_path(root: Path, scope: str, name: str) -> Path:
    """``<root>/links/agenda-<slug>.json`` or ``series-<slug>.json``."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    return links_dir(root) / f"{scope}-{author_slug(name)}.json"


def load_link(path: Path) -> PlannedLink | None:
    """The link kept in ``path``; None when there is none, ``LinkError`` when unreadable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LinkError(f"{path} cannot be read ({exc}); it was left as is") from None
    return PlannedLink.from_json(raw, path)


def planned_link(agenda: AgendaLike, root: Path) -> PlannedLink | None:
    """The link made before the session for ``agenda``: its own, else its series', else None.

    Raises ``LinkError`` (with a message fit to show) when a saved file cannot be read: the
    console must say so rather than quietly pick another link.
    """
    own = load_link(link_path(root, AGENDA, agenda.name))
    if own is not None:
        return own
    if agenda.series:
        return load_link(link_path(root, SERIES, agenda.series))
    return None


def save_link(link: PlannedLink) -> None:
    """Write ``link`` to its file atomically (the folder is made if needed)."""
    link.path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(link.to_json(), indent=2, ensure_ascii=False) + "\n"
    atomic_write_bytes(link.path, payload.encode("utf-8"), mode=0o644)


# -- choosing --------------------------------------------------------------------------------


def port_is_free(port: int, host: str = "0.0.0.0") -> bool:  # noqa: S104 - a probe, closed at once
    """Whether a server could listen on ``port`` now (all interfaces, as a LAN form would)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def choose_port(start: int = DEFAULT_PORT, span: int = PORT_SPAN) -> int:
    """The first free port from ``start`` (as the form itself would pick); ``LinkError`` if none."""
    for port in range(start, start + span):
        if port_is_free(port):
            return port
    raise LinkError(f"ports {start}-{start + span - 1} are all in use; choose one with --port")


def this_computer() -> str:
    """This computer's address on its default route (a UDP connect sends no packet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe, contextlib.suppress(OSError):
        probe.connect(("192.0.2.1", 9))
        return str(probe.getsockname()[0])
    return "127.0.0.1"


def local_url(port: int, host: str | None = None) -> str:
    shown = host or this_computer()
    return f"http://{shown}:{port}/"


def check_public_url(url: str) -> str:
    """The public URL with one trailing slash; ``LinkError`` when it is not http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise LinkError("--public-url must look like https://forms.example.org/")
    return url.rstrip("/") + "/"


@dataclass(frozen=True, slots=True)
class LinkChoice:
    """What ``make_link`` did: the link, and whether it was new, kept or replaced."""

    link: PlannedLink
    status: str
    """``new``, ``kept`` (the saved one, unchanged) or ``replaced``."""
    previous: PlannedLink | None = None
    shadowed_by: PlannedLink | None = None
    """An agenda's own link that wins over the series link just made."""


def make_link(
    agenda: AgendaLike,
    root: Path,
    *,
    public_url: str | None = None,
    port: int | None = None,
    series: bool = False,
    replace: bool = False,
    now: datetime | None = None,
    host: str | None = None,
) -> LinkChoice:
    """Make (or show again) the link for ``agenda`` or its series, and keep it.

    A saved link is kept as it is unless ``public_url`` or ``port`` ask for another one; a
    different one replaces it only with ``replace`` (invitations may already carry it).
    Raises ``LinkError`` with a message fit to show.
    """
    if series and not agenda.series:
        raise LinkError(
            f'agenda {agenda.name!r} names no series: add series = "…" under [session], '
            "or leave out --series to make a link for this agenda alone"
        )
    if port is not None and not 0 < port < 65536:
        raise LinkError("--port must be between 1 and 65535 (the link keeps it)")
    wanted_public = check_public_url(public_url) if public_url else None
    scope, name = (SERIES, str(agenda.series)) if series else (AGENDA, agenda.name)
    path = link_path(root, scope, name)
    saved = load_link(path)
    moment = now or datetime.now(UTC)
    shadow = load_link(link_path(root, AGENDA, agenda.name)) if series else None
    if saved is not None and _same_request(saved, wanted_public, port):
        return LinkChoice(saved, "kept", shadowed_by=shadow)
    if saved is not None and not replace:
        raise LinkError(
            f"a link for {scope} {name!r} was already made on "
            f"{saved.created_at:%Y-%m-%d}: {saved.url}\nInvitations may carry it. To change it, "
            "run again with --replace (participants holding the old link will not reach the "
            "new form)."
        )
    if wanted_public:
        chosen_port, url = port, wanted_public
    else:
        chosen_port = port if port is not None else choose_port()
        url = local_url(chosen_port, host)
    link = PlannedLink(url, scope, name, chosen_port, wanted_public, moment, path)
    save_link(link)
    return LinkChoice(link, "replaced" if saved else "new", saved, shadow)


def _same_request(saved: PlannedLink, public_url: str | None, port: int | None) -> bool:
    """Whether asking again with these options means the saved link (nothing asked: yes)."""
    if public_url is None and port is None:
        return True
    if public_url is not None and public_url != saved.public_url:
        return False
    if public_url is None and saved.public_url is not None:
        return False  # a local port asked where a hosted link was kept
    return port is None or port == saved.port
