"""Frozen records shared by every stage. Offsets always refer to a document's clean text."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Precision = Literal["datetime", "day", "month", "year"]
# How a publication date was found, most trusted first.
DateSource = Literal["container", "html-meta", "url", "text", "html-text"]
Media = Literal["html", "text"]


@dataclass(frozen=True)
class Span:
    """Evidence: characters ``start:end`` of a document's clean text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class PublishedDate:
    value: str  # ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD or a full timestamp
    precision: Precision
    found_in: DateSource
    span: Span | None = None  # where in the clean text, when found there


@dataclass(frozen=True)
class CitedSource:
    """An outlet the document says it draws on ("Sources:" block, "according to X")."""

    name: str  # canonical outlet name from resources/outlets.tsv, else the text as written
    surface: str
    how: Literal["sources-block", "according-to", "reported", "told"]
    known: bool  # the name resolved through the outlet table
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["span"] = self.span.to_dict() if self.span else None
        return d


@dataclass(frozen=True)
class RawDocument:
    """What a reader yields: one document's raw bytes plus what its container says of it.

    ``raw`` is exactly what is hashed and kept; ``content`` is the HTML or text inside it
    (for a JSONL line or feed item, the ``html``/``text`` field; otherwise ``raw`` itself).
    """

    raw: bytes
    media: Media
    content: bytes
    source_path: str
    record: int | None = None  # record / item / line number inside a container, 1-based
    container: str = "file"  # file | warc | feed | jsonl
    url: str | None = None
    hints: dict[str, str] = field(default_factory=dict)  # title, published, site, byline

    @property
    def id(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def source(self) -> str:
        return self.source_path if self.record is None else f"{self.source_path}#{self.record}"


@dataclass(frozen=True)
class Document:
    """A stored document: immutable once ingested."""

    id: str
    source: str
    source_path: str
    record: int | None
    container: str
    media: Media
    url: str | None
    site: str | None
    title: str | None
    byline: str | None
    published: PublishedDate | None
    language: str | None
    language_score: float | None
    text: str
    cited_sources: tuple[CitedSource, ...]
    fingerprint: str  # SHA-256 of the whitespace-normalized clean text
    hints: dict[str, str] = field(default_factory=dict)
    ingested_at: str | None = None  # when it was stored (stamped by the writer, ingest.batch)

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        p = self.published
        d: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "source_path": self.source_path,
            "record": self.record,
            "container": self.container,
            "media": self.media,
            "url": self.url,
            "title": self.title,
            "byline": self.byline,
            "published": p.value if p else None,
            "published_precision": p.precision if p else None,
            "published_from": p.found_in if p else None,
            "site": self.site,
            "language": self.language,
            "language_score": self.language_score,
            "cited_sources": [c.to_dict() for c in self.cited_sources],
            "fingerprint": self.fingerprint,
            "ingested_at": self.ingested_at,
            "chars": len(self.text),
        }
        if with_text:
            d["text"] = self.text
        return d


@dataclass(frozen=True)
class Rejection:
    """A file, record or document that could not be processed, and why."""

    source: str
    stage: str  # read | clean | metadata | store | …
    kind: str  # unsupported | decode | limit | malformed | error
    reason: str
    document_id: str | None = None

    def message(self) -> str:
        return f"{self.source}: {self.reason}"


# -- mentions (issue 4): what the annotators find in a document's clean text ------------------

ActorType = Literal[
    "state forces", "rebel group", "political militia", "identity militia", "rioters",
    "protesters", "civilians", "external/other forces", "unknown",
]
WherePrecision = Literal["exact", "near", "admin2", "admin1", "country", "region"]
Granularity = Literal["time", "day", "week", "month", "quarter", "season", "year", "decade",
                      "century", "unknown"]


@dataclass(frozen=True)
class Actor:
    """A canonical actor: one row of resources/actors.tsv, or one made up from the text."""

    id: str  # stable slug: "islamic-state", "state-forces:IQ", "unknown:kivu-youth-front"
    name: str
    type: ActorType
    country: str | None = None  # ISO 3166-1 alpha-2 of the country it belongs to / acts for
    # organization: an armed group, force, government body; person; group: a generic or
    # identity group ("protesters", "Shiites"); outlet: a news organisation.
    kind: Literal["organization", "person", "group", "outlet"] = "organization"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorMention:
    span: Span
    actor: Actor
    rule: str  # how it was resolved: "alias", "demonym+force", "appositive", "coref", "ner"…
    role: str | None = None  # for people: "spokeswoman", "commander"…
    affiliation: str | None = None  # actor id of the organisation a person speaks for


@dataclass(frozen=True)
class Place:
    """A gazetteer entry."""

    id: str  # "geonames:99131", "country:IQ", "extra:mosul-dam"
    name: str
    lat: float
    lon: float
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    feature_class: str | None = None  # GeoNames: A (country/admin), P (populated), S, T, H, L…
    feature_code: str | None = None  # PCLI, ADM1, PPLC, PPL, DAM, CMP…
    population: int = 0


@dataclass(frozen=True)
class PlaceCandidate:
    place: Place
    score: float


@dataclass(frozen=True)
class PlaceRef:
    span: Span
    place: Place | None  # chosen; None when no candidate is good enough
    precision: WherePrecision | None
    candidates: tuple[PlaceCandidate, ...] = ()
    role: Literal["location", "relation", "origin", "destination"] = "location"
    rule: str = ""


@dataclass(frozen=True)
class TimeRef:
    span: Span
    value: str | None  # TIMEX3-style ISO value: "2014-06-13", "2014-W24", "2014-06", "P1W"
    granularity: Granularity
    start: str | None  # interval, ISO dates (inclusive); None when unresolved
    end: str | None
    anchor: str | None  # the date the expression was resolved against
    rule: str
    kind: Literal["date", "time", "duration", "set"] = "date"


@dataclass(frozen=True)
class Figure:
    """A number as reported: exact, ranged or vague, with what it counts."""

    span: Span
    value: int | None  # the number as written, vague words mapped by the DESIGN.md table
    low: int | None
    high: int | None
    qualifier: str | None  # "at least", "more than", "up to", "about", "nearly"…
    vague: str | None  # "dozens", "scores"…
    unit: str | None  # killed, wounded, captured, displaced, arrested, abducted, missing…
    counted: str | None  # soldiers, civilians, people, fighters…
    rule: str = ""


# -- events (issue 5): "this document says this happened" ----------------------------------------

Modality = Literal["asserted", "reported", "claimed", "denied", "hypothetical",
                   "threatened/planned", "negated"]
# Only these count as having happened (in counts and exports); the rest are kept and shown.
HAPPENED: tuple[str, ...] = ("asserted", "reported", "claimed")
# ACLED actor codes ("inter1", "inter2") by actor type; interactions pair them ("12").
ACTOR_INTER: dict[str, int] = {
    "state forces": 1, "rebel group": 2, "political militia": 3, "identity militia": 4,
    "rioters": 5, "protesters": 6, "civilians": 7, "external/other forces": 8,
}


@dataclass(frozen=True)
class FatalityFigure:
    """A reported death toll, with who gives it."""

    figure: Figure
    claimant: str | None  # actor id of the source, None when the writer says it
    party: bool  # the claimant takes part in the event (its figure is a claim)


@dataclass(frozen=True)
class Fatalities:
    best: int | None  # None: unknown (never 0 for unknown)
    low: int | None
    high: int | None
    figures: tuple[FatalityFigure, ...] = ()


@dataclass(frozen=True)
class EventReport:
    """One happening as one document reports it; every field keeps its evidence span."""

    id: str  # "<document id>:<ordinal>"
    event_type: str  # ACLED event type
    sub_event_type: str  # ACLED sub-event type
    cameo: str | None
    trigger: Span
    actor1: ActorMention | None
    actor2: ActorMention | None
    associated: tuple[ActorMention, ...]
    interaction: str | None  # ACLED interaction code, e.g. "12"
    place: PlaceRef | None
    geo_precision: int | None  # ACLED 1 (town) · 2 (near / part of region) · 3 (province, country)
    place_from: str  # "clause" | "sentence" | "document" (the document's focus place)
    date_start: str | None  # interval, ISO dates, inclusive
    date_end: str | None
    time_precision: int | None  # ACLED 1 (day) · 2 (week) · 3 (month or vaguer)
    time: TimeRef | None
    date_from: str  # "clause" | "sentence" | "report" (on or before a dated report) | "published"
    fatalities: Fatalities
    modality: Modality
    modality_cue: Span | None
    modality_source: ActorMention | None
    hedged: bool
    triggers: tuple[Span, ...] = ()  # every trigger merged into this report
    score: float = 0.0
    rule: str = ""


# -- claims (issue 6): who said what, hedged how, judged by whom ---------------------------------

ClaimKind = Literal["direct", "indirect", "statement", "post-image-video"]
Stance = Literal["asserts", "denies", "doubts", "condemns"]
ClaimStatus = Literal["unverified", "unconfirmed-by", "disputed", "corroborated", "confirmed"]
# A claim's status is the first of these its verifications give (DESIGN.md); none: unverified.
STATUS_ORDER: tuple[str, ...] = ("disputed", "confirmed", "corroborated", "unconfirmed-by",
                                 "unverified")


@dataclass(frozen=True)
class Claimant:
    """Who makes a claim: the words naming them here, and the actor they resolve to."""

    span: Span  # as written in this claim ("She", "the spokeswoman", "ISIS")
    name: str  # the actor's name, else the words
    actor: Actor | None
    role: str | None = None  # for people: "spokeswoman"…
    affiliation: str | None = None  # actor id of the organisation a person speaks for
    antecedent: Span | None = None  # for "she", "the official": the mention it stands for
    rule: str = ""  # mention | pronoun | title | text


@dataclass(frozen=True)
class Verification:
    """A judgment on a claim: someone cannot confirm it, denies it, confirms it, or says
    the same thing independently."""

    status: Literal["unverified", "unconfirmed-by", "disputed", "corroborated", "confirmed"]
    by: Claimant | None  # None: the writer ("the claim could not be independently verified")
    cue: Span
    span: Span  # the judging statement
    from_claim: str | None = None  # id of the claim that makes this judgment, if any
    rule: str = ""


@dataclass(frozen=True)
class Claim:
    id: str  # "<document id>:c<ordinal>"
    content: tuple[Span, ...]  # one span, or the parts of a quote split around its cue
    claimant: Claimant | None  # None: the writer's own hedged statement
    cue: Span
    cue_lemma: str
    kind: ClaimKind
    stance: Stance
    status: ClaimStatus
    channel: str | None = None  # Twitter, Telegram, statement, television…
    channel_span: Span | None = None
    time: TimeRef | None = None  # when it was said ("said on Friday")
    hedges: tuple[Span, ...] = ()
    verifications: tuple[Verification, ...] = ()
    events: tuple[str, ...] = ()  # ids of the event reports it asserts
    figures: tuple[tuple[str, Span], ...] = ()  # (event report id, fatality figure) it gives
    rule: str = ""


# -- links across documents (issue 7): near-duplicates, derived-from, origins --------------------

LinkKind = Literal["near-duplicate", "derived-from"]
OriginKind = Literal["self", "document", "outlet"]


@dataclass(frozen=True)
class DocumentLink:
    """Two documents that share text. ``document_id`` is the later one (the order of
    derivation: publication day, then ingestion); for ``derived-from`` it carries the text
    of ``other_id``."""

    document_id: str
    other_id: str
    kind: LinkKind
    jaccard: float  # estimated from the MinHash signatures
    jaccard_exact: float  # on the two shingle sets
    contains_other: float  # share of other_id's shingles found in document_id
    contained: float  # share of document_id's shingles found in other_id
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Origin:
    """The independent source a document ultimately carries: the root of its derived-from
    chain (``document``), an outlet it credits that we do not hold (``outlet``), or itself."""

    document_id: str
    origin: str  # a document id, or "outlet:<name>"
    kind: OriginKind
    name: str | None  # the origin's outlet: the root document's site, or the credited outlet
    parent_id: str | None  # the document it is derived from (first step of the chain)
    depth: int  # derived-from steps to the root document (0: itself)
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
