"""Language of a clean text (py3langid, normalized probabilities)."""

from __future__ import annotations

from functools import cache

# Enough text for a stable guess (a news paragraph or two); more only costs time.
SAMPLE_CHARS = 1000
# Below this many letters a guess is noise: the language stays unknown.
MIN_LETTERS = 20


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float | None]:
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None, None
    lang, prob = _identifier().classify(sample)
    return str(lang), round(float(prob), 3)
