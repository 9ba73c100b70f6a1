"""Event frames: the context rules that turn a lexicon match into an ACLED sub-type.

A trigger word says *that* something happened; who did it to whom says *what* ACLED calls it.
Each frame (named in resources/event_lexicon.tsv) reads the trigger's arguments from the
dependency parse — its agent (subject, "by" phrase, possessor, actor modifier) and its target
(object, passive subject, "on"/"against"/"of" phrase, the victims of a "killing …" clause) —
sorts each into categories (resources/event_cues.tsv, actor_nouns.tsv, the actor table and
the actor types the caller knows; closed word lists in resources/event_words.tsv) and decides:

* a sub-type key of resources/acled_types.tsv, with the rule that decided it;
* or None: the word is not an event here ("kill time", "protested that…", "missile test",
  an explosion at a gas plant, a deal about trade).

Frames see one match at a time; what depends on several triggers (a protest whose crowd also
throws stones, a withdrawal and a capture of the same town) is decided afterwards in
sitrep.nlp.event_types.

This module is where the frames are looked up: importing it registers every frame in
``FRAMES``. The frames live by ACLED family — ``frames_violence`` (battles, violence against
civilians), ``frames_explosions`` (explosions/remote violence), ``frames_capture`` (territory
and people taken), ``frames_protest`` (protests, riots), ``frames_strategic`` (strategic
developments) — and read the text with ``frame_arguments`` (FrameInput, Verdict, a trigger's
agent and target) and ``frame_words`` (word lists and cue categories).
"""

from __future__ import annotations

# Each frames_* module registers its frames in FRAMES when imported.
from . import (  # noqa: F401
    frames_capture,
    frames_explosions,
    frames_protest,
    frames_strategic,
    frames_violence,
)
from .frame_arguments import FRAMES, Frame, FrameInput, Verdict
from .frame_words import forms, scope_cues, word_categories, word_list

__all__ = ["FRAMES", "Frame", "FrameInput", "Verdict", "forms", "scope_cues", "word_categories",
           "word_list"]
