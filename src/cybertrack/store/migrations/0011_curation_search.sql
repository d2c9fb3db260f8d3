-- Schema version 11: curation by hand, and a full-text index for search.
--
-- curation_events: every decision a person made about a claim or an incident, append-only
-- (reject, accept, reset; set targets or date), with who, when and why. Nothing is deleted:
-- `reset` is one more event, so every decision can be seen and undone.
--
-- curations: the current state each record's events add up to (derived from curation_events,
-- rewritten in the transaction that appends an event): status rejected/accepted or NULL, and
-- the targets (JSON list) and date (ISO interval) set by hand, NULL when none.
--
-- search_text: the text `cybertrack search` reads, one row per incident (title, sentence,
-- target organizations, sectors), claim (sentence, attributed actor) and document title;
-- written with the document and backfilled here. SQLite indexes it with FTS5 (search_fts, an
-- external-content table over search_text's rowid), PostgreSQL with a GIN index on
-- to_tsvector('english', body). Derived data: dropping it loses nothing.

CREATE TABLE curation_events (
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    action TEXT NOT NULL,
    field TEXT,
    value TEXT,
    made_by TEXT NOT NULL,
    at TEXT NOT NULL,
    why TEXT NOT NULL,
    PRIMARY KEY (record_kind, record_id, seq)
);

CREATE TABLE curations (
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    status TEXT,
    targets TEXT,
    date_value TEXT,
    made_by TEXT NOT NULL,
    at TEXT NOT NULL,
    why TEXT NOT NULL,
    PRIMARY KEY (record_kind, record_id)
);

CREATE INDEX ix_curations_status ON curations (record_kind, status);

CREATE TABLE search_text (
    id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    incident_id TEXT,
    body TEXT NOT NULL
);

CREATE INDEX ix_search_text_document_id ON search_text (document_id);

INSERT INTO search_text (id, kind, record_id, document_id, incident_id, body)
SELECT 'incident:' || id, 'incident', id, document_id, id,
       COALESCE(title, '') || ' ' || sentence || ' ' || target_orgs || ' ' || sectors
FROM incidents;

INSERT INTO search_text (id, kind, record_id, document_id, incident_id, body)
SELECT 'claim:' || id, 'claim', id, document_id, incident_id,
       sentence_text || ' ' || COALESCE(attributed_actor, '')
FROM claims;

INSERT INTO search_text (id, kind, record_id, document_id, incident_id, body)
SELECT 'document:' || id, 'document', id, id, NULL, title
FROM documents WHERE title IS NOT NULL;

-- dialect: sqlite
CREATE VIRTUAL TABLE search_fts USING fts5(
    body, content='search_text', tokenize='porter unicode61 remove_diacritics 2'
);

INSERT INTO search_fts (search_fts) VALUES ('rebuild');

-- dialect: postgresql
CREATE INDEX ix_search_text_fts ON search_text USING gin (to_tsvector('english', body));
