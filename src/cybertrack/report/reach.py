"""The reach report (``cybertrack reach STATE``): verdict, figures, targets by year, sources."""

from __future__ import annotations

from typing import Any

from cybertrack.analysis.dates import human
from cybertrack.analysis.reach import PeriodStats, Reach
from cybertrack.analysis.sources import country_name
from cybertrack.reference import Reference
from cybertrack.report.document import Para, Report, Section, Table


def _period_data(p: PeriodStats | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"years": [p.first_year, p.last_year], "incidents": p.incidents,
            "countries": list(p.countries), "targets": p.pairs, "outside_home": p.outside,
            "outside_share": p.outside_share, "mean_km": p.mean_km, "max_km": p.max_km,
            "farthest": p.farthest}


def _period_row(name: str, p: PeriodStats | None) -> tuple[str, ...]:
    if p is None:
        return (name, "", "0", "", "", "", "")
    share = "" if p.outside_share is None else f"{p.outside_share:.0%}"
    return (name, p.label, str(p.incidents), str(len(p.countries)), share,
            "" if p.mean_km is None else f"{p.mean_km:,.0f}",
            f"{p.farthest or ''} {'' if p.max_km is None else f'{p.max_km:,.0f}'}".strip())


def reach_report(r: Reach, ref: Reference | None = None, *, max_sources: int = 4) -> Report:
    subject = r.subject
    head = [Para(r.verdict, "verdict"), *(Para(e) for e in r.evidence)]
    head.append(Para(
        f"Counted: {sum(y.incidents for y in r.years)} event(s) attributed to {subject.name} "
        f"by at least one source (reports of one event counted once); home region: "
        f"{r.home_region}"
        + (f"; {r.undated} undated event(s) left out" if r.undated else "") + ".",
        "note"))
    figures = Table(("period", "years", "incidents", "countries", "outside home region",
                     "mean km", "farthest (km)"),
                    (_period_row("baseline", r.baseline), _period_row("recent", r.recent)))
    sources = dict(r.sources)
    by_year = []
    for y in r.years:
        cells = [t for t in r.targets if t.year == y.year]
        names = sources.get(y.year, ())
        by_year.append((str(y.year), str(y.incidents), str(y.outside),
                        ", ".join(t.name + ("*" if t.first_time else "") for t in cells),
                        "; ".join(names[:max_sources])
                        + (f" (+{len(names) - max_sources})" if len(names) > max_sources
                           else "")))
    year_table = Table(("year", "events", f"outside {r.home_region}",
                        "targets (* first time)", "sources"),
                       tuple(by_year), wide=("targets (* first time)", "sources"), clip=160)
    recent_from = r.recent.first_year if r.recent else 10_000
    target_rows = tuple(
        (str(t.year), t.name, str(t.incidents), "" if t.distance_km is None
         else f"{t.distance_km:,.0f}", "yes" if t.outside_home else "no",
         "yes" if t.first_time else "", "; ".join(t.sources[:max_sources])
         + (f" (+{len(t.sources) - max_sources})" if len(t.sources) > max_sources else ""))
        for t in r.targets if t.year >= recent_from)
    incidents = tuple(
        (human(e.date) if e.date else f"{e.year} (reported)",
         ", ".join(country_name(t, ref) for t in e.targets), ", ".join(e.kinds),
         str(len(e.incident_ids)), "; ".join(e.sources[:max_sources]))
        for e in r.incidents)
    data = {
        "subject": {"name": subject.name, "kind": subject.kind, "home": subject.home},
        "home_region": r.home_region, "verdict": r.verdict, "evidence": list(r.evidence),
        "baseline": _period_data(r.baseline), "recent": _period_data(r.recent),
        "first_time": [t.country for t in r.first_time], "notable": list(r.notable),
        "years": [{"year": y.year, "events": y.incidents, "outside_home": y.outside,
                   "sources": list(dict(r.sources).get(y.year, ()))} for y in r.years],
        "targets_by_year": [{"year": t.year, "country": t.country, "incidents": t.incidents,
                             "first_time": t.first_time, "distance_km": t.distance_km,
                             "outside_home": t.outside_home, "sources": list(t.sources)}
                            for t in r.targets],
        "incidents": [{"incidents": list(e.incident_ids), "year": e.year,
                       "date": e.date.iso() if e.date else None, "targets": list(e.targets),
                       "kinds": list(e.kinds), "sources": list(e.sources)}
                      for e in r.incidents],
        "undated": r.undated,
    }
    return Report(f"Reach of {subject.name}", (
        Section("Verdict", tuple(head)),
        Section("Baseline and recent period", (figures,)),
        Section("Targets by year", (year_table,)),
        Section("Targets in the recent period, with distance and sources", (Table(
            ("year", "target", "incidents", "km from home", "outside home region",
             "first time", "sources"), target_rows, wide=("sources",)),)),
        Section("Events of the recent period", (Table(
            ("date", "targets", "kinds", "reports", "sources"), incidents,
            wide=("targets", "sources")),)),
    ), data)
