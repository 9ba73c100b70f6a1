"""Stories: the documents about one happening, grouped.

Two documents are in one story when they report the same consolidated event (one that more
than one document tells) or when one's text comes from the other's (a near-duplicate or
derived-from link). A story is a connected group of such documents; its id is stable (a hash
of its earliest document's id), its title the earliest document's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def connected(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components (union-find), each sorted, largest first then by first id."""
    parent: dict[str, str] = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for n in parent:
        groups.setdefault(find(n), []).append(n)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def story_id(first_document: str) -> str:
    return "st-" + hashlib.sha256(first_document.encode()).hexdigest()[:12]
