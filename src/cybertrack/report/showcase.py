"""What ``cybertrack demo`` shows from the analysis: the Albania 2022 case across every report
(assessment, denial, responses with lags) and the seed question, *has Iran extended its reach?*"""

from __future__ import annotations

from rich.console import Console

from cybertrack.analysis import assess, chain, reach
from cybertrack.model import Incident
from cybertrack.reference import Reference, load_reference
from cybertrack.report.document import Report, print_report
from cybertrack.report.incident import incident_report
from cybertrack.report.reach import reach_report
from cybertrack.resolve import incident_group
from cybertrack.store import Store


def albania_case_id(store: Store) -> str | None:
    """The 2022 incident against Albania with the most reports (its group is the case): an
    incident dated 2022, or undated but reported in 2022."""
    incidents = store.incidents(target="AL")
    docs = store.documents_info({i.document_id for i in incidents})

    def in_2022(i: Incident) -> bool:
        if i.time is not None:
            return i.time.start.year <= 2022 <= i.time.end.year
        published = docs[i.document_id].published if i.document_id in docs else None
        return published is not None and published.start.year == 2022

    chosen = [i for i in incidents if in_2022(i)]
    if not chosen:
        return None
    sizes = {i.id: len(incident_group(store, i.id).incidents) for i in chosen}
    return max(chosen, key=lambda i: (sizes[i.id], i.time is not None)).id


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
