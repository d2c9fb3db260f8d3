"""Reach of a state or actor: whom it targets, how far from home, and whether that is new.

The incidents counted are those some source attributes to the subject (for a state: claims
naming the state, or an actor whose suspected sponsor it is). Reports of one event are counted
once (incident groups, ``resolve.groups``). Each incident is placed in the year of its best
date (else its earliest report). Two periods are compared: the *recent* period (by default the
latest year with data) and the *baseline* (every earlier year), on

- the share of (incident, target) pairs outside the home region (``regions.home_region``);
- the mean and greatest distance from the home capital to the targets' capitals;
- first-time targets: countries first targeted in the recent period;
- notable firsts: the first NATO member, NATO member in Europe, EU member (membership at the
  time) hit with destructive effect (destruction, sabotage or ransomware).

The verdict is *extended* when the recent period adds targets outside the home region and the
outside share, the distance or a notable first grew; *not extended* when neither; *mixed*
otherwise; *no baseline* when nothing is attributed before the recent period.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cybertrack.analysis.dates import human
from cybertrack.analysis.regions import blocs_of, distance_km, home_region, in_region
from cybertrack.analysis.sources import country_name
from cybertrack.errors import CybertrackError, UnknownEntityError
from cybertrack.model import Incident, PartialDate
from cybertrack.reference import Reference, load_reference
from cybertrack.resolve.groups import group_keys
from cybertrack.store import Store
from cybertrack.store.analytics import AttributionRow

#: Kinds with destructive effect (what "targeted with destructive effect" means).
DESTRUCTIVE = frozenset({"destruction", "sabotage", "ransomware"})
NORTH_AMERICA = frozenset({"US", "CA"})


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
    year: int
    targets: tuple[str, ...]
    kinds: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TargetYear:
    """A country targeted in a year: how many incidents, on whose word, first time or not."""

    year: int
    country: str
    name: str
    incidents: int
    sources: tuple[str, ...]
    first_time: bool
    distance_km: float | None
    outside_home: bool


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
    """The reach of a subject, with its verdict and the evidence for it."""

    subject: Subject
    home_region: str
    incidents: tuple[ReachIncident, ...]
    targets: tuple[TargetYear, ...]
    baseline: PeriodStats | None
    recent: PeriodStats | None
    first_time: tuple[TargetYear, ...]
    notable: tuple[str, ...]
    verdict: str
    evidence: tuple[str, ...]
    undated: int

    @property
    def summary(self) -> str:
        return " ".join([self.verdict, *self.evidence])


def resolve_subject(store: Store, name: str, ref: Reference) -> Subject:
    """A state (by code, name, demonym, capital) or a threat actor (by name or alias)."""
    try:
        country = ref.country(name)
    except CybertrackError:
        country = None
    if country is not None:
        sponsored = {e.id for e in ref.entries("threat-actor") if e.sponsor == country.code}
        sponsored.update(store.actor_ids_sponsored_by(country.code))
        return Subject(country.name, "state", country.code, (country.code,),
                       tuple(sorted(sponsored)), ())
    try:
        actor = ref.actor(name)
    except UnknownEntityError as exc:
        raise UnknownEntityError("country or actor", name, exc.suggestions) from exc
    return Subject(actor.name, "actor", actor.sponsor or actor.country, (), (actor.id,),
                   (actor.name, *actor.aliases))


def _best_time(times: Iterable[PartialDate | None]) -> PartialDate | None:
    real = [t for t in times if t is not None]
    return min(real, key=lambda d: (d.end - d.start, d.start)) if real else None


def attributed_events(store: Store, rows: Sequence[AttributionRow]) -> list[ReachIncident]:
    by_incident: dict[str, list[AttributionRow]] = {}
    for r in rows:
        by_incident.setdefault(r.incident_id, []).append(r)
    lite = {k: Incident(k, v[0].document_id, "", v[0].kinds, v[0].targets, time=v[0].time)
            for k, v in by_incident.items()}
    keys = group_keys(store, lite)
    groups: dict[str, list[str]] = {}
    for inc_id, key in keys.items():
        groups.setdefault(key, []).append(inc_id)
    out = []
    for key, members in groups.items():
        mrows = [r for m in members for r in by_incident[m]]
        # trackers often date an incident by its disclosure: prefer the reports' own dates
        date = (_best_time(r.time for r in mrows if r.claimant_basis != "tracker")
                or _best_time(r.time for r in mrows))
        anchor = date or _best_time(r.published for r in mrows)
        if anchor is None:
            continue
        sources = [r.claimant_name if r.claimant_basis == "tracker" else
                   (r.publisher or r.claimant_name or "unknown") for r in mrows]
        out.append(ReachIncident(
            key, tuple(sorted(members)), date, anchor.start.year,
            tuple(dict.fromkeys(t for r in mrows for t in r.targets)),
            tuple(dict.fromkeys(k for r in mrows for k in r.kinds)),
            tuple(dict.fromkeys(s for s in sources if s))))
    out.sort(key=lambda e: (e.year, e.date.start if e.date else None, e.key))
    return out


def _period(events: Sequence[ReachIncident], lo: int, hi: int, home: str | None,
            region: str, ref: Reference) -> PeriodStats:
    mine = [e for e in events if lo <= e.year <= hi]
    pairs = [(e, t) for e in mine for t in e.targets if t != home]
    outside = sum(1 for _, t in pairs if not in_region(ref, t, region))
    dists = [(d, t) for _, t in pairs
             if home and (d := distance_km(ref, home, t)) is not None]
    far = max(dists, default=None)
    return PeriodStats(
        lo, hi, len(mine), tuple(dict.fromkeys(t for _, t in pairs)), len(pairs), outside,
        statistics.fmean(d for d, _ in dists) if dists else None,
        far[0] if far else None, country_name(far[1], ref) if far else None)


def reach(store: Store, name: str, ref: Reference | None = None, *, since: int | None = None,
          until: int | None = None, baseline_from: int | None = None) -> Reach:
    """The reach of the state or actor ``name``; ``since``/``until`` bound the recent period
    (default: the latest year with data), ``baseline_from`` the start of the baseline."""
    ref = ref or load_reference()
    subject = resolve_subject(store, name, ref)
    rows = store.attribution_rows(states=subject.states, actor_ids=subject.actor_ids,
                                  actor_names=subject.actor_names)
    events = attributed_events(store, rows)
    undated = len({r.incident_id for r in rows}) - sum(len(e.incident_ids) for e in events)
    home = subject.home
    region = home_region(ref, home) if home else "unknown region"
    targets = _target_years(events, home, region, ref)
    if not events:
        return Reach(subject, region, (), (), None, None, (), (),
                     f"No incident in the knowledge base is attributed to {subject.name}.",
                     (), undated)
    last = until or max(e.year for e in events)
    first_recent = since or last
    first_all = baseline_from or min(e.year for e in events)
    recent = _period(events, first_recent, last, home, region, ref)
    baseline = (_period(events, first_all, first_recent - 1, home, region, ref)
                if first_all < first_recent else None)
    new = tuple(t for t in targets if t.first_time and first_recent <= t.year <= last)
    notable = _notable(events, subject, first_recent, last, ref)
    verdict, evidence = _verdict(subject, region, baseline, recent, new, notable)
    return Reach(subject, region, tuple(events), tuple(targets), baseline, recent, new,
                 tuple(notable), verdict, tuple(evidence), undated)


def _target_years(events: Sequence[ReachIncident], home: str | None, region: str,
                  ref: Reference) -> list[TargetYear]:
    cells: dict[tuple[int, str], list[ReachIncident]] = {}
    for e in events:
        for t in e.targets:
            if t != home:  # operations at home (against dissidents, say) are not reach
                cells.setdefault((e.year, t), []).append(e)
    first_year: dict[str, int] = {}
    for (year, t) in sorted(cells):
        first_year.setdefault(t, year)
    return [
        TargetYear(year, t, country_name(t, ref), len(es),
                   tuple(dict.fromkeys(s for e in es for s in e.sources)),
                   first_year[t] == year, distance_km(ref, home, t) if home else None,
                   t != home and not in_region(ref, t, region))
        for (year, t), es in sorted(cells.items())
    ]


def _notable(events: Sequence[ReachIncident], subject: Subject, lo: int, hi: int,
             ref: Reference) -> list[str]:
    """First EU / NATO member targeted with destructive effect, when that falls in [lo, hi]."""
    out = []
    for bloc, label in (("NATO", "NATO member"), ("NATO", "NATO member in Europe"),
                        ("EU", "EU member")):
        hits = [(e, t) for e in events if DESTRUCTIVE & set(e.kinds) for t in e.targets
                if t != subject.home and bloc in blocs_of(t, e.year)
                and (label != "NATO member in Europe" or t not in NORTH_AMERICA)]
        if not hits:
            continue
        e, t = hits[0]
        if lo <= e.year <= hi:
            when = human(e.date) if e.date else str(e.year)
            out.append(f"first {label} targeted with destructive effect: "
                       f"{country_name(t, ref)}, {when}")
    return out


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _km(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.0f} km"


def _verdict(subject: Subject, region: str, baseline: PeriodStats | None,
             recent: PeriodStats, new: Sequence[TargetYear], notable: Sequence[str]
             ) -> tuple[str, list[str]]:
    outside_new = [t for t in new if t.outside_home]
    evidence = []
    if baseline is not None and baseline.incidents:
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
    if baseline is None or not baseline.incidents:
        return (f"No baseline: nothing in the knowledge base is attributed to {name} before "
                f"{recent.first_year}, so its reach cannot be compared.", evidence)
    grew = ((recent.outside_share or 0) > (baseline.outside_share or 0)
            or (recent.mean_km or 0) > (baseline.mean_km or 0) or bool(notable))
    if outside_new and grew:
        return f"Yes: {name} extended its reach in {recent.label}.", evidence
    if not outside_new and not grew:
        return f"No: {name} did not extend its reach in {recent.label}.", evidence
    return f"Mixed: some signs that {name} extended its reach in {recent.label}.", evidence
