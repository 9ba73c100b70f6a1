-- Event reports: "document D says event E happened", each field with its evidence span.

CREATE TABLE event_reports (
    id               TEXT PRIMARY KEY,            -- "<document id>:<ordinal>"
    document_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    event_type       TEXT NOT NULL,               -- ACLED event type
    sub_event_type   TEXT NOT NULL,               -- ACLED sub-event type
    cameo            TEXT,                        -- CAMEO root code where one maps
    actor1_id        TEXT REFERENCES actors(id),
    actor2_id        TEXT REFERENCES actors(id),
    associated       TEXT NOT NULL DEFAULT '[]',  -- JSON list of actor ids
    inter1           INTEGER,                     -- ACLED actor codes 1-8
    inter2           INTEGER,
    interaction      TEXT,                        -- ACLED interaction code, e.g. "12"
    place_id         TEXT REFERENCES places(id),
    location         TEXT,
    admin1           TEXT,
    country          TEXT,                        -- ISO 3166-1 alpha-2
    latitude         REAL,
    longitude        REAL,
    geo_precision    INTEGER,                     -- ACLED 1-3
    place_from       TEXT NOT NULL,               -- clause | sentence | document
    date_start       TEXT,
    date_end         TEXT,
    time_precision   INTEGER,                     -- ACLED 1-3
    date_from        TEXT NOT NULL,               -- clause | sentence | report | published
    fatalities       INTEGER,                     -- best; NULL = unknown, never 0 for unknown
    fatalities_low   INTEGER,
    fatalities_high  INTEGER,
    figures          TEXT NOT NULL DEFAULT '[]',  -- JSON: every figure with claimant and span
    modality         TEXT NOT NULL,
    happened         INTEGER NOT NULL,            -- 1 if asserted, reported or claimed
    hedged           INTEGER NOT NULL DEFAULT 0,
    notes            TEXT,                        -- the sentence that reports it
    evidence         TEXT NOT NULL DEFAULT '{}',  -- JSON: field -> {start, end, text}
    score            REAL NOT NULL DEFAULT 0,
    rule             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_reports_document ON event_reports(document_id);
CREATE INDEX event_reports_date ON event_reports(date_start);
CREATE INDEX event_reports_type ON event_reports(event_type, sub_event_type);
CREATE INDEX event_reports_country ON event_reports(country);
