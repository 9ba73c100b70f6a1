"""Publication dates: from a container, HTML metadata, the URL, or a date line in the text.

The cascade, most trusted first (the ``found_in`` of the result says which one answered):

1. ``container``  the feed item / JSONL record says when it was published;
2. ``html-meta``  htmldate over metadata and markup only (``extensive_search=False``, run
   inside trafilatura's metadata pass); ``url`` when that date is the one in the URL;
3. ``text``       a date line in the article's header ("Jun 16, 2014", "Posted on 3 May 2023");
4. ``html-text``  htmldate's extensive search over the page text (least certain).
"""

from __future__ import annotations

import re
from datetime import date, datetime

import htmldate

from ..records import PublishedDate, Span

MONTHS = {m: i for i, names in enumerate((
    (), ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december"),
)) for m in names}

_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
          r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_LEAD = r"(?:(?:published|posted|updated|last updated|date|dated)(?:\s+on)?\s*:?\s*)?"
_TAIL = r"(?:\s*(?:,|at|-|–|\|)?\s*\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"

# Whole-line date patterns for header lines: "Jun 16, 2014", "16 June 2014",
# "Monday, June 16, 2014 10:31 AM", "2014-06-16", "June 2014".
DATE_LINE_PATTERNS = tuple(
    re.compile(rf"^\s*{_LEAD}{_WEEKDAY}{body}{_TAIL}\s*$", re.I) for body in (
    rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}",
    rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}",
    r"(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)",
    rf"{_MONTH},?\s+{_YEAR}",
    )
)


def parse_date_line(line: str) -> tuple[str, str] | None:
    """(ISO value, precision) when the whole line is a date, else None."""
    if len(line) > 60:
        return None
    for pattern in DATE_LINE_PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        parts = m.groupdict()
        year = int(parts["year"])
        month = int(parts["mnum"]) if parts.get("mnum") else MONTHS[parts["month"].lower()[:3]]
        if parts.get("day") is None:
            return f"{year:04d}-{month:02d}", "month"
        try:
            value = date(year, month, int(parts["day"]))
        except ValueError:
            return None
        return value.isoformat(), "day"
    return None


def date_in_header(text: str, *, max_lines: int = 6) -> PublishedDate | None:
    """A date line among the first lines of a clean text, with its span."""
    offset = 0
    seen = 0
    for line in text.split("\n"):
        if line.strip():
            seen += 1
            parsed = parse_date_line(line)
            if parsed:
                start = offset + (len(line) - len(line.lstrip()))
                span = Span(start, start + len(line.strip()), line.strip())
                return PublishedDate(parsed[0], parsed[1], "text", span)  # type: ignore[arg-type]
            if seen >= max_lines:
                break
        offset += len(line) + 1
    return None


def from_container(value: str | None) -> PublishedDate | None:
    """A date a feed or JSONL record gives (ISO 8601 or anything dateparser-free we can read)."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        line = parse_date_line(value)
        return PublishedDate(line[0], line[1], "container") if line else None  # type: ignore[arg-type]
    if len(value) <= 10:
        return PublishedDate(parsed.date().isoformat(), "day", "container")
    return PublishedDate(parsed.isoformat(), "datetime", "container")


# A full date in a URL path: /2014/06/16/, /2014-06-16-, /20140616/.
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/_-]?([01]\d)[/_-]?([0-3]\d)(?=[/_.-]|$)")


def url_date(url: str) -> str | None:
    m = _URL_DATE.search(url)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def from_html_text(tree, url: str | None) -> PublishedDate | None:
    """htmldate's extensive search over the whole page (last resort)."""
    found = htmldate.find_date(tree, extensive_search=True, original_date=True, url=url)
    return PublishedDate(found, "day", "html-text") if found else None
