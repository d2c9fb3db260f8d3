"""Writes that redo or serialize work on what is already stored: dropping a document's records
before it is extracted again, and the lock that keeps two linkers from interleaving.

Re-extraction (``Store.replace_extraction``) is for a document stored without extraction
(``ingest --no-extract``) or by an older extractor: its mentions, incidents, claims and what is
derived from them go, in the transaction that writes the new ones. Links a person reviewed
(accepted or rejected) are kept with their history, even when an end no longer exists (grouping
ignores such a link; a re-extraction gives the same incident ids to the same events in the same
order, so most reviews keep applying); proposed links are the linker's and are redone, and so
are the proposed placements of the document and beside its incidents (``resolve.placement``). The
other reports grouped with the document's incidents are marked for linking again, so their
groups are recomputed by the next linking run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, or_, select, text

from cybertrack.store import schema as t
from cybertrack.store.engine import is_memory
from cybertrack.store.migrations import PG_LOCK_KEY
from cybertrack.store.summary import mark_timeline_stale, unique_chunks

#: PostgreSQL advisory lock held while incident groups are computed and written: this first
#: half of the key, and a hash of the knowledge base's schema as the second, so that
#: knowledge bases in other schemas of the same database (tests, benches, other teams) never
#: wait for each other's linking.
LINK_LOCK_KEY = (PG_LOCK_KEY >> 32) - 1
_PG_LINK_LOCK = "SELECT pg_advisory_lock(:k, hashtext(current_schema()))"
_PG_LINK_UNLOCK = "SELECT pg_advisory_unlock(:k, hashtext(current_schema()))"


def drop_records(conn: Connection, doc_id: str) -> None:
    """Delete what was extracted from ``doc_id`` and what derives from it (see the module
    docstring); the document row stays."""
    i, c, g, lk = t.incidents.c, t.claims.c, t.incident_groups.c, t.links.c
    inc_ids = list(conn.execute(select(i.id).where(i.document_id == doc_id)).scalars())
    claim_ids = list(conn.execute(select(c.id).where(c.document_id == doc_id)).scalars())
    for chunk in unique_chunks(inc_ids):
        groups = select(g.group_id).where(g.incident_id.in_(chunk))
        others = (select(i.document_id)
                  .join_from(t.incidents, t.incident_groups, g.incident_id == i.id)
                  .where(g.group_id.in_(groups), i.document_id != doc_id).distinct())
        conn.execute(_insert_ignore(conn, t.pending_links).from_select(["document_id"], others))
        mark_timeline_stale(conn, incident_ids=chunk)
        proposed = list(conn.execute(select(lk.id).where(
            lk.kind == "incident", lk.status == "proposed",
            or_(lk.a.in_(chunk), lk.b.in_(chunk)))).scalars())
        for ids in unique_chunks(proposed):
            conn.execute(delete(t.link_events).where(t.link_events.c.link_id.in_(ids)))
            conn.execute(delete(t.links).where(lk.id.in_(ids)))
        for table in (t.attribution_facts, t.incident_groups, t.incident_targets):
            conn.execute(delete(table).where(table.c.incident_id.in_(chunk)))
    placed = set(conn.execute(select(lk.id).where(
        lk.kind == "document", lk.status == "proposed", or_(lk.a == doc_id, lk.b == doc_id))
    ).scalars())
    for chunk in unique_chunks(inc_ids):
        placed.update(conn.execute(select(lk.id).where(
            lk.kind == "document", lk.status == "proposed", lk.b.in_(chunk))).scalars())
    for ids in unique_chunks(sorted(placed)):
        conn.execute(delete(t.link_events).where(t.link_events.c.link_id.in_(ids)))
        conn.execute(delete(t.links).where(lk.id.in_(ids)))
    for chunk in unique_chunks(claim_ids):
        conn.execute(delete(t.response_dates).where(t.response_dates.c.claim_id.in_(chunk)))
    for table in (t.claims, t.mentions, t.incidents):
        conn.execute(delete(table).where(table.c.document_id == doc_id))


def _insert_ignore(conn: Connection, table: Any) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


@contextlib.contextmanager
def linking_lock(engine: Engine) -> Iterator[None]:
    """The lock of ``Store.linking_lock``: one process at a time computes and writes incident
    groups, so none writes groups worked out without another's links."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text(_PG_LINK_LOCK), {"k": LINK_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text(_PG_LINK_UNLOCK), {"k": LINK_LOCK_KEY})
                conn.commit()
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: SQLite's own locking is all there is
        yield
        return
    if is_memory(engine.url) or not engine.url.database:
        yield
        return
    with Path(f"{engine.url.database}-linklock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
