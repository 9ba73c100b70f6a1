"""Claims: who said what, hedged how, judged by whom (annotator ``claims``).

Built from the document's reported speech (nlp.speech), its actors, times, figures and event
reports:

* every attribution with a source is a claim: content span(s), claimant (nlp.claimants), cue
  span and lemma, kind (direct — a quote; statement — a formal statement or claim of
  responsibility; post-image-video — a tweet, post, image or recording; else indirect), channel
  (``resources/claim_channels.tsv``: a word of the cue's phrase outside its content, "said on
  Telegram", "in a televised statement"), date (a time expression of the cue's sentence outside
  the content: "ISIS on Friday a tweet…"), stance (asserts, denies, doubts, condemns: the cue's);
* a hedge adverb or "purporting" outside every claim makes the writer's own sentence a claim
  (claimant: whoever released the image it is about, else none): "images purporting to show…",
  "were reportedly stepped up";
* hedges on a claim (its cue, content or source, nlp.verification) are kept with it;
* verification statements are linked to the claim they judge (nlp.verification); two claims
  by different sources giving the same figure, or one claim with two independent sources
  ("residents and a security source said"), corroborate each other;
* a claim's status is the strongest judgment on it (records.STATUS_ORDER), else unverified;
* a claim links to the event reports whose triggers lie in its content, and to the fatality
  figures of those reports that it gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from spacy.tokens import Doc, Token

from ..lexicon import table
from ..records import (
    STATUS_ORDER,
    Claim,
    Claimant,
    EventReport,
    Figure,
    Span,
    TimeRef,
    Verification,
)
from .attribution import source_of
from .claimants import Resolver
from .modality import media
from .parsed import sentence_of
from .registry import Context, annotator
from .speech import Speech, find_speech
from .verification import (
    CLAIM_NOUNS,
    MIN_SHARED_WORDS,
    Judgment,
    content_words,
    find_hedges,
    find_judgments,
)

CHANNELS_FILE = "claim_channels.tsv"
# Channels that make a claim a post, image or video (when it is not a direct quote).
POST_CHANNELS = {"Twitter", "X (Twitter)", "Telegram", "Facebook", "Instagram", "YouTube",
                 "WhatsApp", "TikTok", "video", "social media post", "online"}
STATEMENT_CHANNELS = {"statement"}
# "claimed responsibility": the claim of a perpetrator, a statement.
RESPONSIBILITY = "responsibility"
# Hedges that make the writer's own sentence a claim: adverbs, and "purport".
WRITER_HEDGE_POS = {"ADV"}
PURPORT = "purport"
# How a link between a judgment and a claim scores (the best-scoring claim is judged).
SAME_FIGURE, SAME_EVENT, NAMED_SOURCE, REFERENCE = 3.0, 2.0, 2.0, 0.5


@cache
def channels() -> tuple[tuple[str, str], ...]:
    return tuple((row[0].lower(), row[1]) for row in table(CHANNELS_FILE))


@cache
def channel_ranks() -> dict[str, tuple[int, str]]:
    """Each channel word → (its first row in the table, the channel it names)."""
    out: dict[str, tuple[int, str]] = {}
    for rank, (word, name) in enumerate(channels()):
        out.setdefault(word, (rank, name))
    return out


@dataclass
class _Draft:
    speech: Speech | None
    content: tuple[Span, ...]
    claimant: Claimant | None
    cue: Span
    cue_lemma: str
    kind: str
    stance: str
    channel: tuple[str, Span] | None
    time: TimeRef | None
    hedges: list[Span]
    events: tuple[str, ...]
    figures: tuple[tuple[str, Span], ...]
    rule: str
    co_sources: list[Claimant] = field(default_factory=list)
    verifications: list[Verification] = field(default_factory=list)

    def covers(self, start: int, end: int) -> bool:
        return any(c.start <= start and end <= c.end for c in self.content)

    @property
    def start(self) -> int:
        return min(c.start for c in self.content)

    @property
    def end(self) -> int:
        return max(c.end for c in self.content)


class _Builder:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.doc: Doc = ctx.doc
        self.text = ctx.document.text
        self.times: tuple[TimeRef, ...] = ctx.found.get("times", ())
        self.figures: tuple[Figure, ...] = ctx.found.get("figures", ())
        self.events: tuple[EventReport, ...] = ctx.found.get("events", ())
        self.resolver = Resolver(self.doc, ctx.found.get("actors", ()))
        self.media = media()
        self.hedge_tokens = find_hedges(self.doc)
        self.hedges = [self._span_of_tokens(s, e) for s, e in self.hedge_tokens]
        furniture = [c.span.start for c in ctx.document.cited_sources
                     if c.how == "sources-block" and c.span is not None]
        self.furniture = min(furniture) if furniture else len(self.text)

    # -- spans ---------------------------------------------------------------------------------
    def _span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])

    def _span_of_tokens(self, start: int, end: int) -> Span:
        s = self.doc[start:end]
        return Span(s.start_char, s.end_char, s.text)

    def _tokens(self, start: int, end: int):
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return list(span) if span is not None else []

    # -- one claim from one attribution ----------------------------------------------------------
    def draft(self, sp: Speech) -> _Draft | None:
        if sp.cue[0] >= self.furniture or sp.source is None:
            return None
        cue_tok = self.doc[sp.cue_token]
        head = self.doc[sp.source_head] if sp.source_head is not None else None
        claimant = self.resolver.resolve(*sp.source, head)
        co_sources = []
        if head is not None:
            for conj in head.conjuncts:
                if conj.i > head.i:
                    toks = [t for t in conj.subtree if t.dep_ not in ("cc", "punct")]
                    co = self.resolver.resolve(toks[0].idx, toks[-1].idx + len(toks[-1].text),
                                               conj)
                    co_sources.append(co)
        content = tuple(self._span(a, b) for a, b in sp.content)
        outside = self._outside(cue_tok, content, sp.source)
        channel = self._channel([*outside, cue_tok])
        kind = self._kind(sp, channel[0] if channel else None, cue_tok)
        lo = min(sp.cue[0], sp.start, sp.source[0])
        hi = max(sp.cue[1], sp.end, sp.source[1])
        hedges = [h for h in self.hedges if lo <= h.start and h.end <= hi
                  and not (h.start <= sp.cue[0] < h.end)]
        events, figures = self._events(content)
        return _Draft(sp, content, claimant, self._span(*sp.cue), sp.lemma, kind, sp.stance,
                      channel, self._time(cue_tok, content), hedges, events, figures,
                      f"speech:{sp.frame}", co_sources)

    def _outside(self, cue: Token, content: tuple[Span, ...],
                 source: tuple[int, int]) -> list[Token]:
        """Tokens of the cue's phrase that are neither content nor source."""
        return [t for t in cue.subtree if not any(c.start <= t.idx < c.end for c in content)
                and not source[0] <= t.idx < source[1]]

    def _channel(self, tokens: list[Token]) -> tuple[str, Span] | None:
        """The channel named among ``tokens`` that the table lists first (the first such
        token when several name it)."""
        ranks = channel_ranks()
        best: tuple[int, str, Token] | None = None
        for t in tokens:
            for word in (t.lower_, t.lemma_.lower()):
                found = ranks.get(word)
                if found is None or (best is not None and found[0] >= best[0]):
                    continue
                if word == "x" and not (t.text == "X" and t.i and
                                        self.doc[t.i - 1].lower_ == "on"):
                    continue
                best = (found[0], found[1], t)
        if best is None:
            return None
        t = best[2]
        return best[1], self._span(t.idx, t.idx + len(t.text))

    def _kind(self, sp: Speech, channel: str | None, cue: Token) -> str:
        if sp.direct:
            return "direct"
        if sp.kind:
            return sp.kind
        if channel in POST_CHANNELS:
            return "post-image-video"
        if channel in STATEMENT_CHANNELS or any(c.lemma_.lower() == RESPONSIBILITY
                                                for c in cue.children):
            return "statement"
        return "indirect"

    def _time(self, cue: Token, content: tuple[Span, ...]) -> TimeRef | None:
        sent = sentence_of(cue)
        found = [t for t in self.times
                 if sent.start_char <= t.span.start < sent.end_char
                 and not any(c.start <= t.span.start < c.end for c in content)
                 and t.kind in ("date", "time")]
        return min(found, key=lambda t: abs(t.span.start - cue.idx)) if found else None

    def _events(self, content: tuple[Span, ...]
                ) -> tuple[tuple[str, ...], tuple[tuple[str, Span], ...]]:
        events, figures = [], []
        for e in self.events:
            triggers = e.triggers or (e.trigger,)
            if any(c.start <= t.start and t.end <= c.end for t in triggers for c in content):
                events.append(e.id)
            for f in e.fatalities.figures:
                s = f.figure.span
                if any(c.start <= s.start and s.end <= c.end for c in content):
                    figures.append((e.id, s))
                    if e.id not in events:
                        events.append(e.id)
        return tuple(events), tuple(figures)

    # -- the writer's hedged statements -----------------------------------------------------------
    def writer_claims(self, drafts: list[_Draft], judged: set[int]) -> list[_Draft]:
        out = []
        for (start, end), hedge in zip(self.hedge_tokens, self.hedges, strict=True):
            anchor = self.doc[start]
            if hedge.start >= self.furniture or end - start > 1:
                continue
            if anchor.pos_ not in WRITER_HEDGE_POS and anchor.lemma_.lower() != PURPORT:
                continue
            if any(d.start <= hedge.start < d.end or d.cue.start == hedge.start
                   for d in drafts) or sentence_of(anchor).start in judged:
                continue
            if anchor.lemma_.lower() == PURPORT:
                comp = [c for c in anchor.children if c.dep_ in ("xcomp", "ccomp", "advcl")
                        and c.i > anchor.i]
                toks = [t for c in comp for t in c.subtree]
                who = source_of(anchor, self.media)
            else:
                verb, sent = anchor.head, sentence_of(anchor)
                toks = [t for t in verb.subtree if t.i != anchor.i
                        and sent.start <= t.i < sent.end]
                who = source_of(verb, self.media)
            toks = [t for t in toks if not t.is_punct or t.text in "%"]
            if not toks:
                continue
            content = (self._span(toks[0].idx, toks[-1].idx + len(toks[-1].text)),)
            claimant, about_media = None, False
            if who is not None:
                who_tokens = self.doc[who[0]:who[1]]
                about_media = who_tokens.root.lemma_.lower() in self.media
                if not about_media:
                    claimant = self.resolver.resolve(who_tokens.start_char, who_tokens.end_char,
                                                     who_tokens.root)
            about_media = about_media or (any(t.lemma_.lower() in self.media
                                             for t in anchor.head.subtree
                                             if t.pos_ == "NOUN") and anchor.dep_ == "acl")
            about_media = about_media or anchor.head.lemma_.lower() in self.media
            events, figures = self._events(content)
            kind = "post-image-video" if about_media or (claimant and anchor.lemma_.lower()
                                                          == PURPORT) else "statement"
            out.append(_Draft(None, content, claimant, hedge, anchor.lemma_.lower(), kind,
                              "asserts", None, self._time(anchor, content), [hedge], events,
                              figures, "writer-hedge"))
        return out

    # -- judgments ---------------------------------------------------------------------------------
    def judge(self, drafts: list[_Draft], judgments: list[Judgment]) -> None:
        for j in judgments:
            cue = j.cue
            cue_span = self._span(cue.idx, cue.idx + len(cue.text))
            own = next((d for d in drafts if d.cue.start <= cue.idx < d.cue.end), None)
            enclosing = [d for d in drafts if d.covers(cue.idx, cue.idx + len(cue.text))]
            inner = min(enclosing, key=lambda d: d.end - d.start) if enclosing else None
            judge = None
            if j.judge is not None:
                words = self.doc[j.judge[0]:j.judge[1]]
                judge = self.resolver.resolve(words.start_char, words.end_char, words.root)
            elif own is not None:
                judge = own.claimant
            elif inner is not None:
                judge = inner.claimant
            status = {"unconfirmed": "unconfirmed-by" if judge else "unverified",
                      "confirmed": "confirmed", "disputed": "disputed"}[j.status]
            # A judgment hanging on a noun of a claim's content ("…killed 50, a figure the army
            # dismissed") judges that claim; otherwise a claim never judges its own content.
            on_noun = cue.dep_ == "relcl"
            candidates = [d for d in drafts if d is not own and (d is not inner or on_noun)
                          and not (judge and d.claimant and d.claimant.actor and judge.actor
                                   and d.claimant.actor.id == judge.actor.id)]
            targets = self._judged(j, candidates, cue.idx)
            if not targets:
                continue
            statement = self.doc[j.statement[0]:j.statement[1]]
            stmt_span = self._span(statement.start_char, statement.end_char)
            if inner is not None and inner is not own:
                stmt_span = inner.content[0] if len(inner.content) == 1 else stmt_span
            from_claim = own or inner
            for d in targets:
                d.verifications.append(Verification(
                    status, judge, cue_span, stmt_span,  # type: ignore[arg-type]
                    str(id(from_claim)) if from_claim else None, f"judgment:{j.status}"))

    def _judged(self, j: Judgment, candidates: list[_Draft], at: int) -> list[_Draft]:
        if not candidates:
            return []
        target = j.target
        t_start = min(t.idx for t in target)
        t_end = max(t.idx + len(t.text) for t in target)
        numbers = {f.value for f in self.figures if f.value is not None
                   and t_start <= f.span.start < t_end}
        numbers |= {f.low for f in self.figures if f.low is not None
                    and t_start <= f.span.start < t_end}
        target_events = {e.id for e in self.events if t_start <= e.trigger.start < t_end}
        named = {m.actor.id for m in self.resolver.mentions
                 if t_start <= m.span.start < t_end}
        words = content_words(target)
        head_lemmas = {t.lemma_.lower() for t in target
                       if t.i == j.cue.head.i or t.head.i == j.cue.i or t.head.i == t.i}
        scored: list[tuple[float, int, _Draft]] = []
        for d in candidates:
            score = 0.0
            d_numbers = {f.value for f in self.figures if f.value is not None
                         and d.covers(f.span.start, f.span.end)}
            d_numbers |= {f.low for f in self.figures if f.low is not None
                          and d.covers(f.span.start, f.span.end)}
            if numbers & d_numbers:
                score += SAME_FIGURE
            if target_events & set(d.events):
                score += SAME_EVENT
            if d.claimant and d.claimant.actor and d.claimant.actor.id in named:
                score += NAMED_SOURCE
            d_tokens = [t for c in d.content for t in self._tokens(c.start, c.end)]
            shared = words & content_words(d_tokens)
            names = {t.lemma_.lower() for t in d_tokens if t.pos_ == "PROPN"}
            weight = len(shared) + len(shared & names)  # a shared name counts twice
            if weight >= MIN_SHARED_WORDS:
                score += weight / 2
            if d.start > at and score < SAME_EVENT:
                continue  # a later claim only on strong evidence
            if head_lemmas & CLAIM_NOUNS and d.start <= at:
                score += REFERENCE
                if "denial" in head_lemmas and d.stance == "denies":
                    score += REFERENCE
            if score > 0:
                scored.append((score, d.start if d.start <= at else -d.start, d))
        if not scored:
            return []
        if j.plural:
            para = self.text.rfind("\n", 0, at)
            return [d for _, _, d in scored if d.start > para and d.start <= at] or \
                [max(scored, key=lambda x: (x[0], x[1]))[2]]
        return [max(scored, key=lambda x: (x[0], x[1]))[2]]

    # -- corroboration ----------------------------------------------------------------------------
    def corroborate(self, drafts: list[_Draft]) -> None:
        for d in drafts:
            for co in d.co_sources:
                if _independent(d.claimant, co):
                    d.verifications.append(Verification("corroborated", co, d.cue, d.content[0],
                                                        None, "corroboration:co-source"))
        said = [(d, self._figure_values(d)) for d in drafts
                if d.speech is not None and d.stance == "asserts" and not d.hedges]
        for i, (a, fa) in enumerate(said):
            for b, fb in said[i + 1:]:
                if fa & fb and _independent(a.claimant, b.claimant):
                    a.verifications.append(Verification("corroborated", b.claimant, b.cue,
                                                        b.content[0], str(id(b)),
                                                        "corroboration:same-figure"))
                    b.verifications.append(Verification("corroborated", a.claimant, a.cue,
                                                        a.content[0], str(id(a)),
                                                        "corroboration:same-figure"))

    def _figure_values(self, d: _Draft) -> set[tuple[int, str]]:
        return {(f.value, f.unit) for f in self.figures if f.value is not None and f.unit
                and not f.vague and d.covers(f.span.start, f.span.end)}

    # -- all together ------------------------------------------------------------------------------
    def build(self) -> tuple[Claim, ...]:
        drafts = [d for sp in find_speech(self.doc, self.media) if (d := self.draft(sp))]
        judgments = [j for j in find_judgments(self.doc) if j.cue.idx < self.furniture]
        judged_sents = {sentence_of(j.cue).start for j in judgments}
        drafts += self.writer_claims(drafts, judged_sents)
        drafts.sort(key=lambda d: (d.start, d.cue.start))
        self.judge(drafts, judgments)
        self.corroborate(drafts)
        ids = {str(id(d)): f"{self.ctx.document.id}:c{k}" for k, d in enumerate(drafts, 1)}
        claims = []
        for k, d in enumerate(drafts, start=1):
            verifications = tuple(replace(v, from_claim=ids.get(v.from_claim or ""))
                                  for v in _unique(d.verifications))
            statuses = {v.status for v in verifications}
            status = next((s for s in STATUS_ORDER if s in statuses), "unverified")
            channel = d.channel
            claims.append(Claim(
                id=f"{self.ctx.document.id}:c{k}", content=d.content, claimant=d.claimant,
                cue=d.cue, cue_lemma=d.cue_lemma, kind=d.kind,  # type: ignore[arg-type]
                stance=d.stance, status=status,  # type: ignore[arg-type]
                channel=channel[0] if channel else None,
                channel_span=channel[1] if channel else None, time=d.time,
                hedges=tuple(d.hedges), verifications=verifications, events=d.events,
                figures=d.figures, rule=d.rule))
        return tuple(claims)


def _independent(a: Claimant | None, b: Claimant | None) -> bool:
    """Two sources that are not the same actor (nor one speaking for the other)."""
    if a is None or b is None:
        return False
    ids_a = {x for x in (a.actor.id if a.actor else None, a.affiliation) if x}
    ids_b = {x for x in (b.actor.id if b.actor else None, b.affiliation) if x}
    if ids_a & ids_b:
        return False
    if not ids_a and not ids_b:
        return a.span.text.lower() != b.span.text.lower()
    return True


def _unique(verifications: list[Verification]) -> list[Verification]:
    seen, out = set(), []
    for v in verifications:
        key = (v.status, v.cue.start, v.by.name if v.by else None)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


@annotator("claims", requires=("actors", "times", "figures", "events"), assigns="claims")
def find_claims(ctx: Context) -> tuple[Claim, ...]:
    return _Builder(ctx).build()
