"""The bookkeeping of placements (``resolve.placement``): which documents without incidents
still wait to be placed, which are to be placed by a full pass, and the placements (links of
kind ``document``) beside given incidents.

A placement is stored as a link (``Store.add_links``), so it is accepted, rejected and undone
like an incident link, with its history; this module holds only the queries links do not have.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from sqlalchemy import exists, select

from cybertrack.model import Link
from cybertrack.store import codec
from cybertrack.store import schema as t
from cybertrack.store.summary import unique_chunks

if TYPE_CHECKING:
    from cybertrack.store.store import Store

PLACEMENT: Final = "document"


def pending_placement_documents(store: Store) -> list[str]:
    """Documents stored without incidents whose placement has not been stored yet (written
    with the document, ``Store.add_extraction``), in id order."""
    p = t.pending_placements.c
    with store._read() as conn:
        return list(conn.execute(select(p.document_id).order_by(p.document_id)).scalars())


def clear_pending_placements(store: Store, doc_ids: Iterable[str] | None = None) -> None:
    """Mark documents as placed (all of them when ``doc_ids`` is None); call once their
    placements are stored."""
    p = t.pending_placements
    with store._write("cannot record placed documents") as conn:
        if doc_ids is None:
            conn.execute(p.delete())
            return
        for chunk in unique_chunks(doc_ids):
            conn.execute(p.delete().where(p.c.document_id.in_(chunk)))


def documents_without_incidents(store: Store) -> list[str]:
    """Every stored document without an incident record, in id order (what a full linking
    pass places)."""
    d, i = t.documents.c, t.incidents.c
    q = (select(d.id).where(~exists().where(i.document_id == d.id)).order_by(d.id))
    with store._read() as conn:
        return list(conn.execute(q).scalars())


def placements_beside(store: Store, incident_ids: Iterable[str]) -> list[Link]:
    """The placements (any status) of documents beside any of ``incident_ids``, best first."""
    lc = t.links.c
    found: dict[str, Link] = {}
    with store._read() as conn:
        for chunk in unique_chunks(incident_ids):
            for r in conn.execute(select(t.links).where(lc.b.in_(chunk))).mappings():
                link = codec.row_to_link(r)
                if link.kind == PLACEMENT:
                    found[link.id] = link
    return sorted(found.values(), key=lambda x: (-x.score, x.id))
