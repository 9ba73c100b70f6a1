-- Mentions found by the language pipeline (actors, places, times, figures), each with its
-- evidence span (start_char:end_char of documents.text), and which documents were analysed.

CREATE TABLE analyses (
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,                   -- nlp
    version      TEXT NOT NULL,                   -- pipeline version: sitrep, model, annotators
    status       TEXT NOT NULL,                   -- done | skipped
    detail       TEXT,                            -- why skipped
    run_id       INTEGER REFERENCES runs(id),
    at           TEXT NOT NULL,
    PRIMARY KEY (document_id, stage)
);

CREATE TABLE actors (
    id       TEXT PRIMARY KEY,                    -- "islamic-state", "military:IQ", "person:…"
    name     TEXT NOT NULL,
    type     TEXT NOT NULL,                       -- ACLED actor type, or unknown
    country  TEXT,                                -- ISO 3166-1 alpha-2
    kind     TEXT NOT NULL,                       -- organization | person | group | outlet
    aliases  TEXT NOT NULL DEFAULT '[]'           -- JSON list
);

CREATE TABLE actor_mentions (
    id           INTEGER PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    actor_id     TEXT NOT NULL REFERENCES actors(id),
    rule         TEXT NOT NULL,                   -- alias | country+force | person | coreference…
    role         TEXT,                            -- a person's role: spokeswoman, commander…
    affiliation  TEXT                             -- actor id a person speaks for
);
CREATE INDEX actor_mentions_document ON actor_mentions(document_id);
CREATE INDEX actor_mentions_actor ON actor_mentions(actor_id);

CREATE TABLE places (
    id             TEXT PRIMARY KEY,              -- "geonames:99131", "country:IQ", "extra:…"
    name           TEXT NOT NULL,
    lat            REAL NOT NULL,
    lon            REAL NOT NULL,
    country        TEXT,
    admin1         TEXT,
    feature_class  TEXT,
    feature_code   TEXT,
    population     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE place_refs (
    id           INTEGER PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    place_id     TEXT REFERENCES places(id),     -- NULL: no candidate good enough
    precision    TEXT,                            -- exact | near | admin2 | admin1 | country | region
    role         TEXT NOT NULL,                   -- location | relation | origin | destination
    rule         TEXT NOT NULL,
    candidates   TEXT NOT NULL DEFAULT '[]'       -- JSON: [{id, name, lat, lon, country, score}]
);
CREATE INDEX place_refs_document ON place_refs(document_id);
CREATE INDEX place_refs_place ON place_refs(place_id);

CREATE TABLE time_refs (
    id           INTEGER PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    value        TEXT,                            -- TIMEX3-style ISO value
    granularity  TEXT NOT NULL,
    start_date   TEXT,                            -- interval, inclusive
    end_date     TEXT,
    anchor       TEXT,                            -- the date it was resolved against
    rule         TEXT NOT NULL,
    kind         TEXT NOT NULL                    -- date | time | duration | set
);
CREATE INDEX time_refs_document ON time_refs(document_id);

CREATE TABLE figures (
    id           INTEGER PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    value        INTEGER,
    low          INTEGER,
    high         INTEGER,
    qualifier    TEXT,
    vague        TEXT,
    unit         TEXT,                            -- killed, wounded, arrested…
    counted      TEXT,                            -- soldiers, civilians, people…
    rule         TEXT NOT NULL
);
CREATE INDEX figures_document ON figures(document_id);
