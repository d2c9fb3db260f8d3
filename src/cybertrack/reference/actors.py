"""Merge actor clusters from MISP and ATT&CK into entries, keeping disagreements as links.

The merge rule (also in docs/reference.md): two members are merged into one entry only on an
explicit cross-reference, tried strongest first:

1. the same uuid (MISP's copy of an ATT&CK group and the ATT&CK object itself);
2. a MISP threat-actor lists the ATT&CK id (G0007) of an ATT&CK group;
3. a MISP threat-actor credits a name to Microsoft and a Microsoft activity group has that name;
4. MISP ``related`` of type ``similar`` between clusters of *different* galaxies;
5. identical primary names (case and spacing aside) in different sources;
6. two clusters of different sources each listing the other's primary name as an alias
   (LYCEUM lists HEXANE, ATT&CK's HEXANE lists Lyceum).

A merge is refused when the result would hold two MISP threat-actor clusters (MISP keeps them
apart on purpose), two ATT&CK ids, or an ATT&CK group with a campaign; the refused edge becomes
a ``Link``. Sharing an alias never merges: the alias resolves to every entry that lists it and a
``Link`` records who lists it where. ATT&CK's "campaign attributed-to group" is a ``Link`` too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cybertrack.model import stable_id
from cybertrack.reference.naming import scheme_vendor
from cybertrack.reference.sources import Member

Entry = dict[str, Any]

#: Estimative-language likelihood tag -> a point score for the Link.
LIKELIHOOD_SCORE = {"almost-certain": 0.97, "very-likely": 0.87, "likely": 0.67, "": 0.6}
SHARED_ALIAS_SCORE = 0.5
ATTRIBUTED_TO_SCORE = 0.8
MAX_SHARERS = 6  # an alias listed by more entries than this is too generic to link on
MAX_REFS = 40
SOURCE_RANK = {
    "misp-threat-actor": 0,
    "attack-intrusion-set": 1,
    "misp-mitre-intrusion-set": 2,
    "misp-microsoft-activity-group": 3,
    "attack-campaign": 4,
}
ATTACK_SOURCES = frozenset({"misp-mitre-intrusion-set", "attack-intrusion-set", "attack-campaign"})
NEW_MS_SCHEME = re.compile(r".+ (Blizzard|Typhoon|Sandstorm|Sleet|Tempest|Flood|Dust|Hail|Rain|"
                           r"Cyclone|Tsunami)$|^Storm-\d+$")


@dataclass(slots=True)
class Group:
    members: list[Member]

    def ta_count(self) -> int:
        return sum(m.source == "misp-threat-actor" for m in self.members)

    def ids(self) -> set[str]:
        """ATT&CK ids of the ATT&CK clusters in the group (a MISP threat-actor's listed ids
        are cross-references, not identity)."""
        return {i for m in self.members if m.source in ATTACK_SOURCES for i in m.ext_ids}


def _norm(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name).strip().casefold()


class _Merger:
    """Union-find over members with the constraints of the module docstring."""

    def __init__(self, members: list[Member]) -> None:
        self.members = members
        self.parent = list(range(len(members)))
        self.groups = {i: Group([m]) for i, m in enumerate(members)}
        self.refused: list[tuple[int, int, str, float]] = []

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int, reason: str, score: float) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        ga, gb = self.groups[ra], self.groups[rb]
        ids = ga.ids() | gb.ids()
        kinds = {i[0] for i in ids}
        if ga.ta_count() + gb.ta_count() > 1 or len(ids) > 1 or len(kinds) > 1:
            self.refused.append((a, b, reason, score))
            return
        self.parent[rb] = ra
        ga.members.extend(gb.members)
        del self.groups[rb]


def merge_actors(
    members: list[Member],
    attributed: list[tuple[str, str]],
    country_of: Callable[[str], str | None],
) -> tuple[list[Entry], list[Entry]]:
    """Merge members into actor entry dicts and Link dicts (see module docstring)."""
    members = sorted(members, key=lambda m: (SOURCE_RANK[m.source], m.name.casefold(), m.key))
    merger = _Merger(members)
    by_key: dict[str, list[int]] = defaultdict(list)
    by_id: dict[str, list[int]] = defaultdict(list)
    ms_by_name: dict[str, int] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(members):
        by_key[m.key].append(i)
        by_name[_norm(m.name)].append(i)
        if m.source in ("misp-mitre-intrusion-set", "attack-intrusion-set", "attack-campaign"):
            for x in m.ext_ids:
                by_id[x].append(i)
        if m.source == "misp-microsoft-activity-group":
            ms_by_name.setdefault(_norm(m.name), i)

    for idxs in by_key.values():  # 1. same uuid
        for j in idxs[1:]:
            merger.union(idxs[0], j, "same uuid", 1.0)
    for i, m in enumerate(members):  # 2. threat-actor lists an ATT&CK id
        if m.source == "misp-threat-actor":
            for x in m.ext_ids:
                for j in by_id.get(x, []):
                    merger.union(i, j, f"{m.label} lists ATT&CK id {x}", 0.95)
    for i, m in enumerate(members):  # 3. threat-actor credits a Microsoft name
        if m.source == "misp-threat-actor":
            for alias, vendor in m.vendor_names:
                ms = ms_by_name.get(_norm(alias))
                if vendor == "Microsoft" and ms is not None:
                    merger.union(i, ms, f"{m.label} credits '{alias}' to Microsoft", 0.9)
    for i, m in enumerate(members):  # 4. MISP related 'similar' across galaxies
        for dest, rtype, tag in m.related:
            for j in by_key.get(dest, []):
                if rtype == "similar" and members[j].source != m.source:
                    reason = f"{m.label} is 'similar' ({tag or 'untagged'}) to {members[j].label}"
                    merger.union(i, j, reason, LIKELIHOOD_SCORE.get(tag, 0.6))
    for idxs in by_name.values():  # 5. identical primary names across sources
        for j in idxs[1:]:
            if members[j].source != members[idxs[0]].source:
                merger.union(idxs[0], j, "identical primary name", 0.85)
    for i, m in enumerate(members):  # 6. each lists the other's primary name
        own = _norm(m.name)
        for syn in m.synonyms:
            for j in by_name.get(_norm(syn), []):
                other = members[j]
                if other.source != m.source and own in {_norm(s) for s in other.synonyms}:
                    merger.union(i, j, f"{m.label} and {other.label} list each other's name", 0.8)

    groups = [merger.groups[r] for r in sorted(merger.groups)]
    entries = [_entry(g, country_of) for g in groups]
    _assign_ids(entries)
    entry_of_member = {}
    for g, e in zip(groups, entries, strict=True):
        for m in g.members:
            entry_of_member[id(m)] = e
    links = _links(members, merger, entries, groups, entry_of_member, attributed, by_key)
    for e in entries:  # campaigns inherit their attributed groups' sponsor when they agree
        if e["sponsor"] is None and e.get("attributed_sponsors"):
            sponsors = set(e["attributed_sponsors"])
            if len(sponsors) == 1:
                e["sponsor"] = sponsors.pop()
        e.pop("attributed_sponsors", None)
    return entries, links


def _entry(group: Group, country_of: Callable[[str], str | None]) -> Entry:
    members = sorted(group.members, key=lambda m: (SOURCE_RANK[m.source],
                     0 if NEW_MS_SCHEME.match(m.name) else 1))
    head = members[0]
    # one vendor per alias, the most direct word first: a MISP galaxy's own attribution
    # (name-attribution, origin, Microsoft's galaxy), then ATT&CK's citations
    # (``sources.alias_vendor``), then a vendor's naming scheme (below)
    vendor_names: dict[tuple[str, str], tuple[str, str]] = {}
    by_alias: dict[str, tuple[str, str]] = {}
    for m in sorted(members, key=lambda m: m.source in ATTACK_SOURCES):
        for alias, vendor in m.vendor_names:
            by_alias.setdefault(alias.casefold(), (alias, vendor))
    for key, pair in by_alias.items():
        vendor_names[(key, pair[1])] = pair
    credited = {a for a, _ in vendor_names}
    names: dict[str, str] = {}
    spellings: list[str] = []
    for m in members:
        for n in m.all_names():
            if n not in spellings:
                spellings.append(n)
            names.setdefault(n.casefold(), n)
    for alias, vendor in list(vendor_names.values()):  # Microsoft renamed DEV-NNNN Storm-NNNN
        storm = re.fullmatch(r"Storm-(\d{4})", alias)
        if vendor == "Microsoft" and storm and f"DEV-{storm.group(1)}".casefold() not in names:
            dev = f"DEV-{storm.group(1)}"
            names[dev.casefold()] = dev
            spellings.append(dev)
            vendor_names.setdefault((dev.casefold(), vendor), (dev, vendor))
    for n in spellings:
        if n.casefold() not in credited:
            scheme = scheme_vendor(n)
            if scheme:
                vendor_names.setdefault((n.casefold(), scheme), (n, scheme))
                credited.add(n.casefold())
    sponsor = next((m.country for m in members if m.source == "misp-threat-actor" and m.country),
                   None)
    if sponsor is None:
        sponsor = next((country_of(m.cfr_sponsor) for m in members if m.cfr_sponsor), None)
    if sponsor is None:
        sponsor = next((m.country for m in members if m.country), None)
    victims: list[str] = []
    for m in members:
        for v in m.victims:
            code = country_of(v) or v
            if code not in victims:
                victims.append(code)
    refs = list(dict.fromkeys(r for m in members for r in m.refs))[:MAX_REFS]
    kind = "campaign" if head.source == "attack-campaign" else "group"
    # a campaign no source treats as an actor ("SolarWinds Compromise") is looked up, not scanned
    noscan = all(m.source == "attack-campaign" for m in members)
    return {
        "noscan": noscan,
        "id": "",
        "kind": "threat-actor",
        "name": head.name,
        "aliases": [n for k, n in names.items() if k != head.name.casefold()],
        "spellings": spellings,
        "sponsor": sponsor,
        "va": [list(p) for p in vendor_names.values()],
        "refs": refs,
        "victims": victims,
        "sources": [m.label for m in members],
        "actor_kind": kind,
        "ext_ids": sorted({i for m in members for i in m.ext_ids} if not group.ids()
                          else group.ids()),
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def _assign_ids(entries: list[Entry]) -> None:
    seen: set[str] = set()
    for e in entries:
        base = "actor:" + _slug(str(e["name"]))
        ident = base
        ext = e["ext_ids"]
        if ident in seen and ext:
            ident = f"{base}-{_slug(str(ext[0]))}"
        n = 2
        while ident in seen:
            ident = f"{base}-{n}"
            n += 1
        seen.add(ident)
        e["id"] = ident


def _link(a: str, b: str, score: float, reasons: list[str], made_by: str) -> Entry:
    return {
        "id": stable_id("link", "actor", a, b, made_by, *reasons),
        "a": a, "b": b, "score": round(score, 3), "reasons": reasons, "made_by": made_by,
    }


def _links(
    members: list[Member],
    merger: _Merger,
    entries: list[Entry],
    groups: list[Group],
    entry_of: dict[int, Entry],
    attributed: list[tuple[str, str]],
    by_key: dict[str, list[int]],
) -> list[Entry]:
    from cybertrack.reference.sources import SOURCE_LABELS

    links: dict[tuple[str, str, str], Entry] = {}

    def add(a: str, b: str, score: float, reason: str, made_by: str) -> None:
        if a == b:
            return
        key = (a, b, made_by)
        if key in links:
            reasons = links[key]["reasons"]
            if reason not in reasons:
                reasons.append(reason)
            return
        links[key] = _link(a, b, score, [reason], made_by)

    for i, j, reason, score in merger.refused:
        a, b = entry_of[id(members[i])]["id"], entry_of[id(members[j])]["id"]
        add(str(a), str(b), score, f"{reason}; not merged: the sources keep them apart",
            SOURCE_LABELS[members[i].source])
    for m in members:  # related links inside one galaxy, and other relation types
        for dest, rtype, tag in m.related:
            for j in by_key.get(dest, []):
                other = members[j]
                if rtype == "similar" and other.source != m.source:
                    continue
                a, b = entry_of[id(m)]["id"], entry_of[id(other)]["id"]
                add(str(a), str(b), LIKELIHOOD_SCORE.get(tag, 0.6),
                    f"{m.label} is '{rtype}' ({tag or 'untagged'}) to {other.label}",
                    SOURCE_LABELS[m.source])
    campaign_of = {m.key: m for m in members}
    for camp_key, set_key in attributed:
        c, s = campaign_of.get(camp_key), campaign_of.get(set_key)
        if c is None or s is None:
            continue
        ce, se = entry_of[id(c)], entry_of[id(s)]
        add(str(ce["id"]), str(se["id"]), ATTRIBUTED_TO_SCORE,
            f"ATT&CK campaign {'/'.join(c.ext_ids)} '{c.name}' is attributed-to group "
            f"{'/'.join(s.ext_ids)} '{s.name}'", "MITRE ATT&CK")
        ce.setdefault("attributed_sponsors", [])
        if se["sponsor"]:
            ce["attributed_sponsors"].append(se["sponsor"])
    sharers: dict[str, dict[str, list[tuple[Member, str]]]] = defaultdict(dict)
    for g, e in zip(groups, entries, strict=True):
        for m in g.members:
            for n in m.all_names():
                sharers[n.casefold()].setdefault(str(e["id"]), []).append((m, n))
    for by_entry in sharers.values():
        if not 2 <= len(by_entry) <= MAX_SHARERS:
            continue
        ids = list(by_entry)
        for a in ids:
            listing = [(m, n) for m, n in by_entry[a] if n != m.name]
            if not listing:
                continue
            m, n = listing[0]
            for b in ids:
                if b == a:
                    continue
                named = [m2 for m2, n2 in by_entry[b] if n2 == m2.name]
                if named:
                    reason = (f"{m.label} lists '{n}' as an alias; it is the name of "
                              f"{named[0].label}; kept apart: no cross-reference")
                elif a < b and any(n2 != m2.name for m2, n2 in by_entry[b]):
                    other = next(m2 for m2, n2 in by_entry[b] if n2 != m2.name)
                    reason = f"'{n}' is an alias in both {m.label} and {other.label}; kept apart"
                else:
                    continue
                add(a, b, SHARED_ALIAS_SCORE, reason, SOURCE_LABELS[m.source])
    return list(links.values())
