"""Reposts made by program: the mutations the near-duplicate scorer and benchmark apply to
real-looking texts (the sample corpus). Each takes a seeded ``random.Random``: the same seed
gives the same texts on every machine.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

# Lines a reposting site adds around a story that a cleaner does not always remove.
BOILERPLATE: tuple[str, ...] = (
    "Share this article with your friends and family.",
    "Follow us on Telegram and WhatsApp for the latest updates from the region.",
    "Subscribe to our newsletter to receive the day's top stories in your inbox.",
    "This article has been read by our readers across the Sahel and beyond.",
    "Copyright © 2024. All rights reserved. Republication without permission is prohibited.",
    "Have a story to share? Contact our newsroom via the form on our website.",
    "The views expressed by commenters are their own and not those of this site.",
)
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_WORD = re.compile(r"\b[^\W\d_][\w'’-]*\b")
_CURLY_TO_STRAIGHT = {"“": '"', "”": '"', "‘": "'", "’": "'"}


def paragraphs(text: str) -> list[list[str]]:
    """The text as paragraphs (non-empty lines) of sentences."""
    return [[s for s in _SENTENCE.split(line.strip()) if s]
            for line in text.split("\n") if line.strip()]


def join(paras: Sequence[Sequence[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paras if p)


def vocabulary(texts: Sequence[str]) -> list[str]:
    """Distinct words of the texts, sorted (substitutes that look like the genre)."""
    return sorted({w for t in texts for w in _WORD.findall(t) if len(w) > 2})


def restyle(text: str, rng: random.Random) -> str:
    """Quotes curly ↔ straight, dashes restyled, two or three lines of boilerplate after."""
    out = []
    opened = False
    for ch in text:
        if ch == '"':  # straight → curly, alternating open / close
            out.append("”" if opened else "“")
            opened = not opened
        else:
            out.append(_CURLY_TO_STRAIGHT.get(ch, ch))
    styled = "".join(out).replace(" — ", " - ").replace("–", "-")
    extra = rng.sample(BOILERPLATE, rng.randint(2, 3))
    return styled + "\n\n" + "\n".join(extra)


def abridge(text: str, rate: float, rng: random.Random) -> str:
    """Drop each sentence but the first with probability ``rate``."""
    paras = paragraphs(text)
    kept = [[s for j, s in enumerate(p) if (i == 0 and j == 0) or rng.random() >= rate]
            for i, p in enumerate(paras)]
    return join(kept)


def reorder(text: str, rng: random.Random) -> str:
    """Shuffle the paragraphs after the first (a lead kept, the rest re-arranged)."""
    paras = paragraphs(text)
    rest = paras[1:]
    rng.shuffle(rest)
    return join(paras[:1] + rest)


def edit(text: str, rate: float, rng: random.Random, vocab: Sequence[str]) -> str:
    """Replace each word with a random word of ``vocab`` with probability ``rate``."""
    def swap(m: re.Match[str]) -> str:
        if rng.random() >= rate:
            return m[0]
        new = rng.choice(vocab)
        return new.capitalize() if m[0][:1].isupper() else new.lower()
    return _WORD.sub(swap, text)


Mutation = Callable[[str, random.Random, Sequence[str]], str]

# Reposts a reader would call "the same story": each kind is one member of a family.
KINDS: dict[str, Mutation] = {
    "restyled": lambda t, r, v: restyle(t, r),
    "abridged-20": lambda t, r, v: abridge(t, 0.2, r),
    "abridged-40": lambda t, r, v: abridge(t, 0.4, r),
    "reordered": lambda t, r, v: reorder(t, r),
    "edited-5": lambda t, r, v: edit(t, 0.05, r, v),
    "edited-10": lambda t, r, v: edit(t, 0.10, r, v),
    "edited-15": lambda t, r, v: edit(t, 0.15, r, v),
    "mixed": lambda t, r, v: restyle(edit(abridge(reorder(t, r), 0.2, r), 0.05, r, v), r),
}


def rewrite(text: str, rng: random.Random, vocab: Sequence[str]) -> str:
    """A heavy rewrite: a third of the sentences dropped and one word in five changed. Not
    a near-duplicate any more; derived only if it credits its source."""
    return edit(abridge(text, 0.3, rng), 0.2, rng, vocab)


def synthetic_story(pool: Sequence[str], rng: random.Random, vocab: Sequence[str]) -> str:
    """A new, distinct story: sentences drawn from several texts of ``pool``, shuffled, with
    one word in three replaced (what the benchmark uses as independent originals)."""
    sentences = [s for t in rng.sample(list(pool), min(4, len(pool)))
                 for p in paragraphs(t) for s in p]
    rng.shuffle(sentences)
    picked = sentences[:rng.randint(12, 24)]
    paras = [picked[i:i + 3] for i in range(0, len(picked), 3)]
    return edit(join(paras), 0.33, rng, vocab)
