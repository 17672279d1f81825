"""Caption files (WebVTT from Zoom or Teams, SRT) read into timed cues with their speakers.

The maintained parsers (webvtt-py, srt) read the cues. Before them, a scan of the file's
blocks checks every timing line and remembers where each cue is, because the parsers skip a
cue they cannot read (or misread its times) and cannot say on which line: a caption file
that is damaged stops the export with ``file:line: what is wrong`` instead of quietly
losing part of what was said. The file itself is only ever read.

Speakers come from Teams' voice tags (``<v Dana Whitfield>``) or from Zoom's
``Dana Whitfield: text`` prefix (taken as a speaker only when most cues of the file have
one, so a question such as "Budget: why so low?" is not read as a person).
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from console.text.clean import clean_text

MAX_BYTES = 64 * 1024 * 1024
"""A three-hour recording's captions are well under a megabyte; more is not a caption file."""
CUE_TEXT_LIMIT = 4_000
SPEAKER_LIMIT = 80

_TIME = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:[ \t]+.*)?$")
_LABEL = re.compile(r"^([^\s:<>][^:<>]{0,79}?):\s+(\S.*)$", re.DOTALL)
_VOICE = re.compile(r"<v(?:\.[^\s>]+)*[ \t]+([^>]+)>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_NON_BLOCK = ("NOTE", "STYLE", "REGION")


class CaptionError(ValueError):
    """A caption file that cannot be read, with the file and the line to look at."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True, slots=True)
class Cue:
    """One caption: times from the recording's start, its words, who spoke them."""

    start: timedelta
    end: timedelta
    text: str
    """Cleaned, one line, tags removed, the speaker's label taken off."""
    speaker: str | None
    line: int
    """The line of its times in the file, for messages."""


@dataclass(frozen=True, slots=True)
class _Block:
    line: int
    """Line of the timing line."""
    start: timedelta
    end: timedelta


def read_captions(path: Path) -> list[Cue]:
    """The cues of a caption file, or ``CaptionError`` naming the file and line."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CaptionError(name, 1, f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise CaptionError(name, 1, f"larger than {MAX_BYTES >> 20} MB: not a caption file")
    return parse_captions(decode(data, name), name)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without a byte-order mark) or UTF-16 with one; lines as ``\\n``."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CaptionError(
            name,
            line,
            f"not {encoding.upper()} text (byte {data[exc.start]:#04x}); save it as UTF-8",
        ) from exc
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_captions(text: str, name: str) -> list[Cue]:
    """The cues of caption ``text`` (already decoded); ``name`` is for messages only."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise CaptionError(name, 1, "the file is empty: no captions")
    is_vtt = lines[first].startswith("WEBVTT")
    if not is_vtt and not any("-->" in line for line in lines[first : first + 2]):
        raise CaptionError(
            name,
            first + 1,
            "no cues with times found: not a WebVTT file (it starts with WEBVTT) nor an SRT "
            "file (a cue number, then times like 00:00:01,000 --> 00:00:04,000)",
        )
    blocks = _scan(lines, name, is_vtt)
    if not blocks:
        raise CaptionError(name, first + 1, "no cues with times found: not a WebVTT or SRT file")
    raw = _parse_vtt(text, name) if is_vtt else _parse_srt(text, name, blocks)
    if len(raw) != len(blocks):
        _first_mismatch(raw, blocks, name)
    return _with_speakers(raw, blocks)


def _scan(lines: list[str], name: str, is_vtt: bool) -> list[_Block]:
    """Every cue's timing line, checked; a block that is neither cue nor comment is an error."""
    out: list[_Block] = []
    block: list[tuple[int, str]] = []
    header = is_vtt
    for number, line in enumerate([*lines, ""], 1):
        if line.strip():
            block.append((number, line))
            continue
        if not block:
            continue
        if header:
            header = False  # the WEBVTT line and its metadata
        elif not (is_vtt and block[0][1].startswith(_NON_BLOCK)):
            out.append(_cue_block(block, name, is_vtt))
        block = []
    return out


def _cue_block(block: list[tuple[int, str]], name: str, is_vtt: bool) -> _Block:
    timing = next(((n, text) for n, text in block[:2] if "-->" in text), None)
    if timing is None:
        example = "00:00:01.000 --> 00:00:04.000" if is_vtt else "00:00:01,000 --> 00:00:04,000"
        raise CaptionError(
            name,
            block[0][0],
            f"a caption block without times: expected a line like {example} "
            "(or a blank line between two cues is missing)",
        )
    number, text = timing
    match = _TIMING.match(text)
    if match is None:
        raise CaptionError(name, number, f"times not understood: {clean_text(text[:80])!r}")
    start, end = _td(match.groups()[:4]), _td(match.groups()[4:])
    if end < start:
        raise CaptionError(name, number, "the cue ends before it starts")
    return _Block(number, start, end)


def _td(parts: tuple[str | None, ...]) -> timedelta:
    hours, minutes, seconds, millis = (int(p or 0) for p in parts)
    return timedelta(hours=hours, minutes=minutes, seconds=seconds, milliseconds=millis)


_Raw = tuple[timedelta, timedelta, str, str | None]
"""start, end, text without tags, voice tag's speaker."""


def _parse_vtt(text: str, name: str) -> list[_Raw]:
    try:
        captions = webvtt.from_string(text)
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise CaptionError(name, 1, f"not a WebVTT file ({exc})") from exc
    out: list[_Raw] = []
    for caption in captions.captions:
        start = timedelta(milliseconds=caption.start_time.in_milliseconds())
        end = timedelta(milliseconds=caption.end_time.in_milliseconds())
        words = html.unescape(caption.text)
        voice = caption.voice or _voice(caption.raw_text)
        out.append((start, end, words, voice))
    return out


def _parse_srt(text: str, name: str, blocks: list[_Block]) -> list[_Raw]:
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text[: exc.expected_start].count("\n") + 1
        raise CaptionError(name, line, "not an SRT cue (a number, its times, then text)") from exc
    return [(s.start, s.end, _TAG.sub("", s.content), _voice(s.content)) for s in subtitles]


def _voice(raw: str) -> str | None:
    found = _VOICE.search(raw)
    return found.group(1) if found else None


def _first_mismatch(raw: list[_Raw], blocks: list[_Block], name: str) -> None:
    for index, block in enumerate(blocks):
        if index >= len(raw) or abs(raw[index][0] - block.start) > timedelta(milliseconds=1):
            raise CaptionError(name, block.line, "this cue could not be read (its settings?)")
    raise CaptionError(name, blocks[-1].line, "more cues read than the file holds")


def _with_speakers(raw: list[_Raw], blocks: list[_Block]) -> list[Cue]:
    texts = [clean_text(words, CUE_TEXT_LIMIT, single_line=True) for _, _, words, _ in raw]
    labels = [_LABEL.match(t) for t in texts]
    labelled = sum(1 for m in labels if m is not None and _looks_like_name(m.group(1)))
    use_labels = labelled * 2 > len([t for t in texts if t])
    out: list[Cue] = []
    for (start, end, _, voice), text, label, block in zip(raw, texts, labels, blocks, strict=True):
        speaker = clean_text(voice, SPEAKER_LIMIT, single_line=True) if voice else None
        if not speaker and use_labels and label is not None and _looks_like_name(label.group(1)):
            speaker, text = clean_text(label.group(1), SPEAKER_LIMIT, single_line=True), label[2]
        out.append(Cue(start, end, text, speaker or None, block.line))
    return out


def _looks_like_name(label: str) -> bool:
    words = label.split()
    return 0 < len(words) <= 6 and any(c.isalpha() for c in label) and "//" not in label
