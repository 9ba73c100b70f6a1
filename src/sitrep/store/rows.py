"""What the language pipeline found in one document, as rows per table.

One pure function (``analysis_rows``) turns a document's ``found`` records into the rows of
every table they fill; the SQLite store inserts them (``store.mentions.save_analysis``) and
the Spark job writes them as Parquet (``sitrep.scale``), so both hold the same values.
"""

from __future__ import annotations

import json
from typing import Any

from ..records import Place
from .claims import actor_row, claim_table_rows, hedge_events
from .events import event_report_rows

# Tables filled from one document's analysis, in the order they are written (rows of later
# tables refer to rows of earlier ones). ``actors`` and ``places`` are shared by documents;
# the others are replaced as a whole per document.
ANALYSIS_TABLES = ("actors", "places", "actor_mentions", "place_refs", "time_refs", "figures",
                   "event_reports", "claims", "claim_verifications", "claim_events")
MENTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "actor_mentions": ("document_id", "start_char", "end_char", "text", "actor_id", "rule",
                       "role", "affiliation"),
    "place_refs": ("document_id", "start_char", "end_char", "text", "place_id", "precision",
                   "role", "rule", "candidates"),
    "time_refs": ("document_id", "start_char", "end_char", "text", "value", "granularity",
                  "start_date", "end_date", "anchor", "rule", "kind"),
    "figures": ("document_id", "start_char", "end_char", "text", "value", "low", "high",
                "qualifier", "vague", "unit", "counted", "rule"),
}
PLACE_COLUMNS = ("id", "name", "lat", "lon", "country", "admin1", "feature_class",
                 "feature_code", "population")


def place_dict(p: Place) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country,
            "admin1": p.admin1, "feature_class": p.feature_class,
            "feature_code": p.feature_code, "population": p.population}


def analysis_rows(document_id: str, text: str,
                  found: dict[str, tuple[Any, ...]]) -> dict[str, list[dict[str, Any]]]:
    """Rows of every table in ``ANALYSIS_TABLES`` for one document (``text``: its clean
    text, for event notes). Actor rows carry ``mentioned`` (see ``claims.actor_row``);
    a table's rows are in the order they are to be inserted."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in ANALYSIS_TABLES}
    for m in found.get("actors", ()):
        rows["actors"].append(actor_row(m.actor, mentioned=True))
        rows["actor_mentions"].append(dict(zip(MENTION_COLUMNS["actor_mentions"], (
            document_id, m.span.start, m.span.end, m.span.text, m.actor.id, m.rule, m.role,
            m.affiliation), strict=True)))
    for p in found.get("places", ()):
        if p.place is not None:
            rows["places"].append(place_dict(p.place))
        rows["place_refs"].append(dict(zip(MENTION_COLUMNS["place_refs"], (
            document_id, p.span.start, p.span.end, p.span.text,
            p.place.id if p.place else None, p.precision, p.role, p.rule,
            json.dumps([{**place_dict(k.place), "score": round(k.score, 4)}
                        for k in p.candidates], ensure_ascii=False)), strict=True)))
    for t in found.get("times", ()):
        rows["time_refs"].append(dict(zip(MENTION_COLUMNS["time_refs"], (
            document_id, t.span.start, t.span.end, t.span.text, t.value, t.granularity,
            t.start, t.end, t.anchor, t.rule, t.kind), strict=True)))
    for f in found.get("figures", ()):
        rows["figures"].append(dict(zip(MENTION_COLUMNS["figures"], (
            document_id, f.span.start, f.span.end, f.span.text, f.value, f.low, f.high,
            f.qualifier, f.vague, f.unit, f.counted, f.rule), strict=True)))
    rows["event_reports"] = event_report_rows(document_id, text, found.get("events", ()))
    claims, hedged = claim_table_rows(document_id, found.get("claims", ()))
    hedge_events(rows["event_reports"], hedged)
    rows["actors"] += claims.pop("actors")
    rows.update(claims)
    return rows
