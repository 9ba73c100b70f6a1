"""What the Spark job runs on its executors: plain Python, no Spark.

Reading (``read_file``: sitrep's own readers, plus Parquet of documents), cleaning
(``ingest.process``) and the language pipeline (``nlp.pipeline.analyze``, the model loaded once
per Python worker) are the very functions ``sitrep analyze`` runs; their results become rows
per table by ``store.rows.analysis_rows``, the function the SQLite store inserts from. Each
output row travels as ``(table, order, seq, JSON)``: ``order`` the document's ingest order,
``seq`` the row's place among its document's rows of that table.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ExtractionError, InputError, MalformedInput
from ..ingest import readers
from ..ingest.process import process
from ..link import derived
from ..link.minhash import fingerprint
from ..records import Document, RawDocument
from ..settings import Limits
from ..store.links import LinkedDocument
from ..store.rows import ANALYSIS_TABLES, analysis_rows
from .tables import BINARY_COLUMNS

Out = tuple[str, int, int, str]
# Rows of Parquet input read at a time (a batch of documents' HTML held in memory).
PARQUET_BATCH_ROWS = 256
PARQUET_MAGIC = b"PAR1"
# Records of one file are numbered below this; a document's ingest order is
# file number × FILE_STRIDE + its record's position in the file.
FILE_STRIDE = 1 << 32


def _json(table: str, row: dict[str, Any]) -> str:
    for t, c in BINARY_COLUMNS:
        if t == table and row.get(c) is not None:
            row[c] = base64.b64encode(row[c]).decode("ascii")
    return json.dumps(row, ensure_ascii=False)


# -- reading ---------------------------------------------------------------------------------------
def is_parquet(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == PARQUET_MAGIC
    except OSError:
        return False


def read_parquet(path: Path, src: str, limits: Limits) -> Iterator[readers.Item]:
    """Documents in a Parquet file: one per row, read as a JSONL line of its non-null
    columns (``html`` or ``text`` (or ``content``/``body``), ``url``, ``title``,
    ``published``, ``site``, ``byline``/``author``; others, like an ``id``, are kept in the
    raw record). The raw record is that JSON object, keys sorted: its hash is the id."""
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        yield MalformedInput(f"cannot read Parquet file: {exc}", source=src)
        return
    number = 0
    for batch in reader.iter_batches(batch_size=PARQUET_BATCH_ROWS):
        for row in batch.to_pylist():
            number += 1
            if number > limits.max_records_per_file:
                yield readers.LimitExceeded(
                    f"more than {limits.max_records_per_file:,} records; the rest is skipped",
                    source=src, record=number)
                return
            obj = {k: v if isinstance(v, str | int | float | bool) else str(v)
                   for k, v in sorted(row.items()) if v is not None}
            line = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode("utf-8")
            if len(line) > limits.max_document_bytes:
                yield readers.LimitExceeded(
                    f"row longer than the limit of {limits.max_document_bytes:,} bytes",
                    source=src, record=number)
                continue
            item = readers._jsonl_record(line, src, number)
            yield dataclasses.replace(item, container="parquet") \
                if isinstance(item, RawDocument) else item


def read_file(file_number: int, path: str, shown: str, limits: Limits) -> Iterator[Out]:
    """One input file's documents as ``("raw", order, 0, JSON)`` and what cannot be read as
    ``("rejected", order, 0, JSON)``, in the file's order."""
    p = Path(path)
    items = read_parquet(p, shown, limits) if is_parquet(p) else \
        readers.read_path(p, limits, source=shown)
    for n, item in enumerate(items):
        order = file_number * FILE_STRIDE + n
        if isinstance(item, InputError):
            yield ("rejected", order, 0, json.dumps({
                "source": item.where(), "stage": "read", "kind": item.kind,
                "reason": item.reason, "document_id": None}, ensure_ascii=False))
            continue
        same = item.raw == item.content
        yield ("raw", order, 0, json.dumps({
            "id": item.id, "source": item.source, "source_path": item.source_path,
            "record": item.record, "container": item.container, "media": item.media,
            "url": item.url, "hints": item.hints,
            "content": base64.b64encode(item.content).decode("ascii"),
            "raw": None if same else base64.b64encode(item.raw).decode("ascii")},
            ensure_ascii=False))


def raw_document(payload: str) -> RawDocument:
    r = json.loads(payload)
    content = base64.b64decode(r["content"])
    return RawDocument(raw=content if r["raw"] is None else base64.b64decode(r["raw"]),
                       media=r["media"], content=content, source_path=r["source_path"],
                       record=r["record"], container=r["container"], url=r["url"],
                       hints=r["hints"])


# -- cleaning, analysis, fingerprints --------------------------------------------------------------
def document_row(doc: Document, raw: RawDocument, order: int) -> dict[str, Any]:
    """A ``documents`` row (as ``Store.add_document`` writes it) with its ingest order."""
    p = doc.published
    span = p.span if p else None
    return {
        "id": doc.id, "source": doc.source, "source_path": doc.source_path,
        "record": doc.record, "container": doc.container, "media": doc.media, "url": doc.url,
        "site": doc.site, "title": doc.title, "byline": doc.byline,
        "published": p.value if p else None, "published_precision": p.precision if p else None,
        "published_from": p.found_in if p else None,
        "published_start": span.start if span else None,
        "published_end": span.end if span else None, "language": doc.language,
        "language_score": doc.language_score, "text": doc.text,
        "cited_sources": json.dumps([c.to_dict() for c in doc.cited_sources],
                                    ensure_ascii=False),
        "fingerprint": doc.fingerprint, "hints": json.dumps(doc.hints, ensure_ascii=False),
        "raw": zlib.compress(raw.raw, 6), "raw_size": len(raw.raw),
        "ingested_at": doc.ingested_at, "ingest_order": order}


def link_row(doc: Document, order: int) -> dict[str, Any]:
    """What the link job needs of a document: its fingerprint (``link.minhash``), the day
    and outlet keys the link stage indexes it under, and the facts the derived-from rules
    and origins read."""
    fp = fingerprint(doc.text)
    published = doc.published.value if doc.published else None
    day = (published or doc.ingested_at or "")[:10]
    cited = tuple(c.to_dict() for c in doc.cited_sources)
    probe = LinkedDocument(0, doc.id, day, published, doc.ingested_at or "", doc.site,
                           doc.url, cited, len(fp.shingles), fp.signature)
    return {
        "document_id": doc.id, "order": order, "shingles": len(fp.shingles),
        "hashes": base64.b64encode(fp.shingles.tobytes()).decode("ascii"),
        "signature": None if fp.signature is None else
        base64.b64encode(fp.signature.tobytes()).decode("ascii"),
        "bands": list(fp.bands), "day": day, "published": published,
        "ingested_at": doc.ingested_at or "", "site": doc.site, "url": doc.url,
        "cited_sources": json.dumps(cited, ensure_ascii=False),
        "outlets": [[*key.rsplit("|", 1), role] for key, role in derived.outlet_rows(probe)],
        "lookups": [[key, role, day if probe.dated else None]
                    for key, role in derived.outlet_lookups(probe)]}


def analyse(records: Iterable[tuple[int, str]], *, model: str, version: str, limits: Limits,
            ingested_at: str) -> Iterator[Out]:
    """Clean and analyse one partition's documents (``(order, raw JSON)``, each document
    once): every row of every table they fill, tagged with its table."""
    from ..nlp.pipeline import analyze

    pending: deque[tuple[int, Document, RawDocument]] = deque()

    def documents() -> Iterator[Document]:
        for order, payload in records:
            raw = raw_document(payload)
            try:
                doc = process(raw, limits)
            except (ExtractionError, InputError) as exc:
                kind = exc.kind if isinstance(exc, InputError) else "extraction"
                rejected.append((order, raw, kind, getattr(exc, "reason", str(exc))))
                continue
            except Exception as exc:  # a bug on one document must not stop the batch
                rejected.append((order, raw, "error",
                                 f"internal error: {type(exc).__name__}: {exc}"))
                continue
            doc = dataclasses.replace(doc, ingested_at=ingested_at)
            pending.append((order, doc, raw))
            yield doc

    rejected: list[tuple[int, RawDocument, str, str]] = []
    for result in analyze(documents(), model):
        yield from _rejections(rejected)
        order, doc, raw = pending.popleft()
        assert result.document_id == doc.id
        yield ("documents", order, 0, _json("documents", document_row(doc, raw, order)))
        yield ("link", order, 0, json.dumps(link_row(doc, order), ensure_ascii=False))
        yield ("analyses", order, 0, json.dumps({
            "document_id": doc.id, "stage": "nlp", "version": version, "status": result.status,
            "detail": result.detail, "at": ingested_at}, ensure_ascii=False))
        if result.status == "failed":
            yield ("rejected", order, 0, json.dumps({
                "source": doc.source, "stage": "nlp", "kind": "error",
                "reason": result.detail or "failed", "document_id": doc.id},
                ensure_ascii=False))
        rows = analysis_rows(doc.id, doc.text, result.found)
        for table in ANALYSIS_TABLES:
            for seq, row in enumerate(rows[table]):
                yield (table, order, seq, json.dumps(row, ensure_ascii=False))
    yield from _rejections(rejected)


def _rejections(rejected: list[tuple[int, RawDocument, str, str]]) -> Iterator[Out]:
    while rejected:
        order, raw, kind, reason = rejected.pop(0)
        yield ("rejected", order, 0, json.dumps({
            "source": raw.source, "stage": "clean", "kind": kind, "reason": reason,
            "document_id": raw.id}, ensure_ascii=False))

