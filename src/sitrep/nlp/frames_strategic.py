"""Event frames of strategic developments: seize_weapon, agree, sign, move, base, other.

Weapons seized, agreements, armed groups moving, forming or setting up bases, and other
developments; most words here are everyday words, so each frame asks for an armed actor, a
weapon or a peace-process word before it calls them an event.
"""

from __future__ import annotations

from .frame_arguments import (
    ARMED,
    FrameInput,
    Verdict,
    agent,
    categorize,
    child,
    frame,
    is_passive,
    lemma,
    modifiers,
    patient,
    pobj,
)
from .frame_words import scope_has, word_categories


@frame("seize_weapon")
def seize_weapon(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    target = categorize(patient(fi), fi)
    if head.pos_ in ("NOUN", "PROPN"):  # "cache"
        near = categorize(pobj(head, ("of",)), fi) | {
            c for m in modifiers(head) for c in word_categories(m)}
        return Verdict("disrupted_weapons", "weapons cache", 0.1) if "weapon" in near \
            or scope_has(fi.scope, "weapon") else None
    if words[0] in ("find", "discover", "uncover", "unearth") and (
            {lemma(patient(fi))} & {"grave", "body", "corpse", "remains"}):
        return Verdict("other", "bodies or graves found")
    if not target:  # "discovered a large amount of ammunition believed to…": a lost object
        clause = child(head, "ccomp", "xcomp")
        target = categorize(child(clause, "nsubj"), fi) if clause is not None else target
    if "weapon" in target or (words[0] in ("intercept", "shoot") and "aircraft" in target):
        return Verdict("disrupted_weapons", "weapons seized, found, defused or intercepted", 0.1)
    return None


@frame("agree")
def agree(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    scope_lemmas = {lemma(t) for t in fi.scope}
    if words == ("agree",):
        if not any(c.dep_ in ("xcomp", "dobj") or (c.dep_ == "prep" and c.lower_ in
                                                    ("to", "on", "upon"))
                   for c in head.children):
            return None  # "agreed that…": an opinion
    elif words == ("deal",) or words == ("talks",):
        if not scope_lemmas & {"peace", "ceasefire", "truce", "prisoner", "evacuation",
                               "rebel", "militant", "war", "conflict", "withdrawal", "fighting"}:
            return None  # trade deals, talks about anything
    elif words == ("exchange",) or words[0] == "swap":
        if not scope_lemmas & {"prisoner", "detainee", "captive", "hostage", "body",
                               "soldier", "fighter"}:
            return None
    elif words[0] == "release":
        if not categorize(patient(fi), fi) & {"captive"} and not scope_lemmas & {"exchange",
                                                                                 "swap", "deal"}:
            return None
    elif words[0] == "lay" and lemma(patient(fi)) not in ("arm", "arms", "weapon"):
        return None
    if scope_has(fi.scope, "disaster"):
        return None
    return Verdict("agreement", "agreement between parties")


@frame("sign")
def sign(fi: FrameInput) -> Verdict | None:
    return Verdict("agreement", "agreement signed", 0.2) if "accord" in categorize(
        patient(fi), fi) else None


@frame("move")
def move(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    who, target = categorize(agent(fi), fi), categorize(patient(fi), fi)
    if scope_has(fi.scope, "disaster") or scope_has(fi.scope, "accident"):
        return None  # troops mobilised for flood relief
    armed = (who | target) & (ARMED | {"unit"})
    if words[0] in ("send", "dispatch", "station", "amass", "form", "merge", "disband"):
        if not (target | (who if is_passive(head) or words[0] != "send" else frozenset())) \
                & (ARMED | {"unit"}):
            return None  # "sent a letter", "formed a committee"
    elif not armed and head.pos_ == "VERB":
        return None  # a candidate withdrew, a company recruits
    return Verdict("change_group", "movement or change of an armed group")


@frame("base")
def base(fi: FrameInput) -> Verdict | None:
    target = categorize(patient(fi), fi)
    if "base" in target:
        return Verdict("hq_established", "base or post set up", 0.1)
    if "unit" in target and fi.entry_words[0] in ("establish", "set", "form"):
        return Verdict("change_group", "new force or group established")
    return None


@frame("other")
def other(fi: FrameInput) -> Verdict | None:
    if scope_has(fi.scope, "disaster") or scope_has(fi.scope, "accident"):
        return None  # evacuations from floods, people fleeing fires
    return Verdict("other", "other strategic development")
