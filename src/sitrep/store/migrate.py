"""Numbered schema migrations (``migrations/NNNN_name.sql``) tracked by PRAGMA user_version."""

from __future__ import annotations

import re
import sqlite3
from importlib import resources

from ..errors import StoreError

_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, sql) for every migration file, in order."""
    found = []
    for entry in resources.files("sitrep.store").joinpath("migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append((int(m[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise StoreError(f"migrations are not numbered 1..N without gaps: {numbers}")
    return found


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration newer than the database; each in its own transaction."""
    current = schema_version(conn)
    known = migrations()
    if current > len(known):
        raise StoreError(f"database schema version {current} is newer than this sitrep "
                         f"({len(known)}); upgrade sitrep")
    for number, name, sql in known[current:]:
        try:
            conn.execute("BEGIN IMMEDIATE")
            # executescript would commit first; run statements one by one inside BEGIN.
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"migration {name} failed: {exc}") from exc
    return schema_version(conn)


def _statements(sql: str) -> list[str]:
    """Split a script into complete statements (triggers contain ';' inside BEGIN…END)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not current.strip():
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
