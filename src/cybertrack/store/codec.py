"""Records <-> table rows. Pure functions, no database access, so they are easy to test.

Each ``*_row`` function returns the dict inserted into a table; each ``row_to_*`` rebuilds the
frozen record from a row mapping. A record written and read back compares equal to itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from cybertrack.model import (
    Claim,
    Claimant,
    Document,
    Entity,
    Incident,
    Link,
    Mention,
    PartialDate,
    Precision,
    Span,
)

Row = Mapping[Any, Any]


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """One entry of a link's review history: it became ``status`` (from ``previous_status``,
    None when the link was first stored) by ``made_by`` at ``at`` (ISO 8601 UTC)."""

    link_id: str
    seq: int
    status: str
    previous_status: str | None
    made_by: str
    at: str


def utc_now() -> str:
    """The timestamp format of ``ingested_at`` and ``link_events.at``."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


# --- pieces -----------------------------------------------------------------------------------


def partial_date_columns(prefix: str, value: PartialDate | None) -> dict[str, Any]:
    if value is None:
        return {f"{prefix}_start": None, f"{prefix}_end": None,
                f"{prefix}_precision": None, f"{prefix}_text": None}
    return {f"{prefix}_start": value.start, f"{prefix}_end": value.end,
            f"{prefix}_precision": value.precision, f"{prefix}_text": value.text}


def row_to_partial_date(row: Row, prefix: str) -> PartialDate | None:
    start = row[f"{prefix}_start"]
    if start is None:
        return None
    return PartialDate(
        start=start,
        end=row[f"{prefix}_end"],
        precision=cast(Precision, row[f"{prefix}_precision"]),
        text=row[f"{prefix}_text"] or "",
    )


def to_json(values: tuple[Any, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


@functools.lru_cache(maxsize=8192)
def strings(raw: str | None) -> tuple[str, ...]:
    """A JSON list of strings as a tuple. Memoized: the same few lists (targets, kinds) come
    back thousands of times in a state's timeline, and parsing them was a tenth of it."""
    return tuple(json.loads(raw)) if raw and raw != "[]" else ()


# --- documents, entities, mentions ------------------------------------------------------------


def document_row(doc: Document, *, extractor_version: str, ingested_at: str,
                 extracted_chars: int | None = None) -> dict[str, Any]:
    return {
        "id": doc.id, "text": doc.text, "source": doc.source, "media_type": doc.media_type,
        "title": doc.title, "publisher": doc.publisher, "author": doc.author,
        **partial_date_columns("published", doc.published),
        "retrieved": doc.retrieved, "language": doc.language, "reliability": doc.reliability,
        "external_id": doc.external_id, "ingested_at": ingested_at,
        "extractor_version": extractor_version, "extracted_chars": extracted_chars,
    }


def row_to_document(row: Row) -> Document:
    return Document(
        id=row["id"], text=row["text"], source=row["source"], media_type=row["media_type"],
        title=row["title"], publisher=row["publisher"], author=row["author"],
        published=row_to_partial_date(row, "published"), retrieved=row["retrieved"],
        language=row["language"], reliability=row["reliability"],
        external_id=row["external_id"],
    )


def entity_row(ent: Entity) -> dict[str, Any]:
    return {
        "id": ent.id, "kind": ent.kind, "name": ent.name, "aliases": to_json(ent.aliases),
        "country": ent.country, "sponsor": ent.sponsor,
        "vendor_aliases": json.dumps([list(p) for p in ent.vendor_aliases], ensure_ascii=False),
        "role": ent.role,
    }


def row_to_entity(row: Row) -> Entity:
    pairs = json.loads(row["vendor_aliases"]) if row["vendor_aliases"] else []
    return Entity(
        id=row["id"], kind=row["kind"], name=row["name"], aliases=strings(row["aliases"]),
        country=row["country"], sponsor=row["sponsor"],
        vendor_aliases=tuple((str(a), str(v)) for a, v in pairs), role=row["role"],
    )


def mention_row(m: Mention) -> dict[str, Any]:
    return {
        "id": m.id, "document_id": m.document_id, "span_start": m.span.start,
        "span_end": m.span.end, "sentence_start": m.sentence.start,
        "sentence_end": m.sentence.end, "text": m.text, "label": m.label,
        "entity_id": m.entity_id,
    }


def row_to_mention(row: Row) -> Mention:
    return Mention(
        id=row["id"], document_id=row["document_id"],
        span=Span(row["span_start"], row["span_end"]),
        sentence=Span(row["sentence_start"], row["sentence_end"]),
        text=row["text"], label=row["label"], entity_id=row["entity_id"],
    )


# --- incidents and claims ---------------------------------------------------------------------


def incident_row(inc: Incident) -> dict[str, Any]:
    return {
        "id": inc.id, "document_id": inc.document_id, "key": inc.key,
        "kinds": to_json(inc.kinds), "targets": to_json(inc.targets),
        "target_orgs": to_json(inc.target_orgs), "sectors": to_json(inc.sectors),
        **partial_date_columns("time", inc.time),
        "operator": inc.operator, "title": inc.title,
        "span_start": inc.span.start if inc.span else None,
        "span_end": inc.span.end if inc.span else None,
        "sentence": inc.sentence,
    }


def incident_target_rows(inc: Incident) -> list[dict[str, Any]]:
    """One row per distinct target country (duplicates in ``targets`` collapse)."""
    return [{"incident_id": inc.id, "country": c} for c in dict.fromkeys(inc.targets)]


def row_to_incident(row: Row) -> Incident:
    span = None if row["span_start"] is None else Span(row["span_start"], row["span_end"])
    return Incident(
        id=row["id"], document_id=row["document_id"], key=row["key"],
        kinds=strings(row["kinds"]), targets=strings(row["targets"]),
        target_orgs=strings(row["target_orgs"]), sectors=strings(row["sectors"]),
        time=row_to_partial_date(row, "time"), operator=row["operator"], title=row["title"],
        span=span, sentence=row["sentence"],
    )


def claim_row(c: Claim) -> dict[str, Any]:
    who = c.claimant
    return {
        "id": c.id, "document_id": c.document_id, "kind": c.kind,
        "sentence_start": c.sentence.start, "sentence_end": c.sentence.end,
        "sentence_text": c.sentence_text,
        "claimant_kind": who.kind if who else None,
        "claimant_name": who.name if who else None,
        "claimant_country": who.country if who else None,
        "claimant_entity_id": who.entity_id if who else None,
        "claimant_basis": who.basis if who else None,
        "incident_id": c.incident_id, "stance": c.stance,
        "attributed_state": c.attributed_state, "attributed_actor": c.attributed_actor,
        "attributed_actor_id": c.attributed_actor_id, "action": c.action,
        "actor_state": c.actor_state, "target_state": c.target_state,
        "confidence": c.confidence, "likelihood": c.likelihood, "hedge": c.hedge,
        **partial_date_columns("claim_date", c.claim_date),
        **partial_date_columns("event_date", c.event_date),
        "polarity": c.polarity,
        "alternatives": to_json(c.alternatives) if c.alternatives else None,
    }


def row_to_claim(row: Row) -> Claim:
    claimant = None
    if row["claimant_kind"] is not None:
        claimant = Claimant(
            kind=row["claimant_kind"], name=row["claimant_name"],
            country=row["claimant_country"], entity_id=row["claimant_entity_id"],
            basis=row["claimant_basis"] or "unknown",
        )
    return Claim(
        id=row["id"], document_id=row["document_id"], kind=row["kind"],
        sentence=Span(row["sentence_start"], row["sentence_end"]),
        sentence_text=row["sentence_text"], claimant=claimant,
        incident_id=row["incident_id"], stance=row["stance"],
        attributed_state=row["attributed_state"], attributed_actor=row["attributed_actor"],
        attributed_actor_id=row["attributed_actor_id"], action=row["action"],
        actor_state=row["actor_state"], target_state=row["target_state"],
        confidence=row["confidence"], likelihood=row["likelihood"], hedge=row["hedge"],
        claim_date=row_to_partial_date(row, "claim_date"),
        event_date=row_to_partial_date(row, "event_date"),
        polarity=row["polarity"] or "asserted", alternatives=strings(row["alternatives"]),
    )


# --- links ------------------------------------------------------------------------------------


def link_row(link: Link) -> dict[str, Any]:
    return {
        "id": link.id, "kind": link.kind, "a": link.a, "b": link.b, "score": link.score,
        "reasons": to_json(link.reasons), "made_by": link.made_by, "status": link.status,
    }


def row_to_link(row: Row) -> Link:
    return Link(
        id=row["id"], kind=row["kind"], a=row["a"], b=row["b"], score=float(row["score"]),
        reasons=strings(row["reasons"]), made_by=row["made_by"], status=row["status"],
    )


def row_to_link_event(row: Row) -> LinkEvent:
    return LinkEvent(
        link_id=row["link_id"], seq=int(row["seq"]), status=row["status"],
        previous_status=row["previous_status"], made_by=row["made_by"], at=row["at"],
    )
