"""A notepad's Markdown shown as formatting (lists, emphasis, quotes) in HTML and DOCX.

Note-takers write Markdown in the notepad, so a list should read as a list. The text is still
outside text (pasted from anywhere), so markdown-it-py parses it with raw HTML off (a tag
shows as text), no images (nothing loads), and links kept only for ``http``, ``https`` and
``mailto``, always followed by the address they lead to, so a link cannot pretend to go
elsewhere; any other link is plain text with its address. Headings start below the report's
own (level 4), so a note cannot break the page's outline. DOCX gets no hyperlinks at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from console.report.docx_xml import para, run, table

HEADING_OFFSET = 3
SAFE_SCHEMES = ("http://", "https://", "mailto:")
RULE = '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'


@cache
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"]).disable(["image"])
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    return md


def _level(token: Token) -> int:
    return min(int(token.tag[1:]) + HEADING_OFFSET, 6)


def _heading_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"<h{_level(tokens[idx])}>"


def _heading_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"</h{_level(tokens[idx])}>\n"


def _href(token: Token) -> str:
    value = token.attrGet("href")
    return value if isinstance(value, str) else ""


def _safe(href: str) -> bool:
    return href.lower().startswith(SAFE_SCHEMES)


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    href = _href(tokens[idx])
    if not _safe(href):
        return ""
    return f'<a href="{escape(href, quote=True)}" rel="nofollow noopener noreferrer">'


def _opening(tokens: Sequence[Token], idx: int) -> tuple[Token, str]:
    """The ``link_open`` a ``link_close`` ends, and the text between them."""
    depth, texts = 0, list[str]()
    for j in range(idx - 1, -1, -1):
        token = tokens[j]
        if token.type == "link_close":
            depth += 1
        elif token.type == "link_open":
            if depth == 0:
                return token, "".join(reversed(texts))
            depth -= 1
        elif token.type in ("text", "code_inline"):
            texts.append(token.content)
    return tokens[idx], ""


def _shown_address(href: str, label: str) -> str:
    """The address, unless the link's own text already is it."""
    bare = href.removeprefix("mailto:")
    return "" if label.strip() in (href, bare) else f" ({href})"


def _link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    opening, label = _opening(tokens, idx)
    href = _href(opening)
    address = escape(_shown_address(href, label), quote=True)
    return ("</a>" + address) if _safe(href) else address


def notes_html(text: str) -> Markup:
    """The notepad as HTML (every piece of text escaped by markdown-it's renderer)."""
    return Markup(parser().render(text))  # noqa: S704 - escaped by the renderer, raw HTML off


# -- DOCX --------------------------------------------------------------------------------


def _runs(children: Sequence[Token]) -> str:
    out: list[str] = []
    bold = italic = strike = False
    links: list[tuple[str, list[str]]] = []
    for child in children:
        kind = child.type
        if kind == "text":
            out.append(run(child.content, bold=bold, italic=italic or strike))
            if links:
                links[-1][1].append(child.content)
        elif kind == "code_inline":
            out.append(run(child.content, mono=True))
            if links:
                links[-1][1].append(child.content)
        elif kind in ("softbreak",):
            out.append(run(" "))
        elif kind == "hardbreak":
            out.append("<w:r><w:br/></w:r>")
        elif kind in ("strong_open", "strong_close"):
            bold = kind == "strong_open"
        elif kind in ("em_open", "em_close"):
            italic = kind == "em_open"
        elif kind in ("s_open", "s_close"):
            strike = kind == "s_open"
        elif kind == "link_open":
            links.append((_href(child), []))
        elif kind == "link_close" and links:
            href, label = links.pop()
            out.append(run(_shown_address(href, "".join(label))))
    return "".join(out)


def _table(tokens: Sequence[Token], start: int) -> tuple[str, int]:
    rows: list[list[str]] = []
    i = start
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(token.content)
        i += 1
    if not rows:
        return "", i
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return table("Table from the notes", rows[0], rows[1:]), i


def notes_docx(text: str) -> str:
    """The notepad as WordprocessingML paragraphs (text only: no links, fields or images)."""
    tokens = parser().parse(text)
    out: list[str] = []
    lists: list[str] = []  # "bullet" or "ordered", innermost last
    prefix = ""
    quoted = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append("bullet" if kind == "bullet_list_open" else "ordered")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            prefix = f"{token.info}{token.markup} " if lists and lists[-1] == "ordered" else ""
        elif kind == "blockquote_open":
            quoted += 1
        elif kind == "blockquote_close":
            quoted -= 1
        elif kind == "heading_open":
            out.append(para(_runs(tokens[i + 1].children or []), f"Heading{_level(token)}"))
            i += 2
        elif kind == "inline":
            runs = run(prefix) + _runs(token.children or [])
            prefix = ""
            if lists:
                level = len(lists)
                style = "ListBullet" if level == 1 else f"ListBullet{min(level, 3)}"
                out.append(para(runs, style if lists[-1] == "bullet" else "List"))
            else:
                out.append(para(runs, "Quote" if quoted else None))
        elif kind in ("code_block", "fence"):
            out.append(para(run(token.content.rstrip("\n"), mono=True), "NoSpacing"))
        elif kind == "hr":
            out.append(para("", None, RULE))
        elif kind == "table_open":
            built, i = _table(tokens, i)
            out.append(built)
        i += 1
    return "".join(out)
