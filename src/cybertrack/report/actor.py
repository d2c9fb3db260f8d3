"""The knowledge-base section of ``cybertrack actor NAME``: what the stored claims say of it.

The reference view (aliases, sponsor, vendors) comes from ``reference/show.py``; this adds the
incidents some source attributes to the actor, who says so (claimants and their stated
confidence), and the timeline of those incidents and the responses to them.
"""

from __future__ import annotations

from collections import Counter

from cybertrack.analysis.reach import Subject
from cybertrack.analysis.sources import BASIS_LABELS
from cybertrack.analysis.timeline import subject_timeline
from cybertrack.reference import RefEntry, Reference
from cybertrack.report.document import Para, Report, Section, Table
from cybertrack.report.timeline import timeline_report
from cybertrack.store import Store


def actor_kb_report(store: Store, actor: RefEntry, ref: Reference) -> Report:
    """Claims naming ``actor`` (by entity id or by any of its names) and its timeline."""
    names = (actor.name, *actor.aliases)
    subject = Subject(actor.name, "actor", actor.sponsor or actor.country, (), (actor.id,),
                      names)
    rows = store.attribution_rows(actor_ids=subject.actor_ids, actor_names=names)
    by_claimant: dict[tuple[str, str], list[str]] = {}
    stated: dict[tuple[str, str], Counter[str]] = {}
    for r in rows:
        who = r.claimant_name or r.publisher or "unnamed source"
        basis = r.claimant_basis or "media"
        key = (who, BASIS_LABELS.get(basis, basis))
        by_claimant.setdefault(key, []).append(r.incident_id)
        if r.confidence:
            stated.setdefault(key, Counter())[r.confidence] += 1
    claimant_rows = tuple(
        (who, basis, str(len(incs)), str(len(set(incs))),
         ", ".join(f"{k} x{v}" for k, v in stated.get((who, basis), Counter()).items()))
        for (who, basis), incs in sorted(by_claimant.items(), key=lambda kv: -len(kv[1])))
    tl = timeline_report(subject_timeline(store, subject, ref), heading="Timeline")
    incidents = len({r.incident_id for r in rows})
    head = Para(f"{len(rows)} claim(s) in the knowledge base attribute {incidents} incident "
                f"record(s) to {actor.name} (matched by entity id or any of its "
                f"{len(names)} names).")
    sections = [Section("In the knowledge base", (head, Table(
        ("claimant", "basis", "claims", "incidents", "stated confidence"), claimant_rows,
        "Who attributes incidents to it")) if rows else (head,)), *tl.sections]
    return Report(f"{actor.name} in the knowledge base", tuple(sections),
                  {"actor": actor.id, "claims": len(rows), "incidents": incidents,
                   "claimants": [{"claimant": w, "basis": b, "claims": len(i)}
                                 for (w, b), i in by_claimant.items()], **tl.data})
