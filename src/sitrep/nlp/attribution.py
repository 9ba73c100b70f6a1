"""Who a statement is attributed to: the source of a cue word ("the army said", "according to
X", "the State Department's announcement", "X claimed responsibility").

The source is found from the dependency parse of the cue:

* a verb: its active subject ("the army said"); the agent of a passive ("was claimed by X");
  a relative pronoun stands for the noun it modifies ("JNIM, which vowed…"); a verb without a
  subject of its own takes its controller's ("X has vowed to…", "X released a video and
  claimed…", "…, saying…");
* a noun: its possessor ("the State Department's announcement"), a "by"/"from" phrase ("a
  statement by the group"), a proper-noun compound ("a JNIM statement"), else the subject of the
  verb it is the object of ("ISIS released a series of images") or the verb of the phrase it sits
  in ("said in a statement");
* "according to X" / "citing X": X.

A source that is itself a medium ("images", "a statement", "the video") is replaced by the
medium's own source when there is one, so "images purporting to show…" leads to whoever
released the images.
"""

from __future__ import annotations

from spacy.tokens import Token

# Subjects that say nothing about who speaks ("it" does: "Dozens more were wounded, it said").
EXPLETIVES = {"there"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
WH_WORDS = {"what", "whatever"}
# Nominal cue → source through these prepositions: "a statement by X", "reports from X".
SOURCE_PREPOSITIONS = {"by", "from"}
# A noun cue inside these prepositions belongs to the verb it modifies: "said in a statement".
FRAME_PREPOSITIONS = {"in", "on", "through", "via", "during"}
# Children that are not part of a source's name.
NOT_IN_NAME = {"relcl", "acl", "advcl", "punct", "case", "parataxis", "ccomp"}
# How many media a source may be looked through ("a video in a post by X").
MAX_DEPTH = 4


def source_of(cue: Token, media: frozenset[str] = frozenset()) -> tuple[int, int] | None:
    """Token span [start, end) of who the statement marked by ``cue`` is attributed to.

    ``media`` are lemmas of nouns that carry a statement rather than make one (images,
    statements, videos): when the source found is one of them, its own source is used.
    """
    head = _source_token(cue, media, MAX_DEPTH)
    return None if head is None else name_span(head, avoid=cue)


def according_source(prep: Token) -> tuple[int, int] | None:
    """The object of "according to X" (the cue token is "according") or "citing X"."""
    for child in prep.children:
        if child.dep_ in ("pobj", "dobj"):
            return name_span(child)
        if child.dep_ == "prep":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return name_span(obj)
    return None


def name_span(tok: Token, avoid: Token | None = None) -> tuple[int, int]:
    """The noun phrase ``tok`` heads, without relative clauses, objects (a noun with an object
    is a misparse), the cue itself, trailing punctuation or a possessive "'s"."""
    keep = [tok]
    stack = [tok]
    while stack:
        node = stack.pop()
        for child in node.children:
            if child.dep_ in NOT_IN_NAME or child.dep_ == "dobj" or child.is_space:
                continue
            if avoid is not None and (child.i == avoid.i or child.is_ancestor(avoid)):
                continue
            if child.dep_ == "prep" and any(t.ent_type_ in ("DATE", "TIME")
                                            for t in child.subtree):
                continue  # "ISIS on Friday": when, not who
            keep.append(child)
            stack.append(child)
    doc = tok.doc
    start = min(t.i for t in keep)
    end = max(t.i for t in keep) + 1
    while end - 1 > tok.i and (doc[end - 1].is_punct or doc[end - 1].dep_ == "case"):
        end -= 1
    text = doc[start:end].text
    if end < len(doc) and doc[end].text == ")" and text.count("(") > text.count(")"):
        end += 1  # "the Levant (ISIS)"
    return start, end


def _source_token(cue: Token, media: frozenset[str], depth: int) -> Token | None:
    if depth <= 0:
        return None
    if cue.pos_ in ("NOUN", "PROPN"):
        found = _noun_source(cue, media, depth)
    elif cue.lower_ == "according" or cue.lemma_ == "cite":
        found = next((c for c in cue.subtree if c.dep_ in ("pobj", "dobj")), None)
    else:
        found = _verb_source(cue, media, depth)
    if found is not None and found.lemma_.lower() in media and found.i != cue.i:
        deeper = _source_token(found, media, depth - 1)
        return deeper or found
    return found


def _verb_source(verb: Token, media: frozenset[str], depth: int) -> Token | None:
    for child in verb.children:
        if child.dep_ == "nsubj" and child.lower_ not in EXPLETIVES | WH_WORDS \
                and not _dateline(child):
            if child.lower_ in RELATIVE_PRONOUNS:
                return verb.head if verb.dep_ == "relcl" else None
            return child
        if child.dep_ == "agent":
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return obj
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return None  # a passive without an agent names no source ("it was reported")
    if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i:
        return _source_token(verb.head, media, depth - 1)
    if verb.dep_ == "acl" and verb.head.i != verb.i:
        return verb.head  # "images purporting to show…": the images, then their source
    return None


def _noun_source(noun: Token, media: frozenset[str], depth: int) -> Token | None:
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in SOURCE_PREPOSITIONS:
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return obj
    for child in noun.children:
        if child.dep_ == "compound" and child.pos_ == "PROPN":
            return child
    head = noun.head
    if head.i == noun.i:
        return None
    if noun.dep_ == "dobj" and head.pos_ in ("VERB", "AUX"):
        return _source_token(head, media, depth - 1)
    if noun.dep_ == "dobj" and head.pos_ in ("NOUN", "PROPN"):
        # A noun with an object means the parser lost a verb ("ISIS on Friday [posted] a
        # tweet"): the noun it hangs from is that verb's subject.
        return head
    if noun.dep_ == "pobj" and head.dep_ == "prep":
        holder = head.head
        if head.lower_ == "of" and holder.pos_ in ("NOUN", "PROPN"):
            return _source_token(holder, media, depth - 1)  # "a series of images"
        if head.lower_ in FRAME_PREPOSITIONS and holder.pos_ in ("VERB", "AUX"):
            return _source_token(holder, media, depth - 1)
    return None


def _dateline(tok: Token) -> bool:
    """ "BAGHDAD — The group said…": a wire dateline the parser took for a subject."""
    doc = tok.doc
    first = next((t for t in tok.sent if not t.is_space), tok)
    return (tok.i == first.i and tok.is_upper and len(tok) > 1 and tok.i + 1 < len(doc)
            and doc[tok.i + 1].text in ("—", "–", "-", "--"))
