"""A series summary: every session of a recurring series, what came up, what is still open.

Sessions match when their agenda's ``series`` (or, failing that, the session title) equals
the name asked for, ignoring case. Rehearsals are left out, and so are sessions never
started: they were not held. Sessions come oldest first by when they started (not by when
they were created: a session can be prepared days ahead). Each session is read with the same
builder as a single report (askers' names always left out), then boiled down.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from console.agenda.model import Agenda
from console.report.build import build_report, find_agenda
from console.report.model import SCHEMA_VERSION, NoteRow, QuestionRow, ReportData
from console.report.render_html import h, page, table
from console.report.render_markdown import md_cell, md_text
from console.report.words import plural, status_word
from console.store import SessionFolder, StoreError, list_sessions

LEFT_OUT = "rehearsals and sessions never started are left out"


@dataclass(frozen=True, slots=True)
class SeriesData:
    name: str
    generated_at: str
    reports: tuple[ReportData, ...]
    """Oldest first, by when each session started."""
    warnings: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "series": self.name,
            "generated_at": self.generated_at,
            "sessions": [_session_json(r) for r in self.reports],
            "warnings": list(self.warnings),
        }


def _themes(r: ReportData) -> dict[str, int]:
    """Concerns plus questions per theme label."""
    return {g.label: len(g.concerns) + g.questions for g in r.themes}


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
    return {
        "id": r.session_id,
        "title": r.title,
        "date": r.date,
        "counts": dict(r.counts),
        "themes": _themes(r),
        "open_questions": [_q(q) for q in r.follow_up],
        "open_actions": [_a(n) for n in r.open_actions],
    }


def build_series(root: Path, name: str, now: datetime) -> SeriesData:
    """Summarise the series ``name`` under the data directory ``root``."""
    wanted = name.casefold().strip()
    agendas: dict[str, Agenda | None] = {}
    reports: list[ReportData] = []
    warnings: list[str] = []
    held = [i for i in list_sessions(root) if i.started_at is not None and not i.rehearsal]
    for info in sorted(held, key=lambda i: (i.started_at, i.id)):
        if info.agenda not in agendas:
            agendas[info.agenda] = find_agenda(info.agenda)[0]
        agenda = agendas[info.agenda]
        series = (agenda.series if agenda else None) or info.title
        if series.casefold().strip() != wanted and info.title.casefold().strip() != wanted:
            continue
        try:
            folder = SessionFolder.open(info.path)
        except StoreError as exc:
            warnings.append(f"skipped {info.id}: {exc}")
            continue
        reports.append(build_report(folder, now=now, agenda=agenda))
    return SeriesData(name, now.isoformat(timespec="seconds"), tuple(reports), tuple(warnings))


def render_series_json(data: SeriesData) -> str:
    return json.dumps(data.to_json(), ensure_ascii=False, indent=2) + "\n"


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
    for r in data.reports:
        out += [f"## {r.date}: {md_text(r.title)}", ""]
        themes = _themes(r)
        out.append(
            "**Themes:** "
            + (", ".join(f"{md_text(k)} ({v})" for k, v in themes.items()) or "none noted")
        )
        out += ["", f"### Questions still open ({len(r.follow_up)})", ""]
        out += [
            f"- {md_text(q.text)} *({status_word(q.status)}, {plural(q.votes, 'vote')})*"
            for q in r.follow_up
        ] or ["None."]
        out += ["", f"### Action items still open ({len(r.open_actions)})", ""]
        out += [
            f"- {md_text(n.text)} *(owner: {md_text(n.owner or '–')}, due: {n.due or '–'})*"
            for n in r.open_actions
        ] or ["None."]
        out.append("")
    out += [f"- {md_text(w)}" for w in data.warnings]
    out.append(f"*Generated {md_text(data.generated_at)}.*")
    return "\n".join(out) + "\n"


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
    for r in data.reports:
        body += [f'<section aria-label="{h(r.date)}">', f"<h2>{h(r.date)}: {h(r.title)}</h2>"]
        themes = _themes(r)
        body.append(
            "<p><strong>Themes:</strong> "
            + (h(", ".join(f"{k} ({v})" for k, v in themes.items())) or "none noted")
            + "</p>"
        )
        body.append(f"<h3>Questions still open ({len(r.follow_up)})</h3>")
        items = [f"<li>{h(q.text)} ({h(status_word(q.status))})</li>" for q in r.follow_up]
        body += ["<ul>", *items, "</ul>"] if items else ["<p>None.</p>"]
        body.append(f"<h3>Action items still open ({len(r.open_actions)})</h3>")
        acts = [
            f"<li>{h(n.text)} (owner: {h(n.owner or '–')}, due: {h(n.due or '–')})</li>"
            for n in r.open_actions
        ]
        body += ["<ul>", *acts, "</ul>"] if acts else ["<p>None.</p>"]
        body.append("</section>")
    body += ["</main>", f"<footer><p>Generated {h(data.generated_at)}.</p></footer>"]
    return page(f"Series summary: {data.name}", body)
