-- cybertrack knowledge base, schema version 1.
-- Portable SQL: runs unchanged on SQLite and PostgreSQL (TEXT, INTEGER, DATE, DOUBLE PRECISION,
-- no autoincrement). Keep in step with store/schema.py; tests/test_store_migrations.py checks.

CREATE TABLE documents (
    id TEXT NOT NULL PRIMARY KEY,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    media_type TEXT NOT NULL,
    title TEXT,
    publisher TEXT,
    author TEXT,
    published_start DATE,
    published_end DATE,
    published_precision TEXT,
    published_text TEXT,
    retrieved TEXT,
    language TEXT,
    reliability TEXT NOT NULL,
    external_id TEXT,
    ingested_at TEXT NOT NULL
);
CREATE INDEX ix_documents_ingested_at ON documents (ingested_at);
CREATE INDEX ix_documents_published_start ON documents (published_start);

CREATE TABLE entities (
    id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    country TEXT,
    sponsor TEXT,
    vendor_aliases TEXT NOT NULL,
    role TEXT
);
CREATE INDEX ix_entities_kind ON entities (kind);

CREATE TABLE mentions (
    id TEXT NOT NULL PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    entity_id TEXT
);
CREATE INDEX ix_mentions_document_id ON mentions (document_id);
CREATE INDEX ix_mentions_entity_id ON mentions (entity_id);

CREATE TABLE incidents (
    id TEXT NOT NULL PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    key TEXT NOT NULL,
    kinds TEXT NOT NULL,
    targets TEXT NOT NULL,
    target_orgs TEXT NOT NULL,
    sectors TEXT NOT NULL,
    time_start DATE,
    time_end DATE,
    time_precision TEXT,
    time_text TEXT,
    operator TEXT,
    title TEXT,
    span_start INTEGER,
    span_end INTEGER,
    sentence TEXT NOT NULL
);
CREATE INDEX ix_incidents_document_id ON incidents (document_id);
CREATE INDEX ix_incidents_time_start ON incidents (time_start);

CREATE TABLE incident_targets (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    country TEXT NOT NULL,
    PRIMARY KEY (incident_id, country)
);
CREATE INDEX ix_incident_targets_country ON incident_targets (country);

CREATE TABLE claims (
    id TEXT NOT NULL PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    kind TEXT NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    sentence_text TEXT NOT NULL,
    claimant_kind TEXT,
    claimant_name TEXT,
    claimant_country TEXT,
    claimant_entity_id TEXT,
    claimant_basis TEXT,
    incident_id TEXT REFERENCES incidents (id),
    stance TEXT NOT NULL,
    attributed_state TEXT,
    attributed_actor TEXT,
    attributed_actor_id TEXT,
    action TEXT,
    actor_state TEXT,
    target_state TEXT,
    confidence TEXT,
    likelihood TEXT,
    hedge TEXT,
    claim_date_start DATE,
    claim_date_end DATE,
    claim_date_precision TEXT,
    claim_date_text TEXT,
    event_date_start DATE,
    event_date_end DATE,
    event_date_precision TEXT,
    event_date_text TEXT
);
CREATE INDEX ix_claims_document_id ON claims (document_id);
CREATE INDEX ix_claims_incident_id ON claims (incident_id);
CREATE INDEX ix_claims_kind ON claims (kind);
CREATE INDEX ix_claims_attributed_state ON claims (attributed_state);
CREATE INDEX ix_claims_attributed_actor_id ON claims (attributed_actor_id);
CREATE INDEX ix_claims_actor_state ON claims (actor_state);
CREATE INDEX ix_claims_target_state ON claims (target_state);
CREATE INDEX ix_claims_action ON claims (action);

CREATE TABLE links (
    id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    reasons TEXT NOT NULL,
    made_by TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX ix_links_a ON links (a);
CREATE INDEX ix_links_b ON links (b);
CREATE INDEX ix_links_kind_status ON links (kind, status);

CREATE TABLE link_events (
    link_id TEXT NOT NULL REFERENCES links (id),
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    previous_status TEXT,
    made_by TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (link_id, seq)
);
