-- Schema version 10: whether the text asserts a claim, doubts it, says it is not so, or
-- declines to say (cybertrack.extract.polarity).
--
-- claims.polarity: asserted | doubted | refused | negated. Only asserted attributions count
-- (assessment, reach, timelines, attribution_facts); the others are kept as evidence. Claims
-- stored by an earlier version are read as asserted, which is what they were taken for.
--
-- claims.alternatives: a JSON list of the other states a doubted claim named as possible
-- sources ("could have been A, B or C"); NULL when there are none.

ALTER TABLE claims ADD COLUMN polarity TEXT NOT NULL DEFAULT 'asserted';
ALTER TABLE claims ADD COLUMN alternatives TEXT;
