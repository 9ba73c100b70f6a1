"""Event frames of battles and violence against civilians: harm, execute, attack, shoot, clash.

Who was hit decides between a battle and one-sided violence (``_on_target``); who did it decides
alone when it is a mob, a crowd, an aircraft or artillery (``violence_by``, which the riot frames
use too).
"""

from __future__ import annotations

from .frame_arguments import (
    ARMED,
    PEOPLE,
    TARGET_PREPS,
    FrameInput,
    Verdict,
    agent,
    categorize,
    child,
    frame,
    lemma,
    modifiers,
    not_political,
    patient,
    pobj,
    victims,
)
from .frame_words import phrase_categories, scope_has


def violence_by(agent_cats: frozenset[str], default: str, rule: str) -> Verdict:
    """Who did it, when that alone decides: a mob, a crowd, an aircraft, artillery."""
    if "mob" in agent_cats:
        return Verdict("mob_violence", f"{rule}: by a mob")
    if agent_cats & {"protester", "rioter"}:
        return Verdict("violent_demonstration", f"{rule}: by demonstrators")
    if "aircraft" in agent_cats:
        return Verdict("air_drone", f"{rule}: by aircraft", 0.2)
    if "artillery" in agent_cats:
        return Verdict("shelling", f"{rule}: by artillery/missiles", 0.15)
    return Verdict(default, rule)


def _on_target(target: frozenset[str], agent_cats: frozenset[str], rule: str,
               default: str) -> Verdict:
    """One-sided or a battle, from whom the violence hit."""
    if "captive" in target:
        return Verdict("attack", f"{rule}: captives are unarmed", 0.05)
    if "protester" in target and not target & ARMED:
        return Verdict("excessive_force", f"{rule}: on protesters", 0.1)
    if target & (ARMED | {"armed_site"}):
        # Soldiers or a base among the targets: a battle, even where a market nearby or
        # bystanders were hit too (ACLED codes the fight, not the crossfire).
        return Verdict("armed_clash", f"{rule}: armed target", 0.05)
    if target & {"civilian", "civ_site", "person", "property"}:
        return Verdict("attack", f"{rule}: unarmed target", 0.05)
    if "nonstate" in agent_cats and target & {"place"}:
        return Verdict("attack", f"{rule}: armed group on a place")
    if agent_cats & {"state"} and "nonstate" in target:
        return Verdict("armed_clash", f"{rule}: state on armed group", 0.05)
    return Verdict(default, f"{rule}: default", -0.05)


@frame("harm")
def harm(fi: FrameInput) -> Verdict | None:
    who, target = categorize(agent(fi), fi), categorize(patient(fi), fi)
    obj = patient(fi)
    if not_political(fi, who) or scope_has(fi.scope, "cyber"):
        return None
    if obj is not None and not target and obj.pos_ in ("NOUN", "PROPN") \
            and fi.head.pos_ == "VERB" and obj.ent_type_ == "":
        return None  # "kill time", "killed the bill", "hacked the website"
    if who & {"mob", "protester", "rioter", "aircraft", "artillery"}:
        return violence_by(who, fi.default, "harm")
    if fi.entry_words == ("hit",) and not target & PEOPLE:
        return None  # "a shell hit a neighbourhood": the shell is the trigger
    if fi.entry_words == ("beat",) and "protester" in target:
        return Verdict("excessive_force", "beating of protesters", 0.2)
    if target & (ARMED | {"armed_site"}) and not target & {"civilian", "captive", "protester"} \
            and (who & ARMED or not who):
        return Verdict("armed_clash", "armed victims", 0.05)
    return _on_target(target, who, "harm", fi.default)


@frame("execute")
def execute(fi: FrameInput) -> Verdict | None:
    who, obj = categorize(agent(fi), fi), patient(fi)
    target = categorize(obj, fi)
    if obj is not None and not target and fi.head.pos_ == "VERB" and obj.ent_type_ == "":
        return None  # "executed an order", "executed the plan"
    if "mob" in who:
        return Verdict("mob_violence", "killing by a mob")
    return Verdict("attack", "killing of captives/non-combatants", 0.05)


@frame("attack")
def attack(fi: FrameInput) -> Verdict | None:
    who, obj = categorize(agent(fi), fi), patient(fi)
    target = categorize(obj, fi)
    if "cyber" in target or scope_has(fi.scope, "cyber"):
        return None  # "attacked the campaign website"
    if not target & (ARMED | {"armed_site", "civilian", "civ_site", "captive", "protester"}):
        target |= victims(fi)  # "attacked …, killing 12 soldiers"
    if who & {"mob", "protester", "rioter", "aircraft", "artillery"}:
        return violence_by(who, fi.default, "attack")
    if lemma(fi.head) == "raid" and scope_has(fi.head.sent, "aircraft"):
        return Verdict("air_drone", "air raid", 0.3)
    if fi.head.pos_ == "NOUN" and not target:  # "an attack to capture the positions"
        for c in fi.head.children:
            if c.dep_ in ("acl", "relcl"):
                target |= categorize(child(c, "dobj"), fi)
    if lemma(fi.head) == "storm" and "protester" in who:
        return Verdict("violent_demonstration", "storming by demonstrators")
    if "protester" in target and not target & ARMED:
        if who & {"civilian", "person"} and not who & ARMED:
            return Verdict("mob_violence", "a crowd attacking a protest", 0.1)
        return Verdict("excessive_force" if scope_has(fi.scope, "lethal")
                       else "protest_intervention", "attack on a protest", 0.1)
    if target & {"property"} and not target & (ARMED | {"civilian", "civ_site", "person",
                                                         "armed_site", "captive"}) \
            and not who & ARMED:
        return Verdict("looting", "attack on property", 0.05)
    if fi.default == "armed_clash" and not target & {"civilian", "civ_site"}:
        return Verdict("armed_clash", "ambush", 0.0)
    return _on_target(target, who, "attack", fi.default)


@frame("shoot")
def shoot(fi: FrameInput) -> Verdict | None:
    obj = child(fi.head, "dobj")
    if obj is not None and (phrase_categories([*modifiers(obj), obj]) & {
            "weapon", "artillery", "intervene"} or lemma(obj) in ("shot", "round", "salvo",
                                                                   "volley", "gas")):
        target = pobj(fi.head, TARGET_PREPS)
        if target is None or fi.entry_words == ("fire",):
            return None  # "fired rockets": the rocket is the trigger
    target_tok = pobj(fi.head, TARGET_PREPS) or obj
    if target_tok is None and fi.entry_words == ("fire",):
        return None  # "fired" alone: dismissed, fired from a job…
    return attack(fi)


@frame("clash")
def clash(fi: FrameInput) -> Verdict | None:
    who = categorize(agent(fi), fi)
    preps = ("with", "between", "against", "among")
    other: frozenset[str] = frozenset()
    for holder in (fi.head, fi.head.head if fi.head.dep_ in ("nsubj", "nsubjpass") else None):
        side = pobj(holder, preps) if holder is not None else None  # "broke out between…"
        if side is not None:  # every party named in the phrase: "police in X and protesters"
            other |= categorize(side, fi) | (phrase_categories(side.subtree) & {
                "protester", "rioter", "mob"})
    sides = who | other | categorize(patient(fi), fi)
    if not_political(fi, sides):
        return None
    if sides & {"protester", "rioter"}:
        return Verdict("violent_demonstration", "clash involving demonstrators", 0.1)
    if "mob" in sides:
        return Verdict("mob_violence", "clash involving a mob", 0.1)
    obj = child(fi.head, "dobj")
    if fi.head.pos_ == "VERB" and obj is not None and not categorize(obj, fi) & ARMED:
        return None  # "fight corruption", "battled the blaze"
    fight_against = pobj(fi.head, ("against",))
    if fight_against is not None and not categorize(fight_against, fi) & (ARMED | {"person"}):
        return None  # "the fight against terrorism"
    return Verdict("armed_clash", "clash between armed actors" if sides & ARMED else "clash")
