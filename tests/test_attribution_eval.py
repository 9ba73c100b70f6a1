"""The attribution scorer on a tiny hand-written BRAT example (not PolNeAR text)."""

from __future__ import annotations

import gzip
import json

from sitrep.evaluate.attribution import Attr, Counts, parse_brat, run, score_item

from conftest import Cli

TEXT = ('The army said that five soldiers were killed. "We will retaliate," the group '
        "warned.\n\nRain fell on the town all day.")
ANN = "\n".join([
    "T1\tSource 0 8\tThe army",
    "T2\tCue 9 13\tsaid",
    "T3\tContent 14 44\tthat five soldiers were killed",
    "E1\tAttribution:T2 Cue:T2 Source:T1 Content:T3",
    'T4\tContent 46 66\t"We will retaliate,"',
    "T5\tSource 67 76\tthe group",
    "T6\tCue 77 83\twarned",
    "E2\tAttribution:T6 Cue:T6 Source:T5 Content:T4",
])


def test_brat_is_read_into_attributions():
    first, second = parse_brat(ANN, TEXT)
    assert TEXT[first.source[0][0]:first.source[0][1]] == "The army"
    assert TEXT[second.cue[0][0]:second.cue[0][1]] == "warned"
    assert TEXT[slice(*second.content[0])] == '"We will retaliate,"'


def test_exact_and_overlap_scores():
    gold = parse_brat(ANN, TEXT)
    # One attribution exactly right (quote marks and commas trimmed on both sides), one whose
    # content is cut short (overlap only), and one spurious.
    system = [
        Attr(((0, 8),), ((9, 13),), ((14, 44),)),
        Attr(((67, 76),), ((77, 83),), ((47, 54),)),
        Attr((), ((86, 90),), ((91, 115),)),
    ]
    counts = {f"{p}.{m}": Counts() for m in ("exact", "overlap")
              for p in ("source", "cue", "content", "triple")}
    score_item(gold, system, TEXT, counts)
    assert counts["cue.exact"].prf()["precision"] == round(2 / 3, 4)
    assert counts["cue.exact"].prf()["recall"] == 1.0
    assert counts["content.exact"].matched == 1 and counts["content.overlap"].matched == 2
    assert counts["triple.exact"].matched == 1 and counts["triple.overlap"].matched == 2
    assert counts["triple.overlap"].prf()["f1"] == 0.8


def test_run_on_a_file_with_limit_and_cli_floor(tmp_path):
    data = tmp_path / "tiny.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as fh:
        for n in range(2):
            fh.write(json.dumps({"article": f"a{n}", "annotator": "x", "text": TEXT,
                                 "ann": ANN}) + "\n")
    report = run(data, limit=1)
    assert report["files"] == 1 and report["gold_attributions"] == 2
    sitrep = report["systems"]["sitrep"]
    assert sitrep["triple"]["overlap"]["recall"] == 1.0  # both found by the speech finder
    assert report["systems"]["say_baseline"]["triple"]["overlap"]["matched"] == 1
    cli = Cli(tmp_path / "unused.db")
    ok = cli("eval", "attribution", "--data", str(data),
             "--floor", "systems.sitrep.triple.overlap.f1=0.5")
    assert "attribution" in ok.stdout
    low = cli("eval", "attribution", "--data", str(data), "--floor",
              "systems.sitrep.triple.overlap.f1=1.01", ok=False)
    assert low.exit_code == 1
