"""Country shapes for the target map, decoded from the shipped TopoJSON (no network).

``data/countries-110m.json`` is Natural Earth's 1:110m countries as the npm package
``world-atlas`` 2.0.2 builds them (data/NOTICE.md): 177 shapes whose borders are shared
*arcs*, quantized and delta-encoded. TopoJSON is decoded here rather than through a GIS
stack (geopandas, cartopy, shapely) because the map needs nothing but polygons in longitude
and latitude, and a 110 KB file with 60 lines of decoding costs far less to ship and install.

Decoding (TopoJSON specification, "Transforms" and "Arcs"): each arc is a list of positions
whose first is absolute and the others deltas, in integer units; a position is
``translate + scale * (running sum)``. A ring lists arc indices; a negative index ``~i`` means
arc ``i`` reversed; consecutive arcs share an end point, which is kept once.

Shapes are keyed by ISO 3166-1 alpha-2, mapped from the ISO numeric ``id`` with pycountry.
Three shapes have no id: Kosovo (``XK``, as the reference data has it), and Somaliland and
Northern Cyprus, drawn as part of Somalia and Cyprus (the states they belong to in ISO 3166).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pycountry

from cybertrack.errors import ReferenceDataError

Point = tuple[float, float]
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]  # exterior ring first, then holes

#: Shapes without an ISO numeric id in Natural Earth, by their name there.
_UNCODED = {"Kosovo": "XK", "Somaliland": "SO", "N. Cyprus": "CY"}
DATA_FILE = "countries-110m.json"


@dataclass(frozen=True, slots=True)
class CountryShape:
    """One country's outline: every polygon (islands, exclaves) in longitude/latitude."""

    code: str  # ISO 3166-1 alpha-2
    name: str  # as Natural Earth names it
    polygons: tuple[Polygon, ...]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc of ``topology`` as absolute (longitude, latitude) positions."""
    transform = topology.get("transform")
    if transform:
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    else:  # an unquantized topology holds absolute positions
        sx, sy, tx, ty = 1.0, 1.0, 0.0, 0.0
    out: list[list[Point]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for pos in arc:
            if transform:
                x, y = x + pos[0], y + pos[1]
            else:
                x, y = pos[0], pos[1]
            points.append((tx + sx * x, ty + sy * y))
        out.append(points)
    return out


def _ring(indices: list[int], arcs: list[list[Point]]) -> Ring:
    points: list[Point] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return tuple(points)


def _polygons(geometry: dict[str, Any], arcs: list[list[Point]]) -> tuple[Polygon, ...]:
    kind = geometry.get("type")
    if kind == "Polygon":
        parts = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        parts = geometry["arcs"]
    else:  # null geometries and points carry no outline
        return ()
    return tuple(tuple(_ring(r, arcs) for r in part) for part in parts)


def _alpha2(geometry: dict[str, Any]) -> str | None:
    name = str((geometry.get("properties") or {}).get("name", ""))
    numeric = geometry.get("id")
    if numeric is None:
        return _UNCODED.get(name)
    country = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return None if country is None else str(country.alpha_2)


@functools.cache
def country_shapes() -> dict[str, CountryShape]:
    """Every country shape by alpha-2 code (read once per process). Two shapes with one code
    (Somaliland with Somalia) are one country of several polygons."""
    try:
        raw = resources.files("cybertrack.report").joinpath("data", DATA_FILE).read_bytes()
        topology = json.loads(raw)
        arcs = decode_arcs(topology)
        geometries = topology["objects"]["countries"]["geometries"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReferenceDataError(
            f"the country shapes (cybertrack/report/data/{DATA_FILE}) cannot be read ({exc}); "
            "reinstall cybertrack") from exc
    shapes: dict[str, CountryShape] = {}
    for geometry in geometries:
        code = _alpha2(geometry)
        if code is None:
            continue
        polygons = _polygons(geometry, arcs)
        name = str((geometry.get("properties") or {}).get("name", code))
        if code in shapes:
            old = shapes[code]
            shapes[code] = CountryShape(code, old.name, old.polygons + polygons)
        else:
            shapes[code] = CountryShape(code, name, polygons)
    return shapes
