"""What each page and API endpoint shows, assembled from ``analysis/`` and ``report/``.

The web layer holds no analysis of its own: an incident is ``assess`` + ``chain`` +
``incident_report`` (what ``cybertrack incident`` prints), search and filters are
``analysis.search`` (what ``cybertrack search`` / ``incidents`` call), a state's or actor's
reach is ``analysis.reach``. What is added here is only the shaping a web page needs: reports
of one event listed once (by their stored incident group), sorting and pages, and a few
counts for the home page. Pages (Jinja) and the JSON API read the same objects, so they can
never say different things.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from cybertrack.analysis import assess, chain
from cybertrack.analysis.assessment import Assessment
from cybertrack.analysis.responses import Chain
from cybertrack.analysis.search import (
    IncidentFilter,
    SearchHit,
    SearchResult,
    find_incidents,
    search,
)
from cybertrack.analysis.sources import country_name
from cybertrack.errors import WebRequestError
from cybertrack.model import Claim, Document, Incident, Link, Mention, PartialDate
from cybertrack.reference import Reference
from cybertrack.report.document import Report
from cybertrack.report.incident import incident_report
from cybertrack.store import Store
from cybertrack.store.analytics import DocumentInfo

#: Assessment statuses the list can filter on. ``single-source``: one document reports the
#: event; the others are read from the event's assessment.
STATUSES = ("contested", "single-source", "attributed", "unattributed", "self-claimed",
            "denied")
SORTS = ("relevance", "date", "-date", "reports", "-reports", "title")
#: Assessments worked out for a status filter, at most (each takes a few milliseconds).
STATUS_CAP = 500
MAX_PER_PAGE = 100


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The incidents list's query string, as pages and the API both read it."""

    q: str = ""
    since: str = ""
    until: str = ""
    kind: str = ""
    sector: str = ""
    target: str = ""
    attributed_to: str = ""
    source: str = ""
    status: str = ""
    sort: str = ""
    page: int = 1
    per_page: int = 25
    include_rejected: bool = False

    def filters(self) -> dict[str, str]:
        """The filters given (for links and the "download this selection" URLs)."""
        keys = ("q", "since", "until", "kind", "sector", "target", "attributed_to", "source",
                "status")
        return {k: getattr(self, k) for k in keys if getattr(self, k)}

    def checked(self) -> ListQuery:
        if self.status and self.status not in STATUSES:
            raise WebRequestError(f"status {self.status!r} is unknown; choose one of "
                                f"{', '.join(STATUSES)}")
        if self.sort and self.sort not in SORTS:
            raise WebRequestError(f"sort {self.sort!r} is unknown; choose one of "
                                f"{', '.join(SORTS)}")
        return replace(self, page=max(1, self.page),
                       per_page=min(MAX_PER_PAGE, max(1, self.per_page)))


def _date(text: str, what: str, end: bool) -> dt.date | None:
    if not text:
        return None
    try:
        d = PartialDate.parse(text)
    except ValueError as exc:
        raise WebRequestError(f"{what} {text!r} is not a date: use 2022-09-07, 2022-09 or "
                            "2022") from exc
    return d.end if end else d.start


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event (incident group) in a list: its best-matching or earliest report's id."""

    incident_id: str
    group_id: str
    title: str
    date: PartialDate | None
    targets: tuple[str, ...]
    kinds: tuple[str, ...]
    reports: int
    documents: int
    attributed: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()
    excerpt: str = ""
    score: float = 0.0
    status: tuple[str, ...] = ()

    @property
    def short_id(self) -> str:
        return self.incident_id.split("--", 1)[-1][:10]


@dataclass(frozen=True, slots=True)
class EventPage:
    query: ListQuery
    total: int
    rows: tuple[EventRow, ...]
    actors: tuple[Any, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def _events_of(store: Store, records: Sequence[Incident]) -> dict[str, list[Incident]]:
    from cybertrack.store.web_queries import groups_of

    groups = groups_of(store, [i.id for i in records])
    events: dict[str, list[Incident]] = {}
    for inc in records:
        events.setdefault(groups.get(inc.id, inc.id), []).append(inc)
    return events


def _start(d: PartialDate | None) -> dt.date:
    return d.start if d is not None else dt.date.max


def _row(gid: str, members: Sequence[Incident], hit: SearchHit | None) -> EventRow:
    first = min(members, key=lambda i: (_start(i.time), i.id))
    rep = next((i for i in members if hit is not None and i.id == hit.incident_id), first)
    dated = [i.time for i in members if i.time is not None]
    when = min(dated, key=lambda d: (d.start, d.end)) if dated else None
    return EventRow(
        rep.id, gid, rep.title or rep.sentence[:80], when,
        tuple(dict.fromkeys(t for i in members for t in i.targets)),
        tuple(dict.fromkeys(k for i in members for k in i.kinds)),
        len(members), len({i.document_id for i in members}),
        matched=hit.matched if hit else (), excerpt=hit.excerpt if hit else "",
        score=hit.score if hit else 0.0)


def list_events(store: Store, ref: Reference, query: ListQuery,
                cache: TTLCache | None = None) -> EventPage:
    """The events matching ``query`` (every filter given must hold), sorted, one page.
    ``cache``: where a search's result is kept (``cached_search``), so that the pages,
    filters and sorts of one search, and a second visitor, do not search again."""
    from cybertrack.resolve.groups import ensure_groups

    query = query.checked()
    flt = IncidentFilter(
        since=_date(query.since, "since", False), until=_date(query.until, "until", True),
        kind=query.kind or None, sector=query.sector or None, target=query.target or None,
        attributed_to=query.attributed_to or None, source=query.source or None,
        include_rejected=query.include_rejected)
    ensure_groups(store)
    hits: dict[str, SearchHit] = {}
    actors: tuple[Any, ...] = ()
    within: set[str] | None = None
    if query.q.strip():
        found = cached_search(cache, store, ref, query.q, 1000, query.include_rejected)
        actors = found.actors
        hits = {h.group_id: h for h in found.incidents}
    sort = query.sort or ("relevance" if hits else "-date")
    lo = (query.page - 1) * query.per_page
    if hits and sort == "relevance" and not (
            query.status or flt.since or flt.until or flt.kind or flt.sector or flt.target
            or flt.attributed_to or flt.source):
        sliced = _search_page(store, ref, flt, list(hits.values())[lo:lo + query.per_page])
        if sliced is not None:
            return EventPage(query, len(hits), tuple(_attributed(store, ref, sliced)), actors,
                             ())
    if hits:  # the filters are applied to the hits' reports only, not to the whole KB
        members = store.group_members(hits)
        within = {i for g, h in hits.items() for i in members.get(g, [h.incident_id])}
    light = None if (query.q.strip() or query.status or query.kind or query.sector
                     or query.source or sort == "title") else _event_page(
                         store, ref, flt, sort, lo, query.per_page)
    if light is not None:  # grouped, counted and sorted by the database; the page read whole
        total, page = light
        member = {i: g for g, ids in page for i in ids}
        shown_events: dict[str, list[Incident]] = {g: [] for g, _ in page}
        for inc in store.incidents_by_id(member):
            shown_events[member[inc.id]].append(inc)
        shown = [_row(g, shown_events[g], None) for g, _ in page]
        return EventPage(query, total, tuple(_attributed(store, ref, shown)), actors, ())
    records = find_incidents(store, flt, ref, within=within)
    events = _events_of(store, records)
    if query.q.strip():
        # a hit's group id is that of its best report; events are keyed by their group id too
        events = {g: m for g, m in events.items() if g in hits}
    notes: list[str] = []
    if query.status:  # every event's assessment is needed: its whole row
        rows = [_row(g, m, hits.get(g)) for g, m in events.items()]
        rows, note = _with_status(store, ref, rows, query.status)
        notes += [note] if note else []
        rows.sort(key=_row_key(sort, bool(hits)))
        total, shown = len(rows), rows[lo:lo + query.per_page]
    else:  # sorted on keys worked out from the members; rows built for the page only
        order = sorted(events, key=lambda g: _event_key(sort, bool(hits), events[g],
                                                        hits.get(g)))
        total = len(order)
        shown = [_row(g, events[g], hits.get(g)) for g in order[lo:lo + query.per_page]]
    return EventPage(query, total, tuple(_attributed(store, ref, shown)), actors,
                     tuple(notes))


def _search_page(store: Store, ref: Reference, flt: IncidentFilter,
                 shown: Sequence[SearchHit]) -> list[EventRow] | None:
    """The rows of these hits of a search filtered by nothing else, in the order given: what
    the whole list sorted by relevance shows of them, with only their reports read. Every
    hit is an event of the list then (a hit is made of reports that are not rejected, unless
    rejected ones are included, and no filter drops one), and the list's relevance order is
    the search's (score, then the best report's id), so the total is the number of hits and
    a page is a slice of them: reading the reports of every hit to sort them took a third of
    a three-word search's page (1,000 hits). None when a hit's reports no longer make its
    event (regrouped since the search): the caller lists them whole."""
    members = store.group_members(h.group_id for h in shown)
    within = {i for h in shown for i in members.get(h.group_id, [h.incident_id])}
    events = _events_of(store, find_incidents(store, flt, ref, within=within))
    if any(h.group_id not in events for h in shown):
        return None
    return [_row(h.group_id, events[h.group_id], h) for h in shown]


def cached_search(cache: TTLCache | None, store: Store, ref: Reference, q: str, limit: int,
                  include_rejected: bool) -> SearchResult:
    """``search``'s result, kept in ``cache`` (when given) for its lifetime under the query,
    limit and rejected flag, as the other pages' results are."""
    def make() -> SearchResult:
        return search(store, q, limit=limit, ref=ref, include_rejected=include_rejected)

    return make() if cache is None else cache.get(("search", q, limit, include_rejected), make)


def _event_page(store: Store, ref: Reference, flt: IncidentFilter, sort: str, offset: int,
                limit: int) -> tuple[int, list[tuple[str, list[str]]]] | None:
    """The number of events ``find_incidents(flt)`` gives and one page of them in ``sort``
    order (``store.search.event_page``: the database groups, counts and sorts three
    columns); None when a target or date set by hand could move an incident in or out
    (then only whole records say)."""
    from cybertrack.analysis.search import attributed_filter
    from cybertrack.store.curation import curations
    from cybertrack.store.web_queries import event_page

    code = ref.country(flt.target).code if flt.target else None
    marks = curations(store, "incident")
    if any(c.targets is not None or c.date is not None for c in marks.values()):
        return None
    attributed = attributed_filter(store, flt.attributed_to, ref) if flt.attributed_to \
        else None
    dropped = () if flt.include_rejected else tuple(sorted(
        i for i, c in marks.items() if c.rejected))
    # without a search, "relevance" is by date, earliest first (as ``_row_key`` has it)
    return event_page(store, sort="date" if sort == "relevance" else sort, offset=offset,
                      limit=limit, target=code, since=flt.since, until=flt.until,
                      attributed=attributed, dropped=dropped)


def _row_key(sort: str, hits: bool) -> Callable[[EventRow], Any]:
    """How rows are ordered for ``sort`` (ties by the row's incident id, so both ways of
    listing, ``_row_key`` and ``_event_key``, give one order)."""
    if sort == "relevance" and hits:
        return lambda r: (-r.score, r.incident_id)
    if sort in ("date", "relevance"):
        return lambda r: (_start(r.date), r.incident_id)
    if sort == "-date":
        return lambda r: (r.date is None, -(r.date.start.toordinal() if r.date else 0),
                          r.incident_id)
    if sort == "reports":
        return lambda r: (r.reports, r.incident_id)
    if sort == "-reports":
        return lambda r: (-r.reports, r.incident_id)
    return lambda r: (r.title.casefold(), r.incident_id)


def _event_key(sort: str, hits: bool, members: Sequence[Incident], hit: SearchHit | None
               ) -> tuple[Any, ...]:
    """``_row_key(sort)`` of the row ``_row`` would build from these members, without
    building it (a list of thousands of events shows 25)."""
    first = min(members, key=lambda i: (_start(i.time), i.id))
    rep = next((i for i in members if hit is not None and i.id == hit.incident_id), first)
    if sort == "relevance" and hits:
        return (-(hit.score if hit else 0.0), rep.id)
    if sort in ("date", "relevance", "-date"):
        starts = [i.time.start for i in members if i.time is not None]
        if sort == "-date":
            return (not starts, -(min(starts).toordinal() if starts else 0), rep.id)
        return (min(starts) if starts else dt.date.max, rep.id)
    if sort in ("reports", "-reports"):
        return (len(members) if sort == "reports" else -len(members), rep.id)
    return ((rep.title or rep.sentence[:80]).casefold(), rep.id)


def _attributed(store: Store, ref: Reference, rows: Sequence[EventRow]) -> list[EventRow]:
    """Each row with the states its reports' asserted attributions name."""
    members = store.group_members({r.group_id for r in rows})
    ids = {i for r in rows for i in members.get(r.group_id, [r.incident_id])}
    keys = store.attribution_keys(ids) if ids else {}
    out = []
    for r in rows:
        states = sorted({s for i in members.get(r.group_id, [r.incident_id])
                         for s in keys.get(i, (frozenset(), frozenset()))[0]})
        out.append(replace(r, attributed=tuple(country_name(s, ref) for s in states)))
    return out


def event_status(a: Assessment) -> tuple[str, ...]:
    """The statuses an event's assessment has (those of ``STATUSES``)."""
    out = []
    if a.contested:
        out.append("contested")
    if len(a.case.documents) == 1:
        out.append("single-source")
    out.append("attributed" if a.candidates else "unattributed")
    if a.self_claims:
        out.append("self-claimed")
    if a.denials or a.accused_denials:
        out.append("denied")
    return tuple(out)


def _with_status(store: Store, ref: Reference, rows: list[EventRow], status: str
                 ) -> tuple[list[EventRow], str]:
    if status == "single-source":
        return [r for r in rows if r.documents == 1], ""
    note = ""
    if len(rows) > STATUS_CAP:
        rows = sorted(rows, key=lambda r: (r.date is None, -(r.date.start.toordinal()
                                                             if r.date else 0)))[:STATUS_CAP]
        note = (f"status '{status}' was worked out for the {STATUS_CAP} latest events of the "
                "selection only; narrow the filters to see all")
    kept = []
    for r in rows:
        st = event_status(assess(store, r.incident_id, ref))
        if status in st:
            kept.append(replace(r, status=st))
    return kept, note


# --- home -----------------------------------------------------------------------------------


T = TypeVar("T")


class TTLCache:
    """Results kept for ``seconds`` (per key), so a busy home page does not recount the whole
    knowledge base on every request; writes through this app clear it."""

    def __init__(self, seconds: float = 30.0) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._items: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any, make: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and now - hit[0] < self.seconds:
                return hit[1]
        value = make()
        with self._lock:
            self._items[key] = (now, value)
            if len(self._items) > 256:
                oldest = min(self._items, key=lambda k: self._items[k][0])
                del self._items[oldest]
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True, slots=True)
class Ranked:
    key: str
    name: str
    events: int


@dataclass(frozen=True, slots=True)
class Summary:
    counts: dict[str, int]
    recent: tuple[EventRow, ...]
    states: tuple[Ranked, ...]
    actors: tuple[Ranked, ...]
    proposed_links: int = 0


def summary(store: Store, ref: Reference, top: int = 10) -> Summary:
    """What the knowledge base holds, its latest events, and the states and actors most
    often named by asserted attributions (events counted once, however many reports; from
    the derived ``attribution_facts``, so rejected claims and incidents do not count)."""
    from cybertrack.resolve.groups import ensure_groups
    from cybertrack.store.web_queries import home_figures

    ensure_groups(store)
    top_states, top_actors, proposed = home_figures(store, top)
    names = {e.id: e.name for e in store.entities("threat-actor")}
    states = tuple(Ranked(s, country_name(s, ref), n) for s, n in top_states)
    actors = tuple(Ranked(a, names.get(a, a), n) for a, n in top_actors)
    return Summary(store.counts(), _latest_events(store, ref, top), states, actors, proposed)


def _latest_events(store: Store, ref: Reference, top: int) -> tuple[EventRow, ...]:
    """The ``top`` latest events, as the list sorted by date (latest first) shows them, from
    the latest-starting incidents (an index range) rather than every incident: an event's
    date is its earliest report's, so an event none of whose reports is among the ``k``
    latest starts no later than the k-th; ``k`` grows until the ``top``-th event is later
    than that. A date set by hand may move any event: then the whole list is sorted."""
    from cybertrack.store.curation import curations
    from cybertrack.store.web_queries import latest_events

    def whole() -> tuple[EventRow, ...]:
        return list_events(store, ref, ListQuery(sort="-date", per_page=top)).rows

    if any(c.date is not None for c in curations(store, "incident").values()):
        return whole()
    k = max(top * 4, 20)
    while True:
        latest, gids = latest_events(store, k)
        if len(latest) < k:  # fewer dated incidents than that: undated events may show
            return whole()
        members = store.group_members(gids)
        within = {i for g in gids for i in members.get(g, [g])}
        events = _events_of(store, find_incidents(store, IncidentFilter(), ref, within=within))
        rows = sorted((_row(g, m, None) for g, m in events.items()),
                      key=lambda r: r.incident_id)
        rows.sort(key=lambda r: (r.date is None, -(r.date.start.toordinal() if r.date else 0)))
        last = rows[top - 1].date if len(rows) >= top else None
        if last is not None and last.start > latest[-1][1]:
            return tuple(_attributed(store, ref, rows[:top]))
        k *= 4


# --- one incident -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IncidentView:
    incident_id: str
    assessment: Assessment
    chain: Chain
    report: Report
    documents: dict[str, DocumentInfo] = field(default_factory=dict)
    statuses: tuple[str, ...] = ()


def incident_view(store: Store, ref: Reference, incident_id: str) -> IncidentView:
    """The case as ``cybertrack incident`` shows it (``incident_id`` is a full id)."""
    a = assess(store, incident_id, ref)
    ch = chain(a, ref)
    report = incident_report(a, ch, ref)
    return IncidentView(incident_id, a, ch, report, {d.id: d for d in a.case.documents},
                        event_status(a))


# --- one document -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the document's text with what covers it: the claims whose sentence it is in
    (kinds), the mention it belongs to (label), and the anchors that start here."""

    text: str
    claims: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    label: str | None = None
    entity: str | None = None
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentView:
    document: Document
    segments: tuple[Segment, ...]
    mentions: tuple[Mention, ...]
    incidents: tuple[Incident, ...]
    claims: tuple[Claim, ...]
    groups: dict[str, str]


def anchor(claim_id: str) -> str:
    """The fragment a claim's sentence has on its document's page."""
    return "claim-" + claim_id.split("--", 1)[-1]


def segments(text: str, mentions: Sequence[Mention], claims: Sequence[Claim]
             ) -> list[Segment]:
    """The text cut where any mention or claim sentence starts or ends, each piece with what
    covers it (in the manner of displaCy). Mentions that overlap an earlier one are left
    unmarked; spans are clipped to the text."""
    n = len(text)
    marks: list[Mention] = []
    end = -1
    for x in sorted(mentions, key=lambda x: (x.span.start, -x.span.end)):
        if x.span.start >= end and 0 <= x.span.start < x.span.end <= n:
            marks.append(x)
            end = x.span.end
    spans = [(max(0, c.sentence.start), min(n, c.sentence.end), c) for c in claims
             if c.sentence.start < c.sentence.end]
    cuts = {0, n}
    for mk in marks:
        cuts.update((mk.span.start, mk.span.end))
    for lo, hi, _ in spans:
        cuts.update((lo, hi))
    points = sorted(x for x in cuts if 0 <= x <= n)
    starts: dict[int, list[str]] = {}
    for lo, _, c in spans:
        starts.setdefault(lo, []).append(anchor(c.id))
    out: list[Segment] = []
    k = 0
    for lo, hi in zip(points, points[1:], strict=False):
        while k < len(marks) and marks[k].span.end <= lo:
            k += 1
        m: Mention | None = marks[k] if k < len(marks) and \
            marks[k].span.start <= lo < marks[k].span.end else None
        covering = [c for a, b, c in spans if a <= lo < b]
        out.append(Segment(
            text[lo:hi], tuple(c.id for c in covering),
            tuple(dict.fromkeys(c.kind for c in covering)),
            m.label if m else None, m.entity_id if m else None,
            tuple(dict.fromkeys(starts.pop(lo, [])))))
    return out


def document_view(store: Store, document_id: str) -> DocumentView:
    full = document_id if "--" in document_id else f"doc--{document_id}"
    doc = store.document(full)
    mentions = store.mentions(full)
    claims = store.claims(document_id=full)
    incidents = store.incidents(document_id=full)
    groups = {i: g.group_id for i, g in store.incident_groups_of(
        [x.id for x in incidents]).items()}
    return DocumentView(doc, tuple(segments(doc.text, mentions, claims)), tuple(mentions),
                        tuple(incidents), tuple(claims), groups)


# --- links ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkRow:
    link: Link
    a_title: str
    b_title: str
    history: tuple[Any, ...] = ()
    a_page: str = ""
    b_page: str = ""


def link_rows(store: Store, status: str | None, page: int, per_page: int
              ) -> tuple[int, list[LinkRow]]:
    """Incident links and placements (a document without incidents beside an incident or
    another such document: ``resolve.placement``), best first, one page, with their records'
    titles, pages and history."""
    links = [x for x in store.links(status=status or None) if x.kind in ("incident", "document")]
    shown = links[(page - 1) * per_page: page * per_page]
    ends = {x for link in shown for x in (link.a, link.b)}
    pages = {i: f"/incident/{i}" for i in ends}
    titles = {i.id: (i.title or i.sentence)[:90] for i in store.incidents_by_id(ends)}
    for doc_id, info in store.documents_info(ends - set(titles)).items():
        titles[doc_id] = f"{info.title or doc_id} (no incident found)"[:90]
        pages[doc_id] = f"/document/{doc_id}"
    return len(links), [LinkRow(x, titles.get(x.a, x.a), titles.get(x.b, x.b),
                                tuple(store.link_history(x.id)), pages[x.a], pages[x.b])
                        for x in shown]


def jsonable(value: Any) -> Any:
    """Dataclasses, named tuples, dates and tuples as JSON values."""
    import dataclasses

    if isinstance(value, PartialDate):
        return {"iso": value.iso(), "start": value.start.isoformat(),
                "end": value.end.isoformat(), "precision": value.precision}
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: jsonable(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value


def event_json(r: EventRow) -> dict[str, Any]:
    return {**jsonable(r), "short_id": r.short_id}


def counter_top(values: Sequence[str], n: int) -> list[tuple[str, int]]:
    return Counter(values).most_common(n)
