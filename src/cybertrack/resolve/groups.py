"""Incident groups: what an analyst calls "one incident" across many reports.

A group is built from incident links that count (accepted, or proposed at or above the group
threshold; rejected ones never). Plain connected components would let one loosely dated report
(a tracker row dated on its disclosure, say) chain two distinct attacks together, so links are
applied strongest first and a proposed link is *held apart* when it would put two incompatible
incidents in one group: two incidents of the same document, or two precise dates too far apart.
Accepted links are a person's decision and always apply.

Groups are derived data kept in the ``incident_groups`` table: ``refresh_groups`` recomputes the
groups of the link components it is given (or of everything) and stores, per incident, its group
id (the smallest member id), the group's best date and whether any report calls it destructive.
The linker refreshes after linking, ``review`` after a person accepts or rejects a link, and
readers fill in incidents stored since (``ensure_groups``). Links and claims are never rewritten.
Who changes link statuses with ``Store.set_link_status`` directly must call ``refresh_groups``
for the link's two incidents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cybertrack.model import Incident, Link, PartialDate
from cybertrack.resolve.features import (
    GROUP_THRESHOLD,
    LEAD_CHARS,
    IncidentFeatures,
    compatible,
)
from cybertrack.store import Store
from cybertrack.store.analytics import DocumentInfo
from cybertrack.store.group_queries import GroupRow
from cybertrack.store.placements import placements_beside

#: A refresh explores at most this many incidents from its starting points; real components are
#: far smaller, so this only guards against a runaway chain of links (the rest is grouped by the
#: next full ``refresh_groups``).
MAX_COMPONENT = 5000
#: Kinds with destructive effect.
DESTRUCTIVE = frozenset({"destruction", "sabotage", "ransomware"})


@dataclass(frozen=True, slots=True)
class PlacedReport:
    """A document without incidents placed beside an incident of a group (``link.a`` the
    document, ``link.b`` the incident), with what the incident view shows of the document."""

    link: Link
    title: str
    publisher: str
    published: PartialDate | None


@dataclass(frozen=True, slots=True)
class IncidentGroup:
    """The incident records of one event, the links that joined them, and the links held apart
    (proposed links that would have joined incompatible records)."""

    root: str
    incidents: tuple[Incident, ...]
    links: tuple[Link, ...]
    held_apart: tuple[Link, ...] = ()
    #: Reports without incidents placed beside the group's incidents (``resolve.placement``),
    #: proposed or accepted: an analyst sees them here and decides; they never join the group.
    placed: tuple[PlacedReport, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.incidents)

    @property
    def document_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.document_id for i in self.incidents))


def cluster(
    incidents: Mapping[str, Incident], links: Iterable[Link],
    origins: Mapping[str, str] | None = None, leads: Mapping[str, str] | None = None,
    published: Mapping[str, PartialDate | None] | None = None,
    attributions: Mapping[str, tuple[frozenset[str], frozenset[str]]] | None = None,
) -> tuple[dict[str, str], list[Link], list[Link]]:
    """Constrained union of ``incidents`` along ``links``: returns incident id -> group key (the
    smallest member id), the links applied and the links held apart. ``origins`` maps a
    document id to its origin (``DocumentInfo.origin``; default: the document itself) and
    ``leads`` to its headline and lead (the terms ``compatible`` weighs) and ``published`` to
    its publication date (reports published together may date one event apart), and
    ``attributions`` maps an incident id to the (states, actors) attributed (two incidents of
    one document, or two rows of one tracker, attributed differently stay apart). Links naming
    an incident not in ``incidents`` are ignored."""
    origins = origins or {}
    leads = leads or {}
    published = published or {}
    attributions = attributions or {}
    empty: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    feats = {k: IncidentFeatures.of(v, origin=origins.get(v.document_id),
                                    lead=leads.get(v.document_id, ""),
                                    published=published.get(v.document_id),
                                    states=attributions.get(k, empty)[0],
                                    actors=attributions.get(k, empty)[1])
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


def group_date(members: list[Incident], docs: Mapping[str, DocumentInfo]) -> PartialDate | None:
    """A group's date: the most precise date a report (not a tracker) gives, else a tracker's,
    else the earliest publication (trackers often date an incident by its disclosure)."""
    def rank(i: Incident) -> tuple[bool, int, dt.date]:
        info = docs.get(i.document_id)
        tracker = info is not None and info.origin.startswith("tracker:")
        assert i.time is not None
        return tracker, (i.time.end - i.time.start).days, i.time.start

    dated = [i for i in members if i.time is not None]
    if dated:
        return min(dated, key=rank).time
    published = [docs[i.document_id].published for i in members if i.document_id in docs]
    real = [p for p in published if p is not None]
    return min(real, key=lambda p: p.start) if real else None


def refresh_groups(store: Store, incident_ids: Iterable[str] | None = None, *,
                   threshold: float = GROUP_THRESHOLD) -> int:
    """Recompute and store the groups of the link components holding ``incident_ids`` (all
    incidents when None); returns how many incidents were written. Reading the links,
    computing and writing is done under ``Store.linking_lock``: two linkers interleaving would
    each write groups computed without the other's links."""
    with store.linking_lock():
        return _refresh_groups(store, incident_ids, threshold)


def _refresh_groups(store: Store, incident_ids: Iterable[str] | None, threshold: float) -> int:
    links: dict[tuple[str, str], Link] = {}
    if incident_ids is None:
        incidents = {i.id: i for i in store.incidents()}
        for a, b, score, status in store.counted_incident_links(threshold):
            links[(a, b)] = Link(f"{a}|{b}", "incident", a, b, score, (), "",
                                 status)  # type: ignore[arg-type]
    else:
        seen = set(incident_ids)
        frontier = list(seen)
        while frontier and len(seen) < MAX_COMPONENT:
            found = store.incident_links(frontier, min_score=threshold)
            frontier = []
            for link in found:
                links[(link.a, link.b)] = link
                for x in (link.a, link.b):
                    if x not in seen:
                        seen.add(x)
                        frontier.append(x)
        incidents = {i.id: i for i in store.incidents_by_id(seen)}
    if not incidents:
        return 0
    docs = store.documents_info({i.document_id for i in incidents.values()})
    leads = store.document_leads(docs, LEAD_CHARS)
    keys, _, _ = cluster(incidents, links.values(), {k: v.origin for k, v in docs.items()},
                         leads, {k: v.published for k, v in docs.items()},
                         store.attribution_keys(None if incident_ids is None else list(incidents),
                                                with_denials=True))
    members: dict[str, list[Incident]] = {}
    for inc_id, key in keys.items():
        members.setdefault(key, []).append(incidents[inc_id])
    rows: list[GroupRow] = []
    for key, group in members.items():
        when = group_date(group, docs)
        destructive = any(DESTRUCTIVE & set(i.kinds) for i in group)
        rows.extend(GroupRow(i.id, key, when.start if when else None,
                             when.start.year if when else None, destructive) for i in group)
    store.write_incident_groups(rows, replace_all=incident_ids is None)
    return len(rows)


def ensure_groups(store: Store) -> int:
    """Group the incidents stored since the last refresh (cheap when there are none)."""
    missing = store.incidents_without_group()
    if not missing:
        return 0
    if len(missing) > 10_000:  # a knowledge base never grouped: one full pass is cheaper
        return refresh_groups(store)
    return refresh_groups(store, missing)


def incident_group(store: Store, incident_id: str, *, threshold: float = GROUP_THRESHOLD,
                   ) -> IncidentGroup:
    """The group of ``incident_id`` (``NotFoundError`` for an unknown id): its incidents, the
    links joining them, and the counted links to incidents outside it (held apart)."""
    store.incident(incident_id)
    row = store.incident_groups_of([incident_id]).get(incident_id)
    if row is None:
        refresh_groups(store, [incident_id], threshold=threshold)
        row = store.incident_groups_of([incident_id])[incident_id]
    ids = set(store.group_member_ids(row.group_id)) or {incident_id}
    links = store.incident_links(ids, min_score=threshold)
    inside = tuple(x for x in links if x.a in ids and x.b in ids)
    outside = tuple(x for x in links if (x.a in ids) != (x.b in ids))
    placed = [x for x in placements_beside(store, ids) if x.status != "rejected"]
    docs = store.documents_info({x.a for x in placed})
    return IncidentGroup(incident_id, tuple(store.incidents_by_id(ids)), inside, outside,
                         tuple(PlacedReport(x, docs[x.a].title or "" if x.a in docs else "",
                                            docs[x.a].publisher or "" if x.a in docs else "",
                                            docs[x.a].published if x.a in docs else None)
                               for x in placed))


def review(store: Store, link_id: str, status: str, *, by: str = "user") -> Link:
    """Accept, reject or re-propose a link and regroup the incidents it touches."""
    link = store.set_link_status(link_id, status, by=by)
    refresh_groups(store, [link.a, link.b])
    return link
