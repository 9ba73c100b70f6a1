"""RSS / Atom feed files: one document per item (feedparser)."""

from __future__ import annotations

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
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.entries
    bozo = parsed.get("bozo") and type(parsed.get("bozo_exception")).__name__ not in HARMLESS_BOZO
    if bozo:
        why = str(parsed.get("bozo_exception", "unknown error")).strip() or "unknown error"
        recovered = f"; {len(entries)} item(s) recovered" if entries else "; no items recovered"
        yield MalformedInput(f"malformed feed: {why}{recovered}", source=src)
    elif not entries:
        yield MalformedInput("feed has no items", source=src)
    site = parsed.feed.get("title") if parsed.get("feed") else None
    for number, entry in enumerate(entries, start=1):
        if number > limits.max_records_per_file:
            yield LimitExceeded(f"more than {limits.max_records_per_file:,} items; the rest "
                                "is skipped", source=src, record=number)
            return
        yield _entry_document(entry, number, src, site)


def _entry_document(entry, number: int, src: str, site: str | None) -> RawDocument | InputError:
    html = ""
    for content in entry.get("content") or []:
        if content.get("value", "").strip():
            html = content["value"]
            break
    if not html:
        html = entry.get("summary", "") or entry.get("description", "")
    if not html.strip():
        return MalformedInput("feed item has no content or summary", source=src, record=number)
    hints: dict[str, str] = {}
    if entry.get("title"):
        hints["title"] = entry["title"]
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    if published:
        hints["published"] = datetime(*published[:6], tzinfo=UTC).isoformat()
    if entry.get("author"):
        hints["byline"] = entry["author"]
    if site:
        hints["site"] = site
    url = entry.get("link")
    # The raw bytes of a feed item are a canonical JSON envelope of what the feed says of it,
    # so that the same item in two fetches of a feed hashes to the same document.
    envelope = {"url": url, **hints, "html": html}
    raw = json.dumps(envelope, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return RawDocument(raw=raw, media="html", content=html.encode("utf-8"), source_path=src,
                       record=number, container="feed", url=url, hints=hints)
