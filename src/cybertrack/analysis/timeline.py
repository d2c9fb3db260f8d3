"""Timelines: dated events for one incident, one actor (or state), or a pair of states.

An event is an incident happening, an attribution, a denial or a response, with its date (and
whether that date is only the date it was reported), who acted, and its sources. Incidents are
counted once per group of reports; undated events sort last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cybertrack.analysis.assessment import assess_case
from cybertrack.analysis.case import load_case
from cybertrack.analysis.dates import human
from cybertrack.analysis.reach import ReachIncident, Subject, resolve_subject, subject_events
from cybertrack.analysis.responses import chain, response_steps
from cybertrack.analysis.sources import country_name, sourced
from cybertrack.gcpause import paused_gc
from cybertrack.model import Claim, Claimant, PartialDate, Span
from cybertrack.reference import Reference, load_reference
from cybertrack.resolve.groups import ensure_groups
from cybertrack.store import Store
from cybertrack.store.analytics import DocumentInfo


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated thing that happened, on whose word."""

    date: PartialDate | None
    kind: str  # incident | attribution | denial | response
    actor: str
    text: str
    sources: tuple[str, ...]
    approximate: bool = False
    incident_id: str | None = None

    @property
    def sort_key(self) -> tuple[bool, dt.date, int, str]:
        return (self.date is None, self.date.start if self.date else dt.date.max,
                _KIND_ORDER.get(self.kind, 9), self.text)


_KIND_ORDER = {"incident": 0, "attribution": 1, "denial": 2, "response": 3}


@dataclass(frozen=True, slots=True)
class Timeline:
    """A titled list of events in date order."""

    title: str
    events: tuple[TimelineEvent, ...]


def _sorted(events: Sequence[TimelineEvent]) -> tuple[TimelineEvent, ...]:
    return tuple(sorted(events, key=lambda e: e.sort_key))


def incident_timeline(store: Store, incident_id: str, ref: Reference | None = None) -> Timeline:
    """The incident, then every attribution, denial and response, dated."""
    ref = ref or load_reference()
    case = load_case(store, incident_id, ref)
    assessment = assess_case(case, store, ref)
    ch = chain(assessment, ref)
    targets = ", ".join(country_name(t, ref) for t in case.targets) or "unknown targets"
    events = [TimelineEvent(ch.incident_date, "incident", "", f"{case.title} ({targets})",
                            assessment.incident_date.best.sources
                            if assessment.incident_date.best else (),
                            incident_id=incident_id)]
    for step in ch.steps:
        events.append(TimelineEvent(
            step.date, step.kind, step.actor, f"{step.actor} {step.what}",
            tuple(dict.fromkeys(s.source_label for s in step.claims)), step.approximate,
            incident_id))
    return Timeline(f"Timeline of {case.title}", _sorted(events))


def _incident_events(events: Sequence[ReachIncident], actor: str, ref: Reference
                     ) -> list[TimelineEvent]:
    """An event per incident group. Its text is worded once per (kinds, targets): a state's
    thousands of events share a few hundred."""
    texts: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
    out = []
    for e in events:
        text = texts.get((e.kinds, e.targets))
        if text is None:
            kinds = ", ".join(e.kinds) or "cyber operation"
            targets = ", ".join(country_name(t, ref) for t in e.targets) or "unknown targets"
            text = texts[e.kinds, e.targets] = f"{kinds} against {targets}"
        out.append(TimelineEvent(e.date, "incident", actor, text, e.sources, e.date is None,
                                 e.incident_ids[0]))
    return out


def _responses(store: Store, events: Sequence[ReachIncident], ref: Reference
               ) -> list[TimelineEvent]:
    """Responses to the incidents of ``events`` (the subject's), from one lean query (no
    sentence text: a timeline shows who did what when, on whose word)."""
    rows = store.responses_to(i for e in events for i in e.incident_ids)
    claims, docs = [], {}
    for r in rows:
        claims.append(Claim(r.claim_id, r.document_id, "response", Span(0, 0), "",
                            claimant=Claimant("government", r.claimant_name)
                            if r.claimant_name else None,
                            incident_id=r.incident_id, action=r.action,
                            actor_state=r.actor_state, target_state=r.target_state,
                            event_date=r.event_date, claim_date=r.claim_date))
        docs[r.document_id] = DocumentInfo(r.document_id, r.document_id, None, r.publisher,
                                           r.published, r.reliability, "", None)
    out = []
    for step in response_steps(sourced(claims, docs, (), ref=ref), None, ref):
        out.append(TimelineEvent(
            step.date, "response", step.actor, f"{step.actor} {step.what}",
            tuple(dict.fromkeys(s.source_label for s in step.claims)), step.approximate,
            step.claims[0].claim.incident_id))
    return out


def actor_timeline(store: Store, name: str, ref: Reference | None = None) -> Timeline:
    """Incidents attributed to a threat actor (or a state and the actors it sponsors), and the
    responses to them."""
    ref = ref or load_reference()
    return subject_timeline(store, resolve_subject(store, name, ref), ref)


def subject_timeline(store: Store, subject: Subject, ref: Reference) -> Timeline:
    """``actor_timeline`` for an already resolved subject."""
    ensure_groups(store)
    with paused_gc():  # thousands of events for a whole state: see ``cybertrack.gcpause``
        events = subject_events(store, subject)
        out = _incident_events(events, subject.name, ref)
        out.extend(_responses(store, events, ref))
        return Timeline(f"Timeline of {subject.name}", _sorted(out))


def pair_timeline(store: Store, a: str, b: str, ref: Reference | None = None) -> Timeline:
    """Between two states: incidents attributed to either against the other, and every
    response one took against the other."""
    ref = ref or load_reference()
    sa, sb = resolve_subject(store, a, ref), resolve_subject(store, b, ref)
    ensure_groups(store)
    out: list[TimelineEvent] = []
    for src, dst in ((sa, sb), (sb, sa)):
        if dst.home is None:
            continue
        out.extend(_incident_events(subject_events(store, src, target=dst.home), src.name, ref))
    if sa.home and sb.home:
        claims = store.responses_between(sa.home, sb.home)
        docs = store.documents_info({c.document_id for c in claims})
        for step in response_steps(sourced(claims, docs, (), ref=ref), None, ref):
            out.append(TimelineEvent(
                step.date, "response", step.actor,
                f"{step.actor} {step.what}",
                tuple(dict.fromkeys(s.source_label for s in step.claims)), step.approximate,
                step.claims[0].claim.incident_id))
    return Timeline(f"Timeline of {sa.name} and {sb.name}", _sorted(out))


def describe(event: TimelineEvent) -> str:
    """One line: date, what happened, on whose word."""
    when = human(event.date) + (" (reported)" if event.approximate and event.date else "")
    return f"{when}: {event.text} [{'; '.join(event.sources[:3])}]"
