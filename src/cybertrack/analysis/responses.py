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
from dataclasses import dataclass, replace

from cybertrack.analysis.assessment import Assessment, Support
from cybertrack.analysis.case import Case
from cybertrack.analysis.dates import DatedFact, human, weigh_dates
from cybertrack.analysis.sources import SourcedClaim, country_name, sourced
from cybertrack.model import Claim, Incident, PartialDate
from cybertrack.reference import Reference
from cybertrack.resolve.groups import ensure_groups
from cybertrack.store import Store
from cybertrack.store.analytics import DocumentInfo
from cybertrack.store.curation import curations, rejected_ids
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


def own_date(s: SourcedClaim) -> PartialDate | None:
    """The date of what ``s`` reports, as far as its source dates it: a tracker row's
    publication date is the date of its incident, not of a response or a statement coded on
    the row, so such a claim is undated (it used to get the incident's date: lag +0)."""
    if s.when is None:
        return None
    doc = s.document
    if s.when_source == "published" and doc is not None and doc.extractor_version == "tracker":
        return None
    return s.when


def _said_step(kind: str, support: Support, what: str, start: PartialDate | None) -> Step:
    dated = [(d, s) for s in support.claims if (d := own_date(s)) is not None]
    first = min(dated, key=lambda x: x[0].start)[1] if dated else None
    when = own_date(first) if first else None
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
        who = country_name(actor, ref) if actor else _unnamed_responder(members)
        what = response_phrase(action, target, ref)
        fact = weigh_dates(((s.when, s) for s in members
                            if s.when is not None and s.when_source == "event"),
                           f"{who} {action_label(action)}")
        when: PartialDate | None
        if fact.date is not None:
            when, approximate = fact.date, False
        else:
            dated = [d for s in members if (d := own_date(s)) is not None]
            when = min(dated, key=lambda d: d.start) if dated else None
            approximate = True
        # a lag only from a date of the response's own: one dated by when it was reported
        # (or undated) has no lag, only a date marked as reported (or "undated")
        lag = None if approximate else lag_days(start, when)
        # the best-dated reports first, earliest published first: what a reader should quote
        best = {c.claim.id for c in fact.best.claims} if fact.best else set()
        members.sort(key=lambda s: (s.claim.id not in best, _published(s),
                                    s.claim.sentence.start))
        steps.append(Step("response", who, what, when, approximate, lag,
                          tuple(members), fact, action, actor, target))
    return steps


def _unnamed_responder(members: Sequence[SourcedClaim]) -> str:
    """Who responded when no state is named: the claimant of a news report (a company, an
    organization), but never a tracker, which records responses and takes none."""
    who = next((s for s in members if s.basis != "tracker"), None)
    return who.claimant if who is not None else "an unnamed state"


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
    """The earliest response of one kind to a cyber incident in the knowledge base, with the
    reports that establish the incident (``evidence``: a tracker record, or two or more
    independent publishers)."""

    action: str
    label: str
    step: Step
    incident_id: str
    incident_title: str
    evidence: tuple[str, ...] = ()


#: Candidate windows tried per action before giving up on finding a well-founded first.
MAX_WINDOWS = 25


def incident_evidence(documents: Sequence[DocumentInfo]) -> tuple[str, ...] | None:
    """The reports that make an event a fact a "first" can rest on: a tracker record, or
    two or more independent publishers (one outlet's reports count once); None when they do
    not suffice. A roundup's catch-all incident, told by one article, is no such fact."""
    trackers = [d for d in documents if d.extractor_version == "tracker"]
    by_origin: dict[str, DocumentInfo] = {}
    for d in documents:
        key = (f"tracker:{d.publisher or d.source}" if d.extractor_version == "tracker"
               else f"publisher:{(d.publisher or d.source).casefold()}")
        by_origin.setdefault(key, d)
    if not trackers and len(by_origin) < 2:
        return None
    def label(d: DocumentInfo) -> str:
        kind = " (tracker record)" if d.extractor_version == "tracker" else ""
        when = f", {d.published.iso()}" if d.published and not kind else ""
        return f"{d.publisher or d.title or d.source}{kind}{when}"
    ordered = sorted(by_origin.values(), key=lambda d: (d.extractor_version != "tracker",
                                                        d.published.start if d.published
                                                        else dt.date.max, d.id))
    return tuple(label(d) for d in ordered)


def firsts(store: Store, ref: Reference | None = None, *, slack_days: int = 3) -> list[First]:
    """For each response action, the earliest time a state took it over a cyber incident,
    with every source reporting it (sources within ``slack_days`` of the earliest count as
    reporting the same first; their date disagreements are weighed).

    A first must rest on a fact: the response has a date of its own (or of its reports), it
    answers a dated incident (a report's date or one set by hand; a response dated before it
    is no answer to it), and that incident's group is reported by a tracker record or by two
    independent publishers (``incident_evidence``, shown with the first). Rejected claims and
    incidents (``store.curation``) are left out. When the earliest candidates fail, the next
    ones are tried."""
    ensure_groups(store)  # an incident's reports are its group's
    rejected_claims = rejected_ids(store, "claim")
    rejected_incidents = rejected_ids(store, "incident")
    found: dict[str, First] = {}
    after: dict[str, dt.date] | None = None
    for _ in range(MAX_WINDOWS):
        claims = store.earliest_responses(slack_days, after=after)
        if not claims:
            break
        windows: dict[str, dt.date] = {}
        for action in dict.fromkeys(c.action for c in claims if c.action):
            mine = [c for c in claims if c.action == action]
            first = _first_of(store, action, mine, rejected_claims, rejected_incidents, ref)
            if first is not None:
                found[action] = first
            else:
                windows[action] = _window_end(store, mine, slack_days)
        if not windows:
            break
        after = windows
    out = list(found.values())
    out.sort(key=lambda f: (f.step.date is None, f.step.date.start if f.step.date else None))
    return out


def _window_end(store: Store, claims: Sequence[Claim], slack_days: int) -> dt.date:
    """The last date a window of candidates covered (the next window starts after it)."""
    dates = store.response_dates_of([c.id for c in claims])
    return max(dates.values()) if dates else dt.date.max


def _first_of(store: Store, action: str, claims: Sequence[Claim], rejected_claims: set[str],
              rejected_incidents: set[str], ref: Reference | None) -> First | None:
    """The best-founded first among one window of an action's candidate claims, or None."""
    claims = [c for c in claims if c.id not in rejected_claims
              and c.incident_id not in rejected_incidents]
    if not claims:
        return None
    groups = store.incident_groups_of({c.incident_id for c in claims if c.incident_id})
    members = store.group_members({g.group_id for g in groups.values()})
    member_ids = {i for ids in members.values() for i in ids} | {
        c.incident_id for c in claims if c.incident_id}
    incidents = {i.id: i for i in store.incidents_by_id(member_ids)
                 if i.id not in rejected_incidents}
    marks = curations(store, "incident", incidents)
    for iid, mark in marks.items():
        if mark.date is not None or mark.targets is not None:
            inc = incidents[iid]
            incidents[iid] = replace(inc, time=mark.date or inc.time,
                                     targets=mark.targets if mark.targets is not None
                                     else inc.targets)
    documents = store.documents_info({c.document_id for c in claims}
                                     | {i.document_id for i in incidents.values()})
    def group_of(iid: str) -> list[Incident]:
        g = groups.get(iid)
        ids = members.get(g.group_id, [iid]) if g is not None else [iid]
        return [incidents[i] for i in ids if i in incidents]
    targets = {t for c in claims if c.incident_id for i in group_of(c.incident_id)
               for t in i.targets}
    steps = response_steps(sourced(claims, documents, targets, ref=ref), None, ref)
    steps.sort(key=lambda s: (s.date is None, s.date.start if s.date else None,
                              -len(s.claims)))
    for best in steps:
        if best.date is None:
            continue
        inc_id = next((s.claim.incident_id for s in best.claims if s.claim.incident_id), "")
        group = group_of(inc_id)
        dated = [i.time for i in group if i.time is not None]
        if not dated:
            continue  # an undated incident: "first" of what, when?
        start = min(dated, key=lambda d: (d.end - d.start, d.start))
        if best.date.end < start.start:
            continue  # before the incident (as dated by hand or by its reports)
        evidence = incident_evidence([documents[i.document_id] for i in group
                                      if i.document_id in documents])
        if evidence is None:
            continue
        inc = next((i for i in group if i.id == inc_id), group[0])
        step = Step(best.kind, best.actor, best.what, best.date, best.approximate,
                    None if best.approximate else lag_days(start, best.date), best.claims,
                    best.dates, best.action, best.actor_state, best.target_state)
        return First(action, action_label(action), step, inc_id, _describe(inc, ref),
                     evidence)
    return None
