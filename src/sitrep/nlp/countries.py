"""Country words: names, alternative spellings and demonyms → ISO 3166-1 alpha-2.

From countryinfo (MIT; names, spellings, demonyms, centroids, populations), with the
commented corrections of resources/demonyms_extra.tsv. A word shared by several countries
("French", "Congolese") goes to the most populous one unless the extra table says otherwise.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from ..lexicon import table


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str
    lat: float | None
    lon: float | None
    population: int


_APOSTROPHES = re.compile(r"[’‘`ʼʻ´]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe and space: the form lookups use.

    Cached: it runs on every token of every document, and tokens repeat.
    """
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
        text = _APOSTROPHES.sub("'", text)
    return _SPACES.sub(" ", text).strip()


@cache
def countries() -> dict[str, Country]:
    import countryinfo

    found: dict[str, Country] = {}
    for info in countryinfo.all_countries():
        try:
            code = info.iso(2)
        except Exception:  # a few territories lack ISO codes
            continue
        if not code:
            continue
        latlng = info.latlng() or [None, None]
        found[code] = Country(code, info.name(), latlng[0] if latlng else None,
                              latlng[1] if len(latlng) > 1 else None,
                              int(info.population() or 0))
    return found


@cache
def _words() -> tuple[dict[str, str], dict[str, str]]:
    """(case-insensitive words, case-sensitive words) → ISO2."""
    import countryinfo

    ranked: dict[str, tuple[int, str]] = {}
    for info in countryinfo.all_countries():
        try:
            code = info.iso(2)
        except Exception:
            continue
        if not code:
            continue
        population = int(info.population() or 0)
        # Demonyms come as "Antiguan,Barbudan"; names and spellings are whole
        # ("Korea, Republic of" must not yield "Republic of").
        parts = [info.name(), *(info.demonym() or "").split(",")]
        with contextlib.suppress(Exception):
            parts += [s for s in info.alt_spellings() or [] if len(s) > 3]
        for part in parts:
            key = fold(part)
            if key and (key not in ranked or ranked[key][0] < population):
                ranked[key] = (population, code)
    insensitive = {k: code for k, (_, code) in ranked.items()}
    sensitive: dict[str, str] = {}
    for word, code in table("demonyms_extra.tsv"):
        if word.isupper() and len(word.replace(".", "")) <= 3:
            sensitive[word] = code
        else:
            insensitive[fold(word)] = code
    return insensitive, sensitive


def country_of(words: str) -> str | None:
    """ISO2 of a country name or demonym ("Iraqi", "U.S.", "Syria"), else None."""
    insensitive, sensitive = _words()
    return sensitive.get(words.strip()) or insensitive.get(fold(words))


