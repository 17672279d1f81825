"""A series summary: every session of a recurring series, what came up, what is still open.

Sessions match when their agenda's ``series`` (or, failing that, the session title) equals
the name asked for, ignoring case. Rehearsals are left out, and so are sessions never
started: they were not held. Sessions come oldest first by when they started (not by when
they were created: a session can be prepared days ahead). Each session is read with the same
builder as a single report (askers' names always left out), then boiled down.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from console.agenda.model import Agenda
from console.report.build import build_report, find_agenda
from console.report.ledger import (
    ACTION,
    QUESTION,
    TREND_WORDS,
    Ledger,
    LedgerItem,
    Links,
    Step,
    build_ledger,
    day_words,
    read_links,
)
from console.report.model import SCHEMA_VERSION, NoteRow, QuestionRow, ReportData
from console.report.render_html import h, page, table
from console.report.render_markdown import md_cell, md_text
from console.store import SessionFolder, SessionInfo, StoreError, list_sessions

LEFT_OUT = "rehearsals and sessions never started are left out"


@dataclass(frozen=True, slots=True)
class SeriesData:
    name: str
    generated_at: str
    reports: tuple[ReportData, ...]
    """Oldest first, by when each session started."""
    warnings: tuple[str, ...]
    ledger: Ledger = field(default_factory=lambda: build_ledger(()))
    """Open commitments across the sessions, and the themes session by session."""

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "series": self.name,
            "generated_at": self.generated_at,
            "sessions": [_session_json(r) for r in self.reports],
            "ledger": self.ledger.to_json(),
            "warnings": list(self.warnings),
        }


def _themes(r: ReportData) -> dict[str, int]:
    """Concerns plus questions per theme label (dismissed questions left out)."""
    counts = {g.label: len(g.concerns) for g in r.themes}
    for q in r.questions:
        if q.merged_into is None and q.status != "dismissed":
            for label in q.themes:
                counts[label] = counts.get(label, 0) + 1
    return {label: n for label, n in counts.items() if n}


def _q(q: QuestionRow) -> dict[str, Any]:
    return {
        "key": q.key,
        "text": q.text,
        "status": q.status,
        "votes": q.votes,
        "themes": list(q.themes),
    }


def _a(n: NoteRow) -> dict[str, Any]:
    return {"id": n.id, "text": n.text, "owner": n.owner, "due": n.due, "author": n.author}


def _session_json(r: ReportData) -> dict[str, Any]:
    """Open items raised in this session only: a carried one is listed where it was raised."""
    return {
        "id": r.session_id,
        "title": r.title,
        "date": r.date,
        "counts": dict(r.counts),
        "themes": _themes(r),
        "open_questions": [_q(q) for q in r.follow_up if not q.carried_over],
        "open_actions": [_a(n) for n in r.open_actions if not n.carried_over],
    }


def series_name(agenda: Agenda | None, info: SessionInfo) -> str:
    """The series a session belongs to: its agenda's ``series``, else its title."""
    return (agenda.series if agenda else None) or info.title


def build_series(
    root: Path, name: str, now: datetime, *, also: str | None = None, agenda: Agenda | None = None
) -> SeriesData:
    """Summarise the series ``name`` under the data directory ``root``.

    ``also`` is a session id taken in though it has not started yet (the one a console has
    open, which is being held now); a rehearsal never is. ``agenda`` is one already loaded
    (the console's, which may be a file a session names only by its stem).
    """
    wanted = name.casefold().strip()
    agendas: dict[str, Agenda | None] = {agenda.name: agenda} if agenda else {}
    reports: list[ReportData] = []
    linked: list[tuple[ReportData, Links]] = []
    warnings: list[str] = []
    held = [
        i
        for i in list_sessions(root)
        if (i.started_at is not None or i.id == also) and not i.rehearsal
    ]
    for info in sorted(held, key=lambda i: (i.started_at or now, i.id)):
        if info.agenda not in agendas:
            agendas[info.agenda] = find_agenda(info.agenda)[0]
        held_with = agendas[info.agenda]
        series = series_name(held_with, info)
        if series.casefold().strip() != wanted and info.title.casefold().strip() != wanted:
            continue
        try:
            folder = SessionFolder.open(info.path)
            records, _problems = folder.read_all()  # the report names any problem
        except StoreError as exc:
            warnings.append(f"skipped {info.id}: {exc}")
            continue
        # Dismissed questions too: a carried question dismissed later closes its item.
        report = build_report(folder, now=now, agenda=held_with, include_dismissed=True)
        reports.append(report)
        linked.append((report, read_links(records.values())))
    return SeriesData(
        name,
        now.isoformat(timespec="seconds"),
        tuple(reports),
        tuple(warnings),
        build_ledger(linked),
    )


def render_series_json(data: SeriesData) -> str:
    return json.dumps(data.to_json(), ensure_ascii=False, indent=2) + "\n"


KIND_WORDS = {QUESTION: "Question", ACTION: "Action item"}
STEP_WORDS = {
    "raised": "raised",
    "carried": "carried",
    "closed": "closed",
    "re-opened": "re-opened",
}
LEDGER_NOTE = "Each item is listed once, under the session that raised it."
THEMES_NOTE = (
    "Counted where raised: the questions first asked in each session (a carried question "
    "counts once) and the concerns noted, per theme. Trend: the newest session against the "
    "mean of the ones before."
)


def _ledger_counts(ledger: Ledger) -> str:
    shut = len(ledger.items) - len(ledger.open_items)
    return f"{len(ledger.open_items)} open, {shut} closed."


def _step_words(step: Step) -> tuple[str, str, str]:
    """The step as ("closed 21 Jan 2026 (answered)", note, author): user text kept apart."""
    words = f"{step.what} {day_words(step.date)}"
    return (f"{words} ({step.how})" if step.how else words), step.note, step.author


def _md_item(item: LedgerItem) -> list[str]:
    extra = ""
    if item.kind == ACTION:
        extra = f" *(owner: {md_text(item.owner or '–')}, due: {md_text(item.due or '–')})*"
    themes = f" *(themes: {md_text(', '.join(item.themes))})*" if item.themes else ""
    history = []
    for step in item.steps:
        words, note, author = _step_words(step)
        if author:
            words += f" by {md_text(author)}"
        history.append(words + (f": “{md_text(note)}”" if note else ""))
    return [
        f"- **{KIND_WORDS[item.kind]}:** {md_text(item.text)}{extra}{themes}. "
        f"**{md_text(item.age())}.**",
        f"  History: {'; '.join(history)}.",
    ]


def _md_ledger(data: SeriesData) -> list[str]:
    ledger = data.ledger
    out = ["## Open commitments", "", f"{_ledger_counts(ledger)} {LEDGER_NOTE}", ""]
    for r in data.reports:
        out += [f"### {r.date}: {md_text(r.title)}", ""]
        out += [line for item in ledger.raised_in(r.session_id) for line in _md_item(item)] or [
            "Nothing left open."
        ]
        out.append("")
    out += ["## Themes by session", ""]
    if not ledger.themes:
        return [*out, "No themes noted.", ""]
    heads = ["Theme", *(s.date for s in ledger.sessions), "Trend"]
    out += ["| " + " | ".join(heads) + " |", "|" + "|".join("---" for _ in heads) + "|"]
    for row in ledger.themes:
        cells = [md_cell(row.label), *map(str, row.counts), TREND_WORDS[row.trend]]
        out.append("| " + " | ".join(cells) + " |")
    return [*out, "", THEMES_NOTE, ""]


def render_series_markdown(data: SeriesData) -> str:
    out = [f"# Series summary: {md_text(data.name)}", ""]
    if not data.reports:
        out += [f"No sessions of this series ({LEFT_OUT}).", ""]
    out += [
        "| Date | Session | Questions | Answered | To follow up | Concerns | Open actions |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in data.reports:
        c = r.counts
        out.append(
            f"| {r.date} | {md_cell(r.title)} ({md_cell(r.session_id)}) | {c['questions']} | "
            f"{c['questions_answered']} | {c['questions_follow_up']} | {c['notes_concern']} | "
            f"{c['actions_open']} |"
        )
    out.append("")
    out += _md_ledger(data)
    out += [f"- {md_text(w)}" for w in data.warnings]
    out.append(f"*Generated {md_text(data.generated_at)}.*")
    return "\n".join(out) + "\n"


def _html_item(item: LedgerItem) -> str:
    extra = ""
    if item.kind == ACTION:
        extra = f" (owner: {h(item.owner or '–')}, due: {h(item.due or '–')})"
    themes = f' <span class="tags">{h(", ".join(item.themes))}</span>' if item.themes else ""
    history = []
    for step in item.steps:
        words, note, author = _step_words(step)
        history.append(
            h(words) + (f" by {h(author)}" if author else "") + (f": “{h(note)}”" if note else "")
        )
    state = "open" if item.open else "closed"
    return (
        f'<li class="{state}"><strong>{h(KIND_WORDS[item.kind])}:</strong> {h(item.text)}'
        f"{extra}{themes}. <strong>{h(item.age())}.</strong>"
        f"<br>History: {'; '.join(history)}.</li>"
    )


def _html_ledger(data: SeriesData) -> list[str]:
    ledger = data.ledger
    body = [
        '<section aria-labelledby="ledger">',
        '<h2 id="ledger">Open commitments</h2>',
        f"<p>{h(_ledger_counts(ledger))} {h(LEDGER_NOTE)}</p>",
    ]
    for r in data.reports:
        body.append(f"<h3>{h(r.date)}: {h(r.title)}</h3>")
        items = [_html_item(i) for i in ledger.raised_in(r.session_id)]
        body += ["<ul>", *items, "</ul>"] if items else ["<p>Nothing left open.</p>"]
    body += ["</section>", '<section aria-labelledby="themes">']
    body.append('<h2 id="themes">Themes by session</h2>')
    if not ledger.themes:
        return [*body, "<p>No themes noted.</p>", "</section>"]
    heads = ["Theme", *(s.date for s in ledger.sessions), "Trend"]
    rows = [[h(t.label), *map(str, t.counts), h(TREND_WORDS[t.trend])] for t in ledger.themes]
    body += table("Themes by session, oldest first", heads, rows, set(range(1, len(heads) - 1)))
    return [*body, f"<p>{h(THEMES_NOTE)}</p>", "</section>"]


def render_series_html(data: SeriesData) -> str:
    body = ["<header>", f"<h1>Series summary: {h(data.name)}</h1>", "</header>", "<main>"]
    if not data.reports:
        body.append(f"<p>No sessions of this series ({LEFT_OUT}).</p>")
    else:
        body += table(
            "Sessions of the series, oldest first",
            [
                "Date",
                "Session",
                "Questions",
                "Answered",
                "To follow up",
                "Concerns",
                "Open actions",
            ],
            [
                [
                    h(r.date),
                    h(f"{r.title} ({r.session_id})"),
                    str(r.counts["questions"]),
                    str(r.counts["questions_answered"]),
                    str(r.counts["questions_follow_up"]),
                    str(r.counts["notes_concern"]),
                    str(r.counts["actions_open"]),
                ]
                for r in data.reports
            ],
            {2, 3, 4, 5, 6},
        )
    body += _html_ledger(data)
    if data.warnings:
        body += ["<ul>", *(f"<li>{h(w)}</li>" for w in data.warnings), "</ul>"]
    body += ["</main>", f"<footer><p>Generated {h(data.generated_at)}.</p></footer>"]
    return page(f"Series summary: {data.name}", body)
