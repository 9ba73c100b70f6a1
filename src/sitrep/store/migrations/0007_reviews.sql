-- Reviews (issue 8): a person's correction or verdict on one field of a consolidated event or
-- of a claim group, with who and why. Reviews never edit the machine's records: readers show
-- the reviewed value beside the machine value. Consolidated ids can change (a rebuild, a
-- re-analysis), so a review also keeps the members its target had when it was made and
-- re-attaches by them (sitrep.store.reviews).

CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    target_kind  TEXT NOT NULL,                   -- event | claim
    target_id    TEXT NOT NULL,                   -- event id (ev-…) or claim group id (cg-…)
    members      TEXT NOT NULL DEFAULT '[]',      -- JSON: the event's report ids, the group's claim ids
    field        TEXT NOT NULL,                   -- event_type … modality, status, figure
    value        TEXT NOT NULL,                   -- JSON: what the reviewer says it is
    machine      TEXT NOT NULL,                   -- JSON: what sitrep said when reviewed
    reviewer     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    at           TEXT NOT NULL                    -- UTC, ISO 8601
);
CREATE INDEX reviews_target ON reviews(target_kind, target_id);
