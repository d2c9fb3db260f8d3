"""Reach of a state or actor: whom it targets, how far from home, and whether that is new.

The incidents counted are those some source attributes to the subject (for a state: claims
naming the state, or an actor whose suspected sponsor it is). Reports of one event are counted
once (incident groups, ``resolve.groups``), each event in the year of its group's best date
(else of its earliest report). Counting reads the subject's rows of the derived
``attribution_facts`` table once (``Store.reach_summary``), so a state with ten thousand
incidents costs one indexed read and no join; only the recent period's events are listed one
by one. Two periods are compared: the *recent* period (by default the
latest complete year with data: the latest before the current calendar year, unless that is
all there is) and the *baseline* (every earlier year), on

- the share of (incident, target) pairs outside the home region (``regions.home_region``);
- the mean and greatest distance from the home capital to the targets' capitals;
- first-time targets: countries first targeted in the recent period;
- notable firsts: the first NATO member, NATO member in Europe, EU member (membership at the
  time) hit with destructive effect (destruction, sabotage or ransomware).

The verdict is *extended* when the recent period adds targets outside the home region and the
outside share (by 5 points), the mean distance (by 10%) or a notable first grew; *not
extended* when neither; *mixed* otherwise; *no baseline* when no operation against another
country is attributed before the recent period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cybertrack.analysis.dates import human
from cybertrack.analysis.regions import (
    blocs_of,
    distance_km,
    home_region,
    in_region,
    region_members,
)
from cybertrack.analysis.sources import country_name, source_name
from cybertrack.errors import UnknownEntityError
from cybertrack.gcpause import paused_gc
from cybertrack.model import PartialDate
from cybertrack.reference import Reference, load_reference
from cybertrack.resolve.groups import ensure_groups, group_date
from cybertrack.store import Store, codec
from cybertrack.store.evidence import destructive_cells, groups_with_evidence
from cybertrack.store.group_queries import ReachCell, partial_date

NORTH_AMERICA = frozenset({"US", "CA"})
#: What counts as growth: the outside share up by 5 points, or the mean distance up by 10%.
SHARE_STEP = 0.05
DISTANCE_STEP = 1.10


@dataclass(frozen=True, slots=True)
class Subject:
    """Whose reach: a state (``actor_ids`` are the actors it sponsors) or one actor."""

    name: str
    kind: str  # state | actor
    home: str | None
    states: tuple[str, ...]
    actor_ids: tuple[str, ...]
    actor_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReachIncident:
    """One event attributed to the subject (all its reports), placed in a year."""

    key: str
    incident_ids: tuple[str, ...]
    date: PartialDate | None
    year: int | None
    targets: tuple[str, ...]
    kinds: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TargetYear:
    """A country targeted in a year: by how many events, first time or not, how far away;
    ``sources`` are given for the recent period (the year's sources are in ``Reach.sources``)."""

    year: int
    country: str
    name: str
    incidents: int
    sources: tuple[str, ...]
    first_time: bool
    distance_km: float | None
    outside_home: bool


@dataclass(frozen=True, slots=True)
class YearCount:
    """Events in a year, and how many reach a target outside the home region."""

    year: int
    incidents: int
    outside: int


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """Figures for one period (inclusive years)."""

    first_year: int
    last_year: int
    incidents: int
    countries: tuple[str, ...]
    pairs: int
    outside: int
    mean_km: float | None
    max_km: float | None
    farthest: str | None

    @property
    def outside_share(self) -> float | None:
        return self.outside / self.pairs if self.pairs else None

    @property
    def label(self) -> str:
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}-{self.last_year}"


@dataclass(frozen=True, slots=True)
class Reach:
    """The reach of a subject, with its verdict and the evidence for it. ``incidents`` lists
    the recent period's events; ``years`` and ``targets`` cover every year."""

    subject: Subject
    home_region: str
    years: tuple[YearCount, ...]
    targets: tuple[TargetYear, ...]
    sources: tuple[tuple[int, tuple[str, ...]], ...]
    incidents: tuple[ReachIncident, ...]
    baseline: PeriodStats | None
    recent: PeriodStats | None
    first_time: tuple[TargetYear, ...]
    notable: tuple[str, ...]
    verdict: str
    evidence: tuple[str, ...]
    undated: int


def resolve_subject(store: Store, name: str, ref: Reference) -> Subject:
    """A state (by code, name, demonym, capital) or a threat actor (by name or alias)."""
    country = ref.find_country(name)  # an actor's name is no country: no suggestions asked
    if country is not None:
        sponsored = {e.id for e in ref.entries("threat-actor") if e.sponsor == country.code}
        sponsored.update(store.actor_ids_sponsored_by(country.code))
        return Subject(country.name, "state", country.code, (country.code,),
                       tuple(sorted(sponsored)), ())
    try:
        actor = ref.actor(name)
    except UnknownEntityError as exc:
        key = name.casefold()
        for e in store.entities("threat-actor"):  # an actor only this knowledge base knows
            if key in {n.casefold() for n in (e.name, *e.aliases)}:
                return Subject(e.name, "actor", e.sponsor or e.country, (), (e.id,),
                               (e.name, *e.aliases))
        raise UnknownEntityError("country or actor", name, exc.suggestions) from exc
    return Subject(actor.name, "actor", actor.sponsor or actor.country, (), (actor.id,),
                   (actor.name, *actor.aliases))


def _who(subject: Subject) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The subject as the store's reach queries take it: (states, actor ids, actor names)."""
    return subject.states, subject.actor_ids, subject.actor_names


def subject_events(store: Store, subject: Subject, *, years: tuple[int, int] | None = None,
                   ref: Reference | None = None) -> list[ReachIncident]:
    """The events (incident groups) attributed to ``subject``, earliest first. One pass over
    the plain rows (one per incident and source, sorted by incident): a heavy state's recent
    years have thousands of them, so each incident is decoded once, when its first row comes, and a
    group gathers into lists and dicts, not objects (building an object per row, then one
    per group, was most of a state's timeline, a good part of it in garbage collection)."""
    # group id -> [year, incident ids, times, targets, kinds, sources] (first seen first)
    groups: dict[str, list[Any]] = {}
    last = None
    for (iid, _, source, gid, gyear, targets, kinds, start, end, precision,
         text) in store.subject_event_rows(*_who(subject), years=years):
        g = groups.get(gid)
        if g is None:
            g = groups[gid] = [gyear, [], [], {}, {}, {}]
        if iid != last:  # an incident's rows are adjacent and repeat its record
            last = iid
            g[1].append(iid)
            if start is not None:
                g[2].append(partial_date(start, end, precision, text))
            g[3].update(dict.fromkeys(codec.strings(targets)))
            g[4].update(dict.fromkeys(codec.strings(kinds)))
        if source:
            g[5][source] = None
    named: dict[str, str] = {}  # sources named once each (``source_name``)
    out = []
    for key, (year, incidents, times, tgts, knds, sources) in groups.items():
        date = min(times, key=_narrowest) if times else None
        out.append(ReachIncident(key, tuple(incidents), date, year, tuple(tgts), tuple(knds),
                                 tuple(named.get(x) or named.setdefault(x, source_name(x, ref))
                                       for x in sources)))
    out.sort(key=_event_order)
    return out


def _narrowest(d: PartialDate) -> tuple[dt.timedelta, dt.date]:
    return (d.end - d.start, d.start)


def _event_order(e: ReachIncident) -> tuple[bool, int, dt.date, str]:
    return (e.year is None, e.year or 0, e.date.start if e.date else dt.date.max, e.key)


def _period(years: Sequence[YearCount], targets: Sequence[TargetYear], lo: int, hi: int,
            ) -> PeriodStats:
    cells = [t for t in targets if lo <= t.year <= hi]
    pairs = sum(t.incidents for t in cells)
    far = max(((t.distance_km, t.name) for t in cells if t.distance_km is not None),
              default=None)
    weighted = [(t.distance_km * t.incidents, t.incidents) for t in cells
                if t.distance_km is not None]
    total = sum(w for _, w in weighted)
    return PeriodStats(
        lo, hi, sum(y.incidents for y in years if lo <= y.year <= hi),
        tuple(dict.fromkeys(t.country for t in cells)), pairs,
        sum(t.incidents for t in cells if t.outside_home),
        sum(d for d, _ in weighted) / total if total else None,
        far[0] if far else None, far[1] if far else None)


def recent_year(years: Sequence[int], today: dt.date) -> int:
    """The default recent period: the latest *complete* year with data, i.e. the latest year
    before ``today``'s (the current year is still running: a few months of it against whole
    years reads as a decline), unless the knowledge base holds nothing earlier. Never a fixed
    year: "2022" on a 2016-2017 corpus compared an empty year with everything."""
    complete = [y for y in years if y < today.year]
    return max(complete) if complete else max(years)


def reach(store: Store, name: str, ref: Reference | None = None, *, since: int | None = None,
          until: int | None = None, baseline_from: int | None = None,
          today: dt.date | None = None) -> Reach:
    """The reach of the state or actor ``name``; ``since``/``until`` bound the recent period
    (default: the latest complete year with data, ``recent_year``; ``today`` says which year
    is still running, default the system date), ``baseline_from`` the start of the
    baseline (default: the earliest year with data)."""
    ref = ref or load_reference()
    subject = resolve_subject(store, name, ref)
    ensure_groups(store)
    # a heavy state's tens of thousands of fact rows and cells, none in a reference cycle:
    # see ``cybertrack.gcpause`` (reach(Iran) on the 50k bench KB: 233-286 -> 190-215 ms)
    with paused_gc():
        return _reach(store, subject, ref, since, until, baseline_from, today)


def _reach(store: Store, subject: Subject, ref: Reference, since: int | None,
           until: int | None, baseline_from: int | None, today: dt.date | None) -> Reach:
    home = subject.home
    region = home_region(ref, home) if home else "unknown region"
    inside = region_members(ref, region) if home else ()
    summary = store.reach_summary(*_who(subject), inside=inside)
    year_rows = summary.years
    undated = sum(y.groups for y in year_rows if y.year is None)
    years = tuple(sorted((YearCount(y.year, y.groups, y.outside) for y in year_rows
                          if y.year is not None), key=lambda y: y.year))
    if not years:
        return Reach(subject, region, (), (), (), (), None, None, (), (),
                     f"No incident in the knowledge base is attributed to {subject.name}.",
                     (), undated)
    if until is None and since is None:
        last = recent_year([y.year for y in years], today or dt.date.today())
    else:
        last = until or years[-1].year
    first_recent = since or last
    first_all = baseline_from or years[0].year
    recent_events = subject_events(store, subject, years=(first_recent, last), ref=ref)
    cells = summary.cells
    targets = _target_years(cells, recent_events, home, region, ref)
    sources: dict[int, list[tuple[int, str]]] = {}
    for year, source, n in summary.sources:
        if year is not None:
            sources.setdefault(year, []).append((n, source_name(source, ref)))
    by_year = tuple((y, tuple(s for _, s in sorted(v, key=lambda x: (-x[0], x[1]))))
                    for y, v in sorted(sources.items()))
    recent = _period(years, targets, first_recent, last)
    baseline = (_period(years, targets, first_all, first_recent - 1)
                if first_all < first_recent else None)
    new = tuple(t for t in targets if t.first_time and first_recent <= t.year <= last)
    notable = _notable(store, subject, cells, first_recent, last, ref)
    verdict, evidence = _verdict(subject, region, baseline, recent, new, notable)
    later = [y for y in years if y.year > last]
    if later:
        evidence.append(
            "Not compared: " + ", ".join(f"{y.year} ({y.incidents} event(s))" for y in later)
            + (" (after the period asked for)." if until is not None or since is not None
               else " (the current year, not complete yet; ask with --since/--until)."))
    return Reach(subject, region, years, tuple(targets), by_year, tuple(recent_events),
                 baseline, recent, new, tuple(notable), verdict, tuple(evidence), undated)


def _target_years(cells: Sequence[ReachCell], recent_events: Sequence[ReachIncident],
                  home: str | None, region: str, ref: Reference) -> list[TargetYear]:
    dated = sorted((c for c in cells if c.year is not None and c.country != home),
                   key=lambda c: (c.year or 0, c.country))
    first_year: dict[str, int] = {}
    for c in dated:
        first_year.setdefault(c.country, c.year or 0)
    cell_sources: dict[tuple[int, str], list[str]] = {}
    for e in recent_events:
        for t in e.targets:
            cell_sources.setdefault((e.year or 0, t), []).extend(e.sources)
    # name, distance and region once per country, not per (year, country): a state's cells
    # number in the thousands, its countries in the tens
    place = {country: (country_name(country, ref),
                       distance_km(ref, home, country) if home else None,
                       not in_region(ref, country, region)) for country in first_year}
    out = []
    for c in dated:
        year = c.year or 0
        name, km, outside = place[c.country]
        out.append(TargetYear(
            year, c.country, name, c.groups,
            tuple(dict.fromkeys(cell_sources.get((year, c.country), ()))),
            first_year[c.country] == year, km, outside))
    return out


def _notable(store: Store, subject: Subject, all_cells: Sequence[ReachCell], lo: int, hi: int,
             ref: Reference) -> list[str]:
    """First NATO / NATO-in-Europe / EU member hit with destructive effect, when that falls in
    [lo, hi] (membership at the time; ``incident_groups.destructive``). Like any "first" it
    must rest on a fact: a dated event reported by a tracker record or two independent
    publishers (``responses.incident_evidence``), named with it; a roundup's catch-all
    incident told by one article is passed over for the next candidate."""
    cells = {(c.year, c.country) for c in all_cells if c.destructive and c.year is not None}
    plans = []
    for bloc, label in (("NATO", "NATO member"), ("NATO", "NATO member in Europe"),
                        ("EU", "EU member")):
        hits = sorted((y, c) for y, c in cells if y is not None and c != subject.home
                      and bloc in blocs_of(c, y)
                      and (label != "NATO member in Europe" or c not in NORTH_AMERICA))
        plans.append((label, [(y, c) for y, c in hits if y <= hi]))
    founded = _FoundedCells(store, subject, [cell for _, hits in plans for cell in hits])
    out = []
    for label, hits in plans:
        for year, country in hits:
            fact = founded.get(year, country)
            if fact is None:
                continue
            if lo <= year:
                when, evidence = fact
                out.append(f"first {label} targeted with destructive effect: "
                           f"{country_name(country, ref)}, {human(when)} "
                           f"(reported by {'; '.join(evidence)})")
            break
    return out


class _FoundedCells:
    """For each (year, country) cell, the earliest destructive event against that country
    in that year attributed to the subject that is dated and reported by a tracker record or
    two independent publishers: its date and reports; None when no event of the cell is so
    founded.

    Read in bulk: the subject's destructive events of the cells' years in one query, then
    the members and documents of the groups of the next cells in order, in batches that
    double. A knowledge base where few events are founded (one publisher for everything)
    tries every cell: one query per group there cost seconds for a heavy state."""

    def __init__(self, store: Store, subject: Subject, cells: Sequence[tuple[int, str]]
                 ) -> None:
        self.store = store
        self.subject = subject
        self.order = list(dict.fromkeys(cells))
        self.done: dict[tuple[int, str], tuple[PartialDate, tuple[str, ...]] | None] = {}
        self.groups: dict[tuple[int, str], list[str]] | None = None
        self.eligible: set[str] | None = None
        self.batch = 4

    def _cell_groups(self) -> dict[tuple[int, str], list[str]]:
        if self.groups is None:
            years = [y for y, _ in self.order]
            # only groups that may be founded (two reports or a tracker record): the
            # others are skipped below anyway (reach(Iran) on the 50k bench KB, where every
            # event is one article's: 6,294 groups not read)
            self.groups = destructive_cells(self.store, *_who(self.subject),
                                            (min(years), max(years)),
                                            founded_only=True) if years else {}
        return self.groups

    def _eligible(self) -> set[str]:
        """The cells' groups whose reports may found a fact (a tracker record, two
        publishers), asked once for every cell: the others are never read."""
        if self.eligible is None:
            groups = self._cell_groups()
            self.eligible = groups_with_evidence(
                self.store, dict.fromkeys(g for c in self.order for g in groups.get(c, ())))
        return self.eligible

    def get(self, year: int, country: str) -> tuple[PartialDate, tuple[str, ...]] | None:
        from cybertrack.analysis.responses import incident_evidence

        cell = (year, country)
        if cell in self.done:
            return self.done[cell]
        groups = self._cell_groups()
        at = self.order.index(cell) if cell in self.order else len(self.order)
        todo = [cell, *(c for c in self.order[at + 1:] if c not in self.done)][:self.batch]
        self.batch *= 2
        eligible = self._eligible()
        gids = [g for g in dict.fromkeys(g for c in todo for g in groups.get(c, ()))
                if g in eligible]
        members = self.store.group_members(gids)
        incidents = self.store.incidents_by_id({i for g in gids for i in members.get(g, ())})
        docs = self.store.documents_info({i.document_id for i in incidents})
        of_group: dict[str, list[Any]] = {}
        member_of = {i: g for g in gids for i in members.get(g, ())}
        for inc in incidents:  # earliest first, as incidents_by_id lists one group's
            of_group.setdefault(member_of[inc.id], []).append(inc)
        for c in todo:
            self.done[c] = None
            for gid in groups.get(c, ()):
                if gid not in eligible:
                    continue
                group = of_group.get(gid, [])
                if not any(i.time is not None for i in group):
                    continue
                mine = {d: docs[d] for d in sorted({i.document_id for i in group}) if d in docs}
                evidence = incident_evidence(list(mine.values()))
                when = group_date(group, mine)
                if evidence is not None and when is not None:
                    self.done[c] = (when, evidence)
                    break
        return self.done[cell]


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _km(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.0f} km"


def _verdict(subject: Subject, region: str, baseline: PeriodStats | None,
             recent: PeriodStats, new: Sequence[TargetYear], notable: Sequence[str]
             ) -> tuple[str, list[str]]:
    outside_new = [t for t in new if t.outside_home]
    evidence = []
    if baseline is not None and baseline.pairs:
        evidence.append(
            f"Targets outside {region} rose from {_pct(baseline.outside_share)} "
            f"({baseline.outside} of {baseline.pairs} targets, {baseline.label}) to "
            f"{_pct(recent.outside_share)} ({recent.outside} of {recent.pairs}, {recent.label})."
            if (recent.outside_share or 0) > (baseline.outside_share or 0) else
            f"Targets outside {region}: {_pct(baseline.outside_share)} in {baseline.label} "
            f"({baseline.outside} of {baseline.pairs}), {_pct(recent.outside_share)} in "
            f"{recent.label} ({recent.outside} of {recent.pairs}).")
        evidence.append(f"Mean distance of targets from the home capital: "
                        f"{_km(baseline.mean_km)} in {baseline.label}, {_km(recent.mean_km)} "
                        f"in {recent.label} (farthest {recent.farthest or 'n/a'}, "
                        f"{_km(recent.max_km)}).")
    else:
        evidence.append(f"{recent.label}: {recent.incidents} incident(s) against "
                        f"{len(recent.countries)} countries; {_pct(recent.outside_share)} of "
                        f"targets outside {region}; mean distance {_km(recent.mean_km)}.")
    if new:
        evidence.append("First-time targets in " + recent.label + ": " + ", ".join(
            f"{t.name}{'' if t.outside_home else ' (home region)'}" for t in new) + ".")
    evidence.extend(n[0].upper() + n[1:] + "." for n in notable)
    name = subject.name
    if baseline is None or not baseline.pairs:
        return (f"No baseline: the knowledge base attributes no operation against another "
                f"country to {name} before {recent.first_year}, so its reach cannot be "
                "compared.", evidence)
    grew = ((recent.outside_share or 0) >= (baseline.outside_share or 0) + SHARE_STEP
            or (recent.mean_km or 0) >= (baseline.mean_km or 0) * DISTANCE_STEP
            or bool(notable))
    against = f" ({recent.label} compared with {baseline.label})"
    if outside_new and grew:
        return f"Yes: {name} extended its reach in {recent.label}{against}.", evidence
    if not outside_new and not grew:
        return f"No: {name} did not extend its reach in {recent.label}{against}.", evidence
    return (f"Mixed: some signs that {name} extended its reach in {recent.label}{against}.",
            evidence)
