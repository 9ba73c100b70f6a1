"""Resource limits: hostile sizes stop at a configured limit with a clear rejection (file and
reason in `sitrep rejected`), the batch goes on, and memory stays under 2 GB.

The big inputs are made at test time in tmp_path (nothing big is committed): a 200 MB HTML
file, gzip bombs (a single layer at deflate's maximum of about 1,000:1, and a gzip inside a
gzip at over 10,000:1), a WARC record declaring 1 GB (sparse, and cut short), HTML nested
100,000 deep, a 10 MB line without spaces. They are analysed by the real CLI in a subprocess
whose peak resident memory is read from the kernel (wait4's rusage).

The second half runs every regex sitrep ships against adversarial strings of 50,000
characters under a time budget (catastrophic backtracking).
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import gzip
import importlib
import inspect
import json
import os
import pkgutil
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

import sitrep
from sitrep.nlp.numbers import RANGE_TOKEN

from conftest import SAMPLES

MB = 1024 * 1024
GB = 1024 * MB
MAX_RSS_MB = 2048
# The whole hostile batch (ingest, analysis of the good files, links) on 2 shared cores.
BATCH_TIMEOUT = 150
GOOD_HTML = SAMPLES / "sahel-monitor_boulkessi-camp-attack.html"


def measured(*args: str, env: dict[str, str] | None = None,
             timeout: float = BATCH_TIMEOUT) -> tuple[int, str, float, float]:
    """Run the real CLI; (exit code, stderr, peak RSS in MB, seconds). The peak is the
    kernel's ru_maxrss of that one child, whatever else the test process has run."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "sitrep", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "SITREP_WORKERS": "1", **(env or {})})
    assert proc.stderr is not None
    os.set_blocking(proc.stderr.fileno(), False)
    err = b""
    while True:
        err += proc.stderr.read() or b""
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > timeout:
            proc.kill()
            proc.wait()
            pytest.fail(f"sitrep {' '.join(args)} ran over {timeout} s")
        time.sleep(0.05)
    err += proc.stderr.read() or b""
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (proc.returncode, err.decode("utf-8", "replace"), usage.ru_maxrss / 1024,
            time.monotonic() - started)


# -- making the hostile files -----------------------------------------------------------------
def html_200mb(path: Path) -> None:
    paragraph = b"<p>" + b"Shelling continued overnight in the eastern districts. " * 18 + b"</p>\n"
    block = b"".join([paragraph] * (MB // len(paragraph) + 1))[:MB]
    with path.open("wb") as fh:
        fh.write(b"<!doctype html><html><body><article>")
        for _ in range(200):
            fh.write(block)
        fh.write(b"</article></body></html>")


def gzip_members(content: bytes, copies: int) -> bytes:
    """``copies`` gzip members of ``content``: a valid .gz of len(content) * copies bytes at
    the compression of one member (how bombs are made without compressing gigabytes)."""
    return gzip.compress(content, compresslevel=9, mtime=0) * copies


def gzip_bomb(path: Path) -> float:
    """One gzip layer at deflate's limit: 2 GB of markup in about 2 MB."""
    data = gzip_members(b"<p>" + b"A" * (16 * MB) + b"</p>", 128)
    path.write_bytes(data)
    return 128 * 16 * MB / len(data)


def jsonl_bomb(path: Path) -> float:
    """A JSONL container at the same ratio: one record, then blank lines of 1 MB, 2 GB."""
    data = gzip.compress(b'{"text": "Shelling hit Goma."}\n') + \
        gzip_members(b"".join([b" " * (MB - 1) + b"\n"] * 16), 128)
    path.write_bytes(data)
    return 128 * 16 * MB / len(data)


def nested_gzip_bomb(path: Path) -> float:
    """A gzip of a gzip of 1 GB: over 10,000:1 from the outer file."""
    inner = gzip_members(b"\n" * (16 * MB), 64)
    path.write_bytes(gzip.compress(inner, compresslevel=9, mtime=0))
    return GB / path.stat().st_size


WARC_HEAD = (b"WARC/1.0\r\nWARC-Type: %b\r\nWARC-Record-ID: <urn:uuid:%d>\r\n"
             b"WARC-Target-URI: https://example.org/news/%d\r\n"
             b"WARC-Date: 2024-03-14T10:00:00Z\r\n"
             b"Content-Type: application/http; msgtype=response\r\n"
             b"Content-Length: %d\r\n\r\n")


def warc_record(number: int, body: bytes, kind: bytes = b"response") -> bytes:
    return WARC_HEAD % (kind, number, number, len(body)) + body + b"\r\n\r\n"


def warc_1gb_sparse(path: Path) -> None:
    """A response declaring 1 GB whose bytes are a hole in a sparse file (no disk used),
    then a good record that must still be read."""
    head = (WARC_HEAD % (b"response", 1, 1, GB)
            + b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
            + b"x" * 16384)  # past the first 8 KB sniffed, so the hole's NULs are not seen
    good = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
            + (SAMPLES / "great-lakes-ledger_m23-shasha-sake.html").read_bytes())
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(len(head) - len(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
                                    b"<html><body><p>" + b"x" * 16384) + GB)
        fh.seek(0, os.SEEK_END)
        fh.write(b"\r\n\r\n" + warc_record(2, good))
    assert path.stat().st_blocks * 512 < 10 * MB, "the 1 GB record must be a hole"


def warc_1gb_cut(path: Path) -> None:
    """A response declaring 1 GB, cut after a few bytes."""
    path.write_bytes(WARC_HEAD % (b"response", 1, 1, GB)
                     + b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>cut")


def warc_gz_bomb(path: Path) -> None:
    """A .warc.gz whose first (metadata) record inflates to 1 GB: skipping it would inflate
    it all; the ratio limit stops it."""
    head = WARC_HEAD % (b"metadata", 1, 1, GB)
    path.write_bytes(gzip.compress(head, mtime=0) + gzip_members(b"\x20" * (16 * MB), 64))


def nested_divs(path: Path, depth: int = 100_000) -> None:
    path.write_text("<html><body>" + "<div>" * depth
                    + "<p>Shelling hit the town overnight, officials said.</p>"
                    + "</div>" * depth + "</body></html>")


def long_line(path: Path) -> None:
    path.write_text("Shelling hit the town overnight\n\n" + "A" * (10 * MB) + "\n")


def capitalised_words(path: Path) -> None:
    """Below every limit, but 5,000 capitalised words in a row: the place annotator walked the
    whole run for each word (quadratic: minutes), a hang the limits cannot catch."""
    path.write_text("Shelling hit Goma overnight, officials said.\n\n" + "Aa " * 5000 + "\n")


HOSTILE = {
    # file name: (maker, rejection kind, words of the reason)
    "huge.html": (html_200mb, "limit", "larger than the limit of 20,971,520 bytes"),
    # One document stops at the document limit; a container at the ratio limit.
    "bomb.html.gz": (gzip_bomb, "limit", "decompresses to more than 20,971,520 bytes"),
    "bomb.jsonl.gz": (jsonl_bomb, "limit", "ratio limit 200:1"),
    "nested.html.gz": (nested_gzip_bomb, "unsupported", "gzip data inside gzip"),
    "sparse.warc": (warc_1gb_sparse, "limit", "declares 1,073,741,824 bytes"),
    "cut.warc": (warc_1gb_cut, "limit", "declares 1,073,741,824 bytes"),
    "bomb.warc.gz": (warc_gz_bomb, "limit", "ratio limit 200:1"),
    "nested_divs.html": (nested_divs, "limit", "nested more than 250 deep"),
    "long_line.txt": (long_line, "limit", "over the limit of 1,000,000"),
}


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("hostile")
    ratios = {}
    for name, (make, _, _) in HOSTILE.items():
        ratios[name] = make(folder / name)
    capitalised_words(folder / "capitalised.txt")
    (folder / "good.html").write_bytes(GOOD_HTML.read_bytes())
    db = folder / "hostile.db"
    code, stderr, peak, seconds = measured("--db", str(db), "analyze", str(folder))
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM rejected")]
    docs = [dict(r) for r in con.execute("SELECT source_path, record FROM documents")]
    analysed = con.execute("SELECT count(*) FROM analyses WHERE status = 'done'").fetchone()[0]
    return {"code": code, "stderr": stderr, "peak": peak, "seconds": seconds, "rows": rows,
            "docs": docs, "analysed": analysed, "ratios": ratios, "db": db}


def test_hostile_batch_stays_under_2_gb(hostile_batch):
    assert hostile_batch["code"] == 0, hostile_batch["stderr"][-2000:]
    assert hostile_batch["peak"] < MAX_RSS_MB, f"peak RSS {hostile_batch['peak']:.0f} MB"


def test_bombs_are_what_they_claim(hostile_batch):
    assert hostile_batch["ratios"]["bomb.html.gz"] > 1000
    assert hostile_batch["ratios"]["bomb.jsonl.gz"] > 1000
    assert hostile_batch["ratios"]["nested.html.gz"] > 10_000


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_stops_at_its_limit(hostile_batch, name):
    _, kind, words = HOSTILE[name]
    rows = [r for r in hostile_batch["rows"] if Path(r["source"].split("#")[0]).name == name]
    assert len(rows) == 1, rows
    assert rows[0]["kind"] == kind and words in rows[0]["reason"], rows[0]
    # The one-line message on stderr names the file and the reason.
    assert any(name in line and words in line for line in hostile_batch["stderr"].splitlines())


def test_good_documents_around_them_are_stored_and_analysed(hostile_batch):
    stored = {(Path(d["source_path"]).name, d["record"]) for d in hostile_batch["docs"]}
    # The record after the 1 GB one is still read, and the other files are stored.
    assert {("good.html", None), ("capitalised.txt", None), ("sparse.warc", 2)} <= stored
    assert hostile_batch["analysed"] >= 3


def test_rejected_lists_them(hostile_batch):
    listed = subprocess.run([sys.executable, "-m", "sitrep", "--db", str(hostile_batch["db"]),
                             "rejected", "--json"], capture_output=True, text=True,
                            timeout=60)
    assert listed.returncode == 0
    sources = {Path(r["source"].split("#")[0]).name for r in json.loads(listed.stdout)}
    assert set(HOSTILE) <= sources


def test_html_depth_is_a_setting(tmp_path):
    page = tmp_path / "deep.html"
    nested_divs(page, depth=60)
    code, stderr, _, _ = measured("--db", str(tmp_path / "d.db"), "ingest", str(page),
                                  env={"SITREP_MAX_HTML_DEPTH": "50"})
    assert code == 1 and "nested more than 50 deep" in stderr
    code, _, _, _ = measured("--db", str(tmp_path / "e.db"), "ingest", str(page))
    assert code == 0


# -- every regex we ship, against adversarial strings ----------------------------------------
# Catastrophic backtracking shows as time growing with the square (or worse) of the input:
# at 50,000 characters a quadratic pattern takes seconds to minutes, a linear one
# milliseconds. Patterns are collected from the live modules (module-level patterns, those
# built by cached zero-argument functions from resources/ data files) and from every
# ``re.<function>("literal", …)`` call in the source.
ADVERSARIAL_CHARS = 50_000
# Wall time one pattern may take on one adversarial string. A linear pattern takes well under
# 0.1 s on 50,000 characters (the big alternations of the time rules included); the
# quadratic ones this audit found took 7 s to 4 minutes.
REGEX_BUDGET_SECONDS = 1.0
# Pieces repeated to 50k characters: single characters of each class, and the pairs that
# make names, numbers and lists. Words of the pattern itself are added per pattern.
PIECES = ("a", "A", "1", " ", "\n", ".", "-", "'", "“", ",", "a ", "A ", "1 ", "Aa ", "1,",
          "1.", "al-A", " \n", "A.", "1a", "( ", "1 - ")
MAX_PATTERN_WORDS = 4
# Patterns whose callers bound what they are applied to, tested the way they are used
# (anchored, or at the length the caller allows). Key: the pattern's source.
BOUNDED: dict[str, tuple[str, int, str]] = {
    r"([A-Za-z]+)[\s-]*$": ("search", 40, "timex_rules._word_before: the 40 characters "
                            "before a mention"),
    r"[\s-]+old\b": ("match", ADVERSARIAL_CHARS, "timex_rules._duration_ok: re.match at the "
                     "end of a duration"),
    RANGE_TOKEN.pattern: ("fullmatch", ADVERSARIAL_CHARS, "numbers._range_token: fullmatch "
                          "of one token"),
    r"[^,;/|]+?(?=\s*(?:,|;|/|\||\band\b|$))": ("search", 180, "sources._block_line: block "
                                                "lines of at most 180 characters"),
}
SRC = Path(sitrep.__file__).parent


def _walk(obj: object, where: str, found: dict, depth: int = 0) -> None:
    if depth > 4:
        return
    if isinstance(obj, re.Pattern):
        found.setdefault((obj.pattern, obj.flags), (obj, where))
    elif isinstance(obj, dict):
        for value in obj.values():
            _walk(value, where, found, depth + 1)
    elif isinstance(obj, list | tuple | set | frozenset):
        for value in obj:
            _walk(value, where, found, depth + 1)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _walk(getattr(obj, f.name), where, found, depth + 1)


def _flags(node: ast.Call) -> int:
    flags = [kw.value for kw in node.keywords if kw.arg == "flags"]
    if node.func.attr == "compile" and len(node.args) > 1:  # type: ignore[attr-defined]
        flags.append(node.args[1])
    return eval(compile(ast.Expression(flags[0]), "flags", "eval"), {"re": re}) if flags else 0


@functools.cache
def shipped_patterns() -> dict[tuple[str, int], tuple[re.Pattern[str], str]]:
    found: dict = {}
    for info in pkgutil.walk_packages([str(SRC)], "sitrep."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in list(vars(module).items()):
            if isinstance(value, functools._lru_cache_wrapper):
                if getattr(value, "__module__", None) != module.__name__ or \
                        inspect.signature(value).parameters:
                    continue
                value = value()  # tables of patterns built from resources/ files
            _walk(value, f"{info.name}.{name}", found)
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                pattern = re.compile(node.args[0].value, _flags(node))
                found.setdefault((pattern.pattern, pattern.flags),
                                 (pattern, f"{path.relative_to(SRC)}:{node.lineno}"))
    return found


def adversarial(pattern: re.Pattern, length: int) -> list:
    if isinstance(pattern.pattern, bytes):
        return [s.encode("utf-8") for s in adversarial(re.compile(pattern.pattern.decode(
            "latin-1")), length)]
    words = sorted(set(re.findall(r"[A-Za-z]{2,}", pattern.pattern)),
                   key=lambda w: (-len(w), w))[:MAX_PATTERN_WORDS]
    pieces = [*PIECES, *(w + " " for w in words), *(w.capitalize() + " " for w in words)]
    strings = []
    for piece in pieces:
        body = (piece * (length // len(piece) + 1))[:length]
        strings.append(body + "!")  # a last character that fails most patterns
    return strings


class Slow(Exception):
    pass


def _expire(signum, frame):
    raise Slow


def test_the_audit_finds_the_patterns():
    found = {pattern for pattern, _ in shipped_patterns()}
    assert len(found) > 100
    # One of each kind: module level, built from a data file, inline literal.
    assert RANGE_TOKEN.pattern in found
    assert any(isinstance(p, str) and "comments?" in p for p in found)  # boilerplate.tsv
    assert r"[\s-]+old\b" in found


def test_every_shipped_regex_is_fast_on_adversarial_input():
    slow = []
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        for (source, _), (pattern, where) in sorted(shipped_patterns().items(),
                                                   key=lambda kv: kv[1][1]):
            mode, length, _ = BOUNDED.get(source, ("search", ADVERSARIAL_CHARS, ""))
            run = {"search": lambda s, p=pattern: sum(1 for _ in p.finditer(s)),
                   "match": pattern.match, "fullmatch": pattern.fullmatch}[mode]
            for text in adversarial(pattern, length):
                signal.setitimer(signal.ITIMER_REAL, REGEX_BUDGET_SECONDS)
                try:
                    run(text)
                except Slow:
                    slow.append(f"{where}: {source[:120]!r} on {text[:12]!r}…")
                    break
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert not slow, "patterns over budget on adversarial input:\n" + "\n".join(slow)


def test_budget_catches_a_catastrophic_pattern():
    """The check works: a nested quantifier (exponential) and a quadratic name pattern are
    caught within the budget."""
    for bad in (re.compile(r"(\w+\s?)*$"), re.compile(r"[A-Z]\w*\s+reported")):
        previous = signal.signal(signal.SIGALRM, _expire)
        signal.setitimer(signal.ITIMER_REAL, REGEX_BUDGET_SECONDS)
        try:
            with pytest.raises(Slow):
                for text in adversarial(bad, ADVERSARIAL_CHARS):
                    sum(1 for _ in bad.finditer(text))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def test_zlib_cannot_beat_the_single_layer_ratio():
    """Why the 10,000:1 bomb is a gzip inside a gzip: deflate tops out near 1,032:1."""
    data = b"\x00" * (64 * MB)
    assert len(data) / len(zlib.compress(data, 9)) < 1100
