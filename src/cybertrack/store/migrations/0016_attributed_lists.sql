-- Schema version 16: the "attributed to" lists read from indexes alone (issue 16).
--
-- A state's or actor's event list (the country and actor pages, the attributed_to filter)
-- finds the asserted attributing claims naming it: kind, stance and polarity tested, the
-- actor id read (a state's list leaves out other groups' self-claims), the claim id read
-- (rejected claims are left out), the incident id kept. ix_claims_by_state and
-- ix_claims_by_actor_id (migration 0005) hold neither polarity, the actor id nor the claim
-- id, so each of the 54,876 claim rows of Iran's list (27,438 naming the state, as many
-- naming one of its actors) was read from the table: on the 50,000-document
-- bench knowledge base the claims part of Iran's list took 139 ms on SQLite, 54 ms with
-- these indexes; the whole list 243 -> 158 ms (SQLite), 161 -> 124 ms (PostgreSQL, index-only
-- scans).

CREATE INDEX ix_claims_asserted_state ON claims (attributed_state, kind, stance, polarity, attributed_actor_id, incident_id, document_id, id);
CREATE INDEX ix_claims_asserted_actor_id ON claims (attributed_actor_id, kind, stance, polarity, incident_id, document_id, id);
