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
