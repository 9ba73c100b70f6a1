"""Readers: one file in, a stream of RawDocument (or InputError for a bad record) out.

Every reader yields errors instead of raising them, so one broken record never costs the
rest of its file; an error that makes the whole file unreadable is yielded once and ends it.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError, LimitExceeded, MalformedInput
from ..records import RawDocument
from ..settings import Limits
from . import feeds, warc
from .sniff import iter_lines, read_all, sniff

Item = RawDocument | InputError

# JSONL fields, in order of preference, that carry the document's content.
JSONL_CONTENT_FIELDS = (("html", "html"), ("text", "text"), ("content", "text"), ("body", "text"))
JSONL_HINT_FIELDS = ("title", "published", "site", "byline", "author")


def read_path(path: Path, limits: Limits, *, source: str | None = None) -> Iterator[Item]:
    """Documents in one file, whatever its format (told from content, gzip or not)."""
    src = source or str(path)
    try:
        opened = sniff(path, limits)
        if opened.format == "warc":
            yield from warc.read_warc(path, src, limits)
        elif opened.format == "feed":
            yield from feeds.read_feed(read_all(path, limits, limits.max_document_bytes * 5),
                                       src, limits)
        elif opened.format == "jsonl":
            yield from read_jsonl(path, src, limits)
        else:
            data = read_all(path, limits, limits.max_document_bytes)
            yield RawDocument(raw=data, media=opened.format, content=data, source_path=src)
    except InputError as exc:
        exc.source = exc.source or src
        yield exc
    except (OSError, EOFError, zlib.error) as exc:
        yield MalformedInput(f"cannot read file: {exc}", source=src)


def read_jsonl(path: Path, src: str, limits: Limits) -> Iterator[Item]:
    """One document per line: an object with ``html`` or ``text`` and optional metadata."""
    count = 0
    for lineno, line in enumerate(iter_lines(path, limits), start=1):
        if line is None:
            yield LimitExceeded(f"line longer than the limit of {limits.max_document_bytes:,} "
                                "bytes", source=src, record=lineno)
            continue
        if not line.strip():
            continue
        count += 1
        if count > limits.max_records_per_file:
            yield LimitExceeded(f"more than {limits.max_records_per_file:,} records; the rest "
                                "of the file is skipped", source=src, record=lineno)
            return
        yield _jsonl_record(line, src, lineno)


def _jsonl_record(line: bytes, src: str, lineno: int) -> Item:
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return MalformedInput(f"bad JSON line: {exc}", source=src, record=lineno)
    if not isinstance(obj, dict):
        return MalformedInput(f"JSON line is a {type(obj).__name__}, not an object",
                              source=src, record=lineno)
    for name, media in JSONL_CONTENT_FIELDS:
        value = obj.get(name)
        if isinstance(value, str) and value.strip():
            hints = {k: str(obj[k]) for k in JSONL_HINT_FIELDS if obj.get(k) not in (None, "")}
            if "author" in hints and "byline" not in hints:
                hints["byline"] = hints.pop("author")
            url = obj.get("url") if isinstance(obj.get("url"), str) else None
            return RawDocument(raw=line.rstrip(b"\r\n"), media=media,  # type: ignore[arg-type]
                               content=value.encode("utf-8"), source_path=src, record=lineno,
                               container="jsonl", url=url, hints=hints)
    return MalformedInput("JSON object has no non-empty 'html' or 'text' field",
                          source=src, record=lineno)
