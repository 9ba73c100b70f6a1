"""RSS / Atom feed files: one document per item (feedparser)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import feedparser

from ..errors import InputError, LimitExceeded, MalformedInput
from ..records import RawDocument
from ..settings import Limits

# Bozo exceptions that only mean the declared encoding was overridden; the items are fine.
HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")


def read_feed(data: bytes, src: str, limits: Limits) -> Iterator[RawDocument | InputError]:
    # feedparser never fetches when given bytes, and resolves no external entities.
    try:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    except (UnicodeError, ValueError, LookupError, TypeError) as exc:
        # feedparser's own bugs on broken input, e.g. a non-UTF-8 byte in the XML
        # declaration's encoding name (UnicodeDecodeError, found by fuzzing).
        yield MalformedInput(f"malformed feed: {type(exc).__name__}: {exc}", source=src)
        return
    entries = parsed.entries
    bozo = parsed.get("bozo") and type(parsed.get("bozo_exception")).__name__ not in HARMLESS_BOZO
    if bozo:
        why = str(parsed.get("bozo_exception", "unknown error")).strip() or "unknown error"
        recovered = f"; {len(entries)} item(s) recovered" if entries else "; no items recovered"
        yield MalformedInput(f"malformed feed: {why}{recovered}", source=src)
    elif not entries:
        yield MalformedInput("feed has no items", source=src)
    site = _text(parsed.feed, "title") or None if parsed.get("feed") else None
    for number, entry in enumerate(entries, start=1):
        if number > limits.max_records_per_file:
            yield LimitExceeded(f"more than {limits.max_records_per_file:,} items; the rest "
                                "is skipped", source=src, record=number)
            return
        yield _entry_document(entry, number, src, site)


def _text(mapping, key: str) -> str:
    """A field as text; feedparser leaves None (or other types) in fields of broken items."""
    value = mapping.get(key) if hasattr(mapping, "get") else None
    return value if isinstance(value, str) else ""


def _entry_document(entry, number: int, src: str, site: str | None) -> RawDocument | InputError:
    html = ""
    for content in entry.get("content") or []:
        if _text(content, "value").strip():
            html = _text(content, "value")
            break
    if not html:
        html = _text(entry, "summary") or _text(entry, "description")
    if not html.strip():
        return MalformedInput("feed item has no content or summary", source=src, record=number)
    hints: dict[str, str] = {}
    if _text(entry, "title"):
        hints["title"] = _text(entry, "title")
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    if published:
        # (A date feedparser could not make sense of means no date, not no item.)
        with contextlib.suppress(TypeError, ValueError):
            hints["published"] = datetime(*published[:6], tzinfo=UTC).isoformat()
    if _text(entry, "author"):
        hints["byline"] = _text(entry, "author")
    if site:
        hints["site"] = site
    url = _text(entry, "link") or None
    # The raw bytes of a feed item are a canonical JSON envelope of what the feed says of it,
    # so that the same item in two fetches of a feed hashes to the same document.
    envelope = {"url": url, **hints, "html": html}
    raw = json.dumps(envelope, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return RawDocument(raw=raw, media="html", content=html.encode("utf-8"), source_path=src,
                       record=number, container="feed", url=url, hints=hints)
