"""Coverage-guided fuzzing of one target with atheris (libFuzzer), for `make fuzz`.

    python fuzz/run.py TARGET [--seconds N] [--corpus DIR]

Seeds come from samples/ and tests/fixtures (the formats the target reads); the working
corpus lives in DIR (default: $TMPDIR/sitrep-fuzz/TARGET). An input that raises an
undocumented exception, takes more than 10 s, or grows the process past 2 GB is written to
tests/fixtures/fuzz/TARGET/ (the regression corpus tests/test_fuzz.py replays) and ends the
run with a non-zero status. libFuzzer's final stats give the inputs tried
(``number_of_executed_units``).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fuzz"))

with atheris.instrument_imports(include=["sitrep", "warcio", "feedparser", "trafilatura",
                                         "htmldate", "charset_normalizer"]):
    import targets  # (imported inside the instrumentation on purpose)

PER_INPUT_SECONDS = 10
RSS_LIMIT_MB = 2048
MAX_INPUT_BYTES = 64 * 1024
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = {
    "any": ["*"], "html": ["*.html"], "text": ["*.txt"], "warc": ["*.warc.gz"],
    "feed": ["*.rss", "*.atom"], "jsonl": ["*.jsonl"], "gzip": ["*.gz"],
    "dates": ["*.txt"], "numbers": ["*.txt"], "quotes": ["*.txt"],
}


def seed(corpus: Path, name: str) -> None:
    """Sample files of the target's format (WARC and gzip seeds decompressed where the
    target adds the compression itself)."""
    corpus.mkdir(parents=True, exist_ok=True)
    for folder in (SAMPLES, FIXTURES / "bad", FIXTURES / "hostile"):
        for pattern in SEEDS[name]:
            for path in sorted(folder.glob(pattern)):
                if not path.is_file():
                    continue
                data = path.read_bytes()
                if name in ("warc", "gzip", "dates", "numbers", "quotes") and \
                        data[:2] == b"\x1f\x8b":
                    data = gzip.decompress(data)
                (corpus / f"seed-{path.name}").write_bytes(data[:MAX_INPUT_BYTES])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", choices=sorted(targets.TARGETS))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--corpus", type=Path)
    args, rest = parser.parse_known_args()
    work = Path(tempfile.gettempdir()) / "sitrep-fuzz"
    corpus = args.corpus or work / args.target
    seed(corpus, args.target)
    targets.WORK = work / f"{args.target}-files"  # the files readers are given
    targets.WORK.mkdir(parents=True, exist_ok=True)
    crashes = FIXTURES / "fuzz" / args.target
    crashes.mkdir(parents=True, exist_ok=True)
    # Lazy loads (language model, spaCy, gazetteer) happen on a target's first input: done
    # here, outside libFuzzer's per-input timeout, so they are not reported as hangs.
    for path in sorted(corpus.iterdir())[:1]:
        targets.run(args.target, path.read_bytes())
    atheris.Setup([sys.argv[0], str(corpus), f"-max_total_time={args.seconds}",
                   f"-timeout={PER_INPUT_SECONDS}", f"-rss_limit_mb={RSS_LIMIT_MB}",
                   f"-max_len={MAX_INPUT_BYTES}", f"-artifact_prefix={crashes}/",
                   "-print_final_stats=1", *rest],
                  lambda data: targets.run(args.target, data))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
