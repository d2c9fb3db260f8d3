"""What ``cybertrack demo`` shows from the analysis: the Albania 2022 case across every report
(assessment, denial, responses with lags) and the seed question, *has Iran extended its reach?*"""

from __future__ import annotations

import datetime as dt

from rich.console import Console

from cybertrack.analysis import assess, chain, reach
from cybertrack.reference import Reference, load_reference
from cybertrack.report.document import Report, print_report
from cybertrack.report.incident import incident_report
from cybertrack.report.reach import reach_report
from cybertrack.resolve import incident_group
from cybertrack.store import Store


def albania_case_id(store: Store) -> str | None:
    """The 2022 incident against Albania with the most reports (its group is the case)."""
    incidents = store.incidents(target="AL", since=dt.date(2022, 1, 1),
                                until=dt.date(2022, 12, 31))
    if not incidents:
        return None
    sizes = {i.id: len(incident_group(store, i.id).incidents) for i in incidents}
    return max(incidents, key=lambda i: (sizes[i.id], -(i.time.start.toordinal()
                                                        if i.time else 0))).id


def _sections(report: Report, *headings: str) -> Report:
    keep = tuple(s for s in report.sections if any(s.heading.startswith(h) for h in headings))
    return Report(report.title, keep, report.data)


def print_showcase(store: Store, console: Console, ref: Reference | None = None) -> None:
    """Print the Albania case (assessment and what followed) and Iran's reach."""
    ref = ref or load_reference()
    case_id = albania_case_id(store)
    if case_id is None:
        console.print("No incident against Albania in 2022 in this knowledge base.")
    else:
        assessment = assess(store, case_id, ref)
        report = incident_report(assessment, chain(assessment, ref), ref)
        print_report(_sections(report, "Incident", "Attribution", "What followed"), console)
        console.print(f"(full case: cybertrack incident {case_id.split('--')[1][:10]})",
                      style="dim", highlight=False)
    result = reach(store, "Iran", ref)
    print_report(_sections(reach_report(result, ref), "Verdict", "Baseline", "Targets by"),
                 console)
