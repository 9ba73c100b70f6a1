"""Ingest a batch: expand paths, read, clean, describe and store each document.

Resumable by construction: a document is stored in an atomic transaction under its content
hash, and one already stored is skipped before any work, so running the same command again
after a kill -9 stores each document exactly once and redoes only what was lost.

With ``settings.workers`` above 1, cleaning and describing (trafilatura, dates, language) run
in worker processes (``sitrep.scale.workers``) while this process reads the files and, as
the one writer, stores each result in reading order: the database ends the same as with
one process.
"""

from __future__ import annotations

import dataclasses
import glob
import logging
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExtractionError, InputError, MalformedInput
from ..records import Document, RawDocument, Rejection
from ..scale.workers import check_workers, ordered_map
from ..settings import Limits, Settings, default_workers
from ..store import Store
from ..store.sqlite import now
from .process import process
from .readers import read_path

log = logging.getLogger(__name__)

GLOB_CHARS = set("*?[")


# Rejections kept in memory for the end-of-run report; all of them are in the store.
MAX_REPORTED_REJECTIONS = 1000
# Documents a worker process cleans per task (a few tens of milliseconds each).
TASK_DOCUMENTS = 16
# By default worker processes start only once this many documents need cleaning: starting
# one (spawn, import trafilatura) costs about what cleaning 50 documents does.
MIN_DOCUMENTS_FOR_WORKERS = 200
# Documents are read and cleaned outside any transaction, then written together, commit_every
# documents or this many bytes of raw input at a time (whichever comes first): the write lock
# is held for the writing only, so `sitrep serve --review` waits milliseconds, not the time it
# takes to clean a batch of large pages; and the bytes held waiting stay bounded.
COMMIT_BYTES = 64 * 1024 * 1024


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
    check_workers(settings.workers)
    paths = list(paths)
    files = list(expand_paths(paths))
    run_id = store.begin_run(command, paths, {"limits": settings.limits.__dict__})
    summary = RunSummary(run_id)
    progress.start(len(files))
    status = "failed"
    events = _read(files, settings, summary)
    workers = default_workers() if settings.workers is None else settings.workers
    # Cleaning happens here, before the batch is written, or in worker processes ahead of it.
    steps = ((event, None) for event in events) if workers == 1 else \
        _cleaned_in_workers(events, store, settings, workers)
    waiting: list[tuple[Event, Document | tuple[str, str] | None]] = []
    waiting_bytes = 0
    stamp = ""

    def write() -> None:
        nonlocal waiting_bytes, stamp
        batch = waiting.copy()  # taken first: a failed write is not tried again on the way out
        waiting.clear()
        waiting_bytes = 0
        if batch:
            # Documents are stamped as they are stored, never earlier than the last ones
            # (the clock may step back): the stamps follow the order of storing, which the
            # "ingested later" rule of the link stage relies on. A stamp taken where the
            # document was cleaned would not: workers finish out of order.
            stamp = max(stamp, now())
            with store.transaction():
                for event, cleaned in batch:
                    _write_one(event, cleaned, store, settings, summary, progress, run_id,
                               on_document, stamp)

    try:
        for event, cleaned in steps:
            if isinstance(event, RawDocument):
                if cleaned is None and not store.has_document(event.id):
                    cleaned = _clean(event, settings.limits)
                waiting_bytes += len(event.raw)
            waiting.append((event, cleaned))
            if len(waiting) >= settings.commit_every or waiting_bytes >= COMMIT_BYTES:
                write()
        write()
        status = "done"
    finally:
        steps.close()  # stops the workers when the run ends early
        write()  # keep what was done before an interrupt
        store.update_run(run_id, status=status, files=summary.files,
                         documents_new=summary.documents_new,
                         documents_seen=summary.documents_seen, rejected=summary.rejected)
    return summary


@dataclass(frozen=True)
class _Missing:
    shown: str


@dataclass(frozen=True)
class _FileDone:
    shown: str


Event = _Missing | InputError | RawDocument | _FileDone


def _read(files: list[tuple[Path | None, str]], settings: Settings,
          summary: RunSummary) -> Iterator[Event]:
    """What reading the files meets, in order: a missing path, a read error, a document, the
    end of a file."""
    for path, shown in files:
        summary.files += 1
        if path is None:
            yield _Missing(shown)
        else:
            try:
                yield from read_path(path, settings.limits, source=shown)
            except Exception as exc:  # a reader's bug on one file must not stop the batch
                log.exception("unexpected error reading %s", shown)
                yield MalformedInput(f"internal error while reading: {type(exc).__name__}: "
                                     f"{exc}", source=shown)
        yield _FileDone(shown)


def _write_one(event: Event, cleaned: Document | tuple[str, str] | None, store: Store,
               settings: Settings, summary: RunSummary, progress: Progress, run_id: int,
               on_document: Callable[[str], None] | None, stamp: str) -> None:
    """Store what reading met (a document, stamped ``stamp``, or why a path or record was
    refused)."""
    if isinstance(event, _FileDone):
        progress.file_done(event.shown)
    elif isinstance(event, _Missing):
        _reject(store, summary, progress, Rejection(event.shown, "read", "missing",
                                                    "no such file or directory"), run_id)
    elif isinstance(event, InputError):
        _reject(store, summary, progress, Rejection(
            event.where(), "read", event.kind, event.reason), run_id)
    else:
        new = _store_one(event, store, settings, summary, progress, run_id, stamp, cleaned)
        if new is not None and on_document:
            on_document(event.id)


def _store_one(raw: RawDocument, store: Store, settings: Settings, summary: RunSummary,
               progress: Progress, run_id: int, stamp: str,
               cleaned: Document | tuple[str, str] | None = None) -> bool | None:
    """Process and store one document, ingested at ``stamp``; True if new, False if already
    stored, None if rejected. ``cleaned`` is what a worker made of it (a Document, or why it
    was rejected), when one did."""
    if store.has_document(raw.id):
        store.add_source(raw.id, raw.source, run_id)
        summary.documents_seen += 1
        progress.document(False)
        return False
    doc = cleaned if cleaned is not None else _clean(raw, settings.limits)
    if isinstance(doc, tuple):
        kind, reason = doc
        _reject(store, summary, progress, Rejection(raw.source, "clean", kind, reason, raw.id),
                run_id)
        return None
    store.add_document(dataclasses.replace(doc, ingested_at=stamp), raw, run_id)
    summary.documents_new += 1
    progress.document(True)
    return True


def _clean(raw: RawDocument, limits: Limits) -> Document | tuple[str, str]:
    """The document, or (kind, reason) of its rejection."""
    try:
        return process(raw, limits)
    except (ExtractionError, InputError) as exc:
        kind = exc.kind if isinstance(exc, InputError) else "extraction"
        return kind, getattr(exc, "reason", str(exc))
    except Exception as exc:  # a bug on one document must not stop the batch
        log.exception("unexpected error on %s", raw.source)
        return "error", f"internal error: {type(exc).__name__}: {exc}"


# -- cleaning in worker processes -------------------------------------------------------------
def _cleaned_in_workers(events: Iterable[Event], store: Store, settings: Settings, workers: int
                        ) -> Generator[tuple[Event, Document | tuple[str, str] | None], None, None]:
    """Each event with what a worker made of it (None: it needed no cleaning), in order."""
    def work(event: Event) -> RawDocument | None:
        # A document already stored needs no cleaning (one stored by an earlier document of
        # this run is caught by _store_one when its turn comes, as in the single-process loop).
        if isinstance(event, RawDocument) and not store.has_document(event.id):
            return event
        return None

    stream = ordered_map(
        events, _clean_task, workers=workers, batch_size=TASK_DOCUMENTS, work=work,
        initializer=_start_worker, initargs=(settings.limits,),
        start_after=MIN_DOCUMENTS_FOR_WORKERS if settings.workers is None else TASK_DOCUMENTS)
    try:
        yield from stream
    finally:
        stream.close()


_worker_limits: Limits | None = None


def _start_worker(limits: Limits) -> None:
    global _worker_limits
    _worker_limits = limits


def _clean_task(raws: list[RawDocument]) -> list[Document | tuple[str, str]]:
    assert _worker_limits is not None, "the worker was not started with _start_worker"
    return [_clean(raw, _worker_limits) for raw in raws]


def _reject(store: Store, summary: RunSummary, progress: Progress, rejection: Rejection,
            run_id: int) -> None:
    store.add_rejection(rejection, run_id)
    summary.rejected += 1
    if len(summary.rejections) < MAX_REPORTED_REJECTIONS:
        summary.rejections.append(rejection)
    progress.rejected(rejection)
