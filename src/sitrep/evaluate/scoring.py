"""Shared by the scorers: per-system timing, failure labels and counts, ratios and plain-text
tables."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import SitrepError


class Clock:
    """Seconds spent per system, so each system is timed on exactly its own calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(
        self, name: str, call: Callable[..., Any], *args: Any
    ) -> tuple[Any, BaseException | None]:
        """``call(*args)``'s result and None, or None and the exception it raised."""
        start = time.perf_counter()
        try:
            result, error = call(*args), None
        except Exception as err:  # one page never stops an evaluation: it is counted
            result, error = None, err
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        return result, error


def failure_kind(error: BaseException) -> str:
    """``ExtractionError: no main text found`` style label for a counted failure."""
    reason = getattr(error, "reason", None) or str(error) or ""
    reason = reason.splitlines()[0][:80] if reason else ""
    return f"{type(error).__name__}: {reason}" if reason else type(error).__name__


@dataclass
class Failures:
    """The exceptions one system raised over a run: all of them, the crashes among them (not a
    SitrepError: bugs, not refusals), and how many of each kind (see ``failure_kind``)."""

    count: int = 0
    crashes: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def add(self, error: BaseException) -> str:
        """Count ``error``; its kind."""
        self.count += 1
        self.crashes += int(not isinstance(error, SitrepError))
        kind = failure_kind(error)
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        return kind

    def report(self) -> dict[str, Any]:
        """The report fields: ``failures``, ``crashes`` and ``failure_kinds`` (most first)."""
        return {
            "failures": self.count,
            "crashes": self.crashes,
            "failure_kinds": dict(sorted(self.kinds.items(), key=lambda kv: -kv[1])),
        }


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as aligned text lines: first column left, the others right; a rule under row 0."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out
