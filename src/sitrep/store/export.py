"""Exports: JSONL, CSV, Parquet (and GeoJSON for located records), streamed row by row."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import SitrepError
from .events import event_rows
from .sqlite import Store

ExportFormat = Literal["jsonl", "csv", "geojson", "parquet"]
ExportWhat = Literal["documents", "events", "reports", "claims"]

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


def export(store: Store, fmt: ExportFormat, what: ExportWhat, out: Path, *,
           all_modalities: bool = False, as_of: str | None = None,
           by: str = "published") -> int:
    """Write every record of ``what`` to ``out``; returns how many were written.

    Events (consolidated, one per happening) and reports (one per document that tells it):
    only those that happened (asserted, reported, claimed) unless ``all_modalities``.
    ``as_of``: only what documents published (or ingested, ``by``) up to that day held.
    """
    if what in ("documents", "claims") and fmt == "geojson":
        raise SitrepError("GeoJSON needs located records: use --what events or reports")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    from .consolidated import documents_up_to, events_as_of
    from .consolidated import event_rows as consolidated_rows

    known = documents_up_to(store, as_of, by=by) if as_of else None
    if what in ("events", "reports"):
        if what == "events" and as_of:  # the events as they were known then
            events = [e for e in events_as_of(store, as_of, by=by)
                      if e["happened"] or all_modalities]
        elif what == "events":  # consolidated: one row per happening, all its sources
            events = consolidated_rows(store, happened_only=not all_modalities)
        else:  # one row per document that reports it
            events = [e for e in event_rows(store, happened_only=not all_modalities)
                      if known is None or e["document_id"] in known]
        writer = {"jsonl": _jsonl, "csv": _events_csv, "parquet": _events_parquet,
                  "geojson": _geojson}[fmt]
        count = writer(events, tmp)
    elif what == "claims":
        from .claims import claim_rows

        writer = {"jsonl": _jsonl, "csv": _claims_csv, "parquet": _claims_parquet}[fmt]
        count = writer((c for c in claim_rows(store)
                        if known is None or c["document_id"] in known), tmp)
    else:
        writer = {"jsonl": _jsonl, "csv": _csv, "parquet": _parquet}[fmt]
        count = writer((d for d in document_rows(store) if known is None or d["id"] in known),
                       tmp)
    tmp.replace(out)  # never leave a half-written file under the real name
    return count


# ACLED's column names where they exist, then sitrep's own.
EVENT_COLUMNS = (
    "event_id", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "inter2", "interaction", "country",
    "iso", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "fatalities", "fatalities_low", "fatalities_high", "modality", "hedged", "date_start",
    "date_end", "cameo", "actor1_id", "actor2_id", "place_id", "document_id", "evidence",
    "figures", "sources", "independent_sources",
)


def acled_row(e: dict[str, Any]) -> dict[str, Any]:
    """One event as a flat row with ACLED's column names (plus sitrep's own)."""
    from ..nlp.countries import countries

    loc = e["location"] or {}
    iso = loc.get("country")
    country = countries().get(iso) if iso else None
    a1, a2 = e["actor1"] or {}, e["actor2"] or {}
    date = e["date"]
    return {
        "event_id": e["id"], "event_date": date["end"], "year": (date["end"] or "")[:4] or None,
        "time_precision": date["time_precision"], "event_type": e["event_type"],
        "sub_event_type": e["sub_event_type"], "actor1": a1.get("name"),
        "assoc_actor_1": "; ".join(e["associated"]), "inter1": a1.get("inter"),
        "actor2": a2.get("name"), "inter2": a2.get("inter"), "interaction": e["interaction"],
        "country": country.name if country else iso, "iso": iso, "admin1": loc.get("admin1"),
        "location": loc.get("name"), "latitude": loc.get("latitude"),
        "longitude": loc.get("longitude"), "geo_precision": e["geo_precision"],
        "source": e["source"]["site"] or e["source"]["document"], "notes": e["notes"],
        "fatalities": e["fatalities"]["best"], "fatalities_low": e["fatalities"]["low"],
        "fatalities_high": e["fatalities"]["high"], "modality": e["modality"],
        "hedged": e["hedged"], "date_start": date["start"], "date_end": date["end"],
        "cameo": e["cameo"], "actor1_id": a1.get("id"), "actor2_id": a2.get("id"),
        "place_id": loc.get("place_id"), "document_id": e["document_id"],
        "evidence": json.dumps(e["evidence"], ensure_ascii=False),
        "figures": json.dumps(e["fatalities"]["figures"], ensure_ascii=False),
        "sources": e.get("sources", 1), "independent_sources": e.get("independent_sources", 1),
    }


def write_events_csv(rows: Iterable[dict[str, Any]], fh: TextIO) -> int:
    """Events as CSV rows with ACLED's column names, to an open text stream."""
    writer = csv.DictWriter(fh, fieldnames=EVENT_COLUMNS)
    writer.writeheader()
    n = 0
    for e in rows:
        writer.writerow(acled_row(e))
        n += 1
    return n


def _events_csv(rows: Iterable[dict[str, Any]], out: Path) -> int:
    with out.open("w", encoding="utf-8", newline="") as fh:
        return write_events_csv(rows, fh)


EVENT_SCHEMA = pa.schema([
    (name, pa.int64() if name in ("time_precision", "inter1", "inter2", "geo_precision",
                                   "fatalities", "fatalities_low", "fatalities_high")
     else pa.float64() if name in ("latitude", "longitude")
     else pa.bool_() if name == "hedged"
     else pa.int64() if name in ("sources", "independent_sources") else pa.string())
    for name in EVENT_COLUMNS
])


def _events_parquet(rows: Iterable[dict[str, Any]], out: Path) -> int:
    return _write_parquet((acled_row(e) for e in rows), out, EVENT_SCHEMA)


def geojson_feature(e: dict[str, Any]) -> dict[str, Any]:
    """One event as an RFC 7946 Feature: its ACLED row as properties, a Point if placed."""
    row = acled_row(e)
    lat, lon = row["latitude"], row["longitude"]
    geometry = ({"type": "Point", "coordinates": [lon, lat]}
                if lat is not None and lon is not None else None)
    return {"type": "Feature", "id": row["event_id"], "geometry": geometry, "properties": row}


def _geojson(rows: Iterable[dict[str, Any]], out: Path) -> int:
    """RFC 7946 FeatureCollection; events without coordinates have a null geometry."""
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        fh.write('{"type": "FeatureCollection", "features": [\n')
        for e in rows:
            feature = geojson_feature(e)
            fh.write(("," if n else "") + json.dumps(feature, ensure_ascii=False) + "\n")
            n += 1
        fh.write("]}\n")
    return n


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
    return _write_parquet(({k: row.get(k) for k in DOCUMENT_SCHEMA.names} for row in rows),
                          out, DOCUMENT_SCHEMA)


def _write_parquet(rows: Iterable[dict[str, Any]], out: Path, schema: pa.Schema) -> int:
    """Rows in batches of PARQUET_BATCH (memory stays flat); an empty file keeps the schema."""
    n = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


CLAIM_COLUMNS = (
    "claim_id", "document_id", "claimant", "claimant_id", "claimant_role",
    "claimant_affiliation", "cue", "cue_lemma", "kind", "stance", "status", "channel",
    "content", "content_start", "content_end", "date_start", "date_end", "hedged",
    "verifications", "events", "source", "published", "evidence",
)


def claim_row(c: dict[str, Any]) -> dict[str, Any]:
    """One claim as a flat row; verifications and evidence as JSON cells."""
    who = c["claimant"] or {}
    spans = c["evidence"]["content"]
    return {
        "claim_id": c["id"], "document_id": c["document_id"], "claimant": who.get("name"),
        "claimant_id": who.get("id"), "claimant_role": who.get("role"),
        "claimant_affiliation": who.get("affiliation"), "cue": c["cue"]["text"],
        "cue_lemma": c["cue_lemma"], "kind": c["kind"], "stance": c["stance"],
        "status": c["status"], "channel": c["channel"], "content": c["content"],
        "content_start": spans[0]["start"], "content_end": spans[-1]["end"],
        "date_start": c["date"]["start"], "date_end": c["date"]["end"], "hedged": c["hedged"],
        "verifications": json.dumps(c["verifications"], ensure_ascii=False),
        "events": "; ".join(c["events"]),
        "source": c["source"]["site"] or c["source"]["document"],
        "published": c["source"]["published"],
        "evidence": json.dumps(c["evidence"], ensure_ascii=False),
    }


def _claims_csv(rows: Iterable[dict[str, Any]], out: Path) -> int:
    n = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CLAIM_COLUMNS)
        writer.writeheader()
        for c in rows:
            writer.writerow(claim_row(c))
            n += 1
    return n


CLAIM_SCHEMA = pa.schema([
    (name, pa.int64() if name in ("content_start", "content_end")
     else pa.bool_() if name == "hedged" else pa.string())
    for name in CLAIM_COLUMNS
])


def _claims_parquet(rows: Iterable[dict[str, Any]], out: Path) -> int:
    return _write_parquet((claim_row(c) for c in rows), out, CLAIM_SCHEMA)
