"""Entity mentions: reference-data names, government bodies, people with their titles.

The reference scan (Aho-Corasick over every known name, DESIGN.md ``reference/``) does most of
the work; this module adds what a gazetteer cannot list: ministries named by pattern ("the
Interior Ministry of Albania", "Iran's Ministry of Foreign Affairs"), people recognised by a title
next to their name ("Prime Minister Edi Rama"), and, when the statistical NER is loaded, its
PERSON spans. A person's country comes from the title phrase ("Iran's ambassador", "National
Security Council Spokesperson").
"""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import ahocorasick

from cybertrack.extract import lexicon as lx
from cybertrack.extract.casefold import (
    Pattern,
    ascii_pattern,
    ascii_safe,
    compile_ci,
    factor_alternations,
    lower_in_place,
    lower_pattern,
)
from cybertrack.extract.types import EntityMention
from cybertrack.reference import RefEntry, Reference
from cybertrack.reference.places import Places, load_places

_NAME_WORD = r"[A-Z][a-zà-ÿ'’\-]+"
#: A capitalised run. It starts with the capital itself, not the look-behind, so that ``re``
#: skips ahead to capitals instead of trying every position.
_PERSON_RE = re.compile(
    r"[A-Z](?<![\w'’-][A-Z])(?:[a-zà-ÿ'’\-]+|\.)"
    r"(?:\s+(?:(?:al|bin|ibn|van|von|de|da|del|el)[- ]\s*)?"
    rf"(?:{_NAME_WORD}|[A-Z]\.)){{0,7}}(?![\w'’-])"
)
_NOT_NAME_START = frozenset(
    ("The", "A", "An", "In", "On", "At", "By", "For", "From", "With", "According", "After",
     "Before", "During", "Since", "Earlier", "Later", "This", "That", "These", "Those", "It",
     "Its", "Their", "His", "Her", "Our", "We", "They", "He", "She", "Almost", "Further",
     "Similarly", "Primarily", "However", "Yet", "While", "Even", "Apart",
     "And", "But", "Or", "Why", "How", "What", "When", "Where", "Previous", "Next",
     "Mr", "Mrs", "Ms", "Dr")
)
_GOV_WORDS = (
    r"(?:(?:Ministry|Department|Office|Secretariat|Directorate|Agency|Service|Council|Cabinet)"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?(?:Foreign Affairs|Interior|Internal Affairs|Defen[cs]e|"
    r"Justice|Home Affairs|Information|Communications|Intelligence|State Security|"
    r"Public Security|Digital Affairs|Europe and Foreign Affairs|Foreign and European Affairs|"
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?))?)"
)
_MINISTRY_RE = re.compile(
    r"\b(?:(?:the\s+)?(?:[Ff]oreign|[Ii]nterior|[Dd]efen[cs]e|[Jj]ustice|[Hh]ome|[Ss]tate|"
    r"[Tt]reasury|[Ii]ntelligence|[Ee]xternal [Aa]ffairs|[Ii]nformation)\s+(?:[Mm]inistry|"
    r"[Dd]epartment|[Oo]ffice)|" + _GOV_WORDS + r"|[Gg]overnment|[Aa]uthorities|"
    r"[Pp]rosecutors|[Oo]fficials|[Ff]oreign [Mm]inister|[Pp]resident|[Pp]rime [Mm]inister|"
    r"[Pp]olice|[Pp]rosecutor(?:['’]s|\s+[Gg]eneral['’]s)\s+[Oo]ffice|"
    r"[Cc]yber(?:[- ]?security)?\s+(?:[Cc]ent(?:re|er)|[Aa]gency))\b"
)
#: ``_MINISTRY_RE`` lower-cased, searched on lower-cased text: it matches wherever the original
#: does (the original's classes only allow either case of a letter), so no original match lies
#: before the first place it finds, and it finds it without ``re`` trying every position.
_MINISTRY_LOW_SOURCE = factor_alternations(lower_pattern(_MINISTRY_RE.pattern) or
                                           _MINISTRY_RE.pattern)
_MINISTRY_LOW = re.compile(_MINISTRY_LOW_SOURCE)
#: ``_MINISTRY_LOW`` for text ``ascii_safe`` says ASCII mode reads as Unicode mode does.
_MINISTRY_LOW_ASCII = re.compile(ascii_pattern(_MINISTRY_LOW_SOURCE) or _MINISTRY_LOW_SOURCE,
                                 re.ASCII)


def ministry_matches(text: str) -> Iterator[re.Match[str]]:
    """``_MINISTRY_RE.finditer(text)``, skipping ahead with ``_MINISTRY_LOW``."""
    low = lower_in_place(text)
    if low is None:
        yield from _MINISTRY_RE.finditer(text)
        return
    scan = _MINISTRY_LOW_ASCII if ascii_safe(low) else _MINISTRY_LOW
    pos = 0
    while (hint := scan.search(low, pos)) is not None:
        m = _MINISTRY_RE.search(text, hint.start())
        if m is None:
            return
        yield m
        pos = m.end()


#: "APT 10", "APT-10", "APT10". The word boundary before "APT" is checked after it (as "no word
#: character before it"), so that ``re`` skips ahead to the literal instead of trying every
#: position.
_APT_RE = re.compile(r"APT(?<!\wAPT)[\s-]?(\d{1,3})\b")


def reference_mentions(ref: Reference, text: str) -> list[EntityMention]:
    """Every reference-data name in ``text`` as a mention (longest match wins).

    Numbered group names are written many ways ("APT 10", "APT-10", "APT10"); they are looked
    up in their canonical form.
    """
    out: list[EntityMention] = []
    pending: list[tuple[str, EntityMention]] = []
    listed: list[EntityMention] = []  # ambiguous country names left for their neighbours
    cast: set[str] = set()
    for m in _APT_RE.finditer(text):
        entries = ref.lookup(f"APT{m.group(1)}", "threat-actor")
        if entries:
            out.append(_mention(entries[0], m.start(), m.end(), m.group(0), "alias"))
    for hit in ref.scan(text):
        template = _template(hit.entries, hit.text, hit.form)
        if template is None:
            continue
        entry, mention = template
        if entry.kind == "organization" and " " in hit.text and hit.text.islower():
            continue  # "the SBU security service": a common phrase, not the UK's Security Service
        if entry.ambiguous and not _CYBER_NEAR.search(
                text[max(0, hit.start - 120) : hit.end + 120]):
            if entry.kind == "country":
                listed.append(EntityMention(hit.start, hit.end, *mention[2:]))
            continue  # an ambiguous short alias (a common word) needs cyber context nearby
        if entry.kind == "country" and _PLACE_AFTER_RE.match(text, hit.end):
            continue  # "the South China Sea", "the Arabian Peninsula": a place, not the state
        if entry.ambiguous and entry.kind in _NAMED_AS_GROUP:
            if _named_as_group(text, hit.start, hit.end):
                cast.add(entry.id)
            pending.append((entry.id, EntityMention(hit.start, hit.end, *mention[2:])))
            continue
        out.append(EntityMention(hit.start, hit.end, *mention[2:]))
    # "Google Play", "TSB's customers": an ambiguous name is the group's only where the
    # document casts it as one somewhere ("the Silence group", "Gallium, a Chinese APT,")
    out.extend(m for entry_id, m in pending if entry_id in cast)
    out.extend(_in_country_list(text, listed, out))
    found = _brussels_as_eu(merge_mentions(out))
    cued = [*cued_organizations(text, found), *suffixed_organizations(text, found)]
    groups = named_groups(text, found)
    extra = [*place_mentions(text, found), *cued, *_named_again(text, cued),
             *collective_mentions(text), *groups, *_group_again(text, groups)]
    if any(x.form == "employer" for x in extra):
        # "a researcher at the firm Y": the employer phrase makes Y a firm, even where Y is
        # also a threat actor's or a malware's name
        employers = [x for x in extra if x.form == "employer"]
        found = [f for f in found if not (f.kind in _EMPLOYER_SWALLOWS and any(
            _overlaps(f.start, f.end, x.start, x.end) for x in employers))]
    return merge_mentions(found, _not_conflicting(extra, found)) if extra else found


#: A capitalised name whose last word says it is a company or an institution ("BAE
#: Systems", "Orvell Labs", "Kestrel Security", "Acme Technologies Inc").
_SUFFIXED_ORG_RE = re.compile(
    r"(?<![\w.-])(?P<name>(?:[A-Z][\w&'’.-]*[ \t]+){1,3}(?:Systems|Labs?|Security|"
    r"Technolog(?:y|ies)|Networks|Software|Intelligence|Research|Institute|Solutions|"
    r"Consulting|Analytics|Aerospace|Corporation|Corp\.?|Inc\.?|Ltd\.?|Limited|GmbH|AG|"
    r"LLC|PLC|plc))\b")
#: Words that make such a name a common phrase or a body's generic name, not a company's.
_GENERIC_NAME_WORDS = frozenset((
    "The", "A", "An", "Social", "Research", "National", "State", "Federal", "Information",
    "Cyber", "Computer", "Internet", "Global", "International", "Public", "Private",
    "Homeland", "Internal", "Network", "Data", "Energy", "Border", "Food", "Health",
    "Department", "Ministry", "Bureau", "Office", "Government", "Military", "Army", "Naval",
    "Defense", "Defence", "Intelligence", "Security", "Technology", "Science", "Nuclear"))
#: Security words in such a name: a vendor (its research speaks as a firm's).
_VENDOR_NAME_RE = re.compile(r"\b(?:Security|Labs?|Intelligence|Research|Cyber\w*)\b")


def suffixed_organizations(text: str, found: Sequence[EntityMention]) -> list[EntityMention]:
    """Companies the reference data does not list, named with a company word at the end
    ("BAE Systems blames ...", "according to Orvell Labs"): an organization of no known
    country, a vendor where the name says security or research. A name that holds a known
    mention (a state, a reference organization) is left to that mention."""
    taken = _Spans([(m.start, m.end) for m in found])
    out: list[EntityMention] = []
    for m in _SUFFIXED_ORG_RE.finditer(text):
        s, e = m.start("name"), m.end("name")
        words = m.group("name").split()
        if words[0] in _NOT_NAME_START or words[0] in _GENERIC_NAME_WORDS or \
                words[-2] in _GENERIC_NAME_WORDS or taken.overlaps(s, e):
            continue  # "Social Security", "State Security", "Research Institute": phrases
        out.append(_org(text, s, e, None, bool(_VENDOR_NAME_RE.search(m.group("name")))))
    return out


def _brussels_as_eu(found: list[EntityMention]) -> list[EntityMention]:
    """"Brussels has imposed travel bans": in a document about the European Union, its seat
    stands for the Union (as "Washington" stands for the US government), not for Belgium."""
    eu = next((m for m in found if m.entity_id == "intl:eu"), None)
    if eu is None:
        return found
    return [eu._replace(start=m.start, end=m.end, text=m.text, form="metonym")
            if m.form == "capital" and m.text == "Brussels" else m for m in found]


def _named_again(text: str, cued: Sequence[EntityMention]) -> list[EntityMention]:
    """Every further occurrence of an organization a cue named once ("the security firm
    Orvell Labs said ... Orvell Labs added"): the same organization, wherever the document
    names it again (names of two words or more, or of one capitalised word of five letters
    or more, so that no common word is taken for it)."""
    out: list[EntityMention] = []
    seen = {(m.start, m.end) for m in cued}
    for name in {m.name: m for m in cued if m.form != "unnamed"}.values():
        if not (" " in name.name or (len(name.name) >= 5 and name.name[:1].isupper())):
            continue
        for hit in re.finditer(rf"\b{re.escape(name.name)}\b", text):
            if (hit.start(), hit.end()) not in seen:
                out.append(name._replace(start=hit.start(), end=hit.end(), text=hit.group(0)))
    return out


def _group_again(text: str, groups: Sequence[EntityMention]) -> list[EntityMention]:
    """Every further mention of a group the text introduced ("a hacker known as The Dark
    Lantern (TDL) ... TDL said"): its name again, or the short form given in brackets right
    after it, wherever the document writes them (a name of five characters or more, or
    the bracketed short form of two or more capitals, so no common word is taken for it)."""
    out: list[EntityMention] = []
    seen = {(m.start, m.end) for m in groups}
    for group in {m.name: m for m in groups}.values():
        forms = [group.name] if len(group.name) >= 5 else []
        short = _BRACKETED_SHORT_RE.match(text, group.end)
        if short is not None:
            forms.append(short.group(1))
        for form in forms:
            for hit in re.finditer(rf"(?<![\w@]){re.escape(form)}(?![\w-])", text):
                if (hit.start(), hit.end()) not in seen:
                    seen.add((hit.start(), hit.end()))
                    out.append(group._replace(start=hit.start(), end=hit.end(),
                                              text=hit.group(0)))
    return out


_BRACKETED_SHORT_RE = re.compile(r"[\"”’']?\s*\(([A-Z][A-Z0-9]{1,7})\)")


def _in_country_list(text: str, ambiguous: Sequence[EntityMention],
                     found: Sequence[EntityMention]) -> list[EntityMention]:
    """Ambiguous country names ("Jordan", "Georgia", "Chad") read as countries where they
    stand in a list of countries ("Turkey, Kazakhstan, Jordan and Uzbekistan"): a country
    mention right before or after, with only a comma or "and" between."""
    countries = sorted((m.start, m.end) for m in found
                       if m.kind == "country" and m.form != "demonym")
    out: list[EntityMention] = []
    for m in ambiguous:
        for s, e in countries:
            gap = text[e : m.start] if e <= m.start else text[m.end : s]
            if (e <= m.start or m.end <= s) and len(gap) <= 8 and _LIST_GAP_RE.fullmatch(gap):
                out.append(m)
                break
    return out


_LIST_GAP_RE = re.compile(r"\s*(?:,|,?\s*(?:and|or))\s*(?:the\s+)?")


#: What a named employer swallows: an actor's or a malware's name that a firm also bears.
_EMPLOYER_SWALLOWS = frozenset(("threat-actor", "malware"))


def collective_mentions(text: str) -> list[EntityMention]:
    """Hacktivist collectives named by an ordinary word (``lexicon.COLLECTIVES``: "Anonymous
    attacks Israeli websites", "hackers from Anonymous said"): capitalised, and acting or named
    as a group, never the adjective ("Anonymous sources said", "an anonymous official")."""
    out: list[EntityMention] = []
    for m in _COLLECTIVE_RE.finditer(text):
        after = text[m.end() : m.end() + 40]
        if _NOT_COLLECTIVE_AFTER_RE.match(after):
            continue
        if not (_COLLECTIVE_AFTER_RE.match(after) or
                _COLLECTIVE_BEFORE_RE.search(text, max(0, m.start() - 40), m.start())):
            continue
        name = m.group(0)
        out.append(EntityMention(m.start(), m.end(), name, "threat-actor", "name",
                                 f"actor:{_slug(name)}", name))
    return out


def named_groups(text: str, found: Sequence[EntityMention]) -> list[EntityMention]:
    """Groups the reference data does not know, named the way news introduces a group: "a
    hacking collective known as X", "a group calling itself X", a capitalised name whose last
    word is a group noun ("the Gaza Hack Team", "the Pakistan Haxors Crew"), or a name before
    "gang"/"group" that claims an act ("the Conti gang has claimed responsibility").

    A state named inside the name or in the phrase that introduces it ("an Iranian group
    called X", "the Syrian Electronic Crew") is the group's sponsor as the text gives it; a
    name made of a state and the group noun alone ("the Philippine Army") is the state's own
    body, not a group; a name the reference data already knows stays its mention."""
    out: list[EntityMention] = []
    # a name the reference data knows as an actor or as a state's body ("the People's
    # Liberation Army") is that, not a group of its own
    actors = [(f.start, f.end) for f in found
              if f.kind == "threat-actor" or (f.kind == "organization" and f.is_government)]
    states = [f for f in found if f.state]
    for rx in (_INTRODUCED_GROUP_RE, _CAPITALISED_GROUP_RE, _CLAIMING_GROUP_RE, _ALIAS_RE):
        for m in rx.finditer(text):
            name = _TRAILING_SMALL_RE.sub("", m.group("name").rstrip(".'’”\"")).strip()
            s = m.start("name")
            e = s + len(name)
            if len(name) < 3 or name.split()[0] in _NOT_NAME_START or \
                    _NOT_GROUP_WORDS & set(name.split()) or \
                    any(a < e and s < b for a, b in actors):
                continue
            inside = [f for f in states if s <= f.start and f.end <= e]
            if inside and len(name.split()) - sum(len(f.text.split()) for f in inside) < 2:
                continue  # "the Philippine Army": a state's own body
            cue = [f for f in states if m.start() <= f.start and f.end <= s]
            sponsor = next((f.state for f in [*inside, *cue]), None)
            out.append(EntityMention(s, e, name, "threat-actor", "name",
                                     f"actor:{_slug(name)}", name, sponsor=sponsor))
    return out


_GROUP_NAME = r"[A-Z][\w'’.-]*(?:[ \t]+(?:of|the|de|al|[A-Z][\w'’.-]*)){0,5}"
_INTRODUCED_GROUP_RE = re.compile(
    r"\b(?:(?:[Aa]n?|[Tt]he)[ \t]+(?:[\w-]+[ \t]+){0,2})?"
    r"(?:group|collective|gang|crew|team|hackers?|persona|outfit|attackers?|user|individual)"
    r"(?:[ \t]*\([^()]{1,30}\))?[ \t]*,?[ \t]+"
    r"(?:(?:also[ \t]+)?known[ \t]+as|(?:(?:that|which|who)[ \t]+)?call(?:ing|ed|s)[ \t]+"
    r"(?:itself|themselves)|dubbed|called|named)[ \t]+(?:[Tt]he[ \t]+)?[\"“']?"
    r"(?P<name>" + _GROUP_NAME + r")")
_CAPITALISED_GROUP_RE = re.compile(
    r"(?<![\w'’.-])(?:[Tt]he[ \t]+)?(?P<name>(?:[A-Z][\w'’.-]*[ \t]+){1,4}(?:Crew|Army|"
    r"Collective|Brigade|Squad|Syndicate|(?<=Hack )Team|(?<=Hackers )Team|(?<=Cyber )Team))\b")
#: Words of a company's or a CERT's unit, never a group's ("Security Research Team", "Emergency
#: Response Team"; "Team" alone names a group only after Hack, Hackers or Cyber).
_NOT_GROUP_WORDS = frozenset(("Research", "Response", "Emergency", "Services", "Support",
                              "Security", "Intelligence"))
_CLAIMING_GROUP_RE = re.compile(
    r"(?<![\w'’.-])(?P<name>[A-Z][a-z][\w-]*)[ \t]+(?:ransomware[ \t]+|hacking[ \t]+|"
    r"hacker[ \t]+)?(?:gang|group|crew|collective)[ \t]+(?:(?:has|have|had|later|also)[ \t]+)?"
    r"(?:claimed|took[ \t]+(?:credit|responsibility))\b")
_TRAILING_SMALL_RE = re.compile(r"(?:\s+(?:of|the|de|al))+$")
#: A hacker's or a group's handle as news introduces it: "a hacker who goes by the name X",
#: "the hacker, who uses the online alias X", "a user by the name @X", "an attacker known
#: online as X", "a group going by the pseudonym 'X'". The cue says a name follows, so the
#: name may be a lower-case handle ("thedarkoverlord") or an @-handle, quoted or not.
_ALIAS_RE = re.compile(
    r"\b(?:hackers?|group|collective|gang|crew|team|user|individual|attackers?|actors?|"
    r"person|persona|account|hacktivists?|culprits?|perpetrators?)"
    r"(?:[ \t]+or[ \t]+[\w-]+)?(?:[ \t]*\([^()]{1,30}\))?[ \t]*,?[ \t]+"
    r"(?:(?:who|that|which)[ \t]+)?(?:(?:go(?:es|ing)?|operat(?:es|ing))[ \t]+by|"
    r"(?:uses?|using|under|with)|(?:also[ \t]+)?known(?:[ \t]+online)?[ \t]+as|by)"
    r"[ \t]+(?:the[ \t]+|an?[ \t]+)?(?:(?:online|Twitter|nickname|hacker)[ \t]+)?"
    r"(?:name|alias|handle|pseudonym|moniker|nickname|nom[ \t]+de[ \t]+guerre)"
    r"(?:[ \t]+of)?[ \t]*,?[ \t]+[\"“'‘]?(?P<name>@[A-Za-z_][\w.-]*|"
    r"[A-Z][\w.-]*(?:[ \t]+[A-Z][\w.-]*){0,3}|"
    # a lower-case handle only in quotes or with a digit or an underscore ("user_4")
    r"(?<=[\"“'‘])[a-z][\w.-]{3,}|[a-z][a-z.-]*[\d_][\w.-]*)")


_COLLECTIVE_RE = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in lx.COLLECTIVES) + r")\b")
_COLLECTIVE_AFTER_RE = re.compile(
    r"(?:['’]s\b|\s+(?:hackers?|hacktivists?|collective|group|members?|activists?|"
    r"affiliates?|claimed|said|says|announced|posted|released|published|vowed|warned)\b|"
    r"-(?:linked|affiliated|aligned)\b)|" + lx.HEADLINE_EVENT_VERB_RE.pattern.lstrip("^"),
    re.IGNORECASE)
_NOT_COLLECTIVE_AFTER_RE = re.compile(
    r"\s+(?:sources?|officials?|persons?|people|users?|donors?|tips?|accounts?|letters?|"
    r"callers?|posters?)\b", re.IGNORECASE)
_COLLECTIVE_BEFORE_RE = re.compile(
    r"\b(?:collective|group|hacktivists?|hackers?|members\s+of|from|by|of|with|"
    r"calling\s+(?:itself|themselves))\s+(?:the\s+)?$", re.IGNORECASE)


#: (entries, surface text, form) -> the entry chosen and its mention at position 0. Keyed by
#: the identity of the entries tuple (one per surface), which the value holds so it stays alive.
_TEMPLATES: dict[tuple[int, str, str],
                 tuple[Sequence[RefEntry], tuple[RefEntry, EntityMention] | None]] = {}


def _template(entries: Sequence[RefEntry], text: str, form: str
              ) -> tuple[RefEntry, EntityMention] | None:
    """The entry a reference name stands for and its mention, worked out once per surface."""
    key = (id(entries), text, form)
    cached = _TEMPLATES.get(key)
    if cached is not None and cached[0] is entries:
        return cached[1]
    if len(_TEMPLATES) > 50_000:
        _TEMPLATES.clear()
    entry = _ranked_first(entries)
    value = None
    if entry is not None:
        mention = _mention(entry, 0, 0, text, form)
        if entry.kind == "threat-actor" and mention.sponsor is None:
            # entries sharing the name stay apart, but where every one that records a sponsor
            # records the same one, that sponsor is what the name points to
            sponsors = {e.sponsor for e in entries if e.kind == "threat-actor" and e.sponsor}
            if len(sponsors) == 1:
                mention = mention._replace(sponsor=sponsors.pop())
        value = (entry, mention)
    _TEMPLATES[key] = (entries, value)
    return value


#: Geographic features named after a country or people (they stand for no state).
_PLACE_AFTER_RE = re.compile(r"\s+(?:Sea|Ocean|Strait|Gulf|Peninsula|Basin|Morning Post)\b")


def _ranked_first(entries: Sequence[RefEntry]) -> RefEntry | None:
    """Pick one entry for an ambiguous name: countries first, then non-ambiguous entries (an
    ambiguous one also needs cyber context around the mention, checked per mention)."""
    if not entries:
        return None
    # a name that is both a malware family and an actor ("ZeroCleare") names the tool: actors
    # are named for what they do ("the group behind ZeroCleare"), tools by their own name
    return min(entries, key=lambda e: (e.kind != "country", e.ambiguous,
                                       e.kind != "malware", e.kind != "threat-actor"))


#: Kinds whose ambiguous names must be cast as a group or a tool right where they stand.
_NAMED_AS_GROUP = frozenset(("threat-actor", "malware"))
#: Right after an ambiguous name: the noun that makes it a group's or a tool's name.
_GROUP_AFTER_RE = re.compile(
    r"\s*(?:-\s*)?(?:group|gang|crew|team|hackers?|actors?|threat\s+actors?|operators?|"
    r"collective|APT|ransomware|malware|backdoor|trojan|botnet|wiper|spyware|loader|"
    r"campaign|operation|attacks?|affiliates?|members?|cluster)\b", re.IGNORECASE)
#: Right after it, a group named in apposition or by a copula ("Gallium, a Chinese APT,",
#: "Antlion is a Chinese threat actor") or an operation it carries out ("Nobelium launched").
_CAST_AFTER_RE = re.compile(
    r"\s*(?:,\s*(?:an?|the)\s+|(?:is|was|are|were)\s+(?:\w+\s+){0,3}?(?:an?|the)\s+)"
    r"(?:[\w.-]+\s+){0,4}?(?:group|gang|crew|team|hackers?|actors?|APT|collective|"
    r"ransomware|malware|backdoor|trojan|botnet|wiper|spyware|operators?)\b"
    r"|\s+(?:(?:has|have|had|also|reportedly|allegedly|likely)\s+)*(?:launched|attacked|"
    r"targeted|targets|compromised|compromises|exploited|hacked|breached|deployed|succeeded|"
    r"conducted|carried out|stole|infected|spied|used|uses|sent|encrypted|leaked|claimed)\b",
    re.IGNORECASE)
#: Right before it: a phrase that introduces a name ("a group called X", "APT X").
_GROUP_BEFORE_RE = re.compile(
    r"(?:\b(?:known\s+as|dubbed|called|named|nicknamed|calling\s+(?:itself|themselves)|"
    r"group|gang|crew|actor|hackers|collective|malware|ransomware|family|variant|tool|"
    r"spyware|implant)\s*,?|"
    r"\bAPT)\s+(?:the\s+)?[\"“'‘]?$", re.IGNORECASE)


def _named_as_group(text: str, start: int, end: int) -> bool:
    """Whether an ambiguous actor or malware name (a common word, or shorter than four
    characters) is cast as one here: followed by a group or tool noun ("Play ransomware",
    "the Silence group"), introduced as a name ("a gang called Play"), named a group in
    apposition ("Gallium, a Chinese APT,") or carrying out an operation ("Nobelium
    launched"). Cyber context nearby is not enough in cyber news, where every sentence has
    some ("apps on the Google Play Store were phishing")."""
    after = text[end : end + 40].lstrip("'’\"”")
    if after[:2].lower() in ("'s", "’s"):
        after = after[2:]
    before = text[max(0, start - 40) : start]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if not text[line_start:start].strip() and not text[end : None if line_end < 0
                                                        else line_end].strip():
        return True  # a heading that is the name alone (a tracker record's title)
    return _GROUP_BEFORE_RE.search(before) is not None or \
        _GROUP_AFTER_RE.match(after) is not None or \
        _CAST_AFTER_RE.match(text, end, end + 80) is not None


_CYBER_NEAR = compile_ci(
    r"\b(hack\w*|cyber\w*|malware|APT|threat actor|group|espionage|intrusion|ransomware|"
    r"campaign|phishing|backdoor|attributed|wiper|spyware)\b"
)


def _mention(entry: RefEntry, start: int, end: int, text: str, form: str) -> EntityMention:
    country = entry.country if entry.kind != "country" else entry.id.split(":", 1)[1]
    is_gov = entry.is_government or (entry.kind == "country" and form in ("capital", "metonym"))
    return EntityMention(
        start=start, end=end, text=text, kind=entry.kind, form=form, entity_id=entry.id,
        name=entry.name, country=country, sponsor=entry.sponsor, is_government=is_gov,
        is_vendor=entry.is_vendor, aliases=entry.aliases,
    )


_OWNER_BEFORE_RE = re.compile(r"(?:['’]s)?\s+(?:[\w-]+\s+){0,1}")
_OWNER_AFTER_RE = re.compile(r"\s+of\s+(?:the\s+)?")
_OWNER_REACH = 200  # characters: wider than the gaps news text puts between a state and its body


def government_bodies(text: str, mentions: Sequence[EntityMention]) -> list[EntityMention]:
    """Ministries and governments named by pattern, tied to the adjacent country mention.

    "Albania's foreign ministry", "the Interior Ministry of Albania", "the Albanian government",
    "Iranian officials": the whole phrase becomes a government mention of that country.
    """
    states = [m for m in mentions if m.kind == "country" and m.country]
    out: list[EntityMention] = []
    ends = [m.end for m in states]
    for match in ministry_matches(text):
        s, e = match.span()
        owner = None
        # only states ending shortly before the phrase or starting shortly after can own it
        first = bisect.bisect_left(ends, s - _OWNER_REACH)
        for k in range(first, len(states)):  # "<Country>'s X" / "<Demonym> X" right before
            m = states[k]
            if m.end > s:
                break
            if _OWNER_BEFORE_RE.fullmatch(text, m.end, s):
                owner, s = m, m.start
        if owner is None:
            for k in range(first, len(states)):  # "X of <Country>" right after
                m = states[k]
                if m.start > e + _OWNER_REACH:
                    break
                if m.start >= e and _OWNER_AFTER_RE.fullmatch(text, e, m.start):
                    owner, e = m, m.end
                    break
        if owner is None or owner.country is None:
            continue
        phrase = text[s:e]
        out.append(
            EntityMention(
                start=s, end=e, text=phrase, kind="organization", form="government-body",
                entity_id=f"gov:{owner.country.lower()}", name=f"Government of {owner.name}",
                country=owner.country, is_government=True,
            )
        )
    return [*out, *_owned_bodies(text, mentions, [*states, *out]),
            *_federal_bodies(text, mentions)]


#: Between a state and a body it owns: "Saudi Arabia's", "the Saudi government's".
_OWNED_GAP_RE = re.compile(r"(?:['’]s)?\s+(?:(?:government|administration)['’]s\s+)?")


def _owned_bodies(text: str, mentions: Sequence[EntityMention],
                  owners: Sequence[EntityMention]) -> list[EntityMention]:
    """A body the reference data gives to one country, owned in the text by another: "Saudi
    Arabia's National Cyber Security Centre" is Saudi Arabia's, not the UK's (many states name
    their agencies alike). The phrase becomes a government mention of the owner."""
    out = []
    ends = {o.end: (o, o.country) for o in owners if o.country}
    for m in mentions:
        if not (m.is_government and m.kind == "organization" and m.form != "government-body"):
            continue
        for end, (o, cc) in ends.items():
            if end <= m.start and m.start - end < 40 and cc != m.country and \
                    _OWNED_GAP_RE.fullmatch(text, end, m.start):
                out.append(EntityMention(
                    o.start, m.end, text[o.start:m.end], "organization", "government-body",
                    f"gov:{cc.lower()}", f"{m.name} ({cc})", country=cc, is_government=True))
                break
    return out


#: "federal prosecutors", "a federal grand jury": a federal state's body, the US unless the
#: document is about another federal state only.
_FEDERAL_RE = re.compile(
    r"\b[Ff]ederal\s+(?:prosecutors?|investigators?|agents?|authorities|officials|judges?|"
    r"grand\s+jury|court|government|law\s+enforcement|police)\b")
_FEDERAL_STATES = frozenset(("US", "DE", "RU", "AU", "CA", "BR", "MX", "IN", "NG", "AT", "CH",
                             "BE", "PK", "AE", "MY", "AR", "VE", "ET", "IQ", "NP", "SO", "SD"))


def _federal_bodies(text: str, mentions: Sequence[EntityMention]) -> list[EntityMention]:
    found = list(_FEDERAL_RE.finditer(text))
    if not found:
        return []
    named = [m.country for m in mentions if m.country in _FEDERAL_STATES
             and (m.kind in ("country", "location") or m.is_government)]
    country = "US" if "US" in named or not named else named[0]
    return [EntityMention(f.start(), f.end(), f.group(0), "organization", "government-body",
                          f"gov:{country.lower()}", f"Government of {country}", country=country,
                          is_government=True) for f in found]


def people(
    text: str,
    mentions: Sequence[EntityMention],
    titles: Iterable[str],
    ner_people: Sequence[tuple[int, int]] = (),
) -> list[EntityMention]:
    """People named next to a title, or found by the NER, with role and country when stated."""
    title_re, title_words = _titles(tuple(titles))
    title_at = _title_spans(tuple(titles), text)
    ordered = _Ordered(mentions)
    taken = _Spans([(m.start, m.end) for m in mentions])
    found: dict[tuple[int, int], EntityMention] = {}
    # a capitalised run is a person only next to a title (or where the NER says so, below):
    # a run with no title within reach is not looked at
    candidates = [_strip_leading(text, m.start(), m.end(), taken, title_words)
                  for m in _PERSON_RE.finditer(text)
                  if title_at is None or title_at.any_within(max(0, m.start() - 90), m.end())
                  or title_at.any_within(m.end(), m.end() + _APPOSITION_REACH)]
    known: dict[str, str] = {}  # a person's country, once the document has given it
    for s, e in sorted({*(c for c in candidates if c), *ner_people}):
        name = text[s:e]
        words = name.split()
        if not words or words[0] in _NOT_NAME_START or taken.overlaps(s, e):
            continue
        after = _titled_after(text, s, e, title_re, ordered)
        if after is not None:
            title, stated = after
            stated = stated or known.get(name)
            if stated:
                known[name] = stated
            found[(s, e)] = EntityMention(
                start=s, end=e, text=name, kind="person", form="title-person",
                entity_id="person:" + re.sub(r"\W+", "-", name.lower()).strip("-"), name=name,
                country=stated, role=title)
            continue
        window_start = max(0, text.rfind("\n", 0, s) + 1, s - 90)
        before = text[window_start:s]
        # the title pattern gives the title as written: search for it only where one is
        titles_before = list(title_re.finditer(before)) if title_at is None or \
            title_at.any_within(window_start, s) else []
        is_ner = (s, e) in ner_people
        adjacent = bool(titles_before) and re.fullmatch(
            r"[\s,]*(?:and [\w\s]+?)?(?:to the [\w\s-]+?)?[\s,]*", before[titles_before[-1].end() :]
        )
        if not (adjacent or (is_ner and len(words) >= 2)):
            continue
        role = titles_before[-1].group(1) if adjacent else None
        country = None
        if role:
            # the state in the title phrase ("Albania's prime minister", "the Albanian Prime
            # Minister", "Prime Minister X of Albania"), else the one the document gave this
            # person before, else the nearest in the same clause
            title_start = window_start + titles_before[-1].start()
            country = _country_of_title(text, ordered, title_start, s, e) or known.get(name) \
                or _country_before(text, ordered,
                                   _clause_start(text, window_start, title_start), s)
            if country:
                known.setdefault(name, country)
        found[(s, e)] = EntityMention(
            start=s, end=e, text=name, kind="person", form="title-person" if role else "ner",
            entity_id="person:" + re.sub(r"\W+", "-", name.lower()).strip("-"), name=name,
            country=country, role=role,
        )
    return sorted([*found.values(), *_surnames(text, list(found.values()), taken)])


def _surnames(text: str, found: Sequence[EntityMention], taken: _Spans) -> list[EntityMention]:
    """A titled person named again by surname alone ("Merkel said", "Rama accused"), before
    or after the full name: the same person, with the country the title gave."""
    out: list[EntityMention] = []
    spans = [(m.start, m.end) for m in found]
    for person in found:
        words = person.name.split()
        if person.form != "title-person" or person.country is None or len(words) < 2 or \
                len(words[-1]) < 3 or not words[-1][:1].isupper():
            continue
        for hit in re.finditer(r"(?<![\w'’-])" + re.escape(words[-1]) + r"(?![\w-])", text):
            s, e = hit.span()
            if taken.overlaps(s, e) or any(a <= s < b or a < e <= b for a, b in spans) or \
                    _CAPITALISED_BEFORE_RE.search(text, max(0, s - 30), s):
                continue
            spans.append((s, e))
            out.append(EntityMention(start=s, end=e, text=words[-1], kind="person",
                                     form="title-person", entity_id=person.entity_id,
                                     name=person.name, country=person.country,
                                     role=person.role))
    return out


#: A capitalised word right before a surname makes it part of another name ("Hans Rama" is
#: someone else than "Edi Rama").
_CAPITALISED_BEFORE_RE = re.compile(r"\b[A-Z][\w'’-]*\s+$")


@functools.lru_cache(maxsize=4)
def _titles(titles: tuple[str, ...]) -> tuple[Pattern, frozenset[str]]:
    """The officials'-titles pattern and title words, compiled once per title list."""
    rx = compile_ci(
        r"\b(" + "|".join(sorted((re.escape(t) for t in titles), key=len, reverse=True)) + r")\b"
    )
    return rx, frozenset(w for t in titles for w in t.split())


def _title_spans(titles: tuple[str, ...], text: str) -> _Spans | None:
    """Where the titles occur in ``text`` as whole words, found with one automaton pass (None
    where lower-casing would move characters: then the title pattern is searched instead)."""
    low = lower_in_place(text)
    if low is None:
        return None
    n = len(low)
    return _Spans([
        (end + 1 - size, end + 1) for end, size in _title_automaton(titles).iter(low)
        if (end + 1 == size or not _is_word(low[end - size])) and
        (end + 1 == n or not _is_word(low[end + 1]))
    ])


def _is_word(c: str) -> bool:
    """What ``re``'s ``\\w`` matches in a str pattern."""
    return c.isalnum() or c == "_"


@functools.lru_cache(maxsize=4)
def _title_automaton(titles: tuple[str, ...]) -> Any:
    ac = ahocorasick.Automaton()
    for title in titles:
        ac.add_word(title.lower(), len(title))
    ac.make_automaton()
    return ac


class _Spans:
    """Sorted spans with fast containment and overlap tests (bisect, not a scan); the overlap
    test expects non-overlapping spans."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _b in self.spans]

    def any_within(self, lo: int, hi: int) -> bool:
        """A span that lies inside ``[lo, hi)``."""
        i = bisect.bisect_left(self.starts, lo)
        while i < len(self.spans) and self.spans[i][0] < hi:
            if self.spans[i][1] <= hi:
                return True
            i += 1
        return False

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.starts, e)
        return any(_overlaps(s, e, a, b) for a, b in self.spans[max(0, i - 2) : i])


_WORD_RE = re.compile(r"\S+")


def _strip_leading(text: str, s: int, e: int, taken: _Spans,
                   title_words: frozenset[str]) -> tuple[int, int] | None:
    """The name inside a capitalised run: "Albanian Prime Minister Edi Rama" -> "Edi Rama"."""
    base = s
    for word in _WORD_RE.finditer(text[base:e]):
        ws, we = base + word.start(), base + word.end()
        if taken.overlaps(ws, we) or word.group(0).lower() in title_words:
            s = we
            continue
        break
    while s < e and text[s].isspace():
        s += 1
    return (s, e) if s < e else None


class _Ordered:
    """Mentions sorted once, with their starts, to find those inside a window by bisection."""

    def __init__(self, mentions: Sequence[EntityMention]) -> None:
        self.mentions = sorted(mentions)
        self.starts = [m.start for m in self.mentions]


def _country_before(text: str, ordered: _Ordered, lo: int, hi: int) -> str | None:
    """The state nearest before a person in the clause of the title: the last country or
    government body in ``[lo, hi)``."""
    found = None
    for m in _states_in(ordered, lo, hi):
        if found is not None and _OBJECT_OF_BEFORE_RE.search(
                text[max(0, m.start - 30) : m.start]):
            continue  # "Albania cut relations with Iran ..., when Prime Minister X": not Iran
        found = m.country
    return found


#: Right before a state that is an object, not the title's owner ("relations with Iran").
_OBJECT_OF_BEFORE_RE = re.compile(
    r"\b(?:with|against|on|from|to|toward|towards|by|blamed|accused|expelled|condemned)\s+"
    r"(?:the\s+)?$", re.IGNORECASE)


def _states_in(ordered: _Ordered, lo: int, hi: int,
               regions: bool = False) -> list[EntityMention]:
    """Countries and government bodies lying inside ``[lo, hi)``, in text order; with
    ``regions``, a state's own regions too ("the Vermont governor": a US official)."""
    mentions = ordered.mentions
    out = []
    for k in range(bisect.bisect_left(ordered.starts, lo), len(mentions)):
        m = mentions[k]
        if m.start >= hi:
            break
        if m.end <= hi and m.country and (m.kind == "country" or m.is_government or (
                regions and m.kind == "location" and m.form == "region")):
            out.append(m)
    return out


def _country_of_title(text: str, ordered: _Ordered, title_start: int, s: int,
                      e: int) -> str | None:
    """The state inside a title phrase before the name: a state joined to the title
    ("Albania's prime minister", "the Albanian Prime Minister", a government body holding the
    title), or named right after the name ("Prime Minister X of Albania")."""
    near = [m for m in _states_in(ordered, max(0, title_start - 60), s, regions=True)
            if m.end > title_start or _TITLE_JOIN_RE.fullmatch(text, m.end, title_start)]
    if near:
        return near[-1].country
    of = _OF_STATE_RE.match(text, e)
    if of is not None:
        after = _states_in(ordered, of.end(), of.end() + 60, regions=True)
        if after and after[0].start == of.end():
            return after[0].country
    return None


def _clause_start(text: str, lo: int, hi: int) -> int:
    """Where the clause holding ``hi`` begins within ``[lo, hi)``: after the last sentence
    end or semicolon ("U.S." is no end)."""
    ends = list(_CLAUSE_END_RE.finditer(text, lo, hi))
    return ends[-1].end() if ends else lo


_CLAUSE_END_RE = re.compile(r"(?<!\b[A-Z])[.!?;]\s+")
#: Between a state and the title it heads: "Albania's ", "the Albanian ", "Iran's former ".
_TITLE_JOIN_RE = compile_ci(r"(?:['’]s)?\s+(?:(?:former|deputy|acting|then|top|senior|chief|"
                            r"new|own|current)\s+)*")
#: "Prime Minister X of Albania": the state right after the name.
_OF_STATE_RE = compile_ci(r",?\s+of\s+(?:the\s+)?")
#: How far after a name its title may follow ("X, a spokeswoman for the Foreign Ministry").
_APPOSITION_REACH = 70
#: "said X, a spokeswoman for ...", "told reporters X, the country's interior minister": a
#: name in reported speech, its title in an apposition after it.
_SPEAKER_BEFORE_NAME_RE = compile_ci(
    r"\b(?:said|says|told\s+(?:[\w-]+\s+){0,2}?|added|stated|wrote|according\s+to|"
    r"warned|explained|noted)\s*$")
_APPOSITION_RE = re.compile(r",\s+(?:an?|the)\s+(?P<phrase>[^.;,!?\n]{1,80})")
#: "the country's interior minister": the state the document is about.
_THE_COUNTRY_RE = compile_ci(r"\bthe\s+(?:country|nation)['’]s\b")


def _titled_after(text: str, s: int, e: int, title_re: Pattern,
                  ordered: _Ordered) -> tuple[str, str | None] | None:
    """(title, state) of a name in reported speech with its title after it: "..., said Jane
    Roe, a spokeswoman for the Estonian Foreign Ministry" (EE). The state is the one in the
    apposition (a demonym, a possessive, "of X"), or for "the country's interior minister" the
    one state the document named before by name; none where the phrase names no state."""
    if not _SPEAKER_BEFORE_NAME_RE.search(text, max(0, s - 30), s):
        return None
    app = _APPOSITION_RE.match(text, e)
    if app is None:
        return None
    phrase_start, phrase_end = app.start("phrase"), app.end("phrase")
    title = title_re.search(text, phrase_start, phrase_end)
    if title is None:
        return None
    states = _states_in(ordered, phrase_start, phrase_end)
    if states:
        return title.group(1), states[0].country
    if _THE_COUNTRY_RE.search(text, app.start(), phrase_end):
        named = {m.country for m in _states_in(ordered, 0, s)
                 if m.kind == "country" and m.form != "demonym"}
        if len(named) == 1:
            return title.group(1), named.pop()
    return title.group(1), None


def _overlaps(s: int, e: int, a: int, b: int) -> bool:
    return s < b and a < e


def merge_mentions(*groups: Iterable[EntityMention]) -> list[EntityMention]:
    """All mentions sorted by position; a longer span swallows the mentions inside it."""
    pool = sorted((m for g in groups for m in g), key=lambda m: (m.start, -(m.end - m.start)))
    out: list[EntityMention] = []
    for m in pool:
        if out and m.start < out[-1].end:
            last = out[-1]
            if _weaker(last, m) or (not _weaker(m, last)
                                    and m.end - m.start > last.end - last.start):
                out[-1] = m
            continue
        out.append(m)
    return out


def _weaker(a: EntityMention, b: EntityMention) -> bool:
    """A sector word never swallows a state ("German government networks" keeps "German
    government"); sectors are read from the text again where incidents are built."""
    return a.kind == "sector" and b.kind != "sector" and b.state is not None


# --- places and organizations named by a cue --------------------------------------------------

#: A run of capitalised words, with the small words place names carry ("Stoke-on-Trent",
#: "Rio de Janeiro", "St. Louis").
_CAP_RUN_RE = re.compile(
    r"(?<![\w'’.-])[A-ZÀ-Þ][\w'’.&-]*(?:\s+(?:(?:of|de|del|do|da|la|le|el|upon|on|am|al|)\s+)?"
    r"[A-ZÀ-Þ][\w'’.&-]*)*")
_CAP_WORD_RE = re.compile(r"[A-ZÀ-Þ][\w.&-]*|(?:of|de|del|do|da|la|le|el|upon|on|am|al)\b")
#: Before a place: words that make it one ("the city of Baltimore", "the mayor of Atlanta").
_PLACE_CUE_BEFORE_RE = compile_ci(
    r"\b(?:city|town|village|municipality|county|suburb|port|mayor|governor|residents|"
    r"province|state|region|district)\s+of\s+(?:the\s+)?$")
#: After a place: words that make it one ("Baltimore's city government", "Atlanta City Hall").
_PLACE_CUE_AFTER_RE = re.compile(
    r"(?:['’]s)?\s+(?:[Cc]ity\s+[Hh]all|[Cc]ity\s+(?:[Cc]ouncil|government|officials|"
    r"authorities|services|systems|computers|networks)|[Mm]unicipal|[Mm]ayor|[Pp]olice\s+"
    r"[Dd]epartment|[Cc]ounty)\b|-based\b")
_COMMA_GAP_RE = re.compile(r",\s+")


def place_mentions(text: str, mentions: Sequence[EntityMention],
                   places: Places | None = None) -> list[EntityMention]:
    """Cities and US states, each with the country it lies in ("the city of Baltimore" -> US,
    "New Jersey" -> US, "Atlanta, Georgia" -> US).

    A bare city name counts only when it is large and no common word (``Places.city``); a
    smaller one needs a cue ("city of X", "X City Hall", "X, Texas", "X-based"). Names that
    places in several countries share are not in the table at all.
    """
    places = places or load_places()
    countries = {(m.start, m.end): m for m in mentions if m.kind == "country"}
    out: list[EntityMention] = []
    for run in _CAP_RUN_RE.finditer(text):
        words = [(run.start() + w.start(), run.start() + w.end())
                 for w in _CAP_WORD_RE.finditer(run.group(0))]
        i = 0
        while i < len(words):
            if not text[words[i][0]].isupper():
                i += 1
                continue
            found = None
            for j in range(min(len(words), i + 4) - 1, i - 1, -1):
                s, e = words[i][0], words[j][1]
                if text[e - 1] in ".-":
                    e -= 1  # "Baltimore." at a sentence end
                name = " ".join(text[s:e].split())
                found = _place(text, s, e, name, places, countries)
                if found is not None:
                    out.append(found)
                    i = j + 1
                    break
            if found is None:
                i += 1
    return out


def _place(text: str, s: int, e: int, name: str, places: Places,
           countries: dict[tuple[int, int], EntityMention]) -> EntityMention | None:
    state = places.state(name)
    if state is not None:
        return EntityMention(s, e, text[s:e], "location", "region",
                             f"place:{state.lower()}:{_slug(name)}", name, country=state)
    if places.cities.get(name) is None or name in _CALENDAR_WORDS:
        return None  # "in March, US officials said": a month, not March, United States
    end = e
    cued = bool(_PLACE_CUE_BEFORE_RE.search(text, max(0, s - 40), s)
                or _PLACE_CUE_AFTER_RE.match(text, e))
    comma = _COMMA_GAP_RE.match(text, e)
    if comma:  # "Atlanta, Georgia", "Dayton, Ohio", "Lyon, France"
        nxt = _CAP_RUN_RE.match(text, comma.end())
        if nxt is not None:
            region = " ".join(nxt.group(0).split())
            if places.state(region, after_city=True):
                cued, end = True, nxt.end()
            elif any(k[0] == comma.end() for k in countries):
                cued = True
    cc = places.city(name, cued)
    if cc is None:
        return None
    # the text's own word on the country wins over the larger namesake ("the Canadian town of
    # Midland", "Midland, Canada")
    stated = _stated_country(text, s, e, countries)
    cc = stated or cc
    return EntityMention(s, end, text[s:end], "location", "city",
                         f"place:{cc.lower()}:{_slug(name)}", name, country=cc)


_CALENDAR_WORDS = frozenset((*calendar.month_name[1:], *calendar.day_name, "Christmas",
                             "Easter"))


def _stated_country(text: str, s: int, e: int,
                    countries: dict[tuple[int, int], EntityMention]) -> str | None:
    """The country a text gives a place: a demonym or country heading its cue ("the Canadian
    town of X") or named right after it ("X, Canada")."""
    cue = _COUNTRY_PLACE_CUE_RE.search(text, max(0, s - 60), s)
    if cue is not None:
        owner = countries.get((cue.start("owner"), cue.end("owner")))
        if owner is not None and owner.country:
            return owner.country
    comma = _COMMA_GAP_RE.match(text, e)
    if comma is not None:
        after = next((m for (a, _b), m in countries.items() if a == comma.end()), None)
        if after is not None and after.country and after.form != "demonym":
            return after.country
    return None


#: "the Canadian town of ", "Canada's city of ": the state a place is said to lie in.
_COUNTRY_PLACE_CUE_RE = re.compile(
    r"(?P<owner>\b[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?)(?:['’]s)?\s+(?:small\s+|northern\s+|"
    r"southern\s+|eastern\s+|western\s+)?(?:town|city|village|municipality|county|port|"
    r"capital|region|province)\s+of\s+(?:the\s+)?$")


def _slug(name: str) -> str:
    return re.sub(r"\W+", "-", name.lower()).strip("-")


#: "a major US cybersecurity company", "an Israeli security firm": an organization the text
#: leaves unnamed, placed by the country before its head.
_DETERMINER_BEFORE_RE = compile_ci(
    r"\b(?:an?|the|one|another|two|three|four|five|several|some|many|both|other)\s+"
    r"(?:[\w-]+\s+){0,2}$")
_SECURITY_HEAD_RE = compile_ci(
    r"\s+(?:cyber[- ]?security|cyber|security|threat[- ]intelligence|IT[- ]security|"
    r"anti-?virus|internet[- ]security|incident[- ]response|information[- ]security)\s+"
    r"(?:company|companies|firm|firms|vendor|vendors|researchers?|provider|giant|outfit|"
    r"specialists?|analysts?|experts?|contractor)\b")
#: Where an unnamed firm speaks: a claimant, not a victim ("according to a US security firm").
_SOURCE_BEFORE_RE = compile_ci(r"\b(?:according\s+to|researchers?\s+at|analysts?\s+at|"
                               r"experts?\s+at|cited|citing)\s+$")
#: "researchers at the firm Y", "the cybersecurity company Y", "analysts at Y": Y is an
#: organization, and a security vendor where the words say so.
_FIRM_NAMED_RE = compile_ci(
    r"\b(?:(?:researchers?|analysts?|experts?|investigators?|specialists?|engineers?|"
    r"scientists?|team|executives?|officials?)\s+(?:at|from|with)\s+(?:the\s+)?"
    r"(?:(?:[\w-]+\s+){0,2}(?:company|firm|vendor|group|lab)\s+)?|"
    r"(?:cyber[- ]?security|security|threat[- ]intelligence|antivirus|IT|tech(?:nology)?|"
    r"software|consulting|forensics?|research)\s+(?:company|firm|vendor|group|lab)\s+)")
#: "a researcher at the firm Y", "analysts with the company Y": Y named as someone's employer
#: and as a firm, so a firm whatever else bears the name.
_EMPLOYER_RE = compile_ci(r"\s(?:at|from|with)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}"
                          r"(?:company|firm|vendor|lab)\s+$")
_SECURITY_WORDS_RE = compile_ci(r"\b(?:cyber|security|threat|antivirus|forensic|researchers?|"
                                r"analysts?|investigators?)")
#: "U.S.-based Equifax", "the Chicago-based United Airlines": the place before "-based".
_BASED_RE = re.compile(r"-based\s+(?:(?:[a-z][\w-]*)\s+){0,3}")
#: "Equifax, a U.S. credit agency", "Maersk, the Danish shipping giant".
_APPOSED_COUNTRY_RE = compile_ci(r",\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}$")
_ORG_HEAD_RE = compile_ci(
    r"\s+(?:[\w-]+\s+){0,3}?(?:company|companies|firm|bank|carrier|airline|agency|giant|"
    r"group|conglomerate|corporation|operator|provider|maker|manufacturer|producer|retailer|"
    r"insurer|lender|utility|network|broadcaster|newspaper|hospital|university|studio|"
    r"contractor|exchange|platform|service)\b")
_ORG_NAME_RE = re.compile(
    r"(?:[A-Z][\w.&'’-]*|[A-Z]{2,})(?:\s+(?:(?:of|and|&|for|de)\s+)?(?:[A-Z][\w.&'’-]*)){0,4}")


def cued_organizations(text: str, mentions: Sequence[EntityMention]) -> list[EntityMention]:
    """Organizations the reference data does not list, placed by cues in the text.

    - "a major US cybersecurity company said", "according to an Israeli security firm": an
      unnamed security firm with its country; it speaks as a firm, never as its government;
    - "researchers at the firm Y", "the security company Y": Y is an organization (a vendor
      where the words say so);
    - "U.S.-based Y", "Y, a Danish shipping giant": Y is an organization of that country.
    """
    out: list[EntityMention] = []
    states = [m for m in mentions if m.kind == "country" and m.country]
    for m in states:
        head = _SECURITY_HEAD_RE.match(text, m.end)
        if head is None:
            continue
        det = _DETERMINER_BEFORE_RE.search(text, max(0, m.start - 40), m.start)
        if det is None and not head.group().endswith("s"):
            continue  # a singular head needs its article; "US security firms say" none
        start = det.start() if det else m.start
        if not (_SOURCE_BEFORE_RE.search(text, max(0, start - 30), start)
                or lx.SPEECH_RE.search(text, head.end(), head.end() + 60)):
            continue  # in victim position the firm's country may be the victim's
        phrase = " ".join(text[m.start:head.end()].split())
        out.append(EntityMention(
            m.start, head.end(), text[m.start:head.end()], "organization", "unnamed",
            f"org:unnamed-{_slug(phrase)}", phrase, country=m.country, is_vendor=True))
    taken = _Spans([(m.start, m.end) for m in mentions])
    for cue in _FIRM_NAMED_RE.finditer(text):
        name = _ORG_NAME_RE.match(text, cue.end())
        if name is None or name.group(0).split()[0] in _NOT_NAME_START:
            continue
        employer = _EMPLOYER_RE.search(cue.group(0)) is not None
        stop = _NAME_STOP_RE.search(text, name.start(), name.end())  # "Centreon. The ..."
        end = stop.start() if stop else name.end()
        if taken.overlaps(name.start(), end) and not (employer and all(
                m.kind in _EMPLOYER_SWALLOWS for m in mentions
                if _overlaps(m.start, m.end, name.start(), end))):
            continue
        vendor = bool(_SECURITY_WORDS_RE.search(cue.group(0)))
        country = next((s.country for s in states if cue.start() <= s.start < cue.end()), None)
        org = _org(text, name.start(), end, country, vendor)
        out.append(org._replace(form="employer") if employer else org)
    for m in states:
        after = text[m.end:m.end + 60]
        if after.startswith("-based"):
            rest = _BASED_RE.match(text, m.end)
            name = _ORG_NAME_RE.match(text, rest.end()) if rest else None
            if name is not None and name.group(0).split()[0] not in _NOT_NAME_START and \
                    not taken.overlaps(name.start(), name.end()):
                out.append(_org(text, name.start(), name.end(), m.country, False))
            continue
        if m.form in ("demonym", "name", "acronym") and _ORG_HEAD_RE.match(text, m.end):
            gap = _APPOSED_COUNTRY_RE.search(text, max(0, m.start - 40), m.start)
            if gap is None:
                continue
            name_end = gap.start()
            cands = [n for n in _ORG_NAME_RE.finditer(text, max(0, name_end - 60), name_end)
                     if n.end() == name_end]
            if cands and cands[-1].group(0).split()[0] not in _NOT_NAME_START and \
                    not taken.overlaps(cands[-1].start(), cands[-1].end()):
                out.append(_org(text, cands[-1].start(), cands[-1].end(), m.country, False))
    # one organization per span: the reading that places it ("officials from the Y, an
    # Iranian company": Y is Iranian) before one that does not
    best: dict[tuple[int, int], EntityMention] = {}
    for o in out:
        if (o.start, o.end) not in best or (o.country and not best[(o.start, o.end)].country):
            best[(o.start, o.end)] = o
    return list(best.values())


#: A name's last word ending in a full stop that is no abbreviation ("Labs.", not "Inc.").
_SENTENCE_FULL_STOP_RE = re.compile(r"(?<![A-Z])(?<!\bInc)(?<!\bCo)(?<!\bLtd)(?<!\bCorp)"
                                    r"(?<=[a-z]{2})\.$")
#: Where a name run ends inside a match: a full stop and the next sentence's first word.
_NAME_STOP_RE = re.compile(r"\.\s")


def _org(text: str, s: int, e: int, country: str | None, vendor: bool) -> EntityMention:
    if _SENTENCE_FULL_STOP_RE.search(text, s, e) and not text[e:e + 1].strip():
        e -= 1  # "... at the firm Orvell Labs." ends the sentence, not the name
    name = " ".join(text[s:e].split())
    return EntityMention(s, e, text[s:e], "organization", "cued", f"org:{_slug(name)}", name,
                         country=country, is_vendor=vendor)


def _not_conflicting(extra: Sequence[EntityMention],
                     found: Sequence[EntityMention]) -> list[EntityMention]:
    """Places and cued organizations that the reference names leave room for: one may swallow
    the names inside it ("New Jersey" swallows the country Jersey), except a place named for
    its own country ("Mexico City" stays the country Mexico), and never cuts one in part."""
    starts = [f.start for f in found]
    out = []
    for x in extra:
        ok = True
        for k in range(max(0, bisect.bisect_left(starts, x.start) - 2), len(found)):
            f = found[k]
            if f.start >= x.end:
                break
            if f.end <= x.start:
                continue
            inside = x.start <= f.start and f.end <= x.end and \
                f.end - f.start < x.end - x.start
            if not inside or (x.kind == "location" and f.kind == "country"
                              and f.country == x.country):
                ok = False
                break
        if ok:
            out.append(x)
    return out
