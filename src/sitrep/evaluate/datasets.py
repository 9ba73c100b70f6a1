"""Where an evaluation set lives on disk, and how its gold entries and HTML pages are read.

Every set has the layout of the trafilatura and htmldate evaluation data::

    <folder>/<any name>.json     gold: {"<url>": {"file": "<html file name>", ...}, ...}
    <folder>/html/<file>.gz      the raw page, gzip-compressed (or html/<file> uncompressed)

``--data`` names the folder or the gold JSON file itself, so another split of the same data
(another folder, another JSON name) works unchanged.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..errors import EvaluationError
from ..settings import Limits

# Called after each scored entry with (entries done, entries in the run).
Progress = Callable[[int, int], None]

HTML_FOLDER = "html"
_GZIP_MAGIC = b"\x1f\x8b"
# A page bigger than this (decompressed) is unreadable for every system alike: the same bound
# sitrep applies to one document, so a gzip bomb in a data folder cannot exhaust memory.
MAX_PAGE_BYTES = Limits().max_document_bytes


@dataclass(frozen=True)
class Entry:
    url: str  # the gold key
    file: str  # html file name as the gold writes it (without .gz)
    gold: dict[str, Any]


@dataclass(frozen=True)
class Dataset:
    gold_path: Path
    html_dir: Path
    entries: tuple[Entry, ...]  # sorted by url

    def sample(self, limit: int | None) -> tuple[Entry, ...]:
        """The first ``limit`` entries in sorted key order (all of them when None)."""
        return first(self.entries, limit)

    def page(self, entry: Entry) -> bytes | None:
        """The raw HTML of an entry, or None when its file is missing or unreadable."""
        path = self.page_path(entry)
        if path is None:
            return None
        try:
            with path.open("rb") as f:
                head = f.read(2)
            if head == _GZIP_MAGIC:
                with gzip.open(path, "rb") as f:
                    data = f.read(MAX_PAGE_BYTES + 1)
            else:
                data = path.read_bytes()
        except (OSError, EOFError, gzip.BadGzipFile):
            return None
        return data if len(data) <= MAX_PAGE_BYTES else None

    def page_path(self, entry: Entry) -> Path | None:
        """``html/<file>.gz`` if present, else ``html/<file>``; None if neither is a file."""
        for name in (entry.file + ".gz", entry.file):
            path = self.html_dir / name
            # Gold file names come from data, not code: never leave the html folder.
            if not _inside(path, self.html_dir):
                return None
            if path.is_file():
                return path
        return None


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.normpath(path)).is_relative_to(os.path.normpath(folder))


def load_dataset(data: Path | str, *, task: str, required: tuple[str, ...]) -> Dataset:
    """Find the gold JSON (``data`` itself, or the single ``*.json`` in the folder ``data``),
    check that its entries carry the ``required`` fields, and locate the html folder."""
    gold_path = find_gold(Path(data))
    html_dir = gold_path.parent / HTML_FOLDER
    if not html_dir.is_dir():
        raise EvaluationError(
            f"no {HTML_FOLDER}/ folder next to the gold file {gold_path} "
            f"(pages are read from {html_dir}/<file>.gz)"
        )
    try:
        raw = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise EvaluationError(f"cannot read the gold file {gold_path}: {err}") from err
    if not isinstance(raw, dict) or not raw:
        raise EvaluationError(
            f"{gold_path} is not a gold file: expected a non-empty JSON object "
            '{"<url>": {"file": ..., ...}}'
        )
    entries = []
    for url in sorted(raw):
        value = raw[url]
        if not isinstance(value, dict):
            raise EvaluationError(f"{gold_path}: entry {url!r} is not a JSON object")
        missing = [name for name in required if name not in value]
        if missing:
            raise EvaluationError(
                f"{gold_path} is not gold for the {task} task: entry {url!r} lacks "
                f"{', '.join(repr(m) for m in missing)} ({task} entries need "
                f"{', '.join(repr(r) for r in required)})"
            )
        if not isinstance(value["file"], str) or not value["file"]:
            raise EvaluationError(f"{gold_path}: entry {url!r} has no html file name")
        entries.append(Entry(url=url, file=value["file"], gold=value))
    return Dataset(gold_path=gold_path, html_dir=html_dir, entries=tuple(entries))


def find_gold(data: Path) -> Path:
    if not data.exists():
        raise EvaluationError(
            f"evaluation data not found: {data} does not exist (pass the folder that holds the "
            f"gold *.json and its {HTML_FOLDER}/ folder, or the gold JSON file itself)"
        )
    if data.is_file():
        return data
    candidates = sorted(p for p in data.glob("*.json") if p.is_file())
    if not candidates:
        raise EvaluationError(
            f"no gold *.json file in {data} (expected <name>.json next to {HTML_FOLDER}/)"
        )
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        raise EvaluationError(
            f"several *.json files in {data} ({names}): pass the gold file itself as the data"
        )
    return candidates[0]


def single_file(data: Path, suffix: str, what: str) -> Path:
    """``data`` itself, or the one ``*.<suffix>`` file in the folder ``data`` (``what``
    names it in the error: "snippets .tsv file")."""
    if not data.exists():
        raise EvaluationError(f"evaluation data not found: {data} does not exist (pass the "
                              f"{what} or the folder that holds it)")
    if data.is_file():
        return data
    candidates = sorted(p for p in data.glob(f"*.{suffix}") if p.is_file())
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise EvaluationError(f"expected one *.{suffix} file in {data} (found: {found}); pass "
                              f"the {what} itself as the data")
    return candidates[0]


def with_progress(
    entries: tuple[Entry, ...], progress: Progress | None
) -> Iterator[tuple[int, Entry]]:
    """Entries numbered from 1; ``progress`` is told after each one is done."""
    total = len(entries)
    for done, entry in enumerate(entries, start=1):
        yield done, entry
        if progress is not None:
            progress(done, total)


def pages(dataset: Dataset, entries: tuple[Entry, ...], progress: Progress | None,
          missing: list[str]) -> Iterator[tuple[Entry, bytes]]:
    """(entry, html) for each entry whose page file exists, with progress; the file names of
    missing pages are appended to ``missing`` (reported, not scored)."""
    for _, entry in with_progress(entries, progress):
        html = dataset.page(entry)
        if html is None:
            missing.append(entry.file)
            continue
        yield entry, html


SequenceT = TypeVar("SequenceT", bound=Sequence[Any])


def first(items: SequenceT, limit: int | None) -> SequenceT:
    """The first ``limit`` items (all of them when None), for ``--limit`` in every scorer."""
    if limit is None:
        return items
    if limit < 0:
        raise EvaluationError(f"limit must be zero or more, not {limit}")
    return items[:limit]  # type: ignore[return-value]
