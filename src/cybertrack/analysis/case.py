"""A case: one incident group with every claim from every document that reports it.

Claims the extractor tied to one of the group's incidents belong to the case. A claim it left
untied (``incident_id`` None) belongs to the case when its document reports no incident outside
the group, so there is only one event it can be about; such claims are marked ``tied=False``
and the reports say so. An untied response dated before the event began is history, not part
of the case.

Curation by hand (``store.curation``) is applied here, so every view built on a case shows
it: claims a person rejected are set apart (``rejected``: listed, never assessed); targets and
a date set by hand replace what extraction read on that incident record (``curated`` says
which, by whom and why).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from cybertrack.analysis.sources import SourcedClaim, sourced
from cybertrack.model import Incident, PartialDate
from cybertrack.reference import Reference
from cybertrack.resolve.groups import IncidentGroup, incident_group
from cybertrack.store import Store
from cybertrack.store.analytics import DocumentInfo
from cybertrack.store.curation import Curation, curations


@dataclass(frozen=True, slots=True)
class Case:
    """An incident group, its claims with their sources, and what the reports agree on."""

    group: IncidentGroup
    claims: tuple[SourcedClaim, ...]
    documents: tuple[DocumentInfo, ...]
    targets: tuple[str, ...]
    kinds: tuple[str, ...]
    title: str
    #: Claims a person rejected: shown as rejected, left out of the assessment.
    rejected: tuple[SourcedClaim, ...] = ()
    #: Curation of the group's incidents and claims, by record id.
    curated: Mapping[str, Curation] = field(default_factory=dict)

    @property
    def date_by_hand(self) -> PartialDate | None:
        """The date a person set on one of the group's incidents (the narrowest)."""
        dates = [c.date for c in self.curated.values() if c.date is not None]
        return min(dates, key=lambda d: (d.end - d.start, d.start)) if dates else None

    @property
    def rejected_incidents(self) -> tuple[Curation, ...]:
        return tuple(c for c in self.curated.values()
                     if c.record_kind == "incident" and c.rejected)

    @property
    def incidents(self) -> tuple[Incident, ...]:
        return self.group.incidents

    def of_kind(self, *kinds: str) -> list[SourcedClaim]:
        return [s for s in self.claims if s.claim.kind in kinds]


def _ranked(values: list[str]) -> tuple[str, ...]:
    """Distinct values, most reported first (ties in first-seen order)."""
    counts = Counter(values)
    first = {v: n for n, v in reversed(list(enumerate(values)))}
    return tuple(sorted(counts, key=lambda v: (-counts[v], first[v])))


def load_case(store: Store, incident_id: str, ref: Reference | None = None) -> Case:
    """The case of the group containing ``incident_id`` (``NotFoundError`` if unknown)."""
    group = incident_group(store, incident_id)
    return case_of_group(store, group, ref)


def _curated_group(store: Store, group: IncidentGroup
                   ) -> tuple[IncidentGroup, dict[str, Curation]]:
    """The group with targets and dates set by hand applied to its incident records."""
    marks = curations(store, "incident", group.ids)
    if not any(c.targets is not None or c.date is not None for c in marks.values()):
        return group, marks
    fixed = []
    for inc in group.incidents:
        c = marks.get(inc.id)
        if c is not None and c.targets is not None:
            inc = replace(inc, targets=c.targets)
        if c is not None and c.date is not None:
            inc = replace(inc, time=c.date)
        fixed.append(inc)
    return replace(group, incidents=tuple(fixed)), marks


def case_of_group(store: Store, group: IncidentGroup, ref: Reference | None = None) -> Case:
    group, marks = _curated_group(store, group)
    ids = set(group.ids)
    doc_ids = group.document_ids
    tied = store.claims(incident_ids=list(ids))
    untied_ids: set[str] = set()
    extra = []
    began = min((i.time.start for i in group.incidents if i.time), default=None)
    for doc_id in doc_ids:
        others = [i for i in store.incidents(document_id=doc_id) if i.id not in ids]
        if others:
            continue
        for c in store.claims(document_id=doc_id):
            if c.incident_id is not None:
                continue
            if c.kind == "response" and c.event_date and began and c.event_date.end < began:
                continue  # done before the event began: history, not an answer to it
            extra.append(c)
            untied_ids.add(c.id)
    documents = store.documents_info(doc_ids)
    targets = _ranked([t for i in group.incidents for t in i.targets])
    kinds = _ranked([k for i in group.incidents for k in i.kinds])
    # the title of the first report (trackers last: their titles are codes, not headlines)
    def first_report(i: Incident) -> tuple[bool, dt.date, str]:
        doc = documents[i.document_id]
        return (doc.extractor_version == "tracker",
                doc.published.start if doc.published else dt.date.max, i.id)

    first = sorted((i for i in group.incidents if i.document_id in documents), key=first_report)
    titles = [i.title or documents[i.document_id].title or "" for i in first]
    claims = sourced([*tied, *extra], documents, targets, untied=frozenset(untied_ids), ref=ref)
    claims.sort(key=lambda s: (s.when.start if s.when else dt.date.max, s.claim.document_id,
                               s.claim.sentence.start))
    claim_marks = curations(store, "claim", [s.claim.id for s in claims])
    marks.update(claim_marks)
    rejected = tuple(s for s in claims if s.claim.id in claim_marks
                     and claim_marks[s.claim.id].rejected)
    if rejected:
        gone = {s.claim.id for s in rejected}
        claims = [s for s in claims if s.claim.id not in gone]
    title = next((t for t in titles if t), group.incidents[0].sentence[:80])
    return Case(group, tuple(claims), tuple(documents[d] for d in doc_ids if d in documents),
                targets, kinds, title, rejected, marks)

