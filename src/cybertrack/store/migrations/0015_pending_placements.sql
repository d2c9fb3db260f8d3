-- Schema version 15: documents still to be placed (cybertrack.resolve.placement).
--
-- pending_placements: documents stored without any incident record, waiting for linking to
-- propose the stored incident (or the other such document) each most likely reports. A row is
-- written in the transaction that stores (or re-extracts) the document, and deleted once its
-- placements are stored (links of kind 'document', status 'proposed', reviewed like incident
-- links). As pending_links, a kill between the two loses nothing: the next ingest or
-- `cybertrack link build` places what was left.
--
-- No rows for documents stored before this version: `cybertrack link build` places every
-- document without incidents.

CREATE TABLE pending_placements (
    document_id TEXT NOT NULL PRIMARY KEY REFERENCES documents (id)
);
