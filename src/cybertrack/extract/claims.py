"""Claims: attributions, self-claims, denials and state responses, one sentence at a time.

Every claim keeps its sentence. The claimant is the source the sentence cites ("according to X",
"X said", "X concluded"); where none is cited, the subject of a response ("Albania cut ties with
Iran over a cyberattack by Tehran" is Albania's claim), else nobody (the author's own words).
The incident is the one the sentence names, else the one in focus.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace

from cybertrack.extract import lexicon as lx
from cybertrack.extract.casefold import compile_ci
from cybertrack.extract.implied import drop_repeats, implied_attributions, public_accusations
from cybertrack.extract.incidents import DatedSpan, event_nouns, nearest_date
from cybertrack.extract.kinds import add_kinds, is_speculative, settle_kinds, speculative
from cybertrack.extract.polarity import (
    CONFIDENCE_PHRASE_RE,
    confidence_level,
    denial_polarity,
    join_hedges,
    names_alternatives,
    polarity_at,
    stated_confidence,
    subject_of_attribution,
    unlikely,
)
from cybertrack.extract.prefilter import gate
from cybertrack.extract.roles import (
    LIST_JOIN_RE,
    VERB_BEFORE_RE,
    StateList,
    attacker_mentions,
    last_opens_clause,
    not_acting,
    state_lists,
    subject_of_event,
    tool_maker,
)
from cybertrack.extract.sources import (
    Sources,
    main_source,
    paragraph_claimant,
    resolve_source_anaphora,
)
from cybertrack.extract.speakers import (
    OBJECT_BEFORE_RE,
    claimant_from,
    claimant_of,
    clause_speaker,
    response_cues,
    speech_starts,
    states_after,
    subject_state,
)
from cybertrack.extract.types import ClaimDraft, EntityMention, IncidentDraft, Sentence
from cybertrack.model import Claimant, PartialDate

_STRONG_ATTRIBUTION_RE = compile_ci(
    r"\b(attribut\w+|blam\w+|behind|responsib\w+|accountable|culprit|perpetrat\w+|"
    r"aggression|accus(?:ed|es|ing)|carried out by|conducted by|in support of|on behalf of|"
    r"working for|worked for|works for|state-sponsored|state-backed|linked to|tied to|"
    r"finger at)\b"
)
_VERBAL_ACCUSE = compile_ci(r"\b(accus(?:ed|es|ing)|blam(?:ed|es|ing)|"
                            r"held (?:\w+ ){0,2}responsible|"
                            r"hold (?:\w+ ){0,2}(?:responsible|accountable)|held accountable|"
                            r"be held accountable)\b")


def confidence_of(text: str) -> tuple[str | None, str | None, str | None]:
    """Stated analytic confidence, ICD 203 likelihood and the verbatim hedge of a sentence
    (every phrase of it; a claim reads those of its own clause, ``polarity.stated_confidence``)."""
    return tuple(stated_confidence(text))  # type: ignore[return-value]


def sentence_claims(
    sent: Sentence,
    incident: int | None,
    incidents: Sequence[IncidentDraft],
    dates: Sequence[DatedSpan],
    prior: Sequence[ClaimDraft],
) -> list[ClaimDraft]:
    """All claims of one sentence (attribution, self-claim, denial, responses)."""
    if not sent.mentions:
        return []  # every claim needs a named claimant, actor or state in its sentence
    out: list[ClaimDraft] = []
    text = sent.text
    g = gate(text)
    claimant, claimant_idx = claimant_of(sent)
    targets = set(incidents[incident].targets) if incident is not None else set()

    if g.search(lx.SELF_CLAIM_RE, text):
        for m, _i in _actors(sent):
            out.append(ClaimDraft(
                kind="self-claim", sentence=sent.index, incident=incident,
                claimant=claimant_from(m), attributed_actor=_as_written(m),
                attributed_actor_id=m.entity_id,
                attributed_sponsor=m.sponsor, cue=lx.SELF_CLAIM_RE.search(text).group(0),  # type: ignore[union-attr]
            ))
            break
        if out:
            return out

    denial = _denial(text)
    if denial and _of_another(sent, denial, claimant):
        denial = None  # "X said there was no evidence that Y was involved": X denies nothing
    own_clause = _denial_clause_subject(sent, denial, claimant_idx) if denial else None
    if denial and own_clause is not None and g.search(lx.DENIAL_OBJECT_RE, text):
        # "Estonia said Russian hackers did it, while Moscow denied any role": the state
        # heading the denial's own clause denies; what the sentence said before stands
        verdict = denial_polarity(text, denial.start())
        out.append(ClaimDraft(kind="denial", sentence=sent.index, incident=incident,
                              claimant=claimant_from(own_clause), cue=denial.group(0),
                              claim_date=_claim_date(sent, dates),
                              polarity=verdict.polarity, hedge=verdict.cue))
        denial = None
    if denial and (g.search(lx.DENIAL_OBJECT_RE, text) or "denial" in denial.group(0).lower()
                   or _SELF_CONTAINED_DENIAL_RE.search(denial.group(0))):
        who = _denied_by(sent, denial) or claimant
        if who is None:
            subj = subject_state(sent, denial.start())
            if subj is not None:
                who = claimant_from(subj[0])
        if who is None and _GOVERNMENT_ANAPHOR_RE.search(text[: denial.start()]):
            # "The government rejected the accusation": the government accused before
            accused = _accused_state(prior, incident, None)
            who = _state_claimant(accused) if accused else None
        if who is not None and _DENIAL_FORMULA_RE.match(denial.group(0)) and \
                who.country not in {s for c in prior for s in (c.attributed_state,
                                                               c.attributed_sponsor) if s}:
            who = None  # "Kenya is a victim of cyberattacks": a formula of denial only from
            # a state that was accused
        who = _denier(who, prior, incident, targets)
        if who is not None:
            verdict = denial_polarity(text, denial.start())
            out.append(ClaimDraft(kind="denial", sentence=sent.index, incident=incident,
                                  claimant=who, cue=denial.group(0),
                                  claim_date=_claim_date(sent, dates),
                                  polarity=verdict.polarity, hedge=verdict.cue))
        return out

    attribution = _attribution(sent, claimant, claimant_idx, targets)
    if attribution is not None:
        state, actor, cue_pos, joint, hypothesis = attribution
        who = (clause_speaker(sent, cue_pos)[0] if claimant is not None else None) or \
            claimant or _response_subject(sent)
        if who is not None and actor is not None and state is None and \
                who.entity_id == actor.entity_id:
            # "NSO Group denied knowledge of ...": an actor speaking of itself attributes
            # nothing (a claim of its own act is a self-claim, found above)
            return [*out, *_responses(sent, incident, dates, [*prior, *out], targets)]
        made = _attribution_claims(sent, incident, who, state, actor, cue_pos, joint,
                                   hypothesis, claimant_idx, targets, dates)
        out.extend(made)
        if who is not None and claimant_idx is not None and who.kind in ("government",
                                                                          "organization"):
            # "the United States, Britain, Canada, and the European Union said": each speaks
            for co in _co_speakers(sent, claimant_idx):
                out.extend(replace(c, claimant=co) for c in made
                           if c.attributed_state != co.country)
        for co in _concurring(sent, claimant_idx):
            # "other nations, including Britain and Japan, agreed with the US assessment"
            out.extend(replace(c, claimant=co) for c in made
                       if c.attributed_state != co.country and c.polarity == "asserted")
    out.extend(_responses(sent, incident, dates, [*prior, *out], targets))
    return out


#: "agreed with the United States assessment", "joined the attribution", "backed the
#: findings": those named before it share the attribution the sentence reports.
_AGREED_RE = compile_ci(
    r"\b(?:agreed|agree|agrees|concurred|concur|concurs|joined|join|backed|endorsed|"
    r"supported|shared|share|echoed|corroborated)\s+(?:with\s+|in\s+)?(?:the\s+)?"
    r"(?:[\w.'’-]+\s+){0,3}?(?:assessment|attribution|conclusions?|findings?|"
    r"determination|judgment|judgement)\b")


def _concurring(sent: Sentence, claimant_idx: int | None) -> list[Claimant]:
    """States and organizations named between the speech verb and "agreed with" as sharing
    the attribution the sentence reports ("Bossert said other nations, including the United
    Kingdom and Japan, as well as Microsoft, had agreed with the United States assessment
    that ..."): each is a claimant of it too."""
    g = gate(sent.text)
    agreed = g.search(_AGREED_RE, sent.text)
    if agreed is None:
        return []
    verbs = [v for v in speech_starts(sent.text) if v < agreed.start()]
    start = verbs[0] if verbs else 0
    out: list[Claimant] = []
    for i, m in enumerate(sent.mentions):
        s = m.start - sent.start
        if s >= agreed.start():
            break
        if s < start or i == claimant_idx or m.form == "demonym" or not (
                m.kind == "country" or m.is_government or m.kind == "organization"):
            continue
        out.append(claimant_from(m))
    return out


def _co_speakers(sent: Sentence, claimant_idx: int) -> list[Claimant]:
    """States and organizations listed with the claimant as the speech verb's subject
    ("the United States, Britain, Canada, and the European Union said"), before it or, up to
    the verb, after it."""
    out: list[Claimant] = []
    i = claimant_idx
    while i > 0:
        prev, cur = sent.mentions[i - 1], sent.mentions[i]
        gap = sent.text[prev.end - sent.start : cur.start - sent.start]
        if not LIST_JOIN_RE.fullmatch(gap) or not (prev.state or prev.kind == "organization"):
            break
        who = claimant_from(prev)
        if who is not None:
            out.append(who)
        i -= 1
    # "Officials in Britain and the United States blamed ...": the claimant heads the list
    verbs = [v for v in speech_starts(sent.text)
             if v > sent.mentions[claimant_idx].end - sent.start]
    stop = verbs[0] if verbs else len(sent.text)
    i = claimant_idx
    after: list[Claimant] = []
    last_gap = ""
    while i + 1 < len(sent.mentions):
        cur, nxt = sent.mentions[i], sent.mentions[i + 1]
        if nxt.end - sent.start > stop:
            break
        gap = sent.text[cur.end - sent.start : nxt.start - sent.start]
        if not LIST_JOIN_RE.fullmatch(gap) or not (nxt.state or nxt.kind == "organization") \
                or nxt.form == "demonym":
            break
        after.append(claimant_from(nxt))
        last_gap = gap
        i += 1
    # a list closes with "and" ("X, Y and Z"); "Washington, Albania's closest ally," is none
    if after and _LIST_AND_RE.search(last_gap):
        out.extend(after)
    return out


_LIST_AND_RE = compile_ci(r"\b(?:and|as well as)\b")


def _attribution_claims(
    sent: Sentence, incident: int | None, who: Claimant | None, state: str | None,
    actor: EntityMention | None, pos: int, joint: list[str], hypothesis: bool,
    claimant_idx: int | None, targets: AbstractSet[str], dates: Sequence[DatedSpan],
) -> list[ClaimDraft]:
    """The attribution claims of a sentence, each with its own polarity and confidence.

    The state (or actor) at ``pos`` is the sentence's attribution; states listed with it get
    one claim each; a list of possible sources rather than joint operators ("servers linked to
    three different countries, A, B and C", "Russian or Chinese hackers") is one doubted claim
    naming the first state, ``alternatives`` the others. States the sentence sets apart
    ("Russia, but not Belarus") or denies in a clause of their own get a claim of that
    polarity. A hypothesis with no source ("Tehran could be behind it") is kept only where a
    cue makes it a doubt.
    """
    text = sent.text
    spans = _party_spans(sent, claimant_idx)
    listed = _list_at(sent, pos)
    members = set(listed.items) if listed is not None else set()
    at = next((i for i, m in enumerate(sent.mentions) if m.start - sent.start == pos), None)
    others = [sp for i, sp in spans if i not in members and i != at]
    end = sent.mentions[at].end - sent.start if at is not None else pos
    verdict = polarity_at(text, pos, end, others)
    if hypothesis and verdict.polarity == "asserted":
        return []
    stated = stated_confidence(text, pos, [s for s, _e in others])
    polarity = verdict.polarity
    if polarity == "asserted" and state is not None and unlikely(stated.likelihood):
        polarity = "doubted"  # "it is unlikely that X was behind it"
    alternatives: list[str] = []
    if state is not None and listed is not None:
        states = list(dict.fromkeys(
            x for x in (sent.mentions[i].state for i in listed.items
                        if i != claimant_idx) if x is not None))
        if state in states and len(states) > 1 and (
                listed.either or names_alternatives(text, pos) is not None):
            alternatives, joint = states, [x for x in states if x != state]
    claim = ClaimDraft(
        kind="attribution", sentence=sent.index, incident=incident, claimant=who,
        attributed_state=state, attributed_actor=_as_written(actor) if actor else None,
        attributed_actor_id=actor.entity_id if actor else None,
        attributed_sponsor=actor.sponsor if actor else None, confidence=stated.confidence,
        likelihood=stated.likelihood, hedge=join_hedges(stated.hedge, verdict.cue),
        claim_date=_claim_date(sent, dates), polarity=polarity,
    )
    if alternatives:
        # possible sources, one record: the first state named, doubted, with the others as
        # its alternatives (no state of the list is asserted)
        cue = names_alternatives(text, pos) or "or"
        out = [replace(claim, attributed_state=alternatives[0],
                       polarity="doubted" if polarity == "asserted" else polarity,
                       hedge=join_hedges(claim.hedge, cue), alternatives=tuple(alternatives[1:]))]
    else:
        # "operators from Saudi Arabia and the United Arab Emirates": one claim per state
        out = [claim, *(replace(claim, attributed_state=other) for other in joint)]
    claimed = {c.attributed_state for c in out} | {s for s in targets}
    own = sent.mentions[claimant_idx].state if claimant_idx is not None else None
    for i, m in enumerate(sent.mentions):
        # "Russia was behind it, but not Belarus": a state set apart gets its own polarity
        if i == claimant_idx or m.kind != "country" or m.state is None or \
                m.state in claimed or m.state == own:
            continue
        s = m.start - sent.start
        if not _SET_APART_RE.search(text[max(0, s - 30) : s]) and \
                not subject_of_attribution(text, m.end - sent.start):
            continue
        other = polarity_at(text, s, m.end - sent.start, [sp for j, sp in spans if j != i])
        if other.polarity != "asserted":
            claimed.add(m.state)
            out.append(replace(claim, attributed_state=m.state, attributed_actor=None,
                               attributed_actor_id=None, attributed_sponsor=None,
                               polarity=other.polarity, confidence=None, likelihood=None,
                               hedge=other.cue, alternatives=()))
    return out


#: A state set apart from the one held responsible ("but not Belarus", "rather than China").
_SET_APART_RE = compile_ci(r"(?:\bbut|,|\band|\bnor|\bor)\s+(?:not|never)\s+(?:the\s+)?$|"
                           r"\b(?:rather\s+than|instead\s+of|not)\s+(?:the\s+)?$")


def _party_spans(sent: Sentence, claimant_idx: int | None) -> list[tuple[int, tuple[int, int]]]:
    """(index, sentence-relative span) of the sentence's named parties but the claimant."""
    return [(i, (m.start - sent.start, m.end - sent.start)) for i, m in enumerate(sent.mentions)
            if i != claimant_idx and m.kind in ("country", "threat-actor", "organization")]


def _list_at(sent: Sentence, pos: int) -> StateList | None:
    """The state list that holds the mention at ``pos``, if any."""
    return next((lst for lst in state_lists(sent)
                 if any(sent.mentions[i].start - sent.start == pos for i in lst.items)), None)


#: The opening of a later clause of its own: ", while", "and", "but", ";" (then a subject).
_CLAUSE_OPEN_RE = compile_ci(r"(?:[,;]\s*|\s)(?:while|whereas|but|and|though|although)\s+"
                             r"(?:the\s+)?$|;\s*(?:the\s+)?$")
#: Between a denier and its verb: an auxiliary, an adverb ("has flatly denied").
_DENIER_GAP_RE = compile_ci(r"\s*(?:(?:has|have|had|was|is|quickly|swiftly|flatly|strongly|"
                            r"also|again|previously|repeatedly|always|consistently)\s+){0,3}")


def _denial_clause_subject(sent: Sentence, denial: re.Match[str] | None,
                           claimant_idx: int | None) -> EntityMention | None:
    """The state heading a denial's own later clause ("..., while Tehran denied any role",
    "... and Beijing has denied involvement"), or None where the denial is the sentence's
    own (its claimant denies). Only a state right after the clause opening, right before the
    denial verb, is its subject."""
    if denial is None or not denial.group(0).lower().startswith(("den", "reject", "dismiss",
                                                                  "refut")):
        return None
    text = sent.text
    for i, m in enumerate(sent.mentions):
        s, e = m.start - sent.start, m.end - sent.start
        if e > denial.start():
            break
        if i == claimant_idx or m.state is None or s == 0:
            continue
        if _CLAUSE_OPEN_RE.search(text[max(0, s - 14) : s]) and \
                _DENIER_GAP_RE.fullmatch(text[e : denial.start()]):
            return m
    return None


#: Denial cues that say there is nothing to show something, rather than that it is false.
_NOTHING_TO_SHOW_RE = compile_ci(r"^no evidence$")


def _of_another(sent: Sentence, denial: re.Match[str], claimant: Claimant | None) -> bool:
    """"No evidence" that a state other than the speaker's was involved: a negated attribution
    of that state, not the speaker's denial."""
    if not _NOTHING_TO_SHOW_RE.match(denial.group(0)):
        return False
    own = claimant.country if claimant is not None else None
    return any(m.state and m.state != own and m.start - sent.start >= denial.end() and
               subject_of_attribution(sent.text, m.end - sent.start) for m in sent.mentions)


def _claim_date(sent: Sentence, dates: Sequence[DatedSpan]) -> PartialDate | None:
    """When the claim was made: the date nearest the sentence's first speech verb that does not
    name the event. Worked out only for a sentence that makes a claim (most make none)."""
    speech_pos = speech_starts(sent.text)
    if not speech_pos:
        return None
    return nearest_date(speech_pos[0], [], [d for d in dates if not _names_event(sent, d)], sent)


def _actors(sent: Sentence) -> list[tuple[EntityMention, int]]:
    return [(m, i) for i, m in enumerate(sent.mentions)
            if m.kind == "threat-actor" and not tool_maker(sent, m) and not not_acting(sent, m)]


def _attribution(
    sent: Sentence, claimant: object, claimant_idx: int | None, targets: set[str]
) -> tuple[str | None, EntityMention | None, int, list[str], bool] | None:
    """(state, actor, position of the attribution, states listed with the state, whether it
    is a hypothesis with no source) the sentence holds responsible, or None.

    The hedge and the strong cue are searched only where they decide something (a sentence
    with no claimant, one with a claimant and no state cast as operator).
    """
    attackers = attacker_mentions(sent)
    g = gate(sent.text)
    hypothesis = claimant is None and speculative(sent.text) and \
        _speculative_near(sent, attackers)
    actor_i = next((i for i in sorted(attackers) if sent.mentions[i].kind == "threat-actor"),
                   None)
    actor = sent.mentions[actor_i] if actor_i is not None else None
    state = None
    pos = sent.mentions[actor_i].start - sent.start if actor_i is not None else 0
    # a state, or the home state of an organization cast as sponsor ("Hamas-linked actor")
    states = [(m.state or m.country, m.start - sent.start)
              for m in (sent.mentions[i] for i in sorted(attackers) if i != claimant_idx)
              if m.kind != "threat-actor" and (m.state or m.country)]
    speaker = sent.mentions[claimant_idx] if claimant_idx is not None else None
    home = speaker.country if speaker is not None and speaker.kind != "threat-actor" else (
        claimant.country if isinstance(claimant, Claimant) and claimant.kind == "government"
        else None)
    if home:
        # "Britain's cyber centre, an arm of GCHQ, said ... the Chinese state", "The
        # US-based group FireEye says APT28 ...": a source holds its own state responsible
        # only where it says that state acted ("officials said the United States had
        # launched ...")
        states = [(x, p) for x, p in states if x != home or _acts_at(sent, p)]
    if states:
        state, pos = states[-1] if len({x for x, _p in states}) > 1 and \
            g.search(_LATER_RE, sent.text) else states[0]
    if len({x for x, _p in states}) > 1:
        # "the head of Germany's intelligence agency accused Russia of ...": the accused wins
        for x, p in states:
            if g.search(_ACCUSED_OBJECT_RE, sent.text[max(0, p - 30) : p]):
                state, pos = x, p
                break
        # "former U.S. operatives working for the UAE": the state they work for sponsors
        for i in sorted(attackers):
            m = sent.mentions[i]
            s = m.start - sent.start
            if m.kind != "threat-actor" and (m.state or m.country) and \
                    g.search(_WORKS_FOR_RE, sent.text[max(0, s - 40) : s]):
                state, pos = m.state or m.country, s
                break
    strong = g.search(_STRONG_ATTRIBUTION_RE, sent.text) \
        if state is None and claimant is not None else None
    if strong:
        own = sent.mentions[claimant_idx].country if claimant_idx is not None else None
        verbal = _VERBAL_BLAME_RE.fullmatch(strong.group(0))
        for i, m in enumerate(sent.mentions):
            if i == claimant_idx or not m.state or m.state in targets or m.state == own:
                continue
            s = m.start - sent.start
            if verbal and not _OBJECT_GAP_RE.match(sent.text[strong.end() : s]):
                continue  # "blamed unnamed third countries for ... Tirana": not the object
            if s < strong.end() and strong.group(0).lower().startswith("attribut"):
                continue  # "statements by Albania attributing the attack to Iran"
            if s > strong.start() - 60:
                state, pos = m.state, s
                break
    if state is None and actor is None:
        return None
    return state, actor, pos, _listed_with(sent, attackers, pos, state, claimant_idx), hypothesis


def _acts_at(sent: Sentence, pos: int) -> bool:
    """Whether the mention at ``pos`` is the subject of an operation verb."""
    m = next((m for m in sent.mentions if m.start - sent.start == pos), None)
    return m is not None and subject_of_event(sent.text[m.end - sent.start :])


def _listed_with(sent: Sentence, attackers: AbstractSet[int], pos: int, state: str | None,
                 claimant_idx: int | None) -> list[str]:
    """The other states of the operator list holding the state at ``pos`` ("Chinese and
    Russian hackers"): ``attacker_mentions`` casts a whole list as operators. "Russian or
    Chinese hackers" names one operator, not both; the claimant is never one of them."""
    if state is None:
        return []
    listed = next((lst for lst in state_lists(sent)
                   if any(sent.mentions[i].start - sent.start == pos for i in lst.items)), None)
    if listed is None or listed.either:
        return []
    own = sent.mentions[claimant_idx].state if claimant_idx is not None else None
    others = (sent.mentions[i].state for i in listed.items
              if i in attackers and i != claimant_idx
              and not (i == listed.items[-1] and last_opens_clause(sent, listed.items)))
    return list(dict.fromkeys(x for x in others if x is not None and x not in (state, own)))


_ACCUSED_OBJECT_RE = compile_ci(r"\b(?:accus(?:ed|es|ing)|blam(?:ed|es|ing))\s+(?:the\s+)?$")
#: "blamed X", "accused X": the one held responsible is the verb's object, right after it.
_VERBAL_BLAME_RE = compile_ci(r"blam(?:ed|es|ing)|accus(?:ed|es|ing)")
_OBJECT_GAP_RE = compile_ci(r"^\s+(?:on\s+)?(?:the\s+)?(?:government\s+of\s+(?:the\s+)?)?$")


def _speculative_near(sent: Sentence, attackers: AbstractSet[int]) -> bool:
    """A hedge that governs the operator's own clause ("Tehran could be behind"), not one in an
    earlier clause ("as reports suggested a ban might come, APT28 attacked ...")."""
    first = min((sent.mentions[i].start - sent.start for i in attackers), default=0)
    clause_start = max(sent.text.rfind(",", 0, first), sent.text.rfind(";", 0, first)) + 1
    # "... to steal information that might be useful in trade talks": a hedge in a relative
    # clause after the operator qualifies something else
    g = gate(sent.text)
    rel = _RELATIVE_RE.search(sent.text, first) if g.may(_RELATIVE_RE) else None
    return is_speculative(sent.text[clause_start : rel.start() if rel else None], g)


_RELATIVE_RE = compile_ci(r"\b(?:that|which|who)\s+(?:might|could|would|may)\b")


#: Denial words that are adjectives: they deny only as a predicate ("the allegations are fake")
#: or beside what they deny ("baseless accusations"); "a fake brand" is tradecraft.
_ADJECTIVE_DENIAL_RE = compile_ci(
    r"^(?:baseless|unfounded|groundless|fake|fabricat\w+|absurd|nonsense|slander\w*|smear)$")
_PREDICATE_BEFORE_RE = compile_ci(
    r"\b(?:is|are|was|were|as|be|being|called|calling|labell?ed|described)\s+(?:\w+\s+){0,2}$")


#: Denials that need no object: "we weren't involved", "had nothing to do with it".
_SELF_CONTAINED_DENIAL_RE = compile_ci(r"\b(?:involved|nothing|engage|part|participate)\b")
#: The formulas a state answers an accusation with ("opposes all forms of hacking", "is itself
#: a victim of cyberattacks", "a staunch defender of cybersecurity"): a denial only when that
#: state was accused before.
_DENIAL_FORMULA_RE = compile_ci(r"(?:firmly\s+|resolutely\s+|strongly\s+)?oppos|(?:is|was|are)\s+"
                                r"(?:itself\s+|also\s+)?(?:a|one\s+of)\b|staunch")
#: The subject of a denial that names no state: a government named before ("The government
#: rejected the accusation", "Officials in the capital denied ...").
_GOVERNMENT_ANAPHOR_RE = compile_ci(
    r"^\W*(?:the\s+)?(?:government|regime|authorities|foreign\s+ministry|ministry|officials|"
    r"embassy|kremlin)\b[^,;]{0,40}$")
#: "a claim denied by the Iranian Foreign Ministry": the denier follows "by".
_DENIED_BY_RE = compile_ci(r"^\s+by\s+(?:the\s+)?$")


def _denied_by(sent: Sentence, denial: re.Match[str]) -> Claimant | None:
    """The state named right after a passive denial ("denied by Tehran")."""
    for m in sent.mentions:
        s = m.start - sent.start
        if s >= denial.end() and (m.state or m.is_government) and \
                _DENIED_BY_RE.match(sent.text[denial.end() : s]):
            return claimant_from(m)
    return None


def _denial(text: str) -> re.Match[str] | None:
    g = gate(text)
    for m in g.finditer(lx.DENIAL_RE, text):
        if not _ADJECTIVE_DENIAL_RE.match(m.group(0)):
            return m
        after = text[m.end() : m.end() + 40]
        if g.search(_PREDICATE_BEFORE_RE, text[max(0, m.start() - 40) : m.start()]) or \
                g.match(lx.DENIAL_OBJECT_RE, after.lstrip()):
            return m
    return None


_WORKS_FOR_RE = compile_ci(
    r"\b(?:working for|work for|works for|worked for|on behalf of|at the (?:request|behest|"
    r"direction|orders?) of|sponsored by|backed by|directed by|hired by|employed by)"
    r"\s+(?:the\s+)?$")


#: "originally blamed on X, later attributed to Y": the last attribution is the standing one.
_LATER_RE = compile_ci(r"\b(?:later|subsequently|eventually|finally|now)\b")


def _response_subject(sent: Sentence) -> Claimant | None:
    """A state acting in the sentence ("Albania cut ties ... over a cyberattack by Tehran")."""
    g = gate(sent.text)
    for rx in lx.RESPONSE_RES.values():
        m = g.search(rx, sent.text)
        if m and not g.search(_PASSIVE_BEFORE_RE, sent.text[max(0, m.start() - 30) : m.start()]):
            subj = subject_state(sent, m.start())
            if subj is not None:
                return claimant_from(subj[0])
    return None


def _responses(sent: Sentence, incident: int | None, dates: Sequence[DatedSpan],
               prior: Sequence[ClaimDraft], victims: AbstractSet[str] = frozenset()
               ) -> list[ClaimDraft]:
    """State responses: actor (subject before the cue) did action to target (after the cue)."""
    out: list[ClaimDraft] = []
    g = gate(sent.text)
    cues = response_cues(sent.text)
    if not cues:
        return out
    # dates closer to an event phrase ("the July attack") belong to the event, not the response
    event_positions = [m.start("noun") for m in event_nouns(sent.text)]
    response_dates = [d for d in dates if not _names_event(sent, d)]
    for action, m in cues:
        if action in ("accuse", "condemn") and not _VERBAL_ACCUSE.search(m.group(0)) and \
                not _CONDEMN_RE.match(m.group(0)):
            continue
        before_cue = sent.text[max(0, m.start() - 30) : m.start()]
        if (g.search(_PASSIVE_BEFORE_RE, before_cue) and not m.group(0).lower().endswith("ing")
                ) or g.search(_HIT_WITH_RE, before_cue) or (
                action in _PASSIVE_ACTIONS and _REDUCED_PASSIVE_RE.fullmatch(m.group(0))
                and _BY_OR_FOR_RE.match(sent.text, m.end())):
            # a passive ("... were indicted", "were hit with sanctions") or a reduced relative
            # ("Chinese nationals charged with hacking", "the nine Iranians indicted in New
            # York"): the accused are the subject ("has been investigating" is no passive);
            # "Lazarus was accused of ...": the subject is not the one who accuses; "Seven
            # Russian officers were indicted by ...": it is the one answered
            responses = _passive_response(sent, m, action, incident, prior, victims) \
                if action in _PASSIVE_ACTIONS else (
                    _passive_response(sent, m, action, incident, prior, victims,
                                      agent_only=True)
                    if action in lx.VERBAL_PASSIVE_ACTIONS else [])
        else:
            subj = _nominal_actor(sent, m.start()) or subject_state(sent, m.start()) or \
                _actor_after_nominal_cue(sent, m)
            if subj is None:
                continue
            responses = [r for a in [*_with_listed(sent, subj), *_joiners(sent, subj)]
                         for r in _response(sent, m, action, a, incident, prior)]
        when = nearest_date(m.start(), event_positions, response_dates, sent) \
            if responses else None
        out.extend(replace(r, event_date=when) for r in responses)
    return out


#: A response verb's past participle, and what follows it when it is a reduced relative
#: ("two Iranians charged with", "officers indicted for", "nationals arrested in") rather
#: than an active verb with its object ("charged two Iranians").
_REDUCED_PASSIVE_RE = compile_ci(r"(?:indicted|charged|arrested|sanctioned|expelled|detained)")
_BY_OR_FOR_RE = compile_ci(r"\s+(?:with|for|over|of|in|by|on|after|last|this|earlier)\b")
#: "Ten Iranians were also hit with sanctions": a passive told through its noun.
_HIT_WITH_RE = compile_ci(r"\b(?:is|was|were|are|been|be|being)\s+(?:also\s+)?(?:hit|slapped|"
                          r"targeted|struck)\s+with\s+(?:new\s+|fresh\s+|additional\s+|"
                          r"further\s+)?$")
#: Responses told in the passive of the one answered ("were expelled", "was sanctioned").
_PASSIVE_ACTIONS = frozenset({"expel-diplomats", "sanction", "indict", "arrest"})
#: "by the Justice Department", "by Washington": the agent of a passive response.
_AGENT_BEFORE_RE = compile_ci(r"\bby\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,2}$")
#: Where a passive subject's noun phrase stops, looking back from its verb.
_SUBJECT_STOP_RE = compile_ci(r"[,;:]|\b(?:after|over|for|and|but|while|said|says|that|"
                              r"against|by|with|from|when|as)\b")


def _passive_response(sent: Sentence, m: re.Match[str], action: str, incident: int | None,
                      prior: Sequence[ClaimDraft], victims: AbstractSet[str],
                      agent_only: bool = False) -> list[ClaimDraft]:
    """A response told in the passive ("Seven Russian intelligence officers were indicted by
    the Justice Department", "The group was sanctioned by the Treasury"): the state answered
    is the nationality of the subject (a state, or an actor's sponsor, or an organization's
    country); the state acting is the agent ("by ..."), else a state acting elsewhere in the
    sentence, else the state that answered before in the document, else the victim of the
    incident in focus."""
    text = sent.text
    # the subject ends where the passive begins ("Ten Iranians were also hit with sanctions")
    hit = _HIT_WITH_RE.search(text, max(0, m.start() - 30), m.start())
    end = hit.start() if hit else m.start()
    stop = 0
    for sm in _SUBJECT_STOP_RE.finditer(text, 0, end):
        stop = sm.end()
    target = None
    for x in sent.mentions:
        s = x.start - sent.start
        if s < stop or s >= end:
            continue
        if x.kind == "threat-actor":
            target = x.sponsor or target
        elif x.state or (x.kind == "organization" and not x.is_government and x.country):
            target = x.state or x.country
    if target is None:
        return []
    actor_m: EntityMention | None = None
    for x in sent.mentions:
        s = x.start - sent.start
        if s >= m.end() and x.state and x.state != target and \
                _AGENT_BEFORE_RE.search(text[max(0, s - 40) : s]) and s - m.end() < 80:
            actor_m = x
            break
    if actor_m is None and agent_only:
        return []
    where = next((x for x in sent.mentions if (x.state or x.country) and
                  0 < x.start - sent.start - m.end() < 40 and _ARRESTED_IN_RE.fullmatch(
                      text, m.end(), x.start - sent.start)), None) \
        if actor_m is None and action == "arrest" else None
    if actor_m is None and action == "arrest" and (where is not None or target in victims):
        # "Two Russians were arrested in Spain": the police of the state where the arrest was
        # made; "two Italians were arrested", spying on Italy: their own state's
        state = (where.state or where.country or target) if where is not None else target
        return [ClaimDraft(kind="response", sentence=sent.index, incident=incident,
                           claimant=_state_claimant(state),
                           action=action, actor_state=state, target_state=target,
                           cue=text[m.start():m.end()])]
    if actor_m is None:
        actor_m = next((x for x in sent.mentions if x.state and x.state != target and
                        x.is_government), None)
    if actor_m is not None:
        actor = actor_m.state
        who = claimant_from(actor_m)
    else:
        earlier = [c.actor_state for c in prior if c.kind == "response" and c.actor_state
                   and c.actor_state != target]
        actor = earlier[-1] if earlier else next(
            (v for v in sorted(victims) if v != target), None)
        if actor is None:
            return []
        who = _state_claimant(actor)
    aux = _PASSIVE_BEFORE_RE.search(text[max(0, m.start() - 30) : m.start()])
    cue = text[m.start() - len(aux.group(0)) if aux else m.start() : m.end()]
    return [ClaimDraft(kind="response", sentence=sent.index, incident=incident, claimant=who,
                       action=action, actor_state=actor, target_state=target, cue=cue)]


#: "arrested on Monday in", "detained last week at": where an arrest was made.
_ARRESTED_IN_RE = compile_ci(r"(?:\s+(?:on|last|this|early|late)?\s*\w+)?\s+(?:in|at)\s+"
                             r"(?:the\s+)?(?:(?:city|town|capital)\s+of\s+)?")


def _with_listed(sent: Sentence, subj: tuple[EntityMention, int]) -> list[EntityMention]:
    """The subject of a response and the states listed with it ("The United States and the
    United Kingdom condemned ...": each of them responds). A list that is an object ("think
    tanks in the United States, Japan, and South Korea", "Iranian hackers attacked Albania and
    the United States condemned ...") or names alternatives adds no one."""
    listed = next((lst for lst in state_lists(sent) if subj[1] in lst.items), None)
    if listed is None or listed.either:
        return [subj[0]]
    head = sent.mentions[listed.items[0]].start - sent.start
    before = sent.text[max(0, head - 30) : head]
    g = gate(sent.text)
    if g.search(OBJECT_BEFORE_RE, before) or g.search(lx.TARGET_CUE_RE, before) or \
            g.search(VERB_BEFORE_RE, before):
        return [subj[0]]
    return [subj[0], *(sent.mentions[i] for i in listed.items if i != subj[1])]


def _joiners(sent: Sentence, subj: tuple[EntityMention, int]) -> list[EntityMention]:
    """States that "joined" the responding one ("Britain and Canada joined the United States
    in condemning ..."): the subject of "joined" and the states listed with it respond too."""
    start = subj[0].start - sent.start
    if not gate(sent.text).search(_JOINED_RE, sent.text[max(0, start - 25) : start]):
        return []
    before = subject_state(sent, start - 7)
    if before is None or before[0].state == subj[0].state:
        return []
    return [x for x in _with_listed(sent, before) if x.state != subj[0].state]


#: "... joined the United States in condemning": what comes before joins the response.
_JOINED_RE = compile_ci(r"\bjoined\s+(?:the\s+)?$")


def _response(sent: Sentence, m: re.Match[str], action: str, actor_m: EntityMention,
              incident: int | None, prior: Sequence[ClaimDraft]) -> list[ClaimDraft]:
    """The responses of ``actor_m`` named by the cue ``m``: one per state it answers ("sanctioned
    Russia and Belarus"), none where it answers no one."""
    actor = actor_m.country if actor_m.kind == "person" else actor_m.state
    target = None
    targets: list[str] = []
    if _ACCOUNTABLE_RE.search(m.group(0)):
        # "calls for Iran to be held accountable": the target comes before the cue
        before = [x for x in sent.mentions if x.state and x.end - sent.start <= m.start()
                  and m.start() - (x.end - sent.start) < 30]
        target = before[-1].state if before else None
    else:
        # the target is in the cue's own clause ("condemned any use of cyberspace, and it
        # blamed ... Tirana" condemns no one); "blamed X": X right after the verb
        clause = _CLAUSE_END_RE.search(sent.text, m.end())
        limit = min(80, (clause.start() if clause else len(sent.text)) - m.end())
        verbal = _VERBAL_BLAME_RE.fullmatch(m.group(0))
        for tm, i in states_after(sent, m.end(), limit):
            if verbal and not _OBJECT_GAP_RE.match(sent.text[m.end() : tm.start - sent.start]):
                break
            if tm.state and tm.state != actor:
                target = tm.state
                targets = _listed_targets(sent, i)
                break
    if action == "investigate":
        # an inquiry into an incident is aimed at no state unless it names one as its object
        # ("investigating Russia's role"); the state accused elsewhere is not its target
        named = next((tm.state for tm, _i in states_after(sent, m.end(), 30)
                      if _OBJECT_GAP_RE.match(sent.text[m.end() : tm.start - sent.start])),
                     None)
        if actor is None or named == actor:
            return []
        return [ClaimDraft(kind="response", sentence=sent.index, incident=incident,
                           claimant=claimant_from(actor_m), action=action, actor_state=actor,
                           target_state=named, cue=m.group(0))]
    if target is None:
        target = _accused_state(prior, incident, actor)
    if actor is None or target is None or actor == target:
        return []
    return [ClaimDraft(kind="response", sentence=sent.index, incident=incident,
                       claimant=claimant_from(actor_m), action=action, actor_state=actor,
                       target_state=t, cue=m.group(0))
            for t in dict.fromkeys([target, *targets]) if t != actor]


def _listed_targets(sent: Sentence, i: int) -> list[str]:
    """The states listed after the one a response answers ("sanctioned Russia and Belarus"),
    unless the list names alternatives or its last item opens a clause of its own."""
    listed = next((lst for lst in state_lists(sent) if lst.items[0] == i), None)
    if listed is None or listed.either:
        return []
    items = listed.items[:-1] if last_opens_clause(sent, listed.items) else listed.items
    return [x for x in (sent.mentions[j].state for j in items[1:]) if x is not None]


def _actor_after_nominal_cue(sent: Sentence, m: re.Match[str]
                            ) -> tuple[EntityMention, int] | None:
    """"In a nine-count indictment on Monday, Justice Department prosecutors alleged ...",
    "An arrest warrant was issued against him by Germany's prosecutor": a response told by
    its noun first, its actor the government body heading the clause after it, or the
    agent of its passive."""
    if not _RESPONSE_NOUN_RE.fullmatch(m.group(0)):
        return None
    for i, x in enumerate(sent.mentions):
        s = x.start - sent.start
        if s < m.end() or not x.state:
            continue
        gap = sent.text[m.end() : s]
        if len(gap) > 90:
            break
        if _HEADS_CLAUSE_RE.search(gap) or _AGENT_BEFORE_RE.search(gap):
            return x, i
    return None


#: Response cues that are nouns ("indictment", "charges", "arrest warrant", "sanctions").
_RESPONSE_NOUN_RE = compile_ci(r"(?:\w+-count\s+)?(?:indictments?|criminal charges|charges|"
                               r"(?:an?\s+)?(?:international\s+|European\s+)?arrest warrants?|"
                               r"sanctions)")
#: A comma, then at most three words before the body that acts ("on Monday, the ").
_HEADS_CLAUSE_RE = compile_ci(r",\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,2}$")


def _nominal_actor(sent: Sentence, cue: int) -> tuple[EntityMention, int] | None:
    """"US sanctions", "Albania's expulsion of": a state right before a response noun acts."""
    for i, m in enumerate(sent.mentions):
        end = m.end - sent.start
        if m.state and end <= cue and _POSSESSIVE_GAP_RE.fullmatch(sent.text[end:cue]):
            return m, i
    return None


#: Patterns compiled once here rather than looked up in ``re``'s cache on every call.
_CONDEMN_RE = re.compile(r"condemn(?:ed|s|ing)?$|denounc\w+|deplor\w+", re.I)
_POSSESSIVE_GAP_RE = re.compile(r"(?:['’]s)?\s*")
_EVENT_NOUN_AFTER_RE = re.compile(
    r"\s*(?:cyber[- ]?)?(?:attacks?|hacks?|operations?|incidents?|breach)", re.IGNORECASE)
_PASSIVE_BEFORE_RE = compile_ci(
    r"\b(?:is|was|were|are|been|be|being)\s+(?:(?:also|later|publicly|formally|widely)\s+)?$")
_CLAUSE_END_RE = compile_ci(r",\s*(?:and|but|while|whereas)\b|;|\b(?:that|which)\b"
                            # "an indictment that alleges four Chinese nationals": the clause
                            # names whom the response is aimed at
                            r"(?!\s+(?:alleges?|alleged|accuses?|accused|charges?|charged|"
                            r"names?|named|identifies|identified)\b)")
_ACCOUNTABLE_RE = compile_ci(r"accountable|responsible")


def _names_event(sent: Sentence, d: DatedSpan) -> bool:
    """A date of the event, not of what was said or done about it: 'the July attack', 'the
    attack on 15 July', 'the attacks that began on 15 July'."""
    after = sent.text[d.end - sent.start : d.end - sent.start + 30]
    if _EVENT_NOUN_AFTER_RE.match(after):
        return True
    before = sent.text[max(0, d.start - sent.start - 60) : d.start - sent.start]
    return bool(_EVENT_DATE_BEFORE_RE.search(before))


#: An event noun right before a date, directly or through "that began" ("the attack on",
#: "attacks that started in").
_EVENT_DATE_BEFORE_RE = compile_ci(
    r"\b(?:cyber[- ]?)?(?:attacks?|cyberattacks?|hacks?|intrusions?|breach(?:es)?|incidents?|"
    r"operations?)\s+(?:(?:that|which)\s+(?:began|started|occurred|happened|took place|"
    r"was launched|were launched)\s+)?(?:on|in|of)\s+(?:the\s+)?$")


def _state_claimant(code: str) -> Claimant:
    """A state's government as a claimant the text names by no body of its own."""
    return Claimant("government", code, code, f"country:{code}")


def _denier(who: Claimant | None, prior: Sequence[ClaimDraft], incident: int | None,
            victims: AbstractSet[str]) -> Claimant | None:
    """Who denies: a state that accused or that was hit denies no involvement ("'these
    allegations are groundless and reflect the US government's resentment,' he said" after
    the US charged Iranians; "the Ukrainian government denied leaking data"). The state
    accused before denies where the sentence's speaker is one of those, else nobody."""
    if who is None or who.kind != "government" or who.country is None:
        return who
    accused = {x for c in prior if c.kind in ("attribution", "response")
               for x in (c.attributed_state, c.attributed_sponsor, c.target_state) if x}
    accusers = {c.claimant.country for c in prior
                if c.kind == "attribution" and c.claimant is not None and c.claimant.country}
    if who.country in accused or (who.country not in accusers and who.country not in victims):
        return who
    other = _accused_state(prior, incident, who.country)
    return _state_claimant(other) if other else None


def _accused_state(prior: Sequence[ClaimDraft], incident: int | None,
                   actor: str | None) -> str | None:
    """The state earlier claims hold responsible for the incident (the target of a condemnation)."""
    for c in reversed(prior):
        if c.kind == "attribution" and c.incident == incident and c.attributed_state and \
                c.attributed_state != actor:
            return c.attributed_state
    for c in reversed(prior):
        if c.kind == "attribution" and c.attributed_state and c.attributed_state != actor:
            return c.attributed_state
    return None


def extract_claims(
    sentences: Sequence[Sentence],
    incidents: Sequence[IncidentDraft],
    named: Sequence[int | None],
    focus: Sequence[int | None],
    dates: Mapping[int, Sequence[DatedSpan]],
) -> list[ClaimDraft]:
    """Claims of a whole document, in sentence order."""
    claims: list[ClaimDraft] = []
    last_actor: EntityMention | None = None
    sources = Sources()
    victims = {t for inc in incidents for t in inc.targets}
    for sent in sentences:
        incident = named[sent.index] if named[sent.index] is not None else focus[sent.index]
        found = sentence_claims(sent, incident, incidents, dates.get(sent.index, ()), claims)
        resolve_source_anaphora(sent, found, sources,
                                paragraph_claimant(sent, sentences, sources))
        found = [_history(r, incidents) for c in found
                 if (r := _retarget(c, victims, claims)) is not None]
        sources.saw(sent, found)
        if last_actor is not None and incident is not None and \
                not any(c.kind in ("attribution", "self-claim") for c in found):
            g = gate(sent.text)
            if g.search(_SELF_CLAIM_ANAPHOR_RE, sent.text) and g.search(lx.SELF_CLAIM_RE,
                                                                          sent.text):
                # "the group also claimed they carried out the attacks": the group named
                # before claims its act
                found.insert(0, replace(_actor_claim(sent, incident, last_actor),
                                        kind="self-claim", claimant=claimant_from(last_actor)))
            elif g.search(_ANAPHOR_RE, sent.text):
                found.insert(0, _actor_claim(sent, incident, last_actor))
        if not any(c.kind == "attribution" for c in found):
            _carry_confidence(sent, claims)
        claims.extend(found)
        actors = [m for m, _i in _actors(sent)]
        if actors:
            last_actor = actors[-1]
    if sentences and incidents:
        _headline_actor(sentences[0], incidents, claims)
    implied_attributions(claims, incidents)
    public_accusations(claims, sentences)
    for i, c in enumerate(claims):
        if c.kind == "attribution" and c.claimant is not None and \
                c.claimant.kind in ("government", "person") and c.claimant.country and \
                c.claimant.country in (c.attributed_state, c.attributed_sponsor):
            # "Moscow orchestrated these hacks because Putin believes ...": a state does not
            # blame itself; the speaker read is someone the claim is about
            claims[i] = replace(c, claimant=None)
    main_source(claims, sentences)
    drop_repeats(claims)
    if isinstance(incidents, list):
        _tie_to_incidents(claims, incidents, sentences)
    return _consistent(claims)


def _consistent(claims: list[ClaimDraft]) -> list[ClaimDraft]:
    """A state that itself attributes an incident to another is its accuser, not the
    accused: an attribution of the same incident to it is a misreading ("the US joined the
    UK in attributing the attack to Russia" has the UK blame Russia, not the US). A state
    named as the victim can be the culprit too (a government spying at home), so only this
    contradiction is settled."""
    blames = {(c.incident, c.claimant.country, c.attributed_state) for c in claims
              if c.kind == "attribution" and c.claimant is not None and c.claimant.country
              and c.attributed_state and c.attributed_state != c.claimant.country}
    # two states each read as blaming the other are more often two accused listed together
    # ("according to the US, Russia and Iran were behind it") than a quarrel: neither counts
    accusers = {(i, who) for i, who, whom in blames if (i, whom, who) not in blames}
    return [c for c in claims if not (
        c.kind == "attribution" and c.attributed_state and not c.attributed_actor
        and (c.incident, c.attributed_state) in accusers)]


_ATTRIBUTING = ("attribution", "self-claim", "denial")
def _tie_to_incidents(claims: list[ClaimDraft], incidents: list[IncidentDraft],
                      sentences: Sequence[Sentence]) -> None:
    """Every attribution, self-claim and denial about an incident: one said before the
    incident was first reported (a headline, a lede that names the culprit first) goes to the
    next incident of the document, one after to the last incident reported before it; in a
    document that reports no incident, the claims are about one the document implies ("Russian
    hackers were behind it"), which becomes the document's incident. A claim tied to none
    would never reach a case, a timeline or a count."""
    loose = [c for c in claims if c.kind in _ATTRIBUTING and c.incident is None]
    if not loose:
        return
    if not incidents:
        incidents.append(_implied_incident(loose[0].sentence, sentences))
    anchors = sorted((inc.anchor_sentence, inc.index) for inc in incidents)
    for c in loose:
        before = [i for s, i in anchors if s <= c.sentence]
        c.incident = before[-1] if before else anchors[0][1]


def _implied_incident(first: int, sentences: Sequence[Sentence]) -> IncidentDraft:
    """The incident a document's claims are about when it reports none outright: anchored at
    the first claim, its kinds read from the whole document (targets are left to the roles)."""
    sent = sentences[first]
    inc = IncidentDraft(index=0, anchor_sentence=first, anchor=(sent.start, sent.end),
                        trigger="claim", sentences=[s.index for s in sentences])
    for s in sentences:
        add_kinds(inc, s.text)
    settle_kinds(inc, " ".join(s.text for s in sentences))
    return inc


_PUNITIVE = frozenset({"sanction", "expel-diplomats", "sever-relations", "indict", "arrest",
                       "recall-ambassador", "summon-ambassador", "accuse", "condemn"})


def _history(c: ClaimDraft, incidents: Sequence[IncidentDraft]) -> ClaimDraft:
    """A response dated before the incident in focus began does not answer it ("Albania
    expelled Iran's ambassador in December 2018", in a report of a 2022 attack): it is kept,
    answering no incident of the document."""
    if c.kind != "response" or c.incident is None or c.event_date is None:
        return c
    began = incidents[c.incident].time if c.incident < len(incidents) else None
    if began is not None and c.event_date.end < began.start:
        return replace(c, incident=None)
    return c


def _retarget(c: ClaimDraft, victims: AbstractSet[str], prior: Sequence[ClaimDraft]
              ) -> ClaimDraft | None:
    """A punitive response aimed at the victim of the document's incident is a misreading
    ("sanctions ... citing the disruption of Albanian systems" punish Iran, not Albania): aim it
    at the state the document holds responsible, or drop it."""
    if not (c.kind == "response" and c.action in _PUNITIVE and c.target_state in victims
            and c.actor_state not in victims):
        return c
    if lx.PASSIVE_CUE_RE.match(c.cue):
        return c  # "Russian officers were indicted": the nationality of the accused, no misreading
    accused = _accused_state(prior, c.incident, c.actor_state)
    return replace(c, target_state=accused) if accused and accused not in victims else None




def _as_written(m: EntityMention) -> str:
    """An actor as the text names it ("DEV-0842"), linked by id to its reference entry: each
    name is kept as its vendor gave it."""
    return m.text if m.kind == "threat-actor" else m.name


#: "The company stated its assessment with moderate confidence": a sentence that only qualifies
#: the claim before it, its subject a pronoun or a definite description of the claimant.
#: "The CIA and FBI had high confidence in this judgment": whoever states it, a confidence
#: in "this judgment" qualifies the claim just made.
_CONFIDENCE_IN_JUDGMENT_RE = compile_ci(
    r"\bconfidence\s+in\s+(?:this|that|the|its|their|these|those)\s+(?:\w+\s+)?"
    r"(?:judgm?ents?|assessments?|conclusions?|findings?|attributions?|determinations?)\b")
_QUALIFIER_SUBJECT_RE = compile_ci(
    r"^\W*(?:it|they|he|she|(?:the|this|that) (?:company|firm|vendor|agency|researchers?|"
    r"report|analysts?|assessment|government|ministry|department|office|service|centre|center|"
    r"official|spokes\w+)|its (?:researchers|analysts|report|assessment))\b")


def _carry_confidence(sent: Sentence, claims: Sequence[ClaimDraft]) -> None:
    """A confidence stated in the next sentence about the claim before ("The company stated
    its assessment with moderate confidence") belongs to that claim.

    Most sentences follow no claim that could take a confidence: they are let go before the
    sentence is searched (the search changes nothing then), and only the confidence level is
    read (``confidence_of`` would also search the likelihood, which is not carried).
    """
    if not any(_takes_confidence(c) for c in _recent_claims(sent, claims)):
        return
    if not _QUALIFIER_SUBJECT_RE.match(sent.text) and \
            not _CONFIDENCE_IN_JUDGMENT_RE.search(sent.text):
        return
    conf = CONFIDENCE_PHRASE_RE.search(sent.text)
    level = confidence_level(conf) if conf else None
    if conf is None or level is None:
        return
    for c in _recent_claims(sent, claims):
        if _takes_confidence(c):
            c.confidence = level
            c.hedge = join_hedges(c.hedge, conf.group(0))


def _recent_claims(sent: Sentence, claims: Sequence[ClaimDraft]) -> Iterator[ClaimDraft]:
    """The claims of the sentence before ``sent`` and of ``sent`` itself, latest first (the
    ones ``_carry_confidence`` may qualify)."""
    for c in reversed(claims):
        if c.sentence < sent.index - 1:
            return
        yield c


def _takes_confidence(c: ClaimDraft) -> bool:
    """An attribution with a claimant and no confidence of its own yet."""
    return c.kind == "attribution" and c.confidence is None and c.claimant is not None and \
        c.polarity == "asserted"


#: "This threat actor targets...", "the group compromised...": the actor last named acting.
_ANAPHOR_RE = compile_ci(
    r"\b(?:this|the|that) (?:threat|hacking|espionage|APT) (?:actor|group)\b|"
    r"\b(?:this|the) (?:actor|group|collective|operators?)\s+(?:\w+\s+)?(?:"
    + "|".join(w for w in lx.EVENT_VERBS if " " not in w) + r"|used|uses|conducts|conducted|"
    r"deployed|launched)\b")


#: The group named before as the subject of its own claim ("the group claimed", "the
#: hackers said they", "he claims to have").
_SELF_CLAIM_ANAPHOR_RE = compile_ci(
    r"^\W*(?:(?:the|this)\s+(?:group|gang|collective|hackers?|actor|crew|attackers?)|he|they)\s+"
    r"(?:\w+\s+){0,2}?(?:claim|said|says|boast|took|tak)")


def _actor_claim(sent: Sentence, incident: int, actor: EntityMention) -> ClaimDraft:
    return ClaimDraft(kind="attribution", sentence=sent.index, incident=incident,
                      attributed_actor=_as_written(actor), attributed_actor_id=actor.entity_id,
                      attributed_sponsor=actor.sponsor, cue="anaphor")


def _headline_actor(head: Sentence, incidents: Sequence[IncidentDraft],
                    claims: list[ClaimDraft]) -> None:
    """A report headlined with an actor's name is about that actor's operations: where the body
    attributes an incident to nobody, the headline's actor is the report's own attribution."""
    actors = [m for m, _i in _actors(head)]
    if not actors:
        return
    for inc in incidents:
        if not any(c.kind in ("attribution", "self-claim") and c.incident == inc.index
                   for c in claims):
            claims.append(_actor_claim(head, inc.index, actors[0]))
