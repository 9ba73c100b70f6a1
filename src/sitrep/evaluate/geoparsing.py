"""Geoparsing (toponym recognition + resolution), scored as Gritta et al. score it.

Data: any corpus file of the LGL schema (``<article><text/><toponyms><toponym><start/><end/>
<phrase/><gaztag><lat/><lon/>…``) or the GeoVirus schema (``<article><text/><locations>
<location><name/><start/><end/><lat/><lon/>…``), or a folder of such ``*.xml`` files.

sitrep runs as the pipeline runs it: the spaCy model of the settings, then the ``places``
annotator, on a minimal Document (the article's text, published=None, language "en").

Metrics ("What's missing in geographical parsing?", Gritta et al. 2018, and "A pragmatic
guide to geoparsing evaluation", Gritta et al. 2019; their code's ``print_stats``):

* recognition: precision, recall and F1 of sitrep's place spans against the gold toponyms,
  ``exact`` (same start and end) and ``overlap`` (any shared character; one-to-one);
* geocoding, over the gold toponyms that have coordinates:
  - ``recognized``: only those sitrep recognized (overlap match) — the papers' setting; a
    recognized toponym that sitrep left unresolved counts as the maximum error;
  - ``all_gold``: every gold toponym, a missed one counted as the maximum error (20,039 km,
    half the Earth's circumference), which folds recall into the numbers;
  each with accuracy@161 km (error + 1 < 161, on the log scale as in their code), mean and
  median error in km, and AUC: the area under the sorted log(error + 1) curve by the
  trapezoidal rule, divided by log(20039) × (n - 1) (0 is perfect, lower is better).

Errors are great-circle distances (haversine, mean Earth radius 6371.0088 km).
"""

from __future__ import annotations

import hashlib
import math
import statistics
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvaluationError
from ..geo import distance_km
from ..records import Document, PlaceRef
from .datasets import Progress, first
from .scoring import pct, ratio, table

TASK = "geoparsing"
MAX_ERROR_KM = 20039.0  # half the Earth's circumference: the worst possible error
ACCURACY_KM = 161.0  # 100 miles
# How far (characters) a gold phrase may sit from its stated offsets and still be re-aligned.
ALIGN_WINDOW = 3


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    phrase: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Article:
    file: str
    number: int  # 1-based position in its file
    text: str
    toponyms: tuple[GoldToponym, ...]


@dataclass(frozen=True)
class SystemSpan:
    start: int
    end: int
    lat: float | None
    lon: float | None
    rule: str


# -- reading corpora ------------------------------------------------------------------------------

def corpus_files(data: Path | str) -> list[Path]:
    path = Path(data)
    if not path.exists():
        raise EvaluationError(f"evaluation data not found: {path} does not exist (pass a "
                              "corpus .xml file in the LGL or GeoVirus schema, or a folder "
                              "of them)")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.glob("*.xml") if p.is_file())
    if not files:
        raise EvaluationError(f"no *.xml corpus file in {path}")
    return files


def read_corpus(path: Path) -> list[Article]:
    """Articles of one file, in either schema (told from each article's children)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        raise EvaluationError(f"cannot read the corpus {path}: {err}") from err
    articles = []
    for number, node in enumerate(root.iter("article"), start=1):
        text = node.findtext("text")
        if text is None:
            raise EvaluationError(f"{path}: article {number} has no <text>")
        if node.find("toponyms") is not None:
            gold = tuple(_lgl_toponyms(node, path, number))
        elif node.find("locations") is not None:
            gold = tuple(_geovirus_locations(node, path, number))
        else:
            raise EvaluationError(f"{path}: article {number} has neither <toponyms> (LGL "
                                  "schema) nor <locations> (GeoVirus schema)")
        articles.append(Article(path.name, number, text,
                                tuple(_aligned(text, g) for g in gold)))
    if not articles:
        raise EvaluationError(f"{path} holds no <article>")
    return articles


def _aligned(text: str, gold: GoldToponym) -> GoldToponym:
    """The toponym at the offsets where its phrase actually is: GeoVirus.xml counts from 1,
    so ``text[start:end]`` is one character late. The nearest occurrence of the phrase within
    ALIGN_WINDOW characters wins; a phrase not found there keeps the offsets as given."""
    if not gold.phrase or text[gold.start:gold.end] == gold.phrase:
        return gold
    for shift in sorted(range(-ALIGN_WINDOW, ALIGN_WINDOW + 1), key=abs):
        start = gold.start + shift
        if start >= 0 and text[start:start + len(gold.phrase)] == gold.phrase:
            return GoldToponym(start, start + len(gold.phrase), gold.phrase, gold.lat, gold.lon)
    return gold


def _lgl_toponyms(node: ET.Element, path: Path, number: int) -> Iterator[GoldToponym]:
    for top in node.iter("toponym"):
        gaz = top.find("gaztag")
        lat = lon = None
        if gaz is not None and gaz.findtext("lat") and gaz.findtext("lon"):
            lat, lon = float(gaz.findtext("lat")), float(gaz.findtext("lon"))
        yield _toponym(top.findtext("start"), top.findtext("end"), top.findtext("phrase"),
                       lat, lon, path, number)


def _geovirus_locations(node: ET.Element, path: Path, number: int) -> Iterator[GoldToponym]:
    for loc in node.iter("location"):
        lat, lon = loc.findtext("lat"), loc.findtext("lon")
        yield _toponym(loc.findtext("start"), loc.findtext("end"), loc.findtext("name"),
                       float(lat) if lat else None, float(lon) if lon else None, path, number)


def _toponym(start: str | None, end: str | None, phrase: str | None, lat: float | None,
             lon: float | None, path: Path, number: int) -> GoldToponym:
    try:
        return GoldToponym(int(start or ""), int(end or ""), phrase or "", lat, lon)
    except ValueError:
        raise EvaluationError(f"{path}: article {number} has a toponym without integer "
                              f"<start>/<end> ({phrase!r})") from None


# -- running sitrep ------------------------------------------------------------

def document_for(text: str, source: str) -> Document:
    """The minimal Document the places annotator needs (English, no publication date)."""
    return Document(
        id=hashlib.sha256(text.encode()).hexdigest(), source=source, source_path=source,
        record=None, container="file", media="text", url=None, site=None, title=None,
        byline=None, published=None, language="en", language_score=1.0, text=text,
        cited_sources=(), fingerprint="")


def sitrep_spans(articles: list[Article]) -> Iterator[tuple[Article, list[SystemSpan] | str]]:
    """Each article with sitrep's place spans (or the failure's message), in order."""
    from ..nlp.pipeline import analyze
    from ..settings import load_settings

    docs = (document_for(a.text, f"{a.file}#{a.number}") for a in articles)
    for article, analysis in zip(articles, analyze(docs, load_settings().spacy_model,
                                                   annotators=("places",)), strict=True):
        if analysis.status != "done":
            yield article, analysis.detail or analysis.status
            continue
        yield article, [_system_span(ref) for ref in analysis.found.get("places", ())]


def _system_span(ref: PlaceRef) -> SystemSpan:
    place = ref.place
    return SystemSpan(ref.span.start, ref.span.end, place.lat if place else None,
                      place.lon if place else None, ref.rule)


# -- scoring ------------------------------------------------------------



@dataclass(frozen=True)
class ArticleScore:
    exact: int  # system spans equal to a gold span
    overlap: int  # gold toponyms matched one-to-one by an overlapping system span
    system: int
    gold: int
    errors: tuple[float | None, ...]  # per gold toponym with coordinates; None = not recognized
    unresolved: int  # gold toponyms with coordinates recognized by a span without a place
    rules: Counter  # rule → [system spans], for the breakdown
    rules_matched: Counter


def score_article(gold: tuple[GoldToponym, ...], system: list[SystemSpan]) -> ArticleScore:
    """Recognition counts and geocoding errors of one article."""
    gold_exact = {(g.start, g.end) for g in gold}
    exact = sum(1 for s in system if (s.start, s.end) in gold_exact)
    pairs = _overlap_pairs(gold, system)
    errors: list[float | None] = []
    unresolved = 0
    for gi, g in enumerate(gold):
        if g.lat is None or g.lon is None:
            continue
        si = pairs.get(gi)
        if si is None:
            errors.append(None)
            continue
        s = system[si]
        if s.lat is None or s.lon is None:
            unresolved += 1
            errors.append(MAX_ERROR_KM)
        else:
            errors.append(distance_km(g.lat, g.lon, s.lat, s.lon))
    matched_system = set(pairs.values())
    rules = Counter(s.rule for s in system)
    rules_matched = Counter(system[i].rule for i in matched_system)
    return ArticleScore(exact, len(pairs), len(system), len(gold), tuple(errors), unresolved,
                        rules, rules_matched)


def _overlap_pairs(gold: tuple[GoldToponym, ...], system: list[SystemSpan]) -> dict[int, int]:
    """gold index → system index, one-to-one: exact matches first, then the largest overlap."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            if si not in used and (s.start, s.end) == (g.start, g.end):
                pairs[gi] = si
                used.add(si)
                break
    for gi, g in enumerate(gold):
        if gi in pairs:
            continue
        best, best_len = None, 0
        for si, s in enumerate(system):
            shared = min(g.end, s.end) - max(g.start, s.start)
            if si not in used and shared > best_len:
                best, best_len = si, shared
        if best is not None:
            pairs[gi] = best
            used.add(best)
    return pairs


def recognition(tp: int, system: int, gold: int) -> dict[str, Any]:
    return {"tp": tp, "fp": system - tp, "fn": gold - tp,
            "precision": ratio(tp, system), "recall": ratio(tp, gold),
            "f1": ratio(2 * tp, system + gold)}


def geocoding(errors: list[float]) -> dict[str, Any]:
    """Gritta et al.'s print_stats: acc@161, mean, median and AUC of a list of errors (km)."""
    if not errors:
        return {"n": 0, "acc161": None, "mean_km": None, "median_km": None, "auc": None}
    logs = sorted(math.log(e + 1) for e in errors)
    within = sum(1 for v in logs if v < math.log(ACCURACY_KM))
    if len(logs) > 1:
        trapezoid = sum(logs) - (logs[0] + logs[-1]) / 2
        auc = trapezoid / (math.log(MAX_ERROR_KM) * (len(logs) - 1))
    else:
        auc = logs[0] / math.log(MAX_ERROR_KM)
    return {"n": len(errors), "acc161": round(within / len(errors), 4),
            "mean_km": round(statistics.fmean(errors), 1),
            "median_km": round(statistics.median(errors), 1), "auc": round(auc, 4)}


@dataclass
class _Tally:
    articles: int = 0
    failures: int = 0
    exact: int = 0
    overlap: int = 0
    system: int = 0
    gold: int = 0
    unresolved: int = 0
    recognized_errors: list[float] = field(default_factory=list)
    all_errors: list[float] = field(default_factory=list)

    def add(self, score: ArticleScore) -> None:
        self.articles += 1
        self.exact += score.exact
        self.overlap += score.overlap
        self.system += score.system
        self.gold += score.gold
        self.unresolved += score.unresolved
        self.recognized_errors.extend(e for e in score.errors if e is not None)
        self.all_errors.extend(MAX_ERROR_KM if e is None else e for e in score.errors)

    def report(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "failures": self.failures,
            "gold_toponyms": self.gold,
            "system_spans": self.system,
            "recognition": {"exact": recognition(self.exact, self.system, self.gold),
                            "overlap": recognition(self.overlap, self.system, self.gold)},
            "unresolved": self.unresolved,
            "geocoding": {"recognized": geocoding(self.recognized_errors),
                          "all_gold": geocoding(self.all_errors)},
        }


def run(data: Path | str, *, limit: int | None = None,
        progress: Progress | None = None) -> dict[str, Any]:
    """Score sitrep on every article of the corpus file(s); a JSON-serializable report.
    ``limit`` takes the first articles of each file."""
    first((), limit)  # a bad limit fails before any file is read
    files = corpus_files(data)
    articles = [a for f in files for a in first(read_corpus(f), limit)]
    total = _Tally()
    per_file: dict[str, _Tally] = {f.name: _Tally() for f in files}
    rules: Counter = Counter()
    rules_matched: Counter = Counter()
    failures: list[dict[str, str]] = []
    worst: list[dict[str, Any]] = []
    start = time.perf_counter()
    for done, (article, spans) in enumerate(sitrep_spans(articles), start=1):
        if isinstance(spans, str):
            failures.append({"article": f"{article.file}#{article.number}", "reason": spans})
            total.failures += 1
            per_file[article.file].failures += 1
            spans = []
        score = score_article(article.toponyms, spans)
        total.add(score)
        per_file[article.file].add(score)
        rules.update(score.rules)
        rules_matched.update(score.rules_matched)
        worst.extend(_misses(article, spans))
        if progress is not None:
            progress(done, len(articles))
    seconds = time.perf_counter() - start
    worst.sort(key=lambda w: -w["error_km"])
    return {
        "task": TASK,
        "data": str(data),
        "files": [str(f) for f in files],
        **total.report(),
        "seconds": round(seconds, 1),
        "articles_per_second": round(len(articles) / seconds, 2) if seconds else None,
        "by_rule": {rule: {"spans": n, "matched_gold": rules_matched[rule],
                           "precision": ratio(rules_matched[rule], n)}
                    for rule, n in rules.most_common()},
        "per_file": {name: t.report() for name, t in per_file.items()} if len(files) > 1
        else {},
        "failed_articles": failures,
        "worst": worst[:50],
    }


def _misses(article: Article, spans: list[SystemSpan]) -> Iterator[dict[str, Any]]:
    """Recognized gold toponyms resolved 161 km or more away (for the report's tail)."""
    pairs = _overlap_pairs(article.toponyms, spans)
    for gi, si in pairs.items():
        g, s = article.toponyms[gi], spans[si]
        if g.lat is None or g.lon is None:
            continue
        if s.lat is None or s.lon is None:
            continue  # counted as "unresolved"
        error = distance_km(g.lat, g.lon, s.lat, s.lon)
        if error >= ACCURACY_KM:
            yield {"article": f"{article.file}#{article.number}", "phrase": g.phrase,
                   "gold": [g.lat, g.lon], "sitrep": [s.lat, s.lon], "rule": s.rule,
                   "error_km": round(error, 1)}


def format_report(report: dict[str, Any], *, worst: int = 15) -> str:
    """Plain-text tables: recognition, geocoding, per file, per rule, worst errors."""
    lines = [f"geoparsing: {report['articles']} articles, {report['gold_toponyms']} gold "
             f"toponyms from {report['data']} ({report['seconds']:.0f} s, "
             f"{report['articles_per_second']} articles/s)"]
    if report["failures"]:
        lines.append(f"failed articles (scored as finding nothing): {report['failures']}")
    lines.append("")
    lines.extend(_recognition_rows(report, "sitrep"))
    lines.append("")
    lines.extend(_geocoding_rows([("sitrep", report)]))
    lines.append(f"recognized but left without a place (max error): {report['unresolved']}")
    if report["per_file"]:
        lines.append("")
        lines.extend(_geocoding_rows(list(report["per_file"].items())))
    if report["by_rule"]:
        lines.append("")
        rows = [("rule", "spans", "match gold", "P")]
        for rule, r in report["by_rule"].items():
            rows.append((rule, str(r["spans"]), str(r["matched_gold"]), pct(r["precision"])))
        lines.extend(table(rows))
    if report["worst"][:worst]:
        lines.append("")
        lines.append("largest errors on recognized toponyms:")
        for w in report["worst"][:worst]:
            lines.append(f"  {w['error_km']:8.0f} km  {w['phrase']!r}  {w['article']}  "
                         f"gold {w['gold']}  sitrep {w['sitrep']}  ({w['rule']})")
    return "\n".join(lines)


def _recognition_rows(report: dict[str, Any], name: str) -> list[str]:
    rows = [("recognition", "P", "R", "F1", "TP", "FP", "FN")]
    for kind in ("exact", "overlap"):
        r = report["recognition"][kind]
        rows.append((f"{name} {kind}", pct(r["precision"]), pct(r["recall"]), pct(r["f1"]),
                     str(r["tp"]), str(r["fp"]), str(r["fn"])))
    return table(rows)


def _geocoding_rows(reports: list[tuple[str, dict[str, Any]]]) -> list[str]:
    rows = [("geocoding", "over", "n", "acc@161", "mean km", "median km", "AUC")]
    for name, report in reports:
        for over in ("recognized", "all_gold"):
            g = report["geocoding"][over]
            rows.append((name, over.replace("_", " "), str(g["n"]), pct(g["acc161"]),
                         _num(g["mean_km"]), _num(g["median_km"]),
                         "-" if g["auc"] is None else f"{g['auc']:.3f}"))
    return table(rows)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"
