"""Place-name folding: the keys under which the gazetteer files names and the text looks them up.

Two keys per name:

* ``fold_toponym`` — case, accents, apostrophes (' ’ ‘ ʿ ʾ …), dots and hyphens folded away,
  one space between words, "the" dropped, "saint"/"mount"/"fort" spelled one way, and the
  letters of an initialism joined ("U. S." = "U.S." = "US" → "us").
* ``loose`` — ``fold_toponym`` plus the usual differences between romanizations of the same
  Arabic, Persian, Kurdish or Pashto name: the article (al-/el-/ar-/as-/ash-/ad-…) dropped at
  the start and spelled "al" inside, doubled letters single, ou/oo → u, ee → i, q → k, ph → f,
  dh → d, kh → k, and a final -ah/-eh → -a/-e. "Tal Abyad" and "Tall Abyaḑ" share a loose key, as do
  "Jisr al-Shughur" and "Jisr ash Shughur", "Raqqa" and "Ar Raqqah".

A match on ``fold_toponym`` is worth more than one on ``loose`` (see place_resolution.py).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

# Apostrophe-like marks, removed outright: they stand for an ayn or hamza, or an elision,
# and romanizations disagree on whether they are there at all ("Ma‘arrat", "Maarrat").
APOSTROPHES = "'’‘ʿʾ`´ʻʼ′ʹ"
_DROP = str.maketrans("", "", APOSTROPHES)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# One spelling for words that news and GeoNames write two ways.
WORD_FORMS = {"saint": "st", "sainte": "ste", "mount": "mt", "ft": "fort"}
# Arabic definite article as romanized before sun and moon letters.
ARABIC_ARTICLES = frozenset({"al", "el", "ar", "as", "ash", "ad", "adh", "an", "at", "ath",
                             "az", "aş", "ul", "ud", "ur", "us", "un", "ut"})
# Only these are taken as an article at the very start of a name: "As", "At", "An", "Us" open
# too many English phrases ("As Syria…") to be dropped there.
LEADING_ARTICLES = frozenset({"al", "el", "ar", "ash", "ad", "adh", "az", "ath"})
# Whole words romanized several ways: ʿayn "spring" (Ain al-Asad, ‘Ayn al Asad, Ein …) and tall
# "mound" (Tal Abyad, Tall Abyaḑ, Tel Abyad).
LOOSE_WORDS = {"ayn": "ain", "ein": "ain", "tel": "tal", "tell": "tal", "jebel": "jabal"}
# (pattern, replacement) applied in order to each word of a loose key.
LOOSE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: Tall → Tal, Raqqa → Raqa
    (re.compile(r"ou|oo"), "u"),  # Mossoul, Moussa
    (re.compile(r"ee"), "i"),  # Sheer → Shir
    (re.compile(r"q"), "k"),  # Qandahar / Kandahar, Iraq spelled Irak
    (re.compile(r"ph"), "f"),
    (re.compile(r"dh"), "d"),  # Dhi Qar / Di Qar
    (re.compile(r"kh"), "k"),  # Khost / Kost is rarer, but Kharkiv/Charkiw stay apart anyway
    (re.compile(r"(?<=[aeiou])h$"), ""),  # Raqqah → Raqqa, Hasakah → Hasaka
)


@lru_cache(maxsize=200_000)
def fold_toponym(name: str) -> str:
    """Case-, accent-, apostrophe- and punctuation-folded form of a place name."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_DROP)
    text = unidecode(text).lower().replace("&", " and ").replace(".", " . ")
    words = [w for w in _NON_ALNUM.split(text) if w]
    words = _join_initials(words)
    if len(words) > 1:  # "the Netherlands", "Democratic Republic of the Congo"
        words = [w for w in words if w != "the"] or words
    return " ".join(WORD_FORMS.get(w, w) for w in words)


def _join_initials(words: list[str]) -> list[str]:
    """"u s" (from "U. S." or "U.S.") → "us"; "w va" (from "W.Va.") stays two words."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if run:
            out.append("".join(run) if len(run) > 1 else run[0])
            run = []
        if word:
            out.append(word)
    return out


@lru_cache(maxsize=200_000)
def loose(name: str) -> str:
    """The transliteration-tolerant key (see the module doc)."""
    words = fold_toponym(name).split()
    if len(words) > 1 and words[0] in LEADING_ARTICLES:
        words = words[1:]
    out = []
    for i, word in enumerate(words):
        if word in ARABIC_ARTICLES and 0 < i < len(words) - 1:
            out.append("al")
            continue
        word = LOOSE_WORDS.get(word, word)
        for pattern, repl in LOOSE_RULES:
            word = pattern.sub(repl, word)
        out.append(word)
    return " ".join(out)


def keys(name: str) -> tuple[str, str]:
    """(fold_toponym, loose) keys of a name; loose may equal fold_toponym."""
    return fold_toponym(name), loose(name)


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is Latin (accents allowed): alternate names in other
    scripts cannot match English text, and their romanizations by unidecode are noise."""
    for ch in name:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True
