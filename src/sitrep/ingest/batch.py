"""Ingest a batch: expand paths, read, clean, describe and store each document.

Resumable by construction: a document is stored in an atomic transaction under its content
hash, and one already stored is skipped before any work, so running the same command again
after a kill -9 stores each document exactly once and redoes only what was lost.
"""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExtractionError, InputError
from ..records import RawDocument, Rejection
from ..settings import Settings
from ..store import Store
from .process import process
from .readers import read_path

log = logging.getLogger(__name__)

GLOB_CHARS = set("*?[")


# Rejections kept in memory for the end-of-run report; all of them are in the store.
MAX_REPORTED_REJECTIONS = 1000


@dataclass
class RunSummary:
    run_id: int
    files: int = 0
    documents_new: int = 0
    documents_seen: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)  # the first 1000

    @property
    def all_failed(self) -> bool:
        """Nothing usable came out of the batch, and something was rejected."""
        return self.documents_new + self.documents_seen == 0 and self.rejected > 0

    def to_dict(self) -> dict[str, object]:
        return {"run_id": self.run_id, "files": self.files, "documents_new": self.documents_new,
                "documents_seen": self.documents_seen, "rejected": self.rejected,
                "rejections": [r.__dict__ for r in self.rejections]}


class Progress:
    """What a batch reports while it works (the CLI draws a rich progress bar from it)."""

    def start(self, files: int) -> None: ...
    def file_done(self, path: str) -> None: ...
    def document(self, new: bool) -> None: ...
    def rejected(self, rejection: Rejection) -> None: ...


def expand_paths(paths: Iterable[str]) -> Iterator[tuple[Path | None, str]]:
    """Files named by ``paths`` (files, directories walked recursively in sorted order,
    globs). Yields (path, shown name); a path that matches nothing yields (None, name)."""
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        full = Path(root) / name
                        yield full, str(full)
        elif p.is_file():
            yield p, given
        elif GLOB_CHARS & set(given):
            matches = sorted(glob.glob(given, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                yield None, given
            for f in files:
                yield f, str(f)
        else:
            yield None, given


def ingest_paths(paths: Iterable[str], store: Store, settings: Settings, *,
           command: str = "ingest", progress: Progress | None = None,
           on_document: Callable[[str], None] | None = None) -> RunSummary:
    progress = progress or Progress()
    paths = list(paths)
    files = list(expand_paths(paths))
    run_id = store.begin_run(command, paths, {"limits": settings.limits.__dict__})
    summary = RunSummary(run_id)
    progress.start(len(files))
    pending = 0
    status = "failed"
    store.conn.execute("BEGIN IMMEDIATE")
    try:
        for path, shown in files:
            summary.files += 1
            if path is None:
                _reject(store, summary, progress, Rejection(shown, "read", "missing",
                                                            "no such file or directory"), run_id)
            else:
                for item in read_path(path, settings.limits, source=shown):
                    if isinstance(item, InputError):
                        _reject(store, summary, progress, Rejection(
                            item.where(), "read", item.kind, item.reason), run_id)
                        continue
                    new = _store_one(item, store, settings, summary, progress, run_id)
                    if new is not None and on_document:
                        on_document(item.id)
                    pending += 1
                    if pending >= settings.commit_every:
                        store.conn.execute("COMMIT")
                        store.conn.execute("BEGIN IMMEDIATE")
                        pending = 0
            progress.file_done(shown)
        store.conn.execute("COMMIT")
        status = "done"
    finally:
        if store.conn.in_transaction:
            store.conn.execute("COMMIT")  # keep what was done before an interrupt
        store.update_run(run_id, status=status, files=summary.files,
                         documents_new=summary.documents_new,
                         documents_seen=summary.documents_seen, rejected=summary.rejected)
    return summary


def _store_one(raw: RawDocument, store: Store, settings: Settings, summary: RunSummary,
               progress: Progress, run_id: int) -> bool | None:
    """Process and store one document; True if new, False if already stored, None if rejected."""
    if store.has_document(raw.id):
        store.add_source(raw.id, raw.source, run_id)
        summary.documents_seen += 1
        progress.document(False)
        return False
    try:
        doc = process(raw, settings.limits)
    except (ExtractionError, InputError) as exc:
        kind = exc.kind if isinstance(exc, InputError) else "extraction"
        _reject(store, summary, progress, Rejection(raw.source, "clean", kind,
                                                    getattr(exc, "reason", str(exc)), raw.id),
                run_id)
        return None
    except Exception as exc:  # a bug on one document must not stop the batch
        log.exception("unexpected error on %s", raw.source)
        _reject(store, summary, progress, Rejection(
            raw.source, "clean", "error", f"internal error: {type(exc).__name__}: {exc}",
            raw.id), run_id)
        return None
    store.add_document(doc, raw, run_id)
    summary.documents_new += 1
    progress.document(True)
    return True


def _reject(store: Store, summary: RunSummary, progress: Progress, rejection: Rejection,
            run_id: int) -> None:
    store.add_rejection(rejection, run_id)
    summary.rejected += 1
    if len(summary.rejections) < MAX_REPORTED_REJECTIONS:
        summary.rejections.append(rejection)
    progress.rejected(rejection)
