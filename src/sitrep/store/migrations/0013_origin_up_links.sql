-- Incremental origins at 50k documents (issue 9): when a document's origin changes, only the
-- documents whose *strongest* derived-from link points at it can change too. The link stage
-- found them by reading every derived-from link into the changed documents (a story copied
-- hundreds of times gives each copy hundreds), then recomputed every one; up_id keeps each
-- document's strongest link's other end, indexed, so the walk down reads only those.
--
-- up_id equals parent_id except at the root of a circle of strongest links (cut at its lowest
-- document id, link/derived.py resolve_origins): the root has no parent but still has a
-- strongest link, and must be recomputed when the document it points at changes. NULL: no
-- derived-from link. The order is store/links.py best_parents's, word for word.
ALTER TABLE document_origins ADD COLUMN up_id TEXT;

UPDATE document_origins SET up_id = (
    SELECT l.other_id FROM document_links l
    WHERE l.document_id = document_origins.document_id AND l.kind = 'derived-from'
    ORDER BY max(l.contains_other, l.contained) DESC, l.other_id LIMIT 1);

CREATE INDEX document_origins_up ON document_origins(up_id);
