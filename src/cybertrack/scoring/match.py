"""Pairwise match rules, one function per category (shared/eval/README.md, "How a prediction
is matched").

Each rule returns the names of the checks a (gold, predicted) pair fails; an empty tuple is a
match. Returning reasons instead of a bool lets the report tell a developer *why* a gold item
was missed ("nearest prediction fails: claimant").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from cybertrack.model import PartialDate
from cybertrack.scoring.records import parse_date
from cybertrack.vocab import CONFIDENCE_SYNONYMS, VERBAL_FAMILY

Item = dict[str, Any]
AliasResolver = Callable[[str], set[str]]
Failures = tuple[str, ...]

#: Entity kinds that may stand for one another (a tagger's ORG may be the gold's threat actor).
KIND_FAMILY: dict[str, str] = {
    "country": "place", "location": "place",
    "threat-actor": "group", "organization": "group",
    "person": "person", "malware": "malware", "sector": "sector",
}
#: Claimant keys that carry a name (as opposed to ``government``, which carries a country).
NAME_KEYS = ("organization", "actor", "person")
_PRECISION_RANK = {"day": 0, "range": 1, "month": 2, "year": 3}
_WS = re.compile(r"\s+")
_THE = re.compile(r"^the\s+")


def norm_name(name: object) -> str:
    """Case-folded, NFKC, whitespace collapsed, a leading "the" and edge punctuation dropped."""
    text = _WS.sub(" ", unicodedata.normalize("NFKC", str(name)).casefold()).strip()
    return _THE.sub("", text).strip(" .,;:'\"\u2019\u201c\u201d")


def norm_code(code: object) -> str:
    """A country code as compared: upper case, trimmed."""
    return str(code).strip().upper() if code else ""


class Names:
    """Which names are aliases of which, for one document.

    Groups come from both sides' entity lists (a name with its ``aliases``), from ``aliases``
    on the compared records, and from an optional resolver (the reference data's alias sets).
    Two names match when equal after :func:`norm_name` or when one is an alias of the other.
    """

    def __init__(self, groups: Iterable[Iterable[str]] = (), resolver: AliasResolver | None = None):
        self._resolver = resolver
        self._groups: dict[str, set[str]] = {}
        self._cache: dict[str, frozenset[str]] = {}
        for group in groups:
            names = {norm_name(x) for x in group if x}
            for n in names:
                self._groups.setdefault(n, set()).update(names)

    def aliases_of(self, name: str) -> frozenset[str]:
        """The normalized name and every alias known for it."""
        key = norm_name(name)
        if key not in self._cache:
            found = {key} | self._groups.get(key, set())
            if self._resolver is not None:
                found |= {norm_name(x) for x in self._resolver(name) or ()}
            self._cache[key] = frozenset(found)
        return self._cache[key]

    def same(
        self, a: str, b: str, extra_a: Iterable[str] = (), extra_b: Iterable[str] = ()
    ) -> bool:
        """True when ``a`` and ``b`` name the same thing; ``extra_*`` are per-record aliases."""
        na, nb = norm_name(a), norm_name(b)
        if not na or not nb:
            return False
        if na == nb:
            return True
        set_a = self.aliases_of(a) | {norm_name(x) for x in extra_a}
        set_b = self.aliases_of(b) | {norm_name(x) for x in extra_b}
        return nb in set_a or na in set_b


def _aliases(item: Item) -> list[str]:
    value = item.get("aliases") or []
    return [str(x) for x in value] if isinstance(value, list) else []


def _ym(d: dt.date) -> tuple[int, int]:
    return (d.year, d.month)


def dates_agree(a: PartialDate, b: PartialDate, day_slack: int) -> bool:
    """The coarser precision decides: same year, same month, or within ``day_slack`` days."""
    coarse = max(_PRECISION_RANK[a.precision], _PRECISION_RANK[b.precision])
    if coarse == _PRECISION_RANK["year"]:
        return a.start.year <= b.end.year and b.start.year <= a.end.year
    if coarse == _PRECISION_RANK["month"]:
        return _ym(a.start) <= _ym(b.end) and _ym(b.start) <= _ym(a.end)
    return a.overlaps(b, slack_days=day_slack)


def entity_failures(g: Item, p: Item) -> Failures:
    """Same kind family; two countries by ISO code, otherwise by name or an alias on either side."""
    gk, pk = str(g.get("kind", "")), str(p.get("kind", ""))
    if KIND_FAMILY.get(gk, gk) != KIND_FAMILY.get(pk, pk):
        return ("kind",)
    if gk == pk == "country" and g.get("country") and p.get("country"):
        return () if norm_code(g["country"]) == norm_code(p["country"]) else ("country",)
    names = Names([[str(g.get("name", "")), *_aliases(g)], [str(p.get("name", "")), *_aliases(p)]])
    return () if names.same(str(g.get("name", "")), str(p.get("name", ""))) else ("name",)


def targets_of(incident: Item) -> set[str]:
    """An incident's target countries, as codes."""
    return {norm_code(t) for t in incident.get("targets") or [] if t}


def incident_failures(g: Item, p: Item, where: str = "") -> Failures:
    """A target country in common (waived when either side names none); dates agree when both
    give one (year / month / within 7 days, by the coarser precision)."""
    out: list[str] = []
    gt, pt = targets_of(g), targets_of(p)
    if gt and pt and not gt & pt:
        out.append("targets")
    gd = parse_date(g.get("date"), f"{where} gold incident date")
    pd = parse_date(p.get("date"), f"{where} predicted incident date")
    if gd and pd and not dates_agree(gd, pd, day_slack=7):
        out.append("date")
    return tuple(out)


def incident_closeness(g: Item, p: Item) -> tuple[int, int]:
    """Sort key among matching predictions: more shared targets first, then nearer dates."""
    shared = len(targets_of(g) & targets_of(p))
    gd, pd = parse_date(g.get("date"), "gold"), parse_date(p.get("date"), "predicted")
    gap = abs((gd.start - pd.start).days) if gd and pd else 10**6
    return (-shared, gap)


class IncidentLink(NamedTuple):
    """How claims reach incidents: the matched (gold key, predicted key) pairs, and whether the
    incident check is waived because a side has at most one incident."""

    pairs: frozenset[tuple[str, str]]
    waived: bool


def incident_ok(g: Item, p: Item, link: IncidentLink) -> bool:
    """A gold claim with a null incident matches a claim on any incident."""
    gi = g.get("incident")
    if gi is None or link.waived:
        return True
    pi = p.get("incident")
    return pi is not None and (str(gi), str(pi)) in link.pairs


def _name_of(claimant: Item) -> str | None:
    for key in NAME_KEYS:
        if claimant.get(key):
            return str(claimant[key])
    return None


def claimant_matches(g: Item | None, p: Item | None, names: Names) -> bool:
    """Null gold matches any; governments by country; names case-folded or by alias; a person
    with ``country`` CC matches ``{"government": CC}`` (either way round)."""
    if g is None:
        return True
    if not p:
        return False
    if g.get("government"):
        gov = norm_code(g["government"])
        person_country = norm_code(p.get("country")) if p.get("person") else ""
        return gov in (norm_code(p.get("government")), person_country)
    if p.get("government"):
        return bool(g.get("person")) and norm_code(g.get("country")) == norm_code(p["government"])
    gn, pn = _name_of(g), _name_of(p)
    if gn is None or pn is None:
        return False
    return names.same(gn, pn, _aliases(g), _aliases(p))


def attributed_matches(g: Item | None, p: Item | None, names: Names) -> bool:
    """Every part the gold gives must match: a state by code (a predicted actor's ``sponsor``
    counts), an actor by name or alias."""
    if not g:
        return True
    if not p:
        return False
    if g.get("state") and norm_code(g["state"]) not in {
        norm_code(p.get("state")), norm_code(p.get("sponsor"))
    }:
        return False
    if g.get("actor"):
        return bool(p.get("actor")) and names.same(
            str(g["actor"]), str(p["actor"]), _aliases(g), _aliases(p)
        )
    return True


def attribution_failures(g: Item, p: Item, link: IncidentLink, names: Names) -> Failures:
    out = [] if incident_ok(g, p, link) else ["incident"]
    if not claimant_matches(g.get("claimant"), p.get("claimant"), names):
        out.append("claimant")
    if not attributed_matches(g.get("attributed_to"), p.get("attributed_to"), names):
        out.append("attributed_to")
    return tuple(out)


def denial_failures(g: Item, p: Item, link: IncidentLink, names: Names) -> Failures:
    out = [] if incident_ok(g, p, link) else ["incident"]
    if not claimant_matches(g.get("claimant"), p.get("claimant"), names):
        out.append("claimant")
    return tuple(out)


def action_family(action: object) -> str:
    """condemn, accuse and statement are one family of verbal reactions."""
    a = str(action or "").strip().lower()
    return "verbal" if a in VERBAL_FAMILY else a


def response_failures(g: Item, p: Item, where: str = "") -> Failures:
    """Same actor, target and action family; within 2 days when both give a day. The incident
    a response is tied to is not compared (the README's response rule does not ask for it)."""
    out: list[str] = []
    if norm_code(g.get("actor")) != norm_code(p.get("actor")):
        out.append("actor")
    if norm_code(g.get("target")) != norm_code(p.get("target")):
        out.append("target")
    if action_family(g.get("action")) != action_family(p.get("action")):
        out.append("action")
    gd = parse_date(g.get("date"), f"{where} gold response date")
    pd = parse_date(p.get("date"), f"{where} predicted response date")
    if gd and pd and gd.precision == pd.precision == "day" and abs((gd.start - pd.start).days) > 2:
        out.append("date")
    return tuple(out)


def norm_confidence(value: object) -> str | None:
    """``medium`` and ``moderate`` are one level; anything unknown is kept as written."""
    if value is None:
        return None
    text = str(value).strip().lower()
    return CONFIDENCE_SYNONYMS.get(text, text)
