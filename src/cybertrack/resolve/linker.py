"""Find incidents from different documents that report the same event, and store the links.

Two modes share one scoring (``features.score_pair``):
- ``link_new(store, document_ids)`` runs after an ingest (``link_pending``: every document
  still waiting for it): only those documents' incidents are compared, each against candidates
  sharing a target country and a compatible date window, fetched with indexed queries, so the
  cost grows with the batch, not with the knowledge base. The window is the rule ``link_all``
  sweeps by (own intervals within ``MAX_GAP_DAYS``; an undated incident lies in the year
  before its document's publication), so both modes find the same pairs whatever the order
  documents arrived in. Incidents sharing a rare term are also compared when their documents
  were published within ``TOGETHER_DAYS`` (a report may date its incident by a background
  event): ``link_new`` finds a stored one by the window of the new report's publication, and a
  stored one dated far from its own publication through the text search (``named_together``:
  the new report's rarest names in stored headlines and sentences), so a name that only the
  stored report's lead holds is met by ``link_all`` alone;
- ``link_all(store)`` compares everything (``cybertrack link build --all``): incidents are
  bucketed by target country and swept in date order, so only plausible pairs are scored.

Link ids are a hash of the pair, so rerunning adds nothing and never undoes a person's accept or
reject: a stored link keeps its status and history. Both modes then refresh the incident groups
they touched (``groups.refresh_groups``), and store the placements of the documents without
incidents (``placement.store_placements``: proposals, never grouped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cybertrack.model import Incident, Link, PartialDate, stable_id
from cybertrack.resolve import terms as term_index
from cybertrack.resolve.features import (
    LEAD_CHARS,
    LINK_FLOOR,
    MAX_GAP_DAYS,
    TOGETHER_DAYS,
    IncidentFeatures,
    gap_days,
    score_pair,
)
from cybertrack.resolve.groups import refresh_groups
from cybertrack.store import Store
from cybertrack.store.store import UNDATED_SPAN_DAYS
from cybertrack.store.web_queries import document_incidents, text_matches

MADE_BY = "cybertrack.resolve.linker/1"
#: ``link_pending`` links a backlog longer than this with one ``link_all`` pass.
FULL_PASS_ABOVE = 10_000


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """What a linking run did."""

    incidents: int
    pairs_scored: int
    links_found: int
    links_new: int
    #: Placements stored (documents without incidents beside an event: ``resolve.placement``).
    placements_new: int = 0


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
    keys = store.attribution_keys([i.id for i in incs], with_denials=True)
    doc_ids = {i.document_id for i in incs}
    infos = store.documents_info(doc_ids)
    leads = store.document_leads(doc_ids, LEAD_CHARS)
    empty: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    return {i.id: IncidentFeatures.of(i, states=keys.get(i.id, empty)[0],
                                      actors=keys.get(i.id, empty)[1],
                                      origin=infos[i.document_id].origin
                                      if i.document_id in infos else None,
                                      lead=leads.get(i.document_id, ""),
                                      published=infos[i.document_id].published
                                      if i.document_id in infos else None) for i in incs}


Checkpoint = Callable[[str], None]
"""Called with the name of each point a linking run passes ("linking:links-stored",
"linking:groups-stored"); tests pass one that kills the process there."""


def link_new(store: Store, document_ids: Iterable[str], *,
             checkpoint: Checkpoint | None = None) -> LinkSummary:
    """Link the incidents of ``document_ids`` to every compatible incident already stored,
    then mark the documents linked (``Store.clear_pending_links``).

    A pair is compared when the two share a target country and their own intervals (the date,
    else the year before publication) lie within ``MAX_GAP_DAYS`` of each other: the rule
    ``link_all`` sweeps by, which does not depend on which of the two was stored first. (It
    once searched only from the new incident, with a narrower window for undated ones, and
    never found stored undated incidents: a batch split by a kill, or a later ``link build``,
    then found links the uninterrupted run had not.)"""
    doc_ids = list(dict.fromkeys(document_ids))
    new: list[Incident] = []
    for doc_id in doc_ids:
        new.extend(store.incidents(document_id=doc_id))
    if not new:
        store.clear_pending_links(doc_ids)
        return LinkSummary(0, 0, 0, 0, _place(store, doc_ids))
    published = {k: v.published for k, v in
                 store.documents_info(i.document_id for i in new).items()}
    slack = dt.timedelta(days=MAX_GAP_DAYS)
    candidates: dict[str, Incident] = {}
    wanted: dict[str, set[str]] = {}
    windows: dict[str, tuple[dt.date, dt.date]] = {}
    for inc in new:
        span = own_span(inc.time, published.get(inc.document_id))
        if span is None:
            continue
        windows[inc.id] = (span[0] - slack, span[1] + slack)
        for country in dict.fromkeys(inc.targets):
            for cand in store.incidents_near(country, *windows[inc.id]):
                if cand.document_id != inc.document_id:
                    candidates[cand.id] = cand
                    wanted.setdefault(inc.id, set()).add(cand.id)
    # Blocking on shared rare terms, whatever the targets: the incidents of the batch's windows
    # (merged, one query each), each kept for the new incidents whose window its own span
    # meets, or whose document was published within ``TOGETHER_DAYS`` of theirs.
    together = dt.timedelta(days=TOGETHER_DAYS)
    pub_windows = {inc.id: (p.start - together, p.end + together) for inc in new
                   if inc.id in windows and (p := published.get(inc.document_id)) is not None}
    in_windows = {c.id: c for lo, hi in _merged([*windows.values(), *pub_windows.values()])
                  for c in store.incidents_between(lo, hi)}
    in_windows.update((i.id, i) for i in new)
    feats = _features(store, [*in_windows.values(), *new])
    cand_published = {k: v.published for k, v in store.documents_info(
        {c.document_id for c in in_windows.values()}).items()}
    by_key: dict[str, list[tuple[Incident, tuple[dt.date, dt.date], PartialDate | None]]] = {}
    for cand in in_windows.values():
        cpub = cand_published.get(cand.document_id)
        cspan = own_span(cand.time, cpub)
        if cspan is not None:
            for key in feats[cand.id].keys:
                by_key.setdefault(key, []).append((cand, cspan, cpub))
    for inc in new:
        if inc.id not in windows:
            continue
        lo, hi = windows[inc.id]
        plo, phi = pub_windows.get(inc.id, (dt.date.max, dt.date.min))
        for key in feats[inc.id].keys:
            for cand, (start, end), cpub in by_key.get(key, ()):
                if cand.document_id == inc.document_id:
                    continue
                if (start <= hi and end >= lo) or (
                        cpub is not None and cpub.start <= phi and cpub.end >= plo):
                    candidates[cand.id] = cand
                    wanted.setdefault(inc.id, set()).add(cand.id)
    # ...and the reverse: stored reports of the same week naming the new report's rarest names,
    # however their incidents are dated (found through the knowledge base's text search)
    firsts = {feats[i.id].document_id: feats[i.id] for i in reversed(new) if i.id in windows}
    same_week = named_together(store, firsts.values())
    feats.update(_features(store, [c for found in same_week.values() for c in found
                                   if c.id not in feats]))
    for doc_id, found in same_week.items():
        for inc in new:
            if inc.document_id != doc_id or inc.id not in windows:
                continue
            for cand in found:
                if feats[cand.id].keys & feats[inc.id].keys:
                    candidates[cand.id] = cand
                    wanted.setdefault(inc.id, set()).add(cand.id)
    feats.update(_features(store, [c for c in candidates.values() if c.id not in feats]))
    links: dict[str, Link] = {}
    scored: set[tuple[str, str]] = set()
    for inc in new:
        for cid in sorted(wanted.get(inc.id, ())):
            pair_key = (inc.id, cid) if inc.id < cid else (cid, inc.id)
            if cid == inc.id or pair_key in scored:
                continue
            scored.add(pair_key)
            pair = score_pair(feats[pair_key[0]], feats[pair_key[1]])
            if pair is not None and pair.score >= LINK_FLOOR:
                link = make_link(inc.id, cid, pair.score, pair.reasons)
                links[link.id] = link
    added = store.add_links(links.values()) if links else 0
    _passed(checkpoint, "linking:links-stored")
    refresh_groups(store, [i.id for i in new])
    _passed(checkpoint, "linking:groups-stored")
    store.clear_pending_links(doc_ids)
    return LinkSummary(len(new), len(scored), len(links), added, _place(store, doc_ids))


def link_pending(store: Store, *, checkpoint: Checkpoint | None = None) -> LinkSummary:
    """Link every document still waiting for it (``Store.pending_link_documents``): the
    documents an ingest just stored, and those a killed or ``--no-link`` run left unlinked.
    A backlog of more than ``FULL_PASS_ABOVE`` documents is cheaper as one ``link_all``."""
    from cybertrack.store.placements import pending_placement_documents

    pending = store.pending_link_documents()
    if len(pending) > FULL_PASS_ABOVE:
        return link_all(store)
    bare = pending_placement_documents(store)
    return link_new(store, [*pending, *bare], checkpoint=checkpoint)


def _place(store: Store, doc_ids: list[str]) -> int:
    """Store the placements of the documents without incidents among ``doc_ids``."""
    from cybertrack.resolve.placement import store_placements  # placement imports this module

    return store_placements(store, doc_ids)


def _passed(checkpoint: Checkpoint | None, point: str) -> None:
    if checkpoint is not None:
        checkpoint(point)


def link_all(store: Store) -> LinkSummary:
    """Compare every stored incident with every plausible partner (see module docstring)."""
    incidents = store.incidents()
    infos = store.documents_info({i.document_id for i in incidents})
    leads = store.document_leads({i.document_id for i in incidents}, LEAD_CHARS)
    published = {k: v.published for k, v in infos.items()}
    keys = store.attribution_keys(with_denials=True)
    empty: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    feats: dict[str, IncidentFeatures] = {}
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    pubs: dict[str, tuple[dt.date, dt.date]] = {}
    buckets: dict[str, list[str]] = {}
    pub_buckets: dict[str, list[str]] = {}
    for inc in incidents:
        span = own_span(inc.time, published.get(inc.document_id))
        if span is None:
            continue
        got = keys.get(inc.id, empty)
        info = infos.get(inc.document_id)
        feats[inc.id] = IncidentFeatures.of(inc, states=got[0], actors=got[1],
                                            origin=info.origin if info else None,
                                            lead=leads.get(inc.document_id, ""),
                                            published=info.published if info else None)
        spans[inc.id] = span
        pub = published.get(inc.document_id)
        for country in set(inc.targets):
            buckets.setdefault(country, []).append(inc.id)
        for term in feats[inc.id].keys:
            buckets.setdefault(f"term:{term}", []).append(inc.id)
            if pub is not None:
                pubs[inc.id] = (pub.start, pub.end)
                pub_buckets.setdefault(term, []).append(inc.id)
    seen: set[tuple[str, str]] = set()
    links: dict[str, Link] = {}
    # by their own intervals (within MAX_GAP_DAYS), then reports sharing a rare term by their
    # publication (within TOGETHER_DAYS): the pairs link_new finds (see its docstring)
    for bucket_set, span_of, days in ((buckets, spans, MAX_GAP_DAYS),
                                      (pub_buckets, pubs, TOGETHER_DAYS)):
        slack = dt.timedelta(days=days)
        for ids in bucket_set.values():
            ids.sort(key=lambda x: span_of[x][0])
            for n, a in enumerate(ids):
                reach_until = span_of[a][1] + slack
                for b in ids[n + 1:]:
                    if span_of[b][0] > reach_until:
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
    store.clear_pending_links({i.document_id for i in incidents})
    from cybertrack.resolve.placement import store_placements

    return LinkSummary(len(feats), len(seen), len(links), added, store_placements(store))


#: How many of a document's rarest names are searched for reports published the same week.
SEARCHED_NAMES = 4


#: How many names go into one text search (a batch's names are searched in chunks).
NAMES_PER_SEARCH = 40


def named_together(store: Store, docs: Iterable[IncidentFeatures]) -> dict[str, list[Incident]]:
    """For each document (by the features of one of its incidents, or of its stand-in), the
    stored incidents of other news reports published within ``TOGETHER_DAYS`` of it whose
    headlines or sentences name one of the batch's rarest names (``SEARCHED_NAMES`` a document,
    found by the knowledge base's text search, a chunk of names a query). A report may date its
    incident years before its publication ("in 2014 ..."), out of reach of any search by date.
    The caller keeps the candidates that share a rare term with its incident."""
    feats = [f for f in docs if f.published is not None and not f.origin.startswith("tracker:")]
    names: set[str] = set()
    for feat in feats:
        names.update(sorted((n for n in feat.names if " " not in n
                             and term_index.rarity(n) >= term_index.BLOCKING_RARITY),
                            key=lambda n: (-term_index.rarity(n), n))[:SEARCHED_NAMES])
    ordered = sorted(names)
    found: set[str] = set()
    for start in range(0, len(ordered), NAMES_PER_SEARCH):
        query = " OR ".join(ordered[start:start + NAMES_PER_SEARCH])
        found.update(m.document_id for m in text_matches(store, query, limit=500))
    wanted: dict[str, list[str]] = {}
    for doc_id, info in store.documents_info(found).items():
        if info.published is None or info.origin != doc_id:
            continue
        for feat in feats:
            if doc_id != feat.document_id and feat.published is not None and \
                    gap_days(info.published, feat.published) <= TOGETHER_DAYS:
                wanted.setdefault(feat.document_id, []).append(doc_id)
    every = sorted({d for ds in wanted.values() for d in ds})
    of_doc = document_incidents(store, every) if every else {}
    by_id = {i.id: i for i in store.incidents_by_id(
        [x for ids in of_doc.values() for x in ids])} if of_doc else {}
    return {doc: [by_id[x] for d in ds for x in of_doc.get(d, ()) if x in by_id]
            for doc, ds in wanted.items()}


def _merged(spans: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Overlapping intervals merged, in order."""
    out: list[tuple[dt.date, dt.date]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def own_span(time: PartialDate | None, published: PartialDate | None
             ) -> tuple[dt.date, dt.date] | None:
    """The interval an incident is swept by: its date, else the year before publication
    (``Store.incidents_near`` selects by the same rule)."""
    if time is not None:
        return time.start, time.end
    if published is not None:
        return published.end - dt.timedelta(days=UNDATED_SPAN_DAYS), published.end
    return None
