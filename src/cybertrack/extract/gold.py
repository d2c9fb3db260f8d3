"""Extraction -> the gold-set record shape of ``shared/eval/README.md``.

The JSONL output of ``cybertrack extract`` is this shape, so one scorer compares prediction and
gold. Within one document, repeated statements of the same claim (a headline and its lede) are
reported once; an unattributed restatement is dropped where a named source makes the same claim.
Extra keys (sentence, span, hedge, ids, alternatives) are for people, the scorer ignores them.
Each attribution and denial carries its ``polarity`` (asserted, doubted, refused, negated) next
to its confidence: the scorer counts only asserted ones as predictions (docs/extraction.md).
"""

from __future__ import annotations

from typing import Any

from cybertrack.model import Claim, Entity, Extraction, Incident
from cybertrack.vocab import VERBAL_FAMILY

_GOLD_KINDS = ("country", "threat-actor", "organization", "person", "location", "malware")


def to_gold(ex: Extraction, record_id: str | None = None) -> dict[str, Any]:
    doc = ex.document
    keys = {i.id: i.key for i in ex.incidents}
    return {
        "id": record_id or doc.external_id or doc.id,
        "title": doc.title,
        "published": doc.published.iso() if doc.published else None,
        "source": doc.source,
        "entities": _entities(ex),
        "incidents": [_incident(i) for i in ex.incidents],
        "attributions": _attributions(ex.claims, keys, ex.entities),
        "denials": _denials(ex.claims, keys),
        "responses": _responses(ex.claims, keys),
    }


def _entities(ex: Extraction) -> list[dict[str, Any]]:
    out = []
    for e in ex.entities:
        if e.kind not in _GOLD_KINDS:
            continue
        item: dict[str, Any] = {"name": e.name, "kind": e.kind, "id": e.id}
        if e.country:
            item["country"] = e.country
        if e.kind == "country":
            item["country"] = e.id.split(":", 1)[1]
        if e.aliases:
            item["aliases"] = list(e.aliases[:20])
        if e.sponsor:
            item["sponsor"] = e.sponsor
        if e.role:
            item["role"] = e.role
        out.append(item)
    return out


def _incident(i: Incident) -> dict[str, Any]:
    return {
        "key": i.key, "id": i.id, "targets": list(i.targets), "target_sectors": list(i.sectors),
        "date": i.time.iso() if i.time else None,
        "date_text": i.time.text if i.time else None,
        "kinds": list(i.kinds), "sentence": i.sentence,
    }


def _attributions(claims: tuple[Claim, ...], keys: dict[str, str],
                  entities: tuple[Entity, ...] = ()) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    sponsors = {e.id: e.sponsor for e in entities if e.sponsor}
    named: set[tuple[Any, ...]] = set()
    chosen = [c for c in claims if c.kind in ("attribution", "self-claim")]
    with_incident = {(_claimant_key(c), c.attributed_state, _actor_key(c), c.polarity)
                     for c in chosen if c.incident_id is not None}
    for c in chosen:
        if c.claimant is not None:
            named.add((c.incident_id, c.attributed_state, _actor_key(c), c.polarity))
            if c.attributed_actor:
                named.add((c.incident_id, None, _actor_key(c), c.polarity))
    for c in chosen:
        target = (c.incident_id, c.attributed_state, _actor_key(c), c.polarity)
        if c.claimant is None and target in named:
            continue
        if c.incident_id is None and (_claimant_key(c), c.attributed_state,
                                      _actor_key(c), c.polarity) in with_incident:
            continue
        key = (c.kind, c.incident_id, _claimant_key(c), c.attributed_state, _actor_key(c),
               c.polarity)
        if key in seen:
            # the same claim restated: the first row keeps a confidence only a later one states
            first = seen[key]
            for field, value in (("confidence", c.confidence), ("likelihood", c.likelihood)):
                first[field] = first[field] or value
            continue
        to: dict[str, str] = {}
        if c.attributed_state:
            to["state"] = c.attributed_state
        if c.attributed_actor:
            to["actor"] = c.attributed_actor
            sponsor = sponsors.get(c.attributed_actor_id or "")
            if sponsor and "state" not in to:
                to["sponsor"] = sponsor
        row: dict[str, Any] = {
            "incident": keys.get(c.incident_id or ""),
            "claimant": c.claimant.as_gold() if c.claimant else None,
            "attributed_to": to, "confidence": c.confidence, "likelihood": c.likelihood,
            "polarity": c.polarity, "kind": c.kind,
            "date": c.claim_date.iso() if c.claim_date else None,
            "hedge": c.hedge, "sentence": c.sentence_text, "id": c.id,
            "_claimant": _claimant_key(c), "_actor": _actor_key(c),
        }
        if c.alternatives:
            row["alternatives"] = list(c.alternatives)
        seen[key] = row
        rows.append(row)
    return _merge_restatements(rows)


def _actor_key(c: Claim) -> str | None:
    """One actor however it is written ("APT 10", "APT10"): its reference id where linked."""
    return c.attributed_actor_id or c.attributed_actor


def _merge_restatements(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One source's consistent statements about one incident are one claim: "a Chinese group"
    and "APT27" (sponsor CN), or "APT27" and "the Chinese group APT27", by the same claimant,
    are reported once, on the row that names the actor."""
    dropped: set[int] = set()
    for i, row in enumerate(rows):
        to = row["attributed_to"]
        for j, other in enumerate(rows):
            if i == j or j in dropped or i in dropped or (
                    row["kind"], row["incident"], row["_claimant"], row["polarity"]) != (
                    other["kind"], other["incident"], other["_claimant"], other["polarity"]):
                continue
            oto = other["attributed_to"]
            if "actor" not in oto:
                continue
            state = oto.get("state") or oto.get("sponsor")
            covered = (to == {"state": state}) or (
                "state" not in to and "actor" in to and row["_actor"] == other["_actor"]
                and "state" in oto)
            if covered:
                dropped.add(i)
                for field in ("confidence", "likelihood", "hedge"):
                    other[field] = other[field] or row[field]
    out = [r for i, r in enumerate(rows) if i not in dropped]
    for r in out:
        del r["_claimant"], r["_actor"]
    return out


def _claimant_key(c: Claim) -> tuple[str | None, ...]:
    if c.claimant is None:
        return (None,)
    if c.claimant.kind in ("government", "person") and c.claimant.country:
        return ("state", c.claimant.country)
    return (c.claimant.kind, c.claimant.name.casefold())


def _denials(claims: tuple[Claim, ...], keys: dict[str, str]) -> list[dict[str, Any]]:
    rows, seen = [], set()
    for c in claims:
        if c.kind != "denial":
            continue
        key = (c.incident_id, _claimant_key(c), c.polarity)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"incident": keys.get(c.incident_id or ""),
                     "claimant": c.claimant.as_gold() if c.claimant else None,
                     "polarity": c.polarity, "sentence": c.sentence_text, "id": c.id})
    return rows


def _responses(claims: tuple[Claim, ...], keys: dict[str, str]) -> list[dict[str, Any]]:
    """One row per distinct response: the same actor, target and action family on the same day
    (or undated, beside a dated report of it) is one response told twice."""
    groups: dict[tuple[Any, ...], list[Claim]] = {}
    for c in claims:
        if c.kind == "response" and c.action:
            family = "verbal" if c.action in VERBAL_FAMILY else c.action
            groups.setdefault((c.actor_state, c.target_state, family), []).append(c)
    best: dict[tuple[Any, ...], Claim] = {}
    for key, group in groups.items():
        dated = [c for c in group if c.event_date is not None]
        for c in dated or group[:1]:
            day = c.event_date.iso() if c.event_date else None
            slot = (*key, day)
            old = best.get(slot)
            if old is None or (old.incident_id is None and c.incident_id is not None):
                best[slot] = c
    return [
        {"actor": c.actor_state, "target": c.target_state, "action": c.action,
         "date": c.event_date.iso() if c.event_date else None,
         "incident": keys.get(c.incident_id or ""), "sentence": c.sentence_text, "id": c.id}
        for c in sorted(best.values(), key=lambda c: c.sentence.start)
    ]
