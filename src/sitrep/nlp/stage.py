"""The analysis stage: run the language pipeline over every stored document that this
pipeline version has not analysed yet, and store what it finds.

Resumable like ingest: each batch of results is committed atomically with its ``analyses``
rows, and a document with a row for the current version is never analysed again; after a
kill -9 the next run picks up exactly the documents whose results were not committed.

With ``settings.workers`` above 1, worker processes parse and annotate batches of documents
(``sitrep.scale.workers``) and this process, the one writer, stores their results in the
order it read the documents: the database ends the same as with one process.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass

from ..records import Document, Rejection
from ..scale.workers import ordered_map, plan_workers
from ..settings import Settings
from ..store import Store
from ..store.mentions import count_pending, pending_documents, save_analysis
from .pipeline import DEFAULT_ANNOTATORS, Analysis, analyze, pipeline_version, preload

# Documents a worker process analyses per task: small enough that the workers finish close
# together at the end of a run, large enough that spaCy batches well.
TASK_DOCUMENTS = 16
# By default a worker is started only for each this many documents: starting one (spawn,
# import spaCy, load the model) costs about what analysing 30 documents does.
MIN_DOCUMENTS_PER_WORKER = 100


@dataclass
class StageSummary:
    analysed: int = 0
    skipped: int = 0
    failed: int = 0
    workers: int = 1  # processes that parsed and annotated (1: this one)
    seconds: float = 0.0  # wall time of the stage


class StageProgress:
    """What the stage reports while it works (the CLI draws a progress bar from it)."""

    def stage_start(self, name: str, total: int) -> None: ...
    def stage_advance(self) -> None: ...
    def rejected(self, rejection: Rejection) -> None: ...


def run_analysis(store: Store, settings: Settings, *, run_id: int | None = None,
                 progress: StageProgress | None = None) -> StageSummary:
    started = time.perf_counter()
    progress = progress or StageProgress()
    version = pipeline_version(settings.spacy_model, DEFAULT_ANNOTATORS)
    total = count_pending(store, version)
    workers = plan_workers(settings.workers, total, batch_size=TASK_DOCUMENTS,
                           min_documents_per_worker=MIN_DOCUMENTS_PER_WORKER)
    progress.stage_start("analyze", total)
    summary = StageSummary(workers=workers)
    sources: dict[str, str] = {}

    texts: dict[str, str] = {}

    def documents():
        for doc in pending_documents(store, version):
            sources[doc.id] = doc.source
            texts[doc.id] = doc.text
            yield doc

    if workers == 1:
        results: Generator[Analysis, None, None] = analyze(documents(), settings.spacy_model)
    else:
        results = _in_workers(documents(), settings, workers)
    pending: list[Analysis] = []

    def store_pending() -> None:
        # Results wait here and are written in one short transaction per batch: the write
        # lock is held while writing, not while the pipeline analyses the next documents, so
        # a review posted to `sitrep serve` meanwhile waits milliseconds, not a batch.
        batch = pending.copy()
        pending.clear()
        if not batch:
            return
        with store.transaction():
            for result in batch:
                save_analysis(store, result.document_id, result.status, result.detail,
                              result.found, version, run_id, texts.pop(result.document_id, ""))
                if result.status == "failed":
                    rejection = Rejection(sources.pop(result.document_id), "nlp", "error",
                                          result.detail or "failed", result.document_id)
                    store.add_rejection(rejection, run_id)
                    progress.rejected(rejection)
                    summary.failed += 1
                else:
                    sources.pop(result.document_id, None)
                    if result.status == "skipped":
                        summary.skipped += 1
                    else:
                        summary.analysed += 1

    try:
        for result in results:
            pending.append(result)
            progress.stage_advance()
            if len(pending) >= settings.commit_every:
                store_pending()
    finally:
        results.close()  # stops the workers when the run ends early
        store_pending()  # keep what was done before an interrupt
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _in_workers(documents: Iterable[Document], settings: Settings,
                workers: int) -> Generator[Analysis, None, None]:
    stream = ordered_map(documents, _analyze_task, workers=workers, batch_size=TASK_DOCUMENTS,
                         initializer=_start_worker,
                         initargs=(settings.spacy_model, DEFAULT_ANNOTATORS))
    try:
        for _, analysis in stream:
            assert analysis is not None
            yield analysis
    finally:
        stream.close()


# -- in a worker process ----------------------------------------------------------------------
_worker_setup: tuple[str, tuple[str, ...]] | None = None


def _start_worker(model: str, annotators: tuple[str, ...]) -> None:
    """Load the model and the annotators once, before the first task (what ``analyze`` would
    otherwise do on its first call)."""
    global _worker_setup
    preload(model, annotators)
    _worker_setup = (model, annotators)


def _analyze_task(documents: list[Document]) -> list[Analysis]:
    assert _worker_setup is not None, "the worker was not started with _start_worker"
    model, annotators = _worker_setup
    return list(analyze(documents, model, annotators=annotators))
