"""Polarity and stated confidence of one claim, decided in the clause that holds it.

A sentence that names a state may assert that it did it ("officials said Russia was behind"),
deny it ("Russia was not behind", "there is no evidence that Russia was involved"), doubt it
("cannot confirm that", "it is unclear whether", "cast doubt on") or decline to say ("declined
to attribute the attack", "would not name the country"). Counting every such sentence as an
attribution is the worst error for trust, so each claim gets a polarity:

- ``asserted``: the text says so, hedged or not ("likely", "suspected", "believed to be",
  "probably" keep it asserted, with the likelihood recorded);
- ``negated``: the text says it is not so, or that there is nothing to show it;
- ``doubted``: the text questions it, cannot confirm it, names it as one possibility among
  several, or rates it unlikely;
- ``refused``: the source declines to say.

Scope, not presence: a cue governs a claim only in the clause that holds the claim's mention
(clauses end at ";", "but", "although", "whereas", a dash, and an introductory subordinate
clause ends at its comma; relative asides ", which ...," and parentheses are read past). A cue
before the mention governs it ("no evidence that X", "not believed to be connected to X") unless
a new speech verb starts a new report in between; a negated attribution predicate after the
mention governs it when no other named party stands between ("X was not behind", "X did not
carry out"); "not" right before a mention negates that mention alone ("Russia, but not
Belarus"). Positions are character offsets into the sentence text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, NamedTuple

from cybertrack.model import Polarity
from cybertrack.vocab import CONFIDENCE_SYNONYMS, LIKELIHOOD_SYNONYMS


def _ci(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern. Plain ``re``: these run only on sentences that make a claim."""
    return re.compile(pattern, re.IGNORECASE)


#: Phrases that look like negation or doubt and assert ("there is no doubt that", "not only").
_ASSERTING_RE: Final = _ci(
    r"\b(?:no|little|without(?: a| any)?|beyond(?: any| reasonable)?|not any)\s+doubts?\b|"
    r"\bnot\s+(?:only|just|least|merely|simply)\b|\bno\s+(?:longer|stranger)\b|"
    r"\bnot\s+(?:for\s+)?the\s+first\s+time\b|\bin\s+question\b")

#: Where a clause ends: a semicolon, a dash, a contrast or concession.
_CLAUSE_BREAK_RE: Final = _ci(
    r";|\s[\u2014\u2013-]{1,2}\s|\u2014|\bbut\b|\bwhereas\b|\balthough\b|\bthough\b|"
    r"\bhowever\b|,\s*yet\b|\binstead\b|\band\s+rather\b|,\s*while\b|\bwhile\s+(?=\w+\s+(?:said|says|added|noted))")
#: An introductory subordinate clause, which ends at its first comma ("Although X, ...").
_INTRO_RE: Final = _ci(
    r"\W*(?:although|though|even though|even if|while|whereas|because|since|as|if|when|"
    r"until|unless)\b[^,]*,")
#: Asides read past: relative clauses between commas and parentheses.
_ASIDE_RE: Final = _ci(r",\s*(?:which|who|whose)\b[^,;]*,|\([^()]*\)")

#: Cues that govern what follows them in their clause, most specific first.
_REFUSED_RE: Final = _ci(
    r"\b(?:declin\w+|refus\w+|(?:would|will|could|can)(?:\s+not|n't|not)|wouldn't|won't|"
    r"did\s+not|didn't|does\s+not|doesn't|has\s+not|hasn't|have\s+not|haven't|"
    r"stopped\s+short\s+of|avoided|reluctant)\s+(?:to\s+)?(?:publicly\s+|officially\s+|"
    r"formally\s+|yet\s+|immediately\s+|directly\s+|explicitly\s+)?(?:name|naming|identify|"
    r"identifying|say|saying|comment|commenting|specify|disclose|speculate|point\s+(?:the\s+)?"
    r"finger|reveal|elaborate|discuss)\b|"
    r"\b(?:declin\w+|refus\w+|stopped\s+short\s+of|reluctant|avoided)\s+(?:to\s+)?(?:publicly\s+|"
    r"officially\s+|formally\s+|explicitly\s+)?(?:attribut\w+|blam\w+|accus\w+)|"
    r"\bno\s+comment\b")
_DOUBTED_RE: Final = _ci(
    r"\b(?:cannot|can't|can\s+not|could\s+not|couldn't|unable\s+to|not\s+able\s+to|"
    r"did\s+not|didn't|has\s+not|hasn't|have\s+not|haven't|had\s+not|not\s+yet|yet\s+to)\s+"
    r"(?:\w+\s+){0,2}?(?:confirm\w*|verif\w+|corroborat\w+|establish\w*|determin\w+|prove\w*|"
    r"rule\s+out|ruled\s+out|substantiat\w+|independently)\b|"
    r"\b(?:is|are|was|were|remains?|remained|it's|still)\s+(?:still\s+|also\s+|not\s+yet\s+)?"
    r"(?:unclear|not\s+clear|unknown|not\s+known|uncertain)\b|\bunclear\s+(?:whether|if|who)\b|"
    r"\b(?:unconfirmed|unverified|open\s+question|remains\s+to\s+be\s+seen)\b|"
    r"\bwhether\b|"
    r"\bcast(?:s|ing)?\s+(?:\w+\s+){0,2}?doubts?\b|\bdoubt(?:s|ed|ing|ful)?\b|"
    r"\bquestion(?:ed|s|ing)\b|\bcall(?:ed|s|ing)?\s+into\s+question\b|\bskeptic\w*|"
    r"\bsceptic\w*|\bdisput(?:ed|es|ing)\b|"
    r"\bmay\s+or\s+may\s+not\b|\bmight\s+or\s+might\s+not\b|\bcould\s+or\s+could\s+not\b|"
    r"\btoo\s+(?:early|soon)\s+to\b|\bpremature\b")
#: A negated attribution predicate: before the mention it governs its object or complement
#: ("did not attribute the attack to X", "not believed to be connected to X"), after it the
#: subject ("X was not behind", "X did not carry out").
_NEGATED_PREDICATE_RE: Final = _ci(
    r"\b(?:not|n't|never)\s+(?:\w+\s+){0,3}?(?:attribut\w+|blam\w+|accus\w+|behind|"
    r"responsible|involved|connected|linked|tied|implicated|to\s+blame|culprits?|perpetrators?|"
    r"carr(?:y|ied)\s+out|conduct\w*|orchestrat\w+|sponsor\w*|back(?:ed|ing)|directed|"
    r"launch\w*|perpetrat\w+|state-sponsored|state-backed|the\s+work\s+of|(?:a\s+)?part\s+of)\b|"
    r"\b(?:had|has|have|played)\s+(?:nothing|no\s+(?:role|part|hand|involvement|link|"
    r"connection))\b|\bnothing\s+to\s+do\s+with\b|\bruled?\s+out\b|\bruling\s+out\b")
#: Cues before a mention that say there is nothing to show it.
_NEGATED_BEFORE_RE: Final = _ci(
    r"\bno\s+(?:\w+\s+){0,2}?(?:evidence|indications?|signs?|suggestion|proof|reason\s+to\s+"
    r"(?:believe|suspect|think)|information)\b|"
    r"\bnothing\s+(?:to\s+)?(?:suggest|suggests|indicate|indicates|show|shows|links?|ties?)\b|"
    # "did not believe Russia was behind it", "does not think that China ...": a belief denied
    r"\b(?:not|n't|never)\s+(?:(?:yet|really|necessarily|personally)\s+)?(?:believe|think|"
    r"suspect|accept|conclude|assess|consider)\b(?:\s+that)?|"
    r"\b(?:rather\s+than|instead\s+of|as\s+opposed\s+to)\s+$")
#: "not" right before a mention, in the same phrase ("but not Belarus", "not Russia but Iran").
_NOT_RIGHT_BEFORE_RE: Final = _ci(
    r"\b(?:not|nor|rather\s+than|instead\s+of|(?:ruled?|ruling)\s+out)\s+(?:the\s+|even\s+|"
    r"necessarily\s+)?$")
#: A likelihood below even chance says it is probably not so.
_UNLIKELY = frozenset({"almost no chance", "very unlikely", "unlikely"})
#: A new report that starts between a cue and a mention ends the cue's reach ("no evidence
#: that X was involved, and officials said Y ...") unless it is inside the cued phrase
#: ("cannot confirm reports that said ...").
_NEW_REPORT_RE: Final = _ci(
    r"(?<!that )(?<!which )(?<!reports )\b(?:said|says|told|stated|added|announced|"
    r"concluded|confirmed|assessed)\b")


class Verdict(NamedTuple):
    """A claim's polarity and the cue that decided it (None for a plain assertion)."""

    polarity: Polarity
    cue: str | None


def _masked(text: str) -> str:
    """The text with asides and asserting look-alikes blanked, positions kept."""
    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group(0))
    return _ASSERTING_RE.sub(blank, _ASIDE_RE.sub(blank, text))


def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """The clause around ``pos``: [start, end) between clause breaks (an introductory
    subordinate clause is one clause, ended at its comma)."""
    masked = _masked(text)
    start, end = 0, len(text)
    for m in _CLAUSE_BREAK_RE.finditer(masked):
        if m.end() <= pos:
            start = m.start() if m.group(0).strip(" ,").lower() in _CONJ_LEADS else m.end()
        elif m.start() > pos:
            end = m.start()
            break
    intro = _INTRO_RE.match(masked, start)
    if intro is not None:
        if pos < intro.end():
            end = min(end, intro.end())
        else:
            start = intro.end()
    return start, end


#: Breaks that lead the clause they open (kept in it, so "but not X" sees its "not").
_CONJ_LEADS = frozenset({"but", "whereas", "although", "though", "however", "yet", "instead"})


def polarity_at(text: str, pos: int, end: int, others: Sequence[tuple[int, int]] = ()
                ) -> Verdict:
    """The polarity of the claim about the mention at [``pos``, ``end``) of ``text``.

    ``others`` are the spans of the sentence's other named parties: a predicate after the
    mention governs it only where none of them stands between (a new subject).
    """
    masked = _masked(text)
    cs, ce = clause_bounds(text, pos)
    head = masked[cs:pos]
    right = _NOT_RIGHT_BEFORE_RE.search(head[-40:])
    if right is not None:
        return Verdict("negated", right.group(0).strip())
    found: list[tuple[int, Polarity, str]] = []
    cues: tuple[tuple[re.Pattern[str], Polarity], ...] = (
        (_REFUSED_RE, "refused"), (_NEGATED_BEFORE_RE, "negated"),
        (_NEGATED_PREDICATE_RE, "negated"), (_DOUBTED_RE, "doubted"))
    for rx, polarity in cues:
        for m in rx.finditer(head):
            if not _NEW_REPORT_RE.search(head, m.end()):
                found.append((m.start(), polarity, m.group(0)))
    # a cue inside a longer one is part of it ("could not rule out" is no "ruled out")
    found = [f for f in found if not any(
        o is not f and o[0] <= f[0] and f[0] + len(f[2]) <= o[0] + len(o[2])
        and len(o[2]) > len(f[2]) for o in found)]
    if found:
        # the cue nearest the mention governs it; at one position the most specific wins
        at, polarity, cue = max(found, key=lambda x: x[0])
        refusal = [f for f in found if f[1] == "refused" and 0 <= at - (f[0] + len(f[2])) < 15]
        if polarity == "doubted" and refusal:
            # "declined to say whether X ...": the question is what the source refuses
            at, polarity, cue = refusal[-1]
        return Verdict(polarity, re.sub(r"\s+", " ", cue.strip()))
    stop = min([s for s, _e in others if end <= s < ce] + [ce])
    tail = masked[end:stop]
    rel = _RELATIVE_RE.search(tail)
    tail = tail[: rel.start()] if rel else tail
    after: tuple[tuple[re.Pattern[str], Polarity], ...] = (
        (_MAYBE_NOT_RE, "doubted"), (_NEGATED_PREDICATE_RE, "negated"))
    for rx, polarity in after:
        found_after = rx.search(tail)
        if found_after is not None:
            return Verdict(polarity, re.sub(r"\s+", " ", found_after.group(0).strip()))
    return Verdict("asserted", None)


_RELATIVE_RE: Final = _ci(r"\b(?:that|which|who|whose)\b")
_MAYBE_NOT_RE: Final = _ci(
    r"\b(?:may|might|could)\s+or\s+(?:may|might|could)\s+not\b|\bis\s+(?:unclear|"
    r"not\s+clear|unknown|uncertain|unconfirmed|disputed|doubtful)\b")


# --- stated confidence -----------------------------------------------------------------------

#: Stated analytic confidence: "with moderate confidence", "a high degree of confidence",
#: "is confident that", "fairly confident".
CONFIDENCE_PHRASE_RE: Final = _ci(
    r"\b(?:with\s+(?:a\s+)?)?(?P<level>low|moderate|medium|high)(?:[- ]to[- ](?P<level2>"
    r"moderate|medium|high))?(?:[- ]confidence|\s+(?:degree|level)\s+of\s+confidence)\b|"
    r"\b(?:is|are|was|were|am|remains?|feels?|felt|be|being)\s+(?P<adverb>(?:very|highly|"
    r"fully|quite|fairly|reasonably|somewhat|moderately|increasingly|not|now)\s+)?"
    r"confident\b|\bconfidently\b|"
    r"\bwith\s+(?:absolute\s+|complete\s+|full\s+|total\s+)?certainty\b|"
    r"\bbeyond\s+(?:any\s+|reasonable\s+)?doubt\b")
#: ICD 203 likelihood terms and their synonyms (``vocab.LIKELIHOOD_SYNONYMS``).
LIKELIHOOD_PHRASE_RE: Final = _ci(
    r"\b(?P<term>almost no chance|remote(?:ly)? (?:likely|possible)|very unlikely|highly "
    r"improbable|highly unlikely|roughly even (?:chance|odds)|even chance|highly probable|"
    r"highly likely|very likely|almost certainly|almost certain|nearly certain(?:ly)?|"
    r"virtually certain(?:ly)?|with near certainty|near[- ]certain(?:ty)?|in all likelihood|"
    r"very probabl[ey]|more likely than not|most likely|improbabl[ey]|probabl[ey]|unlikely|"
    r"likely)\b")
#: Assessment language that states a judgment but no level ("we assess", "assessed that").
ASSESS_RE: Final = _ci(r"\b(?:we|they|it|officials)\s+assess(?:ed|es)?\b|"
                              r"\bassess(?:ed|es)\s+that\b")

_EXTRA_LIKELIHOOD: Final[dict[str, str]] = {
    "virtually certain": "almost certain", "virtually certainly": "almost certain",
    "with near certainty": "almost certain", "near certain": "almost certain",
    "near-certain": "almost certain", "near certainty": "almost certain",
    "near-certainty": "almost certain", "in all likelihood": "very likely",
    "very probably": "very likely", "very probable": "very likely",
    "more likely than not": "likely", "most likely": "likely",
}


class Stated(NamedTuple):
    """Confidence level, ICD 203 likelihood and the verbatim phrases they were read from."""

    confidence: str | None
    likelihood: str | None
    hedge: str | None


def confidence_level(m: re.Match[str]) -> str | None:
    """The level a match of ``CONFIDENCE_PHRASE_RE`` states."""
    if m.group("level"):
        return CONFIDENCE_SYNONYMS.get(m.group("level").lower())
    adverb = (m.group("adverb") or "").strip().lower()
    if adverb == "not":
        return "low"
    if adverb in ("fairly", "reasonably", "somewhat", "moderately"):
        return "moderate"
    return "high"  # "is confident that", "highly confident": the source's firm judgment


def _term(m: re.Match[str]) -> str | None:
    phrase = re.sub(r"\s+", " ", m.group("term").lower())
    if phrase.startswith("remote"):
        return "almost no chance"
    if phrase in _EXTRA_LIKELIHOOD:
        return _EXTRA_LIKELIHOOD[phrase]
    if phrase in ("probably", "probable"):
        return "likely"
    return LIKELIHOOD_SYNONYMS.get(phrase) or LIKELIHOOD_SYNONYMS.get(phrase.rstrip("y") + "e")


def stated_confidence(text: str, pos: int | None = None,
                      others: Sequence[int] = ()) -> Stated:
    """The confidence stated for the claim about the mention at ``pos`` of ``text``.

    Phrases in the mention's clause govern it; a phrase in another clause counts too, unless
    that clause holds another claim's mention (``others``): "A is confident X did it, but B
    doubts Y" gives X the confidence and Y none. Without ``pos``, every phrase of the text.
    """
    phrases = [(m, kind) for kind, rx in (("confidence", CONFIDENCE_PHRASE_RE),
                                          ("likelihood", LIKELIHOOD_PHRASE_RE),
                                          ("assess", ASSESS_RE))
               for m in rx.finditer(text)]
    if pos is not None and phrases:
        own = clause_bounds(text, pos)
        claimed = {clause_bounds(text, o) for o in others} - {own}
        phrases = [(m, k) for m, k in phrases
                   if own[0] <= m.start() < own[1]
                   or not any(s <= m.start() < e for s, e in claimed)]
    level = term = None
    hedges: list[str] = []
    for m, kind in sorted(phrases, key=lambda x: x[0].start()):
        if kind == "confidence" and level is None:
            level = confidence_level(m)
        elif kind == "likelihood" and term is None:
            term = _term(m)
        hedges.append(re.sub(r"\s+", " ", m.group(0).strip()))
    return Stated(level, term, "; ".join(dict.fromkeys(hedges)) or None)


def unlikely(likelihood: str | None) -> bool:
    """A likelihood below even chance: the source rates the attribution improbable."""
    return likelihood in _UNLIKELY


#: A sentence naming several possible sources rather than one ("servers linked to three
#: different countries", "possible culprits", "could have been A, B or C").
ALTERNATIVES_RE: Final = _ci(
    r"\b(?:two|three|four|five|six|several|multiple|different|various|a\s+number\s+of|"
    r"a\s+handful\s+of)\s+(?:different\s+|other\s+|foreign\s+)?(?:countries|states|nations|"
    r"governments|jurisdictions|locations)\b|"
    r"\b(?:possible|potential|likely|suspected)\s+(?:sources|origins|culprits|suspects|"
    r"perpetrators|sponsors|attackers|candidates)\b|"
    r"\b(?:could|might|may)\s+(?:have\s+)?(?:been|come\s+from|be|originated?)\b|"
    r"\beither\b|\bsuspects?\s+include\b|\bamong\s+the\s+suspects\b")


def names_alternatives(text: str, pos: int) -> str | None:
    """The cue, in the clause of the list at ``pos``, that presents its states as possible
    sources rather than joint ones."""
    cs, ce = clause_bounds(text, pos)
    m = ALTERNATIVES_RE.search(_masked(text)[cs:ce])
    return re.sub(r"\s+", " ", m.group(0).strip()) if m else None


#: "has not denied", "declined to deny": what comes before a denial cue that undoes it.
_NOT_BEFORE_DENIAL_RE: Final = _ci(r"\b(?:not|n't|never)\s+(?:\w+\s+)?$")
_REFUSED_BEFORE_DENIAL_RE: Final = _ci(r"\b(?:declin\w+|refus\w+|would\s+neither)\s+(?:to\s+)?"
                                       r"(?:confirm\s+(?:or|nor)\s+)?$")


def denial_polarity(text: str, start: int) -> Verdict:
    """The polarity of a denial whose cue starts at ``start``: "has not denied" is no denial
    (negated), "declined to deny" or "would neither confirm nor deny" is a refusal."""
    before = text[max(0, start - 40) : start]
    m = _REFUSED_BEFORE_DENIAL_RE.search(before)
    if m is not None:
        return Verdict("refused", m.group(0).strip())
    m = _NOT_BEFORE_DENIAL_RE.search(before)
    if m is not None:
        return Verdict("negated", m.group(0).strip())
    return Verdict("asserted", None)


#: A mention that is the subject of an attribution predicate ("X was involved", "X was
#: behind", "X carried out"): what a cue before it denies or doubts is its attribution.
_SUBJECT_OF_ATTRIBUTION_RE: Final = _ci(
    r"\W{0,3}(?:\w+\s+){0,2}?(?:(?:was|were|is|are|had|has|have|been|be|may|might|could|would|"
    r"not|n't|ever|also|directly|actually)\s+)*(?:behind|responsible|involved|to\s+blame|"
    r"the\s+culprit|linked|connected|tied|implicated|carried\s+out|conducted|orchestrated|"
    r"sponsored|directed|launched|perpetrated)\b")


def subject_of_attribution(text: str, end: int) -> bool:
    """Whether the mention ending at ``end`` is the subject of an attribution predicate."""
    return _SUBJECT_OF_ATTRIBUTION_RE.match(text, end) is not None


def join_hedges(*parts: str | None) -> str | None:
    """Verbatim hedge and polarity phrases joined, each once."""
    found = [p for p in parts if p]
    return "; ".join(dict.fromkeys(x for p in found for x in p.split("; "))) or None
