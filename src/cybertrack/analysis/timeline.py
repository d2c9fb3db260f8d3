"""Timelines: dated events for one incident, one actor (or state), or a pair of states.

An event is an incident happening, an attribution, a denial or a response, with its date (and
whether that date is only the date it was reported), who acted, and its sources. Incidents are
counted once per group of reports; undated events sort last.

A state's timeline lists thousands of groups and responses: weighing every report's date for
each at read time took most of a second at 50,000 documents, and none of it depends on who
asks. So what a timeline shows of each incident group (the incident with the group's date,
targets and kinds; each response to any of its incidents, one per actor, action and target,
dated by weighing its reports as an incident's chain does) is computed once when the group is
first read after it changed, and stored as one text per group (``timeline_groups``: the store
marks a group when its membership changes or its incidents gain claims), with who attributed
the group to whom. A subject's timeline finds its groups in ``attribution_facts``, reads their
texts, names the sources that attribute each to the subject, and keeps the responses taken
against the subject's state (or against no state named). A whole timeline (no year bounds),
once worked out, is stored too (``timeline_subjects``) and read back until the store next
rewrites a group timeline.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from cybertrack.analysis.assessment import assess_case
from cybertrack.analysis.case import load_case
from cybertrack.analysis.dates import human
from cybertrack.analysis.reach import Subject, resolve_subject
from cybertrack.analysis.responses import chain, response_steps
from cybertrack.analysis.sources import SourcedClaim, country_name, source_name, sourced
from cybertrack.gcpause import paused_gc
from cybertrack.model import Claim, Incident, PartialDate
from cybertrack.reference import Reference, load_reference
from cybertrack.resolve.groups import ensure_groups, group_date
from cybertrack.store import Store
from cybertrack.store.analytics import DocumentInfo
from cybertrack.store.curation import curations, rejected_ids
from cybertrack.store.group_queries import partial_date


class TimelineEvent(NamedTuple):
    """One dated thing that happened, on whose word. (A named tuple, not a frozen dataclass:
    a state's timeline builds twenty thousand, and a frozen dataclass takes three times as
    long to build.)"""

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


_KIND_ORDER = {"incident": 0, "self-claim": 1, "attribution": 1, "denial": 2, "response": 3}


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


def _merged(responses: Sequence[TimelineEvent]) -> list[TimelineEvent]:
    """Responses with one event apiece, each response to each incident group once: the United
    States sanctioning Iran in 2012 and again in 2022 stay two events. The same response told
    of two groups (a severance tied by one report to the July attack and by another to the
    September one) is one event when both date it alike; its sources are pooled."""
    merged: dict[tuple[Any, ...], TimelineEvent] = {}
    for e in responses:
        key = (e.actor, e.text, e.date.start if e.date else None,
               e.date.end if e.date else None, e.approximate)
        seen = merged.get(key)
        merged[key] = e if seen is None else TimelineEvent(
            seen.date, "response", seen.actor, seen.text,
            tuple(dict.fromkeys(seen.sources + e.sources)), seen.approximate, seen.incident_id)
    return list(merged.values())


def _response_events(claims: Sequence[SourcedClaim], event_of: Mapping[str, str],
                     ref: Reference) -> list[TimelineEvent]:
    """Response claims as timeline events, dated by weighing their reports, per incident
    group (``event_of`` maps an incident id to its group), as stored group timelines have
    them."""
    by_event: dict[str, list[SourcedClaim]] = {}
    for s in claims:
        iid = s.claim.incident_id or ""
        by_event.setdefault(event_of.get(iid, iid), []).append(s)
    out = []
    for members in by_event.values():
        for step in response_steps(members, None, ref):
            out.append(TimelineEvent(
                step.date, "response", step.actor, f"{step.actor} {step.what}",
                tuple(dict.fromkeys(s.source_label for s in step.claims)), step.approximate,
                step.claims[0].claim.incident_id))
    return _merged(out)


def actor_timeline(store: Store, name: str, ref: Reference | None = None, *,
                   since: int | None = None, until: int | None = None) -> Timeline:
    """Incidents attributed to a threat actor (or a state and the actors it sponsors), and the
    responses to them taken against its state (the sponsor of an actor) or against no state
    named: a response against another state accused of the same event belongs to that
    state's timeline. Only the incidents dated from year ``since`` to ``until`` (inclusive)
    when either is given."""
    ref = ref or load_reference()
    return subject_timeline(store, resolve_subject(store, name, ref), ref, since=since,
                            until=until)


def subject_timeline(store: Store, subject: Subject, ref: Reference, *,
                     since: int | None = None, until: int | None = None) -> Timeline:
    """``actor_timeline`` for an already resolved subject."""
    years = _years(since, until)
    _bring_up_to_date(store, ref)
    with paused_gc():  # thousands of events for a whole state: see ``cybertrack.gcpause``
        if years is None:
            return Timeline(f"Timeline of {subject.name}", _whole_timeline(store, subject, ref))
        events = _stored_events(store, subject, ref, years=years)
        return Timeline(f"Timeline of {subject.name}{_span(years)}", events.in_order())


def _whole_timeline(store: Store, subject: Subject, ref: Reference
                    ) -> tuple[TimelineEvent, ...]:
    """Every event of ``subject``: as stored in ``timeline_subjects`` when no group timeline
    was rewritten since it was worked out, else worked out from the group timelines and
    stored. Merging, naming and sorting a whole state's thousands of events costs four to five
    times what reading them back does."""
    key = subject_key(subject)
    generation, stored = store.stored_subject_timeline(key)
    if stored is not None:
        return _decoded_events(stored)
    events, encoded = _stored_events(store, subject, ref, encode=True).in_order_encoded()
    store.write_subject_timeline(key, generation, encoded)
    return events


def subject_key(subject: Subject) -> str:
    """The key of a subject's stored whole timeline: its name, home state, states, actor ids
    and actor names (what decides which events it lists and how they read)."""
    return _FIELD.join((_field(subject.name), subject.home or "",
                        *(_LIST.join(sorted(_field(x) for x in values)) for values in
                          (subject.states, subject.actor_ids, subject.actor_names))))


def _decoded_events(stored: str) -> tuple[TimelineEvent, ...]:
    """The events of a stored whole timeline (``_encode`` lines, in order): an incident keeps
    its group's first member id, a response its id or None (as ``_Decoded`` gives them)."""
    if not stored:
        return ()
    new, event, date = tuple.__new__, TimelineEvent, _date
    out = []
    for line in stored.split(_LINE):
        _, kind, who, text, when, approx, srcs, iid = line.split(_FIELD)
        out.append(new(event, (date(when), kind, who, text,
                               tuple(srcs.split(_LIST)) if srcs else (), approx == "1",
                               iid if kind == "incident" else iid or None)))
    return tuple(out)


def _years(since: int | None, until: int | None) -> tuple[int, int] | None:
    if since is None and until is None:
        return None
    return (since if since is not None else 1, until if until is not None else 9999)


def _span(years: tuple[int, int] | None) -> str:
    if years is None:
        return ""
    lo, hi = years
    return (f", {lo}" if lo == hi else f", {lo}-{hi}" if lo > 1 and hi < 9999
            else f", from {lo}" if lo > 1 else f", until {hi}")


def pair_timeline(store: Store, a: str, b: str, ref: Reference | None = None) -> Timeline:
    """Between two states: incidents attributed to either against the other, and every
    response one took against the other (tied to an incident or not)."""
    ref = ref or load_reference()
    sa, sb = resolve_subject(store, a, ref), resolve_subject(store, b, ref)
    _bring_up_to_date(store, ref)
    out: list[TimelineEvent] = []
    for src, dst in ((sa, sb), (sb, sa)):
        if dst.home is not None:
            out.extend(_stored_events(store, src, ref, target=dst.home).incidents)
    if sa.home and sb.home:
        gone = rejected_ids(store, "claim") | rejected_ids(store, "incident")
        claims = [c for c in store.responses_between(sa.home, sb.home)
                  if c.id not in gone and c.incident_id not in gone]
        docs = store.documents_info({c.document_id for c in claims})
        groups = store.incident_groups_of({c.incident_id for c in claims if c.incident_id})
        event_of = {i: g.group_id for i, g in groups.items()}
        out.extend(_response_events(sourced(claims, docs, (), ref=ref), event_of, ref))
    return Timeline(f"Timeline of {sa.name} and {sb.name}", _sorted(out))


def _bring_up_to_date(store: Store, ref: Reference) -> None:
    """Group the incidents stored since, and compute the stored timelines of changed groups."""
    ensure_groups(store)
    ensure_group_timelines(store, ref)


def _stored_events(store: Store, subject: Subject, ref: Reference, *,
                   target: str | None = None, years: tuple[int, int] | None = None,
                   encode: bool = False) -> _Decoded:
    """The events of the groups attributed to ``subject`` (and targeting ``target``, dated
    within ``years``), from their stored timelines (``_bring_up_to_date`` first): each incident
    on the word of those who attributed it to the subject (``encode``: ready to be stored)."""
    who = (subject.states, subject.actor_ids, subject.actor_names)
    named: dict[str, str] = {}  # a government speaks under its country code: name it
    out = _Decoded(subject.name, subject.home, encode=encode)
    for _, encoded, sources in store.subject_group_timelines(*who, target=target,
                                                                   years=years):
        out.add(encoded, tuple(named.get(x) or named.setdefault(x, source_name(x, ref))
                               for x in sources))
    return out


# --- stored group timelines --------------------------------------------------------------------

#: Groups computed and written per transaction.
BATCH = 2000
#: Stored texts are derived data read only here: a change to their layout ships with a
#: migration that marks every group stale (as 0007 does), so none is read in an old layout.
#: Separators of the stored text: events by line, fields by unit separator, sources by record
#: separator, a date's parts by group separator (none of them can appear in a field: ``_field``
#: blanks them).
_LINE, _FIELD, _LIST, _DATE = "\n", "\x1f", "\x1e", "\x1d"
_BLANKED = str.maketrans({_LINE: " ", _FIELD: " ", _LIST: " ", _DATE: " "})


def ensure_group_timelines(store: Store, ref: Reference | None = None) -> int:
    """Compute and store the timelines of the groups marked stale; returns how many groups
    were computed (none, after one cheap query, when nothing changed)."""
    marks = store.stale_timeline_groups()
    if not marks:
        return 0
    ref = ref or load_reference()
    for start in range(0, len(marks), BATCH):
        chunk = marks[start:start + BATCH]
        store.write_group_timelines(chunk, group_timelines(store, [g for g, _ in chunk], ref))
    return len(marks)


def group_timelines(store: Store, group_ids: Sequence[str], ref: Reference
                    ) -> dict[str, str]:
    """The encoded timeline of each of ``group_ids`` that has members, as the store holds
    them now."""
    members = store.group_members(group_ids)
    ids = [i for mids in members.values() for i in mids]
    incidents = {i.id: i for i in store.incidents_by_id(ids)}
    # curation by hand: rejected incidents and response claims out, hand-set targets and
    # dates in (a group whose every incident is rejected has no attribution rows: unlisted)
    by_hand: dict[str, PartialDate] = {}
    for iid, mark in curations(store, "incident", ids).items():
        if mark.date is not None and not mark.rejected:
            by_hand[iid] = mark.date
        if mark.rejected:
            incidents.pop(iid, None)
        elif iid in incidents and (mark.targets is not None or mark.date is not None):
            inc = incidents[iid]
            incidents[iid] = replace(inc, time=mark.date or inc.time, targets=(
                mark.targets if mark.targets is not None else inc.targets))
    responses = store.claims(incident_ids=ids, kind="response")
    gone = rejected_ids(store, "claim") if responses else set()
    responses = [c for c in responses if c.id not in gone and c.incident_id in incidents]
    docs = store.documents_info({i.document_id for i in incidents.values()}
                                | {c.document_id for c in responses})
    by_incident: dict[str, list[Claim]] = {}
    for c in responses:
        by_incident.setdefault(c.incident_id or "", []).append(c)
    return {gid: _LINE.join(_encode(e, against) for e, against in _group_events(
                mids[0], [incidents[i] for i in mids if i in incidents],
                [c for i in mids for c in by_incident.get(i, ())], docs, ref,
                min((by_hand[i] for i in mids if i in by_hand),
                    key=lambda d: (d.end - d.start, d.start), default=None)))
            for gid, mids in members.items() if any(i in incidents for i in mids)}


def _group_events(first: str, incidents: Sequence[Incident], responses: Sequence[Claim],
                  docs: Mapping[str, DocumentInfo], ref: Reference,
                  date_by_hand: PartialDate | None = None,
                  ) -> list[tuple[TimelineEvent, str]]:
    """What a timeline shows of one group: its incident (no actor and no sources yet: those
    depend on the subject) dated by ``group_date`` (approximate when only a publication date
    dates it), then the responses to it, each with the state it was taken against ('' when
    none is named)."""
    kinds = ", ".join(dict.fromkeys(k for i in incidents for k in i.kinds)) or "cyber operation"
    targets = ", ".join(country_name(t, ref) for t in dict.fromkeys(
        t for i in incidents for t in i.targets)) or "unknown targets"
    dated = any(i.time is not None for i in incidents)
    out = [(TimelineEvent(date_by_hand or group_date(list(incidents), docs), "incident", "",
                          f"{kinds} against {targets}", (), not dated, first), "")]
    for step in response_steps(sourced(responses, docs, (), ref=ref), None, ref):
        out.append((TimelineEvent(
            step.date, "response", step.actor, f"{step.actor} {step.what}",
            tuple(dict.fromkeys(s.source_label for s in step.claims)), step.approximate,
            first), step.target_state or ""))  # the group's incident, as its event names it
    return out


def _field(value: str) -> str:
    return value.translate(_BLANKED)


def _encode(e: TimelineEvent, against: str) -> str:
    d = e.date
    when = _DATE.join((d.start.isoformat(), d.end.isoformat(), d.precision, _field(d.text))
                      ) if d else ""
    return _line(_field(against), e.kind, _field(e.actor), _field(e.text), when,
                 "1" if e.approximate else "", _LIST.join(_field(x) for x in e.sources),
                 e.incident_id or "")


def _line(against: str, kind: str, actor: str, text: str, when: str, approx: str,
          sources: str, incident_id: str) -> str:
    """One stored event, its fields blanked and encoded already. The state it was taken
    against comes first: a timeline skips other states' lines unsplit."""
    return _FIELD.join((against, kind, actor, text, when, approx, sources, incident_id))


@functools.lru_cache(maxsize=16384)
def _date(when: str) -> PartialDate | None:
    """A stored date (memoized on its one field: a state's timeline decodes thousands, most
    of them repeats)."""
    return partial_date(*when.split(_DATE)) if when else None


class _Decoded:
    """Events decoded from stored group timelines, with their sort keys, responses merged as
    ``_merged`` does. The keys are strings built from the stored fields ("2022-07-15", the
    kind's rank, the text; "~" for undated, after every date), in ``TimelineEvent.sort_key``
    order: comparing key tuples holding dates was a tenth of a state's timeline."""

    def __init__(self, actor: str, home: str | None, *, encode: bool = False) -> None:
        self.actor, self.home = actor, home
        self.incidents: list[TimelineEvent] = []
        self._keys: list[str] = []
        # with ``encode``, each incident as ``_encode`` writes it (for ``in_order_encoded``)
        self._lines: list[str] | None = [] if encode else None
        self._actor_field = _field(actor)
        # (actor, text, date, approximate) -> (sort key, event, stored date field)
        self._responses: dict[tuple[str, str, str, str], tuple[str, TimelineEvent, str]] = {}

    def add(self, encoded: str, sources: tuple[str, ...]) -> None:
        """Add the events of one stored group timeline: its incident on the word of
        ``sources`` (those attributing it to the subject), and its responses against the
        subject's home state or against no state named."""
        # tuple.__new__: the named tuple's own __new__ is a Python call, a third of the cost
        new, event, date, responses = tuple.__new__, TimelineEvent, _date, self._responses
        mine = self.home + _FIELD if self.home else ""
        lines, named, actor = self._lines, _LIST.join(sources), self._actor_field
        for line in encoded.split(_LINE):
            if mine and line[0] != _FIELD and not line.startswith(mine):
                continue  # a response against another state
            _, kind, who, text, when, approx, srcs, iid = line.split(_FIELD)
            if kind == "incident":
                self.incidents.append(new(event, (date(when), kind, self.actor, text, sources,
                                                  approx == "1", iid)))
                self._keys.append(f"{when[:10] or '~'}0{text}")
                if lines is not None:
                    lines.append(_line("", kind, actor, text, when, approx, named, iid))
                continue
            same = (who, text, when[:21], approx)
            seen = responses.get(same)
            listed = tuple(srcs.split(_LIST)) if srcs else ()
            if seen is None:
                responses[same] = (f"{when[:10] or '~'}3{text}", new(event, (
                    date(when), kind, who, text, listed, approx == "1", iid or None)), when)
            else:
                first = seen[1]
                responses[same] = (seen[0], first._replace(
                    sources=tuple(dict.fromkeys(first.sources + listed))), seen[2])

    def in_order(self) -> tuple[TimelineEvent, ...]:
        events, order = self._ordered()
        return tuple(events[i] for i in order)

    def in_order_encoded(self) -> tuple[tuple[TimelineEvent, ...], str]:
        """``in_order``, and the same events as ``_encode`` lines, written from the stored
        fields (encoding each event anew, dates and all, cost half of working them out). The
        fields are blanked already, and the sources are names from the reference or stored
        fields, so only the subject's own name needs blanking."""
        if self._lines is None:
            raise ValueError("in_order_encoded needs _Decoded(..., encode=True)")
        events, order = self._ordered()
        lines = self._lines + [
            _line("", e.kind, e.actor, e.text, when, "1" if e.approximate else "",
                  _LIST.join(e.sources), e.incident_id or "")
            for _, e, when in self._responses.values()]
        return tuple(events[i] for i in order), _LINE.join([lines[i] for i in order])

    def _ordered(self) -> tuple[list[TimelineEvent], list[int]]:
        """The events (incidents, then responses) and the order of their sort keys."""
        responses = self._responses.values()
        events = self.incidents + [e for _, e, _ in responses]
        keys = self._keys + [k for k, _, _ in responses]
        return events, sorted(range(len(events)), key=keys.__getitem__)


def describe(event: TimelineEvent) -> str:
    """One line: date, what happened, on whose word."""
    when = human(event.date) + (" (reported)" if event.approximate and event.date else "")
    return f"{when}: {event.text} [{'; '.join(event.sources[:3])}]"
