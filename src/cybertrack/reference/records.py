"""The records the reference layer hands to extraction and the CLI.

They are frozen and hold facts only (names, codes, sponsor, references), never descriptions, so
that shipping them respects the MISP/ATT&CK licences and they can be shared between threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

#: How a surface form relates to its entry; ``Hit.form`` is one of these.
FORMS: tuple[str, ...] = ("name", "alias", "demonym", "capital", "metonym", "acronym", "sector")


@dataclass(frozen=True, slots=True)
class Country:
    """An ISO 3166-1 country (plus Kosovo, XK) with the words news text uses for it.

    ``names`` are the names and variants found in text (never pycountry's inverted
    "Iran, Islamic Republic of"); ``metonyms`` stand for the government (the Kremlin, Downing
    Street); ``lat``/``lon`` are the capital's; ``region``/``subregion`` follow UN M49 (the
    intermediate region where M49 defines one, e.g. "Eastern Africa").
    """

    code: str
    name: str
    official_name: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: str | None
    metonyms: tuple[str, ...]
    lat: float | None
    lon: float | None
    region: str | None
    subregion: str | None
    alpha_3: str | None = None
    numeric: str | None = None


@dataclass(frozen=True, slots=True)
class RefEntry:
    """One thing extraction can link a mention to.

    ``id`` is ``<prefix>:<slug>`` ("country:IR", "actor:apt28", "org:mandiant", "gov:us-nsc",
    "intl:nato", "malware:shamoon", "sector:energy"); ``kind`` is an entity kind of
    ``cybertrack.vocab``. ``is_government`` means a claim made by this body is a claim made by
    ``country``. ``ambiguous`` on an entry returned by ``Reference.scan`` means the matched
    surface is also an ordinary word and needs nearby cyber context; on entries from
    ``lookup``/``entry`` it means the canonical name itself is such a word.
    ``vendor_aliases`` pairs an alias with the vendor that uses it, as the vendor spells it.
    """

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...]
    country: str | None
    sponsor: str | None
    is_government: bool = False
    is_vendor: bool = False
    is_international: bool = False
    ambiguous: bool = False
    vendor_aliases: tuple[tuple[str, str], ...] = ()
    refs: tuple[str, ...] = ()

    def vendors_of(self, alias: str) -> tuple[str, ...]:
        """The vendors credited with ``alias`` (case-insensitive), in data order."""
        key = alias.casefold()
        return tuple(v for a, v in self.vendor_aliases if a.casefold() == key)


class Hit(NamedTuple):
    """A match of ``Reference.scan``: ``text[start:end]`` is ``text``, naming ``entries``.

    ``form`` says how the words relate to the entries (see ``FORMS``). Several entries mean
    the words are shared (NCSC in the UK, New Zealand and the Netherlands).
    """

    start: int
    end: int
    text: str
    form: str
    entries: tuple[RefEntry, ...]
