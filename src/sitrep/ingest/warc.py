"""WARC / WARC.gz files: one document per HTML response record (warcio)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import InputError, LimitExceeded, MalformedInput
from ..records import RawDocument
from ..settings import Limits

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, src: str, limits: Limits) -> Iterator[RawDocument | InputError]:
    number = 0
    with path.open("rb") as fh:
        try:
            for record in ArchiveIterator(fh, arc2warc=True):
                number += 1
                if number > limits.max_records_per_file:
                    yield LimitExceeded(f"more than {limits.max_records_per_file:,} records; "
                                        "the rest is skipped", source=src, record=number)
                    return
                if record.rec_type != "response":
                    continue
                item = _response_document(record, number, src, limits)
                if item is not None:
                    yield item
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            yield MalformedInput(f"truncated or corrupt WARC after record {number}: {exc}",
                                 source=src, record=number + 1)


def _response_document(record, number: int, src: str,
                       limits: Limits) -> RawDocument | InputError | None:
    http = record.http_headers
    if http is None:
        return None
    status = http.get_statuscode()
    ctype = (http.get_header("Content-Type") or "").lower()
    if status != "200" or not ctype.startswith(HTML_TYPES):
        return None  # redirects, errors, images, scripts: not documents, not errors either
    declared = record.rec_headers.get_header("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_document_bytes * 2:
        return LimitExceeded(f"record declares {int(declared):,} bytes, over the document "
                             f"limit of {limits.max_document_bytes:,}", source=src, record=number)
    stream = record.content_stream()
    payload = stream.read(limits.max_document_bytes + 1)
    if len(payload) > limits.max_document_bytes:
        return LimitExceeded(f"response body larger than {limits.max_document_bytes:,} bytes",
                             source=src, record=number)
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        return MalformedInput(f"truncated or corrupt WARC: record ends {missing:,} bytes short "
                              "of its declared length", source=src, record=number)
    if not payload.strip():
        return MalformedInput("empty response body", source=src, record=number)
    url = record.rec_headers.get_header("WARC-Target-URI")
    hints = {"crawled": record.rec_headers.get_header("WARC-Date") or ""}
    return RawDocument(raw=payload, media="html", content=payload, source_path=src,
                       record=number, container="warc", url=url,
                       hints={k: v for k, v in hints.items() if v})
