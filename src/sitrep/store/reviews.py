"""Reviews: a person's correction or verdict on one field of a consolidated event (or of a claim
group), kept beside the machine's records, never written into them.

A review names its target (``ev-…`` or ``cg-…``) and the members the target had then (report
ids of an event, claim ids of a claim group). Consolidated ids are derived data: a rebuild or a
re-analysis can give the same happening another id. A review therefore attaches to its target
id while that id exists, else to the target that now holds most of its members (ties: the one
holding the earliest listed member, the seed); a review whose members are all gone attaches to
nothing and stays in the table.

Reads open the database read-only and see no reviews when the table is missing (a database
made before migration 0007). A review is written by ``add_review`` through its own short write
connection (``open_store``: WAL, busy timeout, migrations), so a read-only server stays one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from .sqlite import Store, now, open_store

# What a review may be about. Event fields are those of the API's ``fields``; ``status`` is a
# verdict on the whole record.
EVENT_FIELDS = ("event_type", "sub_event_type", "actor1", "actor2", "location", "date",
                "fatalities", "modality", "status")
CLAIM_FIELDS = ("status", "figure")
# Verdicts a reviewer can give: the claim statuses (sitrep.store.claim_groups) plus "rejected"
# (not an event at all, or not this claim).
REVIEW_STATUSES = ("confirmed", "rejected", "disputed", "corroborated", "unconfirmed-by",
                   "unverified")
# Fields whose value is a count (a non-negative integer, or null for unknown).
COUNT_FIELDS = ("fatalities", "figure")
MAX_REVIEWER = 80
MAX_REASON = 2000
MAX_VALUE = 500
MAX_COUNT = 10_000_000


def check_value(field: str, value: Any) -> Any:
    """The value a review of ``field`` may hold, or ValueError saying why not."""
    if value is None:
        return None
    if field in COUNT_FIELDS:
        if isinstance(value, str) and value.strip().isdecimal():  # a form's text field
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            raise ValueError(f"{field}: a whole number from 0 to {MAX_COUNT}, or null for unknown")
        return value
    if field == "status":
        if value not in REVIEW_STATUSES:
            raise ValueError(f"status: one of {', '.join(REVIEW_STATUSES)}")
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_VALUE:
        raise ValueError(f"{field}: a non-empty text of at most {MAX_VALUE} characters, or null")
    return value.strip()


def has_reviews(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                              "name = 'reviews'").fetchone() is not None


def add_review(db: Path | str, *, kind: str, target: str, members: Iterable[str], field: str,
               value: Any, machine: Any, reviewer: str, reason: str) -> dict[str, Any]:
    """Store one review through a short write connection of its own; the stored review."""
    row = {"target_kind": kind, "target_id": target, "members": json.dumps(list(members)),
           "field": field, "value": json.dumps(value, ensure_ascii=False),
           "machine": json.dumps(machine, ensure_ascii=False), "reviewer": reviewer,
           "reason": reason, "at": now()}
    with open_store(db) as store, store.transaction() as c:
        cur = c.execute(f"INSERT INTO reviews({', '.join(row)}) "
                        f"VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
        row["id"] = cur.lastrowid
    return _review(row, target)


def _review(r: Mapping[str, Any], attached_to: str) -> dict[str, Any]:
    return {"id": r["id"], "target": {"kind": r["target_kind"], "id": r["target_id"]},
            "attached_to": attached_to, "members": json.loads(r["members"]),
            "field": r["field"], "value": json.loads(r["value"]),
            "machine": json.loads(r["machine"]), "reviewer": r["reviewer"],
            "reason": r["reason"], "at": r["at"]}


def attached(store: Store, kind: str, wanted: Collection[str], *,
             live: Callable[[set[str]], set[str]],
             holders: Callable[[set[str]], Mapping[str, str]],
             until: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The reviews of each ``wanted`` target, oldest first.

    ``live(ids)`` says which target ids exist now, ``holders(members)`` which target now holds
    each member; ``until``: only reviews made on or before that day (reads "as of")."""
    if not wanted or not has_reviews(store):
        return {}
    sql = "SELECT * FROM reviews WHERE target_kind = ?"
    params: list[Any] = [kind]
    if until is not None:
        sql += " AND substr(at, 1, 10) <= ?"
        params.append(until)
    rows = [dict(r) for r in store.conn.execute(sql + " ORDER BY id", params)]
    if not rows:
        return {}
    existing = live({r["target_id"] for r in rows})
    orphans = [r for r in rows if r["target_id"] not in existing]
    held = holders({m for r in orphans for m in json.loads(r["members"])}) if orphans else {}
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        target = r["target_id"] if r["target_id"] in existing else _heir(
            json.loads(r["members"]), held)
        if target is not None and target in wanted:
            out.setdefault(target, []).append(_review(r, target))
    return out


def _heir(members: list[str], held: Mapping[str, str]) -> str | None:
    """The target that now holds most of ``members`` (ties: the one holding the earliest)."""
    counts = Counter(held[m] for m in members if m in held)
    if not counts:
        return None
    first = {t: min(k for k, m in enumerate(members) if held.get(m) == t) for t in counts}
    return min(counts, key=lambda t: (-counts[t], first[t]))


def latest(reviews: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Field → the latest review of it, as events show it (``reviewed``)."""
    out: dict[str, dict[str, Any]] = {}
    for r in sorted(reviews, key=lambda r: r["id"]):
        out[r["field"]] = {"value": r["value"], "machine": r["machine"],
                           "reviewer": r["reviewer"], "at": r["at"], "reason": r["reason"]}
    return out


def event_reviews(store: Store, event_ids: Collection[str], *,
                  until: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The reviews of stored consolidated events (live ids and memberships from the tables)."""

    def live(ids: set[str]) -> set[str]:
        return {r[0] for r in store.conn.execute(
            "SELECT id FROM events WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(ids)),))}

    def holders(members: set[str]) -> dict[str, str]:
        return {r[0]: r[1] for r in store.conn.execute(
            "SELECT report_id, event_id FROM event_members WHERE report_id IN "
            "(SELECT value FROM json_each(?))", (json.dumps(sorted(members)),))}

    return attached(store, "event", set(event_ids), live=live, holders=holders, until=until)


def reviews_in_memory(store: Store, kind: str, targets: Mapping[str, Iterable[str]], *,
                      until: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The reviews of targets computed in memory (events as of a day, claim groups):
    ``targets`` maps each target id to its members."""
    held = {m: t for t, members in targets.items() for m in members}
    return attached(store, kind, set(targets), live=lambda ids: ids & set(targets),
                    holders=lambda members: {m: held[m] for m in members if m in held},
                    until=until)
