"""Reported speech: who (source) says (cue) what (content), found in a dependency parse.

``find_speech(doc)`` returns every attribution of content to a source in a parsed text, each
with character spans for its cue, source and content (the three parts PolNeAR and PARC
annotate). The cues are data (``resources/claim_cues.tsv``: lemma, stance, the frames where
its content is, part of speech, kind). For each cue:

* a verb takes as content, by its frames: its complement clause ("said that…", "said the army
  had…"; in a parenthetical "The army had…, he said" the clause before it), its infinitive or
  gerund complement ("claimed to have killed", "denied targeting"), its object ("claimed
  responsibility for the attack", "condemned the strike as…"), or a direct quote next to it
  ("“…,” he said", "said: “…”"). A quote split around its cue ("“…,” she said. “…”") gives
  both parts; a quote spanning sentences is taken whole;
* a noun ("a statement that…", "a tweet … that its members killed…") takes the first "that"
  clause below it, and needs a source of its own ("the State Department's announcement");
* "according to X" and "…, citing X" take the clause they modify, minus themselves.

The source comes from ``nlp.attribution`` (subject, "by" agent, possessor, "according to" X,
the releaser of a medium: "images purporting to show…" → who released the images); an
apposition counts ("ISIS on Friday a tweet…": the tweet is ISIS's).

Not speech: a cue inside a direct quote (the quoted speaker's own words), a negated cue ("did
not say"), and a verb without a source ("it was reported that…" — the writer's hedge, which
nlp.verification reads).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Token

from ..lexicon import table
from .attribution import according_source, name_span, source_of
from .parsed import sentence_of, text_of
from .quotes import Quote, find_quotes

CUES_FILE = "claim_cues.tsv"
STANCES = ("asserts", "denies", "doubts", "condemns")
FRAMES = set("cxoq")
KINDS = ("statement", "post-image-video")
POS_CLASSES = {"verb": {"VERB", "AUX"}, "noun": {"NOUN", "PROPN"}}
# Children of a cue that carry its content, by frame.
CLAUSE_DEPS = {"ccomp"}
INFINITIVE_DEPS = {"xcomp"}
OBJECT_DEPS = {"dobj"}
# Prepositions that continue an object's content ("accused the army of…", "condemned the
# strike as…", "blamed the RSF for…").
OBJECT_PREPOSITIONS = {"of", "for", "as"}
# Dependency labels of a cue that sits inside the clause it reports ("The army had…, he said").
PARENTHETICAL_DEPS = {"parataxis", "ccomp", "advcl", "conj"}
NEGATIONS = {"not", "n't", "never"}
# Tokens trimmed from the edges of a content or source span.
EDGE_PUNCT = set(",;:—–-()[]")
ACCORDING = ("according", "to")
CITING = "cite"
# How far (in characters of non-word text) a quote may end before its cue's clause begins.
QUOTE_GAP = 3
# "Name: what they say": at most this many tokens of name, at least this many words after.
MAX_COLON_SOURCE = 6
MIN_COLON_WORDS = 3
# Entity types that are never the source before a colon (datelines, place labels, times).
NOT_SOURCES = {"GPE", "LOC", "DATE", "TIME", "CARDINAL", "FAC"}
# How far (in characters) a quote may end before the cue that closes it ("“…,” said Lt. Col.
# X, the army spokesman in Ituri": the source may stand between them).
MAX_QUOTE_DISTANCE = 80


@dataclass(frozen=True)
class Cue:
    lemma: str
    stance: str
    frames: str
    pos: str | None
    kind: str | None


@dataclass(frozen=True)
class Speech:
    """One attribution: character spans into the parsed text."""

    cue: tuple[int, int]
    cue_token: int
    lemma: str  # the cue's lemma ("say", "according to", "point out")
    stance: str
    source: tuple[int, int] | None
    source_head: int | None  # token index of the source's head word
    content: tuple[tuple[int, int], ...]  # one span, or two for a quote split by its cue
    direct: bool  # the content is (mostly) a direct quote
    kind: str | None  # a kind the cue fixes: statement, post-image-video
    frame: str  # clause | infinitive | object | quote | parenthetical | according | noun

    @property
    def start(self) -> int:
        return min(s for s, _ in self.content)

    @property
    def end(self) -> int:
        return max(e for _, e in self.content)


@cache
def cues() -> dict[str, tuple[Cue, ...]]:
    """Cue entries by lemma (a two-word cue "point out" under "point out")."""
    out: dict[str, tuple[Cue, ...]] = {}
    for row in table(CUES_FILE):
        lemma, stance, frames = row[0].lower(), row[1], row[2]
        pos = row[3] if len(row) > 3 and row[3] != "-" else None
        kind = row[4] if len(row) > 4 else None
        if stance not in STANCES or not set(frames) <= FRAMES or \
                (pos is not None and pos not in POS_CLASSES) or \
                (kind is not None and kind not in KINDS):
            raise ValueError(f"{CUES_FILE}: bad row {row!r}")
        out[lemma] = (*out.get(lemma, ()), Cue(lemma, stance, frames, pos, kind))
    return out


@cache
def _first_words() -> frozenset[str]:
    """The first word of every cue entry."""
    return frozenset(key.split(" ")[0] for key in cues())


def cue_of(tok: Token) -> Cue | None:
    """The cue entry a token is, taking its particle ("pointed out") into account."""
    lemma = tok.lemma_.lower()
    table_ = cues()
    if lemma not in _first_words() and " " not in lemma:
        return None  # no entry, with or without a particle or preposition, starts with it
    particle = next((c.lower_ for c in tok.children if c.dep_ == "prt"), None)
    keys: tuple[str, ...] = (f"{lemma} {particle}",) if particle else ()
    keys += tuple(f"{lemma} {c.lower_}" for c in tok.children if c.dep_ == "prep")
    for key in (*keys, lemma):
        for cue in table_.get(key, ()):
            if cue.pos is None or tok.pos_ in POS_CLASSES[cue.pos]:
                return cue
    return None


def find_speech(doc: Doc, media: frozenset[str] = frozenset()) -> tuple[Speech, ...]:
    """Every attribution in ``doc``, in text order. ``media``: nouns that carry a statement
    rather than make one (the source of "images purporting…" is who released them)."""
    return _Finder(doc, media).run()


class _Finder:
    def __init__(self, doc: Doc, media: frozenset[str]):
        self.doc = doc
        self.media = media
        self.quotes = [q for q in find_quotes(text_of(doc)) if q.direct]
        self.quoted_chars = [(q.inner_start, q.inner_end) for q in self.quotes]

    # -- helpers -----------------------------------------------------------------------------
    def _in_quote(self, tok: Token) -> bool:
        return any(s <= tok.idx < e for s, e in self.quoted_chars)

    def _chars(self, tokens: list[Token]) -> tuple[int, int] | None:
        toks = sorted(tokens, key=lambda t: t.i)
        while toks and (toks[0].is_space or toks[0].text in EDGE_PUNCT):
            toks.pop(0)
        while toks and (toks[-1].is_space or toks[-1].text in EDGE_PUNCT
                        or toks[-1].text == "."):
            toks.pop()
        if not toks:
            return None
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        return (start, end) if end > start else None

    def _source(self, cue: Token) -> tuple[tuple[int, int] | None, int | None]:
        span = source_of(cue, self.media)
        if span is None and cue.dep_ == "appos" and cue.head.pos_ in ("NOUN", "PROPN"):
            span = name_span(cue.head, avoid=cue)  # "ISIS on Friday a tweet…"
        if span is None:
            return None, None
        toks = list(self.doc[span[0]:span[1]])
        head = self.doc[span[0]:span[1]].root.i
        return self._chars(toks), head

    def _cue_span(self, tok: Token, cue: Cue | None = None) -> tuple[int, int]:
        words = cue.lemma.split()[1:] if cue else []
        parts = [tok] + [c for c in tok.children if c.dep_ == "prt"
                         or (c.dep_ == "prep" and c.lower_ in words)]
        return min(t.idx for t in parts), max(t.idx + len(t.text) for t in parts)

    def _direct(self, content: tuple[tuple[int, int], ...]) -> bool:
        size = sum(e - s for s, e in content)
        quoted = sum(max(0, min(e, qe) - max(s, qs)) for s, e in content
                     for qs, qe in self.quoted_chars)
        return size > 0 and quoted >= 0.5 * size

    # -- the cues ----------------------------------------------------------------------------
    def run(self) -> tuple[Speech, ...]:
        found: list[Speech] = []
        waiting_quote: list[tuple[Token, Cue]] = []
        for tok in self.doc:
            if tok.is_space or self._in_quote(tok):
                continue
            if tok.lower_ == ACCORDING[0] and tok.i + 1 < len(self.doc) \
                    and self.doc[tok.i + 1].lower_ == ACCORDING[1]:
                if cue_of(tok.head) is None:
                    found += self._according(tok, "according to")
                continue
            if tok.lemma_.lower() == CITING and tok.tag_ == "VBG" and tok.dep_ in ("advcl",
                                                                                   "xcomp"):
                if cue_of(tok.head) is None:
                    found += self._according(tok, "cite")
                continue
            if tok.text == ":" and (speech := self._colon(tok)) is not None:
                found.append(speech)
                continue
            cue = cue_of(tok)
            if cue is None or any(c.lower_ in NEGATIONS for c in tok.children):
                continue
            if tok.pos_ in POS_CLASSES["noun"]:
                found += self._noun(tok, cue)
                continue
            speech = self._verb(tok, cue)
            if speech is not None:
                found.append(speech)
            elif "q" in cue.frames:
                waiting_quote.append((tok, cue))
        found += self._quoted(waiting_quote, found)
        return tuple(sorted(found, key=lambda s: (s.start, s.cue[0])))

    def _make(self, tok: Token, cue: Cue | None, lemma: str, stance: str,
              content: tuple[tuple[int, int], ...], frame: str,
              cue_span: tuple[int, int] | None = None,
              source: tuple[tuple[int, int] | None, int | None] | None = None
              ) -> Speech | None:
        src, head = source if source is not None else self._source(tok)
        if src is None:
            return None
        cue_span = cue_span or self._cue_span(tok, cue)
        content = tuple(c for c in content if c[1] > c[0])
        if not content or any((a < src[1] and src[0] < b) or (a < cue_span[1] and cue_span[0] < b)
                              for a, b in content):
            return None  # a content holding its own source or cue is a misparse
        return Speech(cue_span, tok.i, lemma, stance, src, head, content,
                      self._direct(content), cue.kind if cue else None, frame)

    def _verb(self, tok: Token, cue: Cue) -> Speech | None:
        frames = cue.frames
        lemma = cue.lemma
        for dep_set, letter, frame in ((CLAUSE_DEPS, "c", "clause"),
                                       (INFINITIVE_DEPS, "x", "infinitive")):
            if letter not in frames:
                continue
            kids = [c for c in tok.children if c.dep_ in dep_set]
            if letter == "x":
                kids += [c for c in tok.children if c.dep_ == "dobj" and c.tag_ == "VBG"]
            if kids:
                toks = [t for k in kids for t in k.subtree]
                span = self._chars(toks)
                if span and letter == "c" and "q" in frames and self._direct((span,)) \
                        and not any(c.dep_ == "mark" for k in kids for c in k.children):
                    return None  # "“…,” he said": the whole quote, by the quote frame
                if span:
                    return self._make(tok, cue, lemma, cue.stance, (span,), frame)
        words = lemma.split()
        if len(words) == 2:
            # "called for the impeachment", "talked about the wall": the preposition's object.
            prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == words[1]),
                        None)
            if prep is not None:
                toks = [t for c in prep.children for t in c.subtree]
                toks += [t for c in tok.children if c.dep_ == "xcomp" for t in c.subtree]
                span = self._chars(toks)
                if span:
                    return self._make(tok, cue, lemma, cue.stance, (span,), "object")
        if "o" in frames and tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN") \
                and not any(c.dep_ in OBJECT_DEPS for c in tok.children):
            # "a figure the army dismissed as propaganda", "a charge Kigali denies": what the
            # relative clause modifies is the object.
            start, end = name_span(tok.head, avoid=tok)
            span = self._chars(list(self.doc[start:end]))
            if span:
                return self._make(tok, cue, lemma, cue.stance, (span,), "object")
        if "o" in frames:
            objs = [c for c in tok.children if c.dep_ in OBJECT_DEPS]
            if objs:
                toks = [t for o in objs for t in o.subtree]
                toks += [t for c in tok.children if c.dep_ in ("prep", "oprd", "xcomp", "ccomp")
                         and (c.dep_ != "prep" or c.lower_ in OBJECT_PREPOSITIONS)
                         and c.i > tok.i for t in c.subtree]
                span = self._chars(toks)
                if span:
                    return self._make(tok, cue, lemma, cue.stance, (span,), "object")
        if "c" in frames and tok.dep_ in PARENTHETICAL_DEPS and tok.head.i != tok.i \
                and sentence_of(tok.head).start == sentence_of(tok).start \
                and any(c.dep_ == "nsubj" for c in tok.children) \
                and (tok.head.i < tok.i or tok.dep_ == "parataxis"):
            # "The army had withdrawn, the ministry said", "Since then, he says, far too many
            # …": the clause the cue interrupts.
            skip = {t.i for t in tok.subtree}
            toks = [t for t in tok.head.subtree if t.i not in skip]
            if toks and not self._quote_covers(toks):
                span = self._chars(toks)
                if span:
                    return self._make(tok, cue, lemma, cue.stance, (span,), "parenthetical")
        return None

    def _quote_covers(self, toks: list[Token]) -> bool:
        """The tokens are (mostly) a direct quote: the quote frame reads them instead."""
        span = self._chars(toks)
        return span is not None and self._direct((span,))

    def _noun(self, tok: Token, cue: Cue) -> list[Speech]:
        if "c" not in cue.frames:
            return []
        for t in tok.subtree:
            if t.i <= tok.i or t.pos_ not in ("VERB", "AUX"):
                continue
            mark = next((c for c in t.children if c.dep_ == "mark" and c.lower_ == "that"),
                        None)
            if mark is None or t.dep_ not in ("acl", "relcl", "ccomp", "appos"):
                continue
            span = self._chars(list(t.subtree))
            speech = span and self._make(tok, cue, cue.lemma, cue.stance, (span,), "noun")
            return [speech] if speech else []
        return []

    def _according(self, tok: Token, lemma: str) -> list[Speech]:
        if lemma == "according to":
            src_tokens = according_source(tok)
            cue_span = (tok.idx, self.doc[tok.i + 1].idx + len(self.doc[tok.i + 1].text))
        else:
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            src_tokens = name_span(obj) if obj is not None else None
            cue_span = (tok.idx, tok.idx + len(tok.text))
        if src_tokens is None:
            return []
        src = self._chars(list(self.doc[src_tokens[0]:src_tokens[1]]))
        head_tok = tok.head if tok.head.i != tok.i else tok
        sent = sentence_of(tok)
        skip = {t.i for t in tok.subtree}
        toks = [t for t in head_tok.subtree if t.i not in skip
                and sent.start <= t.i < sent.end]
        if head_tok.i == tok.i:
            toks = [t for t in sent if t.i not in skip]
        span = self._chars(toks)
        if span is None or src is None:
            return []
        root = self.doc[src_tokens[0]:src_tokens[1]].root.i
        speech = self._make(tok, None, lemma, "asserts", (span,), "according",
                            cue_span=cue_span, source=(src, root))
        return [speech] if speech else []

    def _colon(self, tok: Token) -> Speech | None:
        """ "Sissoko: the arrests must stop": a name opening its line or sentence, then a colon,
        then what the named source says (a headline or transcript convention)."""
        sent = sentence_of(tok)
        head = [t for t in sent if t.i < tok.i and not t.is_space]
        if not head or len(head) > MAX_COLON_SOURCE or tok.i + MIN_COLON_WORDS >= sent.end:
            return None
        if not any(t.pos_ == "PROPN" or t.lower_ in ("he", "she", "they") for t in head) or \
                any(t.pos_ in ("VERB", "AUX") or t.ent_type_ in NOT_SOURCES for t in head) or \
                all(t.is_upper for t in head if t.is_alpha):
            return None  # a dateline ("BAGHDAD:"), a place label ("Sudan:"), a clause
        toks = [t for t in sent if t.i > tok.i]
        span = self._chars(toks)
        source = self._chars(head)
        if span is None or source is None:
            return None
        root = min(head, key=lambda t: len(list(t.ancestors)))
        return self._make(tok, None, ":", "asserts", (span,), "colon",
                          cue_span=(tok.idx, tok.idx + 1), source=(source, root.i))

    # -- direct quotes next to their cue ---------------------------------------------------------
    def _quoted(self, waiting: list[tuple[Token, Cue]], found: list[Speech]) -> list[Speech]:
        taken = [c for s in found for c in s.content]
        used: set[int] = set()
        out: list[Speech] = []
        for tok, cue in waiting:
            k = self._adjacent_quote(tok, used, taken)
            if k is None:
                continue
            used.add(k)
            parts = [self.quotes[k]]
            # A quote split around its cue, or continued after it: the following quotes that
            # start their sentence, up to the next cue.
            while True:
                nxt = k + 1
                if nxt >= len(self.quotes) or nxt in used:
                    break
                if not self._continues(parts[-1], self.quotes[nxt], tok):
                    break
                parts.append(self.quotes[nxt])
                used.add(nxt)
                k = nxt
            content = tuple((q.start, q.end) for q in parts)
            speech = self._make(tok, cue, cue.lemma, cue.stance, content, "quote")
            if speech is not None:
                out.append(speech)
        return out

    def _adjacent_quote(self, tok: Token, used: set[int],
                        taken: list[tuple[int, int]]) -> int | None:
        """The direct quote a cue introduces or closes: one ending in the cue's sentence (or
        just before it) before the cue, else one starting after the cue in its sentence."""
        sent = sentence_of(tok)
        s_start, s_end = sent.start_char, sent.end_char
        text = text_of(self.doc)
        before: list[tuple[int, int]] = []
        after: list[tuple[int, int]] = []
        for k, q in enumerate(self.quotes):
            if k in used or any(a < q.end and q.start < b for a, b in taken):
                continue
            if q.end <= tok.idx and tok.idx - q.end <= MAX_QUOTE_DISTANCE:
                if (q.end >= s_start or text[q.end:s_start].strip(" ,") == "") \
                        and self._only_source_between(q.end, tok):
                    before.append((tok.idx - q.end, k))
            elif q.start >= tok.idx and q.start <= s_end + QUOTE_GAP:
                after.append((q.start - tok.idx, k))
        if before:
            return min(before)[1]
        return min(after)[1] if after else None

    def _only_source_between(self, end: int, cue: Token) -> bool:
        """Between a quote's end and its cue stand only punctuation and the cue's source or
        auxiliaries ("“…,” the army spokesman said"), not another clause."""
        span = self.doc.char_span(end, cue.idx, alignment_mode="expand")
        if span is None:
            return True
        source = {t.i for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")
                  for t in c.subtree}
        return all(t.is_punct or t.is_space or t.i in source or (t.head.i == cue.i
                   and t.dep_ in ("aux", "advmod", "npadvmod", "punct")) for t in span)

    def _continues(self, prev: Quote, nxt: Quote, cue: Token) -> bool:
        """``nxt`` continues the quote ``prev`` of ``cue``: it starts the sentence right after
        the cue's (or after ``prev``), in the same paragraph, and nothing else is said there."""
        between = text_of(self.doc)[prev.end:nxt.start]
        if "\n" in between:
            return False
        if cue.idx > nxt.start:
            return False
        if prev.end < cue.idx:
            # "“…,” she said. “…”": only the cue and its source between the two parts.
            return len(between) <= MAX_QUOTE_DISTANCE + QUOTE_GAP \
                and between.rstrip().endswith((".", ",", ":")) \
                and not self._has_cue_between(nxt.end)
        return between.strip() == "" and not self._has_cue_between(nxt.end)

    def _has_cue_between(self, end: int) -> bool:
        """A cue right after the quote ending at ``end`` claims it ("“…,” he said")."""
        span = self.doc.char_span(end, min(len(text_of(self.doc)), end + 60),
                                  alignment_mode="contract")
        if span is None:
            return False
        for t in span:
            if "\n" in t.text or (t.is_sent_start and t.idx > end + 2):
                break  # the next paragraph or sentence is not about this quote
            if cue_of(t) is not None and t.pos_ in ("VERB", "AUX"):
                return True
        return False
