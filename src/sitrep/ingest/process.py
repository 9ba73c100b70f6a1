"""RawDocument → Document: clean text, then metadata, each with how it was found."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from ..errors import ExtractionError, LimitExceeded
from ..records import Document, PublishedDate, RawDocument
from ..settings import Limits
from . import published as dates
from .clean import extract_html, finish, normalize_plain
from .decode import decode_text
from .language import detect_language
from .sources import find_cited_sources
from .textdoc import split_header
from .titles import tidy_byline, tidy_title

# htmldate's extensive search runs its regexes over the whole page: seconds a megabyte, so
# minutes on a page near the document limit. Above this size (no page of the htmldate
# evaluation set comes near it; news pages are rarely over 2 MB) the page has no date from
# its text rather than a stalled batch.
EXTENSIVE_DATE_SEARCH_MAX_BYTES = 2 * 1024 * 1024


def process(raw: RawDocument, limits: Limits) -> Document:
    """Clean and describe one document. Raises ExtractionError / InputError on failure."""
    hints = raw.hints
    if raw.media == "html":
        page = extract_html(raw.content, raw.url, limits.max_html_depth)
        text = finish(page.text)
        title = page.title
        byline = page.author
        site = page.sitename or page.hostname
        published = (dates.from_container(hints.get("published"))
                     or _meta_date(page.date, raw.url)
                     or dates.date_in_header(text)
                     or (dates.from_html_text(page.tree, raw.url)
                         if len(raw.content) <= EXTENSIVE_DATE_SEARCH_MAX_BYTES else None))
    else:
        header = split_header(decode_text(raw.content))
        text = finish(normalize_plain(header.body))
        title, byline, site = header.title, header.byline, None
        published = dates.from_container(hints.get("published")) or header.published
    if not text:
        raise ExtractionError("no text left after removing boilerplate")
    if len(text) > limits.max_text_chars:
        raise LimitExceeded(f"clean text of {len(text):,} characters is over the limit of "
                            f"{limits.max_text_chars:,} (setting max_text_chars)")
    language, score = detect_language(text)
    return Document(
        id=raw.id,
        source=raw.source,
        source_path=raw.source_path,
        record=raw.record,
        container=raw.container,
        media=raw.media,
        url=raw.url,
        site=hints.get("site") or site or _host(raw.url),
        title=tidy_title(hints.get("title") or title),
        byline=tidy_byline(hints.get("byline") or byline),
        published=published,
        language=language,
        language_score=score,
        text=text,
        cited_sources=find_cited_sources(text),
        fingerprint=fingerprint(text),
        hints=dict(hints),
    )  # ingested_at: stamped by the writer that stores it (ingest.batch)


def _meta_date(value: str | None, url: str | None) -> PublishedDate | None:
    if not value:
        return None
    found_in = "url" if url and dates.url_date(url) == value else "html-meta"
    return PublishedDate(value, "day", found_in)  # type: ignore[arg-type]


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return re.sub(r"^www\.", "", host) if host else None


def fingerprint(text: str) -> str:
    """SHA-256 of the text with whitespace and case folded: equal for equal content."""
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).hexdigest()
