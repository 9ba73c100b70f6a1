"""The analysis stage: run the language pipeline over every stored document that this
pipeline version has not analysed yet, and store what it finds.

Resumable like ingest: each batch of results is committed atomically with its ``analyses``
rows, and a document with a row for the current version is never analysed again; after a
kill -9 the next run picks up exactly the documents whose results were not committed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..records import Rejection
from ..settings import Settings
from ..store import Store
from ..store.mentions import count_pending, pending_documents, save_analysis
from .pipeline import DEFAULT_ANNOTATORS, analyze, pipeline_version


@dataclass
class StageSummary:
    analysed: int = 0
    skipped: int = 0
    failed: int = 0


class StageProgress:
    """What the stage reports while it works (the CLI draws a progress bar from it)."""

    def stage_start(self, name: str, total: int) -> None: ...
    def stage_advance(self) -> None: ...
    def rejected(self, rejection: Rejection) -> None: ...


def run_analysis(store: Store, settings: Settings, *, run_id: int | None = None,
                 progress: StageProgress | None = None) -> StageSummary:
    progress = progress or StageProgress()
    version = pipeline_version(settings.spacy_model, DEFAULT_ANNOTATORS)
    progress.stage_start("analyze", count_pending(store, version))
    summary = StageSummary()
    sources: dict[str, str] = {}

    texts: dict[str, str] = {}

    def documents():
        for doc in pending_documents(store, version):
            sources[doc.id] = doc.source
            texts[doc.id] = doc.text
            yield doc

    pending = 0
    store.conn.execute("BEGIN IMMEDIATE")
    try:
        for result in analyze(documents(), settings.spacy_model):
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
            progress.stage_advance()
            pending += 1
            if pending >= settings.commit_every:
                store.conn.execute("COMMIT")
                store.conn.execute("BEGIN IMMEDIATE")
                pending = 0
    finally:
        if store.conn.in_transaction:
            store.conn.execute("COMMIT")
    return summary
