"""Claims a document implies by its other claims: a response that holds a state responsible
is an attribution; a government's official attribution is an accusation; and no statement is
recorded twice. Run by ``claims.extract_claims`` once every sentence's claims are read."""

from __future__ import annotations

from collections.abc import Sequence

from cybertrack.extract import lexicon as lx
from cybertrack.extract.casefold import compile_ci
from cybertrack.extract.types import ClaimDraft, IncidentDraft, Sentence
from cybertrack.model import Claimant

#: Responses by which a state holds another responsible for an incident.
_ACCUSING = frozenset({"condemn", "accuse", "sanction", "indict", "expel-diplomats"})


def implied_attributions(claims: list[ClaimDraft],
                         incidents: Sequence[IncidentDraft]) -> None:
    """A state that condemns, accuses, sanctions, indicts or expels another over an incident
    holds it responsible ("Britain and Canada joined the United States in condemning
    Pyongyang", "the Justice Department charged two Iranian men with the attack"): where no
    claim of the document holds that state responsible for the incident yet, the first such
    response is also its government's attribution. (Only the first: a tracker's record is
    coded with one attribution however many states answered, so each further one would
    repeat what the record already says.) Never to the incident's own victim, and never a
    state to itself."""
    # the claims of known sources (one the text asserts on its own is no one's claim yet)
    asserted = [c for c in claims if c.kind == "attribution" and c.polarity == "asserted"
                and c.claimant is not None]
    have = {(c.incident, c.attributed_state) for c in asserted} | {
        (c.claimant.country, c.attributed_state) for c in asserted if c.claimant}
    out: list[ClaimDraft] = []
    for c in claims:
        out.append(c)
        if c.kind != "response" or c.action not in _ACCUSING or c.incident is None or \
                not c.actor_state or not c.target_state or c.actor_state == c.target_state \
                or c.polarity != "asserted" or c.incident >= len(incidents) or \
                c.target_state in incidents[c.incident].targets or (
                    lx.PASSIVE_CUE_RE.match(c.cue) and c.action not in lx.VERBAL_PASSIVE_ACTIONS):
            continue  # a passive response's parties are read with less certainty, unless
            # the text named its agent ("was blamed by the UK's minister")
        if (c.incident, c.target_state) in have or (c.actor_state, c.target_state) in have:
            continue
        have |= {(c.incident, c.target_state), (c.actor_state, c.target_state)}
        out.append(ClaimDraft(
            kind="attribution", sentence=c.sentence, incident=c.incident,
            claimant=Claimant("government", c.actor_state, c.actor_state,
                              f"country:{c.actor_state}", "unknown"),
            attributed_state=c.target_state, cue=c.cue, claim_date=c.claim_date or c.event_date))
    claims[:] = out


#: What makes a government's attribution an official act: a formal statement, a report, an
#: announcement ("formally blamed", "a government investigation says", "press releases
#: officially attributing").
_OFFICIAL_ACT_RE = compile_ci(
    r"\b(?:formally|officially|publicly|statements?|press releases?|announc\w+|declared|"
    r"joint|investigation|inquiry|report|assessment|indictment|charges)\b")


def public_accusations(claims: list[ClaimDraft], sentences: Sequence[Sentence]) -> None:
    """A government that holds another state responsible in public ("South Korea's
    unification ministry said North Korean hackers were responsible", "the White House
    attributed the activity to China's Ministry of State Security") makes an official
    accusation: a response ``accuse`` beside its attribution, unless the document already
    tells a response of that state to that one (its answer is that response). Never from an
    inferred source."""
    verbal = {(c.actor_state, c.target_state) for c in claims if c.kind == "response"}
    out: list[ClaimDraft] = []
    for c in claims:
        out.append(c)
        who = c.claimant
        if c.kind != "attribution" or c.polarity != "asserted" or who is None or \
                who.kind != "government" or not who.country or not c.attributed_state or \
                who.country == c.attributed_state or "inferred" in (c.hedge or "") or \
                not _OFFICIAL_ACT_RE.search(sentences[c.sentence].text):
            continue
        key = (who.country, c.attributed_state)
        if key in verbal:
            continue
        verbal.add(key)
        out.append(ClaimDraft(kind="response", sentence=c.sentence, incident=c.incident,
                              claimant=who, action="accuse", actor_state=who.country,
                              target_state=c.attributed_state, cue="attribution",
                              event_date=c.claim_date))
    claims[:] = out


def drop_repeats(claims: list[ClaimDraft]) -> None:
    """One claim per statement: two rules may read the same claim in one sentence ("Britain
    joined the attribution: the National Cyber Security Centre said ..." is Britain's once),
    and a claim's id is made of what it states, so a repeat would name the same record."""
    seen: set[tuple[object, ...]] = set()
    out: list[ClaimDraft] = []
    for c in claims:
        key = (c.kind, c.sentence, c.incident, c.claimant, c.attributed_state,
               c.attributed_actor_id, c.attributed_actor, c.action, c.actor_state,
               c.target_state, c.polarity)
        if key not in seen:
            seen.add(key)
            out.append(c)
    claims[:] = out
