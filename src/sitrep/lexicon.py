"""Loading the commented data files in ``resources/``.

Every heuristic table is a text file: one entry per line, fields separated by TABs, and a
comment after ``#`` saying why the entry is there. Blank lines and comment lines are skipped.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def _strip_comment(line: str) -> str:
    # A '#' starts a comment only at the start of a line or after whitespace, so that
    # regexes and names may contain '#'.
    for i, ch in enumerate(line):
        if ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


@cache
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of ``resources/<name>``: TAB-separated fields (empty ones kept in place, trailing
    empty ones dropped), comment and blank lines removed."""
    text = resources.files("sitrep.resources").joinpath(name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        body = _strip_comment(line).rstrip()
        if body.strip():
            fields = [field.strip() for field in body.split("\t")]
            while fields and not fields[-1]:
                fields.pop()
            rows.append(tuple(fields))
    return tuple(rows)
