"""Who plays which part in an operation a sentence names: operator or target.

Rules read the words around each mention (no parser needed, so they run at gazetteer speed):
"Iranian hackers" / "by Tehran" / "Russia-linked" make a state the operator; "against Albanian
government websites" / "targeted Ukraine" make it the target. Who speaks and who answers
(claimants, speech verbs, response cues) is in ``speakers.py``. Positions are character offsets
into the sentence text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from cybertrack.extract import lexicon as lx
from cybertrack.extract.casefold import compile_ci
from cybertrack.extract.prefilter import Gate, gate, per_document
from cybertrack.extract.rolemodel import (
    Candidate,
    current_model,
    current_thresholds,
    is_candidate,
    role_mode,
)
from cybertrack.extract.speakers import answered, claimant_of
from cybertrack.extract.types import EntityMention, Sentence

_VICTIM_HEADS = frozenset(w.rstrip("'’") for w in lx.VICTIM_NOUNS)
#: A demonym heading a state's bodies that speak ("German security services have admitted
#: they uncovered ..."): the ones who report an operation, not its operators.
_SPEAKING_BODY_RE = compile_ci(
    r"^\s+(?:[\w-]+\s+){0,2}?(?:services?|agenc(?:y|ies)|officials|authorities|government|"
    r"ministry|investigators|prosecutors|spies)\s+(?:(?:have|has|had|also|now|publicly|"
    r"officially|reportedly)\s+)*(?:said|says|say|admitted|admit|admits|acknowledged|"
    r"confirmed|confirm|announced|concluded|believe|believes|stated|warned|told|reported|"
    r"revealed|disclosed|suspect|suspects|point(?:s|ed|ing)?\s+(?:(?:the|an?)\s+)?"
    r"(?:accusing\s+)?fingers?)\b")
_EVENT_AFTER_RE = compile_ci(
    r"^\s*(?:(?!(?:" + "|".join(lx.VICTIM_NOUNS) + r"|presidential|election|electoral|"
    r"political|re-?election)\b)[\w-]+\s+)?"
    r"(?:cyber[- ]?attacks?|attacks?|hack(?:ing|s)?|campaigns?|"
    r"operations?|intrusions?|espionage|cyberespionage|cyber[- ]espionage|spying|"
    r"cyber[- ]?operations?|malware|ransomware|wipers?|ddos)\b"
)
#: Gaps between list items: the last two ("X and Y", "X, Y, and Z", "X or Y", "X as well as Y")
#: and earlier ones (a bare comma: "X, Y and Z").
_AND_GAP = (r",?\s*(?:and|or)\s+(?:even\s+|also\s+)?|\s+and\s+|\s+or\s+|,?\s+as well as\s+|"
            r",\s*and\s+the\s+rest\s+in\s+")
_COMMA_GAP = r",\s*"


def _gap_re(gaps: str) -> re.Pattern[str]:
    """The whole text between two mentions is one of ``gaps`` (and "the")."""
    return re.compile(rf"^\s*(?:{gaps})(?:the\s+)?$")


#: Between two items of a list, wherever they stand in it.
LIST_JOIN_RE = _gap_re(f"{_COMMA_GAP}|{_AND_GAP}")
#: Two items of a list with a place the reference does not know between them ("China and
#: South Asia and even the U.K.").
_LIST_THROUGH_PLACE_RE = re.compile(
    r"^\s*(?:,|and|or)\s+(?:[A-Z][\w.-]*\s+){1,3}?(?:,\s*)?(?:and|or)\s+(?:even\s+|also\s+)?"
    r"(?:the\s+)?$")
_BY_EVENT_RE = compile_ci(
    r"\b(?:carried out|conducted|perpetrated|orchestrated|launched|committed|staged|mounted|"
    r"(?:cyber[- ]?)?attack\w*|hack\w*|aggression|operation|intrusion|breach|campaign|"
    r"targeted|compromised|"
    r"was behind|were behind|sponsored|backed|directed|ordered|guided|funded|financed|"
    r"tasked|commanded|steered)\b"
)


@per_document
def attacker_mentions(sent: Sentence) -> frozenset[int]:
    """Indexes (into ``sent.mentions``) of state mentions cast as operator or sponsor: the
    rules' verdict, with the learned role model's where it is confident (``rolemodel``)."""
    mode = role_mode()
    rules = rule_attackers(sent)
    if mode == "rules":
        return rules
    probs = model_roles(sent)
    if not probs:
        return rules
    if mode == "model":
        return frozenset({i for i in rules if i not in probs} |
                         {i for i, p in probs.items() if p[2] > max(p[0], p[1])})
    th = current_thresholds()
    # a state the rules make the operator stays one unless the model is sure it is the victim
    out = {i for i in rules if i not in probs or probs[i][1] < th["veto_attacker"]}
    out |= {i for i, p in probs.items() if p[2] >= th["add_attacker"]}
    return frozenset(out)


@per_document
def model_roles(sent: Sentence) -> dict[int, tuple[float, ...]]:
    """The role model's probabilities (none, victim, attacker) of each candidate mention of the
    sentence, by index; empty where it has none."""
    if not any(is_candidate(m) for m in sent.mentions):
        return {}
    model = current_model()
    return {c.index: model.score(sent, c) for c in rule_candidates(sent)}


def rule_candidates(sent: Sentence) -> list[Candidate]:
    """The sentence's candidate mentions with what the rules say of each: the model's input
    (training reads it too, so that features are the same)."""
    attackers = rule_attackers(sent)
    _claimant, claimant_idx = claimant_of(sent)
    exclude = attackers | ({claimant_idx} if claimant_idx is not None else set())
    victims = set(rule_targets(sent, exclude))
    return [Candidate(i, i in attackers, i in victims)
            for i, m in enumerate(sent.mentions) if is_candidate(m)]


@per_document
def rule_attackers(sent: Sentence) -> frozenset[int]:
    """Indexes (into ``sent.mentions``) of state mentions the rules cast as operator or
    sponsor."""
    text = sent.text
    g = gate(text)
    out: set[int] = set()
    for i, m in enumerate(sent.mentions):
        if m.kind == "threat-actor":
            if not tool_maker(sent, m) and not not_acting(sent, m):
                out.add(i)
            continue
        s, e = m.start - sent.start, m.end - sent.start
        if m.state is None:
            # "Hamas-linked actor": an organization's home state sponsors the operator
            if m.kind == "organization" and m.country and not m.is_vendor and \
                    g.match(_ORG_AFFILIATION_RE, text[e : e + 60]):
                out.add(i)
            continue
        before, after = text[max(0, s - 90) : s], text[e : e + 60]
        if g.search(_IMPERSONATION_RE, before[-60:]):
            continue  # "the attackers pretended to be from the office of the President of X"
        if any(x.kind in ("malware", "threat-actor") and x.end <= m.start and
               _NAMED_LINKED_RE.fullmatch(text, x.end - sent.start, s)
               for x in sent.mentions[max(0, i - 3) : i]):
            out.add(i)  # "Triton is linked to Russia": a named tool's or group's sponsor
            continue
        if _ORIGIN_AFTER_RE.match(after) or _ORIGIN_BEFORE_RE.search(before[-40:]) or (
                m.form == "demonym" and _PREDICATE_ORIGIN_BEFORE_RE.search(before[-60:])
                and _PREDICATE_END_RE.match(after)):
            out.add(i)  # "the hackers were likely Russian in origin", "originated in Iran"
            continue
        suffix = g.match(lx.AFFILIATION_SUFFIX_RE, after)
        affiliated = suffix is not None and (
            suffix.group(1).lower() not in ("based", "origin", "connected", "associated")
            or _head_role(after[suffix.end():], "") == "attacker")
        role = _head_role(after, before) if m.form == "demonym" else None
        if role != "person" and m.form == "demonym" and _org_headed(after):
            role = "organization"  # "German DDoS protection firm X reported": no state acts
        if role == "attacker" and m.form == "demonym" and g.match(_SPEAKING_BODY_RE, after):
            role = "organization"  # "German security services have admitted ...": speakers
        if affiliated or (m.form == "demonym" and (role == "attacker" or (
                role not in ("organization", "person") and g.match(_EVENT_AFTER_RE, after)
                and not _possessed(after)))
                          and not g.search(_VICTIM_CUE_BEFORE_RE, before)):
            out.add(i)
        elif (_sponsor_cue(before) and not (m.form == "demonym" and role in (
                "victim", "organization", "person")) and not _NAME_GOES_ON_RE.match(after)) \
                or (g.match(_OWN_OPERATOR_RE, after)
                    and not g.search(_OBJECT_CUE_RE, before[-30:])):
            # "hackers from Russia", not "files from Canadian organizations"
            out.add(i)
        elif m.is_government and m.kind != "country" and ((not (g.search(
                lx.TARGET_CUE_RE, before[-30:]) and not g.search(_MEMBERS_OF_RE, before))
                and (
                    g.match(_ACT_AFTER_RE, _past_aside(after))
                    or _head_role(after, before) == "attacker")) or _aside_acts(g, before, after)):
            # "the Egyptian government installed apps on ...", "GRU hackers": a government body
            # acting, or heading an operator phrase ("Chinese government threat actors"), or
            # naming in an aside a phrase that acts ("the Main Intelligence Directorate (the
            # GRU) used ...")
            out.add(i)
        elif g.match(_HELD_RESPONSIBLE_AFTER_RE, after) or (
                g.search(_ACCUSED_BEFORE_RE, before) and _OF_AFTER_RE.match(after)) or (
                g.search(_BLAMED_BEFORE_RE, before) and _FOR_AFTER_RE.match(after)) or (
                sent.index == 0 and _HEADLINE_BEHIND_RE.match(after)) or \
                g.search(_FINGER_BEFORE_RE, before) or g.search(_ATTRIBUTED_TO_BEFORE_RE, before):
            # "China is behind the hack", "Iran was accused of ...", "accused the NSA of ...",
            # "blame Russia for the attack", a headline's "North Korea behind Sony hack"
            out.add(i)
        elif g.search(_ALLEGED_APPOSITION_RE, before):
            # "the threat actor, allegedly the Indonesian government, used ..."
            out.add(i)
        elif m.form == "demonym" and _PEOPLE_DEMONYM_RE.fullmatch(m.text) and \
                g.match(_SUBJECT_OF_EVENT_RE, _past_aside(after)) and \
                not g.search(lx.TARGET_CUE_RE, before[-30:]):
            out.add(i)  # "the Russians also targeted the Foreign Office": a people acting
        elif m.kind == "country" and m.form in ("name", "alias", "acronym", "capital") and (
                g.match(_SUBJECT_OF_EVENT_RE, _past_aside(after))
                or (g.match(_NATION_ATTACKER_RE, after)
                    and not before.lower().endswith(("anti-", "pro-"))
                    and not VERB_BEFORE_RE.search(before)) or (
                    (gm := g.match(_OWN_GOVERNMENT_RE, after))
                    and g.match(_ACT_AFTER_RE, after[gm.end():]))
        ) and not g.search(lx.TARGET_CUE_RE, before[-30:]):
            # "Iran launched ...", "U.S. hackers targeted ...", "Morocco's government used
            # Pegasus to ..."
            out.add(i)
    if out:
        _join_lists(sent, out)
    return frozenset(out)


#: After a country's name used as a modifier: the hackers it names ("U.S. hackers").
_NATION_ATTACKER_RE = compile_ci(
    r"^\s+(?:state[- ](?:sponsored|backed)\s+|government\s+)?(?:hackers|hacktivists|"
    r"cybercriminals|threat actors?)\b")
#: A verb right before a mention: it is the verb's object ("Russia invaded Ukraine hackers",
#: "hackers robbed Bangladesh and the United States indicted ...").
VERB_BEFORE_RE = compile_ci(r"\b\w+ed\s+(?:the\s+)?$")
_AND_JOIN_RE = _gap_re(_AND_GAP)
_COMMA_JOIN_RE = _gap_re(_COMMA_GAP)
#: Before the first item: a phrase that sets it apart from what follows ("According to the
#: United States, Russia and Iran ...", "Unlike China, ...").
_SET_APART_RE = compile_ci(r"\b(?:according to|unlike|like|besides|except(?: for)?|apart from|"
                           r"other than|per|outside|beyond|in addition to|after|since|"
                           r"following)\s+(?:the\s+)?$")


class StateList(NamedTuple):
    """State mentions joined as one list, by index; ``either`` for "X or Y"."""

    items: list[int]
    either: bool


def _join_lists(sent: Sentence, out: set[int]) -> None:
    """States listed with an operator state share its part: "Saudi Arabia and the United Arab
    Emirates used Pegasus", "Chinese and Russian hackers", "tied to China, Russia and Ukraine"
    (both ways along the list). A state in target position keeps its own part ("The attack hit
    Ukraine and Russian hackers were blamed")."""
    text = sent.text
    for items, _either in state_lists(sent):
        if not any(i in out for i in items):
            continue
        for i in items:
            m = sent.mentions[i]
            s = m.start - sent.start
            if i in out:
                continue
            if m.form != "demonym" and _VICTIM_BEFORE_RE.search(text[max(0, s - 30) : s]):
                continue  # "hit Ukraine and Russia was blamed": the victim stays one
            if i == items[-1] and last_opens_clause(sent, items):
                continue  # "blamed on Iran and Israel vowed to retaliate": a new clause
            out.add(i)


def last_opens_clause(sent: Sentence, items: list[int]) -> bool:
    """Whether the last item of a list that is an object ("attributed to Iran and ...",
    "blamed on Iran and ...") is rather the subject of a clause of its own: followed by a verb
    or a possessive ("... and Israel vowed ...", "... and Ukraine's agency said ..."). A list
    that is a subject keeps its verb ("Saudi Arabia and the UAE used Pegasus")."""
    head = sent.mentions[items[0]].start - sent.start
    return _OBJECT_HEAD_RE.search(sent.text[max(0, head - 30) : head]) is not None and \
        _CLAUSE_AFTER_RE.match(sent.text, sent.mentions[items[-1]].end - sent.start) is not None


#: Words before the first item of a list that is an object: "attributed to", "blamed on",
#: "crippled".
_OBJECT_HEAD_WORDS = r"to|on|at|in|into|against|\w+ed"
_OBJECT_HEAD_RE = compile_ci(rf"\b(?:{_OBJECT_HEAD_WORDS})\s+(?:the\s+)?$")


#: Before a state: the act's object ("hit Ukraine", "hospitals in Ireland", "crippled Costa
#: Rica"), which no list makes an operator ("the work of" is no such cue).
_VICTIM_BEFORE_RE = compile_ci(rf"\b(?:targeting|targets|hit|{_OBJECT_HEAD_WORDS})\s+(?:the\s+)?$")
#: After the last item of a list: it opens a clause of its own ("... and Israel vowed",
#: "... and Ukraine's cyber agency said").
_CLAUSE_AFTER_RE = compile_ci(
    r"(?:['’]s\b|\?\?|\s+(?:(?:has|have|had|also|later|then|quickly|immediately|publicly)\s+)*"
    r"(?:[a-z]+ed|said|says|cut|cuts|took|takes|sent|sends|is|was|were|are|will|would|did|"
    r"does|made|makes|told|began|begins)\b)")


@per_document
def state_lists(sent: Sentence) -> list[StateList]:
    """Runs of state mentions joined as one list ("X and Y", "X, Y and Z", "X, Y, and Z").

    A list ends with its "and"/"or"; commas alone join clauses as often as items ("According
    to the FBI, APT41 ..."), and so does ", and" after a single item ("... to the GRU, and the
    US Justice Department indicted ..."). A first item set apart ("According to Kyiv, Russian
    and Belarusian hackers") is no part of the list after it.
    """
    text, mentions = sent.text, sent.mentions
    runs: list[StateList] = []
    run: list[int] = []
    for i in range(1, len(mentions)):
        prev, cur = mentions[i - 1], mentions[i]
        gap = text[prev.end - sent.start : cur.start - sent.start]
        ended = bool(runs) and runs[-1].items[-1] == i - 1  # a list just ended at prev
        if prev.state is None or cur.state is None or ended or (
                prev.form in ("name", "capital") and cur.form == "demonym"):
            # "hit Ukraine and Russian hackers": a country, then a phrase of its own
            run = []
            continue
        last = _AND_JOIN_RE.match(gap)
        if last and (len(run) >= 2 or "," not in gap):
            items = [*(run or [i - 1]), i]
            head = mentions[items[0]].start - sent.start
            if len(items) > 2 and _SET_APART_RE.search(text[max(0, head - 20) : head]):
                items = items[1:]
            runs.append(StateList(items, _OR_RE.search(gap) is not None))
            run = []
        elif _COMMA_JOIN_RE.match(gap):  # never a gap _AND_JOIN_RE takes
            run = [*(run or [i - 1]), i]
        else:
            run = []
    return runs


_OR_RE = re.compile(r"\bor\b")


#: The operators' origin: "Russian in origin", "of Chinese origin", "originated in Iran".
_ORIGIN_AFTER_RE = re.compile(r"[ \t]+(?:in[ \t]+origin|origin\b)", re.I)
_ORIGIN_BEFORE_RE = re.compile(
    r"\b(?:(?:of|with)[ \t]+(?=\w+[ \t]+origin)|originat(?:ed|es|ing)[ \t]+(?:from|in)[ \t]+"
    r"(?:the[ \t]+)?|(?:hackers?|attackers?|actors?|operators?|attacks?)[ \t]+(?:based|located)"
    r"[ \t]+in[ \t]+(?:the[ \t]+)?)$", re.I)
#: "the attackers were Iranian", "the group was likely Chinese": the operators' nationality
#: as a predicate, ending its clause.
_PREDICATE_ORIGIN_BEFORE_RE = re.compile(
    r"\b(?:hackers?|attackers?|group|gang|operators?|actors?|culprits?|perpetrators?|"
    r"intruders?|campaign|operation|attacks?)[\"”]?\s+(?:were|was|are|is|be)\s+(?:(?:most\s+)?"
    r"(?:likely|probably|almost\s+certainly|possibly)\s+|(?:believed|thought|assessed)\s+to\s+"
    r"be\s+)?$", re.I)
_PREDICATE_END_RE = re.compile(r"\s*(?:[.,;:!?\"”)]|and\b|or\b|$)")
#: A country's name that begins a longer proper name ("data from Qatar National Bank",
#: "hackers from Ukraine International Airlines"): the organization's, not an origin.
_NAME_GOES_ON_RE = re.compile(
    r"[ \t]+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
    r"March|April|May|June|July|August|September|October|November|December)\b)[A-Z][a-z]")
#: "pretended to be from", "posing as": who the operator impersonates is not the operator.
_IMPERSONATION_RE = compile_ci(
    r"\b(?:pretend\w*|pos(?:ed|es|ing) as|impersonat\w+|masquerad\w+ as|disguis\w+ as|"
    r"claim\w* to be|purport\w* to be)\b[^.;]{0,50}$")
#: "Targeting of South Korean actors", "attacks on Russian hackers": the phrase is the victim.
_VICTIM_CUE_BEFORE_RE = compile_ci(
    r"\b(?:targeting(?: of)?|targeted|against|attacks? on|compromise of|hack(?:ing)? of|"
    r"breach of)\s+(?:the\s+)?$")
#: Before "Germany's intelligence agency": a preposition making it the object of the act.
_OBJECT_CUE_RE = compile_ci(
    r"\b(?:against|targeting|targeted|at|into|on|hit|breached|hacked|compromised|infiltrated|"
    r"penetrated|attacked|in|within)\s+(?:the\s+)?$")
#: "Morocco's government", "Iran's regime": the state's government as the subject of an act.
_OWN_GOVERNMENT_RE = compile_ci(r"^(?:['’]s?|\?\?)\s+(?:government|regime|authorities)\b")
#: "Russia's GRU", "China's Ministry of State Security", "Ukraine's IT Army": the state's own
#: operators.
_OWN_OPERATOR_RE = compile_ci(
    r"^(?:['’]s?|\?\?)\s+(?:[\w-]+\s+){0,2}(?:GRU|SVR|FSB|MSS|MOIS|IRGC|RGB|PLA|NSA|GCHQ|"
    r"military|intelligence|hackers|cyber|spy|spies|security services?|"
    r"Ministry of (?:State|Public) Security|army|armed forces|agents|operatives|units?)\b")
_ORG_AFFILIATION_RE = compile_ci(
    r"^-(?:linked|backed|sponsored|affiliated|aligned|associated|connected|directed|"
    r"controlled)\s+(?:[\w-]+\s+){0,2}?(?:" + lx._alt(lx.ATTACKER_NOUNS) + r")\b")
#: After a state: "is behind", "was accused of", "was responsible for".
_HELD_RESPONSIBLE_AFTER_RE = compile_ci(
    r"^\s+(?:(?:is|was|were|are|has been|have been|had been)\s+(?:\w+ly\s+)?"
    r"(?:behind|responsible for|accused of|suspected of|blamed for|believed to (?:be|have))|"
    r"(?:is|was|were|are) (?:\w+ly\s+)?(?:likely|probably|possibly)?\s*behind)\b")
#: Before a state, with "of" after it: "accused the NSA of hacking".
_ACCUSED_BEFORE_RE = compile_ci(r"\baccus(?:e|ed|es|ing)\s+(?:the\s+)?$")
#: Before a state, with "for" after it: "blamed Russia for the attack".
_BLAMED_BEFORE_RE = compile_ci(r"\bblam(?:e|ed|es|ing)\s+(?:the\s+)?$")
#: Between a named malware or group and a state: "is linked to", "was tied to the".
_NAMED_LINKED_RE = compile_ci(
    r"\s+(?:(?:is|was|are|were|has\s+been|have\s+been|being|likely|probably|also|"
    r"directly|closely)\s+)*(?:linked|tied|connected|attributed|traced)\s+(?:back\s+)?to\s+"
    r"(?:the\s+)?")
#: "the White House publicly attributed to the Chinese Ministry of State Security the
#: exploitation": the attribution verb right before the state, its object after it.
_ATTRIBUTED_TO_BEFORE_RE = compile_ci(
    r"(?:\battribut(?:ed|es|ing)\s+(?:[\w.'’-]+\s+){0,6}?to|"
    r"\b(?:blam(?:ed|es|ing)|pinn(?:ed|ing)|pins)\s+(?:(?!for\s)[\w.'’-]+\s+){0,6}?on)"
    r"\s+(?:the\s+)?$")
#: "security firms pointed the finger at North Korea": the state accused.
_FINGER_BEFORE_RE = compile_ci(r"\bpoint(?:s|ed|ing)?\s+(?:(?:the|a|an)\s+)?(?:accusing\s+)?"
                               r"fingers?\s+at\s+(?:the\s+)?$")
#: ", allegedly the Indonesian government": an appositive naming the operator.
_ALLEGED_APPOSITION_RE = compile_ci(
    r"(?:,|\()\s*(?:allegedly|reportedly|presumably|probably|likely|possibly|suspected to be|"
    r"believed to be|thought to be)\s+(?:the\s+)?$")


#: "NSO Group's Pegasus", "a tool created by X", "the spyware firm X": X made or sold the tool.
_MAKER_AFTER_RE = compile_ci(
    r"^(?:['’]s?|\?\?)\s+(?:[\w-]+\s+){0,2}?(?:spyware|malware|tools?|software|exploits?|"
    r"products?|implants?|hacking tools?|surveillance)\b")
_MAKER_BEFORE_RE = compile_ci(
    r"\b(?:(?:created|developed|made|sold|built|manufactured|supplied|marketed|licensed|"
    r"provided|designed|written) by|(?:spyware|surveillance|software|technology|tech|"
    r"intelligence) (?:firm|company|vendor|maker|developer|manufacturer)|"
    r"(?:firm|company|vendor|maker|developer|manufacturer) of)\s+(?:the\s+)?$")


#: "rivals of Iran", "neighbours of Russia": a state named as a reference point, no victim.
_REFERENCE_POINT_RE = compile_ci(r"\b(?:rivals|enemies|adversaries|foes|opponents|"
                                 r"neighbou?rs|allies|partners)\s+of\s+(?:the\s+)?$")
#: "..., such as Saudi Arabia and Israel" after a place phrase ("enterprises located in ...").
_SUCH_AS_RE = compile_ci(r"\bsuch\s+as\s+(?:the\s+)?$")
_PLACE_CUE_RE = compile_ci(r"\b(?:in|located\s+in|based\s+in|against|targeting|across)\b")
#: "four members of the People's Liberation Army hacked": people of a body, which acts.
_MEMBERS_OF_RE = compile_ci(r"\b(?:members|officers|officials|agents|operatives|units?|"
                            r"hackers|employees|soldiers)\s+of\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+)?$")


def not_acting(sent: Sentence, m: EntityMention) -> bool:
    """A named actor that does not act in the sentence: something was stolen from it
    (``robbed``), it is only compared with the operator ("on the same network as Fancy
    Bear", "techniques similar to those of APT28"), or its name is a product's or a flaw's
    ("Equation Editor", "the Sandworm vulnerability")."""
    s, e = m.start - sent.start, m.end - sent.start
    text = sent.text
    return robbed(sent, m) or \
        _COMPARED_BEFORE_RE.search(text, max(0, s - 60), s) is not None or \
        _NAME_OF_A_THING_AFTER_RE.match(text, e) is not None


#: "the same embassy network as", "similar to those used by", "like": a comparison.
_COMPARED_BEFORE_RE = compile_ci(
    r"\b(?:same|similar|resembl\w+|reminiscent|akin|identical)\b[^.;]{0,50}?"
    r"\b(?:as|to|of)\s+(?:(?:those|that|the\s+ones?)\s+(?:of|used\s+by|by)\s+)?"
    r"(?:the\s+)?$|\b(?:unlike|like)\s+(?:the\s+)?$")
#: A product's or a flaw's name that holds an actor's: "Equation Editor", "Sandworm flaw".
_NAME_OF_A_THING_AFTER_RE = compile_ci(
    r"[\s'’\"”]+(?:Editor|vulnerabilit(?:y|ies)|flaws?|bugs?|exploits?|CVE)\b")


def robbed(sent: Sentence, m: EntityMention) -> bool:
    """A named actor that something was stolen or leaked from ("claims to have stolen cyber
    weapons from a hacking team called Equation Group"): the victim of the act, not its
    operator."""
    s = m.start - sent.start
    return _ROBBED_BEFORE_RE.search(sent.text, max(0, s - 110), s) is not None


#: "... stolen ... from a hacking team called", "leaked from the": what comes after was robbed.
_ROBBED_BEFORE_RE = compile_ci(
    r"\b(?:stole|stolen|steal\w*|taken|took|leaked|exfiltrated|obtained|hacked)\b[^.;]{0,60}?"
    r"\bfrom\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:(?:called|named|known\s+as|dubbed)"
    r"\s+(?:the\s+)?)?$")


def tool_maker(sent: Sentence, m: EntityMention) -> bool:
    """A named actor spoken of as the maker or seller of a tool, not its operator."""
    s, e = m.start - sent.start, m.end - sent.start
    after = sent.text[e : e + 50]
    g = gate(sent.text)
    if g.match(_MAKER_AFTER_RE, after) or g.search(_MAKER_BEFORE_RE, sent.text[max(0, s - 50) : s]):
        return True
    nxt = next((x for x in sent.mentions if x.start >= m.end), None)
    return bool(nxt is not None and nxt.kind == "malware" and _POSSESSIVE_SPACE_RE.fullmatch(
        sent.text[e : nxt.start - sent.start]))


#: Patterns compiled once here rather than looked up in ``re``'s cache on every call.
_OF_AFTER_RE = re.compile(r"^[^.;]{0,60}?\bof\b")
_FOR_AFTER_RE = re.compile(r"^[^.;]{0,40}?\bfor\b")
#: A headline drops the copula: "North Korea behind Sony hack".
_HEADLINE_BEHIND_RE = re.compile(r"^\s+(?:likely\s+|probably\s+)?behind\b", re.I)
_POSSESSIVE_SPACE_RE = re.compile(r"(?:['’]s?|\?\?)\s+")


#: "Iran launched an espionage campaign", "Russia hacked ...": a state as subject of the act.
_SUBJECT_OF_EVENT_RE = compile_ci(
    r"^\s+(?:(?:has|have|had|was|allegedly|reportedly|likely|probably|also)\s+)?"
    r"(?:(?:tried|attempted|sought)\s+to\s+(?:hack|breach|attack|infiltrate|steal|spy|"
    r"penetrate|compromise|break\s+into)\b|"
    r"launched|conducted|carried out|hacked|breached|compromised|targeted|attacked|"
    r"infiltrated|deployed|used|stole|spied|mounted|staged|orchestrated|sponsored|ran|"
    r"exfiltrated|infected|intercepted|surveilled|sabotaged|defaced|wiped)\b"
    # "Qatar launched an inquiry", "conducted a review": an answer, not an operation
    r"(?!\s+(?:(?:an?|its|the|a\s+new|a\s+formal)\s+)?(?:\w+\s+)?(?:inquiry|investigation|"
    r"probe|review|audit|appeal|crackdown|consultation|hearing))")


def subject_of_event(after: str) -> bool:
    """Whether the text right after a mention makes it the subject of an operation verb
    ("... had launched", "... tried to hack")."""
    return _SUBJECT_OF_EVENT_RE.match(_past_aside(after)) is not None


_PHRASE_RE = re.compile(
    r"^((?:\s+(?:[a-z][\w-]*|APT|[A-Z][A-Z\d-]+|[A-Z][a-z]?[A-Z][\w-]*)(?![\w-]))+)")
_PHRASE_STOP = frozenset(
    ("offline", "online", "down", "out", "off", "up", "back", "again",
     "of", "in", "on", "to", "for", "with", "and", "or", "that", "which", "who", "by", "from",
     "against", "was", "were", "is", "are", "has", "have", "had", "as", "at", "into", "over",
     "after", "before", "since", "during", "while", "whose", "the", "a", "an", "its",
     "their", "last", "earlier", "later", "yesterday", "today", "recently", "previously",
     "this", "next"))
_ATTACKER_HEADS = frozenset(
    ("hackers", "hacker", "actor", "actors", "group", "groups", "operatives", "spies",
     "operators", "attackers", "adversaries", "agents", "cybercriminals", "hacktivists",
     "hacktivist", "persona", "apt", "services", "service", "team", "teams", "army"))
_VERBS = frozenset(w for w in (*lx.EVENT_VERBS, *lx.WEAK_EVENT_VERBS, *lx.SPEECH_VERBS)
                   if " " not in w) | {"used", "uses", "use", "sent", "sends", "conducts",
                                       "conduct", "launch", "launches", "target"}
_CLEAR_ATTACKER_HEADS = frozenset({"hackers", "hacker", "actor", "actors", "operatives", "spies",
                                   "attackers", "cybercriminals", "hacktivists", "operators"})
#: Words in -ed that modify a noun rather than end the phrase ("advanced persistent threat").
#: Heads of a phrase naming a company or its people, or a place where hackers meet: a
#: demonym there is no state acting ("Russian hacking forums").
_ORG_HEADS = frozenset({"firm", "firms", "company", "companies", "outfit", "vendor",
                        "vendors", "provider", "providers", "researchers", "researcher",
                        "experts", "expert", "analysts", "analyst", "consultancy",
                        "startup", "start-up", "newspaper", "publication", "outlet",
                        "forum", "forums", "community", "scene", "conference", "market",
                        "markets", "marketplace"})
#: Verbs of a ranking before "by": "followed by Germany" names no agent.
_RANKING_VERBS = frozenset({"followed", "trailed", "joined", "topped", "surpassed",
                            "replaced", "accompanied", "overtaken", "outnumbered"})
#: Heads naming one person ("a German hacker", "Russian hacker Ivan Petrov").
_PERSON_HEADS = frozenset({"hacker", "researcher", "programmer", "developer", "teenager",
                           "student", "man", "woman"})
_NAME_AFTER_RE = re.compile(r"\s+[A-Z][a-z]+(?:\s+[A-Z][\w'-]+)+")
_ED_ADJECTIVES = frozenset({"advanced", "suspected", "alleged", "sophisticated", "organized",
                            "organised", "skilled", "unidentified", "unnamed", "talented"})
_AMBIGUOUS_HEADS = frozenset({"government", "military", "state", "authorities", "regime",
                              "intelligence"})
#: Heads that name a victim unless the phrase acts ("the Russian intelligence agency conducted").
_ACTING_VICTIM_HEADS = frozenset({"agency", "agencies"})


def _head_role(after: str, before: str) -> str | None:
    """What the noun phrase a demonym opens is about: "attacker" ("Iranian hackers", "the
    Belarusian threat actor"), "victim" ("Indian military computer networks") or None.

    The head is the last word before a stop word; "government"/"military" as head are the
    operator unless the phrase sits after a target cue ("against the Albanian government").
    """
    words, end = _phrase_words(after)
    if not words:
        return None
    head = words[-1]
    if head in _PERSON_HEADS and (before.lower().endswith(("a ", "an ")) or (
            end is not None and _NAME_AFTER_RE.match(after, end))):
        return "person"  # "Spanish hacker Jose Rodriguez": a person's nationality
    if head in ("service", "services") and not {"intelligence", "security", "secret",
                                                 "special"} & set(words):
        return "victim"  # "government services" are a victim; "intelligence services" act
    if end is not None and _POSSESSIVE_RE.match(after, end):
        return "victim"
    if head in _ATTACKER_HEADS or head.startswith("apt"):
        return "attacker"
    end_of_head = after.lower().find(head) + len(head)
    if head in _AMBIGUOUS_HEADS:
        # "the Mexican government used Pegasus": the operator only as the subject of the act
        if lx.TARGET_CUE_RE.search(before[-40:]):
            return "victim"
        return "attacker" if _ACT_AFTER_RE.match(_past_aside(after[end_of_head:])) \
            else None
    if head in _ACTING_VICTIM_HEADS and not lx.TARGET_CUE_RE.search(before[-40:]) and \
            _ACT_AFTER_RE.match(_past_aside(after[end_of_head:])):
        return "attacker"
    return "victim" if head.rstrip("'’") in _VICTIM_HEADS else None


def _org_headed(after: str) -> bool:
    """Whether the noun phrase a demonym opens names a company or its people ("Dutch DDoS
    mitigation firm", "Spanish outfit", "Israeli researchers")."""
    words, _end = _phrase_words(after)
    return bool(words) and words[-1] in _ORG_HEADS


def _phrase_words(after: str) -> tuple[list[str], int | None]:
    """The words of the noun phrase a demonym opens (up to a stop word, a verb or a clear
    attacker head), lower-cased, and where the phrase ends when its words are all of
    ``_PHRASE_RE``'s run (else None): only then does what follows the run follow the phrase
    ("Chinese espionage groups' systems", not "Chinese hackers broke into the commission's
    servers")."""
    m = _PHRASE_RE.match(after)
    if not m:
        return [], None
    run = m.group(1).split()
    words: list[str] = []
    for w in run:
        low = w.lower()
        if low in _PHRASE_STOP or len(words) >= 4 or low in _VERBS or (
                low.endswith("ed") and "-" not in low and low not in _ED_ADJECTIVES):
            break
        words.append(low)
        if low in _CLEAR_ATTACKER_HEADS:
            break  # "Iranian hackers sought to ...": the verb is not in our lists
    return words, m.end() if len(words) == len(run) else None


def _possessed(after: str) -> bool:
    """"Chinese cyber espionage groups' systems": the phrase after a demonym is a possessor,
    its head the thing possessed."""
    _words, end = _phrase_words(after)
    return end is not None and _POSSESSIVE_RE.match(after, end) is not None


#: "'s", or a bare apostrophe before a noun ("hackers' systems"); a closing quote is none
#: ("'work of Russian hackers'").
_POSSESSIVE_RE = re.compile(r"['’](?:s\b|(?=[ \t]+[a-z]))")


#: An aside between a subject and its verb: ", known as GRU,", ", using hired hackers,".
_ASIDE_RE = compile_ci(
    r"^\s*,\s*(?:(?:also\s+)?known as|dubbed|called|nicknamed|using|through|via|"
    r"with the help of)\b[^,;()]{1,60},")
#: The opening of an aside that names what came before it: "the agency, known as GRU, ...".
_ASIDE_OPEN_RE = compile_ci(r",\s*(?:also\s+)?(?:known as|dubbed|called|nicknamed)\s+(?:the\s+)?$")
#: Words that make the phrase before an aside an object ("hackers breached X (the Y)").
_OBJECT_WORD_RE = compile_ci(
    r"\b(?:against|targeting|targeted|targets|on|at|in|into|to|hit|struck|breached|hacked|"
    r"compromised|affecting|disrupting|infiltrated|penetrated|attacked)\b")
#: A passive use after an aside: "(Kyiv) used by the gang" names the tool's owner, not an act.
_PASSIVE_USE_RE = compile_ci(
    r"^\s*(?:(?:is|was|were|are)\s+)?(?:used|deployed|operated|run|controlled|owned)\s+by\b")


def _past_aside(after: str) -> str:
    """``after`` from where an aside right at its start ends (", known as GRU, targeted"), or
    all of it."""
    m = _ASIDE_RE.match(after)
    return after[m.end():] if m else after


def _aside_acts(g: Gate, before: str, after: str) -> bool:
    """A mention naming, in an aside, the phrase before it, where that phrase acts: "the
    agency, known as GRU, targeted ...", "the Main Intelligence Directorate (the GRU) used
    ...". Only for a body whose acts are operations (intelligence, military), and not where
    the phrase is an object ("attacked the State Service (SSSCIP) using") or the verb passive
    ("servers of the Main Intelligence Directorate (the GRU) used by the gang")."""
    if after[:1] == ")":
        at = before.rfind("(")
        if at < 0 or ")" in before[at:]:
            return False
    elif after[:1] == "," and (opening := _ASIDE_OPEN_RE.search(before)) is not None:
        at = opening.start()
    else:
        return False
    outer = before[:at]
    clause = outer[max(outer.rfind(","), outer.rfind(";")) + 1 :]
    rest = after[1:]
    return g.search(_OPERATOR_BODY_RE, clause) is not None and \
        not g.search(_OBJECT_WORD_RE, clause) and not g.match(_PASSIVE_USE_RE, rest) and \
        g.match(_ACT_AFTER_RE, rest) is not None


#: A body whose acts are operations: "the Main Intelligence Directorate (the GRU) used ...",
#: not "the Federal Bureau of Investigation (FBI) used blockchain analysis".
_OPERATOR_BODY_RE = compile_ci(
    r"\b(?:intelligence|military|army|armed forces|directorate|spy|spies|hackers|cyber units?)\b")


_ACT_AFTER_RE = compile_ci(
    r"^\s*(?:(?:is|was|are|were|has been|have been) (?:reported|believed|suspected|said|"
    r"alleged|accused|thought)(?: to have| of)? |"
    r"(?:(?:has|have|had|also|allegedly|reportedly|likely|then|later) )+)?"
    r"(?:used|using|deployed|deploying|hacked|hacking|launched|launching|conducted|conducting|"
    r"targeted|targeting|spied|spying|attacked|attacking|compromised|compromising|carried out|"
    r"ran|bought|buying|purchased|purchasing|installed|installing|infected|infecting|"
    r"infiltrated|monitored|monitoring|surveilled|intercepted|hackers|cyber|intelligence)\b")


#: How every sponsor cue of ``lx.SPONSOR_CUE_RE`` ends.
#: Verbs whose agent found, reported or judged an operation, never ran it ("uncovered by",
#: "proved by", "attributed by" name a source).
_FINDING_VERBS = frozenset((
    "uncovered", "discovered", "detected", "proved", "proven", "reported", "confirmed",
    "revealed", "identified", "investigated", "exposed", "noticed", "spotted", "flagged",
    "documented", "analysed", "analyzed", "tracked", "observed", "studied", "verified",
    "disclosed", "announced", "published", "named", "dubbed", "attributed", "blamed",
    "believed", "suspected", "thought", "assessed", "considered", "accused", "condemned",
    "denounced", "criticised", "criticized", "foiled", "thwarted", "stopped", "dismantled",
    "seized"))
_SPONSOR_CUE_ENDS = ("by", "from", "of", "for", "to", "with", "in", "be", "on", "behind")


def _sponsor_cue(before: str) -> bool:
    """A phrase right before a mention that makes it the operator ("by", "groups in", ...)."""
    # the cue ends at most three words (an article and a two-word gap) before the mention:
    # where none of the last four words ends like a cue, the pattern need not scan the text
    tail = before.rsplit(None, 4)[-4:]
    if not any(w.lower().endswith(_SPONSOR_CUE_ENDS) for w in tail):
        return False
    cue = lx.SPONSOR_CUE_RE.search(before)
    if not cue or lx.GAP_STOP_RE.search(cue.group("gap")):
        return False
    word = " ".join(cue.group("cue").lower().split())
    near = before[max(0, cue.start() - 28) : cue.start()]
    prev = before[: cue.start()].split()[-1:]
    if prev and prev[0].lower() in _PEOPLE_AND_SYSTEMS and (
            word == "from" or word in lx.AFFILIATION_CUES):
        return False  # "officials from Montenegro", "networks associated with Seoul"
    if word in lx.AFFILIATION_CUES and _BELIEVED_TO_BE_RE.search(near):
        # "a threat actor that the government believes to be sponsored by X"
        near = before[max(0, cue.start() - 70) : cue.start()]
    if word in ("by", "from"):
        # "influenced by the US", "servers controlled by the Swiss ...": no attribution; "by"
        # and "from" need the operation right before them, and "by" no ranking verb
        # ("the most attacks, followed by Germany")
        if word == "by" and prev and prev[0].lower() in _RANKING_VERBS:
            return False
        if word == "by" and prev and prev[0].lower() in _FINDING_VERBS:
            return False  # "the hacking was uncovered by U.S. intelligence": who found it
        owned = before[: cue.start()].split()[-2:]
        if word == "by" and len(owned) == 2 and owned[1].lower() in _USED_VERBS and \
                owned[0].lower().rstrip(",") in _THINGS_USED:
            return False  # "an email system used by a US aid agency": its user, the victim
        return bool(_BY_EVENT_RE.search(near))
    if word.startswith("at the "):
        # "hackers infected ... at the request of X", not "Canada arrested a man at the
        # request of X": an operator or an operation anywhere before in the sentence
        return bool(_OPERATOR_RE.search(before) or _BY_EVENT_RE.search(before))
    if word in lx.AFFILIATION_CUES:
        # "the MEK as directly tied to the Albanian state": the subject must be an operator
        return bool(_OPERATOR_RE.search(near))
    if word in ("group in", "groups in"):
        # "hacking groups in Iran", not "civil society groups in Nepal"
        return bool(_CYBER_GROUP_RE.search(before[max(0, cue.start() - 40) : cue.end()]))
    return True


#: Nouns naming victims (people, systems): "X from/associated with" them is where they are.
#: "a system used by X", "servers operated by X": X is who uses the thing, not an operator.
_USED_VERBS = frozenset(("used", "owned", "operated", "run", "managed", "hosted", "maintained"))
_THINGS_USED = frozenset(("system", "systems", "network", "networks", "platform", "platforms",
                          "software", "server", "servers", "service", "services", "account",
                          "accounts", "computers", "devices", "phones", "app", "apps",
                          "website", "websites", "database", "databases"))
_PEOPLE_AND_SYSTEMS = frozenset((
    "officials", "journalists", "dissidents", "activists", "diplomats", "networks", "computers",
    "systems", "websites", "servers", "accounts", "citizens", "users", "employees", "staff",
    "individuals", "organizations", "organisations", "companies", "entities", "institutions",
    "ministries", "students", "researchers", "politicians", "lawmakers", "voters", "residents",
    "nationals", "devices", "phones", "victims", "firms", "businesses", "people"))
_BELIEVED_TO_BE_RE = compile_ci(
    r"\b(?:believ(?:e|es|ed)|think|thinks|thought|suspect(?:s|ed)?|assess(?:es|ed)?|said|say|"
    r"says)\s+"
    r"to\s+be\s+$")


_CYBER_GROUP_RE = compile_ci(
    r"\b(?:hack\w*|threat|APT|espionage|cyber\w*|state[- ](?:sponsored|backed)|"
    r"[\w-]+-(?:sponsored|backed|linked))\s+(?:[\w-]+\s+)?groups?\s+in\b")


_OPERATOR_RE = compile_ci(
    r"\b(?:hack\w*|group|groups|actors?|operators?|attack\w*|operation|campaign|intrusion|"
    r"APT|threat|spies|it|they|malware|ransomware|wiper|personas?|units?|breach|operatives|"
    r"agents|officers|contractors|mercenaries|employees)\b"
)


_HELPED_BY_BEFORE_RE = compile_ci(r"\b(?:according to|with the help of|help of)\s+(?:the\s+)?$")
_TO_BEFORE_RE = re.compile(r"\bto\s+$")


def target_mentions(sent: Sentence, exclude: AbstractSet[int]) -> list[int]:
    """Indexes of mentions in target position, in order: the rules' verdict, with the learned
    role model's where it is confident (``rolemodel``). A mention the model adds may be an
    organization or a place with a country (its country is the target)."""
    mode = role_mode()
    rules = rule_targets(sent, exclude)
    if mode == "rules":
        return rules
    probs = model_roles(sent)
    if not probs:
        return rules
    if mode == "model":
        return sorted(i for i, p in probs.items()
                      if i not in exclude and p[1] > max(p[0], p[2]))
    th = current_thresholds()
    # the attacker's nationality is no target: "Iranian hackers deface Saudi site"
    out = {i for i in rules if i not in probs or probs[i][2] < th["veto_victim"]}
    # a victim named by an organization or a place has a threshold of its own (the rules
    # never make one a target, so the model alone decides)
    place = th.get("add_place_victim", th["add_victim"])
    out |= {i for i, p in probs.items() if p[1] >= (
        th["add_victim"] if sent.mentions[i].state is not None else place)
        and _model_may_add(sent, i, p, exclude)}
    return sorted(out)


def _model_may_add(sent: Sentence, i: int, p: Sequence[float], exclude: AbstractSet[int]
                   ) -> bool:
    """Whether the model may make mention ``i`` a victim the rules did not: victim is its
    most likely role, and the rules cast it in no other part (an operator, the state a
    response answers, a speaker, the accused, a source cited). The model learned roles from
    crime news with few accusers in it, so what the rules know of speech and accusation
    stands."""
    if i in exclude or p[1] <= max(p[0], p[2]):
        return False
    m = sent.mentions[i]
    s = m.start - sent.start
    if m.form == "demonym" and not sent.text[m.end - sent.start :].strip(" \t\n.,;"):
        return False  # a demonym modifying nothing (a sentence cut short)
    return not answered(sent.text, s) and not speaks(sent, m) and not never_victim(sent, i) \
        and _personal_target(sent, m) and not _ACCUSED_BEFORE_RE.search(sent.text, 0, s) \
        and lx.ACCORDING_TO_RE.search(sent.text, max(0, s - 20), s) is None


def _personal_target(sent: Sentence, m: EntityMention) -> bool:
    """A leader stands for a victim state only through what is theirs ("Macron's campaign",
    "Merkel's email account"), never by name alone ("groups critical of President Putin")."""
    return m.kind != "person" or bool(
        _PERSONAL_TARGET_AFTER_RE.match(sent.text, m.end - sent.start, m.end - sent.start + 60))


_PERSONAL_TARGET_AFTER_RE = re.compile(
    r"['’]s?\s+(?:[\w-]+\s+){0,2}?(?:campaign|e-?mails?|accounts?|phones?|devices?|staff|"
    r"aides?|office|website|party|computers?|communications)\b", re.I)


def model_victims(sent: Sentence, exclude: AbstractSet[int]) -> list[int]:
    """Indexes of mentions the role model finds most likely a victim (its top label), for an
    incident the rules left with no target; never one the rules cast in another part, the
    state a response answers ("expelled Iranian diplomats") nor a speaker."""
    if role_mode() == "rules":
        return []
    return sorted(i for i, p in model_roles(sent).items() if _model_may_add(sent, i, p, exclude))


def never_victim(sent: Sentence, i: int) -> bool:
    """Mentions the model may guess a victim that the text casts otherwise: the accused of a
    legal action, where stolen money went, a state named as a reference point ("rivals of
    Iran")."""
    s = sent.mentions[i].start - sent.start
    return accused(sent, i) or sent_to(sent, i) or \
        _REFERENCE_POINT_RE.search(sent.text, max(0, s - 40), s) is not None


def sent_to(sent: Sentence, i: int) -> bool:
    """A place the stolen money or data was sent to ("transferred to accounts in Sri
    Lanka"): where it went, never whom it was taken from."""
    s = sent.mentions[i].start - sent.start
    return _SENT_TO_BEFORE_RE.search(sent.text, max(0, s - 100), s) is not None


def accused(sent: Sentence, i: int) -> bool:
    """A demonym heading the people a legal action accuses ("Two Iranian men charged with
    the attack"): their nationality, never the victim's, whatever the model guesses."""
    m = sent.mentions[i]
    s, e = m.start - sent.start, m.end - sent.start
    if m.form == "demonym" and (_accused_people(sent.text[e : e + 60], sent.text) or (
            _PEOPLE_DEMONYM_RE.fullmatch(m.text)
            and _LEGAL_ACTION_RE.search(sent.text) is not None)):
        return True  # "two Chinese nationals were charged", "Ten Iranians were sanctioned"
    if i and sent.mentions[i - 1].entity_id == m.entity_id and \
            sent.text[sent.mentions[i - 1].end - sent.start : s].strip() == "(":
        return accused(sent, i - 1)  # "the People's Liberation Army (PLA)": as its full name
    # "charging four members of the Chinese People's Liberation Army with hacking"
    return bool(m.state) and _MEMBERS_OF_RE.search(sent.text, max(0, s - 30), s) is not None \
        and _LEGAL_ACTION_RE.search(sent.text) is not None


def speaks(sent: Sentence, m: EntityMention) -> bool:
    """A mention right before a speech verb ("The UK Government judges that ..."), or listed
    with the one that is ("the US and Britain accuse"): a speaker, never the victim the model
    may guess it to be."""
    e = m.end - sent.start
    if lx.SPEECH_RE.match(sent.text, e + 1, e + 40) is not None or \
            _SPEECH_AFTER_RE.match(sent.text[e : e + 40]) is not None:
        return True
    # the head of the noun phrase it modifies speaks: "U.S. intelligence officials also think"
    pos = e
    for _ in range(3):
        word = _WORD_AFTER_RE.match(sent.text, pos)
        if word is None:
            break
        pos = word.end()
        if lx.SPEECH_RE.match(sent.text, pos + 1, pos + 40) is not None:
            return True
    after = [x for x in sent.mentions if x.start >= m.end]
    return bool(after) and _LIST_GAP_RE.fullmatch(sent.text, e, after[0].start - sent.start) \
        is not None and speaks(sent, after[0])


_WORD_AFTER_RE = re.compile(r"[ \t]+[^\W\d_]+")
_LIST_GAP_RE = re.compile(r"\s*,?\s*(?:and\s+|or\s+)?(?:the\s+)?")


_SPEECH_AFTER_RE = compile_ci(
    r"^\s+(?:(?:has|have|had|also|formally|publicly|officially)\s+)*(?:judges?|judged|said|says|"
    r"stated|concluded|assessed|assesses|believes?|blamed|accused|announced)\b")


def rule_targets(sent: Sentence, exclude: AbstractSet[int]) -> list[int]:
    """Indexes of state mentions the rules put in target position, in order, list
    continuations included."""
    text = sent.text
    out: list[int] = []
    for i, m in enumerate(sent.mentions):
        if i in exclude or m.state is None:
            continue
        s, e = m.start - sent.start, m.end - sent.start
        before, after = text[max(0, s - 40) : s], text[e : e + 60]
        if not _personal_target(sent, m):
            continue
        if accused(sent, i):
            continue  # "two Chinese nationals were charged": the accused, not the victim
        if _REFERENCE_POINT_RE.search(before):
            continue  # "in geographic rivals of Iran, such as ...": a reference point
        cue = lx.TARGET_CUE_RE.search(before) or (
            _SUCH_AS_RE.search(before) and _PLACE_CUE_RE.search(text, max(0, s - 120), s))
        if cue and m.form == "demonym" and _topic_head(after):
            continue  # "investigations into Chinese human rights abuses": a topic, no victim
        if cue and sent_to(sent, i):
            continue  # "transferred to accounts in Sri Lanka": where the money went
        if cue and not _HELPED_BY_BEFORE_RE.search(before) \
                and not (isinstance(cue, re.Match)
                         and _TO_BEFORE_RE.search(before, 0, cue.start())) \
                and not answered(text, s):
            out.append(i)
        elif m.form in ("demonym",) or m.is_government:
            # "exfiltrated data to Chinese servers": where the data went, not the victim;
            # "expelled Iranian diplomats": whom a state answered, not the victim
            if _head_role(after, before) == "victim" and not _DESTINATION_RE.search(before) \
                    and not answered(text, s):
                out.append(i)
        elif out and LIST_JOIN_RE.match(text[sent.mentions[out[-1]].end - sent.start : s]):
            out.append(i)
    # "Ukraine, Latvia, and Lithuania": once one is a target, the list goes with it, through
    # a region it names on the way ("China and South Asia and even the U.K. and Israel")
    for i, m in enumerate(sent.mentions):
        if i in out or i in exclude or m.state is None or not out:
            continue
        prev = sent.mentions[i - 1] if i else None
        gap = text[prev.end - sent.start : m.start - sent.start] if prev is not None else ""
        if prev is not None and (i - 1) in out and (
                LIST_JOIN_RE.match(gap) or _LIST_THROUGH_PLACE_RE.match(gap)):
            out.append(i)
    # "Japanese and Taiwanese entities": a state joined to a target before it is one too
    for i in range(len(sent.mentions) - 2, -1, -1):
        m, nxt = sent.mentions[i], sent.mentions[i + 1]
        if i in out or i in exclude or m.state is None or (i + 1) not in out:
            continue
        if LIST_JOIN_RE.match(text[m.end - sent.start : nxt.start - sent.start]):
            out.append(i)
    return sorted(set(out))


#: People a demonym can head who are accused in a legal action ("two Chinese nationals were
#: charged", "a Russian man was arrested").
_PERSON_HEAD_RE = compile_ci(
    r"^\s+(?:[\w-]+\s+)?(?:nationals?|m[ae]n|wom[ae]n|citizens?|suspects?|individuals?|"
    r"brothers|teenagers?|students?|programmers?|officers?|agents?|spies|operatives?)\b")
_LEGAL_ACTION_RE = compile_ci(
    r"\b(?:charged|charges|indicted|indictment|arrested|arrests?|extradited|extradition|"
    r"convicted|sentenced|pleaded|prosecuted|detained|accused|wanted|sanctioned|sanctions)\b")
#: A demonym that names people itself ("Iranians", "Russians"), not a thing of a state.
_PEOPLE_DEMONYM_RE = re.compile(r"[A-Z][a-z]+(?:ans|ians|ese|ers|is|ks|ns)")


def _accused_people(after: str, text: str) -> bool:
    """A demonym heading people in a sentence of a legal action: the accused's nationality,
    never the victim's."""
    return _PERSON_HEAD_RE.match(after) is not None and \
        _LEGAL_ACTION_RE.search(text) is not None


#: Heads of phrases that name a subject matter, not a victim ("Iranian nuclear program").
_TOPIC_HEADS = frozenset(
    ("abuses", "policy", "policies", "program", "programme", "programs", "efforts", "issues",
     "affairs", "war", "conflict", "invasion", "dispute", "relations", "talks", "negotiations",
     "sanctions", "interests", "territory", "history", "culture", "language", "narratives",
     "position", "positions"))


def _topic_head(after: str) -> bool:
    m = _PHRASE_RE.match(after)
    if not m:
        return False
    words: list[str] = []
    for w in m.group(1).split():
        low = w.lower()
        if low in _PHRASE_STOP or len(words) >= 4:
            break
        words.append(low)
    return bool(words) and words[-1] in _TOPIC_HEADS


_DESTINATION_RE = compile_ci(r"\b(?:to|via|through|using|used|onto)\s+(?:the\s+)?$")
#: Where stolen money or data went, not whom it was taken from: "transferred to accounts in
#: Sri Lanka", "wired the funds into banks in Cambodia".
_SENT_TO_BEFORE_RE = compile_ci(
    r"\b(?:transferr\w*|transfers?|sent|wired|moved|routed|funnell?ed|laundered|"
    r"exfiltrated|siphoned|cashed out)\b[^.;]{0,50}?\b(?:to|into|through)\b[^.;]{0,40}$")
