-- Claims: who said what in a document, hedged how, judged by whom. Every value keeps its
-- evidence span (start, end, text of the document's clean text) in `evidence`.

CREATE TABLE claims (
    id                   TEXT PRIMARY KEY,        -- "<document id>:c<ordinal>"
    document_id          TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal              INTEGER NOT NULL,
    claimant_id          TEXT,                    -- actor id; NULL: unresolved or the writer
    claimant_name        TEXT,                    -- actor name, else the words as written
    claimant_role        TEXT,                    -- "spokeswoman"…
    claimant_affiliation TEXT,                    -- actor id of the body a person speaks for
    kind                 TEXT NOT NULL,           -- direct | indirect | statement | post-image-video
    stance               TEXT NOT NULL,           -- asserts | denies | doubts | condemns
    status               TEXT NOT NULL,           -- unverified | unconfirmed-by | disputed | corroborated | confirmed
    channel              TEXT,                    -- Twitter, Telegram, statement, television…
    cue_lemma            TEXT NOT NULL,
    content_start        INTEGER NOT NULL,        -- first content character
    content_end          INTEGER NOT NULL,        -- last content character (+1)
    content              TEXT NOT NULL,           -- the content (parts joined by " … ")
    date_start           TEXT,                    -- when it was said, from a time expression
    date_end             TEXT,
    hedged               INTEGER NOT NULL DEFAULT 0,
    evidence             TEXT NOT NULL DEFAULT '{}',  -- JSON: content[], cue, claimant, channel, date, hedges[]
    rule                 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX claims_document ON claims(document_id);
CREATE INDEX claims_claimant ON claims(claimant_id);
CREATE INDEX claims_status ON claims(status);

-- Judgments on a claim: cannot confirm, denies, confirms, says the same independently.
CREATE TABLE claim_verifications (
    id          INTEGER PRIMARY KEY,
    claim_id    TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    by_id       TEXT,                             -- actor id of the judge; NULL: the writer
    by_name     TEXT,
    from_claim  TEXT,                             -- the claim that makes the judgment, if any
    evidence    TEXT NOT NULL DEFAULT '{}',       -- JSON: cue, span, by
    rule        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX claim_verifications_claim ON claim_verifications(claim_id);

-- Claims and the event reports they assert; figure_* set: a fatality figure the claim gives.
CREATE TABLE claim_events (
    claim_id     TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL,
    figure_start INTEGER,
    figure_end   INTEGER,
    figure_text  TEXT
);
CREATE INDEX claim_events_claim ON claim_events(claim_id);
CREATE INDEX claim_events_event ON claim_events(event_id);
