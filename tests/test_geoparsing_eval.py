"""The geoparsing scorer: reading both corpus schemas and counting against hand-computed values."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sitrep.errors import EvaluationError
from sitrep.evaluate import geoparsing
from sitrep.evaluate.geoparsing import (
    MAX_ERROR_KM,
    GoldToponym,
    SystemSpan,
    distance_km,
    geocoding,
    read_corpus,
    score_article,
)

PARIS = (48.85341, 2.3488)
FRANCE = (46.0, 2.0)

LGL_TEXT = "Paris is the capital of France. Main Street is quiet."
LGL = f"""<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="1">
    <title>t</title>
    <text><![CDATA[{LGL_TEXT}]]></text>
    <toponyms>
      <toponym><start>0</start><end>5</end><phrase>Paris</phrase>
        <gaztag geonameid="2988507"><name>Paris</name><fclass>P</fclass><fcode>PPLC</fcode>
          <lat>{PARIS[0]}</lat><lon>{PARIS[1]}</lon></gaztag></toponym>
      <toponym><start>24</start><end>30</end><phrase>France</phrase>
        <gaztag geonameid="3017382"><name>France</name><fclass>A</fclass><fcode>PCLI</fcode>
          <lat>{FRANCE[0]}</lat><lon>{FRANCE[1]}</lon></gaztag></toponym>
      <toponym><start>32</start><end>43</end><phrase>Main Street</phrase></toponym>
    </toponyms>
  </article>
</articles>
"""

GEOVIRUS_TEXT = "Officials in Nairobi, Kenya reported new cases."
# GeoVirus.xml counts offsets from 1: "Nairobi" is text[13:20] but written 14-21.
GEOVIRUS = f"""<articles>
    <article>
        <source>https://en.wikinews.org/wiki/x</source>
        <text>{GEOVIRUS_TEXT}</text>
        <locations>
            <location><name>Nairobi</name><start>14</start><end>21</end>
                <lat>-1.28</lat><lon>36.82</lon><page>p</page></location>
            <location><name>Kenya</name><start>23</start><end>28</end>
                <lat>0.5</lat><lon>37.5</lon><page>p</page></location>
        </locations>
    </article>
</articles>
"""


@pytest.fixture
def corpora(tmp_path: Path) -> Path:
    (tmp_path / "lgl_tiny.xml").write_text(LGL, encoding="utf-8")
    (tmp_path / "geovirus_tiny.xml").write_text(GEOVIRUS, encoding="utf-8")
    return tmp_path


def test_reads_the_lgl_schema(corpora):
    (article,) = read_corpus(corpora / "lgl_tiny.xml")
    assert article.text == LGL_TEXT
    assert [(g.phrase, g.start, g.end) for g in article.toponyms] == [
        ("Paris", 0, 5), ("France", 24, 30), ("Main Street", 32, 43)]
    assert article.toponyms[0].lat == PARIS[0]
    assert article.toponyms[2].lat is None  # recognized but not resolved in the gold


def test_reads_the_geovirus_schema_and_realigns_one_based_offsets(corpora):
    (article,) = read_corpus(corpora / "geovirus_tiny.xml")
    nairobi, kenya = article.toponyms
    assert (nairobi.start, nairobi.end) == (13, 20)
    assert article.text[nairobi.start:nairobi.end] == "Nairobi"
    assert article.text[kenya.start:kenya.end] == "Kenya"


def test_bad_data_is_an_evaluation_error(tmp_path):
    with pytest.raises(EvaluationError, match="does not exist"):
        geoparsing.corpus_files(tmp_path / "missing.xml")
    with pytest.raises(EvaluationError, match=r"no \*\.xml"):
        geoparsing.corpus_files(tmp_path)
    bad = tmp_path / "bad.xml"
    bad.write_text("<articles><article><text>x</text></article></articles>")
    with pytest.raises(EvaluationError, match="neither"):
        read_corpus(bad)
    broken = tmp_path / "broken.xml"
    broken.write_text("<articles><article>")
    with pytest.raises(EvaluationError, match="cannot read"):
        read_corpus(broken)


def test_counting_against_hand_computed_values():
    gold = (
        GoldToponym(0, 5, "Paris", *PARIS),  # found exactly, right place
        GoldToponym(10, 15, "Lyons", 45.75, 4.85),  # found by an overlapping span, 200 km off
        GoldToponym(20, 25, "Rue X", None, None),  # missed, no coordinates
        GoldToponym(30, 35, "Berne", 46.95, 7.45),  # missed
    )
    lyon_off = (45.75 + 200 / 111.2, 4.85)  # ~200 km due north
    system = [
        SystemSpan(0, 5, *PARIS, "gazetteer"),
        SystemSpan(11, 15, *lyon_off, "gazetteer"),
        SystemSpan(40, 45, 0.0, 0.0, "gazetteer"),  # false positive
    ]
    score = score_article(gold, system)
    assert (score.exact, score.overlap, score.system, score.gold) == (1, 2, 3, 4)
    assert score.errors[0] == 0.0
    assert 195 < score.errors[1] < 205
    assert score.errors[2] is None  # Berne: not recognized
    assert len(score.errors) == 3  # only gold toponyms with coordinates

    exact = geoparsing.recognition(score.exact, score.system, score.gold)
    assert (exact["tp"], exact["fp"], exact["fn"]) == (1, 2, 3)
    assert exact["precision"] == round(1 / 3, 4) and exact["recall"] == 0.25
    assert exact["f1"] == round(2 / 7, 4)
    overlap = geoparsing.recognition(score.overlap, score.system, score.gold)
    assert (overlap["precision"], overlap["recall"], overlap["f1"]) == (
        round(2 / 3, 4), 0.5, round(4 / 7, 4))


def test_an_unresolved_recognized_toponym_is_the_maximum_error():
    gold = (GoldToponym(0, 5, "Paris", *PARIS),)
    score = score_article(gold, [SystemSpan(0, 5, None, None, "ner-unresolved")])
    assert score.errors == (MAX_ERROR_KM,)
    assert score.unresolved == 1


def test_spans_pair_one_to_one():
    gold = (GoldToponym(0, 10, "New York City", 40.7, -74.0),)
    system = [SystemSpan(0, 3, 40.7, -74.0, "a"), SystemSpan(4, 10, 40.7, -74.0, "b")]
    score = score_article(gold, system)
    assert score.overlap == 1  # two system spans cannot both claim one gold toponym


def test_geocoding_metrics_as_gritta_computes_them():
    errors = [0.0, 100.0, 200.0, MAX_ERROR_KM]
    g = geocoding(errors)
    assert g["n"] == 4
    assert g["acc161"] == 0.5  # 0 and 100 km
    assert g["median_km"] == 150.0
    assert g["mean_km"] == round(sum(errors) / 4, 1)
    logs = [math.log(e + 1) for e in errors]
    trapezoid = sum(logs) - (logs[0] + logs[-1]) / 2
    assert g["auc"] == round(trapezoid / (math.log(MAX_ERROR_KM) * 3), 4)
    assert geocoding([0.0, 0.0])["auc"] == 0.0
    assert geocoding([])["acc161"] is None
    # Their test is log(error + 1) < log(161): 159 km is inside, 161 km is not.
    assert geocoding([159.0])["acc161"] == 1.0
    assert geocoding([161.0])["acc161"] == 0.0


def test_distance():
    assert distance_km(0, 0, 0, 0) == 0
    assert 110 < distance_km(0, 0, 1, 0) < 112
    assert 20015 < distance_km(0, 0, 0, 180) < 20020


def test_run_on_a_folder_of_both_schemas(corpora):
    report = geoparsing.run(corpora)
    assert report["task"] == "geoparsing"
    assert report["articles"] == 2
    assert report["gold_toponyms"] == 5
    assert set(report["per_file"]) == {"lgl_tiny.xml", "geovirus_tiny.xml"}
    recognized = report["geocoding"]["recognized"]
    all_gold = report["geocoding"]["all_gold"]
    assert all_gold["n"] == 4  # Main Street has no coordinates
    assert recognized["n"] <= all_gold["n"]
    # Paris, France, Nairobi and Kenya are easy: found and placed within 161 km.
    assert report["recognition"]["overlap"]["recall"] >= 0.8
    assert recognized["acc161"] == 1.0
    text = geoparsing.format_report(report)
    assert "acc@161" in text and "lgl_tiny.xml" in text


def test_limit_takes_the_first_articles_of_each_file(corpora):
    report = geoparsing.run(corpora / "lgl_tiny.xml", limit=0)
    assert report["articles"] == 0
    with pytest.raises(EvaluationError):
        geoparsing.run(corpora, limit=-1)
