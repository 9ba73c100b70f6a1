"""The outlet table (resources/outlets.tsv): one canonical name per news outlet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..lexicon import table

_TLD = re.compile(r"\.(com|net|org|co\.uk|co|info|news|ng|cd|ir|ru|sy|ye|kp|tr|fr|eu|ua|lb)"
                  r"(\.[a-z]{2})?$")


@dataclass(frozen=True)
class Outlet:
    name: str
    party: bool  # state media of a belligerent or an armed group's own agency


def outlet_key(text: str) -> str:
    """Reduce a name or domain to the form the table is matched on."""
    s = text.strip().lower()
    s = re.sub(r"^(https?://)?(www\.)?", "", s).split("/")[0] if "." in s and " " not in s else s
    s = _TLD.sub("", s)
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"[^0-9a-z\u00c0-\uffff]+", "", s)


@cache
def _index() -> dict[str, Outlet]:
    index: dict[str, Outlet] = {}
    for row in table("outlets.tsv"):
        name = row[0]
        aliases = row[1].split("|") if len(row) > 1 and row[1] else []
        domains = row[2].split("|") if len(row) > 2 and row[2] else []
        outlet = Outlet(name, party=len(row) > 3 and row[3] == "party")
        for form in (name, *aliases, *domains):
            index.setdefault(outlet_key(form), outlet)
    return index


def find_outlet(text: str) -> Outlet | None:
    key = outlet_key(text)
    return _index().get(key) if key else None
