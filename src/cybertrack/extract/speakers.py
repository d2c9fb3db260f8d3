"""Who speaks and who answers in a sentence: claimants, speech verbs, response cues.

"according to X" / "X said" / "X concluded" make X the claimant of the sentence's claim; "Albania
cut ties with Iran" makes Albania the state acting and Iran whom it answers. Operators and
targets of the operation itself are in ``roles.py``. Positions are character offsets into the
sentence text.
"""

from __future__ import annotations

import re

from cybertrack.extract import lexicon as lx
from cybertrack.extract.casefold import compile_ci
from cybertrack.extract.prefilter import gate, per_document
from cybertrack.extract.types import EntityMention, Sentence
from cybertrack.model import Claimant


def answered(text: str, pos: int) -> bool:
    """Whether the phrase at ``pos`` is inside a response cue ("gave Iranian diplomats 24 hours
    to leave") or its object ("expelled Iranian diplomats", "sanctions on North Korea")."""
    return any(m.start() < pos and (pos < m.end() or _OBJECT_GAP.fullmatch(text, m.end(), pos))
               for _a, m in response_cues(text))


_OBJECT_GAP = re.compile(r"\s+(?:(?:on|against|with|of|from|to)\s+)?"
                         r"(?:(?:the|all|its|their|two|three|four|five|six|several|\d+)\s+)?")


@per_document
def claimant_of(sent: Sentence,
                before_pos: int | None = None) -> tuple[Claimant | None, int | None]:
    """The source of a sentence's claim: "according to X", else the subject of a speech verb.

    ``before_pos`` limits the search to speakers before that offset (the claim's cue).
    Returns the claimant and the index of its mention.
    """
    if not sent.mentions:
        return None, None  # the claimant is always one of the sentence's mentions
    cited = _cited_source(sent)
    if cited is not None:
        return cited
    for pos in _speech_verbs(sent):
        if before_pos is not None and pos > before_pos:
            break
        best = _speaker(sent, pos)
        if best is not None:
            return claimant_from(sent.mentions[best]), best
    return None, None


@per_document
def _cited_source(sent: Sentence) -> tuple[Claimant, int] | None:
    """The source a sentence cites ("according to X", "believed by X") and its mention index
    (memoized: ``claimant_of`` and ``clause_speaker`` both ask, each per mention window)."""
    text = sent.text
    g = gate(text)
    if g.may(lx.ACCORDING_TO_RE) or g.may(_BELIEVED_BY_RE):
        for i, m in enumerate(sent.mentions):
            s = m.start - sent.start
            if g.search(lx.ACCORDING_TO_RE, text[max(0, s - 30) : s]) or g.search(
                    _BELIEVED_BY_RE, text[max(0, s - 40) : s]):
                return claimant_from(m), i
    return None


def clause_speaker(sent: Sentence, pos: int) -> tuple[Claimant | None, int | None]:
    """The source of the claim at ``pos``: "according to X", else the speaker of the nearest
    speech verb before it ("A condemned ..., and B said Iranian actors were responsible" is
    B's claim), else the sentence's source."""
    cited = _cited_source(sent)
    if cited is not None:
        return cited
    for verb in reversed([v for v in _speech_verbs(sent) if v <= pos]):
        best = _speaker(sent, verb)
        if best is not None:
            return claimant_from(sent.mentions[best]), best
    return claimant_of(sent)


@per_document
def _speech_verbs(sent: Sentence) -> tuple[int, ...]:
    """Positions of the speech verbs of a sentence (names that contain one excluded), with
    attribution verbs right after their subject ("Mandiant ties the attack to Iran")."""
    text = sent.text
    # "X was also identified ...": a passive with an adverb is no speech of X's either
    g = gate(text)
    out = [v for v in speech_starts(text)
           if not g.search(_ADVERB_PASSIVE_RE, text[max(0, v - 40) : v])]
    for v in g.finditer(_ATTRIBUTION_VERB_RE, text):
        before = next((m for m in reversed(sent.mentions) if m.end - sent.start <= v.start()),
                      None)
        if before is not None and _SUBJECT_GAP_RE.match(text[before.end - sent.start:v.start()]):
            out.append(v.start())
    if not out:
        return ()
    # a verb inside a name is none ("Federated States of ..."); offsets are sentence-relative
    names = [(m.start - sent.start, m.end - sent.start) for m in sent.mentions]
    return tuple(sorted(p for p in set(out) if not any(s <= p < e for s, e in names)))


_ADVERB_PASSIVE_RE = compile_ci(r"\b(?:is|was|were|are|been|be|being)\s+(?:(?:\w+ly|also|"
                                r"later|then|since|now)\s+)+$")
@per_document
def speech_starts(text: str) -> tuple[int, ...]:
    """Where the speech verbs of a sentence start."""
    return tuple(v.start() for v in gate(text).finditer(lx.SPEECH_RE, text))


@per_document
def response_cues(text: str) -> tuple[tuple[str, re.Match[str]], ...]:
    """The response cues of a sentence as (action, match), in text order.

    One gated pattern per action: the prefilter skips most of them in most sentences, where a
    single pattern of every action would scan each sentence whole.
    """
    g = gate(text)
    if g.search(lx.RESPONSE_ANY_RE, text) is None:
        return ()
    found = [(a, m) for a, rx in lx.RESPONSE_RES.items() if g.may(rx) for m in rx.finditer(text)]
    return tuple(sorted(found, key=lambda x: x[1].start()))


#: "X ties/links/connects/pins the attack to Y": an attribution verb whose subject is the source.
_ATTRIBUTION_VERB_RE = compile_ci(
    r"\b(?:ties|tied|links|linked|connects|connected|pins|pinned|traces|traced)\s+"
    r"(?!to\b|with\b|between\b)[^.;,]{1,60}?\s(?:to|on)\b")
_SUBJECT_GAP_RE = compile_ci(r"^\s+(?:(?:has|have|had|now|also|formally|publicly|officially)"
                             r"\s+)*$")


def _speaker(sent: Sentence, verb: int) -> int | None:
    """The index of the mention that is the subject of the speech verb at ``verb``."""
    text = sent.text
    inverted = _inverted_speaker(sent, verb)
    if inverted is not None:
        return inverted
    best = None
    for i, m in enumerate(sent.mentions):
        if m.end - sent.start > verb:
            break
        s = m.start - sent.start
        if m.kind in ("country", "organization", "person", "threat-actor") and (
            m.kind != "country" or m.form not in ("demonym",)
            or _is_subject_demonym(text, m, sent)
        ) and (not _PREP_BEFORE_RE.search(text[max(0, s - 25) : s])
               or _CLAUSE_AND_RE.search(text[max(0, s - 25) : s])
               or _employer(m, text, s)) and not (
            m.kind == "country" and _object_state(text, s, m.end - sent.start)):
            best = i
    if best is not None and best > 0:
        # "Washington, Albania's closest ally, also blamed Iran": the state owning the aside
        # describes the speaker named before it
        m, prev = sent.mentions[best], sent.mentions[best - 1]
        if _APPOSITION_GAP_RE.fullmatch(text, prev.end - sent.start, m.start - sent.start) and \
                _POSSESSOR_ASIDE_RE.match(text, m.end - sent.start, verb):
            best = best - 1
    if best is not None:
        gap = text[sent.mentions[best].end - sent.start : verb]
        if len(gap) < 120 and not _SPEAKER_GAP_STOP_RE.search(gap) and \
                not _OTHER_SUBJECT_RE.search(gap):
            return best
    return None


#: "... in Iraq, Pakistan, and Tajikistan, researchers said": a subject of its own, named by
#: no mention, right before the verb; the state before it is no speaker.
_OTHER_SUBJECT_RE = re.compile(
    r",\s+(?:the\s+|a\s+|an\s+|some\s+|other\s+|several\s+|two\s+|three\s+)?"
    r"(?:[a-z][\w-]*\s+){0,2}(?:researchers|experts|analysts|officials|investigators|"
    r"sources|people|authorities|reports|media|company|firm|report)\s+(?:\w+ly\s+)?$")


_APPOSITION_GAP_RE = re.compile(r"\s*,\s*")
#: The rest of an aside owned by a state: "'s closest ally, ".
_POSSESSOR_ASIDE_RE = re.compile(r"['’]s\s+[\w\s-]{1,40}?,\s*(?:\w+\s+){0,2}$")


def _inverted_speaker(sent: Sentence, verb: int) -> int | None:
    """The speaker named right after its verb in reported speech: "..., said Jane Roe, a
    spokeswoman for the Foreign Ministry", "...," told the ministry": the verb follows a comma
    or a closing quote and the name follows the verb."""
    text = sent.text
    said = _INVERTED_VERB_RE.match(text, verb)
    if said is None:
        return None
    if not _INVERTED_BEFORE_RE.search(text, max(0, verb - 4), verb):
        # a headline's "North Korea behind Sony hack says FBI": no comma, the speaker last
        return next((i for i, m in enumerate(sent.mentions)
                     if m.start - sent.start == said.end() and (
                         m.kind == "organization" or m.is_government
                         or (m.kind == "country" and m.form != "demonym"))
                     and not text[m.end - sent.start:].strip(" .!?\n\"'”’")), None)
    employer = None
    for i, m in enumerate(sent.mentions):
        s = m.start - sent.start
        if s == said.end() and (m.kind in ("person", "organization") or (
                m.kind == "country" and m.form != "demonym")):
            return i
        if s > said.end() and employer is None and s - said.end() < 120 and \
                _employer(m, text, s) and not _CLAUSE_BREAK_RE.search(text, said.end(), s):
            # "..., said Jane Roe, director of research at the firm X": X speaks
            employer = i
    return employer


def _employer(m: EntityMention, text: str, s: int) -> bool:
    """Whether an organization is named as a speaker's employer ("researchers at X",
    "Jane Roe, director of research at X", "a report by X"): the one who speaks for it; or a
    state as the home of its officials ("Officials in the EU, U.K. and U.S. blamed ...")."""
    before = text[max(0, s - 70) : s]
    if m.kind == "country":
        return m.form != "demonym" and bool(_OFFICIALS_OF_RE.search(before))
    return (m.kind == "organization" or m.is_government) and \
        bool(_EMPLOYER_BEFORE_RE.search(before))


#: "officials in", "authorities from the", "diplomats of": a state's own people speaking.
_OFFICIALS_OF_RE = compile_ci(r"\b(?:officials|authorities|diplomats|governments|leaders|"
                              r"ministers)\s+(?:in|from|of)\s+(?:the\s+)?$")


#: "researchers at", "a spokeswoman for", "director of threat intelligence at the firm":
#: someone's role, then the preposition naming their employer.
_EMPLOYER_BEFORE_RE = compile_ci(
    r"\b(?:researchers?|analysts?|experts?|investigators?|scientists?|engineers?|"
    r"specialists?|officials?|executives?|director|head|chief|founder|president|"
    r"spokes(?:man|woman|person)|manager|officer|lead|partner|fellow|professor|team|"
    r"hunters?|vice[- ]president|CEO|CTO|CISO|report|statement|analysis|study|blog\s+post|"
    r"assessment|paper|advisory|alert)\b[^,.;:()\"“”]{0,45}?\s(?:at|from|with|for|of|by)"
    r"\s+(?:the\s+)?(?:(?:[\w-]+\s+){0,2}(?:company|firm|vendor|lab)\s+)?$")
_CLAUSE_BREAK_RE = re.compile(r"[.;]\s|\band\b")


_INVERTED_BEFORE_RE = re.compile(r"[,\"”]\s*$")
_INVERTED_VERB_RE = compile_ci(r"(?:said|says|told\s+reporters|added|stated|wrote|warned|"
                               r"explained|noted)\s+(?:the\s+)?")


def _object_state(text: str, start: int, end: int) -> bool:
    """A state named as what something is done to or owned by, never the one speaking: "The
    United States condemned Iran's cyberattack ... and said": Iran is the object of a verb
    ("condemned Iran") and owns a thing that cannot speak ("Iran's cyberattack", "Albania's
    decision")."""
    g = gate(text)
    return bool(g.search(_OBJECT_AFTER_VERB_RE, text[max(0, start - 25) : start])
                or g.match(_POSSESSED_THING_RE, text[end : end + 60]))


#: A state right after a verb in the past ("condemned Iran", "blamed the ...") is its object.
_OBJECT_AFTER_VERB_RE = compile_ci(r"\b\w+ed\s+(?:the\s+)?$")
#: "Iran's cyberattack", "Albania's decision to": a possessive of a thing, not of a speaker.
_POSSESSED_THING_RE = compile_ci(
    r"['’]s\s+(?:[\w-]+\s+){0,2}?(?:cyber[- ]?attacks?|attacks?|hack\w*|operations?|"
    r"campaigns?|intrusions?|breach\w*|decision|role|involvement|accusations?|claims?|"
    r"denials?|break|response|networks?|systems?|websites?|infrastructure|elections?|"
    r"territory|behalf)\b")


#: ", and the National Cyber Security Centre said": "and" after a comma opens a new clause.
_CLAUSE_AND_RE = compile_ci(r",\s+and\s+(?:the\s+)?$")


#: Words after which a state is the object of something, not a subject ("of", "against").
_OBJECT_WORDS = ("of|with|from|against|on|to|for|by|in|into|at|about|over|between|toward|"
                 "towards|targeting|expelling")
#: Before a mention: it is an object, or joined to one ("and"), so no subject.
_PREP_BEFORE_RE = compile_ci(rf"\b(?:{_OBJECT_WORDS}|and)\s+(?:the\s+)?$")
#: Before a mention: it is an object (a list it heads is one too).
OBJECT_BEFORE_RE = compile_ci(rf"\b(?:{_OBJECT_WORDS})\s+(?:the\s+)?$")


#: "hackers believed by Australian officials to be ...": the source in a passive report.
_BELIEVED_BY_RE = compile_ci(
    r"\b(?:believed|thought|suspected|assessed|considered|identified|alleged|blamed|"
    r"attributed|accused|named)\s+by\s+(?:the\s+)?$")


def _is_subject_demonym(text: str, m: EntityMention, sent: Sentence) -> bool:
    """'Iranian officials said': a demonym heading the subject speaks for its state."""
    after = text[m.end - sent.start : m.end - sent.start + 40]
    return bool(_SUBJECT_HEAD_RE.match(after))


#: Patterns compiled once here rather than looked up in ``re``'s cache on every call.
_SPEAKER_GAP_STOP_RE = re.compile(r"\b(?:that|which|who|because)\b|,\s*and\b")
_SUBJECT_HEAD_RE = re.compile(
    r"^\s+(?:[\w-]+\s+)?(?:officials?|government|authorities|ministry|"
    r"spokes\w+|diplomats?|media|state media|leaders?|president|response|services?|"
    r"agency|agencies|investigators|prosecutors|police|intelligence)", re.IGNORECASE)


def claimant_from(m: EntityMention) -> Claimant:
    """A claimant record for a mention, with its EuRepoC-style basis left for the caller."""
    if m.kind == "person":
        return Claimant("person", m.name, m.country, m.entity_id, "unknown")
    if m.kind == "country" or m.is_government:
        return Claimant("government", m.country or m.name, m.country, f"country:{m.country}",
                        "unknown")
    if m.kind == "threat-actor":
        return Claimant("actor", m.name, m.sponsor, m.entity_id, "attacker-self-claim")
    basis = "it-security-company" if m.is_vendor else (
        "international-organization" if m.country is None else "unknown")
    return Claimant("organization", m.name, m.country, m.entity_id, basis)


def subject_state(sent: Sentence, before: int) -> tuple[EntityMention, int] | None:
    """The nearest state mention before ``before`` that is not the object of a preposition."""
    text = sent.text
    best = None
    for i, m in enumerate(sent.mentions):
        s = m.start - sent.start
        if s >= before:
            break
        if m.state is None and not (m.kind == "person" and m.country):
            continue
        if _PREP_BEFORE_RE.search(text[max(0, s - 25) : s]):
            continue
        best = (m, i)
    return best


def states_after(sent: Sentence, pos: int, limit: int = 80) -> list[tuple[EntityMention, int]]:
    """State mentions starting within ``limit`` characters after ``pos``."""
    return [
        (m, i) for i, m in enumerate(sent.mentions)
        if m.state and pos <= m.start - sent.start <= pos + limit
    ]

