-- Schema version 17: the country page's list and the words of a search read less (issue 16).
--
-- An "attributed to" list reads, for each incident its claims keep, the incident's start and
-- its group: Iran's list on the 50,000-document bench knowledge base keeps 18,274 incidents,
-- and SQLite looked each one up twice (the primary key's index, then the table row for
-- time_start; the same for incident_groups.group_id). These two indexes hold the looked-up
-- column beside the key, so each lookup is one index probe. SQLite's planner prefers a unique
-- key's own index to a covering one (cybertrack never runs ANALYZE), so the list names them
-- (INDEXED BY, store/indexed.py): its incidents and groups 120-144 -> 55-58 ms. PostgreSQL
-- hashes these joins and does not use them; they exist there too, so that both databases keep
-- one schema (store/schema.py).
--
-- PostgreSQL: search_text.body_tsv holds to_tsvector('english', body), computed once when a
-- row is written, and the full-text GIN index is rebuilt on it. Ranking a word's matches
-- (ts_rank) needs the row's tsvector, which the expression index did not keep: it was worked
-- out again from the text for every ranked row (a search word among 1,266 candidate
-- documents: 35 -> 21 ms without excerpts). SQLite's FTS5 table keeps its own index; nothing
-- changes there.

CREATE INDEX ix_incidents_id_start ON incidents (id, time_start);
CREATE INDEX ix_incident_groups_member ON incident_groups (incident_id, group_id);

-- dialect: postgresql
ALTER TABLE search_text ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED;
DROP INDEX ix_search_text_fts;
CREATE INDEX ix_search_text_fts ON search_text USING gin (body_tsv);
