-- Documents, where they were seen, what was rejected, and the runs that did it.

CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    command         TEXT NOT NULL,                -- ingest | analyze
    paths           TEXT NOT NULL,                -- JSON list of the arguments given
    started_at      TEXT NOT NULL,
    finished_at     TEXT,                         -- NULL while running or if killed
    status          TEXT NOT NULL DEFAULT 'running',  -- running | done | failed
    files           INTEGER NOT NULL DEFAULT 0,
    documents_new   INTEGER NOT NULL DEFAULT 0,
    documents_seen  INTEGER NOT NULL DEFAULT 0,  -- already stored (same bytes)
    rejected        INTEGER NOT NULL DEFAULT 0,
    settings        TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE documents (
    id                   TEXT PRIMARY KEY,        -- SHA-256 of the raw bytes
    source               TEXT NOT NULL,           -- first place seen: path, or path#record
    source_path          TEXT NOT NULL,
    record               INTEGER,                 -- record/item/line inside a container
    container            TEXT NOT NULL,           -- file | warc | feed | jsonl
    media                TEXT NOT NULL,           -- html | text
    url                  TEXT,
    site                 TEXT,
    title                TEXT,
    byline               TEXT,
    published            TEXT,                    -- ISO 8601
    published_precision  TEXT,                    -- datetime | day | month | year
    published_from       TEXT,                    -- container | html-meta | url | text | html-text
    published_start      INTEGER,                 -- evidence span in text, when found there
    published_end        INTEGER,
    language             TEXT,
    language_score       REAL,
    text                 TEXT NOT NULL,           -- clean text: every offset refers to it
    cited_sources        TEXT NOT NULL DEFAULT '[]',  -- JSON list
    fingerprint          TEXT NOT NULL,
    hints                TEXT NOT NULL DEFAULT '{}',  -- what the container said (JSON)
    raw                  BLOB NOT NULL,           -- zlib-compressed raw bytes
    raw_size             INTEGER NOT NULL,
    ingested_at          TEXT NOT NULL,
    run_id               INTEGER REFERENCES runs(id)
);
CREATE INDEX documents_published ON documents(published);
CREATE INDEX documents_fingerprint ON documents(fingerprint);
CREATE INDEX documents_site ON documents(site);

-- Every place the same bytes were seen (a page saved twice, a feed fetched twice).
CREATE TABLE document_sources (
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    run_id       INTEGER REFERENCES runs(id),
    seen_at      TEXT NOT NULL,
    PRIMARY KEY (document_id, source)
);

CREATE TABLE rejected (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,                   -- path, or path#record
    stage        TEXT NOT NULL,                   -- read | clean | store
    kind         TEXT NOT NULL,                   -- unsupported | decode | limit | malformed | extraction | error
    reason       TEXT NOT NULL,
    document_id  TEXT,                            -- when the bytes were read
    run_id       INTEGER REFERENCES runs(id),
    first_at     TEXT NOT NULL,
    last_at      TEXT NOT NULL,
    times        INTEGER NOT NULL DEFAULT 1,      -- how many runs rejected it
    UNIQUE (source, stage)
);

CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
