"""Build-time assembly of the hand-edited facts: countries, organizations, malware, sectors.

Each function returns plain dicts in the shape of ``reference.json`` so the build can merge them
with the actors read from MISP/ATT&CK. pycountry supplies the codes; the names people write,
demonyms, capitals, coordinates and regions come from ``data/countries_extra.json``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pycountry

from cybertrack.errors import ReferenceDataError
from cybertrack.reference.naming import read_data

Entry = dict[str, Any]


def strip_the(text: str) -> str:
    return re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)


def build_countries(misp_country: Path | None) -> list[dict[str, Any]]:
    """Every ISO 3166-1 country plus Kosovo, with names, demonyms, capital and region."""
    extra = read_data("countries_extra.json")
    misp_capital: dict[str, str] = {}
    if misp_country is not None and misp_country.exists():
        import json

        for v in json.loads(misp_country.read_text("utf-8")).get("values", []):
            meta = v.get("meta", {})
            if meta.get("ISO") and meta.get("Capital"):
                misp_capital[meta["ISO"]] = str(meta["Capital"]).strip()
    region_of: dict[str, tuple[str, str]] = {}
    for sub, spec in extra["subregions"].items():
        for code in spec["countries"]:
            region_of[code] = (spec["region"], sub)
    codes = {c.alpha_2: c for c in pycountry.countries}
    out = []
    for code in sorted(set(codes) | set(extra["countries"])):
        pc = codes.get(code)
        x = extra["countries"].get(code)
        if x is None:
            raise ReferenceDataError(
                f"country {code} has no row in countries_extra.json; add its names and demonyms"
            )
        names: list[str] = [x["name"]]
        if pc is not None:
            for attr in ("common_name", "name", "official_name"):
                value = getattr(pc, attr, None)
                if value and "," not in value and "(" not in value:
                    names.append(value)
        names += x.get("names", [])
        names = list(dict.fromkeys(names))
        official = (getattr(pc, "official_name", None) if pc else None) or x.get(
            "official_name") or (pc.name if pc else x["name"])
        coords = x.get("coords")
        region, sub = region_of.get(code, (None, None))
        out.append({
            "code": code,
            "alpha_3": pc.alpha_3 if pc else x.get("alpha_3"),
            "numeric": pc.numeric if pc else None,
            "name": x["name"],
            "official_name": official,
            "names": names,
            "demonyms": x.get("demonyms", []),
            "capital": x.get("capital", misp_capital.get(code)),
            "metonyms": [strip_the(m) for m in x.get("metonyms", [])],
            "lat": coords[0] if coords else None,
            "lon": coords[1] if coords else None,
            "region": region,
            "subregion": sub,
        })
    return out


def organization_entries() -> list[Entry]:
    """Government bodies, international organizations, vendors and non-state groups."""
    out = []
    for o in read_data("organizations.json")["entries"]:
        out.append({
            "id": o["id"],
            "kind": o.get("kind", "organization"),
            "name": o["name"],
            "aliases": [strip_the(a) for a in o.get("aliases", [])],
            "country": o.get("country"),
            "sponsor": None,
            "gov": bool(o.get("gov")),
            "vendor": bool(o.get("vendor")),
            "intl": bool(o.get("intl")),
            "ambiguous_aliases": o.get("ambiguous", []),
            "misp_producer": o.get("misp_producer", []),
        })
    return out


def malware_entries() -> list[Entry]:
    """Malware and tool families from the hand list (no malware galaxy in the snapshot)."""
    out = []
    seen: set[str] = set()
    for f in read_data("malware.json")["families"]:
        slug = re.sub(r"[^a-z0-9]+", "-", f["name"].casefold()).strip("-")
        if slug in seen:
            raise ReferenceDataError(f"malware.json: {f['name']!r} is listed twice; merge the rows")
        seen.add(slug)
        out.append({
            "id": f"malware:{slug}", "kind": "malware", "name": f["name"],
            "aliases": f.get("aliases", []), "country": None, "sponsor": None,
            "malware_type": f.get("type"), "ambiguous_aliases": f.get("ambiguous", []),
        })
    return out


def sector_entries(misp_sector: Path | None) -> tuple[list[Entry], dict[str, list[str]]]:
    """Canonical sectors (scanned by their trigger words) and MISP-only sectors (lookup only)."""
    import json

    data = read_data("sectors.json")
    keywords: dict[str, list[str]] = {k: list(v) for k, v in data["sectors"].items()}
    entries: dict[str, Entry] = {}
    for sector, words in keywords.items():
        entries[sector] = {
            "id": f"sector:{sector}", "kind": "sector", "name": sector,
            "aliases": [sector.replace("-", " ")] + words, "country": None, "sponsor": None,
        }
    if misp_sector is not None and misp_sector.exists():
        for v in json.loads(misp_sector.read_text("utf-8")).get("values", []):
            name = str(v["value"])
            synonyms = v.get("meta", {}).get("synonyms", []) or []
            target = data["misp"].get(name)
            if target in entries:
                entries[target]["aliases"] += [name, *synonyms]
            elif name not in ("Unknown", "Other"):
                slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
                entries.setdefault(slug, {
                    "id": f"sector:{slug}", "kind": "sector", "name": name,
                    "aliases": list(synonyms), "country": None, "sponsor": None, "noscan": True,
                })
    generic = {w.casefold() for w in data.get("generic", [])}
    for key, e in entries.items():
        e["aliases"] = list(dict.fromkeys(a for a in e["aliases"] if a != e["name"]))
        explicit = {w.casefold() for w in keywords.get(key, [])}
        e["noscan_names"] = [a for a in [e["name"], *e["aliases"]]
                             if a.casefold() in generic and a.casefold() not in explicit]
    return list(entries.values()), keywords


def titles() -> dict[str, list[str]]:
    """Officials' titles, ministry words and ministry patterns for extraction."""
    data = read_data("titles.json")
    return {
        "titles": [t.casefold() for t in data["titles"]],
        "ministry_words": [t.casefold() for t in data["ministry_words"]],
        "ministry_patterns": list(data["ministry_patterns"]),
    }
