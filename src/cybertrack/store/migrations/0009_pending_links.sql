-- Schema version 9: linking that a kill cannot lose, and extraction caps that are recorded.
--
-- pending_links: documents whose incidents still have to be linked to the rest of the
-- knowledge base. A row is written in the transaction that stores (or re-extracts) the
-- document, and deleted once its linking has committed (cybertrack.resolve.link_new /
-- link_all). A batch killed after its documents were committed but before or while linking
-- leaves the rows behind, and the next ingest or `cybertrack link build` finishes the work
-- (before, a rerun reported the documents unchanged and never linked them).
--
-- documents.extracted_chars: how many characters of the text extraction read when it stopped
-- at the --max-chars cap; NULL when it read the whole text.
--
-- A knowledge base made by an earlier version gets a pending row for every document with an
-- incident that has no group row (the trace a killed linking run left behind).

CREATE TABLE pending_links (
    document_id TEXT NOT NULL PRIMARY KEY REFERENCES documents (id)
);

ALTER TABLE documents ADD COLUMN extracted_chars INTEGER;

INSERT INTO pending_links (document_id)
SELECT DISTINCT i.document_id
FROM incidents i
LEFT JOIN incident_groups g ON g.incident_id = i.id
WHERE g.incident_id IS NULL;
