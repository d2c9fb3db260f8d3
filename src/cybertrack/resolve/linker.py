"""Find incidents from different documents that report the same event, and store the links.

Two modes share one scoring (``features.score_pair``):
- ``link_new(store, document_ids)`` runs after an ingest: only the new documents' incidents are
  compared, each against candidates sharing a target country and a compatible date window,
  fetched with indexed queries, so the cost grows with the batch, not with the knowledge base
  (an undated incident is searched for over the year before its document's publication; stored
  undated incidents are found only by ``link_all``);
- ``link_all(store)`` compares everything (``cybertrack link build --all``): incidents are
  bucketed by target country and swept in date order, so only plausible pairs are scored.

Link ids are a hash of the pair, so rerunning adds nothing and never undoes a person's accept or
reject: a stored link keeps its status and history. Both modes then refresh the incident groups
they touched (``groups.refresh_groups``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cybertrack.model import Incident, Link, PartialDate, stable_id
from cybertrack.resolve.features import (
    LINK_FLOOR,
    MAX_GAP_DAYS,
    IncidentFeatures,
    score_pair,
    window,
)
from cybertrack.resolve.groups import refresh_groups
from cybertrack.store import Store

MADE_BY = "cybertrack.resolve.linker/1"


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """What a linking run did."""

    incidents: int
    pairs_scored: int
    links_found: int
    links_new: int


def link_id(a: str, b: str) -> str:
    """The id of the incident link between ``a`` and ``b`` (order does not matter)."""
    lo, hi = sorted((a, b))
    return stable_id("link", "incident", lo, hi)


def make_link(a: str, b: str, score: float, reasons: tuple[str, ...]) -> Link:
    lo, hi = sorted((a, b))
    return Link(id=link_id(lo, hi), kind="incident", a=lo, b=hi, score=score, reasons=reasons,
                made_by=MADE_BY, status="proposed")


def _features(store: Store, incidents: Iterable[Incident]) -> dict[str, IncidentFeatures]:
    incs = list(incidents)
    keys = store.attribution_keys([i.id for i in incs])
    origins = {k: v.origin for k, v in store.documents_info({i.document_id for i in incs}).items()}
    empty: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    return {i.id: IncidentFeatures.of(i, states=keys.get(i.id, empty)[0],
                                      actors=keys.get(i.id, empty)[1],
                                      origin=origins.get(i.document_id)) for i in incs}


def link_new(store: Store, document_ids: Iterable[str]) -> LinkSummary:
    """Link the incidents of ``document_ids`` to every compatible incident already stored."""
    new: list[Incident] = []
    for doc_id in dict.fromkeys(document_ids):
        new.extend(store.incidents(document_id=doc_id))
    if not new:
        return LinkSummary(0, 0, 0, 0)
    published = {k: v.published for k, v in
                 store.documents_info(i.document_id for i in new).items()}
    candidates: dict[str, Incident] = {}
    wanted: dict[str, set[str]] = {}
    for inc in new:
        span = window(inc.time, published.get(inc.document_id))
        if span is None:
            continue
        for country in inc.targets:
            for cand in store.incidents(target=country, since=span[0], until=span[1]):
                if cand.document_id != inc.document_id:
                    candidates[cand.id] = cand
                    wanted.setdefault(inc.id, set()).add(cand.id)
    feats = _features(store, [*new, *candidates.values()])
    links: dict[str, Link] = {}
    scored = 0
    for inc in new:
        for cid in sorted(wanted.get(inc.id, ())):
            if cid == inc.id:
                continue
            scored += 1
            pair = score_pair(feats[inc.id], feats[cid])
            if pair is not None and pair.score >= LINK_FLOOR:
                link = make_link(inc.id, cid, pair.score, pair.reasons)
                links[link.id] = link
    added = store.add_links(links.values()) if links else 0
    refresh_groups(store, [i.id for i in new])
    return LinkSummary(len(new), scored, len(links), added)


def link_all(store: Store) -> LinkSummary:
    """Compare every stored incident with every plausible partner (see module docstring)."""
    incidents = store.incidents()
    infos = store.documents_info({i.document_id for i in incidents})
    published = {k: v.published for k, v in infos.items()}
    keys = store.attribution_keys()
    empty: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    feats: dict[str, IncidentFeatures] = {}
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    buckets: dict[str, list[str]] = {}
    for inc in incidents:
        span = _own_span(inc.time, published.get(inc.document_id))
        if span is None or not inc.targets:
            continue
        got = keys.get(inc.id, empty)
        info = infos.get(inc.document_id)
        feats[inc.id] = IncidentFeatures.of(inc, states=got[0], actors=got[1],
                                            origin=info.origin if info else None)
        spans[inc.id] = span
        for country in set(inc.targets):
            buckets.setdefault(country, []).append(inc.id)
    slack = dt.timedelta(days=MAX_GAP_DAYS)
    seen: set[tuple[str, str]] = set()
    links: dict[str, Link] = {}
    for ids in buckets.values():
        ids.sort(key=lambda x: spans[x][0])
        for n, a in enumerate(ids):
            reach_until = spans[a][1] + slack
            for b in ids[n + 1:]:
                if spans[b][0] > reach_until:
                    break
                pair_key = (a, b) if a < b else (b, a)
                if pair_key in seen:
                    continue
                seen.add(pair_key)
                pair = score_pair(feats[a], feats[b])
                if pair is not None and pair.score >= LINK_FLOOR:
                    link = make_link(a, b, pair.score, pair.reasons)
                    links[link.id] = link
    added = 0
    batch = list(links.values())
    for start in range(0, len(batch), 5000):
        added += store.add_links(batch[start:start + 5000])
    refresh_groups(store)
    return LinkSummary(len(feats), len(seen), len(links), added)


def _own_span(time: PartialDate | None, published: PartialDate | None
              ) -> tuple[dt.date, dt.date] | None:
    """The interval an incident is swept by: its date, else the year before publication."""
    if time is not None:
        return time.start, time.end
    if published is not None:
        return published.end - dt.timedelta(days=366), published.end
    return None
