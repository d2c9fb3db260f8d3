"""Placing a document the extractor found no incident in: which stored event it most likely
reports, by the evidence linking weighs, or nothing.

A news report can be about an event and still yield no incident record (a threat rather than an
act, "Hackers: we will wipe iPhones unless Apple pays"; a fraud told without a cyber word in the
headline). Such a document links to nothing, so an analyst never sees it beside the other
reports of its event. ``place_documents`` reads each one as an undated report of its own
headline and lead (an incident-shaped stand-in that is never stored: ``document_features``) and
scores it against the stored incidents of its publication year, and against the other
documents it is given, with ``features.score_pair``. A placement needs the score of a link that
groups (``GROUP_THRESHOLD``): with no date, kind or target of its own, only distinctive terms
shared strongly (names, a malware family) get there, never a shared country.

``store_placements`` stores each placement as a link of kind ``document`` (``a`` the document,
``b`` the incident, or for two documents the pair in id order), proposed, with its reasons: an
analyst accepts or rejects it like an incident link (``cybertrack link accept|reject``, the web
review page), and the incident view lists the reports placed beside it. A placement never
merges anything and never counts for grouping. Its id is a hash of its two ends, so a rerun
adds nothing and never undoes a decision; a rejected placement stays rejected. The linker runs
it after each linking pass: ``link_new`` for the given documents without incidents,
``link_pending`` also for those waiting in ``pending_placements`` (written with the document),
``link_all`` for every document without incidents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cybertrack.model import Incident, Link, stable_id
from cybertrack.resolve.features import (
    GROUP_THRESHOLD,
    LEAD_CHARS,
    MAX_GAP_DAYS,
    IncidentFeatures,
    published_together,
    score_pair,
)
from cybertrack.resolve.linker import _features, _merged, named_together, own_span
from cybertrack.store import Store
from cybertrack.store.placements import (
    PLACEMENT,
    clear_pending_placements,
    documents_without_incidents,
)

#: The stand-in incident of a document is named ``document:<id>``.
STAND_IN = "document:"
#: ``made_by`` of stored placements.
PLACED_BY = "cybertrack.resolve.placement/1"


@dataclass(frozen=True, slots=True)
class Placement:
    """A document without incidents placed beside a stored incident (``incident_id``) or beside
    another such document (``document_id`` of ``other``), with the score and the reasons."""

    document_id: str
    score: float
    reasons: tuple[str, ...]
    incident_id: str | None = None
    other: str | None = None


def document_features(store: Store, document_ids: Iterable[str]) -> dict[str, IncidentFeatures]:
    """The stand-in incident of each document (by id): undated, without targets or kinds, its
    terms from the headline and lead, its attributions from the document's attribution claims
    (asserted ones)."""
    ids = list(dict.fromkeys(document_ids))
    infos = store.documents_info(ids)
    leads = store.document_leads(ids, LEAD_CHARS)
    out: dict[str, IncidentFeatures] = {}
    for doc_id in ids:
        info = infos.get(doc_id)
        if info is None:
            continue
        states: set[str] = set()
        actors: set[str] = set()
        for claim in store.claims(document_id=doc_id, kind="attribution"):
            if claim.polarity != "asserted":
                continue
            if claim.attributed_state:
                states.add(claim.attributed_state)
            if claim.attributed_actor_id:
                actors.add(claim.attributed_actor_id)
        stand_in = Incident(f"{STAND_IN}{doc_id}", doc_id, "document", title=info.title,
                            sentence=info.title or "")
        out[doc_id] = IncidentFeatures.of(stand_in, states=frozenset(states),
                                          actors=frozenset(actors), origin=info.origin,
                                          lead=leads.get(doc_id, ""), published=info.published)
    return out


def place_documents(store: Store, document_ids: Iterable[str]) -> list[Placement]:
    """The placements of each of ``document_ids`` that has no incident (see module docstring),
    strongest first: beside the stored incident it matches best, and beside the other given
    document it matches best (two reports of one event may both lack incidents); documents
    with incidents, or without a publication date, or matching nothing well enough, get
    none. A stored incident is a candidate when its own interval lies in the document's
    publication year, or its document was published the same week (``published_together``)."""
    bare = [d for d in dict.fromkeys(document_ids) if not store.incidents(document_id=d)]
    stand_ins = document_features(store, bare)
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for doc_id, feat in stand_ins.items():
        span = own_span(None, feat.published)
        if span is not None:
            spans[doc_id] = span
    slack = dt.timedelta(days=MAX_GAP_DAYS)
    windows = [(lo - slack, hi + slack) for lo, hi in spans.values()]
    stored: dict[str, Incident] = {c.id: c for lo, hi in _merged(windows)
                                   for c in store.incidents_between(lo, hi)}
    stored.update((c.id, c) for found in named_together(store, stand_ins.values()).values()
                  for c in found)
    cand_spans = {k: v.published for k, v in store.documents_info(
        {c.document_id for c in stored.values()}).items()}
    feats = _features(store, stored.values())
    by_key: dict[str, list[str]] = {}
    for cid, feat in feats.items():
        for key in feat.keys:
            by_key.setdefault(key, []).append(cid)
    best: dict[tuple[str, bool], Placement] = {}

    def consider(doc_id: str, placement: Placement) -> None:
        key = (doc_id, placement.incident_id is not None)
        if key not in best or placement.score > best[key].score:
            best[key] = placement

    for doc_id, (lo, hi) in spans.items():
        mine = stand_ins[doc_id]
        seen: set[str] = set()
        for key in mine.keys:
            for cid in by_key.get(key, ()):
                if cid in seen:
                    continue
                seen.add(cid)
                cpub = cand_spans.get(stored[cid].document_id)
                cspan = own_span(stored[cid].time, cpub)
                apart = cspan is None or cspan[0] > hi + slack or cspan[1] < lo - slack
                if apart and published_together(mine, feats[cid]) is None:
                    continue
                pair = score_pair(mine, feats[cid])
                if pair is not None and pair.score >= GROUP_THRESHOLD:
                    consider(doc_id, Placement(doc_id, pair.score, pair.reasons, incident_id=cid))
    ordered = sorted(spans)
    for n, a in enumerate(ordered):
        for b in ordered[n + 1:]:
            if spans[a][0] > spans[b][1] + slack or spans[b][0] > spans[a][1] + slack:
                continue
            if not stand_ins[a].keys & stand_ins[b].keys:
                continue
            pair = score_pair(stand_ins[a], stand_ins[b])
            if pair is not None and pair.score >= GROUP_THRESHOLD:
                consider(a, Placement(a, pair.score, pair.reasons, other=b))
                consider(b, Placement(b, pair.score, pair.reasons, other=a))
    return sorted(best.values(), key=lambda p: (-p.score, p.document_id))


def placement_link(placement: Placement) -> Link:
    """The proposed link that stores ``placement`` (see module docstring)."""
    if placement.incident_id is not None:
        a, b = placement.document_id, placement.incident_id
    else:
        assert placement.other is not None
        a, b = sorted((placement.document_id, placement.other))
    return Link(id=stable_id("link", PLACEMENT, a, b),
                kind=PLACEMENT,
                a=a, b=b, score=placement.score, reasons=placement.reasons, made_by=PLACED_BY,
                status="proposed")


def store_placements(store: Store, document_ids: Iterable[str] | None = None) -> int:
    """Place ``document_ids`` (every document without incidents when None), store each
    placement as a proposed link, and mark the documents placed; returns how many links are
    new. Documents with incidents among ``document_ids`` are skipped (``place_documents``)."""
    ids = documents_without_incidents(store) if document_ids is None else list(
        dict.fromkeys(document_ids))
    if document_ids is not None and not ids:
        return 0
    links = {x.id: x for x in map(placement_link, place_documents(store, ids))} if ids else {}
    added = store.add_links(links.values()) if links else 0
    clear_pending_placements(store, None if document_ids is None else ids)
    return added
