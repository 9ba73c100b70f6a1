"""Event frames of explosions and remote violence: explosive, bombverb, strike, shell, air,
chemical.

The weapon and who used it decide between air/drone strikes, shelling, remote explosives and
suicide bombs; a weapon found, defused or intercepted is disrupted weapons use.
"""

from __future__ import annotations

from .frame_arguments import (
    ARMED,
    REFLEXIVES,
    FrameInput,
    Verdict,
    agent,
    categorize,
    child,
    frame,
    governor,
    lemma,
    modifiers,
    not_political,
)
from .frame_words import scope_has, word_categories, word_list


def _explosive_found(fi: FrameInput) -> bool:
    gov = governor(fi.head)
    if gov is not None and lemma(gov) in word_list("disrupt_verb"):
        return not (lemma(gov) == "shoot" and fi.head.dep_ != "dobj")
    if any(c.dep_ == "acl" and lemma(c) in word_list("disrupt_verb") for c in fi.head.children):
        return True
    # The parse lost the link ("… explosive devices were discovered"): a find verb in the
    # sentence and no word of use.
    if fi.head.pos_ not in ("NOUN", "PROPN"):
        return False
    lemmas = {lemma(t) for t in fi.head.sent}
    return bool({lemma(t) for t in fi.head.sent if t.pos_ == "VERB"} & word_list("find_verb")) \
        and not lemmas & word_list("use_word")


@frame("explosive")
def explosive(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    if any(c.lower_ in REFLEXIVES for c in head.children) or any(
            lemma(m) == "suicide" for m in modifiers(head)):
        return Verdict("suicide", "bomber killed themselves", 0.35)
    if words == ("mine",) and (any(lemma(m) in ("gold", "coal", "copper", "diamond", "salt",
                                                 "tin", "cobalt", "mining") for m in
                                   modifiers(head)) or head.tag_ not in ("NN", "NNS")):
        return None
    if _explosive_found(fi):
        return Verdict("disrupted_weapons", "explosive found or defused", 0.2)
    if words == ("mine",) and (lemma(governor(head)) in ("hit", "step", "strike", "lay", "plant")
                               or {lemma(m) for m in modifiers(head)} & {"land", "ground"}):
        return Verdict("remote_explosive", "a vehicle or person hit a mine", 0.3)
    if words == ("grenade",) and any(lemma(m) in ("stun", "smoke", "sound", "flash")
                                     for m in modifiers(head)):
        return Verdict("protest_intervention", "riot-control grenade")
    who = categorize(agent(fi), fi)
    generic = words in (("explosion",), ("blast",), ("explode",), ("go", "off"),
                        ("blow", "up"), ("bomb",), ("bombing",))
    if generic and not_political(fi, who):
        return None
    if words in (("bomb",), ("bombing",)) and (
            "aircraft" in who or scope_has(fi.scope, "aircraft")
            or lemma(governor(head)) == "drop"):
        return Verdict("air_drone", "bombs dropped from the air", 0.25)
    return Verdict(fi.default, "explosive")


@frame("bombverb")
def bombverb(fi: FrameInput) -> Verdict | None:
    who = categorize(agent(fi), fi)
    if "aircraft" in who or scope_has(fi.scope, "aircraft"):
        return Verdict("air_drone", "bombing by aircraft", 0.2)
    if "artillery" in who:
        return Verdict("shelling", "bombardment by artillery", 0.1)
    if fi.default == "air_drone" and "nonstate" in who:
        return Verdict("remote_explosive", "bombing by a non-state group")
    return Verdict(fi.default, "bombardment")


@frame("strike")
def strike(fi: FrameInput) -> Verdict | None:
    head = fi.head
    mods = {lemma(m) for m in modifiers(head)}
    labour = {lemma(t) for t in fi.scope} & word_list("labour") or mods & {"general", "hunger"}
    on_strike = head.dep_ == "pobj" and head.head.lower_ == "on"
    if head.pos_ in ("NOUN", "PROPN"):
        if labour or on_strike:
            return Verdict("peaceful_protest", "labour strike", 0.05)
        if scope_has(fi.scope, "artillery") and not scope_has(fi.scope, "aircraft"):
            return Verdict("shelling", "strikes by artillery/missiles", 0.1)
        return Verdict("air_drone", "strikes (air by default)")
    who = categorize(agent(fi), fi)
    if "aircraft" in who:
        return Verdict("air_drone", "struck by aircraft", 0.3)
    if "artillery" in who:
        return Verdict("shelling", "struck by missiles/shells", 0.2)
    if who & ARMED:
        return Verdict("air_drone", "armed forces struck", -0.05)
    if lemma(head) == "strike" and labour:
        return Verdict("peaceful_protest", "workers struck", 0.05)
    return None


@frame("shell")
def shell(fi: FrameInput) -> Verdict | None:
    head = fi.head
    gov = governor(head)
    if head.pos_ in ("NOUN", "PROPN") and (
            scope_has(fi.scope, "noevent_head") and {lemma(t) for t in fi.scope}
            & {"test", "testing", "programme", "program", "development"}):
        return None  # missile tests and programmes
    if gov is not None and lemma(gov) in ("intercept", "shoot", "down"):
        return Verdict("disrupted_weapons", "missile/rocket intercepted", 0.1)
    if _explosive_found(fi):
        return Verdict("disrupted_weapons", "munitions found or seized", 0.15)
    nxt = fi.doc[head.i + 1] if head.i + 1 < len(fi.doc) else None
    if (nxt is not None and nxt.text == "-") or lemma(head.head) == "grenade":
        return Verdict("armed_clash", "rocket-propelled grenades: small arms", -0.1)
    fired_by = categorize(child(gov, "nsubj"), fi) if gov is not None else frozenset()
    if "aircraft" in fired_by | categorize(agent(fi), fi) or any(
            "aircraft" in word_categories(m) for m in modifiers(head)):
        return Verdict("air_drone", "missiles fired from aircraft", 0.2)
    return Verdict("shelling", "long-range ground weapons")


@frame("air")
def air(fi: FrameInput) -> Verdict | None:
    if _explosive_found(fi):
        return Verdict("disrupted_weapons", "drone intercepted or shot down", 0.1)
    return Verdict(fi.default, "aircraft")


@frame("chemical")
def chemical(fi: FrameInput) -> Verdict | None:
    return None if scope_has(fi.scope, "accident") else Verdict("chemical", "chemical weapon")
