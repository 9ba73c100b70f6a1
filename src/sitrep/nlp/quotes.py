"""Quotations in a clean text: where each quoted stretch starts and ends.

Curly quotes pair an opening “ with the next closing ”; straight quotes alternate (open,
close) within a paragraph. A quote left open at the end of a paragraph is closed there (news
style opens every paragraph of a long quote anew and closes only the last). Single quotes are
not used: they double as apostrophes ("Shi'ite", "fighters'").

A *direct quote* is a quote that can be someone's words: it has at least ``MIN_WORDS`` words,
or ends in sentence punctuation. Shorter ones ("terrorist" positions, a “massacre”) are scare
quotes inside someone else's sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING = "“«„"
CLOSING = "”»"
STRAIGHT = '"'
# A quote this long (in words) is someone's words, not a scare quote.
MIN_WORDS = 4
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Quote:
    start: int  # the opening mark
    end: int  # just after the closing mark (or the paragraph end when it is left open)
    inner_start: int
    inner_end: int
    direct: bool  # someone's words rather than a scare quote


def find_quotes(text: str) -> tuple[Quote, ...]:
    """Every quoted stretch of ``text``, in order, with whether it is a direct quote."""
    found: list[Quote] = []
    for para in re.finditer(r"[^\n]+", text):
        found += _paragraph_quotes(text, para.start(), para.end())
    return tuple(found)


def _paragraph_quotes(text: str, start: int, end: int) -> list[Quote]:
    out: list[Quote] = []
    open_at: int | None = None
    open_kind = ""
    for i in range(start, end):
        ch = text[i]
        if open_at is None:
            if ch in OPENING or (ch == STRAIGHT):
                open_at, open_kind = i, ch
        elif ch == STRAIGHT == open_kind and _opens(text, i, start, end):
            # A straight quote that can only open (space before, a word after): the previous
            # one was never closed; do not let the pairing drift.
            out.append(_quote(text, open_at, i, i))
            open_at = i
        elif (ch in CLOSING and open_kind in OPENING) or (ch == STRAIGHT == open_kind):
            out.append(_quote(text, open_at, i + 1, i))
            open_at = None
        elif ch in OPENING and open_kind in OPENING:
            # An opening mark inside an open curly quote: the first one was never closed.
            out.append(_quote(text, open_at, i, i))
            open_at, open_kind = i, ch
    if open_at is not None:
        stop = end
        while stop > open_at + 1 and text[stop - 1].isspace():
            stop -= 1
        out.append(_quote(text, open_at, stop, stop))
    return out


def _opens(text: str, i: int, start: int, end: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    return before.isspace() and after.isalnum()


def _quote(text: str, start: int, end: int, inner_end: int) -> Quote:
    inner = text[start + 1:inner_end]
    words = len(_WORD.findall(inner))
    direct = words >= MIN_WORDS or inner.rstrip().endswith((".", "!", "?", ",", ":"))
    return Quote(start, end, start + 1, inner_end, direct and words > 0)
