-- Schema version 7: the events a timeline shows of each incident group, kept ready, so that a
-- state's timeline (thousands of events) reads rows instead of weighing every report of every
-- response again (most of a second at 50,000 documents).
--
-- timeline_groups: per incident group, its events as a timeline shows them (the incident with
-- the group's date, targets and kinds; each response to it with its actor, the date weighed
-- over its reports and their sources), worded and encoded by cybertrack.analysis.timeline
-- (one text per group: a state's timeline reads thousands of groups, and decoding a dozen
-- columns per event cost more than the events are worth), and who attributed the group to
-- whom (each state, actor id and actor name of its attribution_facts rows, with the sources
-- that name them), so a subject's timeline finds its groups in attribution_facts and reads
-- their sources here instead of reading every fact row back.
--
-- timeline_stale: groups whose rows must be computed again (a group row was written, or one
-- of its incidents gained claims), marked by cybertrack.store in the transaction that changed
-- them. Readers compute the marked groups before reading (cybertrack.analysis.timeline) and
-- clear a mark only if it still carries the token they read, so a group marked again while
-- they computed stays marked. Both tables are derived data; a knowledge base made by an
-- earlier version gets every group marked here.

CREATE TABLE timeline_groups (
    group_id TEXT NOT NULL PRIMARY KEY,
    events TEXT NOT NULL,
    attributions TEXT NOT NULL
);

CREATE TABLE timeline_stale (
    group_id TEXT NOT NULL PRIMARY KEY,
    token TEXT NOT NULL
);

INSERT INTO timeline_stale (group_id, token)
SELECT DISTINCT group_id, 'migration-0007' FROM incident_groups;
