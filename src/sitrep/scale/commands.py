"""The ``sitrep spark analyze`` and ``sitrep load`` commands (``register(app)`` adds them to the
``sitrep`` app): thin, like the rest of the CLI."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import SitrepError

out = Console()
err = Console(stderr=True)

spark_app = typer.Typer(
    name="spark", no_args_is_help=True, add_completion=False,
    help="Run sitrep on a Spark cluster (or a local Spark): `pip install 'sitrep\\[spark]'`, "
         "Java 17+.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a summary.")]


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


@spark_app.command("analyze")
def spark_analyze_cmd(
    paths: Annotated[list[str], typer.Argument(
        help="INPUT… OUTPUT: files, directories (recursive) or globs of HTML, text, WARC, "
             "RSS/Atom, JSONL or Parquet documents; then the folder the Parquet tables are "
             "written to (replaced).", metavar="INPUT... OUTPUT")],
    master: Annotated[str, typer.Option(
        help="Spark master: local[N] (N cores of this machine), spark://host:7077, yarn…"
    )] = "local[2]",
    partitions: Annotated[int | None, typer.Option(
        help="Partitions of the analysis \\[default: 2 × the cores Spark has]", min=1,
        show_default=False)] = None,
    as_json: JsonOption = False,
) -> None:
    """Analyse documents with Spark (the pipeline of `sitrep analyze`, per partition) and
    write Parquet tables: documents, mentions, event reports, claims, links, events."""
    if len(paths) < 2:
        err.print("[red]error:[/] give at least one INPUT and then the OUTPUT folder")
        raise typer.Exit(2)
    if shutil.which("java") is None and not _java_home():
        err.print("[red]error:[/] Spark needs Java 17 or newer (`apt-get install "
                  "openjdk-17-jre-headless`, or set JAVA_HOME)")
        raise typer.Exit(2)
    try:
        from .spark import require_arrow, run, session
        require_arrow()
    except ImportError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}: install the extra, "
                  + escape("`pip install 'sitrep[spark]'`"))
        raise typer.Exit(2) from exc
    spark = session(master, partitions=partitions)
    try:
        summary = run(spark, paths[:-1], paths[-1], partitions=partitions)
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    finally:
        spark.stop()
    if as_json:
        _print_json(summary.__dict__)
        return
    analysed = ", ".join(f"{n} {status}" for status, n in sorted(summary.analyses.items()))
    links = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.links.items())) or "none"
    out.print(f"{summary.files} file(s): {summary.documents} document(s) ({analysed or '—'}), "
              f"{summary.rejected} rejected; links: {links}; {summary.events} event(s) "
              f"in {summary.seconds.get('total', 0):.0f} s → {escape(summary.output)}",
              highlight=False)


def _java_home() -> bool:
    import os

    home = os.environ.get("JAVA_HOME")
    return bool(home) and (Path(home) / "bin" / "java").exists()


def load_cmd(
    folder: Annotated[Path, typer.Argument(
        help="The OUTPUT folder of `sitrep spark analyze`.", metavar="PARQUET_DIR")],
    as_json: JsonOption = False,
) -> None:
    """Store the Parquet tables of `sitrep spark analyze` in the database (loading twice
    changes nothing); then `sitrep events`, `show`, `serve` work on them."""
    from ..cli import State
    from ..store import open_store
    from .load import load

    try:
        with open_store(State.settings.db_path) as store:
            summary = load(store, folder)
    except SitrepError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if as_json:
        _print_json(summary.__dict__)
        return
    how = ("links and events as Spark computed them" if summary.links == "spark" else
           "links and events computed again with the documents stored before")
    out.print(f"run {summary.run_id}: {summary.documents_new} new document(s), "
              f"{summary.documents_seen} already stored, {summary.analyses} analysis(es) "
              f"stored, {summary.rejected} rejected; {summary.near_duplicates} near-duplicate "
              f"and {summary.derived} derived-from link(s), {summary.events} event(s) ({how}) "
              f"→ {escape(str(State.settings.db_path))}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``spark analyze`` and ``load`` to the ``sitrep`` app."""
    app.add_typer(spark_app, name="spark")
    app.command("load")(load_cmd)
