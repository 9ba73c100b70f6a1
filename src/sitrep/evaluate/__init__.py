"""Scorers, one module per task, shared by the CLI (``sitrep eval <task>``) and the tests.

Each scorer module has ``TASK`` (its name), ``run(data, *, limit=None, progress=None) -> dict``
(a JSON-serializable report comparing sitrep with the bare library it builds on, over the same
pages in the same run) and ``format_report(report) -> str`` (plain-text tables).
"""

from __future__ import annotations

from types import ModuleType

from ..errors import EvaluationError
from . import dates, extraction

SCORERS: dict[str, ModuleType] = {extraction.TASK: extraction, dates.TASK: dates}


def scorer(task: str) -> ModuleType:
    """The scorer module for a task name; EvaluationError naming the known tasks otherwise."""
    try:
        return SCORERS[task]
    except KeyError:
        known = ", ".join(sorted(SCORERS))
        raise EvaluationError(f"no evaluation task {task!r} (known: {known})") from None


__all__ = ["SCORERS", "dates", "extraction", "scorer"]
