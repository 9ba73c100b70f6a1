"""Plain-text documents: title, byline and date from the header lines, body after them.

Plain-text captures of articles start with a few short lines — title, "Written : Name" or
"By Name", a date line — before the first paragraph. These give the same metadata HTML
gives; the body that follows is the clean text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import PublishedDate
from .published import parse_date_line

# A title is a short line; a first line longer than this, or a long sentence, is body.
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30
# Header lines after the title (byline, date, "Updated …") are few and short.
MAX_HEADER_LINES = 6
MAX_HEADER_LINE_CHARS = 100

BYLINE = re.compile(
    r"^\s*(?:written\s*(?:by)?|posted\s+by|by|author|authors|reporting\s+by|words\s+by|"
    r"story\s+by)\s*[:\-–]?\s*(?P<name>[^\d:].{1,78}?)\s*$", re.I)
# A section line ("kicker") above the title: "HORN OBSERVER | Security | Somalia",
# "World › Africa", or a short line in capitals. Skipped when a title line follows it.
_KICKER_SEPARATORS = re.compile(r"\s[|›»>/·]\s")
MAX_KICKER_SEGMENT_WORDS = 4
_NOT_A_NAME = re.compile(r"[.!?]$|\b(the|and said|was|were|has|have)\b", re.I)


@dataclass(frozen=True)
class TextHeader:
    title: str | None
    byline: str | None
    published: PublishedDate | None
    body: str  # the text after the header lines


def byline_from_line(line: str) -> str | None:
    m = BYLINE.match(line)
    if not m:
        return None
    name = m["name"].strip()
    if len(name.split()) > 10 or _NOT_A_NAME.search(name):
        return None
    return name


def _is_title(line: str) -> bool:
    words = line.split()
    if len(line) > MAX_TITLE_CHARS or len(words) > MAX_TITLE_WORDS:
        return False
    return not (line.rstrip().endswith(".") and len(words) > 15)


def split_header(text: str) -> TextHeader:
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = byline = None
    published: PublishedDate | None = None
    if i < len(lines) and _is_kicker(lines[i].strip()):
        following = _next_nonblank(lines, i + 1)
        if following is not None and _is_title(lines[following].strip()):
            i = following
    if i < len(lines):
        first = lines[i].strip()
        if (_is_title(first) and not byline_from_line(first) and not parse_date_line(first)
                and _followed_by_body(lines, i)):
            title = first
            i += 1
    seen = 0
    while i < len(lines) and seen < MAX_HEADER_LINES:
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if len(line) > MAX_HEADER_LINE_CHARS:
            break
        if byline is None and (name := byline_from_line(line)):
            byline = name
        elif published is None and (parsed := parse_date_line(line)):
            published = PublishedDate(parsed[0], parsed[1], "text")  # type: ignore[arg-type]
        else:
            break
        seen += 1
        i += 1
    return TextHeader(title, byline, published, "\n".join(lines[i:]))


def _is_kicker(line: str) -> bool:
    segments = _KICKER_SEPARATORS.split(line)
    if len(segments) >= 2:
        return all(0 < len(seg.split()) <= MAX_KICKER_SEGMENT_WORDS for seg in segments)
    return line.isupper() and len(line.split()) <= 6


def _next_nonblank(lines: list[str], i: int) -> int | None:
    while i < len(lines):
        if lines[i].strip():
            return i
        i += 1
    return None


def _followed_by_body(lines: list[str], i: int) -> bool:
    """A lone first line is a title only if more text follows it."""
    return any(line.strip() for line in lines[i + 1:])
