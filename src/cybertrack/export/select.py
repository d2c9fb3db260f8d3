"""What an export contains: the incidents asked for, with every claim, document, entity and
link they need to stand on their own.

All exporters (STIX, MISP, tables) read a ``Selection`` rather than the store, so the three
formats always describe the same records and the filters (``--incident``, ``--since``,
``--actor``) behave identically in each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cybertrack.errors import ExportError
from cybertrack.export.names import country_name
from cybertrack.gcpause import paused_gc
from cybertrack.model import Claim, Document, Entity, Incident, Link
from cybertrack.resolve.groups import incident_group
from cybertrack.store import Store
from cybertrack.store.curation import Curation, curations

#: Claim kinds that name who did it (what ``--actor`` matches).
ATTRIBUTING = ("attribution", "self-claim")


@dataclass(frozen=True)
class Selection:
    """Records to export, each list in a stable order (so output is deterministic)."""

    documents: dict[str, Document]
    incidents: list[Incident]
    claims: list[Claim]
    entities: dict[str, Entity] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    #: Curation by hand of the selected incidents and claims, by record id: a rejected
    #: claim is exported marked as rejected, never silently dropped.
    curated: dict[str, Curation] = field(default_factory=dict)

    def document_of(self, record_document_id: str) -> Document | None:
        return self.documents.get(record_document_id)


def select(
    store: Store, *, incident_id: str | None = None, since: dt.date | None = None,
    actor: str | None = None, whole_group: bool = True,
) -> Selection:
    """The records of every incident matching all filters given (all incidents when none is).

    ``incident_id`` selects that event as the knowledge base knows it: every report linked to
    it (its group, as ``cybertrack incident`` shows it), or with ``whole_group=False`` that one
    record. ``since`` keeps incidents whose time overlaps [since, ...) (undated incidents are
    left out); ``actor`` keeps incidents that some claim attributes to that threat actor (name
    or alias, any case) or state (country code or name). Claims without an incident travel with
    their document. Rejected links are left out: a person said those records differ.
    """
    with paused_gc():
        return _select(store, incident_id, since, actor, whole_group)


def _select(store: Store, incident_id: str | None, since: dt.date | None,
            actor: str | None, whole_group: bool = True) -> Selection:
    everything = incident_id is None and since is None and actor is None
    if incident_id is not None and whole_group:
        group = incident_group(store, incident_id)
        incidents = sorted(group.incidents, key=lambda i: (i.document_id, i.id))
    elif incident_id is not None:
        incidents = [store.incident(incident_id)]
    else:
        incidents = store.incidents(since=since)
    if actor is not None:
        wanted = _attributed_incidents(store, actor)
        incidents = [i for i in incidents if i.id in wanted]
    if everything:
        documents = {d.id: d for d in store.documents()}
        return _complete(store, incidents, store.claims(), documents)
    return select_records(store, incidents)


def select_records(store: Store, incidents: list[Incident]) -> Selection:
    """The records of exactly these incident records, in this order: their claims, the claims
    of their documents tied to no incident, their documents, the entities they name, the links
    among them and their curation. What ``select`` builds once its filters have chosen the
    incidents, for callers that choose them otherwise (the web app's filtered lists)."""
    ids = [i.id for i in incidents]
    claims = store.claims(incident_ids=ids) if ids else []
    doc_ids = sorted({i.document_id for i in incidents})
    loose = [c for d in doc_ids for c in store.claims(document_id=d) if c.incident_id is None]
    claims = sorted([*claims, *loose], key=lambda c: (c.document_id, c.sentence.start, c.id))
    documents = {d: store.document(d) for d in doc_ids}
    return _complete(store, incidents, claims, documents)


def _complete(store: Store, incidents: list[Incident], claims: list[Claim],
              documents: dict[str, Document]) -> Selection:
    """The selection of these records with the entities they name, the links that are not
    rejected between two selected incidents or two named entities, and their curation."""
    entities = _referenced_entities(store, incidents, claims)
    incident_ids = {i.id for i in incidents}
    # incident links through the index on their ends (a web selection is a few records of a
    # large knowledge base); incident_links never returns a rejected one
    links = [link for link in store.incident_links(incident_ids)
             if link.a in incident_ids and link.b in incident_ids]
    links += [link for link in store.links(kind="actor")
              if link.status != "rejected" and link.a in entities and link.b in entities]
    links.sort(key=lambda link: link.id)
    curated = {**curations(store, "incident", [i.id for i in incidents]),
               **curations(store, "claim", [c.id for c in claims])}
    return Selection(documents, incidents, claims, entities, links, curated)


def _attributed_incidents(store: Store, actor: str) -> set[str]:
    """Ids of incidents that an asserted attribution or self-claim ties to ``actor``."""
    needle = actor.strip().casefold()
    actor_ids = {
        e.id for e in store.entities("threat-actor")
        if needle in {e.name.casefold(), e.id.casefold(), *(a.casefold() for a in e.aliases)}
    }
    found: set[str] = set()
    for kind in ATTRIBUTING:
        for c in store.claims(kind=kind):
            if c.incident_id is None or c.stance == "denies" or not c.asserted:
                continue  # a doubted, refused or negated claim attributes nothing
            names = {(c.attributed_actor or "").casefold()}
            if c.attributed_state:
                state = c.attributed_state
                names |= {state.casefold(), country_name(state).casefold()}
            if needle in names or (c.attributed_actor_id in actor_ids):
                found.add(c.incident_id)
    if not found:
        raise ExportError(
            f"--actor {actor!r}: no incident in the knowledge base is attributed to that actor "
            "or state; check the spelling (names, aliases and country codes such as IR work)"
        )
    return found


def _referenced_entities(
    store: Store, incidents: list[Incident], claims: list[Claim],
) -> dict[str, Entity]:
    """Stored entities that the selected records name (countries by ``country:CC``)."""
    wanted: set[str] = set()
    for inc in incidents:
        wanted.update(f"country:{c}" for c in inc.targets)
    for c in claims:
        for code in (c.attributed_state, c.actor_state, c.target_state, *c.alternatives):
            if code:
                wanted.add(f"country:{code}")
        if c.attributed_actor_id:
            wanted.add(c.attributed_actor_id)
        if c.claimant is not None and c.claimant.entity_id:
            wanted.add(c.claimant.entity_id)
    return {e.id: e for e in store.entities() if e.id in wanted}
