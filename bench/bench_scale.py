"""End-to-end ``sitrep analyze`` on generated corpora: 1 process against ``--workers N``,
against bare spaCy, and time per document from 1k to 10k (or 50k) documents.

    python bench/bench_scale.py [--sizes 1000 10000] [--with-50k] [--workers 1 2]
                                [--single-max 10000] [--profile] [--json]

Documents are generated from the bundled samples, deterministically (``--seed``) and varied,
not copies: each takes a sample's lead paragraph and most of its body, mixes in paragraphs of
another sample, swaps place names, scales figures, rotates weekdays, moves years and dates (a
larger corpus reaches further back: ``DOCS_PER_YEAR``); half are HTML pages with boilerplate
(trafilatura has work to do), half plain text, in JSONL files of 1000 documents under ``--dir``
(kept for the next run).

For each size and worker count, ``sitrep analyze CORPUS --workers W`` runs in a fresh
database as a subprocess; measured: wall time end to end (ingest, analysis, links, events),
the analysis stage's own time (from ``--json``), the CPU time of the process tree (user +
system, unlike wall time not skewed by other work on the machine), and its peak memory
(the sum of every process's RSS, and of PSS, which counts shared pages once), sampled from
/proc. Bare spaCy is ``nlp.pipe(texts, n_process=W)`` of the same model over the clean texts
sitrep stored (model load not timed); the ratio is spaCy's time over sitrep's (goal ≥ 0.5).

``--profile``: where the time goes in the first 300 documents: the CPU time per document of
reading and cleaning, the spaCy parse, each annotator and storing the results, measured
without a profiler (see ``breakdown``); then a cProfile of a single-process ``sitrep analyze``,
the top 15 functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import html
import io
import json
import os
import pstats
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sitrep.ingest.process import process
from sitrep.ingest.readers import read_path
from sitrep.records import Document
from sitrep.settings import Limits, default_workers, load_settings

REPO = Path(__file__).resolve().parent.parent
GOAL_RATIO = 0.5
GOAL_10K_SECONDS = 15 * 60
DOCS_PER_FILE = 1000
# The corpus grows back in time: each DOCS_PER_YEAR documents, its stories move a year
# earlier, so a corpus of N documents covers about N / DOCS_PER_YEAR years at one density of
# reports per day and place, as a growing archive does. Without it 50,000 documents would
# all retell the samples' thirty stories within the same three years (1,700 copies each, 14
# a day): the benchmark would measure ever denser coverage of the same days and places (the
# work of merging reports grows with that density), not the size of the corpus.
DOCS_PER_YEAR = 3300
# In the corpus folder's name: a cached corpus of another generator is not reused.
GENERATOR = 2
PROFILE_DOCS = 300
SAMPLE_EVERY_S = 0.25

# Places of the samples and others of the same region that news of the same kind names.
PLACE_SWAPS = {
    "Boulkessi": ["Djibo", "Arbinda", "Diapaga", "Nampala", "Mondoro", "Tessit"],
    "Douentza": ["Bandiagara", "Bankass", "Koro", "Gao"],
    "Bamako": ["Ségou", "Sikasso", "Kayes", "Mopti"],
    "El Fasher": ["Nyala", "Geneina", "Zalingei", "Ed Daein", "El Obeid"],
    "Abu Shouk": ["Zamzam", "Kalma", "Otash"],
    "Nyala": ["El Fasher", "Kutum", "Mellit"],
    "Kherson": ["Mykolaiv", "Zaporizhzhia", "Kharkiv", "Sumy", "Nikopol"],
    "Marib": ["Taiz", "Hodeidah", "Al Bayda", "Shabwa"],
    "Sirwah": ["Harib", "Raghwan", "Al Jubah"],
    "Sake": ["Rutshuru", "Kitshanga", "Bunagana", "Kiwanja"],
    "Shasha": ["Kibumba", "Rubaya", "Mushaki"],
    "Adan Yabaal": ["Beledweyne", "Jowhar", "Bulo Burte", "Mahaday"],
    "Djugu": ["Irumu", "Mahagi", "Mambasa"],
    "Lala": ["Plaine Savo", "Drodro", "Rhoe"],
    "Jisr al-Shughur": ["Ariha", "Saraqib", "Maarat al-Numan", "Darkush"],
    "Sinune": ["Snuny", "Khanasor", "Sinjar"],
    "Novokalynove": ["Avdiivka", "Ocheretyne", "Krasnohorivka"],
    "Djibo": ["Boulsa", "Kaya", "Dori"],
    "Dhiban": ["Hajin", "Shuhail", "Al-Susah"],
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
# A number of one to three digits that is not part of a time, a decimal or a longer number,
# with the month name before or after it when it is a day of the month.
_MONTH = "|".join(MONTHS)
NUMBER = re.compile(rf"(?P<before>\b(?:{_MONTH}) )?(?<![\d:.,])\b(?P<n>\d{{1,3}})\b"
                    rf"(?!:\d|[.,]\d)(?P<after> (?:{_MONTH})\b)?")
YEAR = re.compile(r"\b(20[12]\d)\b")
WEEKDAY = re.compile(rf"\b({'|'.join(WEEKDAYS)})\b")
NAV = "<nav><a href='/'>Home</a> | <a href='/world'>World</a> | <a href='/africa'>Africa</a> | "\
      "<a href='/middle-east'>Middle East</a> | <a href='/subscribe'>Subscribe</a></nav>"


# -- the corpus ---------------------------------------------------------------------------------
def sample_documents() -> list[Document]:
    limits = Limits()
    return [process(raw, limits) for p in sorted((REPO / "samples").iterdir())
            for raw in read_path(p, limits) if not isinstance(raw, Exception)]


def generate(n: int, seed: int, bases: list[Document]) -> list[dict[str, str]]:
    """The first n documents of the corpus of ``seed`` (document i depends only on seed and
    i, so a 1k corpus is the start of the 10k one)."""
    return [_document(i, seed, bases) for i in range(n)]


def _document(i: int, seed: int, bases: list[Document]) -> dict[str, str]:
    rng = random.Random(f"{seed}-{i}")
    base, other = rng.sample(bases, 2)
    paragraphs = [p for p in base.text.split("\n\n") if p.strip()]
    lead, body = paragraphs[0], paragraphs[1:]
    body = [p for p in body if rng.random() > 0.2] or body[:1]
    extra = [p for p in other.text.split("\n\n")[1:] if p.strip()]
    for p in rng.sample(extra, min(len(extra), rng.randint(1, 2))):
        body.insert(rng.randint(0, len(body)), p)
    swaps = {name: rng.choice(alternatives) for name, alternatives in PLACE_SWAPS.items()}
    year_shift = rng.choice((-2, -1, 0, 0)) - i // DOCS_PER_YEAR
    weekday_shift = rng.randrange(7)
    factor = rng.uniform(0.5, 1.8)

    places = re.compile(rf"\b({'|'.join(map(re.escape, swaps))})\b")

    def vary(text: str) -> str:
        text = places.sub(lambda m: swaps[m.group(1)], text)
        text = YEAR.sub(lambda m: str(int(m.group(1)) + year_shift), text)
        text = WEEKDAY.sub(lambda m: WEEKDAYS[(WEEKDAYS.index(m.group(1)) + weekday_shift) % 7],
                           text)
        return NUMBER.sub(number, text)

    def number(m: re.Match[str]) -> str:
        n = int(m["n"])
        if (m["before"] or m["after"]) and n <= 31:
            n = rng.randint(1, 28)  # a day of the month
        elif n > 1:
            n = max(2, round(n * factor))  # a count: scaled, never to one (grammar)
        return f"{m['before'] or ''}{n}{m['after'] or ''}"

    title = vary(base.title or lead[:80])
    paragraphs = [vary(p) for p in [lead, *body]]
    published = _published(base, year_shift, rng)
    site = base.site or "Example News"
    record = {"url": f"https://{re.sub(r'[^a-z0-9]+', '-', site.lower()).strip('-')}"
                     f".example/{published[:10].replace('-', '/')}/story-{i}",
              "title": title, "published": published, "site": site}
    if rng.random() < 0.5:
        ps = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
        record["html"] = (f"<html><head><title>{html.escape(title)}</title></head><body>{NAV}"
                          f"<article><h1>{html.escape(title)}</h1>\n{ps}</article>"
                          "<aside><h3>Most read</h3><ul><li>Markets steady as talks resume</li>"
                          "<li>Floods cut the main road north</li></ul></aside>"
                          f"<footer>© {html.escape(site)} · Contact · Privacy</footer>"
                          "</body></html>")
    else:
        record["text"] = "\n\n".join(paragraphs)
    return record


def _published(base: Document, year_shift: int, rng: random.Random) -> str:
    value = base.published.value if base.published else "2024-01-15"
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:  # a month or a year only
        day = date(int(value[:4]), 6, 15)
    day = day.replace(year=day.year + year_shift, day=min(day.day, 28))
    day += timedelta(days=rng.randint(-20, 20))
    return f"{day.isoformat()}T{rng.randint(5, 22):02d}:{rng.randint(0, 59):02d}:00+00:00"


def write_corpus(folder: Path, n: int, seed: int) -> Path:
    """Generate (once) the corpus of n documents as JSONL files in ``folder``."""
    target = folder / f"corpus-{n}-seed{seed}-g{GENERATOR}"
    if (target / ".done").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    bases = sample_documents()
    for start in range(0, n, DOCS_PER_FILE):
        with (target / f"part-{start // DOCS_PER_FILE:04d}.jsonl").open(
                "w", encoding="utf-8") as out:
            for i in range(start, min(n, start + DOCS_PER_FILE)):
                out.write(json.dumps(_document(i, seed, bases), ensure_ascii=False) + "\n")
    (target / ".done").write_text(str(n))  # hidden: sitrep skips it
    return target


# -- measuring a process tree ---------------------------------------------------------------------
@dataclass
class TreeMemory:
    """Peak memory of a process and its descendants, sampled from /proc."""

    root: int
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    largest_mb: float = 0.0
    processes: int = 0
    load_before: float = 0.0  # the machine's 1-minute load average around the run
    load_after: float = 0.0
    cpu_s: float = 0.0  # user + system time of the whole tree (workers included)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = _descendants(self.root)
            rss = [_status_kb(pid, "VmRSS") for pid in pids]
            pss = [_pss_kb(pid) for pid in pids]
            self.rss_mb = max(self.rss_mb, sum(rss) / 1024)
            self.pss_mb = max(self.pss_mb, sum(pss) / 1024)
            self.largest_mb = max(self.largest_mb, max(rss, default=0) / 1024)
            self.processes = max(self.processes, len(pids))
            self._stop.wait(SAMPLE_EVERY_S)


def _children_cpu_s() -> float:
    """CPU time of this process's waited-for descendants: the run's processes, workers
    included (each process waits for its own), not what else runs on the machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_measured(args: list[str], env: dict[str, str] | None = None
                 ) -> tuple[float, TreeMemory, str]:
    """Run ``args``; its wall time, the peak memory of its process tree, its stdout. The
    machine's load average is printed before and after (other work skews the times)."""
    memory_load = os.getloadavg()[0]
    print(f"  load average before: {memory_load:.2f}", file=sys.stderr)
    cpu = _children_cpu_s()
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    memory = TreeMemory(proc.pid, load_before=memory_load)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t
    memory.stop()
    memory.load_after = os.getloadavg()[0]
    memory.cpu_s = _children_cpu_s() - cpu
    print(f"  {seconds:.1f} s; load average after: {memory.load_after:.2f}", file=sys.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return seconds, memory, stdout


# -- the runs -------------------------------------------------------------------------------------
def run_sitrep(corpus: Path, db: Path, workers: int) -> dict[str, object]:
    db.unlink(missing_ok=True)
    seconds, memory, stdout = run_measured(
        [sys.executable, "-m", "sitrep", "--db", str(db), "analyze", str(corpus), "-q",
         "--workers", str(workers), "--json"])
    report = json.loads(stdout)
    n = report["documents_new"]
    con = sqlite3.connect(db)
    ingest_s = con.execute("SELECT (julianday(finished_at) - julianday(started_at)) * 86400 "
                           "FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    con.close()
    analysis_s = report["analysis"]["seconds"]
    links_s: dict[str, float] = (report.get("links") or {}).get("seconds", {})
    return {"system": "sitrep", "documents": n, "workers": workers,
            "seconds": round(seconds, 1), "docs_per_s": round(n / seconds, 2),
            "ms_per_doc": round(1000 * seconds / n, 1),
            "ingest_s": round(ingest_s, 1), "analysis_s": round(analysis_s, 1),
            "links_events_s": round(seconds - ingest_s - analysis_s, 1),
            # The link stage times its phases; the rest of links+events is the events update
            # (and the run's last commit).
            "links_s": round(sum(links_s.values()), 1),
            "link_phases_s": {k: round(v, 1) for k, v in links_s.items()},
            "events_s": round(seconds - ingest_s - analysis_s - sum(links_s.values()), 1),
            "analysis_docs_per_s": round(report["analysis"]["analysed"] / analysis_s, 2),
            "peak_rss_sum_mb": round(memory.rss_mb), "peak_pss_sum_mb": round(memory.pss_mb),
            "largest_process_mb": round(memory.largest_mb), "processes": memory.processes,
            "load_avg": [round(memory.load_before, 2), round(memory.load_after, 2)],
            "cpu_s": round(memory.cpu_s, 1), "cpu_ms_per_doc": round(1000 * memory.cpu_s / n, 1),
            "events": report["events"]["events"],
            # The links the cross-document stages work through (a document of this corpus
            # retells one of the samples' stories: its links grow until the candidate caps
            # fill) and the origins the link stage (re)computed.
            "links": sum((report.get("links") or {}).get(k, 0)
                         for k in ("near_duplicates", "derived")),
            "origins": (report.get("links") or {}).get("origins", 0)}


BARE_SPACY = """
import json, sys, time
import spacy
texts_path, model, n_process = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = time.perf_counter()
nlp = spacy.load(model)
load = time.perf_counter() - t
def texts():
    with open(texts_path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)
t = time.perf_counter()
n = sum(1 for _ in nlp.pipe(texts(), n_process=n_process))
print(json.dumps({"documents": n, "pipe_s": time.perf_counter() - t, "load_s": load}))
"""


def run_spacy(db: Path, workers: int, model: str, scratch: Path) -> dict[str, object]:
    """Bare nlp.pipe over the clean texts sitrep stored in ``db``, in the same order."""
    texts = scratch / "texts.jsonl"
    con = sqlite3.connect(db)
    with texts.open("w", encoding="utf-8") as out:
        for (text,) in con.execute("SELECT text FROM documents ORDER BY rowid"):
            out.write(json.dumps(text, ensure_ascii=False) + "\n")
    con.close()
    seconds, memory, stdout = run_measured(
        [sys.executable, "-c", BARE_SPACY, str(texts), model, str(workers)])
    report = json.loads(stdout)
    n, pipe_s = report["documents"], report["pipe_s"]
    return {"system": "spacy", "documents": n, "workers": workers,
            "seconds": round(pipe_s, 1), "docs_per_s": round(n / pipe_s, 2),
            "ms_per_doc": round(1000 * pipe_s / n, 1), "load_s": round(report["load_s"], 1),
            "process_s": round(seconds, 1),
            "peak_rss_sum_mb": round(memory.rss_mb), "peak_pss_sum_mb": round(memory.pss_mb),
            "largest_process_mb": round(memory.largest_mb), "processes": memory.processes,
            "load_avg": [round(memory.load_before, 2), round(memory.load_after, 2)],
            "cpu_s": round(memory.cpu_s, 1)}


def profile(corpus: Path, scratch: Path, top: int = 15) -> dict[str, list[dict[str, object]]]:
    """cProfile of ``sitrep analyze --workers 1`` in this process."""
    from sitrep.cli import app

    db = scratch / "profile.db"
    db.unlink(missing_ok=True)
    profiler = cProfile.Profile()
    profiler.enable()
    app(["--db", str(db), "analyze", str(corpus), "-q", "--workers", "1"],
        standalone_mode=False)
    profiler.disable()
    result = {}
    for key, sort in (("cumulative", pstats.SortKey.CUMULATIVE),
                      ("own", pstats.SortKey.TIME)):
        stats = pstats.Stats(profiler, stream=io.StringIO()).sort_stats(sort)
        rows = []
        # The command-line wrappers (typer, click, sitrep.cli) hold the whole run: left out.
        shown = [f for f in stats.fcn_list  # type: ignore[attr-defined]
                 if not any(w in f[0] for w in ("/typer/", "/click/", "sitrep/cli.py"))]
        for func in shown[:top]:
            calls, _, own, cumulative, _ = stats.stats[func]  # type: ignore[attr-defined]
            rows.append({"function": f"{_short_path(func[0])}:{func[1]}({func[2]})",
                         "calls": calls, "own_s": round(own, 2),
                         "cumulative_s": round(cumulative, 2)})
        result[key] = rows
    result["total_s"] = round(pstats.Stats(profiler).total_tt, 1)  # type: ignore[assignment]
    return result


def breakdown(corpus: Path, scratch: Path) -> dict[str, object]:
    """CPU time per document of each part of the per-document path, measured in this process
    without a profiler: reading and cleaning, the spaCy parse, each annotator, storing the
    results (rows built and written to a real database). cProfile alone misleads here: spaCy
    is compiled with profiling hooks, so under a profiler every Token it builds looks costly
    and Python code that touches many tokens looks several times slower than it runs."""
    from sitrep.nlp import registry
    from sitrep.nlp.model import load_model
    from sitrep.nlp.pipeline import DEFAULT_ANNOTATORS, NEEDED_COMPONENTS, preload
    from sitrep.store import open_store
    from sitrep.store.mentions import save_analysis

    settings = load_settings()
    limits = settings.limits
    clock = time.process_time
    parts: dict[str, float] = {}
    started = clock()
    docs, raws = [], []
    for path in sorted(corpus.glob("*.jsonl")):
        for raw in read_path(path, limits):
            if isinstance(raw, Exception):
                continue
            docs.append(process(raw, limits))
            raws.append(raw)
    parts["read + clean"] = clock() - started
    preload(settings.spacy_model, DEFAULT_ANNOTATORS)
    nlp = load_model(settings.spacy_model)
    disabled = [n for n in nlp.pipe_names
                if n not in NEEDED_COMPONENTS and not n.startswith("sitrep_")]
    started = clock()
    parsed = list(nlp.pipe((d.text for d in docs), batch_size=32, disable=disabled))
    parts["spaCy parse"] = clock() - started
    found: list[dict[str, tuple[object, ...]]] = []
    for doc, spacy_doc in zip(docs, parsed, strict=True):
        ctx = registry.Context(doc, spacy_doc, {})
        for ann in registry.ordered(DEFAULT_ANNOTATORS):
            started = clock()
            ctx.found[ann.assigns] = ann.fn(ctx)
            key = f"annotator {ann.name}"
            parts[key] = parts.get(key, 0.0) + clock() - started
        found.append(ctx.found)
    db = scratch / "breakdown.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with open_store(db) as store:
        with store.transaction():
            for doc, raw in zip(docs, raws, strict=True):
                store.add_document(doc, raw, None)
        started = clock()
        with store.transaction():
            for doc, result in zip(docs, found, strict=True):
                save_analysis(store, doc.id, "done", None, result, "bench", None, doc.text)
        parts["store results"] = clock() - started
    total = sum(parts.values())
    return {"documents": len(docs), "total_ms_per_doc": round(1000 * total / len(docs), 1),
            "parts": [{"part": k, "ms_per_doc": round(1000 * v / len(docs), 2),
                       "share": round(v / total, 3)} for k, v in parts.items()]}


def _short_path(path: str) -> str:
    for marker in ("site-packages/", "src/", "lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


# -- report ---------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000],
                    help="corpus sizes (none: only --profile)")
    ap.add_argument("--with-50k", action="store_true", help="add the 50k run (long)")
    ap.add_argument("--workers", type=int, nargs="+", default=sorted({1, default_workers()}))
    ap.add_argument("--single-max", type=int, default=10000,
                    help="largest size also run with 1 process (default 10000)")
    ap.add_argument("--no-spacy", action="store_true", help="skip the bare spaCy runs")
    ap.add_argument("--profile", action="store_true",
                    help=f"profile a single-process run of {PROFILE_DOCS} documents")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "sitrep-bench-scale")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sizes = sorted(set(args.sizes) | ({50000} if args.with_50k else set()))
    model = load_settings().spacy_model
    args.dir.mkdir(parents=True, exist_ok=True)
    console = Console(stderr=True)
    runs: list[dict[str, object]] = []
    report: dict[str, object] = {"cores": default_workers(), "seed": args.seed, "runs": runs}

    if args.profile:
        corpus = write_corpus(args.dir, PROFILE_DOCS, args.seed)
        console.print(f"profiling a single-process run of {PROFILE_DOCS} documents…")
        report["breakdown"] = breakdown(corpus, args.dir)
        report["profile"] = profile(corpus, args.dir)

    for n in sizes:
        corpus = write_corpus(args.dir, n, args.seed)
        for workers in args.workers:
            if workers == 1 and n > args.single_max and len(args.workers) > 1:
                continue
            console.print(f"{n} documents, sitrep --workers {workers}…")
            db = args.dir / f"run-{n}-w{workers}.db"
            runs.append(run_sitrep(corpus, db, workers))
            if not args.no_spacy:
                console.print(f"{n} documents, bare spaCy n_process={workers}…")
                spacy_run = run_spacy(db, workers, model, args.dir)
                runs.append(spacy_run)
                runs[-2]["ratio_to_spacy"] = round(
                    float(spacy_run["seconds"]) / float(runs[-2]["seconds"]), 3)  # type: ignore[arg-type]
                runs[-2]["analysis_ratio_to_spacy"] = round(
                    float(spacy_run["seconds"]) / float(runs[-2]["analysis_s"]), 3)  # type: ignore[arg-type]
                # The same by CPU time (spaCy's process, model load included): what the ratio
                # would be on a machine with nothing else running.
                runs[-2]["cpu_ratio_to_spacy"] = round(
                    float(spacy_run["cpu_s"]) / float(runs[-2]["cpu_s"]), 3)  # type: ignore[arg-type]
            db.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    ten_k = [r for r in runs if r["system"] == "sitrep" and r["documents"] == 10000]
    report["goal_ratio"] = GOAL_RATIO
    report["goal_10k_seconds"] = GOAL_10K_SECONDS
    if ten_k:
        report["fastest_10k_seconds"] = min(float(r["seconds"]) for r in ten_k)  # type: ignore[arg-type]

    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        _print(report)
    return 0


def _print(report: dict[str, object]) -> None:
    console = Console(width=None if sys.stdout.isatty() else 220)
    table = Table(title=f"sitrep analyze end to end vs bare spaCy ({report['cores']} cores)")
    for name in ("system", "docs", "workers", "seconds", "docs/s", "ms/doc", "CPU s", "ingest s",
                 "analysis s", "links s", "events s", "ratio (goal ≥ 0.5)", "analysis ratio",
                 "CPU ratio",
                 "peak RSS sum MB", "peak PSS sum MB", "load avg"):
        table.add_column(name, justify="left" if name == "system" else "right")
    for r in report["runs"]:  # type: ignore[attr-defined]
        table.add_row(str(r["system"]), f"{r['documents']:,}", str(r["workers"]),
                      f"{r['seconds']:.1f}", f"{r['docs_per_s']:.2f}", f"{r['ms_per_doc']:.1f}",
                      f"{r['cpu_s']:.0f}",
                      str(r.get("ingest_s", "")), str(r.get("analysis_s", "")),
                      str(r.get("links_s", "")), str(r.get("events_s", "")),
                      str(r.get("ratio_to_spacy", "")),
                      str(r.get("analysis_ratio_to_spacy", "")),
                      str(r.get("cpu_ratio_to_spacy", "")),
                      str(r["peak_rss_sum_mb"]), str(r["peak_pss_sum_mb"]),
                      "→".join(map(str, r["load_avg"])))  # type: ignore[arg-type]
    console.print(table)
    if "fastest_10k_seconds" in report:
        s = float(report["fastest_10k_seconds"])  # type: ignore[arg-type]
        console.print(f"10k documents: {s / 60:.1f} min (goal < 15 min)")
    if "breakdown" in report:
        b = report["breakdown"]
        t = Table(title=f"where the time goes: CPU ms per document, one process, "
                        f"{b['documents']} documents (total {b['total_ms_per_doc']} ms)")  # type: ignore[index]
        for name in ("part", "ms/doc", "share"):
            t.add_column(name, justify="left" if name == "part" else "right")
        for row in b["parts"]:  # type: ignore[index]
            t.add_row(row["part"], f"{row['ms_per_doc']:.1f}", f"{row['share']:.0%}")
        console.print(t)
    if "profile" in report:
        prof = report["profile"]
        for key in ("cumulative", "own"):
            t = Table(title=f"profile: single process, {PROFILE_DOCS} documents, top 15 by "
                            f"{key} time (total {prof['total_s']} s)")  # type: ignore[index]
            for name in ("function", "calls", "own s", "cumulative s"):
                t.add_column(name, justify="left" if name == "function" else "right")
            for row in prof[key]:  # type: ignore[index]
                t.add_row(row["function"], str(row["calls"]), str(row["own_s"]),
                          str(row["cumulative_s"]))
            console.print(t)


if __name__ == "__main__":
    raise SystemExit(main())
