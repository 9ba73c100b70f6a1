"""Fuzzing, short mode (the long, coverage-guided mode is `make fuzz`, see DEVELOPERS.md).

Property-based inputs (hypothesis) through every reader and the date, number and quote
stages (targets in fuzz/targets.py, shared with the atheris runs): no exception but the
documented ones, and each input within a time bound. Inputs that once crashed or hung are
files in tests/fixtures/fuzz/<target>/, replayed here.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "fuzz"))
targets = importlib.import_module("targets")

CORPUS = FIXTURES / "fuzz"
# Wall time one input may take through one target (the slowest, a parsed text through the
# figures annotator, takes well under a second; a hang is stopped here and fails).
PER_INPUT_SECONDS = 10
# Inputs per target: a short run in `make test`; `make fuzz` sets more.
EXAMPLES = int(os.environ.get("SITREP_FUZZ_EXAMPLES", "100"))

# Pieces that make inputs look like what each target reads, so that random choices reach
# past the first check (sniffing, JSON, XML) into the code behind it.
MARKUP = ["<html>", "<head>", "<body>", "<article>", "<div>", "</div>", "<p>", "</p>",
          "<title>", "</title>", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>",
          '<meta charset="', 'utf-16">', '<meta property="article:published_time" content="',
          '">', "&amp;", "&#", "&#x", ";", "<table><tr><td>", "<br/>", "<", ">", "\x00",
          "\ufeff", "\r\n", "\n\n", "é", "\u202e"]
WORDS = ["Reuters reported", "according to", "said", "told AFP", "killed", "wounded",
         "at least", "dozens of", "between", "and", "20-30", "1,200", "three", "hundred",
         "On Monday", "last week", "March 14, 2024", "2024-03-14", "14/03/2024", "ago",
         "two years earlier", "since", "12:30 GMT", "“", "”", '"', "'", "«", "»", "—", "-",
         "Sources:", "By John Smith", "Updated:", "Al-", "Sahel", "Goma", "A", "1", " ", "."]
STRUCTURE = ["WARC/1.0\r\n", "WARC-Type: response\r\n", "Content-Length: ", "\r\n\r\n",
             "HTTP/1.1 200 OK\r\n", "Content-Type: text/html\r\n", "Transfer-Encoding: chunked\r\n",
             "Content-Encoding: gzip\r\n", '{"text": "', '{"html": "', '", "published": "',
             '"}', "\\u0000", "\\ud800", "[", "]", "null", "<rss>", "<channel>", "<item>",
             "<feed>", "<entry>", "<content type=\"html\">", "<description>", "</item>",
             "<!ENTITY x \"", "<!DOCTYPE r [", "]>", "&x;"]


def pieces(*vocabularies: list[str]) -> st.SearchStrategy[bytes]:
    vocabulary = [w for v in vocabularies for w in v]
    piece = st.one_of(st.sampled_from(vocabulary), st.text(max_size=12),
                      st.integers(0, 10**9).map(str))
    return st.lists(piece, max_size=80).map(lambda parts: "".join(parts).encode("utf-8"))


def raw_or(structured: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    return st.one_of(structured, st.binary(max_size=2048))


STRATEGIES = {
    "any": raw_or(pieces(MARKUP, WORDS, STRUCTURE)),
    "html": raw_or(pieces(MARKUP, WORDS)),
    "text": raw_or(pieces(WORDS)),
    "warc": raw_or(pieces(STRUCTURE, MARKUP, WORDS)),
    "feed": raw_or(pieces(STRUCTURE, MARKUP, WORDS)),
    "jsonl": raw_or(pieces(STRUCTURE, WORDS)),
    "gzip": raw_or(pieces(MARKUP, WORDS, STRUCTURE)),
    "dates": pieces(WORDS),
    "numbers": pieces(WORDS),
    "quotes": pieces(WORDS),
}


class Hang(Exception):
    pass


@contextmanager
def time_bound(seconds: float):
    """Fail an input that runs longer than ``seconds`` (SIGALRM reaches Python code and the
    regex engine alike)."""
    def expire(signum, frame):
        raise Hang(f"input took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_every_reader_and_text_stage_has_a_target():
    assert set(targets.READERS) == {"any", "html", "text", "warc", "feed", "jsonl", "gzip"}
    assert set(targets.STAGES) == {"dates", "numbers", "quotes"}
    assert set(STRATEGIES) == set(targets.TARGETS)


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_fuzz(name):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(STRATEGIES[name])
    def check(data: bytes) -> None:
        with time_bound(PER_INPUT_SECONDS):
            targets.run(name, data)

    check()


def corpus() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/*") if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("path", corpus(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_crash_corpus_replays_clean(path):
    """Every input a fuzzer found crashing or hanging, through its target, after the fix."""
    with time_bound(PER_INPUT_SECONDS):
        targets.run(path.parent.name, path.read_bytes())


def test_targets_reject_only_with_documented_errors():
    """The harness itself: a broken gzip is a documented rejection (no exception out), and an
    exception of any other kind escapes (the fuzzers would not see crashes otherwise)."""
    targets.run("gzip", b"\x00not gzip")
    with pytest.raises(KeyError):
        targets.run("no such target", b"")
