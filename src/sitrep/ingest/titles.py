"""Tidying titles and bylines as pages and captures deliver them."""

from __future__ import annotations

import re

# Stray punctuation that copy-paste leaves at the start of a title: ") Title", "| Title".
_LEADING_JUNK = re.compile(r"^[\s)\]}>|:;,.\-–—•·*]+")
_SPACES = re.compile(r"\s+")
# Opening quote -> closing quote.
_PAIRS = {"'": "'", '"': '"', "‘": "’", "“": "”", "«": "»"}


def tidy_title(title: str | None) -> str | None:
    if not title:
        return None
    title = _SPACES.sub(" ", title).strip()
    title = _LEADING_JUNK.sub("", title).strip()
    return _close_quote(title) or None


def _close_quote(title: str) -> str:
    """Close a quotation a truncated capture left open: "Iraq 'Mass Execution" gets its "'".

    An opening quote follows the start or a space and precedes a letter; an apostrophe
    inside a word ("Iraq's") is not a quote.
    """
    for open_q, close_q in _PAIRS.items():
        opens = [m.start() for m in re.finditer(rf"(?:^|(?<=[\s(\[]))[{re.escape(open_q)}](?=\w)",
                                                  title)]
        if not opens:
            continue
        last = opens[-1]
        tail = title[last + 1:]
        closes = re.findall(rf"(?<=[\w.!?,]){re.escape(close_q)}(?=[\s.,;:!?)\]]|$)", tail)
        if not closes:
            return title + close_q
    return title


def tidy_byline(byline: str | None) -> str | None:
    if not byline:
        return None
    byline = _SPACES.sub(" ", byline).strip(" ;,|-–—")
    byline = re.sub(r"^(?:written\s*(?:by)?|posted\s+by|by)\s*[:\-–]?\s*", "", byline, flags=re.I)
    return byline or None
