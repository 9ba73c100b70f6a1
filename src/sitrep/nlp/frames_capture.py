"""Event frames of ground and people taken: take, retake, transfer, arrest, abduct.

Territory taken is a government regaining it, a non-state actor overtaking it, or a transfer
without fighting, by who took it (``_territory``); people taken are arrests by state forces and
abductions by armed groups.
"""

from __future__ import annotations

from spacy.tokens import Token

from .frame_arguments import (
    ARMED,
    PEOPLE,
    FrameInput,
    Verdict,
    agent,
    categorize,
    child,
    frame,
    is_passive,
    lemma,
    not_political,
    partitive,
    patient,
    pobj,
)
from .frame_words import scope_has, word_categories, word_list


def _territory(fi: FrameInput, who: frozenset[str], rule: str) -> Verdict:
    if scope_has(fi.head.sent, "no_fight"):
        return Verdict("nonviolent_transfer", f"{rule}: without fighting", 0.05)
    if "nonstate" in who:
        return Verdict("nsa_overtakes", f"{rule}: by a non-state actor", 0.05)
    if "state" in who:
        return Verdict("gov_regains", f"{rule}: by state forces", 0.05)
    if "armed" in who:
        return Verdict(fi.default, f"{rule}: by armed actor of unknown side")
    return Verdict(fi.default, f"{rule}: agent unknown", -0.05)


def _as_place(obj: Token | None, target: frozenset[str]) -> frozenset[str]:
    """A proper name a territorial verb takes is a place unless it names an armed actor:
    the NER model often calls towns people ("recaptured Palmyra", "large parts of X")."""
    obj = partitive(obj) if obj is not None else None
    if obj is not None and obj.pos_ == "PROPN" and obj.ent_type_ != "NORP" and not target & (
            ARMED | {"civilian", "captive", "protester"}):
        return (target - {"person"}) | {"place"}
    return target


@frame("take")
def take(fi: FrameInput) -> Verdict | None:
    head = fi.head
    who, obj = categorize(agent(fi), fi), patient(fi)
    words = fi.entry_words
    if not_political(fi, who):
        return None  # firefighters gaining ground on a wildfire
    inside = {t.i for t in fi.tokens}
    idiom = lemma(obj) in word_list("take_idiom")
    if lemma(head) == "take" and (idiom or any(c.dep_ == "prt" and c.i not in inside
                                                for c in head.children)):
        return None  # "took up arms", "took part", "took place"
    if lemma(head) == "fall":
        who, obj = categorize(pobj(head, ("to", "into")), fi), child(head, "nsubj")
        if "weapon" in categorize(obj, fi) or "artillery" in categorize(obj, fi):
            return None  # "mortar rounds were falling on Sake": the mortar is the trigger
    elif words[-1] in ("control", "over", "ground") or lemma(head) in ("advance", "push",
                                                                         "enter"):
        obj = obj or pobj(head, ("of", "into", "on", "to", "over"))
        ctl = next((t for t in fi.tokens if lemma(t) == "control"), None)
        if ctl is not None:
            obj = pobj(ctl, ("of", "over")) or obj
    target = _as_place(obj, categorize(obj, fi))
    if "weapon" in target and not target & {"place"}:
        if who & {"nonstate", "armed"} and "state" not in who:  # attackers carrying off arms
            return Verdict("looting", "weapons taken by an armed group", -0.1)
        return Verdict("disrupted_weapons", "weapons seized", 0.1)
    if "armed_site" in target and not target & {"place"}:
        if lemma(head) in ("overrun", "overran", "storm"):
            return Verdict("armed_clash", "armed post overrun, no territory", -0.05)
        target |= {"place"}  # a camp, post or position taken is ground taken
    if target & {"place", "armed_site"} or (obj is not None and obj.ent_type_ in ("GPE", "LOC",
                                                                                  "FAC")):
        return _territory(fi, who, "territory taken")
    if target & PEOPLE and lemma(head) in ("capture", "seize", "take", "round"):
        if "state" in who:
            return Verdict("arrests", "people taken by state forces")
        if who & {"nonstate", "armed"}:
            return Verdict("abduction", "people taken by an armed group")
        return None
    if (len(words) > 1 and words[-1] in ("control", "over", "ground")) or lemma(head) in (
            "overrun", "overran"):
        return _territory(fi, who, "control taken") if obj is None or target else None
    if lemma(head) in ("capture", "seize") and obj is None and scope_has(fi.scope, "place"):
        return _territory(fi, who, "capture in a place")
    return None


@frame("retake")
def retake(fi: FrameInput) -> Verdict | None:
    head = fi.head
    who, obj = categorize(agent(fi), fi), patient(fi)
    target = _as_place(obj, categorize(obj, fi))
    source = pobj(head, ("from", "of", "out"))
    for particle in (c for c in head.children if c.dep_ in ("prt", "advmod")):
        source = source or pobj(particle, ("from", "of", "out"))  # "pushed back from X"
    place = target & {"place", "armed_site"} or (obj is not None and obj.ent_type_ in
                                                 ("GPE", "LOC", "FAC"))
    if not place and source is not None and categorize(source, fi) & {"place"}:
        place = True  # "drove the militants out of key areas", "freed areas from IS"
    if target & PEOPLE and not target & ARMED:
        return None  # hostages freed, diplomats expelled
    if not_political(fi, who):
        return None
    if not place and target & ARMED and lemma(head) in REPEL_VERBS:
        # "pushed the assailants back towards the border": an attack repelled, a fight,
        # not ground taken back (that needs a place: "pushed back from their strongholds").
        return Verdict("armed_clash", "armed attackers pushed back: a repelled attack", 0.05)
    if not place:
        if lemma(head) in ("free", "expel", "drive", "clear", "purge"):
            return None
        if obj is not None and not target:
            return None
    if scope_has(fi.head.sent, "no_fight") and lemma(head) != "liberate":
        return Verdict("nonviolent_transfer", "retaken without fighting", 0.05)
    if "nonstate" in who:
        return Verdict("nsa_overtakes", "retaken by a non-state actor", 0.05)
    if "state" in who:
        return Verdict("gov_regains", "retaken by state forces", 0.05)
    return Verdict("gov_regains", "retaken (agent unknown: the government's word)")


# Verbs of "pushed/drove/beat back": with armed people as object and no place, a repelled attack.
REPEL_VERBS = frozenset({"push", "drive", "beat", "force"})


@frame("transfer")
def transfer(fi: FrameInput) -> Verdict | None:
    target = categorize(patient(fi), fi)
    if fi.entry_words == ("leave",) and not categorize(agent(fi), fi) & ARMED:
        return None  # people leaving their homes
    if lemma(patient(fi)) in ("control", "authority", "power", "territory") or target & {
            "place", "armed_site", "base"}:
        return Verdict("nonviolent_transfer", "territory handed over or vacated", 0.05)
    return None


@frame("arrest")
def arrest(fi: FrameInput) -> Verdict | None:
    who, target = categorize(agent(fi), fi), categorize(patient(fi), fi)
    if "nonstate" in who:
        return Verdict("abduction", "detained by a non-state actor: an abduction")
    during = pobj(fi.head, ("during", "at", "amid", "in"))
    if "protester" in target or (during is not None and "protester" in word_categories(during)):
        return Verdict("protest_intervention", "protesters detained", 0.05)
    return Verdict("arrests", "arrest")


@frame("abduct")
def abduct(fi: FrameInput) -> Verdict | None:
    forced = any(lemma(c) in ("forcibly", "forcefully") for c in fi.head.children)
    return Verdict("abduction", "forced disappearance") if forced or is_passive(fi.head) \
        else None
