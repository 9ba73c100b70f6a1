"""Text-level boilerplate removal for what HTML extraction cannot see: plain-text captures of
web pages and furniture that survives extraction (see resources/boilerplate.tsv)."""

from __future__ import annotations

import re
from functools import cache

from ..lexicon import table

# A "cut" marker only counts after this share of the text, so a story that opens with a
# line like "Comments" (rare, but real in opinion pages) is not emptied.
CUT_MIN_POSITION = 0.33
# Furniture lines are short: a section header, or a teaser link ("Read also: <a title>").
# Longer lines are sentences of the article, whatever they start with.
MAX_CUT_LINE = 60
MAX_DROP_LINE = 200
# Optional ":" / count / bullet around every pattern.
_AFFIX = r"^[\s•·*|>-]*(?:{})\s*(?:\(\d+\)|\d+)?\s*:?\s*$"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    cut, drop = [], []
    for action, pattern, *_ in table("boilerplate.tsv"):
        (cut if action == "cut" else drop).append(f"(?:{pattern})")
    return (re.compile(_AFFIX.format("|".join(cut)), re.I),
            re.compile(_AFFIX.format("|".join(drop)), re.I))


def strip_boilerplate(text: str) -> str:
    """Drop furniture lines and cut a trailing furniture block. Returns the kept text."""
    cut, drop = _patterns()
    lines = text.split("\n")
    kept: list[str] = []
    seen = 0
    total = max(1, len(text))
    for line in lines:
        stripped = line.strip()
        if stripped and len(stripped) <= MAX_CUT_LINE and cut.match(stripped) \
                and seen / total >= CUT_MIN_POSITION:
            break
        if stripped and len(stripped) <= MAX_DROP_LINE and drop.match(stripped):
            seen += len(line) + 1
            continue
        kept.append(line)
        seen += len(line) + 1
    return "\n".join(kept).strip()
