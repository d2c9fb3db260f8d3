"""The cybertrack STIX extension: our records, losslessly, inside standard STIX objects.

STIX 2.1 has no place for a claimant's basis, a verbatim hedge, an ICD 203 likelihood, a
partial date with its precision, or a state's diplomatic response. Rather than invent custom
properties, every object cybertrack exports carries one *property extension*, defined by the
``extension-definition`` object ``EXTENSION_ID`` that each bundle includes, holding the record
it was made from (docs/stix-extension.md lists every property). Readers that do not know the
extension still see ordinary reports, incidents, relationships, notes and opinions; cybertrack's
own importer reads the extension back to rebuild the records exactly.

This module is the codec, both ways, with no STIX object building: ``*_ext`` functions turn a
record into the extension's properties and ``ext_*`` functions turn them back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any, cast

from cybertrack.model import (
    POLARITIES,
    Claim,
    Claimant,
    Document,
    Entity,
    Incident,
    Link,
    PartialDate,
    Polarity,
    Span,
)
from cybertrack.vocab import (
    ADMIRALTY_RELIABILITY,
    CONFIDENCE_TO_STIX,
    LIKELIHOODS,
    RESPONSE_ACTIONS,
)

#: Namespace of every cybertrack STIX id: ``type--uuid5(NAMESPACE, our stable id)``.
NAMESPACE = uuid.UUID("3bf33910-785c-5860-bc12-5086fb51729e")
_NAMESPACE_BYTES = NAMESPACE.bytes
#: The extension-definition every exported object's ``extensions`` refers to (version 1.0).
EXTENSION_ID = "extension-definition--1aa8c58d-7773-5bf6-9a46-21fa661c4c03"
EXTENSION_VERSION = "1.0"
#: The identity of cybertrack itself: creator of the extension, the bundle's reports of
#: documents without a publisher, and of links.
PRODUCER_ID = "identity--5636ca1b-6d6b-5a7c-b527-6345c803907a"
#: Timestamp of objects that no record dates (the extension, reference entities): fixed, so
#: the same entity has the same STIX version in every export.
EPOCH = "2020-01-01T00:00:00.000Z"

#: ICD 203 likelihood term -> STIX confidence, the "DNI scale" of STIX 2.1 appendix A
#: (``stix2.confidence.scales.dni_to_value``). Used only when no analytic confidence is stated.
LIKELIHOOD_TO_STIX: dict[str, int] = {
    "almost no chance": 5, "very unlikely": 15, "unlikely": 30, "roughly even chance": 50,
    "likely": 70, "very likely": 85, "almost certain": 95,
}


def stix_id(stix_type: str, *parts: object) -> str:
    """A deterministic STIX id, ``type--uuid5(NAMESPACE, parts)``: the same record gives the
    same id in every export. (``uuid.uuid5`` spelt out: three times faster, and a 10,000
    incident export makes 200,000 of them.)"""
    key = "\x1f".join("" if p is None else str(p) for p in parts)
    h = bytearray(hashlib.sha1(_NAMESPACE_BYTES + key.encode("utf-8")).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = h.hex()
    return f"{stix_type}--{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def stix_confidence(confidence: str | None, likelihood: str | None) -> int | None:
    """The STIX ``confidence`` (0-100) of a claim: its stated analytic confidence through
    ``vocab.CONFIDENCE_TO_STIX`` (low 15, moderate 50, high 85), else its likelihood through
    the DNI scale, else None (nothing stated, so nothing invented)."""
    if confidence in CONFIDENCE_TO_STIX:
        return CONFIDENCE_TO_STIX[confidence]
    if likelihood in LIKELIHOOD_TO_STIX:
        return LIKELIHOOD_TO_STIX[likelihood]
    return None


def confidence_level(value: int | None) -> str | None:
    """STIX confidence -> our level, by the None/Low/Med/High scale of STIX appendix A
    (1-29 low, 30-69 moderate, 70-100 high; 0 or absent: not stated)."""
    if value is None or value <= 0:
        return None
    return "low" if value < 30 else "moderate" if value < 70 else "high"


def timestamp(day: dt.date | None) -> str:
    """Midnight UTC of ``day`` in STIX form; ``EPOCH`` when there is no date."""
    return f"{day.isoformat()}T00:00:00.000Z" if day else EPOCH


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Drop absent values: STIX properties must not be null or empty lists."""
    return {k: v for k, v in values.items() if v is not None and v != [] and v != ""}


def _props(record_type: str, **values: Any) -> dict[str, Any]:
    return {"extension_type": "property-extension", "record_type": record_type,
            **_clean(values)}


def pdate(value: PartialDate | None) -> dict[str, str] | None:
    if value is None:
        return None
    return _clean({"start": value.start.isoformat(), "end": value.end.isoformat(),
                   "precision": value.precision, "text": value.text})


def unpdate(value: Any) -> PartialDate | None:
    if not isinstance(value, dict) or "start" not in value:
        return None
    start = str(value["start"])
    return PartialDate(dt.date.fromisoformat(start),
                       dt.date.fromisoformat(str(value.get("end") or start)),
                       value.get("precision", "day"), value.get("text", ""))


# --- records -> extension properties ---------------------------------------------------------


def document_ext(doc: Document, *, include_text: bool = False) -> dict[str, Any]:
    return _props(
        "document", document_id=doc.id, source=doc.source, media_type=doc.media_type,
        title=doc.title, publisher=doc.publisher, author=doc.author,
        published=pdate(doc.published), retrieved=doc.retrieved, language=doc.language,
        reliability=doc.reliability, reliability_label=ADMIRALTY_RELIABILITY.get(doc.reliability),
        external_id=doc.external_id, text=doc.text if include_text else None,
    )


def incident_ext(inc: Incident) -> dict[str, Any]:
    return _props(
        "incident", incident_id=inc.id, document_id=inc.document_id, key=inc.key,
        kinds=list(inc.kinds), targets=list(inc.targets), target_orgs=list(inc.target_orgs),
        sectors=list(inc.sectors), time=pdate(inc.time), operator=inc.operator,
        title=inc.title, span_start=inc.span.start if inc.span else None,
        span_end=inc.span.end if inc.span else None, sentence=inc.sentence,
    )


def claim_ext(c: Claim) -> dict[str, Any]:
    action = RESPONSE_ACTIONS.get(c.action or "")
    like = LIKELIHOODS.get(c.likelihood or "")
    who = c.claimant
    claimant = None if who is None else _clean({
        "kind": who.kind, "name": who.name, "country": who.country,
        "entity_id": who.entity_id, "basis": who.basis})
    return _props(
        "claim", claim_id=c.id, document_id=c.document_id, kind=c.kind,
        sentence_start=c.sentence.start, sentence_end=c.sentence.end, sentence=c.sentence_text,
        claimant=claimant, incident_id=c.incident_id, stance=c.stance,
        attributed_state=c.attributed_state, attributed_actor=c.attributed_actor,
        attributed_actor_id=c.attributed_actor_id, action=c.action,
        action_cameo=action.cameo if action else None,
        action_plover=action.plover if action else None,
        actor_state=c.actor_state, target_state=c.target_state, confidence=c.confidence,
        likelihood=c.likelihood, likelihood_interval=[like.low, like.high] if like else None,
        hedge=c.hedge, claim_date=pdate(c.claim_date), event_date=pdate(c.event_date),
        polarity=c.polarity, alternatives=list(c.alternatives),
    )


def entity_ext(e: Entity) -> dict[str, Any]:
    return _props(
        "entity", entity_id=e.id, kind=e.kind, name=e.name, aliases=list(e.aliases),
        country=e.country, sponsor=e.sponsor,
        vendor_aliases=[{"alias": a, "vendor": v} for a, v in e.vendor_aliases], role=e.role,
    )


def link_ext(link: Link) -> dict[str, Any]:
    return _props(
        "link", link_id=link.id, link_kind=link.kind, record_a=link.a, record_b=link.b,
        score=link.score, reasons=list(link.reasons), made_by=link.made_by, status=link.status,
    )


# --- extension properties -> records ---------------------------------------------------------


def record_of(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The cybertrack extension properties of a STIX object, or None if it has none."""
    ext = (obj.get("extensions") or {}).get(EXTENSION_ID)
    return ext if isinstance(ext, dict) and "record_type" in ext else None


def ext_document(p: dict[str, Any], text: str) -> Document:
    """The document described by ``p``, holding ``text`` (its own, or a stand-in)."""
    return Document.from_text(
        text, p.get("source") or "stix", media_type=p.get("media_type", "text/plain"),
        title=p.get("title"), publisher=p.get("publisher"), author=p.get("author"),
        published=unpdate(p.get("published")), retrieved=p.get("retrieved"),
        language=p.get("language"), reliability=p.get("reliability", "F"),
        external_id=p.get("external_id"),
    )


def ext_incident(p: dict[str, Any], *, ident: str, document_id: str,
                 span: Span | None) -> Incident:
    return Incident(
        id=ident, document_id=document_id, key=p.get("key", ident),
        kinds=tuple(p.get("kinds", ())), targets=tuple(p.get("targets", ())),
        target_orgs=tuple(p.get("target_orgs", ())), sectors=tuple(p.get("sectors", ())),
        time=unpdate(p.get("time")), operator=p.get("operator"), title=p.get("title"),
        span=span, sentence=p.get("sentence", ""),
    )


def ext_claim(p: dict[str, Any], *, ident: str, document_id: str, sentence: Span,
              incident_id: str | None) -> Claim:
    who = p.get("claimant")
    claimant = None if not isinstance(who, dict) else Claimant(
        kind=who.get("kind", "organization"), name=who.get("name", "unknown"),
        country=who.get("country"), entity_id=who.get("entity_id"),
        basis=who.get("basis", "unknown"))
    return Claim(
        id=ident, document_id=document_id, kind=p["kind"], sentence=sentence,
        sentence_text=p.get("sentence", ""), claimant=claimant, incident_id=incident_id,
        stance=p.get("stance", "asserts"), attributed_state=p.get("attributed_state"),
        attributed_actor=p.get("attributed_actor"),
        attributed_actor_id=p.get("attributed_actor_id"), action=p.get("action"),
        actor_state=p.get("actor_state"), target_state=p.get("target_state"),
        confidence=p.get("confidence"), likelihood=p.get("likelihood"), hedge=p.get("hedge"),
        claim_date=unpdate(p.get("claim_date")), event_date=unpdate(p.get("event_date")),
        polarity=_polarity(p.get("polarity")),
        alternatives=tuple(a for a in p.get("alternatives", ()) if isinstance(a, str)),
    )


def _polarity(value: Any) -> Polarity:
    """A claim's polarity read back; absent (a bundle from before polarity) is asserted, as
    every claim was then. An unknown value is refused by ingest.stix_check before this."""
    return cast(Polarity, value) if value in POLARITIES else "asserted"


def ext_entity(p: dict[str, Any]) -> Entity:
    pairs = tuple((str(v.get("alias", "")), str(v.get("vendor", "")))
                  for v in p.get("vendor_aliases", ()) if isinstance(v, dict))
    return Entity(
        id=p["entity_id"], kind=p.get("kind", "organization"), name=p.get("name", p["entity_id"]),
        aliases=tuple(p.get("aliases", ())), country=p.get("country"), sponsor=p.get("sponsor"),
        vendor_aliases=pairs, role=p.get("role"),
    )


def ext_link(p: dict[str, Any], *, a: str, b: str) -> Link:
    return Link(
        id=p["link_id"], kind=cast(Any, p.get("link_kind", "incident")), a=a, b=b,
        score=float(p.get("score", 0.0)), reasons=tuple(p.get("reasons", ())),
        made_by=p.get("made_by", "stix-import"), status=cast(Any, p.get("status", "proposed")),
    )
