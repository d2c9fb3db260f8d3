"""Geography for reach: home regions, distances between capitals, EU and NATO membership.

UN M49 puts Iran in Southern Asia and Israel in Western Asia, which is not how reporting on
state cyber operations speaks of "the region"; so a state in the commonly used Middle East
(below) has the Middle East as its home region, and every other state its M49 sub-region.
Membership lists carry accession years (and the UK's EU exit) so that "first NATO member
targeted" is judged by membership at the time of the incident.
"""

from __future__ import annotations

import math

from cybertrack.reference import Country, Reference

#: The Middle East as commonly meant in security reporting (Gulf, Levant, Iran, Iraq, Turkey,
#: Egypt, Yemen, Cyprus).
MIDDLE_EAST = frozenset({
    "AE", "BH", "CY", "EG", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY",
    "TR", "YE",
})

#: NATO members and the year they joined.
NATO = {
    **dict.fromkeys(("BE", "CA", "DK", "FR", "IS", "IT", "LU", "NL", "NO", "PT", "GB", "US"),
                    1949),
    "GR": 1952, "TR": 1952, "DE": 1955, "ES": 1982, "CZ": 1999, "HU": 1999, "PL": 1999,
    **dict.fromkeys(("BG", "EE", "LV", "LT", "RO", "SK", "SI"), 2004),
    "AL": 2009, "HR": 2009, "ME": 2017, "MK": 2020, "FI": 2023, "SE": 2024,
}
#: EU members (and predecessors) and the year they joined; ``EU_LEFT`` the year one left.
EU = {
    **dict.fromkeys(("BE", "FR", "DE", "IT", "LU", "NL"), 1958),
    "DK": 1973, "IE": 1973, "GB": 1973, "GR": 1981, "PT": 1986, "ES": 1986,
    "AT": 1995, "FI": 1995, "SE": 1995,
    **dict.fromkeys(("CY", "CZ", "EE", "HU", "LV", "LT", "MT", "PL", "SK", "SI"), 2004),
    "BG": 2007, "RO": 2007, "HR": 2013,
}
EU_LEFT = {"GB": 2020}


def blocs_of(code: str, year: int) -> tuple[str, ...]:
    """Which of EU and NATO ``code`` belonged to in ``year``."""
    out = []
    if code in EU and EU[code] <= year < EU_LEFT.get(code, 10_000):
        out.append("EU")
    if code in NATO and NATO[code] <= year:
        out.append("NATO")
    return tuple(out)


def country_or_none(ref: Reference, code: str) -> Country | None:
    return ref.find_country(code)


def home_region(ref: Reference, code: str) -> str:
    """The region a state's operations are "at home" in (see module docstring)."""
    if code in MIDDLE_EAST:
        return "the Middle East"
    c = country_or_none(ref, code)
    return (c.subregion or c.region or "unknown region") if c else "unknown region"


def in_region(ref: Reference, code: str, region: str) -> bool:
    """Whether ``code`` lies in a region named by ``home_region``."""
    if region == "the Middle East":
        return code in MIDDLE_EAST
    c = country_or_none(ref, code)
    return c is not None and region in (c.subregion, c.region)


def region_members(ref: Reference, region: str) -> tuple[str, ...]:
    """Codes of the countries in a region named by ``home_region``."""
    if region == "the Middle East":
        return tuple(sorted(MIDDLE_EAST))
    return tuple(c.code for c in ref.countries() if region in (c.subregion, c.region))


def distance_km(ref: Reference, a: str, b: str) -> float | None:
    """Great-circle distance between two countries' capitals (haversine, R = 6371 km)."""
    ca, cb = country_or_none(ref, a), country_or_none(ref, b)
    if ca is None or cb is None or None in (ca.lat, ca.lon, cb.lat, cb.lon):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (ca.lat, ca.lon, cb.lat, cb.lon))  # type: ignore[arg-type]
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
