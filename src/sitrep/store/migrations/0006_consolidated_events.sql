-- Consolidated events: the event reports of many documents that tell one happening, merged
-- (sitrep.link.consolidate). Derived data: rebuilt from event_reports, documents and
-- document_origins at any time; never edited by hand.

CREATE TABLE events (
    id                  TEXT PRIMARY KEY,            -- "ev-" + hash of its seed report id
    block               TEXT NOT NULL,               -- signature of the block it was built in
    event_type          TEXT NOT NULL,
    sub_event_type      TEXT,
    cameo               TEXT,
    actor1_id           TEXT,
    actor2_id           TEXT,
    associated          TEXT NOT NULL DEFAULT '[]',  -- JSON list of actor ids
    inter1              INTEGER,
    inter2              INTEGER,
    interaction         TEXT,
    place_id            TEXT,
    location            TEXT,
    admin1              TEXT,
    country             TEXT,
    latitude            REAL,
    longitude           REAL,
    geo_precision       INTEGER,
    date_start          TEXT,
    date_end            TEXT,
    time_precision      INTEGER,
    fatalities          INTEGER,                     -- best; NULL = unknown
    fatalities_low      INTEGER,
    fatalities_high     INTEGER,
    figures             TEXT NOT NULL DEFAULT '[]',  -- JSON: every figure of every report
    modality            TEXT NOT NULL,
    happened            INTEGER NOT NULL,
    sources             INTEGER NOT NULL,            -- distinct documents
    independent_sources INTEGER NOT NULL,            -- distinct origins
    first_published     TEXT,
    last_published      TEXT,
    notes               TEXT
);
CREATE INDEX events_date ON events(date_start);
CREATE INDEX events_country ON events(country);
CREATE INDEX events_type ON events(event_type, sub_event_type);
CREATE INDEX events_block ON events(block);

-- Which report is in which event (a report is in exactly one).
CREATE TABLE event_members (
    report_id   TEXT PRIMARY KEY,
    event_id    TEXT NOT NULL,
    document_id TEXT NOT NULL,
    origin      TEXT NOT NULL,
    joined      INTEGER NOT NULL                     -- order in which it joined (0 = seed)
);
CREATE INDEX event_members_event ON event_members(event_id);
CREATE INDEX event_members_document ON event_members(document_id);

-- Every pair the clustering compared, with its features and why it merged or not.
CREATE TABLE event_decisions (
    report_id  TEXT NOT NULL,
    other_id   TEXT NOT NULL,
    event_id   TEXT NOT NULL,                        -- the event ``other_id`` was in
    merged     INTEGER NOT NULL,
    conflict   INTEGER NOT NULL,
    score      REAL NOT NULL,
    reason     TEXT NOT NULL,
    features   TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX event_decisions_report ON event_decisions(report_id);
CREATE INDEX event_decisions_other ON event_decisions(other_id);
