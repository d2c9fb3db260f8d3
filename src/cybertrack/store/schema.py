"""The knowledge-base tables, declared once for SQLite and PostgreSQL alike.

These ``Table`` objects describe the *current* schema and are what every query is built from.
The database itself is created and upgraded by the versioned ``.sql`` files under
``migrations/``; ``tests/test_store_migrations.py`` checks that running them yields exactly these
tables, columns, indexes and foreign keys, so the two cannot drift apart silently.

Portable choices (why the columns look the way they do):
- tuples are JSON text, not arrays, so both dialects store them the same way;
- a ``PartialDate`` is four columns (``*_start``, ``*_end`` dates, ``*_precision``, ``*_text``),
  so range queries use the indexed start/end dates and nothing is lost;
- no autoincrement columns (their DDL differs between dialects); every key is a text id or a
  composite of ids and counters computed in Python.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
)

metadata = MetaData()


def _partial_date(prefix: str) -> list[Column[object]]:
    """The four columns of one optional ``PartialDate``."""
    return [
        Column(f"{prefix}_start", Date),
        Column(f"{prefix}_end", Date),
        Column(f"{prefix}_precision", Text),
        Column(f"{prefix}_text", Text),
    ]


#: One row per migration applied; the schema version is the largest ``version``.
schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("applied_at", Text, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Text, primary_key=True),
    Column("text", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("media_type", Text, nullable=False),
    Column("title", Text),
    Column("publisher", Text),
    Column("author", Text),
    *_partial_date("published"),
    Column("retrieved", Text),
    Column("language", Text),
    Column("reliability", Text, nullable=False),
    Column("external_id", Text),
    # When the row was written (ISO 8601 UTC); orders ``Store.documents()`` by ingestion.
    Column("ingested_at", Text, nullable=False),
    # Which extractor produced this document's records, so a later version can re-extract.
    Column("extractor_version", Text, nullable=False, server_default=""),
    # How many characters extraction read when the text was longer than its cap (--max-chars);
    # NULL: the whole text (migration 0009).
    Column("extracted_chars", Integer),
    Index("ix_documents_ingested_at", "ingested_at"),
    Index("ix_documents_published_start", "published_start"),
    Index("ix_documents_extractor_version", "extractor_version"),
)

entities = Table(
    "entities",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("aliases", Text, nullable=False),  # JSON list of strings
    Column("country", Text),
    Column("sponsor", Text),
    Column("vendor_aliases", Text, nullable=False),  # JSON list of [alias, vendor]
    Column("role", Text),
    Index("ix_entities_kind", "kind"),
)

# ``entity_id`` columns are deliberately not foreign keys: extractors link mentions and claims to
# reference-data ids that need not have been upserted yet, and refusing the document for that
# would lose the claims.
mentions = Table(
    "mentions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("document_id", Text, ForeignKey("documents.id"), nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("sentence_start", Integer, nullable=False),
    Column("sentence_end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("entity_id", Text),
    Index("ix_mentions_document_id", "document_id"),
    Index("ix_mentions_entity_id", "entity_id"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Text, primary_key=True),
    Column("document_id", Text, ForeignKey("documents.id"), nullable=False),
    Column("key", Text, nullable=False),
    Column("kinds", Text, nullable=False),  # JSON lists from here to ``sectors``
    Column("targets", Text, nullable=False),
    Column("target_orgs", Text, nullable=False),
    Column("sectors", Text, nullable=False),
    *_partial_date("time"),
    Column("operator", Text),
    Column("title", Text),
    Column("span_start", Integer),
    Column("span_end", Integer),
    Column("sentence", Text, nullable=False),
    Index("ix_incidents_document_id", "document_id"),
    # (start, end): a time-window query scans start and filters end inside the index.
    Index("ix_incidents_time", "time_start", "time_end"),
    # an incident's start read with its id alone (migration 0017: the web lists on SQLite)
    Index("ix_incidents_id_start", "id", "time_start"),
)

#: ``incidents.targets`` unnested, so "incidents against country X" is an index lookup.
incident_targets = Table(
    "incident_targets",
    metadata,
    Column("incident_id", Text, ForeignKey("incidents.id"), primary_key=True),
    Column("country", Text, primary_key=True),
    Index("ix_incident_targets_country", "country"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", Text, primary_key=True),
    Column("document_id", Text, ForeignKey("documents.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("sentence_start", Integer, nullable=False),
    Column("sentence_end", Integer, nullable=False),
    Column("sentence_text", Text, nullable=False),
    Column("claimant_kind", Text),
    Column("claimant_name", Text),
    Column("claimant_country", Text),
    Column("claimant_entity_id", Text),
    Column("claimant_basis", Text),
    Column("incident_id", Text, ForeignKey("incidents.id")),
    Column("stance", Text, nullable=False),
    Column("attributed_state", Text),
    Column("attributed_actor", Text),
    Column("attributed_actor_id", Text),
    Column("action", Text),
    Column("actor_state", Text),
    Column("target_state", Text),
    Column("confidence", Text),
    Column("likelihood", Text),
    Column("hedge", Text),
    *_partial_date("claim_date"),
    *_partial_date("event_date"),
    # asserted | doubted | refused | negated; the other states a doubted claim named as
    # possible sources, JSON (migration 0010)
    Column("polarity", Text, nullable=False, server_default="asserted"),
    Column("alternatives", Text),
    Index("ix_claims_document_id", "document_id"),
    Index("ix_claims_incident_kind", "incident_id", "kind"),  # migration 0006
    Index("ix_claims_kind", "kind"),
    Index("ix_claims_attributed_state", "attributed_state"),
    Index("ix_claims_attributed_actor_id", "attributed_actor_id"),
    Index("ix_claims_actor_state", "actor_state"),
    Index("ix_claims_target_state", "target_state"),
    Index("ix_claims_action", "action"),
    # covering indexes for "attributed to S, and by whom" (migration 0005, analysis)
    Index("ix_claims_by_state", "attributed_state", "kind", "stance", "incident_id",
          "claimant_name", "document_id"),
    Index("ix_claims_by_actor_id", "attributed_actor_id", "kind", "stance", "incident_id",
          "claimant_name", "document_id"),
    Index("ix_claims_by_actor", "attributed_actor", "kind", "stance", "incident_id",
          "claimant_name", "document_id"),
    # responses between two states (pair timelines; migration 0006)
    Index("ix_claims_actor_target_state", "actor_state", "target_state"),
    # the asserted claims attributing to a state or actor id, read from the index alone
    # (the web's "attributed to" lists; migration 0016)
    Index("ix_claims_asserted_state", "attributed_state", "kind", "stance", "polarity",
          "attributed_actor_id", "incident_id", "document_id", "id"),
    Index("ix_claims_asserted_actor_id", "attributed_actor_id", "kind", "stance", "polarity",
          "incident_id", "document_id", "id"),
)

# actor names matched in any case (lower(attributed_actor) IN ...; migration 0014)
Index("ix_claims_by_actor_lower", func.lower(claims.c.attributed_actor), claims.c.kind,
      claims.c.stance, claims.c.incident_id, claims.c.document_id)

links = Table(
    "links",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("a", Text, nullable=False),
    Column("b", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list of strings
    Column("made_by", Text, nullable=False),
    Column("status", Text, nullable=False),
    Index("ix_links_a", "a"),
    Index("ix_links_b", "b"),
    Index("ix_links_kind_status", "kind", "status"),
)

#: Every status a link has had, in order: links are reviewed by appending events, so any
#: accept or reject can be undone and who decided what stays visible.
link_events = Table(
    "link_events",
    metadata,
    Column("link_id", Text, ForeignKey("links.id"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("status", Text, nullable=False),
    Column("previous_status", Text),
    Column("made_by", Text, nullable=False),
    Column("at", Text, nullable=False),
)

#: Derived by ``cybertrack.resolve`` from the incident links (migration 0004): each incident's
#: group (the reports of one event), the group's best date and whether it is destructive, so
#: analysis counts events with one indexed join. Rebuilt by ``cybertrack link build``.
incident_groups = Table(
    "incident_groups",
    metadata,
    Column("incident_id", Text, ForeignKey("incidents.id"), primary_key=True),
    Column("group_id", Text, nullable=False),
    Column("group_start", Date),
    Column("group_year", Integer),
    Column("destructive", Integer, nullable=False, server_default="0"),
    Index("ix_incident_groups_group_id", "group_id"),
    Index("ix_incident_groups_group_year", "group_year"),
    # an incident's group read with its id alone (migration 0017: the web lists on SQLite)
    Index("ix_incident_groups_member", "incident_id", "group_id"),
)

#: Derived from claims, targets, documents and groups (migration 0006, kept in step by
#: ``store/summary.py``): the asserted attributions of grouped incidents, one row per incident x
#: target country x state x actor id x actor name x source ('' where a claim gives none), with
#: the group columns and the incident's targets, kinds and time, so reach and timelines read a
#: state's events from index ranges without joining.
attribution_facts = Table(
    "attribution_facts",
    metadata,
    Column("incident_id", Text, ForeignKey("incidents.id"), primary_key=True),
    Column("country", Text, primary_key=True),
    Column("state", Text, primary_key=True),
    Column("actor_id", Text, primary_key=True),
    Column("actor_name", Text, primary_key=True),
    Column("source", Text, primary_key=True),
    Column("by_claimant", Integer, nullable=False),
    Column("group_id", Text, nullable=False),
    Column("group_start", Date),
    Column("group_year", Integer),
    Column("destructive", Integer, nullable=False, server_default="0"),
    Column("targets", Text, nullable=False),  # the incident's, for timelines
    Column("kinds", Text, nullable=False),
    *_partial_date("time"),
    # covering what reach counts (``summary.subject_rows``)
    Index("ix_attribution_facts_state", "state", "group_year", "country", "group_id",
          "destructive", "source"),
    Index("ix_attribution_facts_actor_id", "actor_id", "state", "group_year", "country",
          "group_id", "destructive", "source"),
    Index("ix_attribution_facts_actor_name", "actor_name", "group_year"),
    Index("ix_attribution_facts_country", "country", "group_year"),  # pair timelines
    # events per state and per actor, counted once each (the web home page; migration 0013)
    Index("ix_attribution_facts_state_group", "state", "group_id"),
    Index("ix_attribution_facts_actor_group", "actor_id", "actor_name", "group_id"),
)

#: Response claims tied to an incident and dated no earlier than it, with their date (event,
#: else claim, else publication): ``firsts`` reads the earliest per action from one index.
response_dates = Table(
    "response_dates",
    metadata,
    Column("claim_id", Text, ForeignKey("claims.id"), primary_key=True),
    Column("action", Text, nullable=False),
    Column("response_date", Date, nullable=False),
    Index("ix_response_dates_action", "action", "response_date"),
)

#: What a timeline shows of each incident group, encoded by ``cybertrack.analysis.timeline``
#: (migration 0007; read per subject).
timeline_groups = Table(
    "timeline_groups",
    metadata,
    Column("group_id", Text, primary_key=True),
    Column("events", Text, nullable=False),
    Column("attributions", Text, nullable=False),
)

#: Groups whose ``timeline_groups`` row must be computed again, with the token of the write that
#: marked them (a reader clears only the marks it has seen).
timeline_stale = Table(
    "timeline_stale",
    metadata,
    Column("group_id", Text, primary_key=True),
    Column("token", Text, nullable=False),
)

#: How many times ``timeline_groups`` was rewritten (one row): a stored subject timeline is
#: read only at the generation it was worked out at.
timeline_generation = Table(
    "timeline_generation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer, nullable=False),
)

#: A subject's whole timeline, encoded by ``cybertrack.analysis.timeline``, with the
#: generation of ``timeline_groups`` it was worked out from (derived data).
timeline_subjects = Table(
    "timeline_subjects",
    metadata,
    Column("subject", Text, primary_key=True),
    Column("generation", Integer, nullable=False),
    Column("events", Text, nullable=False),
)

#: Documents whose incidents are still to be linked (migration 0009): written with the
#: document, deleted when its linking commits, so a kill between the two loses no links.
pending_links = Table(
    "pending_links",
    metadata,
    Column("document_id", Text, ForeignKey("documents.id"), primary_key=True),
)

#: Documents stored without incidents, still to be placed beside the event they most likely
#: report (migration 0015; ``resolve.placement``): written with the document, deleted when its
#: placements are stored.
pending_placements = Table(
    "pending_placements",
    metadata,
    Column("document_id", Text, ForeignKey("documents.id"), primary_key=True),
)

#: Every decision a person made about a claim or an incident (migration 0011), append-only:
#: reject, accept, reset, or set a field (targets, date) by hand, with who, when and why.
curation_events = Table(
    "curation_events",
    metadata,
    Column("record_kind", Text, primary_key=True),
    Column("record_id", Text, primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("action", Text, nullable=False),
    Column("field", Text),
    Column("value", Text),
    Column("made_by", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("why", Text, nullable=False),
)

#: What each curated record's events add up to now (derived from ``curation_events`` in the
#: same transaction): status ``rejected``/``accepted`` or NULL, targets (JSON) and date (ISO
#: interval) set by hand, and the last decision's who, when and why.
curations = Table(
    "curations",
    metadata,
    Column("record_kind", Text, primary_key=True),
    Column("record_id", Text, primary_key=True),
    Column("status", Text),
    Column("targets", Text),
    Column("date_value", Text),
    Column("made_by", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("why", Text, nullable=False),
    Index("ix_curations_status", "record_kind", "status"),
)

#: The text ``cybertrack search`` reads (migration 0011): one row per incident, claim and
#: document title, written with the document. Indexed natively: FTS5 ``search_fts`` on SQLite;
#: on PostgreSQL a generated column ``body_tsv`` (``to_tsvector('english', body)``, migration
#: 0017) with a GIN index on it (none of these is declared here).
search_text = Table(
    "search_text",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("record_id", Text, nullable=False),
    Column("document_id", Text, nullable=False),
    Column("incident_id", Text),
    Column("body", Text, nullable=False),
    Index("ix_search_text_document_id", "document_id"),
)

#: Full-text objects over ``search_text`` that each database builds its own way (migrations
#: 0011, 0017) and so are not declared here: SQLite's FTS5 table (with its shadow tables, named
#: after it), PostgreSQL's stored tsvector column and the GIN index on it.
NATIVE_FTS_TABLE = "search_fts"
NATIVE_FTS_INDEX = "ix_search_text_fts"
NATIVE_FTS_COLUMN = "body_tsv"

#: Tables that ``Store.counts()`` reports, by the name it reports them under.
COUNTED = {
    "documents": documents,
    "mentions": mentions,
    "entities": entities,
    "incidents": incidents,
    "claims": claims,
    "links": links,
}

# ---- continuous ingest and watchlists (migration 0012; cybertrack.watch) --------------------

#: Per polled feed: the validators sent back on the next poll, and how the last polls went.
feeds = Table(
    "feeds",
    metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("checked_at", Text),
    Column("changed_at", Text),
    Column("status", Text),
    Column("error", Text),
    Column("failures", Integer, nullable=False),
)

#: Feed entries already taken (link, else guid), so a poll reads only new entries' pages.
feed_items = Table(
    "feed_items",
    metadata,
    Column("feed_url", Text, primary_key=True),
    Column("item", Text, primary_key=True),
    Column("seen_at", Text, nullable=False),
)

#: Watchlists: criteria (JSON) and where their hits are reported besides the terminal.
watchlists = Table(
    "watchlists",
    metadata,
    Column("name", Text, primary_key=True),
    Column("criteria", Text, nullable=False),
    Column("jsonl", Text),
    Column("webhook", Text),
    Column("allow_private", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
)

#: Each claim or incident that matched a watchlist, once; what its Atom feed serves.
watchlist_hits = Table(
    "watchlist_hits",
    metadata,
    Column("watchlist", Text, primary_key=True),
    Column("record_id", Text, primary_key=True),
    Column("record_kind", Text, nullable=False),
    Column("document_id", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("found_at", Text, nullable=False),
    Index("ix_watchlist_hits_found_at", "watchlist", "found_at"),
)
