"""STIX 2.1 input: bundles, single objects, or folders of them, read into records directly.

STIX is already structured, so nothing here runs text extraction: the reader returns whole
``Extraction``s (``ReadResult.extraction``) that the batch stores as they are.

- Objects carrying the cybertrack extension (``export.stix_ext``), i.e. our own exports, are
  rebuilt record for record: documents, incidents, claims with claimant, confidence and hedge,
  entities and links. When the bundle was exported with the documents' text, the ids are the
  original ones; otherwise each document's text is rebuilt from its title and the sentences its
  records quote, and the ids derive from that text.
- Other producers' objects (ATT&CK, OpenCTI, vendors' feeds) map as follows, one document
  per STIX object with prose, so that re-reading an object always gives the same document: a
  ``campaign`` or ``incident`` becomes a document (its name and description) with one incident
  and an ``incident-report`` claim; an ``attributed-to`` relationship becomes an
  ``attribution`` claim, in the document of the ``report`` that lists it, else in a document of
  its own, with the producer (``created_by_ref``) as claimant and ``confidence`` read back
  through the STIX None/Low/Med/High scale; the claim's document has its own incident record,
  linked (accepted, score 1) to the campaign's; ``intrusion-set`` and ``threat-actor`` become
  threat-actor entities (aliases kept), with a document for their description; ``location``
  objects with a country become country entities; ``targets`` relationships to them become the
  incident's targets.

References across files are resolved when the files are read together (``StixImporter``, or
``read_stix_files``), which is how ``cybertrack ingest`` reads the ``.json`` inputs of a batch.

Every object is checked first (``stix_check``): one whose properties that we read have the
wrong type (``"name": 123``, ``"aliases": "APT1"``, a ``null``) is refused as
``file.json#<id>: reason`` and the other objects are still read. A fault while mapping the
objects that the checks did not foresee is reported as each file's failure, never the batch's.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from cybertrack.errors import IngestError
from cybertrack.export.names import actor_entity_id, country_name, slug
from cybertrack.export.stix_ext import (
    PRODUCER_ID,
    confidence_level,
    record_of,
)
from cybertrack.ingest.base import ReadOptions, ReadResult, clean_field
from cybertrack.ingest.detect import decode_text, extension, is_url, looks_like_stix
from cybertrack.ingest.paths import read_file
from cybertrack.ingest.stix_check import problem
from cybertrack.ingest.stix_native import Native, Text, paragraph
from cybertrack.model import (
    Claim,
    Claimant,
    Document,
    Entity,
    Extraction,
    Incident,
    Link,
    PartialDate,
    Span,
    stable_id,
)

#: Producers whose identity object is often absent from the files they publish.
KNOWN_PRODUCERS: dict[str, tuple[str, str]] = {
    "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5": ("The MITRE Corporation", "tracker"),
}
log = logging.getLogger(__name__)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*--[0-9a-fA-F-]{36}$")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z\"(])")
_EVENTS = ("campaign", "incident")
_ACTORS = ("intrusion-set", "threat-actor")


def is_stix_object(value: object) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("type"), str)
            and isinstance(value.get("id"), str) and bool(_ID.match(value["id"])))


def parse_stix(data: bytes, source: str) -> list[dict[str, Any]]:
    """The STIX objects of a bundle, a single object, or a JSON list of objects."""
    try:
        value = json.loads(decode_text(data, source))
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise IngestError(source, f"not JSON ({exc})") from None
    if isinstance(value, dict) and value.get("type") == "bundle":
        value = value.get("objects") or []
    items = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
    objects = [o for o in items if is_stix_object(o)]
    if not objects:
        raise IngestError(source, "no STIX objects: expected a bundle with \"objects\", or "
                                  "objects with \"type\" and \"id\"")
    return objects


def is_stix_file(source: str, max_bytes: int) -> bool:
    """True for a local ``.json`` file holding STIX (what the batch reads together)."""
    if is_url(source) or extension(source) != ".json":
        return False
    try:
        return looks_like_stix(source, read_file(source, max_bytes))
    except IngestError:
        return False  # reported when the batch reads it like any other input


def read_stix(data: bytes, source: str, options: ReadOptions | None = None,
              ) -> Iterator[ReadResult]:
    """Reader of one STIX input (a multi-reader of ``ingest.reader``)."""
    importer = StixImporter()
    importer.add(parse_stix(data, source), source)
    yield from importer.results()


def read_stix_files(sources: Sequence[str], options: ReadOptions | None = None,
                    ) -> Iterator[ReadResult]:
    """Read several STIX files as one body of objects, so that a relationship in one file can
    name a campaign in another (ATT&CK ships one object per file). A file that cannot be read
    is reported as a failed result; the others are still imported."""
    importer = StixImporter()
    max_bytes = (options or ReadOptions()).max_bytes
    for source in sources:
        try:
            importer.add(parse_stix(read_file(source, max_bytes), source), source)
        except IngestError as exc:
            yield ReadResult.fail(exc)
    yield from importer.results()


class StixImporter:
    """Collects STIX objects from any number of inputs, then maps them all at once."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.origin: dict[str, str] = {}
        self.refused: list[IngestError] = []

    def add(self, objects: Sequence[dict[str, Any]], source: str) -> None:
        """Keep each well-typed object, the most recently modified version where an id
        repeats; refuse the others (``refused``), each with its reason."""
        for obj in objects:
            why = problem(obj)
            if why:
                self.refused.append(IngestError(f"{source}#{obj['id']}", f"refused: {why}"))
                continue
            old = self.objects.get(obj["id"])
            if old is None or str(obj.get("modified", "")) >= str(old.get("modified", "")):
                self.objects[obj["id"]] = obj
                self.origin[obj["id"]] = source

    def results(self) -> Iterator[ReadResult]:
        """The refused objects' errors, then one result per document."""
        for error in self.refused:
            yield ReadResult.fail(error)
        try:
            done = self.extractions()
        except Exception as exc:  # a shape the checks did not foresee: a bug, not the batch's
            log.exception("bug while mapping STIX objects")
            why = (f"could not be mapped ({type(exc).__name__}: {exc}); please report this "
                   "bug")
            for source in dict.fromkeys(self.origin.values()):
                yield ReadResult.fail(IngestError(source, why))
            return
        for label, ex in done:
            yield ReadResult(label, ex.document, None, ex)

    def extractions(self) -> list[tuple[str, Extraction]]:
        """(source label, extraction) per document. Each extraction carries the entities its
        records name and the links touching its incidents (the first one carries every
        entity, the last one any link left), so whichever documents are new when stored,
        nothing is lost; the store adds each entity and link once."""
        native = [o for o in self.objects.values() if record_of(o) is not None]
        foreign = [o for o in self.objects.values()
                   if record_of(o) is None and not o.get("revoked")
                   and not o.get("x_mitre_deprecated") and PRODUCER_ID not in
                   (o["id"], o.get("created_by_ref"))]  # our own scaffolding
        mine, theirs = Native(native, self.origin), _Foreign(foreign, self.origin)
        out = mine.extractions() + theirs.extractions()
        if not out:
            return out
        entities = {e.id: e for e in (*theirs.entities.values(), *mine.entities.values())}
        by_stix = theirs.entities  # STIX id -> entity, for intrusion-set documents
        links = {link.id: link for link in (*mine.link_records, *theirs.link_records)}
        placed: set[str] = set()
        result = []
        for n, (label, ex) in enumerate(out):
            incidents = {i.id for i in ex.incidents}
            mine_links = [x for x in links.values() if {x.a, x.b} & incidents]
            placed.update(x.id for x in mine_links)
            if n == len(out) - 1:
                mine_links += [x for x in links.values() if x.id not in placed]
            wanted = _named(ex) | ({by_stix[ex.document.external_id or ""].id}
                                   if ex.document.external_id in by_stix else set())
            ents = entities.values() if n == 0 else [
                e for i, e in entities.items() if i in wanted]
            result.append((label, replace(ex, entities=tuple(ents), links=tuple(mine_links))))
        return result


def _named(ex: Extraction) -> set[str]:
    """Entity ids an extraction's records refer to (actors, claimants, countries)."""
    ids = {f"country:{c}" for i in ex.incidents for c in i.targets}
    for c in ex.claims:
        ids.update(f"country:{s}" for s in (c.attributed_state, c.actor_state, c.target_state)
                   if s)
        ids.update(x for x in (c.attributed_actor_id,
                               c.claimant.entity_id if c.claimant else None) if x)
    return ids


# --- other producers ----------------------------------------------------------------------------


class _Foreign:
    """Map other producers' STIX (ATT&CK, OpenCTI...) onto our records."""

    def __init__(self, objects: list[dict[str, Any]], origin: dict[str, str]) -> None:
        self.by_id = {o["id"]: o for o in objects}
        self.origin = origin
        self.entities: dict[str, Entity] = {}
        for o in objects:
            if o["type"] in _ACTORS and o.get("name"):
                name = str(o["name"])
                aliases = tuple(a for a in o.get("aliases", ())
                                if isinstance(a, str) and a != name)
                self.entities[o["id"]] = Entity(actor_entity_id(name), "threat-actor", name,
                                                aliases)
            elif o["type"] == "location" and isinstance(o.get("country"), str):
                code = o["country"].upper()
                self.entities[o["id"]] = Entity(f"country:{code}", "country", country_name(code),
                                                country=code)
        self.rels = sorted((o for o in objects if o["type"] == "relationship"),
                           key=lambda o: o["id"])
        self.incident_copies: dict[str, list[str]] = defaultdict(list)  # event id -> incidents
        self.link_records: list[Link] = []

    def producer(self, obj: dict[str, Any]) -> Claimant:
        ref = str(obj.get("created_by_ref", ""))
        known = KNOWN_PRODUCERS.get(ref)
        owner = self.by_id.get(ref)
        name = (known[0] if known else None) or (owner or {}).get("name") or ref or "unknown"
        basis = known[1] if known else "unknown"
        return Claimant("organization", str(name), None, "org:" + slug(str(name)), basis)

    def extractions(self) -> list[tuple[str, Extraction]]:
        home: dict[str, list[dict[str, Any]]] = defaultdict(list)
        listed: dict[str, str] = {}
        for report in sorted((o for o in self.by_id.values() if o["type"] == "report"),
                             key=lambda o: o["id"]):
            for ref in report.get("object_refs", ()):
                listed.setdefault(ref, report["id"])
        targets: dict[str, list[str]] = defaultdict(list)
        for rel in self.rels:
            kind = rel.get("relationship_type")
            src, dst = str(rel.get("source_ref")), str(rel.get("target_ref"))
            if src not in self.by_id or dst not in self.entities:
                continue
            if kind == "attributed-to":
                home[listed.get(rel["id"], rel["id"])].append(rel)
            elif kind == "targets" and self.entities[dst].kind == "country":
                targets[src].append(self.entities[dst].country or "")
        out = []
        order = {"campaign": 0, "incident": 0, "report": 1, "intrusion-set": 2, "threat-actor": 2,
                 "relationship": 3}
        containers = sorted((o for o in self.by_id.values() if o["type"] in order),
                            key=lambda o: (order[o["type"]], o["id"]))
        for obj in containers:
            if obj["type"] in _ACTORS and not obj.get("description"):
                continue
            if obj["type"] == "relationship" and obj["id"] not in home:
                continue  # not an attribution, or one a report vouches for
            out.append((f"{self.origin.get(obj['id'], 'stix')}#{obj['id']}",
                        self.document(obj, home.get(obj["id"], []), targets)))
        for event, copies in sorted(self.incident_copies.items()):
            for other in copies[1:]:
                self.link_records.append(Link(
                    stable_id("link", "incident", copies[0], other), "incident", copies[0],
                    other, 1.0, (f"same STIX object {event}",), "stix-import", "accepted"))
        return out

    def document(self, obj: dict[str, Any], rels: list[dict[str, Any]],
                 targets: dict[str, list[str]]) -> Extraction:
        text = Text()
        lead = None
        own = obj["type"] != "relationship"  # a relationship's text is its claim's sentence
        if own:
            text.add(str(obj.get("name") or obj["id"]))
        for part in str(obj.get("description") or "").split("\n\n") if own else ():
            line = paragraph(part)
            if line:
                span = text.add(line)
                end = _SENTENCE_END.search(line)
                lead = lead or Span(span.start, span.start + (end.end() if end else len(line)))
        events = [obj["id"]] if obj["type"] in _EVENTS else []
        if obj["type"] == "report":
            events += [r for r in obj.get("object_refs", ())
                       if self.by_id.get(r, {}).get("type") in _EVENTS]
        events += [r["source_ref"] for r in rels if self.by_id[r["source_ref"]]["type"] in _EVENTS]
        sentences = [(rel, text.add(self.sentence(rel))) for rel in rels]
        doc = self.make_document(obj, text.text())
        incidents: dict[str, Incident] = {}
        for event in dict.fromkeys(events):
            src = self.by_id[event]
            span = lead if event == obj["id"] and lead else Span(0, len(doc.text.split("\n")[0]))
            inc = Incident(
                id=stable_id("incident", doc.id, event), document_id=doc.id,
                key=str(src.get("name") or event), targets=tuple(dict.fromkeys(targets[event])),
                time=_seen(src), title=src.get("name"), span=span,
                sentence=doc.text[span.start:span.end])
            incidents[event] = inc
            self.incident_copies[event].append(inc.id)
        claims = []
        if obj["type"] in _EVENTS:
            inc = incidents[obj["id"]]
            claims.append(Claim(
                id=stable_id("claim", doc.id, "incident-report", obj["id"]), document_id=doc.id,
                kind="incident-report", sentence=inc.span or Span(0, 0),
                sentence_text=inc.sentence, claimant=self.producer(obj), incident_id=inc.id,
                claim_date=_day(obj.get("created")), event_date=inc.time))
        for rel, span in sentences:
            claims.append(self.attribution(rel, doc, span, incidents, obj))
        return Extraction(doc, (), (), tuple(incidents.values()), tuple(claims))

    def sentence(self, rel: dict[str, Any]) -> str:
        if paragraph(str(rel.get("description") or "")):
            return str(rel["description"])
        src, dst = self.by_id[rel["source_ref"]], self.entities[rel["target_ref"]]
        return f"{src.get('name', rel['source_ref'])} is attributed to {dst.name}."

    def attribution(self, rel: dict[str, Any], doc: Document, span: Span,
                    incidents: dict[str, Incident], container: dict[str, Any]) -> Claim:
        target = self.entities[rel["target_ref"]]
        source = self.by_id[rel["source_ref"]]
        state = target.country if target.kind == "country" else None
        actor = target if target.kind == "threat-actor" else self.entities.get(source["id"])
        incident = incidents.get(rel["source_ref"])
        who = self.producer(rel if rel.get("created_by_ref") else container)
        confidence = rel.get("confidence")
        return Claim(
            id=stable_id("claim", doc.id, "attribution", rel["id"]), document_id=doc.id,
            kind="attribution", sentence=span, sentence_text=doc.text[span.start:span.end],
            claimant=who, incident_id=incident.id if incident else None,
            attributed_state=state, attributed_actor=actor.name if actor else None,
            attributed_actor_id=actor.id if actor else None,
            confidence=confidence_level(confidence if isinstance(confidence, int) else None),
            claim_date=_day(rel.get("created")))

    def make_document(self, obj: dict[str, Any], text: str) -> Document:
        """The document of one STIX object. Its address is the object's own page (a report's
        URL, or the catalogue entry such as attack.mitre.org/campaigns/C0038, which has an
        ``external_id``), not a work it cites; else ``stix:<id>``."""
        refs = [r for r in obj.get("external_references", ()) if isinstance(r, dict)]
        url = next((str(r["url"]) for r in refs if r.get("url") and (
            obj["type"] == "report" or r.get("external_id"))), None)
        title = obj.get("name")
        if obj["type"] == "relationship":
            names = [self.by_id[obj["source_ref"]].get("name"),
                     self.entities[obj["target_ref"]].name]
            title = f"{names[0]} {obj.get('relationship_type')} {names[1]}"
        published = _day(obj.get("published") or obj.get("created"))
        return Document.from_text(
            text, url or f"stix:{obj['id']}", media_type="application/stix+json",
            title=clean_field(title), publisher=clean_field(self.producer(obj).name),
            published=published,
            reliability="F", external_id=obj["id"])


def _day(value: object) -> PartialDate | None:
    """The day of a STIX timestamp."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return PartialDate.parse(value[:10])
    except ValueError:
        return None


def _seen(obj: dict[str, Any]) -> PartialDate | None:
    """An event's time from ``first_seen``/``last_seen`` (campaigns) or nothing."""
    first, last = _day(obj.get("first_seen")), _day(obj.get("last_seen"))
    if first and last and last.end >= first.start:
        return PartialDate(first.start, last.end, "range" if last != first else "day")
    return first or last
