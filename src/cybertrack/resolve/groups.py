"""Incident groups: what an analyst calls "one incident" across many reports.

A group is built from incident links that count (accepted, or proposed at or above the group
threshold; rejected ones never). Plain connected components would let one loosely dated report
(a tracker row dated on its disclosure, say) chain two distinct attacks together, so links are
applied strongest first and a proposed link is *held apart* when it would put two incompatible
incidents in one group: two incidents of the same document, or two precise dates too far apart.
Accepted links are a person's decision and always apply. Nothing is rewritten in the store; the
group is recomputed at read time, so accepting or rejecting a link changes it at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cybertrack.model import Incident, Link
from cybertrack.resolve.features import GROUP_THRESHOLD, IncidentFeatures, compatible
from cybertrack.store import Store

#: A group stops growing here; real events have far fewer reports, so this only guards
#: against a runaway chain of links.
MAX_GROUP = 500


@dataclass(frozen=True, slots=True)
class IncidentGroup:
    """The incident records of one event, the links that joined them, and the links held apart
    (proposed links that would have joined incompatible records)."""

    root: str
    incidents: tuple[Incident, ...]
    links: tuple[Link, ...]
    held_apart: tuple[Link, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.incidents)

    @property
    def document_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.document_id for i in self.incidents))


def cluster(
    incidents: Mapping[str, Incident], links: Iterable[Link],
    origins: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], list[Link], list[Link]]:
    """Constrained union of ``incidents`` along ``links``: returns incident id -> group key (the
    smallest member id), the links applied and the links held apart. ``origins`` maps a
    document id to its origin (``DocumentInfo.origin``; default: the document itself). Links
    naming an incident not in ``incidents`` are ignored."""
    origins = origins or {}
    feats = {k: IncidentFeatures.of(v, origin=origins.get(v.document_id))
             for k, v in incidents.items()}
    members: dict[str, list[str]] = {k: [k] for k in incidents}
    parent = {k: k for k in incidents}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    applied: list[Link] = []
    held: list[Link] = []
    ordered = sorted(links, key=lambda x: (x.status != "accepted", -x.score, x.id))
    for link in ordered:
        if link.a not in parent or link.b not in parent:
            continue
        ra, rb = find(link.a), find(link.b)
        if ra == rb:
            applied.append(link)
            continue
        if link.status != "accepted" and not all(
            compatible(feats[x], feats[y]) for x in members[ra] for y in members[rb]
        ):
            held.append(link)
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra].extend(members.pop(rb))
        applied.append(link)
    key = {root: min(ms) for root, ms in members.items()}
    return {k: key[find(k)] for k in incidents}, applied, held


def incident_group(
    store: Store, incident_id: str, *, threshold: float = GROUP_THRESHOLD,
) -> IncidentGroup:
    """The group of ``incident_id`` (raises ``NotFoundError`` for an unknown id)."""
    store.incident(incident_id)
    seen = {incident_id}
    frontier = [incident_id]
    links: dict[str, Link] = {}
    while frontier and len(seen) < MAX_GROUP:
        found = store.incident_links(frontier, min_score=threshold)
        frontier = []
        for link in found:
            links[link.id] = link
            for x in (link.a, link.b):
                if x not in seen:
                    seen.add(x)
                    frontier.append(x)
    incidents = {i.id: i for i in store.incidents_by_id(seen)}
    origins = {k: v.origin for k, v in
               store.documents_info({i.document_id for i in incidents.values()}).items()}
    keys, applied, held = cluster(incidents, links.values(), origins)
    mine = keys[incident_id]
    ids = {k for k, v in keys.items() if v == mine}
    ordered = store.incidents_by_id(ids)
    return IncidentGroup(
        root=incident_id,
        incidents=tuple(ordered),
        links=tuple(x for x in applied if x.a in ids),
        held_apart=tuple(x for x in held if x.a in ids or x.b in ids),
    )


def group_keys(
    store: Store, incidents: Mapping[str, Incident], *, threshold: float = GROUP_THRESHOLD,
) -> dict[str, str]:
    """Incident id -> group key for many incidents at once (one hop of links: the members of
    ``incidents`` joined directly, or through one incident outside the set). Used where a whole
    state's incidents must be counted once per event."""
    links = store.incident_links(incidents, min_score=threshold)
    touched = {x for link in links for x in (link.a, link.b)}
    everything = dict(incidents)
    everything.update((i.id, i) for i in store.incidents_by_id(touched - set(incidents)))
    origins = {k: v.origin for k, v in store.documents_info(
        {everything[x].document_id for x in touched if x in everything}).items()}
    keys, _, _ = cluster(everything, links, origins)
    return {k: keys[k] for k in incidents}
