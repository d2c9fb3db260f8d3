"""Readers for the MISP galaxy and ATT&CK folders: each cluster becomes one ``Member``.

A Member is one source's view of one actor (or ATT&CK campaign): its names, which vendor uses
which name, the suspected sponsor, references and cross-references. Descriptions are never
read, so nothing copyrighted leaves the sources (facts only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cybertrack.errors import ReferenceDataError
from cybertrack.reference.naming import scheme_vendor

GID_RE = re.compile(r"^[GC]\d{4}$")
MISP_GALAXIES = {
    "threat-actor": "misp-threat-actor",
    "mitre-intrusion-set": "misp-mitre-intrusion-set",
    "microsoft-activity-group": "misp-microsoft-activity-group",
}
#: Human-readable source names, used as ``Link.made_by`` and in provenance.
SOURCE_LABELS = {
    "misp-threat-actor": "MISP galaxy threat-actor",
    "misp-mitre-intrusion-set": "MISP galaxy mitre-intrusion-set (MITRE ATT&CK)",
    "misp-microsoft-activity-group": "MISP galaxy microsoft-activity-group (Microsoft)",
    "attack-intrusion-set": "MITRE ATT&CK",
    "attack-campaign": "MITRE ATT&CK",
}


@dataclass(slots=True)
class Member:
    """One cluster of one source, before merging."""

    source: str
    key: str
    name: str
    synonyms: list[str] = field(default_factory=list)
    vendor_names: list[tuple[str, str]] = field(default_factory=list)
    country: str | None = None
    cfr_sponsor: str | None = None
    victims: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    ext_ids: list[str] = field(default_factory=list)
    related: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        ids = f" {'/'.join(self.ext_ids)}" if self.ext_ids else ""
        return f"{SOURCE_LABELS[self.source]} '{self.name}'{ids}"

    def all_names(self) -> list[str]:
        return [self.name, *self.synonyms]


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(f"{path}: cannot read ({exc}); check the source folder") from exc


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _tag(tags: list[str]) -> str:
    for t in tags:
        m = re.search(r'likelihood-probability="([^"]+)"', t)
        if m:
            return m.group(1)
    return ""


def read_misp(
    folder: Path, producers: dict[str, str], valid_codes: frozenset[str]
) -> Iterator[Member]:
    """Yield the members of the three MISP actor galaxies found in ``folder``."""
    for galaxy, source in MISP_GALAXIES.items():
        path = folder / f"{galaxy}.json"
        if not path.exists():
            continue
        for v in _load_json(path).get("values", []):
            if v.get("revoked"):
                continue
            meta = v.get("meta", {}) or {}
            name = str(v["value"]).strip()
            ext_ids = _as_list(meta.get("external_id"))
            if ext_ids:
                name = re.sub(r"\s+-\s+[GC]\d{4}$", "", name)
            m = Member(source, str(v["uuid"]), name)
            m.synonyms = [s.strip() for s in _as_list(meta.get("synonyms")) if s.strip()]
            for item in _as_list(meta.get("name-attribution")):
                alias, _, producer = item.rpartition(":")
                alias = alias.strip()
                if not alias:
                    continue
                if alias not in m.synonyms and alias != name:
                    m.synonyms.append(alias)
                if producer in producers:
                    m.vendor_names.append((alias, producers[producer]))
            for k, val in meta.items():
                if k.startswith("origin:") and isinstance(val, str):
                    m.vendor_names.append((k[len("origin:"):], val))
            if source == "misp-microsoft-activity-group":
                m.vendor_names.insert(0, (name, "Microsoft"))
            country = str(meta.get("country") or "").upper()
            m.country = country if country in valid_codes else None
            sponsor = meta.get("cfr-suspected-state-sponsor")
            m.cfr_sponsor = sponsor if isinstance(sponsor, str) else None
            m.victims = _as_list(meta.get("cfr-suspected-victims"))
            m.refs = _as_list(meta.get("refs"))
            gids = [s for s in m.synonyms if GID_RE.match(s)]
            m.ext_ids = list(dict.fromkeys(ext_ids + gids))
            m.related = [
                (str(r["dest-uuid"]), str(r.get("type", "")), _tag(r.get("tags", [])))
                for r in v.get("related", [])
                if r.get("type") != "uses"
            ]
            yield m


def alias_vendor(alias: str, cites: list[str], citation_vendor: Callable[[str], str | None]
                 ) -> str | None:
    """Who coined ``alias``, from the citations ATT&CK gives for it: the vendor of a
    citation naming the alias ("Microsoft STRONTIUM Aug 2019" for STRONTIUM), else the vendor
    whose naming scheme it follows (``naming.scheme_vendor``), else the one vendor all the
    citations name; None when they name several and none names the alias. ATT&CK cites
    everyone who *uses* a name: taking the first citation credited Microsoft's STRONTIUM to
    Kaspersky and Trend Micro's Pawn Storm to Secureworks."""
    key = alias.casefold()
    vendors = [(cite, v) for cite in cites if (v := citation_vendor(cite))]
    naming = [v for cite, v in vendors if key in cite.casefold()]
    if naming:
        return naming[0]
    scheme = scheme_vendor(alias)  # "Stone Panda" is CrowdStrike's whoever is cited
    if scheme:
        return scheme
    distinct = set(v for _, v in vendors)
    return distinct.pop() if len(distinct) == 1 else None


def read_attack(
    folder: Path, citation_vendor: Callable[[str], str | None]
) -> tuple[list[Member], list[tuple[str, str]]]:
    """ATT&CK intrusion sets and campaigns (all domains) and attributed-to (campaign, set) pairs.

    An alias is credited to a vendor when ATT&CK's citation for it names one
    ("(Citation: CrowdStrike ...)").
    """
    members: dict[str, Member] = {}
    pairs: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*/*/*.json")):
        for o in _load_json(path).get("objects", []):
            kind = o.get("type")
            if kind == "relationship" and o.get("relationship_type") == "attributed-to":
                if not (o.get("revoked") or o.get("x_mitre_deprecated")):
                    pairs.append((o["source_ref"].split("--")[1], o["target_ref"].split("--")[1]))
                continue
            if kind not in ("intrusion-set", "campaign"):
                continue
            if o.get("revoked") or o.get("x_mitre_deprecated"):
                continue
            key = o["id"].split("--")[1]
            if key in members:
                continue
            source = "attack-intrusion-set" if kind == "intrusion-set" else "attack-campaign"
            m = Member(source, key, o["name"].strip())
            m.synonyms = [a for a in _as_list(o.get("aliases")) if a != m.name]
            names = {n.casefold() for n in m.all_names()}
            for ref in o.get("external_references", []):
                if ref.get("source_name") == "mitre-attack":
                    m.ext_ids.append(ref["external_id"])
                    if ref.get("url"):
                        m.refs.insert(0, ref["url"])
                    continue
                if ref.get("source_name", "").casefold() in names:
                    vendor = alias_vendor(ref["source_name"], re.findall(
                        r"\(Citation: ([^)]+)\)", ref.get("description", "")), citation_vendor)
                    if vendor:
                        m.vendor_names.append((ref["source_name"], vendor))
                elif ref.get("url"):
                    m.refs.append(ref["url"])
            members[key] = m
    return list(members.values()), pairs


def read_source_commit(folder: Path) -> dict[str, str]:
    """Repository, commit and licence lines of a data folder's SOURCE.txt (facts for NOTICE)."""
    path = folder / "SOURCE.txt"
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for line in path.read_text("utf-8").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("Repo", "Commit", "Licence", "Dataset"):
            out[key.strip().lower()] = value.strip()
    return out
