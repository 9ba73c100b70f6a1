"""Event frames of protests and riots: protest, intervene, riot, mob, loot.

A gathering is peaceful unless described as violent; force used on it is an intervention or
excessive force; a crowd throwing stones, blocking roads or tearing things down is a violent
demonstration, and a mob acting alone is mob violence.
"""

from __future__ import annotations

from .frame_arguments import (
    ARMED,
    PEOPLE,
    REFLEXIVES,
    FrameInput,
    Verdict,
    agent,
    categorize,
    child,
    frame,
    lemma,
    modifiers,
    not_political,
    partitive,
    patient,
    pobj,
)
from .frame_words import phrase_categories, scope_has, word_list
from .frames_violence import violence_by


@frame("protest")
def protest(fi: FrameInput) -> Verdict | None:
    head = fi.head
    who = categorize(agent(fi), fi)
    if head.ent_type_ == "DATE" or (head.lower_ == "march" and head.pos_ == "PROPN"):
        return None  # the month
    if head.pos_ == "VERB":
        if any(c.dep_ in ("ccomp", "mark") for c in head.children):
            return None  # "protested that…": objecting, not gathering
        if "state" in who and not who & {"protester", "civilian"}:
            return None  # a government protesting (diplomatic protest) or troops marching
        if lemma(head) == "rally" and child(head, "dobj") is not None \
                and not categorize(child(head, "dobj"), fi) & PEOPLE:
            return None  # "rallied support"
    elif pobj(head, ("of",)) is not None and lemma(pobj(head, ("of",))) in (
            "force", "strength", "power", "support", "solidarity", "unity", "resolve"):
        return None  # "a demonstration of force"
    if "mob" in who:
        return Verdict("mob_violence", "crowd acting as a mob")
    violent = ("violent", "deadly", "ugly", "aggressive", "chaotic")
    if any(lemma(m) in violent for m in modifiers(head)) or (
            head.dep_ == "nsubj" and any(lemma(c) in violent and c.dep_ in ("acomp", "oprd")
                                         for c in head.head.children)):
        return Verdict("violent_demonstration", "violent protest", 0.1)  # "protests turned violent"
    return Verdict("peaceful_protest", "gathering")


@frame("intervene")
def intervene(fi: FrameInput) -> Verdict | None:
    words = fi.entry_words
    if words[0] in ("disperse", "break", "suppress", "crack", "crackdown"):
        obj = patient(fi)
        target = categorize(obj, fi) | categorize(pobj(fi.head, ("on", "against")), fi)
        if obj is not None:  # "broke up a sit-in outside army headquarters"
            target |= phrase_categories(t for t in obj.subtree if t.i < obj.i)
        crowd = "protester" in target or (words[0] == "disperse" and target & {"civilian",
                                                                                "person"})
        if not crowd and not (words[0] in ("crackdown", "crack")
                              and scope_has(fi.scope, "protester")):
            return None  # "broke up a network", "crackdown on militants"
    if {lemma(m) for m in modifiers(fi.head)} & {"violent", "deadly", "brutal", "bloody",
                                                    "lethal"}:
        return Verdict("excessive_force", "deadly force on a gathering", 0.05)
    return Verdict("protest_intervention", "force used on a gathering")


@frame("riot")
def riot(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    who = categorize(agent(fi), fi)
    obj = patient(fi)
    thrown = lemma(partitive(obj) if obj is not None else None)
    if words[0] in ("hurl", "throw") and thrown not in word_list("projectile"):
        return None  # only stones, bottles, petrol bombs…
    if words[0] in ("block", "shut") and (lemma(obj) not in word_list("road") or who & ARMED):
        return None  # "blocked the bill", police blocking a road
    if words[0] in ("pull", "tear", "topple") and not (
            categorize(obj, fi) & {"property"} or lemma(obj) in word_list("torn_down")):
        return None  # only walls, fences, statues torn down
    if obj is not None and obj.lower_ in REFLEXIVES:
        return None  # "barricaded himself inside"
    if "mob" in who:
        return Verdict("mob_violence", "violence by a mob")
    if lemma(head) == "unrest" and not scope_has(fi.scope, "protester"):
        return None
    return Verdict("violent_demonstration", "violent or destructive crowd")


@frame("mob")
def mob(fi: FrameInput) -> Verdict | None:
    return Verdict("mob_violence", "mob")


@frame("loot")
def loot(fi: FrameInput) -> Verdict | None:
    who, obj = categorize(agent(fi), fi), patient(fi)
    target = categorize(obj, fi)
    if not_political(fi, who):
        return None  # a fire destroyed a factory
    if "aircraft" in who or "artillery" in who:
        return violence_by(who, fi.default, "destruction")
    if "weapon" in target:
        return Verdict("disrupted_weapons", "weapons destroyed", 0.25)
    if fi.entry_words in (("destroy",), ("burn",)):
        if target & PEOPLE and fi.entry_words == ("burn",):
            return Verdict("attack", "people burned", 0.1)
        if target & {"armed_site", *ARMED} and not target & {"property"}:
            return Verdict("armed_clash", "military targets destroyed", 0.05)
        if not target & {"property", "civ_site", "place"}:
            return None  # "destroyed hopes", "burning tyres"
        return Verdict("looting", "property destroyed", 0.15) if not who & {
            "protester", "rioter", "mob"} else violence_by(who, fi.default, "destruction")
    if who & {"protester", "rioter", "mob"}:
        return violence_by(who, fi.default, "looting/arson")
    return Verdict("looting", "property looted or destroyed")
