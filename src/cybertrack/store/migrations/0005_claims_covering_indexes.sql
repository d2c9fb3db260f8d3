-- Schema version 5: covering indexes for "incidents attributed to state S / actor id A / actor
-- name N, and by whom" (cybertrack.analysis reach and timelines). With stance, claimant and
-- document in the index, the subject's claims are read without touching the (wide) claims
-- rows: at 50,000 documents this is the difference between scanning every attribution and an
-- index range. They replace the narrower indexes of version 4 (IF [NOT] EXISTS: a knowledge
-- base made by a working copy of version 4 may already have them).

DROP INDEX IF EXISTS ix_claims_state_kind_incident;
DROP INDEX IF EXISTS ix_claims_actor_kind_incident;
CREATE INDEX IF NOT EXISTS ix_claims_by_state ON claims
    (attributed_state, kind, stance, incident_id, claimant_name, document_id);
CREATE INDEX IF NOT EXISTS ix_claims_by_actor_id ON claims
    (attributed_actor_id, kind, stance, incident_id, claimant_name, document_id);
CREATE INDEX IF NOT EXISTS ix_claims_by_actor ON claims
    (attributed_actor, kind, stance, incident_id, claimant_name, document_id);
