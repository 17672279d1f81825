"""The FAQ (``console.report.faq``) as Markdown, as a static HTML answers page, and as DOCX.

The HTML page is what staff put on the agency's site: one self-contained file from the
report's autoescaping templates (``templates/faq.html``), no scripts, nothing loaded from
elsewhere, the same stylesheet and Content-Security-Policy as the report, and only links
within the page (its list of topics). It is checked for WCAG 2.1 AA with axe-core.
"""

from __future__ import annotations

from console.report.docx_xml import document, heading, para, run, stamp_of, text_para
from console.report.faq import FaqData, FaqEntry
from console.report.render_html import environment
from console.report.render_markdown import md_text
from console.report.words import plural

FOLLOWED_UP = "Answered after the session."
NOT_WRITTEN = "Answered during the session; no written answer was published."
NONE_YET = "No questions have a published answer yet."


def _subtitle(faq: FaqData) -> str:
    where = f", {faq.host}" if faq.host else ""
    series = f" ({faq.series})" if faq.series else ""
    return f"{faq.date}{where}{series}"


def render_faq_html(faq: FaqData) -> str:
    page = environment().get_template("faq.html")
    return page.render(faq=faq, page_title=f"Questions and answers: {faq.title}") + "\n"


def _md_entry(entry: FaqEntry) -> list[str]:
    out = [f"### {md_text(' '.join(entry.question.split()))}", ""]
    if not entry.answers:
        out += [f"*{NOT_WRITTEN}*", ""]
    for answer in entry.answers:
        out += [md_text(p) + "\n" for p in answer.split("\n\n") if p.strip()]
    if entry.followed_up:
        out += [f"*{FOLLOWED_UP}*", ""]
    return out


def render_faq_markdown(faq: FaqData) -> str:
    out = [f"# Questions and answers: {md_text(faq.title)}", "", md_text(_subtitle(faq)), ""]
    if not faq.themes:
        out += [NONE_YET, ""]
    for theme in faq.themes:
        out += [
            f"## {md_text(theme.label)} ({plural(len(theme.entries), 'question')})",
            "",
        ]
        for entry in theme.entries:
            out += _md_entry(entry)
    out.append(f"*Written from the session's record on {md_text(faq.generated_at)}.*")
    return "\n".join(out) + "\n"


def render_faq_docx(faq: FaqData) -> bytes:
    body = [heading(f"Questions and answers: {faq.title}", 1), text_para(_subtitle(faq))]
    if not faq.themes:
        body.append(text_para(NONE_YET))
    for theme in faq.themes:
        body.append(heading(f"{theme.label} ({plural(len(theme.entries), 'question')})", 2))
        for entry in theme.entries:
            body.append(heading(entry.question, 3))
            if not entry.answers:
                body.append(para(run(NOT_WRITTEN, italic=True)))
            for answer in entry.answers:
                body += [text_para(p.strip("\n")) for p in answer.split("\n\n") if p.strip()]
            if entry.followed_up:
                body.append(para(run(FOLLOWED_UP, italic=True)))
    body.append(para(run(f"Written from the session's record on {faq.generated_at}.", italic=True)))
    return document(
        body,
        title=f"Questions and answers: {faq.title}",
        subject="Questions and answers",
        author="",
        when=stamp_of(faq.generated_at),
    )
