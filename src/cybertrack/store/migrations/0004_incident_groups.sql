-- Schema version 4: incident groups, derived from incident links by cybertrack.resolve.
-- One row per incident: the group it belongs to ("one incident" for the analyst: the reports
-- that incident links join), with the group's best date and whether any report calls it
-- destructive. Kept in step with the links by resolve (linking after ingest, link review), so
-- that reach and timelines over tens of thousands of incidents count each event once with a
-- single indexed join instead of walking links at read time. Rows are derived data: dropping
-- them and running `cybertrack link build` restores them.
-- The two claims indexes cover "incidents attributed to state S / actor A" without reading
-- the (wide) claims rows.

CREATE TABLE incident_groups (
    incident_id TEXT NOT NULL PRIMARY KEY REFERENCES incidents (id),
    group_id TEXT NOT NULL,
    group_start DATE,
    group_year INTEGER,
    destructive INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_incident_groups_group_id ON incident_groups (group_id);
CREATE INDEX ix_incident_groups_group_year ON incident_groups (group_year);
CREATE INDEX ix_claims_state_kind_incident ON claims (attributed_state, kind, incident_id);
CREATE INDEX ix_claims_actor_kind_incident ON claims (attributed_actor_id, kind, incident_id);
