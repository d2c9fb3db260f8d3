"""What followed an incident: attributions, denials and state responses, with lags in days.

The chain of a case runs incident -> attributions -> denials -> responses, each step dated and
measured in days from the start of the incident's best-supported date. A response is one
(actor state, action, target state) with every claim reporting it; when sources give different
dates ("6 September" and "7 September") all are kept and the best supported is used for the lag
(``dates.weigh_dates``). A step dated only by when it was said or published is marked
approximate.

``firsts`` answers "when did a state first do X over a cyber incident?" across the knowledge
base: the earliest response of each action tied to an incident (and not dated before it), with
every source that reports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cybertrack.analysis.assessment import Assessment, Support
from cybertrack.analysis.case import Case
from cybertrack.analysis.dates import DatedFact, human, weigh_dates
from cybertrack.analysis.sources import SourcedClaim, country_name, sourced
from cybertrack.model import Incident, PartialDate
from cybertrack.reference import Reference
from cybertrack.store import Store
from cybertrack.vocab import RESPONSE_ACTIONS


def lag_days(start: PartialDate | None, when: PartialDate | None) -> int | None:
    """Days from the start of the incident to the start of ``when``; 0 when ``when`` is a
    coarse date covering the incident's start ("July 2022" for an attack on 15 July)."""
    if start is None or when is None:
        return None
    if when.start < start.start <= when.end:
        return 0
    return (when.start - start.start).days


def action_label(action: str | None) -> str:
    return RESPONSE_ACTIONS[action].label if action in RESPONSE_ACTIONS else (action or "?")


#: How each action's label meets its target ("severed diplomatic ties" + "with" + "Iran").
_PREPOSITIONS = {
    "condemn": "", "accuse": "", "sever-relations": "with", "expel-diplomats": "of",
    "recall-ambassador": "from", "summon-ambassador": "of", "sanction": "on",
    "indict": "", "arrest": "", "investigate": "", "cyber-retaliation": "against",
    "assist": "against", "statement": "about",
}


def response_phrase(action: str | None, target: str | None, ref: Reference | None = None
                    ) -> str:
    """"severed diplomatic ties with Iran", "imposed sanctions on Iran", "condemned Iran"."""
    label = action_label(action)
    if not target:
        return label
    name = country_name(target, ref)
    if action in ("condemn", "accuse"):
        return f"{label} {name}"
    if action == "summon-ambassador":
        return f"summoned the ambassador of {name}"
    prep = _PREPOSITIONS.get(action or "", "")
    return f"{label} {prep} {name}" if prep else f"{label} (against {name})"


@dataclass(frozen=True, slots=True)
class Step:
    """One link of the chain: who did what, when, how long after the incident, on what sources."""

    kind: str  # attribution | denial | response
    actor: str
    what: str
    date: PartialDate | None
    approximate: bool
    lag_days: int | None
    claims: tuple[SourcedClaim, ...]
    dates: DatedFact | None = None
    action: str | None = None
    actor_state: str | None = None
    target_state: str | None = None


@dataclass(frozen=True, slots=True)
class Chain:
    """An incident and everything that followed it, in date order (undated steps last)."""

    case: Case
    incident_date: PartialDate | None
    steps: tuple[Step, ...]

    def of_kind(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]


def _said_step(kind: str, support: Support, what: str, start: PartialDate | None) -> Step:
    dated = [(s.when, s) for s in support.claims if s.when is not None]
    first = min(dated, key=lambda x: x[0].start)[1] if dated else None
    when = first.when if first else None
    approximate = first is None or first.when_source == "published"
    return Step(kind, support.claimant, what, when, approximate, lag_days(start, when),
                support.claims)


def _published(s: SourcedClaim) -> dt.date:
    doc = s.document
    return doc.published.start if doc is not None and doc.published else dt.date.max


def response_steps(claims: Sequence[SourcedClaim], start: PartialDate | None,
                   ref: Reference | None = None) -> list[Step]:
    """Response claims grouped into responses (actor, action, target), each dated by weighing
    its sources' event dates, else by its earliest report."""
    groups: dict[tuple[str | None, str | None, str | None], list[SourcedClaim]] = {}
    for s in claims:
        c = s.claim
        if c.kind == "response":
            groups.setdefault((c.actor_state, c.action, c.target_state), []).append(s)
    steps = []
    for (actor, action, target), members in groups.items():
        who = country_name(actor, ref) if actor else members[0].claimant
        what = response_phrase(action, target, ref)
        fact = weigh_dates(((s.when, s) for s in members
                            if s.when is not None and s.when_source == "event"),
                           f"{who} {action_label(action)}")
        when: PartialDate | None
        if fact.date is not None:
            when, approximate = fact.date, False
        else:
            dated = [s.when for s in members if s.when is not None]
            when = min(dated, key=lambda d: d.start) if dated else None
            approximate = True
        # the best-dated reports first, earliest published first: what a reader should quote
        best = {c.claim.id for c in fact.best.claims} if fact.best else set()
        members.sort(key=lambda s: (s.claim.id not in best, _published(s),
                                    s.claim.sentence.start))
        steps.append(Step("response", who, what, when, approximate, lag_days(start, when),
                          tuple(members), fact, action, actor, target))
    return steps


def chain(assessment: Assessment, ref: Reference | None = None) -> Chain:
    """The incident -> attributions -> denials -> responses chain of an assessed case."""
    case = assessment.case
    start = case.date_by_hand or assessment.incident_date.date
    if start is None:
        times = [i.time for i in case.incidents if i.time is not None]
        start = min(times, key=lambda d: (d.end - d.start, d.start)) if times else None
    steps: list[Step] = []
    for own in assessment.self_claims:  # a group's own word, apart from attributions
        steps.append(_said_step("self-claim", own.support, "claimed responsibility", start))
    for cand in assessment.candidates:
        for sup in cand.supports:
            steps.append(_said_step("attribution", sup, f"attributed it to {cand.name}", start))
    for sup in assessment.accused_denials:
        steps.append(_said_step("denial", sup, "denied responsibility", start))
    for sup in assessment.denials:
        steps.append(_said_step("denial", sup, "disputed the attribution", start))
    steps.extend(response_steps(case.claims, start, ref))
    order = {"self-claim": 0, "attribution": 0, "denial": 1, "response": 2}
    steps.sort(key=lambda s: (s.date is None, s.date.start if s.date else None, order[s.kind],
                              s.actor))
    return Chain(case, start, tuple(steps))


def _describe(inc: Incident, ref: Reference | None) -> str:
    """"disruption against Albania, July 2022" (a document's title may be about another event)."""
    targets = ", ".join(country_name(t, ref) for t in inc.targets) or "unknown targets"
    when = human(inc.time) if inc.time else "undated"
    return f"{', '.join(inc.kinds) or 'cyber operation'} against {targets}, {when}"


@dataclass(frozen=True, slots=True)
class First:
    """The earliest response of one kind to a cyber incident in the knowledge base."""

    action: str
    label: str
    step: Step
    incident_id: str
    incident_title: str


def firsts(store: Store, ref: Reference | None = None, *, slack_days: int = 3) -> list[First]:
    """For each response action, the earliest time a state took it over a cyber incident,
    with every source reporting it (sources within ``slack_days`` of the earliest count as
    reporting the same first; their date disagreements are weighed)."""
    claims = store.earliest_responses(slack_days)
    if not claims:
        return []
    documents = store.documents_info({c.document_id for c in claims})
    incidents = {i.id: i for i in store.incidents_by_id(
        {c.incident_id for c in claims if c.incident_id})}
    out = []
    for action in dict.fromkeys(c.action for c in claims if c.action):
        mine = [c for c in claims if c.action == action]
        targets = {t for c in mine if c.incident_id in incidents
                   for t in incidents[c.incident_id].targets}
        wrapped = sourced(mine, documents, targets, ref=ref)
        steps = response_steps(wrapped, None, ref)
        steps.sort(key=lambda s: (s.date is None, s.date.start if s.date else None,
                                  -len(s.claims)))
        best = steps[0]
        inc_id = next((s.claim.incident_id for s in best.claims if s.claim.incident_id), "")
        inc = incidents.get(inc_id)
        start = inc.time if inc else None
        step = Step(best.kind, best.actor, best.what, best.date, best.approximate,
                    lag_days(start, best.date), best.claims, best.dates, best.action,
                    best.actor_state, best.target_state)
        title = _describe(inc, ref) if inc else ""
        out.append(First(action, action_label(action), step, inc_id, title))
    out.sort(key=lambda f: (f.step.date is None, f.step.date.start if f.step.date else None))
    return out
