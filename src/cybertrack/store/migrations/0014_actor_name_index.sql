-- Schema version 14: actor names matched in any case from an index (issue 16).
--
-- The actor page and the "attributed to" filters find a group's claims by the actor's names
-- in any case: lower(attributed_actor) IN (...). No index served that expression, so SQLite
-- read every attributing claim through ix_claims_kind (about 0.09 s on the 50,000-document
-- bench knowledge base for one actor) and PostgreSQL scanned them. This index has the
-- expression first, then the columns the attributing-claim queries test and join on, as
-- ix_claims_by_actor does for the name as written.

CREATE INDEX ix_claims_by_actor_lower ON claims (lower(attributed_actor), kind, stance, incident_id, document_id);
