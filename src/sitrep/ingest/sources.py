"""Cited sources: the outlets a document says it draws on.

Two places say it: a trailing "Sources:" block (one outlet per line, or a list after the
colon), and phrases in the text — "according to X", "X reported", "told X" — where X is a
known outlet (resources/outlets.tsv) or a name that reads like one ("… News Agency").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..records import CitedSource, Span
from .outlets import find_outlet

# The block header: "Sources", "Source:", "Sources: Reuters, AFP", "Via:".
_BLOCK_HEADER = re.compile(r"^\s*(?:sources?|via|credits?)\s*[:：-]?\s*(?P<rest>.*)$", re.I)
# A block line is a name, not a sentence.
MAX_BLOCK_LINE_WORDS = 6
MAX_BLOCK_LINE_CHARS = 60
# The header must sit in the last part of the text: "Sources" in the middle of an article
# is usually a word in a sentence or a sub-heading about sources.
BLOCK_MIN_POSITION = 0.5

# A proper name of up to six words: capitalized words, with lower-case particles inside.
_NAME = (r"(?P<name>(?:[A-Z][\w.&'’-]*|al-[A-Z][\w'’-]*)"
         r"(?:\s+(?:of|al|el|de|for|and|the|[A-Z][\w.&'’-]*|al-[A-Z][\w'’-]*)){0,5})")
IN_TEXT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("according-to", re.compile(
        rf"\b(?i:according to) (?:the |a |an )?(?:reports? (?:by|from|in) (?:the )?)?{_NAME}")),
    ("reported", re.compile(
        rf"\b(?:news agency|newspaper|broadcaster|television|TV channel|outlet|daily)\s+{_NAME}")),
    # (The look-behind starts a name at a word's start only: without it every capital letter
    # of a long run starts a new attempt, quadratic in the run's length.)
    ("reported", re.compile(
        rf"(?<![\w.&'’-]){_NAME}(?:\s+news agency|\s+newspaper)?\s+"
        r"(?:reported|reports|has reported)\b")),
    ("told", re.compile(rf"\btold (?:the )?{_NAME}")),
)
# Words that make an unknown name read as an outlet.
OUTLET_WORDS = re.compile(
    r"\b(News|Agency|Times|Post|Tribune|Herald|Journal|Monitor|TV|Radio|Television|"
    r"Broadcasting|Press|Gazette|Daily|Observer|Telegraph|Online|Wire|Chronicle|Review)$")
# Items of a one-line list of names: separated by , ; / | or "and".
_LIST_ITEM = re.compile(r"[^,;/|]+?(?=\s*(?:,|;|/|\||\band\b|$))")
# What may precede a name in a list: bullets, spaces, a joining "and" / "&".
_ITEM_LEAD = re.compile(r"^[\s\-•*·]*(?:(?:and|&)\s+)?")
# Trailing words a name pattern swallows that are not part of the name. (Taken off word by
# word: the regex "(\s+(?:of|…))+$" is quadratic on a long run of them.)
TRAILING_WORDS = frozenset({"of", "al", "el", "de", "for", "and", "the"})
_SPACES = re.compile(r"(\s+)")


def find_cited_sources(text: str) -> tuple[CitedSource, ...]:
    found: dict[str, CitedSource] = {}
    for cited in (*_sources_block(text), *_in_text(text)):
        found.setdefault(cited.name.lower(), cited)
    return tuple(found.values())


def _sources_block(text: str) -> Iterator[CitedSource]:
    lines = text.split("\n")
    offset = 0
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    total = max(1, len(text))
    for i, line in enumerate(lines):
        m = _BLOCK_HEADER.match(line)
        if not m or starts[i] / total < BLOCK_MIN_POSITION or len(line) > MAX_BLOCK_LINE_CHARS * 3:
            continue
        rest = m["rest"].strip()
        if rest:  # "Sources: Reuters, AFP and AP"
            yield from _block_line(rest, starts[i] + m.start("rest"))
            return
        for j in range(i + 1, len(lines)):
            entry = lines[j].strip()
            if not entry:
                continue
            if (len(entry) > MAX_BLOCK_LINE_CHARS or len(entry.split()) > MAX_BLOCK_LINE_WORDS
                    or (entry.endswith((".", "!", "?")) and len(entry.split()) > 2)):
                break
            produced = list(_block_line(lines[j], starts[j]))
            if not produced:
                break
            yield from produced
        return


def _block_line(line: str, start: int) -> Iterator[CitedSource]:
    """One line of a sources block: one name, or several ("Reuters, AFP and AP")."""
    for part in _LIST_ITEM.finditer(line):
        yield from _block_entry(part.group(), start + part.start())


def _block_entry(raw: str, start: int) -> Iterator[CitedSource]:
    body = _ITEM_LEAD.sub("", raw)
    lead = len(raw) - len(body)
    name = body.rstrip(" \t.,;:")
    if not name or not any(ch.isalpha() for ch in name):
        return
    outlet = find_outlet(name)
    span = Span(start + lead, start + lead + len(name), name)
    yield CitedSource(outlet.name if outlet else name, name, "sources-block", outlet is not None,
                      span)


def _in_text(text: str) -> list[CitedSource]:
    """Outlets named in the running text, in the order they appear."""
    found = []
    for how, pattern in IN_TEXT_PATTERNS:
        for m in pattern.finditer(text):
            name = _without_trailing_words(m["name"]).rstrip(".,'’")
            outlet = find_outlet(name)
            if outlet is None and not OUTLET_WORDS.search(name):
                continue
            start = m.start("name")
            found.append(CitedSource(outlet.name if outlet else name, name,
                                     how, outlet is not None,  # type: ignore[arg-type]
                                     Span(start, start + len(name), name)))
    return sorted(found, key=lambda c: c.span.start if c.span else 0)


def _without_trailing_words(name: str) -> str:
    """"Reuters and the" → "Reuters": trailing particles off (the first word stays)."""
    parts = _SPACES.split(name)  # words at even indexes, the spaces between at odd ones
    while len(parts) >= 3 and parts[-1] in TRAILING_WORDS:
        del parts[-2:]
    return "".join(parts)
