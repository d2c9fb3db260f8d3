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
from collections.abc import Iterable, Sequence
from typing import Any

import ahocorasick

from cybertrack.extract.casefold import Pattern, compile_ci, has_unsafe_case
from cybertrack.extract.prefilter import required_literals
from cybertrack.extract.types import EntityMention
from cybertrack.reference import RefEntry, Reference

_NAME_WORD = r"[A-Z][a-zà-ÿ'’\-]+"
_PERSON_RE = re.compile(
    rf"(?<![\w'’-])(?:{_NAME_WORD}|[A-Z]\.)(?:\s+(?:(?:al|bin|ibn|van|von|de|da|del|el)[- ]\s*)?"
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


_APT_RE = re.compile(r"\bAPT[\s-]?(\d{1,3})\b")


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
        entry = _best_entry(hit.entries, text, hit.start, hit.end)
        if entry is None:
            continue
        if entry.kind == "country" and _PLACE_AFTER_RE.match(text, hit.end):
            continue  # "the South China Sea", "the Arabian Peninsula": a place, not the state
        mention = _mention(entry, hit.start, hit.end, hit.text, hit.form)
        if entry.kind == "threat-actor" and mention.sponsor is None:
            # entries sharing the name stay apart, but where every one that records a sponsor
            # records the same one, that sponsor is what the name points to
            sponsors = {e.sponsor for e in hit.entries if e.kind == "threat-actor" and e.sponsor}
            if len(sponsors) == 1:
                mention = mention._replace(sponsor=sponsors.pop())
        out.append(mention)
    return merge_mentions(out)


#: Geographic features named after a country or people (they stand for no state).
_PLACE_AFTER_RE = re.compile(r"\s+(?:Sea|Ocean|Strait|Gulf|Peninsula|Basin|Morning Post)\b")


def _best_entry(entries: Sequence[RefEntry], text: str, start: int, end: int) -> RefEntry | None:
    """Pick one entry for an ambiguous name: countries first, then non-ambiguous entries.

    Ambiguous short aliases (common words) need cyber context in the surrounding 120 characters.
    """
    if not entries:
        return None
    # a name that is both a malware family and an actor ("ZeroCleare") names the tool: actors
    # are named for what they do ("the group behind ZeroCleare"), tools by their own name
    ranked = sorted(entries, key=lambda e: (e.kind != "country", e.ambiguous,
                                            e.kind != "malware", e.kind != "threat-actor"))
    best = ranked[0]
    if best.ambiguous:
        window = text[max(0, start - 120) : end + 120]
        if not _CYBER_NEAR.search(window):
            return None
    return best


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
    for match in _MINISTRY_RE.finditer(text):
        s, e = match.span()
        owner = None
        # only states ending shortly before the phrase or starting shortly after can own it
        near = states[max(0, bisect.bisect_left(ends, s - _OWNER_REACH)) :]
        for m in near:  # "<Country>'s X" / "<Demonym> X" right before
            if m.end > s:
                break
            if _OWNER_BEFORE_RE.fullmatch(text, m.end, s):
                owner, s = m, m.start
        if owner is None:
            for m in near:  # "X of <Country>" right after
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
    title_at = _literal_spans(tuple(titles), text)
    taken = _Spans([(m.start, m.end) for m in mentions])
    found: dict[tuple[int, int], EntityMention] = {}
    # a capitalised run is a person only next to a title (or where the NER says so, below):
    # a run with no title literal within reach is not looked at
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
        # a title in the window holds one of the title literals whole: search only then
        titles_before = list(title_re.finditer(before)) if title_at is None or \
            title_at.any_within(window_start, s) else []
        is_ner = (s, e) in ner_people
        adjacent = bool(titles_before) and re.fullmatch(
            r"[\s,]*(?:and [\w\s]+?)?(?:to the [\w\s-]+?)?[\s,]*", before[titles_before[-1].end() :]
        )
        if not (adjacent or (is_ner and len(words) >= 2)):
            continue
        role = titles_before[-1].group(1) if adjacent else None
        country = _country_before(mentions, text, window_start, s) if role else None
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


def _literal_spans(titles: tuple[str, ...], text: str) -> _Spans | None:
    """Where the literals every title match holds occur in ``text`` (None: no such test)."""
    finder = _title_literals(titles)
    if finder is None or has_unsafe_case(text):
        return None
    return _Spans([(end + 1 - n, end + 1) for end, n in finder.iter(text.lower())])


@functools.lru_cache(maxsize=4)
def _title_literals(titles: tuple[str, ...]) -> Any:
    lits = required_literals(_titles(titles)[0])
    if lits is None:
        return None
    ac = ahocorasick.Automaton()
    for lit in lits:
        ac.add_word(lit, len(lit))
    ac.make_automaton()
    return ac


class _Spans:
    """Sorted, non-overlapping spans with a fast overlap test (bisect, not a scan)."""

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


def _strip_leading(text: str, s: int, e: int, taken: _Spans,
                   title_words: frozenset[str]) -> tuple[int, int] | None:
    """The name inside a capitalised run: "Albanian Prime Minister Edi Rama" -> "Edi Rama"."""
    base = s
    for word in re.finditer(r"\S+", text[base:e]):
        ws, we = base + word.start(), base + word.end()
        if taken.overlaps(ws, we) or word.group(0).lower() in title_words:
            s = we
            continue
        break
    while s < e and text[s].isspace():
        s += 1
    return (s, e) if s < e else None


def _country_before(
    mentions: Sequence[EntityMention], text: str, lo: int, hi: int
) -> str | None:
    """The state named in a person's title phrase: the first country or government body in it."""
    for m in sorted(mentions):
        if lo <= m.start and m.end <= hi and m.country and (m.kind == "country" or m.is_government):
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
