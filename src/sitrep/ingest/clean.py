"""Main text out of HTML (trafilatura) and plain text, with paragraph breaks kept.

The clean text is what every character offset in sitrep refers to: paragraphs separated by
one blank line, spaces inside a line collapsed, no boilerplate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from ..errors import ExtractionError, LimitExceeded
from .boilerplate import strip_boilerplate
from .page_metadata import page_metadata

# htmldate's fast pass (markup and URL); its extensive search runs later, only if needed.
DATE_PARAMS = {"extensive_search": False, "original_date": True}

_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class HtmlExtract:
    text: str
    title: str | None
    author: str | None
    sitename: str | None
    hostname: str | None
    date: str | None  # from metadata / URL only (htmldate without extensive search)
    tree: HtmlElement  # the parsed page, for later date search


def extract_html(content: bytes, url: str | None, max_depth: int | None = None) -> HtmlExtract:
    tree = trafilatura.load_html(content)
    if tree is None:
        raise ExtractionError("not parseable as HTML")
    if max_depth is not None and _deeper_than(max_depth)(tree):
        raise LimitExceeded(f"HTML elements nested more than {max_depth:,} deep (setting "
                            "max_html_depth; the HTML parser drops what lies deeper than 255)")
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,  # page_metadata does the part sitrep uses, faster
        include_comments=False,  # reader comments are not the article
        include_tables=True,  # casualty tables are content
        favor_precision=False,
    )
    if result is None or not (result.text or "").strip():
        raise ExtractionError("no main text found in the page")
    meta = page_metadata(tree, url, DATE_PARAMS, content)
    return HtmlExtract(
        text=paragraphs_from_lines(result.text),
        title=meta.title,
        author=meta.author,
        sitename=meta.sitename,
        hostname=meta.hostname,
        date=meta.date,
        tree=tree,
    )


@cache
def _deeper_than(depth: int) -> etree.XPath:
    """True for a tree with an element below ``depth`` levels (a path of child steps in C:
    half a millisecond on a news page, against tens for the extraction)."""
    return etree.XPath("boolean(/*" + "/*" * depth + ")")


def paragraphs_from_lines(text: str) -> str:
    """trafilatura's text has one paragraph per line; sitrep separates them by a blank line."""
    lines = [_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n\n".join(line for line in lines if line)


def nfc(text: str) -> str:
    """Composed Unicode (NFC), so "ü" is one character whichever way the page wrote it."""
    return unicodedata.normalize("NFC", text)


def normalize_plain(text: str) -> str:
    """Plain text: blank-line paragraphs kept; hard-wrapped lines inside one paragraph joined."""
    blocks = re.split(r"\n\s*\n", text)
    paragraphs = []
    for block in blocks:
        lines = [_INLINE_SPACE.sub(" ", line).strip() for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if _hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return "\n\n".join(paragraphs)


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines of one block that were wrapped at a fixed width (e-mail, wire copy)."""
    if len(lines) < 2:
        return False
    body = lines[:-1]
    long_enough = sum(1 for line in body if 40 <= len(line) <= 100)
    unfinished = sum(1 for line in body if not line.endswith((".", "!", "?", ":", '"', "”")))
    return long_enough >= 0.8 * len(body) and unfinished >= 0.5 * len(body)


def finish(text: str) -> str:
    """Last step for every clean text: NFC, boilerplate lines out, blank runs collapsed."""
    return _BLANKS.sub("\n\n", strip_boilerplate(nfc(text))).strip()
