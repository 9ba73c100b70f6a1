"""Near-duplicates: LSH candidate pairs, scored exactly.

Candidates come from the LSH band keys stored in SQLite (``store.links.band_candidates``):
two documents sharing one band key of their MinHash signatures. Each candidate pair is then
scored on its two shingle sets — Jaccard, and containment both ways (the share of each
document's shingles found in the other) — and kept as a near-duplicate when either measure
clears its threshold. Jaccard alone misses the commonest reposts: a blog keeping two thirds
of a wire story holds nothing else (containment 1.0) but its Jaccard with the story is 0.67,
and a copy under a long comment section or with paragraphs of its own added is lower still.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .minhash import Fingerprint, estimate_jaccard

# Two texts are near-duplicates when 35% of their pooled shingles are shared: a repost
# with boilerplate added, quotes restyled or one word in ten changed measures 0.5-0.9, one
# in seven 0.4; the sample corpus's blog repost of the El Fasher report 0.56; different
# outlets' reports of the same attack at most 0.03, and no two different stories of the
# labelled set of `sitrep eval dupes` above 0.08 …
NEAR_DUPLICATE_JACCARD = 0.35
# … or when 60% of one text's shingles are in the other: an excerpt, an abridged copy, a
# copy with paragraphs of its own added (different stories: at most 0.21, and that from
# boilerplate lines two reposting sites share).
NEAR_DUPLICATE_CONTAINMENT = 0.6
# A band candidate whose estimated Jaccard is below this is dropped before the exact check
# (which re-shingles the stored text). Chance collisions of unrelated texts (J ≈ 0.01)
# estimate near 0.01; an excerpt of a third of a text (J ≈ 0.3) near 0.3.
CANDIDATE_MIN_ESTIMATE = 0.1
# Band candidates kept per new document, most shared band keys first. A story copied by
# thousands of sites would otherwise make every new copy compare with every old one; the
# best hundred are enough to find its closest copies and, through them, its origin.
MAX_CANDIDATES = 100
# Documents read back per band key of a new document: the latest ones before it. A story
# copied by thousands of sites fills its band keys with its copies, and reading every one
# for every new copy is quadratic in the corpus; the latest 20 of each of the document's 37
# keys (at most 740 rows) still hold its MAX_CANDIDATES best whenever it has that many
# copies, and a key shared by fewer documents is read whole. Only documents before it are
# read (a pair is found when its second document arrives), so the candidates of a document
# do not depend on how the corpus was cut into batches.
MAX_PER_BAND = 20


@dataclass(frozen=True)
class PairScore:
    """How much text two documents share, on their shingle sets."""

    jaccard: float  # estimated from the MinHash signatures
    jaccard_exact: float
    a_in_b: float  # share of a's shingles found in b
    b_in_a: float

    @property
    def containment(self) -> float:
        return max(self.a_in_b, self.b_in_a)

    def swapped(self) -> PairScore:
        return PairScore(self.jaccard, self.jaccard_exact, self.b_in_a, self.a_in_b)


def shared_count(a: np.ndarray, b: np.ndarray) -> int:
    """How many hashes two sets of unique shingle hashes share: the equal neighbours of
    the two sorted together (``np.intersect1d(assume_unique=True)``'s method, without the
    array of common values it builds: half its time on news-sized sets)."""
    both = np.concatenate((a, b))
    both.sort()
    return int(np.count_nonzero(both[1:] == both[:-1]))


def score(a: Fingerprint, b: Fingerprint) -> PairScore:
    shared = shared_count(a.shingles, b.shingles)
    na, nb = len(a.shingles), len(b.shingles)
    union = na + nb - shared
    est = estimate_jaccard(a.signature, b.signature) \
        if a.signature is not None and b.signature is not None else 0.0
    return PairScore(round(est, 4), round(shared / union, 4) if union else 0.0,
                     round(shared / na, 4) if na else 0.0, round(shared / nb, 4) if nb else 0.0)


def is_near_duplicate(s: PairScore) -> bool:
    return s.jaccard_exact >= NEAR_DUPLICATE_JACCARD or s.containment >= NEAR_DUPLICATE_CONTAINMENT


def near_duplicate_reason(s: PairScore) -> str:
    """Why a pair is a near-duplicate, for users (``s`` oriented later → earlier)."""
    parts = []
    if s.jaccard_exact >= NEAR_DUPLICATE_JACCARD:
        parts.append(f"shares {s.jaccard_exact:.0%} of their pooled text (Jaccard; "
                     f"MinHash estimate {s.jaccard:.2f})")
    if s.b_in_a >= NEAR_DUPLICATE_CONTAINMENT:
        parts.append(f"holds {s.b_in_a:.0%} of the other's text")
    if s.a_in_b >= NEAR_DUPLICATE_CONTAINMENT:
        parts.append(f"{s.a_in_b:.0%} of its text is in the other")
    return "; ".join(parts)


def select_band_candidates(rows: Iterable[tuple[int, int, int]],
                           limit: int = MAX_CANDIDATES) -> set[tuple[int, int]]:
    """Unordered pairs (low id, high id) from (new, other, shared bands) rows, keeping each
    new document's ``limit`` best (most shared band keys, then lowest id)."""
    by_new: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for new, other, shared in rows:
        by_new[new].append((-shared, other))
    pairs: set[tuple[int, int]] = set()
    for new, found in by_new.items():
        for _, other in sorted(found)[:limit]:
            pairs.add((min(new, other), max(new, other)))
    return pairs


def estimated_containment(sig_a: np.ndarray, n_a: int, sig_b: np.ndarray, n_b: int) -> float:
    """The larger containment of two sets, estimated from their signatures and sizes:
    |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    j = estimate_jaccard(sig_a, sig_b)
    return j * (n_a + n_b) / (1 + j) / max(1, min(n_a, n_b))


def worth_scoring(a: Fingerprint, b: Fingerprint) -> bool:
    """The cheap test on signatures that a band candidate passes before the exact check."""
    return (a.signature is not None and b.signature is not None
            and estimate_jaccard(a.signature, b.signature) >= CANDIDATE_MIN_ESTIMATE)
