"""WordprocessingML written as text, packed into a DOCX with python-docx's own template.

python-docx adds a table row in about a millisecond, far too slow for an appendix of 10,000
questions; here every paragraph and table is one escaped string, parsed once by lxml and put
into the template's body. All text goes through ``x`` (XML-escaped, characters XML cannot
hold dropped), sits in ``w:t`` elements (never a field, so nothing in it runs), and a table
cell that a spreadsheet would take for a formula gets a leading apostrophe, as in the CSV.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from io import BytesIO

import docx
from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml

TEXT_WIDTH = 8640
"""Twips between the template's margins (US Letter, 1.25 inches each side)."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def x(text: object) -> str:
    """Text made safe inside an element or an attribute value."""
    value = "" if text is None else (text if type(text) is str else str(text))
    if value.isascii() and value.isprintable():
        return value.translate(_ESCAPES)
    return _NOT_XML.sub("", value).translate(_ESCAPES)


def run(text: str, *, bold: bool = False, italic: bool = False, mono: bool = False) -> str:
    """One run; newlines become line breaks."""
    if not text:
        return ""
    props = ""
    if bold or italic or mono:
        props = (
            "<w:rPr>"
            + ('<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas" w:cs="Consolas"/>' if mono else "")
            + ("<w:b/>" if bold else "")
            + ("<w:i/>" if italic else "")
            + "</w:rPr>"
        )
    if "\n" not in text:
        return f'<w:r>{props}<w:t xml:space="preserve">{x(text)}</w:t></w:r>'
    lines = text.split("\n")
    parts = "<w:br/>".join(f'<w:t xml:space="preserve">{x(line)}</w:t>' for line in lines)
    return f"<w:r>{props}{parts}</w:r>"


def para(runs: str, style: str | None = None, extra_props: str = "") -> str:
    """A paragraph of already built runs, in a style of the template (by its id)."""
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + extra_props
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def text_para(text: str, style: str | None = None) -> str:
    return para(run(text), style)


def heading(text: str, level: int) -> str:
    return para(run(text), f"Heading{max(1, min(level, 6))}")


def bullet(runs: str, level: int = 1) -> str:
    return para(runs, "ListBullet" if level <= 1 else f"ListBullet{min(level, 3)}")


def cell_text(value: str) -> str:
    """A table cell's text, neutralised when a spreadsheet would run it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def table(
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    weights: Sequence[int] | None = None,
) -> str:
    """A captioned table with a repeated header row; ``rows`` are plain text cells."""
    weights = weights or [1] * len(headers)
    total = sum(weights)
    widths = [TEXT_WIDTH * w // total for w in weights]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    cell_open = [f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p>' for w in widths]
    head = "".join(f"{cell_open[i]}{run(h, bold=True)}</w:p></w:tc>" for i, h in enumerate(headers))
    body = [
        "<w:tr>"
        + "".join(
            f"{cell_open[i]}{run(cell_text(value))}</w:p></w:tc>" for i, value in enumerate(row)
        )
        + "</w:tr>"
        for row in rows
    ]
    return (
        para(run(caption), "Caption")
        + '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>'
        + f'<w:tblCaption w:val="{x(caption)}"/>'
        + '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        + 'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        + f"<w:tblGrid>{grid}</w:tblGrid>"
        + f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>"
        + "".join(body)
        + "</w:tbl>"
    )


def stamp_of(iso: str) -> datetime:
    """The document's date from the report's ISO time (the epoch if it does not read)."""
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)


def document(
    body: Sequence[str], *, title: str, subject: str, author: str, when: datetime
) -> bytes:
    """The DOCX file: the template's styles and page, ``body`` as its content, and document
    properties that say only what is given (the template's "python-docx" author goes)."""
    doc = docx.Document()
    part = doc.part
    template = serialize_part_xml(part.element)
    at = template.index(b"<w:body>") + len(b"<w:body>")  # before the template's page settings
    # The whole document.xml parsed once and put in place: moving 15,000 paragraphs into the
    # template's tree (lxml re-homes every node) took seconds, one by one a minute.
    part._element = parse_xml(template[:at] + "".join(body).encode("utf-8") + template[at:])
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.language = "en-US"
    stamp = when.astimezone(UTC) if when.tzinfo else when  # the file keeps UTC, marked Z
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
