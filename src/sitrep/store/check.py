"""``sitrep check``: is a database whole? SQLite's own checks, then what sitrep promises.

* ``integrity``: ``PRAGMA integrity_check`` (``quick_check`` with ``quick=True``).
* ``foreign-keys``: ``PRAGMA foreign_key_check``.
* ``documents``: each document's id is the SHA-256 of its stored raw bytes, ``raw_size`` is
  their length (not with ``quick=True``: it reads every blob), its full-text index entry
  exists.
* ``spans``: every evidence span (``start``, ``end``, ``text``) equals the slice of its
  document's clean text: the columns of the mention tables and ``claim_events``, and every
  span inside the JSON columns (event reports' evidence and figures, claims' evidence,
  verifications, cited sources, consolidated events' figures); a claim's content columns
  agree with its content spans.
* ``references``: what SQLite's foreign keys do not declare: consolidated event members point
  at stored reports and events, every event has members and counts them right, its actors
  are in the ``event_actors`` lookup (and nothing else is), merge
  decisions, claim links and verifications point at stored rows, ids carry their document's
  id, the link indexes point at stored documents.

Everything runs in one read transaction (a consistent snapshot: ``sitrep analyze`` may write
meanwhile) over a read-only connection, streaming rows: memory does not grow with the
database. Work that only lags (reports a killed run left unconsolidated, documents not yet
analysed, runs that never finished) is a note, not a problem: the next ``sitrep analyze``
catches up.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .migrate import migrations

# Problems listed per check (all are counted); a broken database can have millions.
MAX_EXAMPLES = 20
# Messages asked of PRAGMA integrity_check (it stops after that many).
MAX_INTEGRITY_MESSAGES = 100
# Progress is reported every this many rows (a callback per row would cost more than a check).
PROGRESS_EVERY = 500
# Document texts kept while checking spans of rows that are not ordered by document.
TEXT_CACHE = 64

# Tables whose rows each hold one span in columns: (table, key, document, start, end, text).
COLUMN_SPANS = (
    ("actor_mentions", "id", "document_id", "start_char", "end_char", "text"),
    ("place_refs", "id", "document_id", "start_char", "end_char", "text"),
    ("time_refs", "id", "document_id", "start_char", "end_char", "text"),
    ("figures", "id", "document_id", "start_char", "end_char", "text"),
    ("claim_events", "rowid", "document_id", "figure_start", "figure_end", "figure_text"),
)
# Tables whose JSON columns hold spans of the row's document: (table, key, columns).
JSON_SPANS = (
    ("event_reports", "id", ("evidence", "figures")),
    ("claims", "id", ("evidence",)),
    ("claim_verifications", "id", ("evidence",)),
)

Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong: which check found it, in which table and row, and what."""

    check: str
    table: str
    key: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"check": self.check, "table": self.table, "key": self.key,
                "detail": self.detail}


@dataclass(frozen=True)
class CheckResult:
    """One check: how many items it examined, how many problems it found, the first few."""

    name: str
    about: str
    checked: int
    unit: str  # what ``checked`` counts: pages, tables, documents, spans, rules
    problems: int
    examples: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "about": self.about, "ok": self.ok, "checked": self.checked,
                "unit": self.unit, "problems": self.problems,
                "examples": [p.to_dict() for p in self.examples]}


@dataclass(frozen=True)
class CheckReport:
    path: str
    results: tuple[CheckResult, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def problems(self) -> int:
        return sum(r.problems for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {"database": self.path, "ok": self.ok, "problems": self.problems,
                "checks": [r.to_dict() for r in self.results], "notes": list(self.notes)}


@dataclass
class _Tally:
    """Collects one check's problems: all counted, the first ``MAX_EXAMPLES`` kept."""

    name: str
    about: str
    unit: str
    checked: int = 0
    problems: int = 0
    examples: list[Problem] = field(default_factory=list)

    def add(self, table: str, key: object, detail: str) -> None:
        self.problems += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(Problem(self.name, table, str(key), detail))

    def result(self) -> CheckResult:
        return CheckResult(self.name, self.about, self.checked, self.unit, self.problems,
                           tuple(self.examples))


def check_database(path: str | Path, *, quick: bool = False,
                   progress: Progress | None = None) -> CheckReport:
    """Check the database at ``path`` (read-only; see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such database")
    report = progress or (lambda stage, done, total: None)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open: {exc}") from exc
    results: list[CheckResult] = []
    notes: list[str] = []
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("BEGIN")
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a SQLite database: {exc}") from exc
        results += [_integrity(conn, quick, report), _foreign_keys(conn, report)]
        if "documents" in tables:
            results.append(_documents(conn, tables, report, hash_raw=not quick))
            results.append(_spans(conn, tables, report))
            results.append(_references(conn, tables, report))
        notes = _notes(conn, tables)
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        # A file damaged past what a check can read is itself a finding; the checks that
        # ran before it keep theirs.
        results.append(CheckResult("readable", "SQLite can read every table it needs", 0,
                                   "tables", 1, (Problem("readable", "", "", (
                                       f"the database cannot be read: {exc}")),)))
    finally:
        conn.close()
    return CheckReport(str(path), tuple(results), tuple(notes))


# -- SQLite's own checks ----------------------------------------------------------------------
def _integrity(conn: sqlite3.Connection, quick: bool, report: Progress) -> CheckResult:
    pragma = "quick_check" if quick else "integrity_check"
    tally = _Tally("integrity", f"PRAGMA {pragma}: the file's b-trees, pages and indexes",
                   "pages")
    report("integrity", 0, None)
    try:
        messages = [r[0] for r in conn.execute(f"PRAGMA {pragma}({MAX_INTEGRITY_MESSAGES})")]
    except sqlite3.DatabaseError as exc:  # damaged past what the check can walk
        messages = [f"{pragma} stopped: {exc}"]
    tally.checked = conn.execute("PRAGMA page_count").fetchone()[0]
    for message in messages:
        if message != "ok":
            tally.add("", "", message)
    report("integrity", 1, 1)
    return tally.result()


def _foreign_keys(conn: sqlite3.Connection, report: Progress) -> CheckResult:
    tally = _Tally("foreign-keys", "PRAGMA foreign_key_check: references declared in the "
                                   "schema", "tables")
    report("foreign keys", 0, None)
    parents: dict[tuple[str, int], str] = {}
    for table, rowid, parent, fkid in conn.execute("PRAGMA foreign_key_check"):
        if (table, fkid) not in parents:
            columns = {r[0]: r[3] for r in conn.execute(f"PRAGMA foreign_key_list({table})")}
            parents[(table, fkid)] = columns.get(fkid, "?")
        tally.add(table, rowid, f"{parents[(table, fkid)]} points at no row of {parent}")
    tally.checked = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                 ).fetchone()[0]
    report("foreign keys", 1, 1)
    return tally.result()


# -- documents --------------------------------------------------------------------------------
def _documents(conn: sqlite3.Connection, tables: set[str], report: Progress, *,
               hash_raw: bool) -> CheckResult:
    """Each document's id against its raw bytes (``hash_raw``: reads every raw blob, the
    largest column), and its entry in the full-text index."""
    about = ("ids are the SHA-256 of the stored raw bytes; each document is in the "
             "full-text index" if hash_raw else "each document is in the full-text index "
                                                "(raw bytes not re-hashed: --quick)")
    tally = _Tally("documents", about, "documents")
    total = _count(conn, "documents")
    indexed = "documents_fts_docsize" in tables
    sql = f"SELECT d.rowid, d.id, {'d.raw' if hash_raw else 'NULL'}, d.raw_size" + (
        ", EXISTS (SELECT 1 FROM documents_fts_docsize f WHERE f.id = d.rowid)"
        if indexed else ", 1") + " FROM documents d"
    for n, (rowid, doc_id, raw, size, in_index) in enumerate(conn.execute(sql), start=1):
        tally.checked += 1
        if hash_raw:
            _check_raw(tally, doc_id, raw, size)
        if not in_index:
            tally.add("documents_fts", doc_id, f"document (rowid {rowid}) not in the "
                                               "full-text index")
        if n % PROGRESS_EVERY == 0:
            report("documents", n, total)
    if indexed:
        extra = conn.execute("SELECT count(*) FROM documents_fts_docsize f WHERE NOT EXISTS "
                             "(SELECT 1 FROM documents d WHERE d.rowid = f.id)").fetchone()[0]
        if extra:
            tally.add("documents_fts", "", f"{extra} full-text index entries for no document")
    report("documents", total, total)
    return tally.result()


def _check_raw(tally: _Tally, doc_id: str, raw: bytes, size: int) -> None:
    try:
        data = zlib.decompress(raw)
    except (zlib.error, TypeError) as exc:
        tally.add("documents", doc_id, f"raw bytes do not decompress: {exc}")
        return
    if hashlib.sha256(data).hexdigest() != doc_id:
        tally.add("documents", doc_id, "id is not the SHA-256 of the raw bytes")
    if len(data) != size:
        tally.add("documents", doc_id, f"raw_size {size} but {len(data)} raw bytes")


# -- spans ------------------------------------------------------------------------------------
class _Texts:
    """Clean texts by document id, the last few kept."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.cache: OrderedDict[str, str | None] = OrderedDict()

    def __call__(self, doc_id: str) -> str | None:
        if doc_id in self.cache:
            self.cache.move_to_end(doc_id)
            return self.cache[doc_id]
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        text = None if row is None else row[0]
        self.cache[doc_id] = text
        if len(self.cache) > TEXT_CACHE:
            self.cache.popitem(last=False)
        return text


def span_problem(text: str, start: object, end: object, said: object) -> str | None:
    """What is wrong with the span ``start:end`` said to read ``said`` in ``text``, if
    anything."""
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(said, str)):
        return f"malformed span {start!r}:{end!r} {said!r}"
    if not 0 <= start <= end <= len(text):
        return f"span {start}:{end} outside the text (length {len(text)})"
    found = text[start:end]
    if found != said:
        return f"span {start}:{end} reads {_clip(found)!r}, stored {_clip(said)!r}"
    return None


def _clip(s: str, width: int = 60) -> str:
    return s if len(s) <= width else s[:width - 1] + "…"


def json_spans(value: Any, doc_id: str, where: str = "") -> Iterator[tuple[str, str, dict]]:
    """Every span (a dict with ``start``, ``end`` and ``text``) inside a JSON value, as
    (where, document id, span): a dict with a ``document_id`` holds spans of that
    document."""
    if isinstance(value, dict):
        if isinstance(value.get("document_id"), str):
            doc_id = value["document_id"]
        if {"start", "end", "text"} <= value.keys():
            yield where, doc_id, value
            return
        for k, v in value.items():
            yield from json_spans(v, doc_id, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from json_spans(v, doc_id, f"{where}[{i}]")


# A row's spans: (document id, where in the row, start, end, stored text).
SpanRow = tuple[object, list[tuple[str, str, object, object, object]]]


def _spans(conn: sqlite3.Connection, tables: set[str], report: Progress) -> CheckResult:
    tally = _Tally("spans", "every evidence span equals the slice of its document's clean "
                            "text", "spans")
    plan: list[tuple[str, Callable[[], Iterator[SpanRow]]]] = []
    for table, key, doc, start, end, text in COLUMN_SPANS:
        if table in tables:
            plan.append((table, _column_rows(conn, table, key, doc, start, end, text)))
    for table, key, columns in JSON_SPANS:
        if table in tables:
            plan.append((table, _json_rows(conn, table, key, columns, tally)))
    plan.append(("documents", _document_rows(conn, tally)))
    if "events" in tables:
        plan.append(("events", _json_rows(conn, "events", "id", ("figures",), tally,
                                          by_document=False)))
    total = sum(_count(conn, table) for table, _ in plan)
    texts = _Texts(conn)
    done = 0
    report("spans", 0, total)
    for table, rows in plan:
        for key, spans in rows():
            for doc_id, where, start, end, said in spans:
                text = texts(doc_id)
                if text is None:
                    tally.add(table, key, f"{where}: document {doc_id} is not stored")
                else:
                    problem = span_problem(text, start, end, said)
                    if problem:
                        tally.add(table, key, f"{where}: {problem}")
                tally.checked += 1
            done += 1
            if done % PROGRESS_EVERY == 0:
                report("spans", done, total)
    report("spans", total, total)
    return tally.result()


def _column_rows(conn: sqlite3.Connection, table: str, key: str, doc: str, start: str,
                 end: str, text: str) -> Callable[[], Iterator[SpanRow]]:
    def rows() -> Iterator[SpanRow]:
        sql = f"SELECT {doc}, {key}, {start}, {end}, {text} FROM {table} ORDER BY {doc}"
        for doc_id, k, s, e, t in conn.execute(sql):
            yield k, [] if s is None and e is None and t is None else [
                (doc_id, f"{start}:{end}", s, e, t)]
    return rows


def _json_rows(conn: sqlite3.Connection, table: str, key: str, columns: tuple[str, ...],
               tally: _Tally, *, by_document: bool = True) -> Callable[[], Iterator[SpanRow]]:
    def rows() -> Iterator[SpanRow]:
        doc = "document_id" if by_document else "''"
        order = " ORDER BY document_id" if by_document else ""
        claims = table == "claims"
        extra = ", content_start, content_end, content" if claims else ""
        sql = f"SELECT {doc}, {key}, {', '.join(columns)}{extra} FROM {table}{order}"
        for row in conn.execute(sql):
            doc_id, k = row[0], row[1]
            spans = []
            for column, raw in zip(columns, row[2:2 + len(columns)], strict=True):
                try:
                    value = json.loads(raw)
                except (TypeError, ValueError) as exc:
                    tally.add(table, k, f"{column} is not JSON: {exc}")
                    continue
                spans += [(span_doc, where, span["start"], span["end"], span["text"])
                          for where, span_doc, span in json_spans(value, doc_id, column)]
                if claims and column == "evidence":
                    problem = _claim_content(value, *row[-3:])
                    if problem:
                        tally.add(table, k, problem)
            yield k, spans
    return rows


def _claim_content(evidence: Any, start: int, end: int, content: str) -> str | None:
    """A claim's content columns against its content spans (first start, last end, texts
    joined by " … ")."""
    parts = evidence.get("content") if isinstance(evidence, dict) else None
    if not parts or not all(isinstance(p, dict) and {"start", "end", "text"} <= p.keys()
                            for p in parts):
        return "evidence.content holds no spans"
    if (start, end) != (parts[0]["start"], parts[-1]["end"]):
        return (f"content_start:content_end {start}:{end} but its spans run "
                f"{parts[0]['start']}:{parts[-1]['end']}")
    if content != " … ".join(p["text"] for p in parts):
        return f"content {_clip(content)!r} is not its spans' text"
    return None


def _document_rows(conn: sqlite3.Connection, tally: _Tally) -> Callable[[], Iterator[SpanRow]]:
    """Spans inside a document's own row: cited sources, and the publication date found in
    the text (only its bounds: its text is read from the slice)."""
    def rows() -> Iterator[SpanRow]:
        sql = "SELECT id, published_start, published_end, cited_sources, length(text) " \
              "FROM documents"
        for doc_id, start, end, cited, length in conn.execute(sql):
            if (start is not None or end is not None) and not (
                    isinstance(start, int) and isinstance(end, int)
                    and 0 <= start <= end <= length):
                tally.add("documents", doc_id, f"published_start:published_end {start}:{end} "
                                               f"outside the text (length {length})")
            try:
                value = json.loads(cited)
            except (TypeError, ValueError) as exc:
                tally.add("documents", doc_id, f"cited_sources is not JSON: {exc}")
                continue
            yield doc_id, [(span_doc, where, span["start"], span["end"], span["text"])
                           for where, span_doc, span in json_spans(value, doc_id,
                                                                   "cited_sources")]
    return rows


# -- references SQLite does not declare --------------------------------------------------------
# (name, tables (or "table.column") it needs, SQL returning (table, key, detail) for each row
# that breaks it)
REFERENCES = (
    # A report missing from a document analysed since is lag (a note, see REPLACED_MEMBERS).
    ("event member's report", {"event_members", "event_reports", "analyses"},
     "SELECT 'event_members', m.report_id, 'report ' || m.report_id || ' is not stored' "
     "FROM event_members m WHERE NOT EXISTS "
     "(SELECT 1 FROM event_reports r WHERE r.id = m.report_id) AND NOT EXISTS "
     "(SELECT 1 FROM analyses a WHERE a.document_id = m.document_id)"),
    ("event member's document", {"event_members", "event_reports"},
     "SELECT 'event_members', m.report_id, 'document_id ' || m.document_id || "
     "' but the report is of ' || r.document_id FROM event_members m "
     "JOIN event_reports r ON r.id = m.report_id WHERE r.document_id != m.document_id"),
    ("event member's event", {"event_members", "events"},
     "SELECT 'event_members', m.report_id, 'event ' || m.event_id || ' is not stored' "
     "FROM event_members m WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = m.event_id)"),
    ("event's members", {"event_members", "events"},
     "SELECT 'events', e.id, 'sources ' || e.sources || ', independent_sources ' || "
     "e.independent_sources || ' but its members are from ' || count(DISTINCT m.document_id) "
     "|| ' document(s) of ' || count(DISTINCT m.origin) || ' origin(s)' FROM events e "
     "LEFT JOIN event_members m ON m.event_id = e.id GROUP BY e.id "
     "HAVING e.sources != count(DISTINCT m.document_id) "
     "OR e.independent_sources != count(DISTINCT m.origin)"),
    ("event actor's event", {"event_actors", "events"},
     "SELECT 'event_actors', a.actor_id || ' ' || a.event_id, 'event ' || a.event_id || "
     "' is not stored' FROM event_actors a WHERE NOT EXISTS "
     "(SELECT 1 FROM events e WHERE e.id = a.event_id)"),
    ("event's actors", {"event_actors", "events"},
     "SELECT 'events', x.event_id, 'actor ' || x.actor_id || ' is not in event_actors' FROM "
     "(SELECT id AS event_id, actor1_id AS actor_id FROM events WHERE actor1_id IS NOT NULL "
     "UNION ALL SELECT id, actor2_id FROM events WHERE actor2_id IS NOT NULL "
     "UNION ALL SELECT e.id, j.value FROM events e, json_each(e.associated) j "
     "WHERE j.type = 'text') x WHERE NOT EXISTS (SELECT 1 FROM event_actors a "
     "WHERE a.actor_id = x.actor_id AND a.event_id = x.event_id)"),
    ("merge decision's reports", {"event_decisions", "event_reports", "analyses"},
     "SELECT 'event_decisions', d.rowid, 'report_id ' || d.report_id || ' is not stored' "
     "FROM event_decisions d WHERE NOT EXISTS "
     "(SELECT 1 FROM event_reports r WHERE r.id = d.report_id) AND NOT EXISTS "
     "(SELECT 1 FROM analyses a WHERE a.document_id = "
     "substr(d.report_id, 1, instr(d.report_id, ':') - 1)) UNION ALL "
     "SELECT 'event_decisions', d.rowid, 'other_id ' || d.other_id || ' is not stored' "
     "FROM event_decisions d WHERE NOT EXISTS "
     "(SELECT 1 FROM event_reports r WHERE r.id = d.other_id) AND NOT EXISTS "
     "(SELECT 1 FROM analyses a WHERE a.document_id = "
     "substr(d.other_id, 1, instr(d.other_id, ':') - 1))"),
    ("claim's event report", {"claim_events", "event_reports"},
     "SELECT 'claim_events', c.rowid, 'event report ' || c.event_id || ' is not stored' "
     "FROM claim_events c WHERE NOT EXISTS (SELECT 1 FROM event_reports r "
     "WHERE r.id = c.event_id)"),
    ("verification's claim", {"claim_verifications", "claims"},
     "SELECT 'claim_verifications', v.id, 'from_claim ' || v.from_claim || ' is not stored' "
     "FROM claim_verifications v WHERE v.from_claim IS NOT NULL AND NOT EXISTS "
     "(SELECT 1 FROM claims c WHERE c.id = v.from_claim)"),
    ("report id", {"event_reports"},
     "SELECT 'event_reports', id, 'id does not start with its document id ' || document_id "
     "FROM event_reports WHERE substr(id, 1, length(document_id) + 1) != document_id || ':'"),
    ("claim id", {"claims"},
     "SELECT 'claims', id, 'id does not start with its document id ' || document_id "
     "FROM claims WHERE substr(id, 1, length(document_id) + 1) != document_id || ':'"),
    ("origin", {"document_origins"},
     "SELECT 'document_origins', o.document_id, 'origin ' || o.origin || ' is not stored' "
     "FROM document_origins o WHERE o.kind IN ('self', 'document') AND NOT EXISTS "
     "(SELECT 1 FROM documents d WHERE d.id = o.origin)"),
    # The link stage follows up_id down when an origin changes: a stale one hides a change.
    ("origin's strongest link", {"document_origins.up_id", "document_links"},
     "SELECT 'document_origins', o.document_id, 'up_id ' || coalesce(o.up_id, 'NULL') || "
     "' is not its strongest derived-from link' FROM document_origins o WHERE o.up_id IS NOT "
     "(SELECT l.other_id FROM document_links l WHERE l.document_id = o.document_id AND "
     "l.kind = 'derived-from' ORDER BY max(l.contains_other, l.contained) DESC, l.other_id "
     "LIMIT 1)"),
    ("link band", {"link_bands", "link_documents"},
     "SELECT 'link_bands', b.key, 'doc ' || b.doc || ' is not in link_documents' "
     "FROM link_bands b WHERE NOT EXISTS (SELECT 1 FROM link_documents l WHERE l.id = b.doc)"),
    ("link outlet", {"link_outlets", "link_documents"},
     "SELECT 'link_outlets', o.key, 'doc ' || o.doc || ' is not in link_documents' "
     "FROM link_outlets o WHERE NOT EXISTS "
     "(SELECT 1 FROM link_documents l WHERE l.id = o.doc)"),
)


# Members of consolidated events whose report is gone from a document that has been analysed
# since (a new pipeline version found fewer events in it): the events are stale, not broken,
# until the consolidation at the end of that `sitrep analyze` (a killed run leaves them so).
REPLACED_MEMBERS = (
    "SELECT count(*) FROM event_members m WHERE NOT EXISTS "
    "(SELECT 1 FROM event_reports r WHERE r.id = m.report_id) AND EXISTS "
    "(SELECT 1 FROM analyses a WHERE a.document_id = m.document_id)")


def _references(conn: sqlite3.Connection, tables: set[str], report: Progress) -> CheckResult:
    tally = _Tally("references", "consolidated events, decisions, claim links, origins and "
                                 "link indexes point at stored rows", "rules")
    wanted = [r for r in REFERENCES if all(_present(conn, tables, x) for x in r[1])]
    for n, (name, _, sql) in enumerate(wanted):
        report("references", n, len(wanted))
        for table, key, detail in conn.execute(sql):
            tally.add(table, key, f"{name}: {detail}")
        tally.checked += 1
    report("references", len(wanted), len(wanted))
    return tally.result()


def _present(conn: sqlite3.Connection, tables: set[str], needed: str) -> bool:
    """Whether a rule's table ("events") or column ("document_origins.up_id": a database
    not migrated yet has the table without it) is there."""
    table, _, column = needed.partition(".")
    return table in tables and (not column or column in {
        r[1] for r in conn.execute(f"PRAGMA table_info({table})")})


# -- notes ------------------------------------------------------------------------------------
def _notes(conn: sqlite3.Connection, tables: set[str]) -> list[str]:
    notes = []
    version, known = conn.execute("PRAGMA user_version").fetchone()[0], len(migrations())
    if version < known:
        notes.append(f"schema version {version} of {known}: the next command that writes "
                     "migrates it")
    if "runs" in tables:
        unfinished = [r[0] for r in conn.execute(
            "SELECT id FROM runs WHERE finished_at IS NULL ORDER BY id")]
        if unfinished:
            notes.append(f"{len(unfinished)} run(s) never finished (still running, or "
                         f"stopped): {', '.join(map(str, unfinished[:10]))}")
    if {"event_reports", "event_members"} <= tables:
        loose = conn.execute("SELECT count(*) FROM event_reports r WHERE NOT EXISTS "
                             "(SELECT 1 FROM event_members m WHERE m.report_id = r.id)"
                             ).fetchone()[0]
        if loose:
            notes.append(f"{loose} event report(s) not consolidated into events yet: the "
                         "next `sitrep analyze` consolidates them")
    if {"event_members", "event_reports", "analyses"} <= tables:
        replaced = conn.execute(REPLACED_MEMBERS).fetchone()[0]
        if replaced:
            notes.append(f"{replaced} consolidated event member(s) point at reports a later "
                         "analysis replaced: the next `sitrep analyze` consolidates again")
    if {"documents", "analyses"} <= tables:
        pending = conn.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS "
                               "(SELECT 1 FROM analyses a WHERE a.document_id = d.id)"
                               ).fetchone()[0]
        if pending:
            notes.append(f"{pending} document(s) not analysed yet (`sitrep analyze` does it)")
    return notes


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
