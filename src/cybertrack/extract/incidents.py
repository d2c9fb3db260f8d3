"""Incident detection and within-document coreference.

A sentence *anchors* an incident when it names a cyber event ("a major cyberattack carried out in
mid-July ... against Albanian government websites", "Russian hackers compromised ..."). Later
sentences either refer back to one ("the attack", "the July attack", "the first cyberattack") or
start a new one ("another cyberattack against their national police"). Each referring sentence may
add targets, kinds, sectors and a more precise date. Purpose clauses ("in order to spy on"),
hypotheses and denials never create incidents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from cybertrack.extract import lexicon as lx
from cybertrack.extract.casefold import Pattern, compile_ci
from cybertrack.extract.kinds import (
    GENERIC_ATTACK_RE,
    STRONG_KINDS,
    add_kinds,
    add_sectors,
    realis_kind,
    settle_kinds,
    speculative,
)
from cybertrack.extract.prefilter import Gate, gate, per_document
from cybertrack.extract.rolemodel import role_mode
from cybertrack.extract.roles import (
    LIST_JOIN_RE,
    accused,
    attacker_mentions,
    model_victims,
    rule_targets,
    speaks,
    target_mentions,
)
from cybertrack.extract.speakers import answered, claimant_of, response_cues, subject_state
from cybertrack.extract.types import EntityMention, IncidentDraft, Sentence
from cybertrack.model import PartialDate

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_REF_RE = compile_ci(
    r"\bthe\s+(" + "|".join(_MONTHS) + r")\s+(?:[\w-]+\s+){0,1}(?:cyber[- ]?)?(?:attack|hack|"
    r"operation|intrusion|breach|incident)")
_DEFINITE_RE = compile_ci(r"^(?:the|this|that|these|those|its|their)$")
_TITLE_EVENT_RE = compile_ci(
    r"^\s*(?:Targeting|Compromise|Hack(?:ing)?|Attacks?|Breach|Espionage|Theft|Disruption|"
    r"Defacement|Surveillance|Infiltration|Sabotage|DDoS|Denial[- ]of[- ]service|Intrusion|"
    r"Leak|Doxing|Cyberattacks?|Spying|Tracking|Monitoring|Phishing|Attempted|"
    r"Compromises|Intrusions|Infection|Exploitation)\b")




class DatedSpan(NamedTuple):
    """A resolved date in the document, by absolute character offsets."""

    start: int
    end: int
    date: PartialDate
    relation: str | None
    relative: bool = False  # resolved from "days after" etc. against an earlier date


class Anchor(NamedTuple):
    start: int  # sentence-relative
    end: int
    text: str
    # "new" | "definite" | "ordinal:N" | "month:M" | "indefinite" | "plural" | "verb"
    reference: str
    generic: bool  # named only as an "attack"


#: "the attack of/against/on ...", "the attack that ...": a generic noun with its complement.
_NOUN_COMPLEMENT_RE = re.compile(r"\s*(?:of|against|on|that|which|targeting|by)\b")


@per_document
def event_nouns(text: str) -> tuple[re.Match[str], ...]:
    """The event nouns of a sentence (``lx.EVENT_NOUN_RE``), found once: anchors and the dates
    of responses both read them."""
    return tuple(gate(text).finditer(lx.EVENT_NOUN_RE, text))


def find_anchors(sent: Sentence, cyber_doc: bool) -> list[Anchor]:
    """The phrases in a sentence that name a cyber event, with how they refer."""
    text = sent.text
    g = gate(text)
    out: list[Anchor] = []
    cyber_sentence = cyber_doc or _cyber(text)
    if (m := g.match(_TITLE_EVENT_RE, text)) is not None:
        out.append(Anchor(m.start(), m.end(), m.group(0).strip(), "indefinite", False))
    out.extend(_headline_verbs(sent))
    for m in event_nouns(text):
        if _ACTOR_HEAD_AFTER_RE.match(text, m.end()):
            continue  # "a hacking group called X", "hacking tools": who or what, no event
        out.append(_noun_anchor(g, text, m.start("noun"), m.end(), m.group(0),
                                bool(m.group("plural")),
                                generic="attack" in m.group("noun").lower()))
    if cyber_sentence:
        for m in g.finditer(lx.GENERIC_NOUN_RE, text):
            if any(a.start <= m.start() < a.end + 1 for a in out):
                continue
            if _NOUN_COMPLEMENT_RE.match(text, m.end()) or \
                    _determiner(text, m.start()):
                out.append(_noun_anchor(g, text, m.start(), m.end(), m.group(0),
                                        bool(m.group("plural")), generic=True))
        verbs = list(g.finditer(lx.EVENT_VERB_RE, text))
        if g.search(lx.STRICT_CYBER_RE, text) or (cyber_doc and _OPERATOR_SUBJECT_RE.match(text)):
            verbs += list(g.finditer(lx.WEAK_EVENT_VERB_RE, text))
        for m in verbs:
            if g.search(lx.IRREALIS_BEFORE_VERB_RE, text[max(0, m.start() - 25) : m.start()]):
                continue
            out.append(Anchor(m.start(), m.end(), m.group(0), "verb", False))
        for m in g.finditer(_USED_TO_ACT_RE, text):
            # "has been using malicious documents to target telecoms in Iraq": the purpose of
            # a tool in use reports the act
            out.append(Anchor(m.start("verb"), m.end("verb"), m.group("verb"), "verb", False))
    out.sort(key=lambda a: a.start)
    return out


#: A tool in use and what it is used for: "has been using malicious documents to target".
_USED_TO_ACT_RE = compile_ci(
    r"\b(?:using|used|uses|deploying|deployed|deploys|leveraging|leveraged|employing|"
    r"employed|exploiting|exploited|sending|sent)\b[^.;]{0,80}?\bto\s+(?P<verb>target|attack|"
    r"hack|compromise|infiltrate|breach|steal|spy\s+on|infect|penetrate)\b")
#: An event noun used as a modifier of who acts or what is used: "hacking group",
#: "espionage unit", "hacking tools", "breach notification".
_ACTOR_HEAD_AFTER_RE = compile_ci(
    r"\s+(?:groups?|teams?|units?|collectives?|crews?|gangs?|outfits?|tools?|toolkits?|"
    r"capabilit(?:y|ies)|forums?|skills?|contests?|competitions?|squads?|cells?|"
    r"notifications?|laws?|rules?|insurance|experts?|specialists?)\b")
#: A sentence whose subject is the operator a cyber report is about ("The group also stole
#: millions from a bank"): its weak event verbs name operations too.
_OPERATOR_SUBJECT_RE = compile_ci(
    r"^\W*(?:(?:in|on|by|last|earlier|later)\b[^,]{0,30},?\s+)?(?:the\s+(?:same\s+)?"
    r"(?:group|hackers|attackers|gang|actors?|crew|operators|collective)|they)\b")


def _headline_verbs(sent: Sentence) -> list[Anchor]:
    """A headline is a sentence in the present tense ("Anonymous attacks Israeli websites",
    "Iran hacks Albanian government"): a present-tense event verb right after a named party
    anchors an event there, where in running text the word is mostly a noun ("the attacks")."""
    if sent.index != 0 or sent.text.rstrip().endswith((".", "?", "!", ":")):
        return []
    out = []
    for m in sent.mentions:
        if m.kind not in ("threat-actor", "country", "organization") or m.form == "demonym":
            continue
        e = m.end - sent.start
        v = lx.HEADLINE_EVENT_VERB_RE.match(sent.text[e : e + 40])
        if v is not None:
            out.append(Anchor(e + v.start("verb"), e + v.end("verb"), v.group("verb"), "verb",
                              False))
    return out


def _headline_roles(sent: Sentence, anchors: Sequence[Anchor], incidents: list[IncidentDraft],
                    chosen: int | None) -> int | None:
    """A headline read as a sentence with roles ("Anonymous hits Saudi Arabia's ministry
    websites", "Russia hacks Ukraine's power grid"): the party right after its present-tense
    verb is the victim, the one right before it the operator, never a victim. The headline
    founds the incident when nothing else in it did, so a report whose body is one line keeps
    it."""
    for a in anchors:
        if a.reference != "verb" or not lx.HEADLINE_EVENT_VERB_RE.match(" " + a.text):
            continue
        subject = next((m for m in reversed(sent.mentions) if m.end - sent.start <= a.start),
                       None)
        victim = next((m for m in sent.mentions if m.start - sent.start >= a.end), None)
        state = (victim.state or victim.country) if victim is not None and \
            victim.start - sent.start - a.end <= 12 else None
        if state is None:
            continue
        if chosen is None:
            chosen = _new(incidents, sent, a, False)
        inc = incidents[chosen]
        operator = subject.state if subject is not None else None
        if operator and operator != state and operator in inc.targets:
            inc.targets.remove(operator)
        if state not in inc.targets:
            inc.targets.append(state)
        break
    return chosen


_WORD_RE = re.compile(r"[\w'’-]+")
_DETERMINERS = frozenset(
    ("the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our",
     "another", "such"))


def _determiner(text: str, pos: int) -> str | None:
    """The determiner of the noun phrase ending at ``pos`` ("an alleged major" -> "an")."""
    words = _WORD_RE.findall(text[max(0, pos - 40) : pos])[-3:]
    for word in reversed(words):
        if word.lower() in _DETERMINERS:
            return word.lower()
    return None


def _noun_anchor(g: Gate, text: str, start: int, end: int, phrase: str, plural: bool,
                 generic: bool) -> Anchor:
    """How the event noun at ``start`` refers; ``g`` is the gate of the sentence ``text``."""
    window = text[max(0, start - 40) : end]
    if (o := g.search(lx.ORDINAL_RE, text[max(0, start - 40) : end + 2])) is not None:
        word = o.group(1).lower()
        return Anchor(start, end, phrase, f"ordinal:{lx.ORDINALS[word]}", generic)
    if (mo := g.search(_MONTH_REF_RE, text[max(0, start - 30) : end + 2])) is not None:
        month = _MONTHS.index(mo.group(1).lower()) + 1
        return Anchor(start, end, phrase, f"month:{month}", generic)
    if g.search(lx.NEW_INCIDENT_RE, window[-60:]):
        return Anchor(start, end, phrase, "new", generic)
    det = _determiner(text, start)
    if det and _DEFINITE_RE.match(det):
        return Anchor(start, end, phrase, "definite", generic)
    return Anchor(start, end, phrase, "plural" if plural else "indefinite", generic)


def nearest_date(anchor_pos: int, cue_positions: Sequence[int], dates: Sequence[DatedSpan],
                 sent: Sentence, own: Sequence[int] = ()) -> PartialDate | None:
    """The date in the sentence closest to ``anchor_pos`` and not closer to another cue.

    ``own`` are further positions naming the same event ("a cyberattack hit ..."): the
    distance is from the nearest of them, and they are never rivals.
    """
    best: tuple[int, PartialDate] | None = None
    if any(not d.relative for d in dates):
        dates = [d for d in dates if not d.relative]
    mine = {anchor_pos, *own}
    for d in dates:
        if d.relation in ("since", "until"):
            continue
        if _OTHER_EVENT_BEFORE_DATE_RE.search(sent.text, max(0, d.start - sent.start - 40),
                                              d.start - sent.start):
            continue  # "ahead of elections on July 29": the date of another event
        mid = (d.start + d.end) // 2 - sent.start
        near = min(mine, key=lambda p: abs(mid - p))
        dist = abs(mid - near)
        span = (d.start - sent.start, d.end - sent.start)
        if any(abs(mid - c) < dist and not _comma_between(sent.text, span, c, near)
               for c in cue_positions if c not in mine):
            continue
        if best is None or dist < best[0]:
            best = (dist, d.date)
    return best[1] if best else None


#: A date that belongs to an event that is no operation ("ahead of elections on July 29",
#: "the summit in June", "the vote on 4 March").
_OTHER_EVENT_BEFORE_DATE_RE = compile_ci(
    r"\b(?:elections?|vote|votes|voting|polls?|referendum|summit|ballot|inauguration|"
    r"conference|games|ceremony|visit|meeting|talks|deadline)\s+(?:\w+\s+)?(?:on|in|of|"
    r"scheduled\s+for|set\s+for|due\s+on)\s+(?:the\s+)?$")


def _comma_between(text: str, span: tuple[int, int], rival: int, own: int) -> bool:
    """"hacked X in August 2020, the agency said": a comma parts the date from the rival cue
    but not from its own event, so the date stays with the event."""
    def parted(pos: int) -> bool:
        between = text[pos : span[0]] if pos < span[0] else text[span[1] : pos]
        return "," in between or ";" in between
    return parted(rival) and not parted(own)


def detect_incidents(
    sentences: Sequence[Sentence],
    dates: Mapping[int, Sequence[DatedSpan]],
    other_cues: Mapping[int, Sequence[int]],
    sector_res: Mapping[str, Pattern],
) -> tuple[list[IncidentDraft], list[int | None], list[int | None]]:
    """Incidents of the document, and per sentence the incident it names and the one in focus.

    ``dates`` maps a sentence index to its resolved dates; ``other_cues`` to the positions of
    response and speech cues (so that "On September 6th Albania cut ties" gives its date to the
    severance, not to the attack named later in the sentence).
    """
    cyber_doc = _at_least_two(_cyber(s.text) for s in sentences)
    incidents: list[IncidentDraft] = []
    named: list[int | None] = [None] * len(sentences)
    focus: list[int | None] = [None] * len(sentences)
    salient: int | None = None
    for sent in sentences:
        anchors = find_anchors(sent, cyber_doc)
        chosen: int | None = None
        if anchors:
            chosen = _resolve(sent, anchors, incidents, salient, dates.get(sent.index, ()),
                              other_cues.get(sent.index, ()))
        if sent.index == 0 and anchors:
            chosen = _headline_roles(sent, anchors, incidents, chosen)
        if chosen is None and salient is not None and \
                gate(sent.text).search(_VICTIM_LIST_RE, sent.text):
            _listed_victims(sent, incidents[salient])
        if chosen is not None:
            inc = incidents[chosen]
            if not inc.sentences or inc.sentences[-1] != sent.index:  # sentences come in order
                inc.sentences.append(sent.index)
            add_kinds(inc, sent.text)
            add_sectors(inc, sent.text, sector_res)
            salient = chosen
        elif salient is not None and _cyber(sent.text):
            # "a ransomware sample included ...": a strong kind cue speaks of the incident in focus
            g = gate(sent.text)
            for kind in STRONG_KINDS:
                if g.search(lx.KIND_RES[kind], sent.text) and \
                        kind not in incidents[salient].kinds:
                    incidents[salient].kinds.append(kind)
        named[sent.index] = chosen
        focus[sent.index] = salient
    for inc in incidents:
        if inc.time is None and inc.anchor_sentence == 0 and inc.inferred_targets:
            # a headline's incident ("Estonia cuts ties over a cyberattack") is dated by the
            # event phrases of the report ("The March 3 attack took down ..."), as a short
            # report's own incident is
            inc.time = _event_date(sentences, dates)
    if not incidents:
        fallback = _document_incident(sentences, sector_res, dates)
        if fallback is not None:
            incidents.append(fallback)
            for i in fallback.sentences:
                named[i] = 0
            for i in range(fallback.anchor_sentence, len(sentences)):
                focus[i] = 0
    for inc in incidents:
        settle_kinds(inc, " ".join(sentences[i].text for i in inc.sentences
                                    if i < len(sentences)))
    return incidents, named, focus


#: "Victims included ...", "Companies affected included ...", "Other severely impacted
#: victims were ...": a sentence that lists more victims of the incident in focus.
_VICTIM_LIST_RE = compile_ci(
    r"\b(?:victims|companies|firms|organi[sz]ations|businesses|institutions|entities|targets|"
    r"those)\s+(?:(?:that\s+were\s+|which\s+were\s+)?(?:affected|hit|impacted|"
    r"targeted|compromised|infected)\s+)?(?:included|include|including|were|are)\b|"
    r"\b(?:affected|impacted|hit|infected|targeted)\s+(?:victims|companies|firms|"
    r"organi[sz]ations|businesses|institutions|entities|countries|nations)\s+"
    r"(?:included|include|includes|were|are)\b|"
    # "The list of countries where the malware was detected includes China, Mongolia ..."
    r"\b(?:list\s+of\s+)?(?:targeted\s+|affected\s+|victim\s+)?(?:countries|nations)\b"
    r"[^.;]{0,80}?\b(?:include|includes|included|including)\b")


def _listed_victims(sent: Sentence, inc: IncidentDraft) -> None:
    """Add the countries of the victims a list sentence names (states in no operator's or
    speaker's part, organizations and places with a country) to the incident in focus."""
    attackers = attacker_mentions(sent)
    _c, claimant_idx = claimant_of(sent)
    listed = [m.state or (m.country if m.kind in ("organization", "location") else None)
              for i, m in enumerate(sent.mentions)
              if not (i in attackers or i == claimant_idx or accused(sent, i) or m.is_vendor)]
    inc.targets.extend(c for c in dict.fromkeys(listed) if c and c not in inc.targets)


def _at_least_two(flags: Iterable[bool]) -> bool:
    """``sum(flags) >= 2``, stopping at the second true flag (the rest need not be worked
    out: a sentence of a cyber document is searched as cyber anyway)."""
    seen = 0
    for flag in flags:
        if flag:
            seen += 1
            if seen >= 2:
                return True
    return False


#: Kinds that name how an operation disrupted: "disruption" beside them says nothing more.
_SHORT_REPORT = 12  # sentences: a report this short is about one operation throughout
_OPENING = 4  # the headline and the lead of a longer report


def _cyber_event_headline(text: str) -> bool:
    """A headline that reports an operation: a cyber word or a kind cue that reports an act, and
    no plan, hypothesis, denial or patch ("Update patches Safari ransom exploit")."""
    g = gate(text)
    return bool(g.search(lx.STRICT_CYBER_RE, text) or realis_kind(text)) and not (
        speculative(text) or g.search(lx.DENIAL_RE, text)
        or _PATCH_RE.search(text))


_PATCH_RE = compile_ci(r"\b(?:patch\w*|fix\w*|update[sd]?|vulnerabilit\w+|flaws?|bugs?|"
                       r"warn\w*|advis\w+|tips?|how to)\b")


def _document_incident(sentences: Sequence[Sentence], sector_res: Mapping[str, Pattern],
                       dates: Mapping[int, Sequence[DatedSpan]] | None = None
                       ) -> IncidentDraft | None:
    """A report about a cyber operation whose sentences named none outright ("This threat
    actor targets governments in Asia and the United States"; "Radisson Rewards confirms data
    breach"): the document's own incident, its targets the states it names that are neither
    operator nor source. A short report is read whole; a longer one only when its headline names
    a cyber event, and then by its opening (the headline and the lead), where news states what
    happened to whom."""
    short = len(sentences) <= _SHORT_REPORT
    if sentences and _PATCH_RE.search(sentences[0].text) and not find_anchors(sentences[0], True):
        return None  # "Airmail issues fix for security flaw": a report of a fix, not an attack
    if not short:
        head = sentences[0]
        if not find_anchors(head, True) or not _cyber_event_headline(head.text):
            return None
        sentences = sentences[:_OPENING]
    cyber = [s for s in sentences if gate(s.text).search(lx.STRICT_CYBER_RE, s.text) or
             realis_kind(s.text)]
    if not cyber:
        return None
    first = cyber[0]
    inc = IncidentDraft(index=0, anchor_sentence=first.index, anchor=(first.start, first.start),
                        trigger="", sentences=[s.index for s in cyber])
    named: list[str] = []
    complaining: list[str] = []
    for sent in sentences:
        attackers = attacker_mentions(sent)
        _c, claimant_idx = claimant_of(sent)
        exclude = attackers | ({claimant_idx} if claimant_idx is not None else set())
        for i in target_mentions(sent, exclude):
            state = sent.mentions[i].state or sent.mentions[i].country
            if state and state not in inc.targets:
                inc.targets.append(state)
        for i, m in enumerate(sent.mentions):
            if i not in exclude and m.state and m.state not in named and \
                    m.kind != "person" and not speaks(sent, m) and \
                    not answered(sent.text, m.start - sent.start) and not accused(sent, i):
                named.append(m.state)  # a leader named is no victim ("critical of Putin")
        if _COMPLAINT_RE.search(sent.text):
            complaining.extend(s for s in _complainant(sent, attackers)
                               if s not in complaining)
    if not inc.targets and short:
        # no state stands in a target position: the state that cuts ties or sanctions "over a
        # cyberattack" it names is its victim; else the states a short report names that are
        # neither operator nor source (a longer one names too many others)
        inc.targets.extend(complaining or named)
    inc.time = _event_date(cyber, dates or {})
    inc.generic_attack = any(GENERIC_ATTACK_RE.search(s.text) for s in cyber)
    for sent in cyber:
        add_kinds(inc, sent.text)
        add_sectors(inc, sent.text, sector_res)
    return inc if inc.targets or inc.kinds or not short else None


#: "cut ties over a cyberattack", "in response to the attack": a state answering an event.
_COMPLAINT_RE = compile_ci(
    r"\b(?:over|in response to|in retaliation for|because of|after|following|for)\s+"
    r"(?:(?:a|an|the|its|this|that|last\s+\w+['’]s)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:cyber[- ]?)?(?:attacks?|hack\w*|intrusions?|breach\w*)\b")


def _event_date(sentences: Sequence[Sentence], dates: Mapping[int, Sequence[DatedSpan]]
                ) -> PartialDate | None:
    """The date a report's event phrases carry ("the July 15 attack took down ...", "the
    claims that Tehran was behind the July cyberattack"): a date that names the event, right
    before its noun or after "the attack on/in", the most precise one found first."""
    best: PartialDate | None = None
    for sent in sentences:
        for d in dates.get(sent.index, ()):
            if d.relative or d.relation in ("since", "until"):
                continue
            s, e = d.start - sent.start, d.end - sent.start
            if _EVENT_AFTER_DATE_RE.match(sent.text[e : e + 40]) or \
                    _EVENT_BEFORE_DATE_RE.search(sent.text[max(0, s - 60) : s]):
                best = _refine(best, d.date)
    return best


_EVENT_AFTER_DATE_RE = compile_ci(
    r"\s*(?:[\w-]+\s+)?(?:cyber[- ]?)?(?:attacks?|cyberattacks?|hacks?|intrusions?|breach|"
    r"incidents?|operations?)\b")
_EVENT_BEFORE_DATE_RE = compile_ci(
    r"\b(?:cyber[- ]?)?(?:attacks?|cyberattacks?|hacks?|intrusions?|breach(?:es)?|incidents?)"
    r"\s+(?:(?:that|which)\s+(?:began|started|occurred|happened|took place)\s+)?"
    r"(?:on|in)\s+(?:the\s+)?$")


@per_document
def _cyber(text: str) -> bool:
    """A phrase that makes the sentence part of a cyber story."""
    return gate(text).search(lx.CYBER_CONTEXT_RE, text) is not None


def _resolve(sent: Sentence, anchors: Sequence[Anchor], incidents: list[IncidentDraft],
             salient: int | None, dates: Sequence[DatedSpan], cues: Sequence[int]) -> int | None:
    """Attach the sentence's event phrases to an incident, creating one where they name a new
    one."""
    attackers = attacker_mentions(sent)
    _claimant, claimant_idx = claimant_of(sent)
    anchor = _primary(anchors)
    # the speaker is no victim where it speaks before the event ("Albania said hackers hit
    # ..."); a body named in the event's object and then quoted ("hackers breached the foreign
    # ministry's network, officials said") is the victim all the same
    speaks_first = claimant_idx is not None and (
        sent.mentions[claimant_idx].start - sent.start < anchor.start
        or _trailing_speaker(sent, sent.mentions[claimant_idx]))
    exclude = set(attackers) | ({claimant_idx} if claimant_idx is not None and speaks_first
                                else set())
    targets = _clause_targets(sent, anchors, target_mentions(sent, exclude))
    # with the role model, the rules' targets decide whether and which incident the sentence
    # names (the model was trained to tell roles, not events); the model's verdict then
    # decides which of them, and which further states, the incident's targets are
    model_targets = targets
    if role_mode() == "both":
        targets = _clause_targets(sent, anchors, rule_targets(sent, exclude))
    anchor_positions = [a.start for a in anchors]
    # the primary's own phrase and the verbs and plain nouns around it name one event; anchors
    # marked as another ("another", "the second", "the May attack") name rivals
    own = [a.start for a in anchors if a is anchor or not (
        a.reference == "new" or a.reference.startswith(("ordinal:", "month:")))]
    if anchor.reference not in ("new", "indefinite", "verb", "plural"):
        dates = [d for d in dates if not d.relative]
    rivals = [(a.start, a.end) for a in anchors
              if a is not anchor and a.reference.startswith("month:")]
    if rivals:
        # "A cyberattack struck X, blaming the actors behind the July attack": the month
        # names the other event, not this one
        dates = [d for d in dates if not any(
            s - 2 <= d.end - sent.start and d.start - sent.start <= e for s, e in rivals)]
    when = nearest_date(anchor.start, [*cues, *anchor_positions], dates, sent, own)
    irrealis = _Irrealis(sent.text, anchor)
    generic = all(a.generic for a in anchors if a.reference != "verb") and any(
        a.reference != "verb" for a in anchors)
    first_named = anchor.reference in ("definite", "indefinite", "plural") or \
        anchor.reference.startswith("month:")
    stated = bool(targets)  # victims read in the sentence, before any inference below
    inferred = False
    if not incidents and not targets and first_named and not irrealis() and (
            when is not None or realis_kind(sent.text) or sent.index == 0):
        # "Albania cut ties with Iran, blaming Tehran for the cyberattack that crippled
        # government services in July": the first event named, with a date or a kind, is an
        # incident; its victim, unnamed, is the state that complains of it
        targets = _complainant(sent, attackers)
        inferred = bool(targets)

    ref = anchor.reference
    target_inc: int | None = None
    if ref.startswith("ordinal:"):
        n = int(ref.split(":")[1])
        if incidents and (n < len(incidents) or n == -1):
            target_inc = incidents[n].index
        elif n >= len(incidents) and incidents and not irrealis():
            target_inc = _new(incidents, sent, anchor, generic)
    elif ref.startswith("month:"):
        month = int(ref.split(":")[1])
        target_inc = next((i.index for i in incidents
                           if i.time and i.time.start.month == month), salient)
        if target_inc is None and not incidents and targets and not irrealis():
            target_inc = _new(incidents, sent, anchor, generic)  # "the July attack", first named
    elif ref == "new":
        if (targets or when) and not irrealis():
            target_inc = _new(incidents, sent, anchor, generic)
            if not targets:
                targets = _fallback_targets(sent, attackers, incidents)
                inferred = bool(targets)
    elif ref == "definite":
        # "The attack on Sony began on 24 November 2014": the first event a report names and
        # dates founds its incident, even with no state named as its victim
        target_inc = salient if salient is not None else (
            _new(incidents, sent, anchor, generic)
            if (targets or (when and not incidents)) and not irrealis() else None)
        if salient is not None and _another_time_and_place(incidents[salient], targets, when) \
                and not irrealis():
            # "The group was also behind the 2016 heist at the central bank of Bangladesh", in
            # a report of a 2018 campaign in Turkey: a past operation of its own
            target_inc = _compatible(incidents, targets, when)
            if target_inc is None:
                target_inc = _new(incidents, sent, anchor, generic)
    elif ref == "plural" and not (targets and when):
        target_inc = salient
    else:  # indefinite, verb, plural with detail
        if not targets and not when:
            return salient if ref != "indefinite" else None
        # which incident: the victims the rules read, else the model's ("Iranian hackers
        # infiltrated a New York dam in 2013" is no part of an undated Ukrainian incident)
        target_inc = _compatible(
            incidents, targets or model_targets or _clause_targets(
                sent, anchors, model_victims(sent, exclude)), when)
        if target_inc is None:
            if not (targets or (when and not incidents and ref == "indefinite")) or irrealis():
                return salient
            # "a cyberattack in mid-July forced officials to ...": the first dated event of a
            # report founds its incident even before its victim is named
            target_inc = _new(incidents, sent, anchor, generic)
            if not targets:
                targets = _fallback_targets(sent, attackers, incidents)
                inferred = bool(targets)
    if target_inc is None:
        return None
    inc = incidents[target_inc]
    if model_targets is not targets:
        vetoed = set(_clause_targets(sent, anchors, rule_targets(sent, exclude))) - \
            set(model_targets)
        targets = [t for t in targets if t not in vetoed] + \
            [t for t in model_targets if t not in targets]
    if not targets and not inc.targets:
        # the rules found the operation but no victim state: the model's most likely victims
        # (an organization's or a city's country included), never the operator's
        targets = _clause_targets(sent, anchors, model_victims(sent, exclude))
    widens = ref in ("indefinite", "verb", "new") or inc.anchor_sentence == sent.index or (
        ref == "definite" and _IMPACT_RE.match(sent.text, anchor.end, anchor.end + 40))
    if inc.inferred_targets and stated and not inferred and targets:
        # the state that complained of it stood in for victims the text now names: they
        # join it (a state complaining of an operation is often among its victims)
        widens = True
        inc.inferred_targets = False
    elif not inc.targets and inferred:
        inc.inferred_targets = True
    for t in targets:
        if t not in inc.targets and (not inc.targets or widens):
            inc.targets.append(t)
    if when is not None:
        inc.time = _refine(inc.time, when)
    return target_inc


def _trailing_speaker(sent: Sentence, m: EntityMention) -> bool:
    """A speaker in a clause of its own after the report ("..., US officials said", "...,
    according to the FBI"), not one named in the event's object and then quoted."""
    s, e = m.start - sent.start, m.end - sent.start
    return bool(_TRAILING_SPEAKER_BEFORE_RE.search(sent.text, max(0, s - 30), s)
                and _TRAILING_SPEAKER_AFTER_RE.match(sent.text, e))


_TRAILING_SPEAKER_BEFORE_RE = re.compile(
    r"(?:[,\"”]\s*|\baccording\s+to\s+)(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}$")
_TRAILING_SPEAKER_AFTER_RE = re.compile(
    r"(?:['’]s)?(?:\s+[\w-]+){0,3}?\s+(?:said|says|say|told|added|stated|confirmed|believes?|"
    r"concluded|reported|announced)\b|\s*[.,]?\s*$")


#: "The outbreak hit ...", "the attack also affected ...": a definite reference to the
#: incident in focus that goes on to name more of its victims.
_IMPACT_RE = compile_ci(r"\W{0,3}(?:(?:also|later|then|quickly|eventually|has|have|had)\s+)*"
                        r"(?:hit|struck|affected|infected|crippled|disrupted|paralys|paralyz|"
                        r"spread|reached|compromised|knocked|shut)")


def _clause_targets(sent: Sentence, anchors: Sequence[Anchor], candidates: list[int]
                    ) -> list[str]:
    """The states of the target mentions in the clause of one of ``anchors``: a state, or the
    country of an organization or place the role model calls the victim."""
    target_idx = [i for i in candidates
                  if _same_clause(sent, anchors, sent.mentions[i].start - sent.start)]
    relative = [i for i in candidates if i not in target_idx
                and _in_relative_of(sent, anchors, sent.mentions[i].start - sent.start)]
    target_idx += relative
    # "... in the United States, Hong Kong, India, and Vietnam": a list goes with its head
    for i in candidates:
        gap = sent.text[sent.mentions[i - 1].end - sent.start : sent.mentions[i].start - sent.start]
        if i not in target_idx and (i - 1) in target_idx and LIST_JOIN_RE.match(gap):
            target_idx.append(i)
            if i - 1 in relative:
                relative.append(i)
    if relative:
        # a relative clause tells where the event struck, never by whom ("Britain accused the
        # Russian military of the attack, which started in Ukraine and Russia")
        operators = {sent.mentions[i].state for i in attacker_mentions(sent)}
        target_idx = [i for i in target_idx
                      if i not in relative or sent.mentions[i].state not in operators]
    return list(dict.fromkeys(
        s for s in (sent.mentions[i].state or sent.mentions[i].country for i in target_idx)
        if s))


def _in_relative_of(sent: Sentence, anchors: Sequence[Anchor], pos: int) -> bool:
    """A mention in a relative clause on an event noun ("last year's NotPetya cyber-attack,
    which started in Ukraine and Russia"): the clause tells the event's own victims."""
    for a in anchors:
        if a.reference == "verb" or pos <= a.end:
            continue
        rel = _RELATIVE_AFTER_RE.match(sent.text, a.end)
        if rel is not None and pos - rel.end() < 60 and not any(
                c in sent.text[rel.end() : pos] for c in ",;:"):
            return True
    return False


#: A relative clause opening right after an event noun.
_RELATIVE_AFTER_RE = compile_ci(r"\s*,?\s*(?:which|that)\s+")


class _Irrealis:
    """Whether a sentence's event phrase is a hypothesis or denied in its own clause, searched
    on first use and then remembered: most sentences are resolved without asking."""

    __slots__ = ("_text", "_anchor", "_value")

    def __init__(self, text: str, anchor: Anchor) -> None:
        self._text = text
        self._anchor = anchor
        self._value: bool | None = None

    def __call__(self) -> bool:
        if self._value is None:
            text = self._text
            self._value = speculative(text) or _denied_here(
                gate(text).search(lx.DENIAL_RE, text), self._anchor, text)
        return self._value


_CLAUSE_BREAK_RE = re.compile(r"\b(?:that|which|whereas|while|because|although)\b|[;:–—]")


_VICTIM_VERB_RE = compile_ci(
    r"\b(?:suffered|experienced|faced|was|were|has been|have been|came under|fell victim)\b")


_RELATIVE_OPENING_RE = compile_ci(r"^\s*(?:that|which)\b")


#: How far (characters) a target may stand from its event phrase: far enough for a list of
#: objects before it ("used a backdoor to reach telecoms providers, government systems, postal
#: services ... in Peru"); 120 cut such lists off.
_CLAUSE_REACH = 160


def _same_clause(sent: Sentence, anchors: Sequence[Anchor], pos: int) -> bool:
    """A target belongs to an event phrase of its own clause, not to one across 'that'/';'.

    Before a noun ("a secondary cyberattack"), a state is its victim only with a victim verb
    between ("Albanian ministries suffered a cyberattack").
    """
    for a in anchors:
        lo, hi = (a.end, pos) if pos >= a.end else (pos, a.start)
        between = sent.text[lo:hi]
        if pos >= a.end:
            # "the attack that took Albanian services offline": a relative clause of the event
            between = _RELATIVE_OPENING_RE.sub("", between, count=1)
        if hi - lo > _CLAUSE_REACH or _CLAUSE_BREAK_RE.search(between):
            continue
        if pos < a.start and a.reference != "verb" and not gate(sent.text).search(
                _VICTIM_VERB_RE, sent.text[lo:hi]):
            continue
        return True
    return False


_CLAUSE_JOIN_RE = re.compile(r",\s*(?:and|but|while|whereas)\b|;")


def _denied_here(denial: re.Match[str] | None, anchor: Anchor, text: str) -> bool:
    """A denial stops an event phrase from founding an incident only in its own clause:
    "Tehran rejected it as baseless, and a second intrusion ... on 9 September" still reports
    the intrusion."""
    if denial is None:
        return False
    lo, hi = sorted((denial.end(), anchor.start))
    return not _CLAUSE_JOIN_RE.search(text[lo:hi])


def _primary(anchors: Sequence[Anchor]) -> Anchor:
    """The anchor that decides reference: an explicit ordinal/month/new marker wins, except
    over an indefinite event that opens the sentence as the subject of its own verb ("A
    cyberattack struck X, ... responsible for the July attack": the July attack is recalled,
    the sentence reports a new one)."""
    subject = next((a for a in anchors if a.reference == "indefinite" and any(
        v.reference == "verb" and 0 <= v.start - a.end <= 20 for v in anchors)), None)
    if subject is not None and all(a.start > subject.start for a in anchors
                                   if a.reference.startswith(("ordinal", "month"))):
        return subject
    for kind in ("ordinal", "month", "new"):
        for a in anchors:
            if a.reference.startswith(kind):
                return a
    nouns = [a for a in anchors if a.reference != "verb"]
    return nouns[0] if nouns else anchors[0]


def _new(incidents: list[IncidentDraft], sent: Sentence, anchor: Anchor, generic: bool) -> int:
    inc = IncidentDraft(index=len(incidents), anchor_sentence=sent.index,
                        anchor=(anchor.start + sent.start, anchor.end + sent.start),
                        trigger=anchor.text, generic_attack=generic)
    incidents.append(inc)
    return inc.index


def _complainant(sent: Sentence, attackers: frozenset[int]) -> list[str]:
    """The state that answers an event it names without a victim: the subject of a response
    ("Albania cut ties with Iran over the cyberattack", "the White House blamed Russia for the
    hack"). A state that only says who did it is no victim by that: accusers are as often its
    allies ("Britain attributed the cyberattack to Russia")."""
    for _action, cue in response_cues(sent.text):
        subj = subject_state(sent, cue.start())
        if subj is not None and subj[1] not in attackers and not accused(sent, subj[1]):
            state = subj[0].state or subj[0].country
            if state:
                return [state]
    return []


def _fallback_targets(sent: Sentence, attackers: frozenset[int], incidents: Sequence[IncidentDraft]
                      ) -> list[str]:
    """A new incident named without its victim ("the country suffered another cyberattack"):
    the state whose government reports it, else the previous incident's targets."""
    for i, m in enumerate(sent.mentions):
        if i not in attackers and m.is_government and m.country:
            return [m.country]
    return list(incidents[-2].targets) if len(incidents) >= 2 else []


def _another_time_and_place(inc: IncidentDraft, targets: Sequence[str],
                            when: PartialDate | None) -> bool:
    """A definite reference ("the 2016 heist") whose own date and victims both differ from
    the incident in focus names another operation."""
    return bool(targets and inc.targets and not set(targets) & set(inc.targets)
                and when is not None and inc.time is not None
                and not inc.time.overlaps(when, slack_days=7))


def _compatible(incidents: Sequence[IncidentDraft], targets: Sequence[str],
                when: PartialDate | None) -> int | None:
    """The latest incident this description can be the same as (targets and time agree)."""
    for inc in reversed(incidents):
        if targets and inc.targets and not set(targets) & set(inc.targets) and (
                not inc.inferred_targets or (when is not None and inc.time is None)):
            # inferred victims give way to the ones a later sentence names, unless that
            # sentence dates an operation the incident never dated: another one
            continue
        if when and inc.time and not inc.time.overlaps(when, slack_days=7):
            continue
        if when and inc.time is None and inc.targets and not set(targets) & set(inc.targets):
            # "He first appeared in late 2015, hacking hospitals", after an undated report
            # of a leak at a US studio: a dated event that names none of the incident's
            # victims tells of another time, and gives the incident no date
            continue
        return inc.index
    return None


def _refine(current: PartialDate | None, new: PartialDate) -> PartialDate:
    """Keep the most precise date that agrees with what is known."""
    if current is None:
        return new
    width_new = (new.end - new.start).days
    width_cur = (current.end - current.start).days
    if width_new < width_cur and current.overlaps(new, slack_days=3):
        return new
    return current
