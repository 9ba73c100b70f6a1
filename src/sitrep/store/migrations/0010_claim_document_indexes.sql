-- Claims' events and verifications by document (issue 9: time per document must not grow
-- with the database). Re-analysing a document deletes its rows of every analysis table
-- (store/mentions.save_rows: DELETE … WHERE document_id = ?), and so does deleting a
-- document (ON DELETE CASCADE). These two tables had no index on document_id, so each of
-- those deletes read the whole table: at 10k documents some 70k rows, twice per document.
CREATE INDEX IF NOT EXISTS claim_events_document ON claim_events(document_id);
CREATE INDEX IF NOT EXISTS claim_verifications_document ON claim_verifications(document_id);
