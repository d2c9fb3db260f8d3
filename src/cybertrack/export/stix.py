"""STIX 2.1 export: one bundle in which every claim keeps its claimant, confidence and source.

Mapping (docs/stix-extension.md has the full table):
- document -> ``report`` (``object_refs``: everything drawn from it; ``external_references``:
  the source address), created by an ``identity`` for its publisher;
- incident -> ``incident`` with ``targets`` relationships to ``location`` (countries) and
  ``identity`` (organizations, sectors);
- attribution / self-claim -> ``attributed-to`` relationships from the incident to an
  ``intrusion-set`` (the actor) and/or a nation-state ``threat-actor`` (the state), created by
  the claimant's ``identity``, with ``confidence`` from the stated confidence, plus a ``note``
  holding the sentence and verbatim hedge;
- denial -> ``opinion`` "strongly-disagree" about the attributions it denies;
- a doubted or negated attribution (``Claim.polarity``) -> ``opinion`` "neutral" / "disagree"
  about the asserted attributions to the states it names (else the incident and those states),
  a refused one ("declined to attribute") or a denial that is none ("has not denied") ->
  ``note``: never an ``attributed-to`` relationship;
- response, incident report -> ``note``;
- incident link -> ``related-to`` relationship with the score in its description.
Every object carries the cybertrack extension (``stix_ext``), so nothing is lost.

Objects are plain dicts, built in one pass: building ``stix2`` objects costs far more and the
tests validate the output with stix2-validator instead. Ids are uuid5 over our stable ids and
timestamps come from the data (document and claim dates), so the same knowledge base always
gives the same bundle.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from cybertrack.errors import ExportError
from cybertrack.export import stix_ext as x
from cybertrack.export.names import (
    actor_entity_id,
    claim_summary,
    claimant_name,
    country_name,
    date_text,
)
from cybertrack.export.select import Selection
from cybertrack.gcpause import paused_gc
from cybertrack.model import Claim, Claimant, Document, Entity, Incident, Link
from cybertrack.vocab import ADMIRALTY_RELIABILITY, RESPONSE_ACTIONS

Obj = dict[str, Any]
_IDENTITY_CLASS = {"government": "organization", "organization": "organization",
                   "actor": "group", "person": "individual"}


INCIDENT_TYPES = ("incident", "campaign")


def stix_bundle(selection: Selection, *, include_text: bool = False,
                incident_type: str = "incident") -> Obj:
    """The STIX 2.1 bundle (a JSON-ready dict) of ``selection``.

    ``include_text`` adds each document's full text to its report's extension, for a lossless
    cybertrack-to-cybertrack copy; leave it off when sharing (articles are often not ours to
    redistribute). ``incident_type`` "campaign" exports incidents as campaigns (with
    ``first_seen``/``last_seen``), for tools that expect ATT&CK's modelling.
    """
    if incident_type not in INCIDENT_TYPES:
        raise ExportError(f"incident type {incident_type!r}: choose incident or campaign")
    with paused_gc():
        return _Builder(selection, include_text, incident_type).build()


def write_stix(selection: Selection, out: Path | None, *, include_text: bool = False,
               incident_type: str = "incident") -> str:
    """Serialize the bundle; write it to ``out`` when given. Returns the JSON text."""
    bundle = stix_bundle(selection, include_text=include_text, incident_type=incident_type)
    text = bundle_json(bundle)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    return text


def bundle_json(bundle: Obj) -> str:
    """The bundle as JSON text with one object per line: compact enough to write 100,000
    objects in seconds (the indenting encoder is pure Python), yet easy to grep and diff."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    head = dumps({k: v for k, v in bundle.items() if k != "objects"})[:-1]
    body = ",\n".join(dumps(obj) for obj in bundle["objects"])
    return f'{head},"objects":[\n{body}\n]}}'


def _common(stix_type: str, ident: str, created: str, by: str | None) -> Obj:
    obj: Obj = {"type": stix_type, "spec_version": "2.1", "id": ident, "created": created,
                "modified": created}
    if by:
        obj["created_by_ref"] = by
    return obj


def _day(doc: Document | None) -> str:
    """A document's timestamp: its publication date, else the day it was retrieved."""
    if doc is None:
        return x.EPOCH
    if doc.published is not None:
        return x.timestamp(doc.published.start)
    if doc.retrieved and len(doc.retrieved) >= 10:
        return f"{doc.retrieved[:10]}T00:00:00.000Z"
    return x.EPOCH


def doc_reference(doc: Document) -> Obj:
    """The ``external_reference`` pointing at a source document."""
    ref: Obj = {"source_name": doc.publisher or "cybertrack document", "external_id": doc.id}
    if doc.source.startswith(("http://", "https://")):
        ref["url"] = doc.source
    details = [doc.title or doc.source]
    if doc.published:
        details.append(f"published {doc.published.iso()}")
    details.append(f"source reliability {doc.reliability}")
    ref["description"] = "; ".join(details)
    return ref


class _Builder:
    """Accumulates objects by id (first wins) and each document's ``object_refs``."""

    def __init__(self, sel: Selection, include_text: bool, incident_type: str) -> None:
        self.sel = sel
        self.include_text = include_text
        self.incident_type = incident_type
        self.objects: dict[str, Obj] = {}
        self.refs: dict[str, dict[str, None]] = defaultdict(dict)  # doc id -> ordered ids
        self.incident_ids = {i.id: x.stix_id(incident_type, i.id) for i in sel.incidents}
        #: (incident id, attributed state or actor id) -> attributed-to relationship ids
        self.attributions: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.memo: dict[tuple[str | None, ...], str] = {}
        #: incident id -> incidents a (not rejected) link says may be the same
        self.same: dict[str, set[str]] = defaultdict(set)
        for link in sel.links:
            if link.kind == "incident":
                self.same[link.a].add(link.b)
                self.same[link.b].add(link.a)
        self.doc_refs: dict[str, list[Obj]] = {}

    def known(self, key: tuple[str | None, ...], doc_id: str | None) -> str | None:
        """The id of the reference object built earlier under ``key`` (then listed in
        ``doc_id``'s report too): each is built once, however many claims name it."""
        ident = self.memo.get(key)
        if ident is not None and doc_id is not None:
            self.refs[doc_id][ident] = None
        return ident

    def remember(self, key: tuple[str | None, ...], ident: str) -> str:
        self.memo[key] = ident
        return ident

    def source(self, doc: Document | None) -> list[Obj]:
        """The ``external_references`` of records drawn from ``doc`` (one list per document)."""
        if doc is None:
            return []
        if doc.id not in self.doc_refs:
            self.doc_refs[doc.id] = [doc_reference(doc)]
        return self.doc_refs[doc.id]

    def add(self, obj: Obj, doc_id: str | None = None) -> str:
        self.objects.setdefault(obj["id"], obj)
        if doc_id is not None:
            self.refs[doc_id][obj["id"]] = None
        return str(obj["id"])

    def build(self) -> Obj:
        self.add(_common("identity", x.PRODUCER_ID, x.EPOCH, None) | {
            "name": "cybertrack", "identity_class": "system",
            "description": "Extracts claims about state cyber operations from documents; "
                           "producer of this bundle."})
        self.add(_extension_definition())
        for inc in self.sel.incidents:
            self.incident(inc)
        # denials and claims that are not asserted last: they point at the asserted
        # attributions built before them
        claims = sorted(self.sel.claims, key=lambda c: (c.kind == "denial", not c.asserted))
        for claim in claims:
            self.claim(claim)
        for link in self.sel.links:
            self.link(link)
        for doc in self.sel.documents.values():
            self.report(doc)
        objects = list(self.objects.values())
        digest = hashlib.sha256("\n".join(sorted(self.objects)).encode()).hexdigest()
        return {"type": "bundle", "id": x.stix_id("bundle", digest), "objects": objects}

    # --- reference objects --------------------------------------------------------------------

    def location(self, code: str, doc_id: str | None) -> str:
        if hit := self.known(("location", code), doc_id):
            return hit
        entity = self.sel.entities.get(f"country:{code}") or Entity(
            f"country:{code}", "country", country_name(code), country=code)
        return self.remember(("location", code), self.add(_common(
            "location", x.stix_id("location", f"country:{code}"), x.EPOCH, x.PRODUCER_ID) | {
            "name": country_name(code), "country": code,
            "extensions": {x.EXTENSION_ID: x.entity_ext(entity)}}, doc_id))

    def state(self, code: str, doc_id: str | None) -> str:
        """The state as the party held responsible: a nation-state threat actor."""
        where = self.location(code, doc_id)
        if hit := self.known(("state", code), doc_id):
            return hit
        ident = x.stix_id("threat-actor", f"state:{code}")
        self.add(_common("relationship", x.stix_id("relationship", "located-at", code),
                         x.EPOCH, x.PRODUCER_ID) | {
            "relationship_type": "located-at", "source_ref": ident, "target_ref": where})
        return self.remember(("state", code), self.add(_common(
            "threat-actor", ident, x.EPOCH, x.PRODUCER_ID) | {
            "name": f"{country_name(code)} (state)", "threat_actor_types": ["nation-state"],
            "description": f"The state of {country_name(code)} ({code}) as the party held "
                           "responsible by the claims that point here.",
        }, doc_id))

    def actor(self, claim: Claim, doc_id: str) -> str:
        name = claim.attributed_actor or ""
        ent_id = claim.attributed_actor_id or actor_entity_id(name)
        if hit := self.known(("actor", ent_id), doc_id):
            return hit
        entity = self.sel.entities.get(ent_id) or Entity(ent_id, "threat-actor", name)
        aliases = list(dict.fromkeys(
            a for a in (*entity.aliases, *(v[0] for v in entity.vendor_aliases), name)
            if a and a != entity.name))
        obj = _common("intrusion-set", x.stix_id("intrusion-set", ent_id), x.EPOCH,
                      x.PRODUCER_ID) | {"name": entity.name}
        if aliases:
            obj["aliases"] = aliases
        notes = [f"{a} ({v})" for a, v in entity.vendor_aliases]
        about = []
        if entity.sponsor:
            about.append(f"Suspected sponsor state: {country_name(entity.sponsor)}.")
        if notes:
            about.append("Vendor names: " + ", ".join(notes) + ".")
        if about:
            obj["description"] = " ".join(about)
        obj["extensions"] = {x.EXTENSION_ID: x.entity_ext(entity)}
        return self.remember(("actor", ent_id), self.add(obj, doc_id))

    def claimant(self, who: Claimant | None, doc: Document | None) -> str:
        if who is None:
            return self.publisher(doc)
        code = who.country if who.kind == "government" else None
        key = ("government", code) if code else (who.kind, who.name, who.country)
        if hit := self.known(("claimant", *key), None):
            return hit
        obj = _common("identity", x.stix_id("identity", "claimant", *key), x.EPOCH,
                      x.PRODUCER_ID) | {"name": claimant_name(who),
                                        "identity_class": _IDENTITY_CLASS.get(who.kind, "unknown")}
        if who.kind == "government":
            obj["sectors"] = ["government-national"]
        obj["description"] = f"Claimant ({who.kind}; basis: {who.basis})."
        entity = self.sel.entities.get(who.entity_id or "")
        if entity is not None:
            obj["extensions"] = {x.EXTENSION_ID: x.entity_ext(entity)}
        return self.remember(("claimant", *key), self.add(obj))

    def publisher(self, doc: Document | None) -> str:
        if doc is None or not doc.publisher:
            return x.PRODUCER_ID
        if hit := self.known(("publisher", doc.publisher), None):
            return hit
        return self.remember(("publisher", doc.publisher), self.add(_common(
            "identity", x.stix_id("identity", "publisher", doc.publisher), x.EPOCH,
            x.PRODUCER_ID) | {"name": doc.publisher, "identity_class": "organization",
                              "description": "Publisher of source documents."}))

    # --- records ------------------------------------------------------------------------------

    def incident(self, inc: Incident) -> None:
        doc = self.sel.document_of(inc.document_id)
        created, by = _day(doc), self.publisher(doc)
        refs = self.source(doc)
        name = inc.title or inc.key
        what = ", ".join(inc.kinds) or "cyber operation"
        parts = [f"{what.capitalize()} reported {date_text(inc.time) or 'undated'}."]
        if inc.sentence:
            parts.append(f'Source sentence: "{inc.sentence}"')
        obj = _common(self.incident_type, self.incident_ids[inc.id], created, by) | {
            "name": name, "description": " ".join(parts)}
        if self.incident_type == "campaign" and inc.time is not None:
            obj["first_seen"] = x.timestamp(inc.time.start)
            obj["last_seen"] = x.timestamp(inc.time.end)
        if inc.kinds:
            obj["labels"] = list(inc.kinds)
        mark = self.sel.curated.get(inc.id)
        if mark is not None and (mark.status or mark.targets is not None or mark.date):
            obj["description"] += f" Curation: {mark.describe()}."
            if mark.rejected:
                obj["labels"] = [*obj.get("labels", []), "rejected"]
        if refs:
            obj["external_references"] = refs
        obj["extensions"] = {x.EXTENSION_ID: x.incident_ext(inc)}
        ident = self.add(obj, inc.document_id)
        targets = [self.location(c, inc.document_id) for c in dict.fromkeys(inc.targets)]
        for kind, names in (("organization", inc.target_orgs), ("class", inc.sectors)):
            for n in names:
                label = n if kind == "organization" else f"{n} sector"
                targets.append(self.add(_common(
                    "identity", x.stix_id("identity", kind, n), x.EPOCH, x.PRODUCER_ID) | {
                    "name": label, "identity_class": kind}, inc.document_id))
        for target in targets:
            rel = _common("relationship", x.stix_id("relationship", inc.id, "targets", target),
                          created, by) | {"relationship_type": "targets", "source_ref": ident,
                                          "target_ref": target}
            if refs:
                rel["external_references"] = refs
            self.add(rel, inc.document_id)

    def claim(self, c: Claim) -> None:
        doc = self.sel.document_of(c.document_id)
        who = self.claimant(c.claimant, doc)
        created = x.timestamp(c.claim_date.start) if c.claim_date else _day(doc)
        publisher = doc.publisher if doc else None
        summary = claim_summary(c, publisher)
        refs = self.source(doc)
        ext = {x.EXTENSION_ID: x.claim_ext(c)}
        incident = self.incident_ids.get(c.incident_id or "")
        about: list[str] = [incident] if incident else []
        mark = self.sel.curated.get(c.id)
        rejected = mark is not None and mark.rejected
        if rejected and c.kind in ("attribution", "self-claim", "denial"):
            # a person rejected it: a note saying so, about what it names; never an
            # attributed-to or opinion a consumer would count
            about = list(dict.fromkeys([*self.named(c, incident), *about]))
        elif not c.asserted and c.kind in ("attribution", "self-claim", "denial"):
            if c.polarity in ("doubted", "negated") and c.kind != "denial":
                self.unasserted(c, incident, created, who, summary, refs, ext)
                return
            # a refusal, or a denial that is none: a note, no opinion
            about = list(dict.fromkeys([*self.named(c, incident), *about]))
        elif c.kind in ("attribution", "self-claim") and c.stance == "asserts":
            rels = self.attribution(c, incident, created, who, summary, refs, ext)
            about = [*rels, *about]
        elif c.kind == "denial" or c.stance == "denies":
            self.denial(c, incident, created, who, summary, refs, ext)
            return
        elif c.kind == "response":
            for code in (c.actor_state, c.target_state):
                if code:
                    about.append(self.location(code, c.document_id))
        if not about:
            about = [who]
        content = [f'"{c.sentence_text}"']
        if c.hedge:
            content.append(f"Hedge (verbatim): {c.hedge}")
        if mark is not None and mark.rejected:
            content.append(f"Curation: {mark.describe()} (not counted as a claim)")
        elif mark is not None and mark.status:
            content.append(f"Curation: {mark.describe()}")
        if not c.asserted:
            content.append(f"Polarity: {c.polarity} (not counted as an attribution or denial)")
        if c.kind == "response" and c.action in RESPONSE_ACTIONS:
            a = RESPONSE_ACTIONS[c.action]
            content.append(f"Action: {a.name} (CAMEO {a.cameo}, PLOVER {a.plover})")
        if doc:
            content.append(f"Source: {doc.title or doc.source} ({doc.source}); reliability "
                           f"{doc.reliability}: {ADMIRALTY_RELIABILITY.get(doc.reliability, '')}")
        note = _common("note", x.stix_id("note", c.id), created, who) | {
            "abstract": summary, "content": "\n".join(content),
            "authors": [claimant_name(c.claimant, publisher)], "object_refs": about}
        if rejected:
            note["labels"] = ["rejected"]
        if refs:
            note["external_references"] = refs
        note["extensions"] = ext
        self.add(note, c.document_id)

    def attribution(self, c: Claim, incident: str | None, created: str, who: str,
                    summary: str, refs: list[Obj], ext: Obj) -> list[str]:
        """The claim's ``attributed-to`` relationships (incident -> actor, incident -> state;
        actor -> state when the claim has no incident)."""
        actor = self.actor(c, c.document_id) if c.attributed_actor else None
        # a group claiming the act names itself, not its sponsor: no relationship to a state
        state = (self.state(c.attributed_state, c.document_id)
                 if c.attributed_state and c.kind != "self-claim" else None)
        pairs = [(incident, t) for t in (actor, state) if t] if incident else (
            [(actor, state)] if actor and state else [])
        confidence = x.stix_confidence(c.confidence, c.likelihood)
        out = []
        for source, target in pairs:
            rel = _common("relationship", x.stix_id("relationship", c.id, target), created,
                          who) | {"relationship_type": "attributed-to", "source_ref": source,
                                  "target_ref": target,
                                  "description": f'{summary}: "{c.sentence_text}"'}
            if confidence is not None:
                rel["confidence"] = confidence
            if refs:
                rel["external_references"] = refs
            rel["extensions"] = ext
            out.append(self.add(rel, c.document_id))
            if c.incident_id:
                key = c.attributed_state if target == state else c.attributed_actor_id
                self.attributions[(c.incident_id, key or str(target))].append(rel["id"])
        return out

    def named(self, c: Claim, incident: str | None) -> list[str]:
        """What a claim that is not asserted is about: the asserted ``attributed-to``
        relationships (built before it) from this incident, or an incident linked to it, to
        the states and actor it names; else the incident and those states' and actor's
        objects, so the bundle still says whom it names."""
        keys = [k for k in (c.attributed_state, *c.alternatives, c.attributed_actor_id) if k]
        found: list[str] = []
        if c.incident_id:
            for inc in sorted({c.incident_id, *self.same[c.incident_id]}):
                for key in keys:
                    found += self.attributions.get((inc, key), [])
        if found:
            return list(dict.fromkeys(found))
        states = [self.state(code, c.document_id)
                  for code in dict.fromkeys((c.attributed_state, *c.alternatives)) if code]
        actor = [self.actor(c, c.document_id)] if c.attributed_actor else []
        return [*([incident] if incident else []), *states, *actor]

    def unasserted(self, c: Claim, incident: str | None, created: str, who: str,
                   summary: str, refs: list[Obj], ext: Obj) -> None:
        """A doubted or negated attribution as the claimant's ``opinion`` of the
        attributions to the states it names: "neutral" when it cannot confirm them (or names
        possible sources), "disagree" when it says they are wrong. Never an ``attributed-to``:
        a consumer counting relationships must not count it as one more attribution."""
        about = self.named(c, incident) or [who]
        opinion = "neutral" if c.polarity == "doubted" else "disagree"
        hedge = f" (verbatim: {c.hedge})" if c.hedge else ""
        obj = _common("opinion", x.stix_id("opinion", c.id), created, who) | {
            "opinion": opinion,
            "explanation": f'{summary}: "{c.sentence_text}"{hedge}',
            "authors": [claimant_name(c.claimant, None)], "object_refs": about}
        if refs:
            obj["external_references"] = refs
        obj["extensions"] = ext
        self.add(obj, c.document_id)

    def denial(self, c: Claim, incident: str | None, created: str, who: str, summary: str,
               refs: list[Obj], ext: Obj) -> None:
        """An ``opinion`` disagreeing with the attributions the claimant denies (those to
        its own state when the denial names none), about this incident and those linked to
        it, since other documents' records of the same incident carry those attributions."""
        state = c.attributed_state or (c.claimant.country if c.claimant else None)
        denied: list[str] = []
        if c.incident_id:
            for inc in sorted({c.incident_id, *self.same[c.incident_id]}):
                for key in (state, c.attributed_actor_id):
                    denied += self.attributions.get((inc, key or ""), [])
        refs_about = list(dict.fromkeys(denied)) or ([incident] if incident else [])
        if not refs_about:
            refs_about = [self.state(state, c.document_id)] if state else [who]
        obj = _common("opinion", x.stix_id("opinion", c.id), created, who) | {
            "opinion": "strongly-disagree", "explanation": f'{summary}: "{c.sentence_text}"',
            "authors": [claimant_name(c.claimant, None)], "object_refs": refs_about}
        if refs:
            obj["external_references"] = refs
        obj["extensions"] = ext
        self.add(obj, c.document_id)

    def link(self, link: Link) -> None:
        if link.kind == "incident":
            a, b = self.incident_ids.get(link.a), self.incident_ids.get(link.b)
        else:
            a, b = (x.stix_id("intrusion-set", e) for e in (link.a, link.b))
        if a not in self.objects or b not in self.objects:
            return
        created = max(self.objects[a]["created"], self.objects[b]["created"])
        why = "; ".join(link.reasons) or "no reason recorded"
        self.add(_common("relationship", x.stix_id("relationship", link.id), created,
                         x.PRODUCER_ID) | {
            "relationship_type": "related-to", "source_ref": a, "target_ref": b,
            "description": f"Possibly the same {link.kind} (link score {link.score:.2f}, "
                           f"{link.status}, by {link.made_by}: {why}).",
            "extensions": {x.EXTENSION_ID: x.link_ext(link)}})

    def report(self, doc: Document) -> None:
        refs = list(self.refs.get(doc.id, {})) or [self.publisher(doc)]
        published = _day(doc)
        about = [f"Source document {doc.source}"]
        if doc.publisher:
            about.append(f"published by {doc.publisher}")
        if doc.published:
            about.append(f"on {doc.published.iso()}")
        label = ADMIRALTY_RELIABILITY.get(doc.reliability, "")
        self.add(_common("report", x.stix_id("report", doc.id), published,
                         self.publisher(doc)) | {
            "name": doc.title or doc.source, "published": published,
            "description": " ".join(about) + f". Source reliability (Admiralty) "
                                             f"{doc.reliability}: {label}.",
            "report_types": ["threat-report"], "object_refs": refs,
            "external_references": [doc_reference(doc)],
            "extensions": {x.EXTENSION_ID: x.document_ext(doc, include_text=self.include_text)},
        })


def _extension_definition() -> Obj:
    return _common("extension-definition", x.EXTENSION_ID, x.EPOCH, x.PRODUCER_ID) | {
        "name": "cybertrack record",
        "description": "The cybertrack record (document, incident, claim, entity or link) an "
                       "object was exported from: claimant and basis, stated confidence and "
                       "ICD 203 likelihood, verbatim hedge, partial dates with precision, and "
                       "state responses with CAMEO/PLOVER codes.",
        "schema": "Plain-text definition: docs/stix-extension.md in the cybertrack "
                  "distribution. Properties by record_type: document, incident, claim, "
                  "entity, link.",
        "version": x.EXTENSION_VERSION, "extension_types": ["property-extension"],
    }
