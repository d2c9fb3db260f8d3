"""Who a claim's source is when its sentence does not say: the document around it.

News names a source once and then refers to it ("the company said", "officials believe", "a
spokesman said", "it added"), goes on with a report in the next sentence of a paragraph, or
builds a whole story on one source. ``claims.extract_claims`` reads each sentence's claims
first; the functions here then give the claims left without a claimant the source the
document means (``Sources`` remembers who was named and who spoke, sentence by sentence).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from cybertrack.extract.casefold import compile_ci
from cybertrack.extract.polarity import join_hedges
from cybertrack.extract.speakers import claimant_from, claimant_of, speech_starts
from cybertrack.extract.types import ClaimDraft, EntityMention, Sentence
from cybertrack.model import Claimant

#: "the company said ...", "a spokesman said", "officials believe", "it added": a source
#: named in an earlier sentence. ``noun`` takes a determiner, ``bare`` stands alone.
_SOURCE_ANAPHOR_RE = compile_ci(
    r"\b(?:the|this|that|an?|its|their)\s+(?:(?:[\w-]+|U\.S\.)\s+){0,2}?"
    r"(?P<noun>company|firm|vendor|researchers?|analysts?|experts?|research team|team|"
    r"report|study|organi[sz]ation|alliance|official|officials|spokesperson|spokesman|"
    r"spokeswoman|minister|chancellor|president|premier|ambassador|prosecutors?|secretary|"
    r"agency|ministry|department|bureau|government|administration|office|authorities|"
    r"investigators|agencies|statement|advisory|indictment|complaint)\b|"
    r"\b(?P<bare>officials|authorities|investigators|prosecutors|researchers|analysts|"
    r"experts|agencies)\b|\b(?P<pron>he|she|it|they)\b")
#: Anaphors that name the last person quoted ("the minister insists that ...").
_PERSON_ANAPHORS = frozenset({"official", "minister", "chancellor", "president", "premier",
                              "ambassador", "prosecutor", "secretary", "he", "she"})
#: Anaphors of a state's officials or bodies ("officials said", "the agency believes").
_GOVERNMENT_ANAPHORS = frozenset({"officials", "authorities", "investigators", "prosecutors",
                                  "agency", "agencies", "ministry", "department", "bureau",
                                  "government", "administration", "office", "indictment",
                                  "complaint"})
#: Anaphors of a company or its researchers ("the firm said", "researchers believe").
_COMPANY_ANAPHORS = frozenset({"company", "firm", "vendor", "researcher", "researchers",
                               "analyst", "analysts", "expert", "experts", "research team",
                               "team", "report", "study"})
#: Anaphors of whoever spoke last ("a spokesman said", "it added", "they believe").
_LAST_SPEAKER_ANAPHORS = frozenset({"spokesperson", "spokesman", "spokeswoman", "it", "they",
                                    "statement", "advisory"})
#: The subject right before a speech verb ends here: adverbs and auxiliaries between them.
_SUBJECT_TAIL_RE = compile_ci(r"(?:\s+(?:also|later|have|has|had|now|further|previously|"
                              r"publicly|separately|still|would|could|will|do|does|did))*\s*$")


class Sources:
    """Who may be meant by a later "the company", "officials" or "a spokesman": the last
    organization, vendor, person and government body named, and the last claimant heard."""

    def __init__(self) -> None:
        self.mentions: dict[str, EntityMention] = {}
        self.claimant: tuple[Claimant, int] | None = None
        #: the organization or government body named last, whatever its kind
        self.body: EntityMention | None = None

    def saw(self, sent: Sentence, found: Sequence[ClaimDraft]) -> None:
        for m in sent.mentions:
            if m.kind == "organization" and not m.is_government:
                self.mentions["company" if m.is_vendor else "organization"] = m
                self.body = m
            elif m.kind == "person":
                self.mentions["person"] = m
            elif m.is_government and m.country:
                self.mentions["government"] = m
                self.body = m
        speaker, _i = claimant_of(sent)
        if speaker is not None and speaker.kind != "actor":
            # a group speaking of its own act ("X claimed the breach") is no source whose
            # report the next sentence goes on with
            self.claimant = (speaker, sent.index)
        for c in found:
            if c.claimant is not None and c.kind in ("attribution", "denial"):
                self.claimant = (c.claimant, sent.index)

    def meant_by(self, word: str) -> Claimant | None:
        """The source an anaphor names, or None when the document named none that fits."""
        if word in _PERSON_ANAPHORS:
            m = self.mentions.get("person")
            return claimant_from(m) if m else None
        if word in _GOVERNMENT_ANAPHORS:
            m = self.mentions.get("government")
            if m is not None:
                return claimant_from(m)
            last = self.claimant[0] if self.claimant else None
            return last if last is not None and last.kind == "government" else None
        if word in _COMPANY_ANAPHORS:
            m = self.mentions.get("company") or self.mentions.get("organization")
            return claimant_from(m) if m else None
        if word in _LAST_SPEAKER_ANAPHORS:
            # "it", "they", "a spokesman": the body named last, else whoever spoke last
            if self.body is not None:
                return claimant_from(self.body)
            return self.claimant[0] if self.claimant else None
        m = self.mentions.get("organization")
        return claimant_from(m) if m else None


def _anaphor_word(m: re.Match[str]) -> str:
    """The head of an anaphor match, lower-cased ("the security firm" -> "firm")."""
    return (m.group("noun") or m.group("bare") or m.group("pron") or "").lower()


def _speaking_anaphor(text: str, verbs: Sequence[int]) -> str | None:
    """The anaphor that is the subject of one of the sentence's speech verbs: right before it
    ("the company said", "officials have said") or right after it in reported speech
    ("..., a spokesman said" is before; "..., said a spokesman" after)."""
    for v in verbs:
        head = text[max(0, v - 60):v]
        tail = _SUBJECT_TAIL_RE.search(head)
        cut = head[: tail.start()] if tail else head
        found = [m for m in _SOURCE_ANAPHOR_RE.finditer(cut) if m.end() == len(cut)]
        if found:
            return _anaphor_word(found[-1])
        after = _SOURCE_ANAPHOR_RE.match(text, _speech_word_end(text, v))
        if after is not None and _INVERTED_COMMA_RE.search(text, max(0, v - 4), v):
            return _anaphor_word(after)
    # a description heading a longer subject ("The firm's chief executive, X, said")
    found = [m for m in _SOURCE_ANAPHOR_RE.finditer(text[: verbs[0]])
             if m.group("noun") or m.group("pron") in ("he", "she")]
    return _anaphor_word(found[-1]) if found else None


_INVERTED_COMMA_RE = re.compile(r"[,\"”]\s*$")
_SPEECH_WORD_RE = re.compile(r"\w+\s*")


def _speech_word_end(text: str, v: int) -> int:
    m = _SPEECH_WORD_RE.match(text, v)
    return m.end() if m else v


def resolve_source_anaphora(sent: Sentence, found: list[ClaimDraft], sources: Sources,
                             carried: Claimant | None) -> None:
    """Give claims without a claimant the source an anaphor names as the subject of their
    speech verb ("The company said ...", "..., a spokesman said"); with no speech verb at all,
    the claimant of the claim told just before in the same paragraph, whose report the
    sentence goes on with ("X said on Tuesday that ... . The group is believed to work for
    Y.")."""
    if not any(c.claimant is None and c.kind in ("attribution", "denial") for c in found):
        return
    speech = speech_starts(sent.text)
    who: Claimant | None = None
    if speech:
        word = _speaking_anaphor(sent.text, speech)
        who = sources.meant_by(word) if word else None
    elif carried is not None:
        who = carried
    if who is None:
        return
    for i, c in enumerate(found):
        if c.claimant is None and c.kind in ("attribution", "denial") and not (
                c.kind == "attribution" and who.country is not None and who.kind == "government"
                and c.attributed_state == who.country):
            found[i] = replace(c, claimant=who)


def paragraph_claimant(sent: Sentence, sentences: Sequence[Sentence],
                        sources: Sources) -> Claimant | None:
    """The claimant of the sentence before ``sent`` when both lie in one paragraph (no blank
    line between them), else None."""
    if sources.claimant is None or sent.index == 0:
        return None
    who, at = sources.claimant
    if at != sent.index - 1:
        return None
    before = sentences[sent.index - 1] if sent.index - 1 < len(sentences) else None
    if before is None or before.index != at or before.text.rstrip(" ").endswith("\n"):
        return None
    return who


def main_source(claims: list[ClaimDraft], sentences: Sequence[Sentence]) -> None:
    """A report built on one source (a vendor's findings, a government's statement) asserts
    its unsourced attributions on that source's word: the one who speaks most in the document
    (twice at least, and more than anyone else), else the only security vendor it names,
    becomes the claimant of the attributions left without one, marked in the hedge as
    inferred. Not where another source already makes the same attribution, nor for a state's
    own government or an actor's own claim."""
    counts: dict[tuple[str, str | None], int] = {}
    first: dict[tuple[str, str | None], Claimant] = {}
    for sent in sentences:
        who, _i = claimant_of(sent)
        if who is None or who.kind == "actor":
            continue
        key = (who.kind, who.country if who.kind == "government" else who.name.casefold())
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, who)
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
        source = first[ranked[0][0]]
    else:
        # a security report's only vendor ("ESET researchers found ...", "according to
        # Cymmetria"): the firm whose findings the article tells
        vendors = {m.entity_id: m for sent in sentences for m in sent.mentions
                   if m.kind == "organization" and m.is_vendor and m.form != "unnamed"}
        if len(vendors) != 1:
            return
        source = claimant_from(next(iter(vendors.values())))
        if any(k != (source.kind, source.name.casefold()) for k in counts):
            return  # another source speaks too: whose word it is stays open
    named = {(c.incident, c.attributed_state, c.attributed_actor_id) for c in claims
             if c.kind in ("attribution", "self-claim") and c.claimant is not None}
    for i, c in enumerate(claims):
        if c.kind != "attribution" or c.claimant is not None or \
                (c.incident, c.attributed_state, c.attributed_actor_id) in named or \
                (source.kind == "government" and source.country == c.attributed_state):
            continue
        claims[i] = replace(c, claimant=source,
                            hedge=join_hedges(c.hedge, "source inferred: the report's main source"))
