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
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import ahocorasick

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
    r"[Pp]olice)\b"
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
    for m in _APT_RE.finditer(text):
        entries = ref.lookup(f"APT{m.group(1)}", "threat-actor")
        if entries:
            out.append(_mention(entries[0], m.start(), m.end(), m.group(0), "alias"))
    for hit in ref.scan(text):
        template = _template(hit.entries, hit.text, hit.form)
        if template is None:
            continue
        entry, mention = template
        if entry.ambiguous and not _CYBER_NEAR.search(
                text[max(0, hit.start - 120) : hit.end + 120]):
            continue  # an ambiguous short alias (a common word) needs cyber context nearby
        if entry.kind == "country" and _PLACE_AFTER_RE.match(text, hit.end):
            continue  # "the South China Sea", "the Arabian Peninsula": a place, not the state
        out.append(EntityMention(hit.start, hit.end, *mention[2:]))
    return merge_mentions(out)


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
    return out


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
                  if title_at is None or title_at.any_within(max(0, m.start() - 90), m.end())]
    for s, e in [*(c for c in candidates if c), *ner_people]:
        name = text[s:e]
        words = name.split()
        if not words or words[0] in _NOT_NAME_START or taken.overlaps(s, e):
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
        country = _country_before(ordered, window_start, s) if role else None
        found[(s, e)] = EntityMention(
            start=s, end=e, text=name, kind="person", form="title-person" if role else "ner",
            entity_id="person:" + re.sub(r"\W+", "-", name.lower()).strip("-"), name=name,
            country=country, role=role,
        )
    return sorted(found.values())


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


def _country_before(ordered: _Ordered, lo: int, hi: int) -> str | None:
    """The state named in a person's title phrase: the first country or government body in it."""
    mentions = ordered.mentions
    for k in range(bisect.bisect_left(ordered.starts, lo), len(mentions)):
        m = mentions[k]
        if m.start >= hi:
            break
        if m.end <= hi and m.country and (m.kind == "country" or m.is_government):
            return m.country
    return None


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
