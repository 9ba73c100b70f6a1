"""What the words around a place mention say: its role, whether it is a relation, its cue.

Cues give each mention a role: "close to the Syrian border", "30 km south of Djibo" are
relations (precision "near"), "to neighboring Jordan" a destination, "fled from X" an origin.
Precision follows UCDP's where_prec: exact point, near, admin2, admin1, country (or region).
A locative cue ("in X", "the town of X") or a feature word around the name ("Lake Titicaca")
helps decide whether a mention is a place at all (see places.py).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..records import Place, WherePrecision
from .place_mentions import PLACE_NOUNS, Mention, entity_of, place_cues

# Prepositions whose object is usually a place.
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "into", "across", "outside", "from",
                                   "to", "toward", "towards", "around", "inside", "throughout"})
PRECISION_OF_CODE: dict[str, WherePrecision] = {
    "PCLI": "country", "ADM1": "admin1", "ADM2": "admin2", "CONT": "region", "RGN": "region",
    "SEA": "region", "GULF": "region", "MTS": "region", "PEN": "region"}


def role_of(doc: Doc, m: Mention) -> tuple[str, bool]:
    """(role, is a relation) from the words around the mention."""
    cues = place_cues()
    sent = doc[m.start].sent
    before = doc[max(sent.start, m.start - 4):m.start]
    words = [t.lower_ for t in before if not t.is_space]
    for n in range(min(4, len(words)), 0, -1):
        tail = " ".join(words[-n:])
        if tail in cues.get("relation-before", ()) or (
                n >= 2 and " ".join(words[-n + 1:]) in cues.get("relation-before", ())
                and words[-n] in ("the",)):
            return "relation", True
        if n >= 3 and words[-1] in ("of", "from") and words[-2] in (
                "north", "south", "east", "west", "northeast", "northwest", "southeast",
                "southwest", "km", "kilometres", "kilometers", "miles"):
            return "relation", True
    after = [t.lower_ for t in doc[m.end:min(sent.end, m.end + 3)]]
    if after and (after[0] in cues.get("relation-after", ()) or " ".join(after[:2]) in cues.get(
            "relation-after", ()) or (after[0] == "-" and len(after) > 2
                                      and after[2] in cues.get("relation-after", ()))):
        return "relation", True
    if m.demonym:
        return "relation", False
    preposition = _governing_preposition(doc, m)
    if preposition is not None:
        verb = preposition.head.lemma_.lower()
        if preposition.lower_ in ("to", "into", "toward", "towards") and (
                verb in cues.get("destination-verb", ())
                or any(t.lower_ in cues.get("destination-before", ()) for t in before)):
            return "destination", False
        if preposition.lower_ == "from" and verb in cues.get("origin-verb", ()):
            return "origin", False
    return "location", False


def _governing_preposition(doc: Doc, m: Mention) -> Token | None:
    head = doc[m.start:m.end].root.head
    return head if head.dep_ == "prep" or head.pos_ == "ADP" else None


def precision_of(place: Place | None, relation: bool) -> WherePrecision | None:
    if place is None:
        return None
    precision = PRECISION_OF_CODE.get(place.feature_code or "", "exact")
    if relation and precision == "exact":
        return "near"
    return precision


def cued(doc: Doc, m: Mention) -> bool:
    """"in X", "the town of X", "near X"."""
    head = doc[m.start:m.end].root.head
    if head.lower_ in LOCATIVE_PREPOSITIONS:
        return True
    return head.lower_ == "of" and head.head.lemma_.lower() in PLACE_NOUNS


def in_feature_name(doc: Doc, m: Mention) -> bool:
    """"Lake Titicaca", "Swat Valley": the entity around the match names a feature."""
    ent = entity_of(doc, m.start)
    words = place_cues().get("feature-word", frozenset())
    return any(t.lower_ in words for t in ent if not m.start <= t.i < m.end)
