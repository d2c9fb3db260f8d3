-- Schema version 2: remember which extractor produced each document's records, so documents
-- extracted by an older version can be found and re-extracted. Existing rows get ''.

ALTER TABLE documents ADD COLUMN extractor_version TEXT NOT NULL DEFAULT '';
CREATE INDEX ix_documents_extractor_version ON documents (extractor_version);
