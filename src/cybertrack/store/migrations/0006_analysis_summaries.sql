-- Schema version 6: derived summaries that let reach, timelines and firsts answer in well under
-- 200 ms at 50,000 documents without joining claims, groups, targets and documents at read
-- time (that join over a state holding a quarter of the knowledge base took most of a second).
--
-- attribution_facts: the asserted attributions and self-claims of grouped incidents, one row
-- per incident x target country ('' when it names none) x attributed state x actor id x actor
-- name ('' for each not given) x source (the claimant, else the publisher of the document,
-- which then speaks for itself: by_claimant 0), with the incident's group columns copied from
-- incident_groups and what a timeline shows of it (targets, kinds, time) from incidents. Reach of a state reads the rows naming the state, then those naming an
-- actor it sponsors but not the state (one covering index range each), and counts distinct
-- groups. Kept in
-- step by cybertrack.store: rewritten for the incidents whose group rows are written (linking,
-- link review, ensure_groups, link build) and for incidents that gain claims. Only grouped
-- incidents have rows, as reach counts only grouped incidents.
--
-- response_dates: each response claim tied to an incident, dated (event date, else claim date,
-- else the document's publication) and not dated before its incident's start: the candidates
-- for "the first time a state did X over a cyber incident". Claims, documents and incidents
-- never change once stored, so a row is written once, with its claim.
--
-- The INSERTs below fill the tables for a knowledge base made by an earlier version; the same
-- statements, restricted to some incidents or documents, are built in store/summary.py (a
-- test checks that the two agree). Rows are derived data: `cybertrack link build` rebuilds
-- attribution_facts.

CREATE TABLE attribution_facts (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    country TEXT NOT NULL,
    state TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    source TEXT NOT NULL,
    by_claimant INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    group_start DATE,
    group_year INTEGER,
    destructive INTEGER NOT NULL DEFAULT 0,
    targets TEXT NOT NULL,
    kinds TEXT NOT NULL,
    time_start DATE,
    time_end DATE,
    time_precision TEXT,
    time_text TEXT,
    PRIMARY KEY (incident_id, country, state, actor_id, actor_name, source)
);
-- Covering the columns reach counts, so a state's rows are read from the index alone.
CREATE INDEX ix_attribution_facts_state ON attribution_facts
    (state, group_year, country, group_id, destructive, source);
CREATE INDEX ix_attribution_facts_actor_id ON attribution_facts
    (actor_id, state, group_year, country, group_id, destructive, source);
CREATE INDEX ix_attribution_facts_actor_name ON attribution_facts (actor_name, group_year);
CREATE INDEX ix_attribution_facts_country ON attribution_facts (country, group_year);

CREATE TABLE response_dates (
    claim_id TEXT NOT NULL PRIMARY KEY REFERENCES claims (id),
    action TEXT NOT NULL,
    response_date DATE NOT NULL
);
CREATE INDEX ix_response_dates_action ON response_dates (action, response_date);

-- Responses between two states (pair timelines) without reading every response of one state;
-- the responses to given incidents (actor timelines) from (incident, kind): with the one-column
-- incident index SQLite preferred the kind index and read every response claim.
CREATE INDEX ix_claims_actor_target_state ON claims (actor_state, target_state);
DROP INDEX IF EXISTS ix_claims_incident_id;
CREATE INDEX ix_claims_incident_kind ON claims (incident_id, kind);

INSERT INTO attribution_facts (incident_id, country, state, actor_id, actor_name, source,
    by_claimant, group_id, group_start, group_year, destructive, targets, kinds, time_start,
    time_end, time_precision, time_text)
SELECT c.incident_id, COALESCE(it.country, ''), COALESCE(c.attributed_state, ''),
    COALESCE(c.attributed_actor_id, ''), COALESCE(c.attributed_actor, ''),
    COALESCE(c.claimant_name, d.publisher, 'unnamed source'),
    MIN(CASE WHEN c.claimant_name IS NULL THEN 0 ELSE 1 END),
    g.group_id, g.group_start, g.group_year, g.destructive, i.targets, i.kinds, i.time_start,
    i.time_end, i.time_precision, i.time_text
FROM claims c
JOIN documents d ON d.id = c.document_id
JOIN incident_groups g ON g.incident_id = c.incident_id
JOIN incidents i ON i.id = c.incident_id
LEFT JOIN incident_targets it ON it.incident_id = c.incident_id
WHERE c.kind IN ('attribution', 'self-claim') AND c.stance = 'asserts'
GROUP BY c.incident_id, COALESCE(it.country, ''), COALESCE(c.attributed_state, ''),
    COALESCE(c.attributed_actor_id, ''), COALESCE(c.attributed_actor, ''),
    COALESCE(c.claimant_name, d.publisher, 'unnamed source'),
    g.group_id, g.group_start, g.group_year, g.destructive, i.targets, i.kinds, i.time_start,
    i.time_end, i.time_precision, i.time_text;

INSERT INTO response_dates (claim_id, action, response_date)
SELECT c.id, c.action, COALESCE(c.event_date_start, c.claim_date_start, d.published_start)
FROM claims c
JOIN documents d ON d.id = c.document_id
JOIN incidents i ON i.id = c.incident_id
WHERE c.kind = 'response' AND c.action IS NOT NULL
    AND COALESCE(c.event_date_start, c.claim_date_start, d.published_start) IS NOT NULL
    AND (i.time_start IS NULL
        OR COALESCE(c.event_date_start, c.claim_date_start, d.published_start) >= i.time_start);
