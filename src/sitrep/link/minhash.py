"""Clean text → normalised words → word shingles → MinHash signature → LSH band keys.

A document is compared through the set of its **word shingles**: every run of
``SHINGLE_WORDS`` consecutive words of its normalised text, hashed to 32 bits. Exact
Jaccard and containment are computed on these sets (``near_duplicates``); the MinHash
signature (datasketch, ``NUM_PERM`` permutations) estimates Jaccard cheaply, and its LSH
band keys (``lsh_params()`` bands of ``r`` rows, datasketch's optimum for
``LSH_THRESHOLD``) find candidate pairs without comparing all pairs.

Everything here is a pure function of the text and the constants below; ``PARAMS``
names them, and a database indexed under other parameters is re-indexed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from multiprocessing import get_context

import numpy as np
from datasketch import MinHash, MinHashLSH

# Words per shingle. Three words: reposts edited by hand change words here and there, and
# every changed word breaks SHINGLE_WORDS shingles; with three, a repost with one word in
# seven changed still shares 60% of its shingles (four words: 50%), and different outlets'
# reports of the same attack still share under 6% (the Boulkessi reports of the sample
# corpus: 2-5%). Measured on the labelled set of `sitrep eval dupes`: recall 0.85 with three
# words against 0.75 with four, at the same precision (1.0).
SHINGLE_WORDS = 3
# MinHash permutations: the standard error of an estimated Jaccard is sqrt(J(1-J)/128) ≈
# 0.04 at J = 0.5; 128 uint32 values are 512 bytes stored per document.
NUM_PERM = 128
# Seed of the permutations: fixed, so that signatures stored by one run compare with the next.
SEED = 1
# LSH is tuned for this Jaccard (datasketch's optimal bands × rows for it: 37 × 3, so a pair
# at J = 0.35 is a candidate 80% of the time, at 0.5 99%, at 0.05 (unrelated reports) 0.5%).
# Below the near-duplicate thresholds on purpose: an excerpt holding 60% of a text twice its
# length has a Jaccard of 0.3; the exact check on each candidate pair then decides.
LSH_THRESHOLD = 0.3
# A text with fewer shingles than this (a caption, a one-line feed item) is not compared:
# a handful of shingles gives meaningless ratios (two 20-word briefs sharing one phrase).
MIN_SHINGLES = 20
# Below this many texts a batch is fingerprinted in-process: starting worker processes
# (numpy and datasketch imported anew) costs more than it saves.
POOL_MIN_TEXTS = 2000

_WORD = re.compile(r"[^\W_]+")
# Combining marks left by NFKD: "Sévaré" and "Sevare" are the same word in a repost.
_MARKS = dict.fromkeys(range(0x0300, 0x0370))
# Combining marks already apart in the text (or split off by case folding: "İ" → "i̇").
_COMBINING = re.compile(r"[\u0300-\u036f]")
# Word hashes are cached (words repeat across documents); the cache is emptied past this size
# so that memory stays bounded over millions of documents.
_WORD_CACHE_SIZE = 1 << 20
_word_hashes: dict[str, int] = {}
# Odd 64-bit multipliers that combine the hashes of a shingle's words by position, and those
# that combine the rows of an LSH band (fixed: stored keys must compare across runs).
# They come from a hash of fixed names, not a random generator whose stream could change.


def _constants(name: str, n: int, *, odd: bool) -> np.ndarray:
    values = [int.from_bytes(hashlib.blake2b(f"sitrep.link.{name}:{i}".encode(),
                                             digest_size=8).digest(), "little") | int(odd)
              for i in range(n)]
    return np.array(values, dtype=np.uint64)


_SHINGLE_MULT = _constants("shingle", SHINGLE_WORDS, odd=True)
_BAND_MULT = _constants("band", NUM_PERM, odd=True)
_BAND_SALT = _constants("salt", NUM_PERM, odd=False)


@cache
def lsh_params() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH picks for ``LSH_THRESHOLD``."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def params() -> str:
    """Every constant a stored signature or band key depends on."""
    bands, rows = lsh_params()
    return (f"words={SHINGLE_WORDS} perm={NUM_PERM} seed={SEED} scheme=affine32 "
            f"hash=blake2b-mult bands={bands}x{rows} min={MIN_SHINGLES} outlets=by-day v4")


def _unaccent(word: str) -> str:
    return unicodedata.normalize("NFKD", word).translate(_MARKS)


def words(text: str) -> list[str]:
    """Lower-case words without accents or punctuation: quotes, dashes, case and diacritics
    restyled by a repost do not make it a different text."""
    folded = text.casefold()
    if folded.isascii():
        return _WORD.findall(folded)
    if _COMBINING.search(folded):
        folded = folded.translate(_MARKS)
    found = _WORD.findall(folded)
    if "".join(found).isascii():  # non-ASCII punctuation only (curly quotes, dashes)
        return found
    return [w if w.isascii() else _unaccent(w) for w in found]


def _word_hash(word: str) -> int:
    if len(_word_hashes) >= _WORD_CACHE_SIZE:
        _word_hashes.clear()
    h = _word_hashes[word] = int.from_bytes(
        hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
    return h


def _word_hash_list(ws: list[str]) -> list[int]:
    hs = list(map(_word_hashes.get, ws))  # the cache lookups run in C
    if None in hs:
        hs = [h if h is not None else _word_hash(w) for w, h in zip(ws, hs, strict=True)]
    return hs  # type: ignore[return-value]


def shingle_hashes(text: str) -> np.ndarray:
    """The sorted distinct 32-bit hashes of the text's word shingles (a text shorter than a
    shingle is one shingle). A shingle's hash combines its words' 64-bit hashes, each times
    the multiplier of its position, and keeps the high 32 bits."""
    ws = words(text)
    if not ws:
        return np.empty(0, dtype=np.uint32)
    h = np.array(_word_hash_list(ws), dtype=np.uint64)
    n = max(1, len(ws) - SHINGLE_WORDS + 1)
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(min(SHINGLE_WORDS, len(ws))):
        acc += h[j:j + n] * _SHINGLE_MULT[j]  # wraps modulo 2**64
    return np.unique((acc >> np.uint64(32)).astype(np.uint32))


@cache
def _template() -> MinHash:
    # Shingles arrive already hashed: the MinHash hash function is the identity (``int``).
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme="affine32")


def signature(shingles: np.ndarray) -> np.ndarray:
    """The MinHash signature (uint32 × NUM_PERM) of a set of shingle hashes."""
    m = _template().copy()
    m.update_batch(shingles.tolist())
    return m.hashvalues.astype(np.uint32, copy=False)


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard estimated from two signatures: the share of equal minimums."""
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per LSH band (its rows and its index hashed together), as
    stored in SQLite: two documents with one equal key are a candidate pair."""
    bands, rows = lsh_params()
    used = bands * rows
    mixed = sig[:used].astype(np.uint64) * _BAND_MULT[:used] + _BAND_SALT[:used]
    keys = mixed.reshape(bands, rows)
    acc = keys[:, 0].copy()
    for j in range(1, rows):  # an order-dependent mix of the band's rows
        acc = (acc ^ (acc >> np.uint64(29))) * _BAND_MULT[j] + keys[:, j]
    acc ^= acc >> np.uint64(32)
    return acc.view(np.int64).tolist()


@dataclass(frozen=True)
class Fingerprint:
    """A text's shingle hashes and, when it has enough of them, its signature and band keys."""

    shingles: np.ndarray  # sorted distinct uint32
    signature: np.ndarray | None  # None: fewer than MIN_SHINGLES shingles
    bands: tuple[int, ...] = ()

    @property
    def comparable(self) -> bool:
        return self.signature is not None


def fingerprint(text: str) -> Fingerprint:
    shingles = shingle_hashes(text)
    if len(shingles) < MIN_SHINGLES:
        return Fingerprint(shingles, None)
    sig = signature(shingles)
    return Fingerprint(shingles, sig, tuple(band_keys(sig)))


def fingerprint_all(texts: Sequence[str]) -> list[Fingerprint]:
    return [fingerprint(t) for t in texts]


class Fingerprinter:
    """Fingerprints batches of texts: in this process, or with ``workers`` ≥ 1 in that many
    worker processes for batches of ``POOL_MIN_TEXTS`` texts or more.

    ``start(texts)`` returns a function giving the fingerprints: with worker processes the
    batch is under way while the caller does other work (the link stage stores the previous
    batch meanwhile). Use as a context manager: the worker pool (spawned once, on the first
    big batch) is shut down on exit.
    """

    def __init__(self, workers: int = 0):
        self.workers = max(0, workers)
        self._pool: ProcessPoolExecutor | None = None

    def start(self, texts: Sequence[str]) -> Callable[[], list[Fingerprint]]:
        if self.workers == 0 or len(texts) < POOL_MIN_TEXTS:
            return lambda: fingerprint_all(texts)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        size = -(-len(texts) // (self.workers * 4))
        futures = [self._pool.submit(fingerprint_all, texts[i:i + size])
                   for i in range(0, len(texts), size)]
        return lambda: [fp for f in futures for fp in f.result()]

    def __call__(self, texts: Sequence[str]) -> list[Fingerprint]:
        return self.start(texts)()

    def __enter__(self) -> Fingerprinter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
