"""The ``sitrep`` command: a thin layer over the library (parse arguments, call, print)."""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from .errors import SitrepError
from .evaluate import TASKS, scorer
from .ingest.batch import Progress, RunSummary, ingest_paths
from .records import Rejection
from .scale.commands import register as register_scale
from .settings import Settings, load_settings
from .store import Store, consolidated, open_store
from .store.claims import claim_rows
from .store.events import event_rows
from .store.export import export as export_records
from .store.links import document_links, link_rows, origin_of
from .store.mentions import actor_table, document_mentions, place_table

app = typer.Typer(
    name="sitrep",
    help="Turn crisis and conflict news into a sourced database of events and claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)



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


@contextlib.contextmanager
def _exit_2_on_error() -> Iterator[None]:
    """A SitrepError (bad input, a file that is not a sitrep database, a missing setup step)
    becomes its message on stderr and exit status 2."""
    try:
        yield
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc


# -- ingest / analyze --------------------------------------------------------------------------
class _DocsPerSecond(ProgressColumn):
    """Documents per second: since the task started, then (once that is long enough to
    smooth out batches of results arriving together) over rich's last 30 s."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0
        if task.fields.get("unit") == "docs" and task.speed and elapsed > _RATE_WINDOW_S:
            rate: float | None = task.speed
        else:
            rate = task.fields.get("docs", 0) / elapsed if elapsed else None
        return Text(f"{rate:.1f} docs/s" if rate else "- docs/s", style="progress.data.speed")


_RATE_WINDOW_S = 30  # rich's default speed_estimate_period


class _RichProgress(Progress):
    """Progress of ingest (files) and of the analysis stage (documents), on stderr: counts,
    docs/s, elapsed time and ETA."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar = RichProgress(
            TextColumn("[bold]{task.description:8}"), BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]} · {task.fields[docs]} docs · {task.fields[rej]} "
                       "rejected"), _DocsPerSecond(), TimeElapsedColumn(),
            TextColumn("ETA"), TimeRemainingColumn(),
            console=err, disable=quiet, transient=False)
        self.task = self.bar.add_task("ingest", total=0, docs=0, rej=0, unit="files")
        self.docs = self.rej = 0

    def stage_start(self, name: str, total: int) -> None:
        self.docs = self.rej = 0
        self.task = self.bar.add_task(name, total=total, docs=0, rej=0, unit="docs")

    def stage_advance(self) -> None:
        self.docs += 1
        self.bar.update(self.task, advance=1, docs=self.docs)

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


def _run_ingest(paths: list[str], quiet: bool, as_json: bool, command: str,
                workers: int | None) -> None:
    from .scale.workers import check_workers

    State.settings = State.settings.replace(workers=workers)  # None: all cores
    progress = _RichProgress(quiet or as_json)
    stage = links = merged = None
    with _exit_2_on_error():
        check_workers(State.settings.workers)
        with _store() as store, progress.bar:
            summary = ingest_paths(paths, store, State.settings, command=command,
                                   progress=progress)
            if command == "analyze":
                # The language pipeline (spaCy) is imported only when it runs: listing
                # commands stay fast.
                from .link.stage import run_links
                from .nlp.gazetteer import index_path
                from .nlp.stage import run_analysis

                if not index_path(State.settings.cache_dir).exists() and not (quiet or as_json):
                    progress.bar.console.print(
                        "building the offline gazetteer index once, in "
                        f"{State.settings.cache_dir} (about a minute)…", highlight=False)
                stage = run_analysis(store, State.settings, run_id=summary.run_id,
                                     progress=progress)
                links = run_links(store, run_id=summary.run_id, progress=progress)
                merged = consolidated.update_events(store)
    if as_json:
        _print_json(summary.to_dict() | ({"analysis": stage.__dict__} if stage else {})
                    | ({"links": links.__dict__} if links else {})
                    | ({"events": merged.__dict__} if merged else {}))
    elif not quiet:
        _print_summary(summary)
        if stage:
            out.print(f"analysis: {stage.analysed} document(s) analysed, {stage.skipped} "
                      f"skipped (language), {stage.failed} failed"
                      + (f" ({stage.workers} worker processes)" if stage.workers > 1 else ""),
                      highlight=False)
        if links:
            out.print(f"links: {links.near_duplicates} new near-duplicate pair(s), "
                      f"{links.derived} new derived-from link(s), {links.origins} origin(s) "
                      "updated", highlight=False)
        if merged:
            out.print(f"events: {merged.events} consolidated event(s); {merged.reclustered} of "
                      f"{merged.blocks} block(s) re-clustered", highlight=False)
    if summary.all_failed:
        raise typer.Exit(1)


def _print_summary(s: RunSummary) -> None:
    out.print(f"run {s.run_id}: {s.files} file(s), [green]{s.documents_new} new[/] document(s), "
              f"{s.documents_seen} already stored, "
              f"[{'yellow' if s.rejected else 'green'}]{s.rejected} rejected[/] "
              f"→ {State.settings.db_path}", highlight=False)


PathsArg = Annotated[list[str], typer.Argument(help="Files, directories (recursive) or globs.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]
WorkersOption = Annotated[int | None, typer.Option(
    "--workers", "-w", envvar="SITREP_WORKERS", show_default=False, show_envvar=False,
    help="Worker processes for cleaning and analysis; results are stored in input order, the "
         "same as with 1 (this process only). Env SITREP_WORKERS; default: all cores (fewer "
         "for a small batch).")]


@app.command("ingest")
def ingest_cmd(paths: PathsArg, quiet: QuietOption = False, as_json: JsonOption = False,
               workers: WorkersOption = None) -> None:
    """Read documents (HTML, text, WARC, RSS/Atom, JSONL; .gz too), clean them and store them."""
    _run_ingest(paths, quiet, as_json, "ingest", workers)


@app.command("analyze")
def analyze_cmd(paths: PathsArg, quiet: QuietOption = False, as_json: JsonOption = False,
                workers: WorkersOption = None) -> None:
    """Ingest, then run every analysis stage this version has, on the new documents."""
    _run_ingest(paths, quiet, as_json, "analyze", workers)


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
            found = document_mentions(store, doc.id)
            origin = origin_of(store, doc.id)
            linked = document_links(store, doc.id)
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    data = {**doc.to_dict(), "seen_in": sources, **found,
            "origin": origin.to_dict() if origin else None,
            "derived_from": [x.to_dict() for x in linked
                             if x.kind == "derived-from" and x.document_id == doc.id],
            "links": [x.to_dict() for x in linked]}
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
    if origin and origin.kind != "self":
        shown = origin.origin[:12] if origin.kind == "document" else origin.origin
        out.print(f"[bold]{'origin':>20}[/] {escape(shown)} ({escape(origin.reason)})",
                  highlight=False)
    _print_mentions(found)
    out.print()
    out.print(escape(doc.text), highlight=False)


def _print_mentions(found: dict[str, Any]) -> None:
    if found["analysis"] is None:
        out.print(f"[bold]{'analysis':>20}[/] not analysed yet (run `sitrep analyze`)")
        return
    if found["analysis"]["status"] != "done":
        out.print(f"[bold]{'analysis':>20}[/] {found['analysis']['status']}: "
                  f"{escape(found['analysis']['detail'] or '')}")
        return
    actors = {m["actor"]["id"]: m["actor"]["name"] for m in found["actors"]}
    places = {p["place"]["id"]: p["place"]["name"] for p in found["places"] if p["place"]}
    times = [f"{t['span']['text']} → {t['value'] or '?'}" for t in found["times"]]
    figures = [f["span"]["text"] + (f" ({f['unit']})" if f["unit"] else "")
               for f in found["figures"]]
    events = [f"{e['sub_event_type']} ({e['modality']})" for e in found["events"]]
    claims = [f"{(c['claimant'] or {}).get('name') or 'writer'} {c['cue']['text']} "
              f"({c['status']})" for c in found.get("claims", [])]
    for label, items in (("actors", actors.values()), ("places", places.values()),
                         ("times", times), ("figures", figures), ("events", events),
                         ("claims", claims)):
        out.print(f"[bold]{label:>20}[/] {escape('; '.join(items)) or '—'}", highlight=False)


@app.command("dupes")
def dupes_cmd(
    as_json: JsonOption = False,
    kind: Annotated[str | None, typer.Option(
        help="near-duplicate | derived-from (default: both)")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
) -> None:
    """List near-duplicate and derived-from pairs of documents, with scores and reasons."""
    if kind not in (None, "near-duplicate", "derived-from"):
        err.print(f"[red]error:[/] unknown kind {kind!r}: near-duplicate or derived-from")
        raise typer.Exit(2)
    with _store(readonly=True) as store:
        rows = list(link_rows(store, kind=kind, limit=limit))
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} pair(s)", title_justify="left", expand=True)
    for col, kw in (("document", {"ratio": 3}), ("kind", {"no_wrap": True}),
                    ("other", {"ratio": 3}), ("J", {"justify": "right"}),
                    ("⊃ other", {"justify": "right"}), ("⊂ other", {"justify": "right"}),
                    ("reason", {"ratio": 4})):
        table.add_column(col, overflow="fold", **kw)  # type: ignore[arg-type]
    for r in rows:
        d, o = r["document"], r["other"]
        other = (f"{o['id'][:8]} {o['site'] or '—'} {(o['published'] or '—')[:10]}"
                 if o.get("id") else f"outlet {o['outlet']} (not held)")
        table.add_row(f"{d['id'][:8]} {d['site'] or '—'} {(d['published'] or '—')[:10]}",
                      r["kind"], other, _score(r["jaccard"]), _score(r["contains_other"]),
                      _score(r["contained"]), r["reason"])
    out.print(table)


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


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


AsOfOption = Annotated[str | None, typer.Option(
    help="YYYY-MM-DD: as known from the documents published (or ingested) up to that day.")]
ByOption = Annotated[str, typer.Option(
    help="With --as-of: 'published' (the documents' dates) or 'ingested'.")]


def _check_as_of(as_of: str | None, by: str, **days: str | None) -> None:
    if by not in ("published", "ingested"):
        err.print("[red]error:[/] --by is 'published' or 'ingested'")
        raise typer.Exit(2)
    for name, day in (("as-of", as_of), *days.items()):
        if day is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            err.print(f"[red]error:[/] --{name} wants a date as YYYY-MM-DD, not {day!r}")
            raise typer.Exit(2)


@app.command("events")
def events_cmd(
    as_json: JsonOption = False,
    event_type: Annotated[str | None, typer.Option(
        "--type", help="ACLED event type or sub-event type, e.g. Battles, 'Air/drone strike'.")
    ] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 code, e.g. ML.")] = None,
    since: Annotated[str | None, typer.Option(help="Events ending on or after YYYY-MM-DD.")
                     ] = None,
    until: Annotated[str | None, typer.Option(help="Events starting on or before YYYY-MM-DD.")
                     ] = None,
    modality: Annotated[str | None, typer.Option(
        help="asserted | reported | claimed | denied | hypothetical | threatened/planned | "
             "negated")] = None,
    min_sources: Annotated[int | None, typer.Option(
        help="Only events told by at least this many independent sources.")] = None,
    as_of: AsOfOption = None,
    by: ByOption = "published",
    reports: Annotated[bool, typer.Option(
        "--reports", help="List each document's event reports instead of consolidated events.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
) -> None:
    """List events (each: what, who, where, when, how many killed, how sure, how many sources).

    An event merges the reports of every document that tells the same happening
    (`sitrep why EVENT` says why); `--reports` lists the per-document reports."""
    _check_as_of(as_of, by, since=since, until=until)
    filters = {"event_type": event_type, "country": country, "since": since, "until": until,
               "modality": modality, "limit": limit}
    with _store(readonly=True) as store:
        if reports and as_of:
            known = consolidated.documents_up_to(store, as_of, by=by)
            rows = [r for r in event_rows(store, **{**filters, "limit": None})
                    if r["document_id"] in known][:limit]
        elif reports:
            rows = list(event_rows(store, **filters))
        elif as_of:
            rows = consolidated.filter_events(consolidated.events_as_of(store, as_of, by=by),
                                              min_sources=min_sources, **filters)
        else:
            rows = consolidated.event_rows(store, min_sources=min_sources, **filters)
    if as_json:
        _print_json(rows)
        return
    noun = "event report(s)" if reports else "event(s)"
    table = Table(title=f"{len(rows)} {noun}" + (f" as of {as_of}" if as_of else ""),
                  title_justify="left", expand=True)
    columns = [("date", {"no_wrap": True}), ("type", {"ratio": 2}), ("actors", {"ratio": 2}),
               ("where", {"ratio": 1}), ("killed", {"justify": "right"}), ("modality", {})]
    if not reports:
        columns.insert(5, ("sources", {"justify": "right"}))
    for col, kw in columns:
        table.add_column(col, overflow="fold", **kw)  # type: ignore[arg-type]
    for e in rows:
        d = e["date"]
        when = d["start"] if d["start"] == d["end"] else f"{d['start']}…{d['end']}"
        f = e["fatalities"]
        killed = "—" if f["best"] is None else (
            str(f["best"]) if f["low"] == f["high"] else f"{f['best']} ({f['low']}–{f['high']})")
        actors = " vs ".join(a["name"] for a in (e["actor1"], e["actor2"]) if a) or "—"
        cells = [when or "—", f"{e['event_type']} / {e['sub_event_type']}", actors,
                 (e["location"] or {}).get("name") or "—", killed,
                 e["modality"] + ("" if e["happened"] else " ✗")]
        if not reports:
            cells.insert(5, f"{e['sources']} ({e['independent_sources']} ind.)")
        table.add_row(*cells)
    out.print(table)


@app.command("stories")
def stories_cmd(as_json: JsonOption = False,
                limit: Annotated[int | None, typer.Option(help="At most this many.")] = None
                ) -> None:
    """List stories: documents that tell the same happenings, or copy one another."""
    with _store(readonly=True) as store:
        rows = consolidated.stories(store)[:limit]
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} stor{'y' if len(rows) == 1 else 'ies'}",
                  title_justify="left", expand=True)
    for col, kw in (("story", {"no_wrap": True}), ("first told", {"no_wrap": True}),
                    ("title", {"ratio": 3}), ("documents", {"justify": "right"}),
                    ("independent", {"justify": "right"}), ("outlets", {"ratio": 2})):
        table.add_column(col, overflow="fold", **kw)  # type: ignore[arg-type]
    for s in rows:
        table.add_row(s["id"], (s["first_published"] or "?")[:10], s["title"] or "—",
                      str(len(s["documents"])), str(s["independent_sources"]),
                      "; ".join(dict.fromkeys(d["site"] or "?" for d in s["documents"])))
    out.print(table)


# How many near misses and clear conflicts `why` prints of each (--json has them all).
WHY_APART = 4


def _short(report_or_document: str) -> str:
    """ "<64-hex document id>:3" → "4084746d0b87:3" (ids stay unambiguous in practice)."""
    doc, _, ordinal = report_or_document.partition(":")
    return doc[:12] + (f":{ordinal}" if ordinal else "")


@app.command("why")
def why_cmd(event: Annotated[str, typer.Argument(help="Event id (ev-…) or a prefix of it.")],
            other: Annotated[str | None, typer.Argument(
                help="Another event or report id: why the two are (not) one happening.")
            ] = None,
            as_json: JsonOption = False) -> None:
    """Why an event's reports were merged, which others were kept apart, and how its figures
    grew as documents came in; with a second id, why the two are or are not one event."""
    if other is not None:
        with _store(readonly=True) as store:
            try:
                pairs = consolidated.explain_pair(store, event, other)
            except KeyError as exc:
                err.print(f"[red]error:[/] no event or report matches {exc.args[0]!r}")
                raise typer.Exit(1) from None
        if as_json:
            _print_json(pairs)
            return
        for d in pairs[:WHY_APART * 2]:
            out.print(f"  • {_short(d['report'])} / {_short(d['other'])}: {escape(d['reason'])}",
                      highlight=False)
        return
    with _store(readonly=True) as store:
        event_id = consolidated.resolve_event(store, event)
        if event_id is None:
            err.print(f"[red]error:[/] no single event matches {event!r}")
            raise typer.Exit(1)
        explained = consolidated.explain(store, event_id)
    if as_json:
        _print_json(explained)
        return
    e = explained["event"]
    out.print(f"[bold]{e['id']}[/]: {e['event_type']} / {e['sub_event_type']}, "
              f"{e['date']['start']}…{e['date']['end']}, "
              f"{(e['location'] or {}).get('name') or '—'}; {e['sources']} source(s), "
              f"{e['independent_sources']} independent", highlight=False)
    for m in explained["members"]:
        mark = "independent" if m["independent"] else f"carries {_short(m['origin'])}"
        out.print(f"  • {_short(m['report'])}  {m['site'] or '—'} ({m['published'] or '?'}; "
                  f"{mark})", highlight=False)
        if m["joined_because"]:
            out.print(f"      {escape(m['joined_because']['reason'])}", highlight=False)
    if explained["kept_apart"]:
        out.print("[bold]kept apart[/] (the closest other reports)")
        near = [d for d in explained["kept_apart"] if not d["conflict"]][:WHY_APART]
        clear = [d for d in explained["kept_apart"] if d["conflict"]
                 and "types cannot" not in d["reason"]][:WHY_APART]
        for d in near + clear:
            out.print(f"  • {_short(d['report'])} / {_short(d['other'])}: "
                      f"{escape(d['reason'])}", highlight=False)
    out.print("[bold]history[/]")
    for h in explained["history"]:
        out.print(f"  {h['published'] or '?'}: +{_short(h['report'])} → best {h['best']}, "
                  f"low {h['low']}, high {h['high']}; {h['sources']} source(s), "
                  f"{h['independent_sources']} independent", highlight=False)


@app.command("claims")
def claims_cmd(
    as_json: JsonOption = False,
    status: Annotated[str | None, typer.Option(
        help="unverified | unconfirmed-by | disputed | corroborated | confirmed")] = None,
    claimant: Annotated[str | None, typer.Option(
        help="Actor id (islamic-state, government:US) or part of a claimant's name.")] = None,
    across: Annotated[bool, typer.Option(
        "--across", help="One row per claim across documents, with its sources.")] = False,
    as_of: AsOfOption = None,
    by: ByOption = "published",
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
) -> None:
    """List claims (who said what, how, and who could not confirm or disputed it)."""
    _check_as_of(as_of, by)
    if across:
        _claim_groups(status, claimant, limit, as_json, as_of, by)
        return
    with _store(readonly=True) as store:
        rows = list(claim_rows(store, status=status, claimant=claimant,
                               limit=None if as_of else limit))
        if as_of:
            known = consolidated.documents_up_to(store, as_of, by=by)
            rows = [r for r in rows if r["document_id"] in known][:limit]
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} claim(s)", title_justify="left", expand=True)
    for col, kw in (("claimant", {"ratio": 2}), ("cue", {}), ("kind", {}),
                    ("content", {"ratio": 5}), ("status", {"ratio": 2})):
        table.add_column(col, overflow="fold", **kw)  # type: ignore[arg-type]
    for c in rows:
        judges = "; ".join(f"{v['status']} {(v['by'] or {}).get('name') or ''}".strip()
                           for v in c["verifications"])
        table.add_row((c["claimant"] or {}).get("name") or "(writer)", c["cue"]["text"],
                      c["kind"], c["content"], c["status"] + (f" ({judges})" if judges else ""))
    out.print(table)


def _claim_groups(status: str | None, claimant: str | None, limit: int | None,
                  as_json: bool, as_of: str | None, by: str) -> None:
    from .store.claim_groups import claim_groups

    with _store(readonly=True) as store:
        rows = [g for g in claim_groups(store, as_of=as_of, by=by)
                if (status is None or g["status"] == status)
                and (claimant is None or claimant.lower() in (
                    f"{g['claimant']} {g['claimant_name'] or ''}").lower())][:limit]
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} claim(s) across documents", title_justify="left",
                  expand=True)
    for col, kw in (("claimant", {"ratio": 2}), ("figure", {"justify": "right"}),
                    ("content", {"ratio": 5}), ("sources", {"justify": "right"}),
                    ("status", {"ratio": 2})):
        table.add_column(col, overflow="fold", **kw)  # type: ignore[arg-type]
    for g in rows:
        table.add_row(g["claimant_name"] or g["claimant"],
                      "—" if g["figure"] is None else str(g["figure"]), g["content"],
                      f"{g['sources']} ({g['independent_sources']} ind.)", g["status"])
    out.print(table)


@app.command("actors")
def actors_cmd(as_json: JsonOption = False,
               limit: Annotated[int | None, typer.Option(help="At most this many.")] = None
               ) -> None:
    """List canonical actors across the database with mention and document counts."""
    with _store(readonly=True) as store:
        rows = actor_table(store)[:limit]
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} actor(s)", title_justify="left", expand=True)
    for col, kw in (("actor", {"ratio": 3}), ("type", {"ratio": 2}), ("country", {}),
                    ("mentions", {"justify": "right"}), ("docs", {"justify": "right"})):
        table.add_column(col, overflow="fold", **kw)  # type: ignore[arg-type]
    for r in rows:
        table.add_row(r["name"], r["type"] if r["kind"] != "person" else f"person ({r['type']})",
                      r["country"] or "—", str(r["mentions"]), str(r["documents"]))
    out.print(table)


@app.command("places")
def places_cmd(as_json: JsonOption = False,
               limit: Annotated[int | None, typer.Option(help="At most this many.")] = None
               ) -> None:
    """List places across the database with mention and document counts."""
    with _store(readonly=True) as store:
        rows = place_table(store)[:limit]
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} place(s)", title_justify="left", expand=True)
    for col, kw in (("place", {"ratio": 3}), ("country", {}), ("feature", {}),
                    ("lat, lon", {}), ("mentions", {"justify": "right"}),
                    ("docs", {"justify": "right"})):
        table.add_column(col, overflow="fold", **kw)  # type: ignore[arg-type]
    for r in rows:
        table.add_row(r["name"], r["country"] or "—", r["feature_code"] or "—",
                      f"{r['lat']:.3f}, {r['lon']:.3f}", str(r["mentions"]), str(r["documents"]))
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
    what: Annotated[str, typer.Option(
        help="documents | events (one per happening) | reports (one per document) | claims")
    ] = "documents",
    all_modalities: Annotated[bool, typer.Option(
        "--all", help="Events: also those that did not happen (denied, threatened, …).")
    ] = False,
    as_of: AsOfOption = None,
    by: ByOption = "published",
) -> None:
    """Write records to a file (written to a temporary name, then moved into place)."""
    _check_as_of(as_of, by)
    if fmt not in ("jsonl", "csv", "geojson", "parquet"):
        err.print(f"[red]error:[/] unknown format {fmt!r}: jsonl, csv, geojson or parquet")
        raise typer.Exit(2)
    if what not in ("documents", "events", "reports", "claims"):
        err.print(f"[red]error:[/] unknown record kind {what!r}: documents, events, reports "
                  "or claims")
        raise typer.Exit(2)
    try:
        with _store(readonly=True) as store:
            n = export_records(store, fmt, what, output,  # type: ignore[arg-type]
                               all_modalities=all_modalities, as_of=as_of, by=by)
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    err.print(f"wrote {n} {what} to {output}")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8765,
    review: Annotated[bool, typer.Option(
        "--review", help="Accept reviews (POST …/reviews with the bearer token); without it "
                         "the server is read-only.")] = False,
    token: Annotated[str | None, typer.Option(
        help="The reviewers' bearer token [env SITREP_REVIEW_TOKEN; default: a new one, "
             "printed once on stderr]. Only with --review.", show_default=False)] = None,
) -> None:
    """Serve the database over HTTP (API under /api, schema at /openapi.json, web UI at /):
    read-only, unless --review."""
    import os
    import secrets

    import uvicorn

    from .api import create_app

    db = State.settings.db_path
    if not Path(db).exists():
        err.print(f"[red]error:[/] {db}: no such database (run `sitrep analyze` first)")
        raise typer.Exit(2)
    if token is not None and not review:
        err.print("[red]error:[/] --token without --review: add --review to accept reviews")
        raise typer.Exit(2)
    if review:
        token = token or os.environ.get("SITREP_REVIEW_TOKEN") or None
        if token is None:
            token = secrets.token_urlsafe(24)
            err.print(f"review token (send as Authorization: Bearer …): {token}",
                      markup=False, highlight=False, soft_wrap=True)
        if len(token) < 16:
            err.print("[red]error:[/] a review token is at least 16 characters")
            raise typer.Exit(2)
    with _exit_2_on_error():
        api = create_app(db, review_token=token)
    shown = f"[{host}]" if ":" in host else host
    err.print(f"sitrep: serving {db} {'with review' if review else 'read-only'} at "
              f"http://{shown}:{port}/ (API schema at /docs; Ctrl-C stops)",
              markup=False, highlight=False, soft_wrap=True)
    uvicorn.run(api, host=host, port=port, log_level="warning")


@app.command("eval")
def eval_cmd(
    task: Annotated[str, typer.Argument(help=f"One of: {', '.join(TASKS)}")],
    data: Annotated[Path | None, typer.Option(
        help="Data folder or gold file of that task (required, but for tasks with bundled "
             "data: dupes).")] = None,
    as_json: JsonOption = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N items.")] = None,
    floor: Annotated[list[str] | None, typer.Option(
        help="KEY=VALUE: fail (exit 1) if the report's KEY (dotted path) is below VALUE.")
    ] = None,
) -> None:
    """Measure a stage against gold data and print the scores."""
    if task not in TASKS:
        err.print(f"[red]error:[/] unknown task {task!r}; choose from {', '.join(TASKS)}")
        raise typer.Exit(2)
    module = scorer(task)
    data = data or getattr(module, "DEFAULT_DATA", None)
    if data is None:
        err.print(f"[red]error:[/] {task} needs --data")
        raise typer.Exit(2)
    bar = RichProgress(TextColumn(f"[bold]eval {task}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), TimeRemainingColumn(), console=err,
                       disable=as_json, transient=True)
    job = bar.add_task(task, total=None)
    try:
        with bar:
            report = module.run(data, limit=limit,
                                progress=lambda done, total: bar.update(job, completed=done,
                                                                        total=total))
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


# -- check / backup -----------------------------------------------------------------------------
@app.command("check")
def check_cmd(
    as_json: JsonOption = False,
    quick: Annotated[bool, typer.Option(
        "--quick", help="PRAGMA quick_check instead of integrity_check (skips comparing "
                        "indexes with their tables) and no re-hashing of the raw bytes: much "
                        "faster on a large database.")] = False,
) -> None:
    """Check the database: SQLite integrity and foreign keys, document ids, every evidence
    span against its document's text, and references between tables. Exit 1 on any problem."""
    from .store.check import check_database

    bar = RichProgress(TextColumn("[bold]check {task.description:12}"), BarColumn(),
                       MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                       disable=as_json, transient=True)
    tasks: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with _exit_2_on_error(), bar:
        report = check_database(State.settings.db_path, quick=quick, progress=progress)
    if as_json:
        _print_json(report.to_dict())
    else:
        table = Table(title=f"sitrep check {report.path}", title_justify="left")
        for column in ("check", "checked", "problems", "what it checks"):
            table.add_column(column, justify="right" if column in ("checked", "problems")
                             else "left")
        for r in report.results:
            table.add_row(r.name, f"{r.checked:,} {r.unit}",
                          "[green]0[/]" if r.ok else f"[red]{r.problems:,}[/]", r.about)
        out.print(table)
        for r in report.results:
            for p in r.examples:
                where = " ".join(x for x in (p.table, p.key) if x)
                out.print(f"[red]✗[/] {p.check}: {escape(where) + ': ' if where else ''}"
                          f"{escape(p.detail)}", highlight=False, soft_wrap=True)
            if r.problems > len(r.examples):
                out.print(f"  … and {r.problems - len(r.examples):,} more {r.name} problem(s) "
                          "(--json lists the same first ones)", highlight=False)
        for note in report.notes:
            out.print(f"note: {escape(note)}", highlight=False, soft_wrap=True)
        out.print("[green]ok[/]: no problems found" if report.ok else
                  f"[red]{report.problems:,} problem(s)[/] found", highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command("backup")
def backup_cmd(
    target: Annotated[Path, typer.Argument(help="File to write the copy to.")],
    force: Annotated[bool, typer.Option("--force", help="Replace TARGET if it exists.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Copy the database to TARGET with SQLite's online backup, while `sitrep serve` or
    `sitrep analyze` use it: a consistent snapshot, written to a temporary file and renamed
    into place once complete."""
    from .store.backup import backup_database

    bar = RichProgress(TextColumn("[bold]backup"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("pages"), TimeElapsedColumn(), console=err,
                       disable=as_json, transient=True)
    task = bar.add_task("backup", total=None)
    with _exit_2_on_error(), bar:
        summary = backup_database(
            State.settings.db_path, target, overwrite=force,
            progress=lambda done, total: bar.update(task, completed=done, total=total))
    if as_json:
        _print_json(summary.to_dict())
    else:
        out.print(f"backed up {summary.source} → {summary.target} ({summary.pages:,} pages, "
                  f"{summary.bytes / 1e6:.1f} MB)", highlight=False)


register_scale(app)  # sitrep spark analyze, sitrep load


def main() -> None:
    try:
        app()
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(1)
