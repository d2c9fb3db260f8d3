"""Attribution assessment of one incident group: who is blamed, by whom, how confidently.

Attributing claims (attributions and self-claims) are grouped by the state they name, an actor
standing for its suspected sponsor when the claim names no state. Within a candidate state the
claimants are grouped by basis and counted once each (``sources`` has the rules on identity and
independence). Stated confidences become probability intervals: ICD 203 likelihood terms by
their own band; analytic confidence by the band of the likelihood term it is usually read as
(``CONFIDENCE_INTERVALS``, our convention); the candidate's interval spans them all. An
assessment is *contested* when two states each have a credible independent claimant
(government, security company or international body), or when a credible claimant other than
the accused denies the attribution; a denial by the accused alone is reported, not counted as
disagreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cybertrack.analysis.case import Case, load_case
from cybertrack.analysis.dates import DatedFact, weigh_dates
from cybertrack.analysis.sources import (
    BASIS_LABELS,
    CREDIBLE_BASES,
    SourcedClaim,
    country_name,
)
from cybertrack.errors import CybertrackError
from cybertrack.reference import Reference, load_reference
from cybertrack.store import Store
from cybertrack.vocab import LIKELIHOOD_SYNONYMS, LIKELIHOODS

#: Analytic confidence read as a probability band (the ICD 203 band it is usually paired with).
CONFIDENCE_INTERVALS: dict[str, tuple[float, float]] = {
    "low": (0.30, 0.55), "moderate": (0.55, 0.80), "high": (0.80, 0.95),
}


def stated_interval(confidence: str | None, likelihood: str | None
                    ) -> tuple[float, float] | None:
    """The probability band a stated likelihood (preferred) or confidence stands for."""
    if likelihood:
        term = LIKELIHOOD_SYNONYMS.get(likelihood.lower(), likelihood.lower())
        if term in LIKELIHOODS:
            return LIKELIHOODS[term].low, LIKELIHOODS[term].high
    if confidence and confidence.lower() in CONFIDENCE_INTERVALS:
        return CONFIDENCE_INTERVALS[confidence.lower()]
    return None


def _envelope(bands: Sequence[tuple[float, float] | None]) -> tuple[float, float] | None:
    real = [b for b in bands if b is not None]
    if not real:
        return None
    return min(b[0] for b in real), max(b[1] for b in real)


def percent(band: tuple[float, float] | None) -> str:
    return "no stated confidence" if band is None else f"{band[0]:.0%}-{band[1]:.0%}"


@dataclass(frozen=True, slots=True)
class Support:
    """One claimant's claims for (or against) a candidate."""

    claimant: str
    basis: str
    key: str
    claims: tuple[SourcedClaim, ...]

    @property
    def independent(self) -> bool:
        return self.claims[0].independent

    @property
    def stated(self) -> tuple[str, ...]:
        """The confidence phrases used, as stated ("moderate confidence", "almost certain")."""
        out: list[str] = []
        for s in self.claims:
            if s.claim.likelihood:
                out.append(s.claim.likelihood)
            if s.claim.confidence:
                out.append(f"{s.claim.confidence} confidence")
        return tuple(dict.fromkeys(out))

    @property
    def interval(self) -> tuple[float, float] | None:
        return _envelope([stated_interval(s.claim.confidence, s.claim.likelihood)
                          for s in self.claims])


@dataclass(frozen=True, slots=True)
class Candidate:
    """A state (or, when no sponsor is known, an actor) that claims blame for the incident."""

    state: str | None
    name: str
    actors: tuple[str, ...]
    supports: tuple[Support, ...]

    @property
    def independent(self) -> int:
        return sum(1 for s in self.supports if s.independent)

    @property
    def credible(self) -> bool:
        return any(s.basis in CREDIBLE_BASES for s in self.supports)

    @property
    def interval(self) -> tuple[float, float] | None:
        return _envelope([s.interval for s in self.supports if s.independent])

    def by_basis(self) -> list[tuple[str, list[Support]]]:
        order = list(BASIS_LABELS)
        groups: dict[str, list[Support]] = {}
        for s in self.supports:
            groups.setdefault(s.basis, []).append(s)
        return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)


@dataclass(frozen=True, slots=True)
class SelfClaim:
    """A group claiming the act for itself, kept apart from attributions: that it did so is
    its own word; that it stands for a state is a separate fact, sourced by ``ties`` (the
    independent attributions in this case that name the group or its suspected sponsor)."""

    actor: str
    state: str | None
    state_name: str | None
    support: Support
    ties: tuple[Support, ...]

    @property
    def claimant(self) -> str:
        return self.support.claimant


@dataclass(frozen=True, slots=True)
class Assessment:
    """The attribution assessment of a case, with its explanation in plain language."""

    case: Case
    candidates: tuple[Candidate, ...]
    denials: tuple[Support, ...]
    accused_denials: tuple[Support, ...]
    contested: bool
    incident_date: DatedFact
    explanation: str
    #: Groups claiming the act themselves: never counted among the attributions.
    self_claims: tuple[SelfClaim, ...] = ()
    #: Attributions, self-claims and denials the text doubts, negates or declines to make
    #: (``Claim.polarity``): evidence shown apart, never counted as assertions.
    unasserted: tuple[SourcedClaim, ...] = ()

    @property
    def leading(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class _Sponsors:
    """Suspected sponsor of an actor: stored entity first, then reference data."""

    def __init__(self, store: Store, ref: Reference) -> None:
        self.store, self.ref, self.cache = store, ref, dict[str, str | None]()

    def __call__(self, actor_id: str | None, name: str | None) -> str | None:
        key = actor_id or (name or "").casefold()
        if not key:
            return None
        if key not in self.cache:
            self.cache[key] = self._find(actor_id, name)
        return self.cache[key]

    def _find(self, actor_id: str | None, name: str | None) -> str | None:
        if actor_id:
            try:
                return self.store.entity(actor_id).sponsor
            except CybertrackError:
                pass
            try:
                return self.ref.entry(actor_id).sponsor
            except CybertrackError:
                pass
        found = self.ref.lookup(name, "threat-actor") if name else []
        return found[0].sponsor if found else None


def _supports(claims: list[SourcedClaim]) -> tuple[Support, ...]:
    by_key: dict[str, list[SourcedClaim]] = {}
    for s in claims:
        by_key.setdefault(s.key, []).append(s)
    out = [Support(v[0].claimant, v[0].basis, k, tuple(v)) for k, v in by_key.items()]
    out.sort(key=lambda s: (not s.independent, list(BASIS_LABELS).index(s.basis)
                            if s.basis in BASIS_LABELS else 99, s.claimant))
    return tuple(out)


def assess_case(case: Case, store: Store, ref: Reference | None = None) -> Assessment:
    """The assessment of an already loaded case."""
    ref = ref or load_reference()
    sponsor = _Sponsors(store, ref)
    groups: dict[str, tuple[str | None, list[str], list[SourcedClaim]]] = {}
    denials: list[SourcedClaim] = []
    own: list[SourcedClaim] = []
    unasserted: list[SourcedClaim] = []
    for s in case.claims:
        c = s.claim
        if c.kind in ("attribution", "self-claim", "denial") and c.polarity != "asserted":
            unasserted.append(s)  # "no evidence that X", "cannot confirm": not a claimant
            continue
        if c.kind == "denial" or (c.kind in ("attribution", "self-claim") and c.stance == "denies"):
            denials.append(s)
            continue
        if c.kind not in ("attribution", "self-claim"):
            continue
        if is_self_claim(s):
            own.append(s)
            continue
        state = c.attributed_state or sponsor(c.attributed_actor_id, c.attributed_actor)
        key = state or f"actor:{(c.attributed_actor or 'unknown').casefold()}"
        entry = groups.setdefault(key, (state, [], []))
        if c.attributed_actor and c.attributed_actor not in entry[1]:
            entry[1].append(c.attributed_actor)
        entry[2].append(s)
    candidates = [
        Candidate(state, country_name(state, ref) if state else (actors[0] if actors else "?"),
                  tuple(actors), _supports(claims))
        for state, actors, claims in groups.values()
    ]
    candidates.sort(key=lambda x: (-x.independent, -len(x.supports), x.name))
    accused = {x.state for x in candidates if x.state}
    accused_names = {a.casefold() for x in candidates for a in x.actors}

    def is_accused(s: SourcedClaim) -> bool:
        """The denier is a blamed state or actor (or the state the denial itself names)."""
        who = s.claim.claimant
        if who is None:
            return False
        return (who.country is not None and who.country in accused | {s.claim.attributed_state}
                ) or who.name.casefold() in accused_names

    by_accused = _supports([s for s in denials if is_accused(s)])
    others = _supports([s for s in denials if not is_accused(s)])
    credible = [x for x in candidates if x.credible]
    contested = len(credible) > 1 or any(d.basis in CREDIBLE_BASES for d in others)
    dates = weigh_dates(
        ((s.when, s) for s in case.of_kind("incident-report") if s.when is not None
         and s.when_source == "event"),
        "the incident happened",
    )
    selves = _self_claims(own, candidates, sponsor, ref)
    text = explain(candidates, by_accused, others, contested, selves)
    if unasserted:
        text += " " + unasserted_text(unasserted, ref)
    return Assessment(case, tuple(candidates), tuple(others), tuple(by_accused), contested,
                      dates, text, selves, tuple(unasserted))


_UNASSERTED_VERBS = {"doubted": "doubts that", "negated": "says it was not",
                     "refused": "declines to say whether it was"}


def unasserted_text(claims: Sequence[SourcedClaim], ref: Reference) -> str:
    """One sentence listing what sources doubt, negate or decline to say, apart from the
    attributions ("Not counted as attributions: Sweden says it was not Belarus.")."""
    parts: list[str] = []
    for s in claims:
        c = s.claim
        what = country_name(c.attributed_state, ref) if c.attributed_state else (
            c.attributed_actor or "its attribution")
        if c.kind == "denial":
            what = "a denial" if c.polarity != "refused" else "denying it"
            verb = {"negated": "made no", "refused": "declines"}.get(c.polarity, "doubts")
            parts.append(f"{s.claimant} {verb} {what}")
            continue
        if c.alternatives:
            what = " or ".join([what, *(country_name(x, ref) for x in c.alternatives)])
        verb = _UNASSERTED_VERBS.get(c.polarity, c.polarity)
        parts.append(f"{s.claimant} {verb} {what}" + (" did it" if c.polarity == "doubted"
                                                       else ""))
    return "Not counted as attributions: " + "; ".join(dict.fromkeys(parts)) + "."


def is_self_claim(s: SourcedClaim) -> bool:
    """A group claiming the act for itself (a ``self-claim``, or an actor as claimant)."""
    return s.claim.kind == "self-claim" or s.basis == "attacker-self-claim"


def _self_claims(own: list[SourcedClaim], candidates: Sequence[Candidate],
                 sponsor: _Sponsors, ref: Reference) -> tuple[SelfClaim, ...]:
    """Each claiming group once, with the attributions of this case that tie it to a state:
    those naming the group itself, or its suspected sponsor, by an independent claimant."""
    out = []
    for sup in _supports(own):
        c = sup.claims[0].claim
        actor = c.attributed_actor or sup.claimant
        state = c.attributed_state or sponsor(c.attributed_actor_id, actor)
        ties = tuple(t for cand in candidates for t in cand.supports if t.independent and (
            (state is not None and cand.state == state)
            or actor.casefold() in {a.casefold() for a in cand.actors}))
        out.append(SelfClaim(actor, state, country_name(state, ref) if state else None, sup,
                             ties))
    return tuple(out)


def self_claim_text(x: SelfClaim) -> str:
    """"Claimed by HomeLand Justice (3 reports); the group is tied to Iran by: Mandiant,
    Albania." """
    n = len({s.claim.document_id for s in x.support.claims})
    text = f"Claimed by {x.actor} itself ({n} report{'s' if n != 1 else ''})"
    if x.state_name and x.ties:
        return (text + f"; the group is tied to {x.state_name} by: "
                + ", ".join(dict.fromkeys(t.claimant for t in x.ties)) + ".")
    if x.state_name:
        return (text + f"; no independent source in this case ties the group to "
                f"{x.state_name} (its suspected sponsor in the reference data).")
    return text + "."


def assess(store: Store, incident_id: str, ref: Reference | None = None) -> Assessment:
    """Load the case of ``incident_id`` and assess it."""
    return assess_case(load_case(store, incident_id, ref), store, ref)


def explain(candidates: Sequence[Candidate], by_accused: Sequence[Support],
            others: Sequence[Support], contested: bool,
            self_claims: Sequence[SelfClaim] = ()) -> str:
    """One paragraph: who claimed the act itself (apart: a self-claim is no attribution), who
    is blamed, by how many independent claimants of which basis, with what stated
    confidence, who denies it, and whether credible sources disagree."""
    claimed = [self_claim_text(x) for x in self_claims]
    if not candidates:
        text = " ".join([*claimed, "No source attributes this incident."]) if claimed else \
            "No source attributes this incident."
        if by_accused or others:
            text += f" Denied by {', '.join(d.claimant for d in [*by_accused, *others])}."
        return text
    parts = list(claimed)
    for n, cand in enumerate(candidates):
        indep = [s for s in cand.supports if s.independent]
        groups = "; ".join(
            f"{BASIS_LABELS.get(b, b)}: {', '.join(s.claimant for s in ss)}"
            for b, ss in cand.by_basis() if ss[0].independent)
        stated = [f"{s.claimant}: {', '.join(s.stated)}" for s in indep if s.stated]
        relays = [s for s in cand.supports if not s.independent]
        line = (f"{'Attributed' if n == 0 else 'Also attributed'} to {cand.name} by "
                f"{len(indep)} independent claimant{'s' if len(indep) != 1 else ''}"
                if indep else
                f"{'Attributed' if n == 0 else 'Also attributed'} to {cand.name} only by "
                "sources that relay others")
        if groups:
            line += f" ({groups})"
        if stated:
            line += (f", {len(stated)} with stated confidence ({'; '.join(stated)}; "
                     f"combined {percent(cand.interval)})")
        elif indep:
            line += ", none stating a confidence"
        media = sum(1 for s in relays if s.basis == "media")
        trackers = [s.claimant for s in relays if s.basis == "tracker"]
        if media:
            line += f"; reported by {media} media outlet{'s' if media != 1 else ''}"
        if trackers:
            line += f"; coded by {', '.join(trackers)}"
        parts.append(line + ".")
    if by_accused:
        parts.append(f"Denied by the accused ({', '.join(d.claimant for d in by_accused)}).")
    if others:
        parts.append(f"Disputed by {', '.join(d.claimant for d in others)}.")
    if contested:
        parts.append("Contested: credible sources disagree.")
    return " ".join(parts)
