-- Schema version 8: a subject's whole timeline kept ready between changes.
--
-- A whole state's timeline reads thousands of stored group timelines (timeline_groups) and
-- merges, names and sorts their events: 100-190 ms for a state holding a quarter of 50,000
-- documents. Until a group changes, the answer is the same, so cybertrack.analysis.timeline
-- stores it here once worked out.
--
-- timeline_generation: one row counting the writes of timeline_groups (each transaction of
-- cybertrack.store that rewrites group timelines adds one and empties timeline_subjects).
--
-- timeline_subjects: per subject (its name, home state, states, actor ids and names), its
-- whole timeline (every year, every target) encoded by cybertrack.analysis.timeline, and the
-- generation it was worked out at. It is read only at the current generation: a reader that
-- worked it out while a writer changed groups stores it at the generation it read, which is
-- then already past. Derived data: dropping every row loses nothing.

CREATE TABLE timeline_generation (
    id INTEGER NOT NULL PRIMARY KEY,
    n INTEGER NOT NULL
);

INSERT INTO timeline_generation (id, n) VALUES (1, 0);

CREATE TABLE timeline_subjects (
    subject TEXT NOT NULL PRIMARY KEY,
    generation INTEGER NOT NULL,
    events TEXT NOT NULL
);
