"""The ``sitrep`` command: a thin layer over the library (parse arguments, call, print)."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from .errors import SitrepError
from .ingest.batch import Progress, RunSummary, ingest_paths
from .records import Rejection
from .settings import Settings, load_settings
from .store import Store, open_store
from .store.export import export as export_records

app = typer.Typer(
    name="sitrep",
    help="Turn crisis and conflict news into a sourced database of events and claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

EVAL_TASKS = ("extraction", "dates")


class State:
    settings: Settings = load_settings()


DbOption = Annotated[Path | None, typer.Option(
    "--db", help="SQLite database file [env SITREP_DB; default ./sitrep.db]",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.callback()
def main_options(db: DbOption = None) -> None:
    State.settings = load_settings(db_path=db)


def _store(*, readonly: bool = False) -> Store:
    return open_store(State.settings.db_path, readonly=readonly)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


# -- ingest / analyze --------------------------------------------------------------------------
class _RichProgress(Progress):
    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar = RichProgress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("files · {task.fields[docs]} docs · {task.fields[rej]} rejected"),
            TimeElapsedColumn(), console=err, disable=quiet, transient=False)
        self.task = self.bar.add_task("ingest", total=0, docs=0, rej=0)
        self.docs = self.rej = 0

    def start(self, files: int) -> None:
        self.bar.update(self.task, total=files)

    def file_done(self, path: str) -> None:
        self.bar.advance(self.task)

    def document(self, new: bool) -> None:
        self.docs += 1
        self.bar.update(self.task, docs=self.docs)

    def rejected(self, rejection: Rejection) -> None:
        self.rej += 1
        self.bar.update(self.task, rej=self.rej)
        self.bar.console.print(f"[yellow]rejected[/] {escape(rejection.message())}",
                               highlight=False, soft_wrap=True)


def _run_ingest(paths: list[str], quiet: bool, as_json: bool, command: str) -> None:
    progress = _RichProgress(quiet or as_json)
    try:
        with _store() as store, progress.bar:
            summary = ingest_paths(paths, store, State.settings, command=command, progress=progress)
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if as_json:
        _print_json(summary.to_dict())
    elif not quiet:
        _print_summary(summary)
    if summary.all_failed:
        raise typer.Exit(1)


def _print_summary(s: RunSummary) -> None:
    out.print(f"run {s.run_id}: {s.files} file(s), [green]{s.documents_new} new[/] document(s), "
              f"{s.documents_seen} already stored, "
              f"[{'yellow' if s.rejected else 'green'}]{s.rejected} rejected[/] "
              f"→ {State.settings.db_path}", highlight=False)


PathsArg = Annotated[list[str], typer.Argument(help="Files, directories (recursive) or globs.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]


@app.command("ingest")
def ingest_cmd(paths: PathsArg, quiet: QuietOption = False, as_json: JsonOption = False) -> None:
    """Read documents (HTML, text, WARC, RSS/Atom, JSONL; .gz too), clean them and store them."""
    _run_ingest(paths, quiet, as_json, "ingest")


@app.command("analyze")
def analyze_cmd(paths: PathsArg, quiet: QuietOption = False, as_json: JsonOption = False) -> None:
    """Ingest, then run every analysis stage this version has, on the new documents."""
    _run_ingest(paths, quiet, as_json, "analyze")


# -- listing ----------------------------------------------------------------------------------
@app.command("docs")
def docs_cmd(as_json: JsonOption = False,
             limit: Annotated[int | None, typer.Option(help="At most this many.")] = None) -> None:
    """List stored documents, oldest publication date first."""
    with _store(readonly=True) as store:
        docs = list(store.documents(limit=limit))
    if as_json:
        _print_json([d.to_dict() for d in docs])
        return
    table = Table(title=f"{len(docs)} document(s)", title_justify="left", expand=True)
    table.add_column("id", no_wrap=True, min_width=8)
    table.add_column("published", no_wrap=True, min_width=10)
    table.add_column("site", overflow="ellipsis", no_wrap=True, ratio=1)
    table.add_column("title", overflow="fold", ratio=4)
    table.add_column("lang", no_wrap=True)
    table.add_column("cited", no_wrap=True, justify="right")
    for d in docs:
        table.add_row(d.id[:8], d.published.value[:10] if d.published else "—",
                      d.site or "—", d.title or "—", d.language or "?",
                      str(len(d.cited_sources)))
    out.print(table)


@app.command("show")
def show_cmd(doc_id: Annotated[str, typer.Argument(help="Document id or a prefix of it.")],
             as_json: JsonOption = False) -> None:
    """Show one document: metadata and clean text."""
    try:
        with _store(readonly=True) as store:
            doc = store.document(doc_id)
            sources = store.sources_of(doc.id)
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    data = {**doc.to_dict(), "seen_in": sources}
    if as_json:
        _print_json(data)
        return
    for key in ("id", "source", "url", "site", "title", "byline", "published",
                "published_precision", "published_from", "language"):
        out.print(f"[bold]{key:>20}[/] {escape(str(data[key]))}", highlight=False)
    cited = ", ".join(f"{c.name} ({c.how})" for c in doc.cited_sources) or "—"
    out.print(f"[bold]{'cited_sources':>20}[/] {escape(cited)}", highlight=False)
    if len(sources) > 1:
        out.print(f"[bold]{'also seen in':>20}[/] {escape(', '.join(sources[1:]))}")
    out.print()
    out.print(escape(doc.text), highlight=False)


@app.command("rejected")
def rejected_cmd(as_json: JsonOption = False) -> None:
    """List files and records that could not be ingested, and why."""
    with _store(readonly=True) as store:
        rows = store.rejected()
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} rejected", title_justify="left")
    for col in ("source", "stage", "kind", "reason", "times"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["source"], r["stage"], r["kind"], r["reason"], str(r["times"]))
    out.print(table)


@app.command("runs")
def runs_cmd(as_json: JsonOption = False) -> None:
    """List ingest runs with their counts."""
    with _store(readonly=True) as store:
        rows = store.runs()
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} run(s)", title_justify="left")
    for col in ("id", "command", "started", "status", "files", "new", "seen", "rejected"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), r["command"], r["started_at"], r["status"], str(r["files"]),
                      str(r["documents_new"]), str(r["documents_seen"]), str(r["rejected"]))
    out.print(table)


@app.command("search")
def search_cmd(query: Annotated[str, typer.Argument(help="Words or an FTS5 query.")],
               as_json: JsonOption = False,
               limit: Annotated[int, typer.Option(min=1, max=1000)] = 20) -> None:
    """Full-text search over clean text and titles."""
    with _store(readonly=True) as store:
        hits = store.search(query, limit=limit)
    if as_json:
        _print_json([{**doc.to_dict(with_text=False), "snippet": snip, "rank": rank}
                     for doc, snip, rank in hits])
        return
    for doc, snip, _ in hits:
        out.print(f"[bold]{doc.id[:12]}[/] {escape(doc.title or '—')}", highlight=False)
        marked = re.sub(r"\*\*(.+?)\*\*", r"[bold yellow]\1[/]", escape(snip))
        out.print(f"    {marked}", highlight=False)
    if not hits:
        err.print("no matches")


@app.command("export")
def export_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="jsonl | csv | geojson | parquet")] = "jsonl",
    what: Annotated[str, typer.Option(help="documents | events | claims")] = "documents",
) -> None:
    """Write records to a file (written to a temporary name, then moved into place)."""
    if fmt not in ("jsonl", "csv", "geojson", "parquet"):
        err.print(f"[red]error:[/] unknown format {fmt!r}: jsonl, csv, geojson or parquet")
        raise typer.Exit(2)
    if what not in ("documents", "events", "claims"):
        err.print(f"[red]error:[/] unknown record kind {what!r}: documents, events or claims")
        raise typer.Exit(2)
    try:
        with _store(readonly=True) as store:
            n = export_records(store, fmt, what, output)  # type: ignore[arg-type]
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    err.print(f"wrote {n} {what} to {output}")


@app.command("eval")
def eval_cmd(
    task: Annotated[str, typer.Argument(help=f"One of: {', '.join(EVAL_TASKS)}")],
    data: Annotated[Path, typer.Option(help="Data folder or gold file of that task.")],
    as_json: JsonOption = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N items.")] = None,
    floor: Annotated[list[str] | None, typer.Option(
        help="KEY=VALUE: fail (exit 1) if the report's KEY (dotted path) is below VALUE.")
    ] = None,
) -> None:
    """Measure a stage against gold data and print the scores."""
    if task not in EVAL_TASKS:
        err.print(f"[red]error:[/] unknown task {task!r}; choose from {', '.join(EVAL_TASKS)}")
        raise typer.Exit(2)
    module = importlib.import_module(f"sitrep.evaluate.{task}")
    try:
        report = module.run(data, limit=limit)
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    if as_json:
        _print_json(report)
    else:
        out.print(module.format_report(report), highlight=False)
    failed = [msg for spec in floor or [] if (msg := _below_floor(report, spec))]
    for msg in failed:
        err.print(f"[red]below floor:[/] {msg}")
    if failed:
        raise typer.Exit(1)


def _below_floor(report: dict[str, Any], spec: str) -> str | None:
    """A message if the report value at KEY is below the floor in ``spec`` (KEY=VALUE)."""
    key, sep, value = spec.partition("=")
    if not sep:
        raise typer.BadParameter(f"--floor {spec!r}: expected KEY=VALUE")
    node: Any = report
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return f"{key}: not in the report"
        node = node[part]
    if not isinstance(node, int | float) or node < float(value):
        return f"{key} = {node} < {value}"
    return None


def main() -> None:
    try:
        app()
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(1)
