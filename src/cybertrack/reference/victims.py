"""Organization -> country facts from the victims CFR's Cyber Operations Tracker names.

CFR codes each operation's victims as free text ("Sony Pictures Entertainment", "Office of
Personnel Management", "Ukrainian government agencies"). A victim item that is a proper name and
names no country becomes an organization entry whose country is the one country the row's title
and description name besides the suspected sponsor; an item whose rows disagree, or whose row
names no such single country, gives no fact. Only the name and the country are kept (facts, no
descriptions). Extraction then resolves "Sony Pictures" or "Equifax" in text to a country.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

CFR_FILE = Path("cfr-cyber-operations-tracker") / "cyber-operations-incidents.csv"
#: Words that make a victim item a description, not an organization's name.
_GENERIC = re.compile(
    r"\b(?:agenc(?:y|ies)|companies|firms|entities|organi[sz]ations|individuals|users|"
    r"officials|networks|systems|servers|websites|accounts|sectors?|institutions|government|"
    r"governments|ministries|banks|customers|employees|journalists|activists|dissidents|"
    r"members|people|citizens|targets|victims|various|several|multiple|unknown|unnamed|"
    r"global|international|including|among|other|others|military|defense|defence|"
    r"contractors|groups|parties|media|universities|hospitals|applications|devices|"
    r"undisclosed|worldwide|around|across|and|in|at|from|belonging|based|linked)\b",
    re.IGNORECASE)
#: First words of a name that many countries' bodies share ("Ministry of ...", "National
#: Research Council"): such a name alone places nothing.
_GENERIC_HEADS = frozenset(("The", "A", "An", "Ministry", "Department", "Office", "Bureau",
                            "National", "Prime", "Council", "Federal", "State", "Central",
                            "Islamic", "Royal", "Supreme", "General", "Presidential"))
_NAME = re.compile(r"^(?:[A-Z][\w.&'-]*|of|the|for|de)(?:\s+(?:[A-Z][\w.&'-]*|of|the|for|de|"
                   r"&))*$")
_SUFFIX = re.compile(r"\s*,?\s+(?:Inc|Corp|Ltd|LLC|Co|PLC|AG|SA)\.?$")


def _country_finder(countries: list[dict[str, Any]]) -> tuple[re.Pattern[str], dict[str, str]]:
    words: dict[str, str] = {}
    for c in countries:
        for w in [*c["names"], *c["demonyms"]]:
            if len(w) > 3 or w.isupper():
                words.setdefault(w, c["code"])
    rx = re.compile(r"\b(" + "|".join(sorted((re.escape(w) for w in words), key=len,
                                             reverse=True)) + r")\b")
    return rx, words


def _placed(text: str, name: str, rx: re.Pattern[str], words: dict[str, str]) -> str | None:
    """The country the text places ``name`` in: a country word right before it ("the South
    Korean Ministry of Unification", "Taiwan's Democratic Progressive Party") or in an
    apposition right after it ("Westinghouse, a U.S. company")."""
    head = re.escape(" ".join(name.split()[:2]))
    for m in re.finditer(head, text):
        before = text[max(0, m.start() - 40) : m.start()]
        near = list(re.finditer(rx.pattern + r"(?:['’]s)?\s+(?:[a-z][\w-]*\s+){0,3}$", before))
        if near:
            return words[near[-1].group(1)]
        after = re.match(r"[^,.]*,\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}?" + rx.pattern,
                         text[m.end() : m.end() + 80])
        if after:
            return words[after.group(1)]
    return None


def victim_organizations(data_dir: Path, countries: list[dict[str, Any]],
                         known: set[str]) -> list[dict[str, Any]]:
    """Organization entries (kind organization, not government) for CFR's named victims.

    ``known`` holds case-folded names the reference data already has (countries, bodies,
    actors): those are left to it. Returns entries sorted by name (deterministic builds).
    """
    path = data_dir / CFR_FILE
    if not path.exists():
        return []
    rx, words = _country_finder(countries)
    seen: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh):
            text = f"{row.get('Title') or ''}. {row.get('Description') or ''}"
            sponsors = {words[m.group(1)] for m in rx.finditer(row.get("Sponsor") or "")}
            for item in re.split(r"[,;]", row.get("Victims") or ""):
                name = _SUFFIX.sub("", " ".join(item.split()).strip(" .?"))
                if not (3 <= len(name) <= 60 and _NAME.match(name)) or \
                        _GENERIC.search(name) or rx.search(name) or \
                        name.casefold() in known or name.split()[0] in _GENERIC_HEADS:
                    continue
                key = name.casefold()
                spelled.setdefault(key, name)
                seen.setdefault(key, set())
                placed = _placed(text, name, rx, words)
                seen[key].add(placed if placed and placed not in sponsors else "?")
    out: list[dict[str, Any]] = []
    for key in sorted(seen):
        codes = seen[key]
        if len(codes) != 1 or "?" in codes:
            continue
        name = spelled[key]
        out.append({"id": "org:victim-" + re.sub(r"\W+", "-", key).strip("-"),
                    "kind": "organization", "name": name, "aliases": [],
                    "country": codes.pop(), "sponsor": None, "gov": False, "vendor": False,
                    "intl": False})
    return out
