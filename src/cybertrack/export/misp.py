"""MISP export: one event per incident, every claim an annotation with its own tags.

MISP users ask to keep who-said-what when intelligence is shared, so each claim keeps its
claimant, sentence and confidence on its own attribute instead of being folded into event
tags:
- event tags: galaxy clusters for the actors (``misp-galaxy:threat-actor``) and the countries
  (``misp-galaxy:country``: targets, accused states, responding states), incident kinds;
- a ``report`` object per source document (title, link, summary) tagged with its Admiralty
  source reliability (``admiralty-scale:source-reliability="b"``);
- an ``annotation`` object per claim: the verbatim sentence (``text``), a one-line summary
  (comment), the source link (``ref``), the claim date; its ``text`` attribute carries
  ``estimative-language:confidence-in-analytic-judgment``, ``estimative-language:
  likelihood-probability``, ``admiralty-scale:source-reliability`` and our own
  ``cybertrack:`` tags for claim kind, claimant, claim basis and response action;
- a ``threat-actor`` attribute (category Attribution) per actor an asserted claim names, so
  MISP correlates events about the same actor.
A claim that is not asserted (``Claim.polarity`` doubted, refused or negated: "could not
confirm", "declined to attribute", "was not behind", "has not denied") is never exported as an
attribution: its annotation is tagged ``cybertrack:polarity="doubted"`` and names the states
with ``cybertrack:named-state`` (and ``cybertrack:alternative-state`` for the other possible
sources) instead of ``cybertrack:attributed-state``; it adds no threat-actor attribute or
actor galaxy to the event.
UUIDs are uuid5 over our ids and dates come from the data, so exports are reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from pymisp import MISPAttribute, MISPEvent, MISPObject

from cybertrack.export.names import (
    claim_summary,
    claimant_name,
    country_name,
    misp_country_value,
)
from cybertrack.export.select import Selection
from cybertrack.export.stix_ext import NAMESPACE
from cybertrack.model import Claim, Document, Incident
from cybertrack.store.curation import Curation

CLAIM_KIND_TAG = 'cybertrack:claim-kind="{}"'
CLAIMANT_TAG = 'cybertrack:claimant="{}"'
BASIS_TAG = 'cybertrack:claim-basis="{}"'
ACTION_TAG = 'cybertrack:response-action="{}"'
STATE_TAG = 'cybertrack:attributed-state="{}"'
#: A self-claiming group's suspected sponsor: context, not an attribution to that state.
SPONSOR_TAG = 'cybertrack:suspected-sponsor="{}"'
INCIDENT_KIND_TAG = 'cybertrack:incident-kind="{}"'
#: Whether the claim is asserted; only the others are tagged (asserted is the default).
POLARITY_TAG = 'cybertrack:polarity="{}"'
#: A decision by hand (``store.curation``): a rejected claim is no attribution, a rejected
#: incident is marked; the annotation's comment says by whom, when and why.
CURATION_TAG = 'cybertrack:curation="{}"'
#: A state or actor a claim that is not asserted names: not held responsible by it.
NAMED_STATE_TAG = 'cybertrack:named-state="{}"'
NAMED_ACTOR_TAG = 'cybertrack:named-actor="{}"'
ALTERNATIVE_TAG = 'cybertrack:alternative-state="{}"'
CONFIDENCE_TAG = 'estimative-language:confidence-in-analytic-judgment="{}"'
LIKELIHOOD_TAG = 'estimative-language:likelihood-probability="{}"'
RELIABILITY_TAG = 'admiralty-scale:source-reliability="{}"'
ACTOR_GALAXY = 'misp-galaxy:threat-actor="{}"'
COUNTRY_GALAXY = 'misp-galaxy:country="{}"'


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "misp\x1f" + "\x1f".join(str(p) for p in parts)))


def _quote(value: str) -> str:
    """A tag value: double quotes would end the machine tag early."""
    return value.replace('"', "'")


def misp_events(selection: Selection) -> list[MISPEvent]:
    """One ``MISPEvent`` per selected incident, in the selection's order."""
    by_incident: dict[str, list[Claim]] = defaultdict(list)
    for claim in selection.claims:
        if claim.incident_id:
            by_incident[claim.incident_id].append(claim)
    return [_event(inc, by_incident[inc.id], selection) for inc in selection.incidents]


def misp_json(selection: Selection) -> dict[str, Any]:
    """The events as MISP's own JSON (``{"response": [{"Event": ...}, ...]}``, the shape of
    a MISP REST search), which MISP imports and ``MISPEvent.load`` reads."""
    return {"response": [{"Event": json.loads(ev.to_json())}
                         for ev in misp_events(selection)]}


def write_misp(selection: Selection, out: Path | None) -> str:
    text = json.dumps(misp_json(selection), ensure_ascii=False, indent=1)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    return text


def _date(inc: Incident, doc: Document | None) -> dt.date:
    if inc.time is not None:
        return inc.time.start
    if doc is not None and doc.published is not None:
        return doc.published.start
    if doc is not None and doc.retrieved:
        try:
            return dt.date.fromisoformat(doc.retrieved[:10])
        except ValueError:
            pass
    return dt.date(1970, 1, 1)


def _event(inc: Incident, claims: list[Claim], sel: Selection) -> MISPEvent:
    doc = sel.document_of(inc.document_id)
    ev = MISPEvent()
    ev.uuid = _uuid("event", inc.id)
    targets = ", ".join(country_name(c) for c in inc.targets)
    when = inc.time.iso() if inc.time else "undated"
    ev.info = f"{inc.title or inc.key} ({targets or 'unknown target'}, {when})"
    ev.date = _date(inc, doc)
    ev.threat_level_id = 4  # undefined: cybertrack does not rate threat
    ev.analysis = 2  # completed: the claims are as reported
    tags: list[str] = [INCIDENT_KIND_TAG.format(k) for k in inc.kinds]
    mark = sel.curated.get(inc.id)
    if mark is not None and mark.status:
        tags.append(CURATION_TAG.format(mark.status))
        ev.info = f"[{mark.describe()}] {ev.info}"
    countries = list(inc.targets)
    actors: list[str] = []
    rejected = {c.id for c in claims if c.id in sel.curated and sel.curated[c.id].rejected}
    for c in claims:
        countries += [x for x in (c.attributed_state, c.actor_state, c.target_state) if x]
        if (c.attributed_actor and c.stance == "asserts" and c.asserted
                and c.id not in rejected):
            actors.append(c.attributed_actor)
        countries += list(c.alternatives)
    tags += [ACTOR_GALAXY.format(_quote(a)) for a in dict.fromkeys(actors)]
    tags += [COUNTRY_GALAXY.format(misp_country_value(c)) for c in dict.fromkeys(countries)]
    for tag in dict.fromkeys(tags):
        ev.add_tag(tag)
    docs = [inc.document_id, *(c.document_id for c in claims)]
    for doc_id in dict.fromkeys(docs):
        source = sel.document_of(doc_id)
        if source is not None:
            ev.add_object(_report(inc, source))
    for c in claims:
        ev.add_object(_annotation(inc, c, sel.document_of(c.document_id), sel.curated.get(c.id)))
        if (c.attributed_actor and c.kind in ("attribution", "self-claim") and c.asserted
                and c.id not in rejected):
            attr = ev.add_attribute("threat-actor", c.attributed_actor, category="Attribution",
                                    comment=claim_summary(c), to_ids=False)
            if isinstance(attr, MISPAttribute):
                _fix(attr, _uuid("actor", c.id), _claim_tags(c, sel.document_of(c.document_id)))
    return ev


def _fix(attr: MISPAttribute, ident: str, tags: list[str]) -> None:
    attr.uuid = ident
    for tag in tags:
        attr.add_tag(tag)


def _report(inc: Incident, doc: Document) -> MISPObject:
    obj = MISPObject("report", standalone=False)
    obj.uuid = _uuid("report", inc.id, doc.id)
    obj.comment = f"Source document {doc.id}"
    reliability = [RELIABILITY_TAG.format(doc.reliability.lower())]
    fields: list[tuple[str, str]] = [("title", doc.title or doc.source)]
    if doc.source.startswith(("http://", "https://")):
        fields.append(("link", doc.source))
    about = [f"Publisher: {doc.publisher or 'unknown'}"]
    if doc.published:
        about.append(f"published {doc.published.iso()}")
    fields.append(("summary", "; ".join(about)))
    for relation, value in fields:
        attr = obj.add_attribute(relation, value=value)
        if attr is not None:
            _fix(attr, _uuid("report", inc.id, doc.id, relation), reliability)
    return obj


def _claim_tags(c: Claim, doc: Document | None, mark: Curation | None = None) -> list[str]:
    tags = [CLAIM_KIND_TAG.format(c.kind)]
    if c.claimant is not None:
        tags.append(CLAIMANT_TAG.format(_quote(claimant_name(c.claimant))))
        tags.append(BASIS_TAG.format(c.claimant.basis))
    if mark is not None and mark.status:
        tags.append(CURATION_TAG.format(mark.status))
    if mark is not None and mark.rejected:  # names, never attributes (as an unasserted one)
        if c.attributed_state:
            tags.append(NAMED_STATE_TAG.format(c.attributed_state))
        if c.attributed_actor:
            tags.append(NAMED_ACTOR_TAG.format(_quote(c.attributed_actor)))
    elif not c.asserted:
        tags.append(POLARITY_TAG.format(c.polarity))
        if c.attributed_state:
            tags.append(NAMED_STATE_TAG.format(c.attributed_state))
        tags += [ALTERNATIVE_TAG.format(a) for a in c.alternatives]
        if c.attributed_actor:
            tags.append(NAMED_ACTOR_TAG.format(_quote(c.attributed_actor)))
    elif c.attributed_state:
        tags.append((SPONSOR_TAG if c.kind == "self-claim" else STATE_TAG
                     ).format(c.attributed_state))
    if c.confidence:
        tags.append(CONFIDENCE_TAG.format(c.confidence))
    if c.likelihood:
        tags.append(LIKELIHOOD_TAG.format(c.likelihood.replace(" ", "-")))
    if c.action:
        tags.append(ACTION_TAG.format(c.action))
    if doc is not None:
        tags.append(RELIABILITY_TAG.format(doc.reliability.lower()))
    return tags


def _annotation(inc: Incident, c: Claim, doc: Document | None, mark: Curation | None = None
                ) -> MISPObject:
    obj = MISPObject("annotation", standalone=False)
    obj.uuid = _uuid("claim", c.id)
    publisher = doc.publisher if doc else None
    obj.comment = claim_summary(c, publisher)
    if mark is not None and mark.status:
        obj.comment += f" [curation: {mark.describe()}]"
    fields: list[tuple[str, str, list[str]]] = [
        ("text", c.sentence_text, _claim_tags(c, doc, mark)),
        ("type", "Annotation", []),
        ("format", "text", []),
    ]
    if doc is not None and doc.source.startswith(("http://", "https://")):
        fields.append(("ref", doc.source, []))
    if c.claim_date is not None:
        fields.append(("creation-date", f"{c.claim_date.start.isoformat()}T00:00:00+00:00", []))
    for relation, value, tags in fields:
        attr = obj.add_attribute(relation, value=value)
        if attr is not None:
            _fix(attr, _uuid("claim", c.id, relation), tags)
    return obj
