-- Links across documents (issue 7): near-duplicates, derived-from, and each document's origin.
-- The link stage keeps what it needs to compare a new batch with everything stored
-- (signatures, LSH band keys, outlet keys) so that old documents are never fingerprinted again.

-- The parameters the stored signatures and band keys were made with (sitrep.link.minhash).
CREATE TABLE link_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- One row per document the link stage has seen.
CREATE TABLE link_documents (
    id           INTEGER PRIMARY KEY,           -- compact key of the band and outlet indexes
    document_id  TEXT NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
    shingles     INTEGER NOT NULL,              -- distinct word shingles of the clean text
    signature    BLOB,                          -- MinHash, uint32 x num_perm; NULL: too short
    day          TEXT NOT NULL,                 -- publication day, else the day it was ingested
    run_id       INTEGER REFERENCES runs(id)
);

-- LSH: one key per band of each signature; documents sharing a key are candidate pairs.
CREATE TABLE link_bands (
    key  INTEGER NOT NULL,
    doc  INTEGER NOT NULL,                      -- link_documents.id
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;

-- Outlets a document is published by (its site, its URL's host) or cites, as outlet keys:
-- a document citing an outlet is compared with that outlet's documents of nearby days.
CREATE TABLE link_outlets (
    key   TEXT NOT NULL,                        -- '<outlet key>|<day>': a range per outlet
    role  TEXT NOT NULL,                        -- site | cites
    doc   INTEGER NOT NULL,                     -- link_documents.id
    PRIMARY KEY (key, role, doc)
) WITHOUT ROWID;

-- document_id is the later document of the pair (publication day, then ingestion order);
-- a derived-from link says it carries other_id's text.
CREATE TABLE document_links (
    document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    other_id        TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,              -- near-duplicate | derived-from
    jaccard         REAL NOT NULL,              -- estimated from the MinHash signatures
    jaccard_exact   REAL NOT NULL,              -- on the two shingle sets
    contains_other  REAL NOT NULL,              -- share of other_id's shingles in document_id
    contained       REAL NOT NULL,              -- share of document_id's shingles in other_id
    reason          TEXT NOT NULL,
    run_id          INTEGER REFERENCES runs(id),
    PRIMARY KEY (document_id, other_id, kind)
);
CREATE INDEX document_links_other ON document_links(other_id);

-- The independent source each document ultimately carries: follow derived-from links to
-- the root; a root crediting one outlet we do not hold points at that outlet.
CREATE TABLE document_origins (
    document_id  TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    origin       TEXT NOT NULL,                 -- a document id, or 'outlet:<name>'
    kind         TEXT NOT NULL,                 -- self | document | outlet
    name         TEXT,                          -- the origin's outlet (root's site / credited)
    parent_id    TEXT,                          -- first step of the chain
    depth        INTEGER NOT NULL,
    reason       TEXT NOT NULL
);
CREATE INDEX document_origins_origin ON document_origins(origin);
