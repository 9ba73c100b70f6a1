"""Exports: JSONL, CSV, Parquet (and GeoJSON for located records), streamed row by row."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import SitrepError
from .sqlite import Store

ExportFormat = Literal["jsonl", "csv", "geojson", "parquet"]
ExportWhat = Literal["documents", "events", "claims"]

PARQUET_BATCH = 500

_SPAN = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])
DOCUMENT_SCHEMA = pa.schema([
    ("id", pa.string()), ("source", pa.string()), ("source_path", pa.string()),
    ("record", pa.int64()), ("container", pa.string()), ("media", pa.string()),
    ("url", pa.string()), ("title", pa.string()), ("byline", pa.string()),
    ("published", pa.string()), ("published_precision", pa.string()),
    ("published_from", pa.string()), ("site", pa.string()), ("language", pa.string()),
    ("language_score", pa.float64()),
    ("cited_sources", pa.list_(pa.struct([
        ("name", pa.string()), ("surface", pa.string()), ("how", pa.string()),
        ("known", pa.bool_()), ("span", _SPAN)]))),
    ("fingerprint", pa.string()), ("ingested_at", pa.string()), ("chars", pa.int64()),
    ("text", pa.string()),
])


def document_rows(store: Store) -> Iterator[dict[str, Any]]:
    for doc in store.documents(order="ingested"):
        yield doc.to_dict()


def export(store: Store, fmt: ExportFormat, what: ExportWhat, out: Path) -> int:
    """Write every record of ``what`` to ``out``; returns how many were written."""
    if what != "documents":
        raise SitrepError(f"nothing to export as {what}: this version of sitrep does not "
                          f"extract {what} yet (use --what documents)")
    if fmt == "geojson":
        raise SitrepError("GeoJSON needs located records (events); documents have no location")
    rows = document_rows(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    writer = {"jsonl": _jsonl, "csv": _csv, "parquet": _parquet}[fmt]
    count = writer(rows, tmp)
    tmp.replace(out)  # never leave a half-written file under the real name
    return count


def _jsonl(rows: Iterable[dict[str, Any]], out: Path) -> int:
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def _csv(rows: Iterable[dict[str, Any]], out: Path) -> int:
    n = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=DOCUMENT_SCHEMA.names)
        writer.writeheader()
        for row in rows:
            flat = dict(row)
            # One readable cell: canonical outlet names joined by "; ".
            flat["cited_sources"] = "; ".join(c["name"] for c in row["cited_sources"])
            writer.writerow({k: flat.get(k) for k in DOCUMENT_SCHEMA.names})
            n += 1
    return n


def _parquet(rows: Iterable[dict[str, Any]], out: Path) -> int:
    n = 0
    with pq.ParquetWriter(out, DOCUMENT_SCHEMA, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append({k: row.get(k) for k in DOCUMENT_SCHEMA.names})
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=DOCUMENT_SCHEMA))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=DOCUMENT_SCHEMA))
            n += len(batch)
    return n
