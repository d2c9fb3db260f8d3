"""Build-time rules about names: who coined an alias, and whether a name is also a word.

Both rules are data (``vendor_schemes.json``, ``ambiguity.json``) so an analyst can correct them
without touching code. They run when the reference data is built, never at load time.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

ACRONYM_RE = re.compile(r"(?:[A-Z]\.){2,}[A-Z]?\.?|[A-Z][A-Z0-9&/]{1,5}")


def read_data(name: str) -> Any:
    """Read one of the hand-edited JSON files shipped in ``reference/data``."""
    text = resources.files("cybertrack.reference").joinpath("data", name).read_text("utf-8")
    return json.loads(text)


def is_acronym(text: str) -> bool:
    """"FBI", "U.S.", "APT1", "NCSC": short upper-case tokens, matched case-sensitively."""
    return ACRONYM_RE.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Scheme:
    vendor: str
    pattern: re.Pattern[str] | None
    element: bool = False


@functools.cache
def _schemes() -> tuple[Scheme, ...]:
    out = []
    for s in read_data("vendor_schemes.json")["schemes"]:
        if s.get("element"):
            out.append(Scheme(s["vendor"], None, True))
            continue
        flags = 0 if s.get("case_sensitive") else re.IGNORECASE
        out.append(Scheme(s["vendor"], re.compile(s["pattern"], flags)))
    return tuple(out)


@functools.cache
def _ambiguity() -> dict[str, Any]:
    data = read_data("ambiguity.json")
    return {
        "min_length": int(data["min_length"]),
        "patterns": tuple(re.compile(p, re.IGNORECASE) for p in data["patterns"]),
        "words": frozenset(w.casefold() for w in data["words"]),
        "elements": frozenset(w.casefold() for w in data["elements"]),
        "country_cs": frozenset(data["country_case_sensitive"]),
        "country_ambiguous": frozenset(data["country_ambiguous"]),
    }


def scheme_vendor(alias: str) -> str | None:
    """The vendor whose naming scheme ``alias`` follows ("Forest Blizzard" -> Microsoft)."""
    amb = _ambiguity()
    for scheme in _schemes():
        if scheme.element:
            if alias.isupper() and alias.casefold() in amb["elements"]:
                return scheme.vendor
        elif scheme.pattern is not None and scheme.pattern.fullmatch(alias):
            return scheme.vendor
    return None


def is_common_word(text: str) -> bool:
    """True when ``text`` is also an ordinary word or generic phrase (Equation, Gallium)."""
    amb = _ambiguity()
    key = text.casefold()
    return (
        key in amb["words"]
        or key in amb["elements"]
        or any(p.fullmatch(text) for p in amb["patterns"])
    )


def actor_name_ambiguous(text: str) -> bool:
    """Actor and malware names: short (< 4 characters) or ordinary words need context."""
    return len(text) < _ambiguity()["min_length"] or is_common_word(text)


def country_flags(text: str) -> tuple[bool, bool]:
    """(case_sensitive, ambiguous) for a country surface ("China" vs "china")."""
    amb = _ambiguity()
    ambiguous = text in amb["country_ambiguous"]
    case_sensitive = ambiguous or text in amb["country_cs"] or is_acronym(text)
    return case_sensitive, ambiguous


def demonym_plurals(demonym: str) -> list[str]:
    """People forms derived from a demonym: Iranian -> Iranians, Frenchman -> Frenchmen.

    Adjectives that have no plural (Chinese, Swiss, British, Danish, Hellenic) give nothing.
    """
    if "." in demonym:
        return []
    if demonym.endswith("man"):
        return [demonym[:-3] + "men"]
    if demonym.endswith("woman"):
        return [demonym[:-5] + "women"]
    if demonym.endswith(("ese", "ss", "sh", "ch", "x", "z", "ic", "ais", "ois")):
        return []
    return [demonym + "s"]
