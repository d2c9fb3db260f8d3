"""Finding incidents: full-text search, filters, and a search term where an id is expected.

The functions here are what ``cybertrack search``, ``cybertrack incidents`` and ``cybertrack
incident TERM`` call, and what a web front end would call:

    >>> from cybertrack.analysis.search import search, find_incidents, IncidentFilter
    >>> search(store, "Albania ransomware").incidents[0].incident_id
    >>> find_incidents(store, IncidentFilter(kind="destruction", attributed_to="Iran"))
    >>> resolve_incident(store, "HomeLand Justice")   # an id, a prefix, or a search term

A search hit is an *event* (an incident group): reports of one event are listed once, with
the report whose text matched best as its id. Actors are matched by name and alias (the
knowledge base's own actors and the reference data), and the incidents attributed to a
matched actor are hits too, so "Fancy Bear" finds what reports call APT28.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from cybertrack.errors import CybertrackError, NotFoundError
from cybertrack.gcpause import paused_gc
from cybertrack.model import Entity, Incident, PartialDate
from cybertrack.reference import Reference, load_reference
from cybertrack.store import Store
from cybertrack.store.curation import rejected_ids
from cybertrack.store.web_queries import (
    AttributedTo,
    TextMatch,
    WordReach,
    actor_incidents,
    attributing_claims,
    common_events_ranked,
    document_incidents,
    excerpts_of,
    incidents_by_actor,
    keep_within,
    matches_within,
    text_matches,
)
from cybertrack.vocab import INCIDENT_KINDS


class AmbiguousSearchError(CybertrackError):
    """A search term given where one incident is expected matches several events."""

    def __init__(self, term: str, hits: list[SearchHit]) -> None:
        shown = "\n".join(f"  {h.short_id}  {h.describe()}" for h in hits[:10])
        more = f"\n  ... and {len(hits) - 10} more" if len(hits) > 10 else ""
        super().__init__(f"{term!r} matches {len(hits)} incidents; give one of these ids:\n"
                         f"{shown}{more}")
        self.term = term
        self.hits = hits


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One event whose reports (or claims about it) match, with why."""

    incident_id: str
    group_id: str
    title: str
    date: PartialDate | None
    targets: tuple[str, ...]
    kinds: tuple[str, ...]
    matched: tuple[str, ...]
    excerpt: str
    reports: int
    score: float
    rejected: bool = False

    @property
    def short_id(self) -> str:
        return self.incident_id.split("--", 1)[-1][:10]

    def describe(self) -> str:
        when = self.date.iso() if self.date else "undated"
        return (f"{when}  {', '.join(self.targets) or '?'}  {self.title[:70]}"
                + ("  [rejected]" if self.rejected else ""))


@dataclass(frozen=True, slots=True)
class ActorHit:
    """A threat actor whose name or an alias matches."""

    id: str
    name: str
    aliases: tuple[str, ...]
    sponsor: str | None
    matched: str
    incidents: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What ``search`` found: events (best first) and actors."""

    query: str
    incidents: tuple[SearchHit, ...]
    actors: tuple[ActorHit, ...] = ()


_WHAT = {"incident": "incident text", "claim": "a claim's sentence", "document": "title"}


def _actors_named(store: Store, query: str, ref: Reference) -> list[ActorHit]:
    """Actors whose name or an alias contains the query (any case): the first 20, exact
    matches first, then by name (``incidents`` not counted yet)."""
    key = " ".join(query.split()).casefold()
    if len(key) < 3:
        return []
    found: dict[str, tuple[Entity | None, str, str, tuple[str, ...], str | None]] = {}
    for e in store.entities("threat-actor"):
        names = (e.name, *e.aliases)
        hit = next((n for n in names if key in n.casefold()), None)
        if hit:
            found[e.id] = (e, hit, e.name, e.aliases, e.sponsor)
    for entry in ref.entries("threat-actor"):
        if entry.id in found:
            continue
        names = (entry.name, *entry.aliases)
        hit = next((n for n in names if key in n.casefold()), None)
        if hit:
            found[entry.id] = (None, hit, entry.name, tuple(entry.aliases), entry.sponsor)
    first = sorted(found.items(), key=lambda kv: (kv[1][1].casefold() != key, kv[1][2]))[:20]
    return [ActorHit(actor_id, name, aliases, sponsor, hit, 0)
            for actor_id, (_, hit, name, aliases, sponsor) in first]


def _actor_hits(store: Store, query: str, ref: Reference, named: list[ActorHit] | None = None,
                within: Sequence[str] | None = None) -> list[tuple[ActorHit, set[str]]]:
    """``_actors_named`` with the ids of the incidents some asserted claim attributes to
    each (``within``: among those only, and then not counted)."""
    if named is None:
        named = _actors_named(store, query, ref)
    attributed = actor_incidents(store, [(a.id, (a.name, *a.aliases)) for a in named],
                                 within)
    return [(replace(a, incidents=len(ids)), ids)
            for a, ids in zip(named, attributed, strict=True)]


def search(store: Store, query: str, *, limit: int = 20, ref: Reference | None = None,
           include_rejected: bool = False) -> SearchResult:
    """Events whose titles or sentences match ``query`` (full text: every word, "phrases",
    OR, -word), best first, and actors whose name or alias contains it, whose incidents are
    hits as well. Rejected incidents are left out unless ``include_rejected``."""
    ref = ref or load_reference()
    words = query.split()
    if len(words) > 1 and not any(w == "OR" or w.startswith(("-", '"')) or '"' in w
                                  for w in words):
        # thousands of matches, incidents and hits, none in a reference cycle: the cyclic
        # collector walked them all for nothing ("Bench Actor 12" on the 50k bench KB:
        # 1.50 -> 1.16 s; see ``cybertrack.gcpause``)
        with paused_gc():
            return _all_words(store, query, words, limit, ref, include_rejected)
    matches = text_matches(store, query, limit=max(200, limit * 10))
    actors = _actor_hits(store, query, ref)
    hits = _hits(store, matches, actors, include_rejected, within=None)
    return SearchResult(query, tuple(hits[:limit]), tuple(a for a, _ in actors))


def _hits(store: Store, matches: list[TextMatch], actors: list[tuple[ActorHit, set[str]]],
          include_rejected: bool, within: set[str] | None,
          read: _Read | None = None, pending: int | None = None) -> list[SearchHit]:
    """The events these text matches and actors' incidents make, best first (``within``:
    only these incidents count; ``read``: ``within``'s incidents and events, already read,
    so that the words of one search do not each read them again; ``pending``: the matches
    of word ``pending``, whose excerpts may be left empty (``excerpts=False``): a hit's
    excerpt that is so is the mark ``_pending`` of the match that gives it, for
    ``_with_excerpts`` to replace)."""
    from cybertrack.resolve.groups import ensure_groups

    # incident id -> (score, what matched, excerpt)
    scored: dict[str, tuple[float, list[str], str]] = {}
    untied_docs: dict[str, TextMatch] = {}

    def excerpt(iid: str, m: TextMatch) -> str:
        """The excerpt ``_score`` keeps for ``iid`` if it has none yet (the first match's)."""
        old = scored.get(iid)
        if old is not None and old[2]:
            return ""
        return m.excerpt or ("" if pending is None else _pending(pending, m))

    for m in matches:
        if m.incident_id is None:
            untied_docs.setdefault(m.document_id, m)
            continue
        if within is None or m.incident_id in within:
            _score(scored, m.incident_id, m.rank, _WHAT.get(m.kind, m.kind),
                   excerpt(m.incident_id, m))
    if untied_docs:  # a title or untied claim: the document's incidents
        of_doc = document_incidents(store, list(untied_docs))
        for doc_id, m in untied_docs.items():
            for iid in of_doc.get(doc_id, ()):
                if within is None or iid in within:
                    _score(scored, iid, m.rank * 0.9, _WHAT.get(m.kind, m.kind),
                           excerpt(iid, m))
    for hit, ids in actors:
        for iid in ids:
            if within is None or iid in within:
                _score(scored, iid, 0.5, f"attributed to {hit.name}", "")
    if not scored:
        return []
    if read is None:
        ensure_groups(store)
        rejected = set() if include_rejected else rejected_ids(store, "incident")
        incidents = {i.id: i for i in store.incidents_by_id(scored) if i.id not in rejected}
        event_of = {i: g.group_id for i, g in store.incident_groups_of(incidents).items()}
    else:  # a multi-word search read its candidates, their events and the rejected once
        rejected = read.rejected
        # the same incidents in the same (time, id) order as incidents_by_id(scored)
        incidents = {i.id: i for i in read.incidents if i.id in scored and i.id not in rejected}
        event_of = read.events
    events: dict[str, list[Incident]] = {}
    for iid, inc in incidents.items():
        events.setdefault(event_of.get(iid, iid), []).append(inc)
    hits = []
    for gid, members in events.items():
        best = max(members, key=lambda i: (scored[i.id][0], i.id))
        score, matched, excerpt_of_best = scored[best.id]
        total = sum(scored[i.id][0] for i in members)
        hits.append(SearchHit(
            best.id, gid, best.title or best.sentence[:80], best.time,
            tuple(dict.fromkeys(t for i in members for t in i.targets)),
            tuple(dict.fromkeys(k for i in members for k in i.kinds)),
            tuple(dict.fromkeys(w for i in members for w in scored[i.id][1])),
            excerpt_of_best or best.sentence[:160], len(members), total, best.id in rejected))
    hits.sort(key=lambda h: (-h.score, h.incident_id))
    return hits


#: How a hit's excerpt not read yet is marked (``_pending``): no excerpt starts with it.
_MARK = "\0"


def _pending(word: int, m: TextMatch) -> str:
    """The mark standing for ``m``'s excerpt for the search's word ``word``."""
    return f"{_MARK}{word}{_MARK}{m.row_id}"


def _with_excerpts(store: Store, words: Sequence[str], hits: Sequence[SearchHit]
                   ) -> list[SearchHit]:
    """``hits`` with each excerpt still marked (``_pending``) read: one statement per word,
    for the rows of the hits shown only (a word's excerpts for every match it has among
    thousands of candidates were most of its cost on PostgreSQL). A row gone since it was
    ranked (its document extracted again meanwhile) leaves the excerpt empty."""
    wanted: dict[int, list[str]] = {}
    for h in hits:
        if h.excerpt.startswith(_MARK):
            word, row = h.excerpt[len(_MARK):].split(_MARK, 1)
            wanted.setdefault(int(word), []).append(row)
    if not wanted:
        return list(hits)
    read = {(k, row): text for k, rows in wanted.items()
            for row, text in excerpts_of(store, words[k], rows).items()}
    out = []
    for h in hits:
        if h.excerpt.startswith(_MARK):
            word, row = h.excerpt[len(_MARK):].split(_MARK, 1)
            h = replace(h, excerpt=read.get((int(word), row), ""))
        out.append(h)
    return out


def _all_words(store: Store, query: str, words: list[str], limit: int, ref: Reference,
               include_rejected: bool) -> SearchResult:
    """Plain words: an event matches when each word is found somewhere in it (any of its
    reports or claims, or, for a country's name or demonym, among its targets), not
    necessarily in one sentence: "ransomware Albania" finds the attack whose title says
    Albanian and whose vendor report says ransomware.

    Two passes, so that a query whose words each match thousands of records costs what its
    few common events cost: first the events each word reaches (one unranked statement per
    word, plus its actors', country's or kind's incidents), intersected; then each word's
    matches ranked among the members of those events only, scored as a one-word search
    scores them."""
    from cybertrack.resolve.groups import ensure_groups

    ensure_groups(store)
    reach: list[tuple[list[ActorHit], list[str], str, str]] = []
    wants: list[WordReach] = []
    for w in words:
        named = _actors_named(store, w, ref)
        country = ref.find_country(w)
        code = country.code if country is not None else None
        kind = w.casefold() if w.casefold() in INCIDENT_KINDS else None
        extra: list[str] = []  # a country's incidents are read among the common events only
        if code is None and kind is not None:
            extra = [i.id for i in find_incidents(
                store, IncidentFilter(kind=kind, include_rejected=include_rejected), ref)]
        wants.append(WordReach(
            w, tuple(a.id for a in named),
            tuple(sorted({n.lower() for a in named for n in (a.name, *a.aliases)})),
            code, tuple(extra)))
        reach.append((named, extra, code or "", f"target {code}" if code else f"kind {kind}"))
    # the words' matches ranked without excerpts where they are dear: the hits shown get
    # theirs afterwards (``_with_excerpts``)
    common, ranked, event_of, claims = common_events_ranked(store, wants, excerpts=False)
    if not common:
        return SearchResult(query, (), tuple(a for a, _ in _actor_hits(store, query, ref)))
    if event_of is None:  # the last word was read whole: the events' reports are read here
        members = store.group_members(common)
        event_of = {i: g for g in common for i in members.get(g, [g])}
    within = set(event_of)
    # the candidates' incidents read once for all the words, with the events their reports
    # make as common_events_ranked found them (each word's _hits and a country's targets read
    # them again: 0.67 s of 4.4 s for "Bench Actor 12" on 50k docs)
    read = _Read(store.incidents_by_id(within), event_of,
                 set() if include_rejected else rejected_ids(store, "incident"))
    docs = {i.document_id for i in read.incidents}
    # every word's actors' incidents among the candidates in one statement ("Bench" and
    # "Actor" name the same twenty actors)
    named_all = list({a.id: a for named, *_ in reach for a in named}.values())
    if claims is not None:  # read by common_events_ranked among the candidates and more
        sets = incidents_by_actor([c for c in claims if c[0] in within],
                                  [(a.id, (a.name, *a.aliases)) for a in named_all])
    else:
        sets = [ids for _, ids in _actor_hits(store, query, ref, named_all, sorted(within))]
    attributed = dict(zip((a.id for a in named_all), sets, strict=True))
    per_word = []
    for k, (w, (named, extra, code, why)) in enumerate(zip(words, reach, strict=True)):
        # a word's ranked matches, when common_events read them (among the documents of
        # events it tested, or all of them), hold every one matches_within would find
        rows = ranked[k]
        matches = (keep_within(rows, within, docs) if rows is not None
                   else matches_within(store, w, sorted(within), excerpts=False))
        actors_w = [(replace(a, incidents=len(attributed[a.id])), attributed[a.id])
                    for a in named]
        found = {h.group_id: h for h in _hits(store, matches, actors_w, include_rejected,
                                              within, read, pending=k)}
        if code or extra:
            ids = set([i.id for i in read.incidents if code in i.targets] if code
                      else [i for i in extra if i in within])
            for inc in (i for i in read.incidents if i.id in ids):
                gid = read.events.get(inc.id, inc.id)
                if gid not in found:
                    found[gid] = SearchHit(inc.id, gid, inc.title or inc.sentence[:80],
                                           inc.time, inc.targets, inc.kinds, (why,),
                                           inc.sentence[:160], 1, 0.1)
        per_word.append(found)
    both = set(per_word[0]).intersection(*per_word[1:])
    hits = []
    for gid in both:
        parts = [f[gid] for f in per_word]
        best = max(parts, key=lambda h: h.score)
        hits.append(SearchHit(
            best.incident_id, gid, best.title, best.date,
            tuple(dict.fromkeys(t for h in parts for t in h.targets)),
            tuple(dict.fromkeys(k for h in parts for k in h.kinds)),
            tuple(dict.fromkeys(m for h in parts for m in h.matched)), best.excerpt,
            max(h.reports for h in parts), sum(h.score for h in parts), best.rejected))
    hits.sort(key=lambda h: (-h.score, h.incident_id))
    actors = _actor_hits(store, query, ref)
    return SearchResult(query, tuple(_with_excerpts(store, words, hits[:limit])),
                        tuple(a for a, _ in actors))


@dataclass(frozen=True, slots=True)
class _Read:
    """A multi-word search's candidate incidents (``incidents_by_id`` order: time, id), their
    events (incident id -> its group's id, or its own when ungrouped) and the rejected
    incidents' ids (none when they are included), read once."""

    incidents: list[Incident]
    events: dict[str, str]
    rejected: set[str]


def _score(scored: dict[str, tuple[float, list[str], str]], iid: str, rank: float,
           what: str, excerpt: str) -> None:
    old = scored.get(iid)
    if old is None:
        scored[iid] = (rank, [what], excerpt)
        return
    matched = old[1] if what in old[1] else [*old[1], what]
    scored[iid] = (old[0] + rank, matched, old[2] or excerpt)


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """What ``find_incidents`` keeps (every filter given must hold). ``since``/``until`` keep
    incidents whose time overlaps [since, until] (undated ones left out when either is given);
    ``kind`` and ``sector`` match the incident's own lists (any case); ``target`` a country
    (code, name, demonym, capital); ``attributed_to`` a state or an actor (asserted
    attributions only, by any source); ``source`` the reporting document's publisher, title
    or address (a case-insensitive part of it)."""

    since: dt.date | None = None
    until: dt.date | None = None
    kind: str | None = None
    sector: str | None = None
    target: str | None = None
    attributed_to: str | None = None
    source: str | None = None
    include_rejected: bool = False


def attributed_filter(store: Store, name: str, ref: Reference) -> AttributedTo:
    """The "attributed to ``name``" filter as one SQL condition (``store.search.event_heads``
    applies it): the claims ``find_incidents`` keeps for it, rejected claims and, for a
    state, other groups' self-claims left out."""
    from cybertrack.analysis.reach import resolve_subject

    subj = resolve_subject(store, name, ref)
    return AttributedTo(tuple(subj.states), tuple(subj.actor_ids), tuple(subj.actor_names),
                        subj.kind == "state", tuple(sorted(rejected_ids(store, "claim"))))


def find_incidents(store: Store, f: IncidentFilter, ref: Reference | None = None,
                   within: Collection[str] | None = None) -> list[Incident]:
    """Incident records (one per report) matching every filter in ``f``, earliest first.
    Targets and dates set by hand (``cybertrack incident set``) count instead of the
    extracted ones; rejected incidents are left out unless ``f.include_rejected``.
    ``within``: only these incidents are considered (a search's hits), so a filtered search
    reads its hits, not the whole knowledge base."""
    from cybertrack.analysis.reach import resolve_subject
    from cybertrack.store.curation import curations

    ref = ref or load_reference()
    code = ref.country(f.target).code if f.target else None
    marks = curations(store, "incident")
    hand = {i for i, c in marks.items() if c.targets is not None or c.date is not None}
    keep: set[str] | None = None
    if f.attributed_to:  # first, so that only the attributed incidents are read
        subj = resolve_subject(store, f.attributed_to, ref)
        dropped = rejected_ids(store, "claim")
        claims = attributing_claims(store, subj.states, subj.actor_ids, subj.actor_names)
        keep = {iid for claim_id, iid, kind, actor_id in claims
                if claim_id not in dropped and not (  # a group's own claim names no sponsor
                    kind == "self-claim" and subj.kind == "state"
                    and actor_id not in subj.actor_ids)}
        within = keep if within is None else set(within) & keep
    if within is not None:
        hand &= set(within)
    if within is None:
        incs = store.incidents(target=code, since=f.since, until=f.until)
    else:
        incs = [i for i in store.incidents_by_id(within) if (
            code is None or code in i.targets) and (
            f.since is None or (i.time is not None and i.time.end >= f.since)) and (
            f.until is None or (i.time is not None and i.time.start <= f.until))]
    if hand:  # records whose hand-set targets or date may now match, or no longer match
        have = {i.id for i in incs}
        incs += [i for i in store.incidents_by_id(hand - have)]
        incs = [_as_curated(i, marks.get(i.id)) for i in incs]
        incs = [i for i in incs if (code is None or code in i.targets)
                and (f.since is None or (i.time is not None and i.time.end >= f.since))
                and (f.until is None or (i.time is not None and i.time.start <= f.until))]
        incs.sort(key=lambda i: (i.time is None, i.time.start if i.time else dt.date.max,
                                 i.id))
    if not f.include_rejected:
        incs = [i for i in incs if not (i.id in marks and marks[i.id].rejected)]
    if f.kind:
        k = f.kind.casefold()
        incs = [i for i in incs if k in {x.casefold() for x in i.kinds}]
    if f.sector:
        s = f.sector.casefold()
        incs = [i for i in incs if any(s in x.casefold() for x in i.sectors)]
    if keep is not None:
        incs = [i for i in incs if i.id in keep]
    if f.source:
        needle = f.source.casefold()
        docs = store.documents_info({i.document_id for i in incs})
        incs = [i for i in incs if i.document_id in docs and any(
            needle in (x or "").casefold() for x in (
                docs[i.document_id].publisher, docs[i.document_id].title,
                docs[i.document_id].source))]
    return incs


def _as_curated(inc: Incident, mark: object) -> Incident:
    from dataclasses import replace

    from cybertrack.store.curation import Curation

    if not isinstance(mark, Curation):
        return inc
    if mark.targets is not None:
        inc = replace(inc, targets=mark.targets)
    if mark.date is not None:
        inc = replace(inc, time=mark.date)
    return inc


# --- a search term where an id is expected -------------------------------------------------


def resolve_incident(store: Store, term: str, ref: Reference | None = None) -> str:
    """The incident id for ``term``: a full id or unique prefix, else the one event a search
    for it finds. Several events raise ``AmbiguousSearchError`` listing them; none,
    ``NotFoundError``."""
    from cybertrack.resolve.ids import find_incident

    try:
        return find_incident(store, term)
    except NotFoundError:
        pass
    found = search(store, term, limit=50, ref=ref).incidents
    if not found:
        raise NotFoundError("incident (id or search term)", term)
    if len(found) > 1:
        raise AmbiguousSearchError(term, list(found))
    return found[0].incident_id
