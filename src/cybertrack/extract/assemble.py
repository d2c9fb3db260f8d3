"""Turn a processed Doc into the immutable records of ``cybertrack.model``.

Ids are deterministic (document id + position), so extracting the same document twice gives the
same records and storing them again changes nothing.
"""

from __future__ import annotations

import functools
from typing import Any

from spacy.tokens import Doc

from cybertrack.errors import ReferenceDataError
from cybertrack.extract.types import ClaimDraft, EntityMention, IncidentDraft, Sentence
from cybertrack.model import (
    POLARITIES,
    Claim,
    Claimant,
    Document,
    Entity,
    Extraction,
    Incident,
    Mention,
    Span,
    stable_id,
    stable_ids,
)
from cybertrack.reference import Reference


def incident_key(index: int) -> str:
    return f"i{index + 1}"


def to_extraction(doc: Doc, document: Document, ref: Reference) -> Extraction:
    """Records for one document: mentions, the entities they link to, incidents and claims."""
    ext = doc._
    sentences: list[Sentence] = ext.ct_sentences or []
    mentions: list[EntityMention] = ext.ct_mentions or []
    mention_id = stable_ids("mention", document.id)

    entities: dict[str, Entity] = {}
    records: list[Mention] = []
    # mentions (``merge_mentions`` sorts them) and sentences are both in text order: walk
    # them together; a mention belongs to the last sentence starting at or before it
    si, last = 0, len(sentences) - 1
    sentence = Span(sentences[0].start, sentences[0].end) if sentences else None
    for m in mentions:
        entity = _entity_cached(m, ref)
        if entity is not None:
            entities.setdefault(entity.id, entity)
        span = Span(m.start, m.end)
        if si < last and m.start >= sentences[si + 1].start:
            while si < last and m.start >= sentences[si + 1].start:
                si += 1
            sentence = Span(sentences[si].start, sentences[si].end)
        records.append(Mention(
            id=mention_id(m.start, m.end), document_id=document.id, span=span,
            sentence=sentence or span, text=m.text, label=m.kind,
            entity_id=entity.id if entity else None,
        ))

    drafts: list[IncidentDraft] = ext.ct_incidents or []
    incidents = [_incident(d, document, sentences) for d in drafts]
    ids = [i.id for i in incidents]
    claims = [_claim(c, document, sentences, ids, ref) for c in (ext.ct_claims or [])]
    claims.extend(_incident_reports(drafts, incidents, document, sentences, doc))
    return Extraction(document=document, mentions=tuple(records),
                      entities=tuple(entities.values()), incidents=tuple(incidents),
                      claims=tuple(claims))


def _entity_cached(m: EntityMention, ref: Reference) -> Entity | None:
    """``_entity`` memoized: the same name links the same way wherever it stands."""
    return _entity_at_no_position(m[2:], ref)  # every field but the position (start, end)


@functools.lru_cache(maxsize=8192)
def _entity_at_no_position(fields: tuple[Any, ...], ref: Reference) -> Entity | None:
    return _entity(EntityMention(0, 0, *fields), ref)


def _entity(m: EntityMention, ref: Reference) -> Entity | None:
    """The entity a mention links to; government bodies found by pattern stand for their state."""
    if m.country and (m.form == "government-body" or (m.is_government and _is_metonym(m, ref))):
        entity_id = f"country:{m.country}"
    else:
        entity_id = m.entity_id or ""
    if entity_id.startswith(("country:", "actor:", "org:", "gov:", "malware:", "sector:", "loc:")):
        try:
            return ref.to_entity(ref.entry(entity_id))
        except (ReferenceDataError, KeyError):
            pass
    if m.kind == "person":
        return Entity(id=m.entity_id or stable_id("person", m.name), kind="person", name=m.name,
                      country=m.country, role=m.role)
    if m.entity_id:
        return Entity(id=m.entity_id, kind=m.kind, name=m.name, aliases=m.aliases,
                      country=m.country, sponsor=m.sponsor)
    return None


def _is_metonym(m: EntityMention, ref: Reference) -> bool:
    """"The White House", "the Kremlin": a seat of government standing for its state."""
    try:
        country = ref.country(m.country or "")
    except ReferenceDataError:
        return False
    return m.text.casefold() in {x.casefold() for x in country.metonyms}


def _incident(d: IncidentDraft, document: Document, sentences: list[Sentence]) -> Incident:
    sent = sentences[d.anchor_sentence] if d.anchor_sentence < len(sentences) else None
    return Incident(
        id=stable_id("incident", document.id, d.index), document_id=document.id,
        key=incident_key(d.index), kinds=tuple(d.kinds), targets=tuple(d.targets),
        target_orgs=tuple(d.target_orgs), sectors=tuple(d.sectors), time=d.time,
        operator=d.operator, title=document.title, span=Span(*d.anchor),
        sentence=sent.text if sent else "",
    )


def _claim(c: ClaimDraft, document: Document, sentences: list[Sentence], incident_ids: list[str],
           ref: Reference) -> Claim:
    sent = sentences[c.sentence]
    claimant = c.claimant
    if claimant is not None and claimant.basis == "unknown":
        claimant = _with_basis(claimant)
    return Claim(
        id=stable_id("claim", document.id, c.sentence, c.kind, c.cue, c.attributed_state,
                     c.attributed_actor, c.action, c.actor_state, c.target_state,
                     claimant.name if claimant else None),
        document_id=document.id, kind=c.kind,  # type: ignore[arg-type]
        sentence=Span(sent.start, sent.end), sentence_text=sent.text, claimant=claimant,
        incident_id=incident_ids[c.incident] if c.incident is not None else None,
        attributed_state=c.attributed_state or (
            c.attributed_sponsor if c.kind == "self-claim" else None),
        attributed_actor=c.attributed_actor, attributed_actor_id=c.attributed_actor_id,
        action=c.action, actor_state=c.actor_state, target_state=c.target_state,
        confidence=c.confidence, likelihood=c.likelihood, hedge=c.hedge,
        claim_date=c.claim_date, event_date=c.event_date,
        polarity=c.polarity if c.polarity in POLARITIES else "asserted",
        alternatives=tuple(c.alternatives),
    )


def _with_basis(c: Claimant) -> Claimant:
    """Governments and persons speaking for one are 'government' claimants; the analysis
    decides receiver vs third party against each incident's targets."""
    speaks_for_state = c.kind == "government" or (c.kind == "person" and bool(c.country))
    basis = "government" if speaks_for_state else c.basis
    return Claimant(c.kind, c.name, c.country, c.entity_id, basis)


def _incident_reports(drafts: list[IncidentDraft], incidents: list[Incident], document: Document,
                      sentences: list[Sentence], doc: Doc) -> list[Claim]:
    """One ``incident-report`` claim per incident: that it happened, when, in which sentence."""
    out = []
    for d, inc in zip(drafts, incidents, strict=True):
        sent = sentences[d.anchor_sentence]
        out.append(Claim(
            id=stable_id("claim", document.id, d.anchor_sentence, "incident-report", d.index),
            document_id=document.id, kind="incident-report", sentence=Span(sent.start, sent.end),
            sentence_text=sent.text, incident_id=inc.id, event_date=inc.time,
        ))
    return out
