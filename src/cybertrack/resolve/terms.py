"""Distinctive terms: the words that tell one operation from another (a victim's name, a
malware family, a product), weighted by how rare they are in news about cyber operations.

Two reports of one event share rare words ("Atlanta", "SamSam", "KA-SAT"); two operations of
one actor in one country share only common ones ("attack", "government", "ransomware") and
the country. Weights are inverse document frequencies from a fixed table shipped with the
package (``data/term_df.json``, built by ``resolve.build_terms`` from CFR descriptions and
CASIE articles that the linking gold set does not hold): fixed, so a pair scores the same
whatever else the knowledge base holds and in whatever order documents arrive. Country names,
demonyms, capitals and metonyms are never terms: a shared country is the targets' evidence,
and alone it never links.

Two readings sharpen the weights: ``names`` says which terms a text writes as names (a
capitalized word inside a sentence, a word with an inner capital or digit, and pairs of
adjacent capitalized words), which ``features.terms_score`` weighs above common words; and
``malware`` finds the reference's malware families made for one operation (wipers, sabotage
tools, ransomware, espionage platforms), whose shared name is strong evidence on its own.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*")
#: Words with no power to tell events apart however rare the table finds them.
_STOP_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my no nor not now of off on once only or other our out over own same she should
so some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your
said says say told according reported reports report news new one two three four five six
seven eight nine ten first second third last year years month months week weeks day days
monday tuesday wednesday thursday friday saturday sunday today yesterday morning evening
night january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec mr ms mrs
title date given affiliations sponsor victims category response believed work type unknown
"""
STOP = frozenset(_STOP_TEXT.split())
#: Terms at least this rare (idf / max idf) are blocking keys: incidents sharing one are
#: compared even when they share no target country.
BLOCKING_RARITY = 0.6


@lru_cache(maxsize=1)
def _table() -> tuple[int, dict[str, int]]:
    raw = resources.files("cybertrack.resolve").joinpath("data/term_df.json").read_text(
        encoding="utf-8")
    data = json.loads(raw)
    return int(data["documents"]), {str(k): int(v) for k, v in data["df"].items()}


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    from cybertrack.reference import load_reference

    out: set[str] = set()
    for c in load_reference().countries():
        for name in (*c.names, *c.demonyms, c.capital or "", *c.metonyms):
            out.update(_TOKEN.findall(name.casefold()))
    return frozenset(out)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` (apostrophes and hyphens kept inside words)."""
    return _TOKEN.findall(text.casefold().replace("\u2019", "'"))


def terms(text: str) -> frozenset[str]:
    """The candidate terms of ``text``: words of three letters or more that are neither stop
    words nor place names (possessive 's dropped)."""
    places = _place_words()
    out: set[str] = set()
    for tok in tokens(text):
        tok = tok.removesuffix("'s")
        if len(tok) >= 3 and tok not in STOP and tok not in places:
            out.add(tok)
    return frozenset(out)


@lru_cache(maxsize=1 << 17)
def rarity(term: str) -> float:
    """The term's inverse document frequency scaled to (0, 1]: 1 for a word the table never
    saw, near 0 for a word in nearly every document."""
    if " " in term:  # a name phrase is as rare as its rarest word
        return max(rarity(w) for w in term.split())
    n, df = _table()
    top = math.log(n + 1)
    return math.log((n + 1) / (df.get(term, 0) + 1)) / top if top else 1.0


def similarity(a: Iterable[str], b: Iterable[str]) -> tuple[float, list[str]]:
    """Cosine similarity of two term sets weighted by rarity squared-root-free (each term
    weighs its rarity), and the shared terms, rarest first."""
    wa = {t: rarity(t) for t in a}
    wb = {t: rarity(t) for t in b}
    shared = sorted(set(wa) & set(wb), key=lambda t: (-wa[t], t))
    if not shared:
        return 0.0, []
    dot = sum(wa[t] * wb[t] for t in shared)
    na = math.sqrt(sum(v * v for v in wa.values()))
    nb = math.sqrt(sum(v * v for v in wb.values()))
    return (dot / (na * nb) if na and nb else 0.0), shared


def blocking_keys(term_set: Iterable[str]) -> frozenset[str]:
    """The rare terms an incident is blocked by (see ``BLOCKING_RARITY``)."""
    return frozenset(t for t in term_set if rarity(t) >= BLOCKING_RARITY)


_NAME_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'\u2019][A-Za-z0-9]+)*")
#: A line is set in title case (a headline) when at least this share of its longer words
#: start with a capital: there a capital says nothing about a name.
_TITLE_CASE_SHARE = 0.8
_INNER = re.compile(r"[A-Z0-9]")
_SENTENCE_END = frozenset(".!?:;\"'\u201c\u201d\u2018\u2019([-\u2013\u2014|")


def _title_case(words: list[str]) -> bool:
    longer = [w for w in words if len(w) >= 4]
    if len(longer) < 2:
        return False
    return sum(w[0].isupper() for w in longer) >= _TITLE_CASE_SHARE * len(longer)


def names(text: str) -> frozenset[str]:
    """The terms of ``text`` that it writes as names: capitalized inside a sentence (not
    after a full stop or a quote, not in a title-case headline), or with a capital or a
    digit inside the word ("WannaCry", "KA-SAT", "DEV-0842"); and the phrases of two or more
    adjacent capitalized words holding such a name, as word pairs ("licking county", "keisha
    lance"), places and stop words left out. A shared name (a victim, a person, a malware
    family, a product) tells one event from another far better than a shared common word,
    however rare the table finds that word ("law-enforcement", "afternoon")."""
    places = _place_words()
    out: set[str] = set()
    for line in text.splitlines():
        matches = list(_NAME_TOKEN.finditer(line))
        title = _title_case([m.group() for m in matches])
        phrase: list[str] = []
        named = False
        end = 0
        for m in matches:
            word = m.group()
            gap = line[end:m.start()]
            before = gap.rstrip()
            last = before[-1] if before else (line[end - 1] if end else "")
            end = m.end()
            capital = not word.islower()
            if phrase and (not capital or gap != " "):
                if named:
                    out.update(_pairs(phrase))
                phrase, named = [], False
            if title or not capital:
                continue
            term = word.casefold().replace("\u2019", "'").removesuffix("'s")
            if term in STOP or term in places or len(term) < 3:
                if named:
                    out.update(_pairs(phrase))
                phrase, named = [], False
                continue
            if _INNER.search(word, 1) or (last and last not in _SENTENCE_END):
                out.add(term)
                named = True
            phrase.append(term)
            if word.endswith(("'s", "\u2019s")):
                if named:
                    out.update(_pairs(phrase))
                phrase, named = [], False
        if named:
            out.update(_pairs(phrase))
    return frozenset(out)


def _pairs(phrase: list[str]) -> list[str]:
    """The adjacent word pairs of a run of capitalized words ("mayor keisha", "keisha
    lance", "lance bottoms"): two reports rarely write a whole run alike."""
    return [f"{x} {y}" for x, y in zip(phrase, phrase[1:], strict=False)]


#: Malware types whose families are made for one operation or one campaign (a wiper, a
#: sabotage tool, a ransomware outbreak, an espionage platform); tools, loaders, botnets and
#: stealers recur across unrelated operations and tell nothing.
EVENT_MALWARE_TYPES = frozenset({"wiper", "sabotage", "ransomware", "espionage"})


@lru_cache(maxsize=1)
def _malware_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    from cybertrack.reference.catalog import malware_entries

    alias_of: dict[str, str] = {}
    for entry in malware_entries():
        if entry.get("malware_type") not in EVENT_MALWARE_TYPES:
            continue
        ambiguous = {a.casefold() for a in entry.get("ambiguous_aliases", [])}
        for name in (entry["name"], *entry.get("aliases", [])):
            key = str(name).casefold()
            if key not in ambiguous and len(key) >= 4:
                alias_of[key] = str(entry["id"])
    words = sorted(alias_of, key=len, reverse=True)
    pattern = re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(w) for w in words)
                         + r")(?![a-z0-9])")
    return pattern, alias_of


def malware(text: str) -> frozenset[str]:
    """The reference malware families (of ``EVENT_MALWARE_TYPES``) that ``text`` names, as
    entity ids; names the reference marks ambiguous ("Flame", "Snake") are not read."""
    pattern, alias_of = _malware_pattern()
    return frozenset(alias_of[m.group(1)] for m in pattern.finditer(text.casefold()))
