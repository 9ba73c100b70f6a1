"""``sitrep backup``: a consistent copy of a live database with SQLite's online backup API.

The copy is taken page by page (``BACKUP_PAGES`` at a time) from one read snapshot: in WAL
mode a reader never blocks the writer, so ``sitrep serve`` keeps answering and ``sitrep
analyze`` keeps committing while it runs, and because the snapshot is held for the whole copy,
their commits never restart it (without it SQLite starts a backup over whenever another
connection writes). The pages go to a temporary file beside the target, which is switched to
a rollback journal (one self-contained file), checked with ``PRAGMA quick_check``, synced and
only then renamed into place: a backup stopped half-way leaves no file that looks whole.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import StoreError

# Pages copied per step (4 MiB with SQLite's 4 KiB pages): progress between steps.
BACKUP_PAGES = 1024


@dataclass(frozen=True)
class BackupSummary:
    source: str
    target: str
    pages: int
    bytes: int

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "target": self.target, "pages": self.pages,
                "bytes": self.bytes}


def backup_database(source: str | Path, target: str | Path, *, overwrite: bool = False,
                    progress: Callable[[int, int], None] | None = None) -> BackupSummary:
    """Copy the database ``source`` to ``target`` (see the module docstring).
    ``progress(pages copied, pages in all)`` is called after each step."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise StoreError(f"{source}: no such database")
    if target.exists():
        if target.resolve() == source.resolve():
            raise StoreError(f"{target} is the database itself: back up to another file")
        if not overwrite:
            raise StoreError(f"{target} exists (give --force to replace it)")
        if not target.is_file():
            raise StoreError(f"{target} exists and is not a file")
    if not target.parent.is_dir():
        raise StoreError(f"{target.parent}: no such directory")
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        pages = _copy(source, temp, progress)
        _sync(temp)
        os.replace(temp, target)
        _sync(target.parent)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot back up {source} to {target}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot write {target}: {exc}") from exc
    finally:
        for leftover in (temp, *(temp.with_name(temp.name + s)
                                 for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return BackupSummary(str(source), str(target), pages, target.stat().st_size)


def _copy(source: Path, temp: Path, progress: Callable[[int, int], None] | None) -> int:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    dst = sqlite3.connect(temp, isolation_level=None)
    try:
        src.execute("PRAGMA busy_timeout = 30000")
        # Hold one read snapshot for the whole copy (see the module docstring).
        src.execute("BEGIN")
        pages = src.execute("PRAGMA page_count").fetchone()[0]
        src.backup(dst, pages=BACKUP_PAGES, progress=(
            None if progress is None else
            lambda status, remaining, total: progress(total - remaining, total)))
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode = DELETE")
        problems = [r[0] for r in dst.execute("PRAGMA quick_check(10)")]
        if problems != ["ok"]:
            raise StoreError(f"the copy fails PRAGMA quick_check: {'; '.join(problems)}")
        return pages
    finally:
        dst.close()
        src.close()


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
