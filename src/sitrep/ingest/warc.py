"""WARC / WARC.gz files: one document per HTML response record (warcio).

A .warc.gz is read through the same bounded gzip stream as every other file (sniff's
``open_content``), so a compressed WARC cannot inflate past ``max_decompressed_bytes`` or the
gzip ratio limit. HTTP headers are parsed only for records whose declared length is within
the document limit: a record that declares a gigabyte is rejected from its WARC header
alone, and skipped by streaming past it (never held in memory).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException

from ..errors import InputError, LimitExceeded, MalformedInput
from ..records import RawDocument
from ..settings import Limits
from .sniff import open_content

HTML_TYPES = ("text/html", "application/xhtml+xml")
_LOADER = ArcWarcRecordLoader()
SHORT = "truncated or corrupt WARC: record ends"


def read_warc(path: Path, src: str, limits: Limits) -> Iterator[RawDocument | InputError]:
    number = 0
    cut = False  # a record already reported the file as cut short
    with open_content(path, limits) as fh:
        try:
            for record in ArchiveIterator(fh, arc2warc=True, no_record_parse=True):
                number += 1
                if number > limits.max_records_per_file:
                    yield LimitExceeded(f"more than {limits.max_records_per_file:,} records; "
                                        "the rest is skipped", source=src, record=number)
                    return
                if record.rec_type != "response":
                    continue
                item = _response_document(record, number, src, limits)
                cut = isinstance(item, MalformedInput) and item.reason.startswith(SHORT)
                if item is not None:
                    yield item
            if not cut:
                fh.check_complete()
        except LimitExceeded as exc:
            exc.source, exc.record = src, number
            yield exc
        except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, OSError,
                ValueError, UnicodeDecodeError) as exc:
            yield MalformedInput(f"truncated or corrupt WARC after record {number}: {exc}",
                                 source=src, record=number + 1)


def _response_document(record, number: int, src: str,
                       limits: Limits) -> RawDocument | InputError | None:
    declared = record.rec_headers.get_header("Content-Length")
    if declared and declared.strip().isdigit() and \
            int(declared) > limits.max_document_bytes * 2:
        return LimitExceeded(f"record declares {int(declared):,} bytes, over the document "
                             f"limit of {limits.max_document_bytes:,} (setting "
                             "max_document_bytes)", source=src, record=number)
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    # (Parsed here rather than by the iterator, so only after the length check above.)
    try:
        record.http_headers = _LOADER.load_http_headers(record.rec_type, uri,
                                                        record.raw_stream, record.length)
    except (StatusAndHeadersParserException, EOFError, ValueError, UnicodeDecodeError) as exc:
        return MalformedInput(f"response record with unreadable HTTP headers: {exc}",
                              source=src, record=number)
    http = record.http_headers
    if http is None:
        return None
    status = http.get_statuscode()
    ctype = (http.get_header("Content-Type") or "").lower()
    if status != "200" or not ctype.startswith(HTML_TYPES):
        return None  # redirects, errors, images, scripts: not documents, not errors either
    stream = record.content_stream()
    payload = stream.read(limits.max_document_bytes + 1)
    if len(payload) > limits.max_document_bytes:
        return LimitExceeded(f"response body larger than {limits.max_document_bytes:,} bytes "
                             "(setting max_document_bytes)", source=src, record=number)
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        return MalformedInput(f"{SHORT} {missing:,} bytes short of its declared length",
                              source=src, record=number)
    if not payload.strip():
        return MalformedInput("empty response body", source=src, record=number)
    url = record.rec_headers.get_header("WARC-Target-URI")
    hints = {"crawled": record.rec_headers.get_header("WARC-Date") or ""}
    return RawDocument(raw=payload, media="html", content=payload, source_path=src,
                       record=number, container="warc", url=url,
                       hints={k: v for k, v in hints.items() if v})
