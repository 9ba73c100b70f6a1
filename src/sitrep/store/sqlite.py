"""SQLite store in WAL mode: one writer at a time, many readers, FTS5 over clean text."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import DocumentNotFound, StoreError
from ..records import CitedSource, Document, PublishedDate, RawDocument, Rejection, Span
from .migrate import migrate

# A writer waits this long for another writer before giving up (ingest while serving).
BUSY_TIMEOUT_MS = 30_000
# A writing connection's page cache, KiB (SQLite's default is 2 MB). The link stage inserts
# hundreds of links a document into indexes keyed by random ids; with 2 MB nearly every
# insert reads its pages back from the OS. Measured on bench_scale's 10k corpus (links and
# events from scratch): storing the links 17.4 -> 11.7 s, candidates 8.5 -> 6.1 s. An upper
# bound, taken only as pages are read.
WRITER_CACHE_KIB = 65_536
# Columns of a document row that make up the Document record (everything but raw bytes).
DOC_COLUMNS = (
    "id, source, source_path, record, container, media, url, site, title, byline, published, "
    "published_precision, published_from, published_start, published_end, language, "
    "language_score, text, cited_sources, fingerprint, hints, ingested_at"
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_store(path: str | Path, *, readonly: bool = False) -> Store:
    return Store(Path(path), readonly=readonly)


class Store:
    """A sitrep database file. Use as a context manager or call ``close()``."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        if readonly and not path.exists():
            raise StoreError(f"{path}: no such database (run `sitrep ingest` first)")
        try:
            if readonly:
                self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                            isolation_level=None, check_same_thread=False)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(path, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
                migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open as a sitrep database: {exc}") from exc

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: all of it lands, or none of it (also under kill -9)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- runs ------------------------------------------------------------------------------
    def begin_run(self, command: str, paths: Sequence[str], settings: dict[str, Any]) -> int:
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO runs(command, paths, started_at, settings) VALUES (?, ?, ?, ?)",
                (command, json.dumps(list(paths)), now(), json.dumps(settings, default=str)))
        return int(cur.lastrowid or 0)

    def update_run(self, run_id: int, *, status: str | None = None, **counts: int) -> None:
        sets = [f"{name} = ?" for name in counts]
        values: list[Any] = list(counts.values())
        if status:
            sets += ["status = ?", "finished_at = ?"]
            values += [status, now()]
        if not sets:
            return
        with self.transaction() as c:
            c.execute(f"UPDATE runs SET {', '.join(sets)} WHERE id = ?", (*values, run_id))

    def runs(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM runs ORDER BY id").fetchall()
        return [{**dict(r), "paths": json.loads(r["paths"]),
                 "settings": json.loads(r["settings"])} for r in rows]

    # -- writing documents -----------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() \
            is not None

    def add_document(self, doc: Document, raw: RawDocument, run_id: int | None) -> bool:
        """Store a document (no-op if its id is stored). True if it was new.

        Call inside ``transaction()``. A document without ``ingested_at`` is stamped now.
        """
        p = doc.published
        span = p.span if p else None
        cur = self.conn.execute(
            f"INSERT OR IGNORE INTO documents({DOC_COLUMNS}, raw, raw_size, run_id) "
            f"VALUES ({', '.join('?' * 25)})",
            (doc.id, doc.source, doc.source_path, doc.record, doc.container, doc.media, doc.url,
             doc.site, doc.title, doc.byline, p.value if p else None, p.precision if p else None,
             p.found_in if p else None, span.start if span else None,
             span.end if span else None, doc.language, doc.language_score, doc.text,
             json.dumps([c.to_dict() for c in doc.cited_sources], ensure_ascii=False),
             doc.fingerprint, json.dumps(doc.hints, ensure_ascii=False),
             doc.ingested_at or now(),
             zlib.compress(raw.raw, 6), len(raw.raw), run_id))
        self.add_source(doc.id, doc.source, run_id)
        # The source now yields a document: an older rejection of it is history.
        self.conn.execute("DELETE FROM rejected WHERE source = ?", (doc.source,))
        return cur.rowcount == 1

    def add_source(self, doc_id: str, source: str, run_id: int | None) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO document_sources(document_id, source, run_id, seen_at) "
            "VALUES (?, ?, ?, ?)", (doc_id, source, run_id, now()))

    def add_rejection(self, rejection: Rejection, run_id: int | None) -> None:
        """Record a rejection; the same source and stage rejected again updates its row."""
        t = now()
        self.conn.execute(
            "INSERT INTO rejected(source, stage, kind, reason, document_id, run_id, first_at, "
            "last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(source, stage) DO UPDATE SET kind = excluded.kind, "
            "reason = excluded.reason, document_id = excluded.document_id, "
            "run_id = excluded.run_id, last_at = excluded.last_at, times = times + 1",
            (rejection.source, rejection.stage, rejection.kind, rejection.reason,
             rejection.document_id, run_id, t, t))

    # -- reading ---------------------------------------------------------------------------
    def count_documents(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def documents(self, *, limit: int | None = None, offset: int = 0,
                  order: str = "published") -> Iterator[Document]:
        orders = {"published": "published IS NULL, published, id", "ingested": "rowid"}
        sql = f"SELECT {DOC_COLUMNS} FROM documents ORDER BY {orders[order]}"
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        for row in self.conn.execute(sql, params):
            yield row_to_document(row)

    def resolve_id(self, prefix: str) -> str:
        """The full id of the one document whose id starts with ``prefix``."""
        prefix = prefix.strip().lower()
        if len(prefix) < 4 or any(ch not in "0123456789abcdef" for ch in prefix):
            raise DocumentNotFound(f"{prefix!r} is not a document id (give at least 4 hex digits)")
        rows = self.conn.execute(
            "SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
            (prefix, prefix + "g")).fetchall()
        if not rows:
            raise DocumentNotFound(f"no document id starts with {prefix!r}")
        if len(rows) > 1:
            raise DocumentNotFound(f"{prefix!r} is ambiguous: give more digits")
        return rows[0][0]

    def document(self, id_or_prefix: str) -> Document:
        doc_id = self.resolve_id(id_or_prefix)
        row = self.conn.execute(f"SELECT {DOC_COLUMNS} FROM documents WHERE id = ?",
                                (doc_id,)).fetchone()
        return row_to_document(row)

    def sources_of(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT source FROM document_sources WHERE document_id = ? ORDER BY rowid",
            (doc_id,))]

    def raw(self, doc_id: str) -> bytes:
        row = self.conn.execute("SELECT raw FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise DocumentNotFound(f"no document {doc_id}")
        return zlib.decompress(row[0])

    def rejected(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(
            "SELECT source, stage, kind, reason, document_id, run_id, first_at, last_at, times "
            "FROM rejected ORDER BY last_at, id")]

    def search(self, query: str, *, limit: int = 20) -> list[tuple[Document, str, float]]:
        """Full-text search (FTS5 syntax; plain words are ANDed). (document, snippet, rank).

        The snippet marks matched words as ``**word**``.

        A query that is not valid FTS5 ("Al-Qaeda's", an unbalanced quote) is searched as
        its plain words instead of failing.
        """
        try:
            rows = self._match(query, limit)
        except sqlite3.OperationalError:
            # FTS5 cannot take a NUL even inside a quoted string.
            words = ['"' + w.replace('"', '""') + '"' for w in query.replace("\0", " ").split()]
            try:
                rows = self._match(" ".join(words), limit) if words else []
            except sqlite3.OperationalError as exc:
                raise StoreError(f"cannot search for {query!r}: {exc}") from exc
        return [(row_to_document(r), r["snip"], r["rk"]) for r in rows]

    def _match(self, match: str, limit: int) -> list[sqlite3.Row]:
        columns = ", ".join("d." + c.strip() for c in DOC_COLUMNS.split(","))
        return self.conn.execute(
            f"SELECT {columns}, snippet(documents_fts, 1, '**', '**', '…', 12) AS snip, "
            "documents_fts.rank AS rk FROM documents_fts "
            "JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ? ORDER BY rk LIMIT ?", (match, limit)).fetchall()


def row_to_document(row: sqlite3.Row) -> Document:
    published = None
    if row["published"]:
        span = None
        if row["published_start"] is not None:
            start, end = row["published_start"], row["published_end"]
            span = Span(start, end, row["text"][start:end])
        published = PublishedDate(row["published"], row["published_precision"],
                                  row["published_from"], span)
    cited = tuple(
        CitedSource(c["name"], c["surface"], c["how"], c["known"],
                    Span(**c["span"]) if c.get("span") else None)
        for c in json.loads(row["cited_sources"]))
    return Document(
        id=row["id"], source=row["source"], source_path=row["source_path"], record=row["record"],
        container=row["container"], media=row["media"], url=row["url"], site=row["site"],
        title=row["title"], byline=row["byline"], published=published,
        language=row["language"], language_score=row["language_score"], text=row["text"],
        cited_sources=cited, fingerprint=row["fingerprint"], hints=json.loads(row["hints"]),
        ingested_at=row["ingested_at"])
