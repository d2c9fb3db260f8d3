"""Rebuilding cybertrack records from our own STIX exports (the cybertrack extension).

``ingest.stix`` hands every object that carries the extension (``export.stix_ext``) to
``Native``. When the bundle holds each document's text (``export --with-text``), the records
come back with their original ids and spans. Otherwise the document's text is rebuilt from its
title and the sentences its records quote (one paragraph each), and ids derive from that text
as they would for any document, so re-importing the same bundle changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Any

from cybertrack.export.stix_ext import (
    ext_claim,
    ext_document,
    ext_entity,
    ext_incident,
    ext_link,
    record_of,
)
from cybertrack.model import Entity, Extraction, Link, Span, stable_id

_CITATION = re.compile(r"\s*\(Citation:[^)]*\)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def paragraph(text: str) -> str:
    """One line of normalized text: NFC, no citations or Markdown links, single spaces."""
    text = _MARKDOWN_LINK.sub(r"\1", _CITATION.sub("", text))
    return unicodedata.normalize("NFC", " ".join(text.split()))


class Text:
    """A document text assembled paragraph by paragraph, remembering each one's span."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: dict[str, Span] = {}
        self.length = 0

    def add(self, raw: str) -> Span:
        line = paragraph(raw)
        if line in self.spans:
            return self.spans[line]
        if self.parts:
            self.length += 2
        span = Span(self.length, self.length + len(line))
        self.parts.append(line)
        self.length = span.end
        self.spans[line] = span
        return span

    def text(self) -> str:
        return "\n\n".join(p for p in self.parts if p) or "(empty)"


class Native:
    """Rebuild cybertrack records from the extension properties of our own exports."""

    def __init__(self, objects: list[dict[str, Any]], origin: dict[str, str]) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.incidents: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.claims: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.entities: dict[str, Entity] = {}
        self.links: list[dict[str, Any]] = []
        self.link_records: list[Link] = []
        self.label: dict[str, str] = {}
        for obj in sorted(objects, key=lambda o: (str(o.get("created", "")), o["id"])):
            p = record_of(obj) or {}
            kind = p.get("record_type")
            if kind == "document" and "document_id" in p:
                self.docs[p["document_id"]] = p
                self.label[p["document_id"]] = f"{origin.get(obj['id'], 'stix')}#{obj['id']}"
            elif kind == "incident" and "incident_id" in p:
                self.incidents[p.get("document_id", "")][p["incident_id"]] = p
            elif kind == "claim" and "claim_id" in p and "kind" in p:
                self.claims[p.get("document_id", "")][p["claim_id"]] = p
            elif kind == "entity" and "entity_id" in p:
                self.entities[p["entity_id"]] = ext_entity(p)
            elif kind == "link" and "link_id" in p:
                self.links.append(p)

    def extractions(self) -> list[tuple[str, Extraction]]:
        out: list[tuple[str, Extraction]] = []
        new_ids: dict[str, str] = {}
        doc_ids = list(dict.fromkeys([*self.docs, *self.incidents, *self.claims]))
        for doc_id in doc_ids:
            ex = self._document(doc_id, new_ids)
            out.append((self.label.get(doc_id, f"stix#{doc_id}"), ex))
        for p in self.links:
            a, b = p.get("record_a", ""), p.get("record_b", "")
            if p.get("link_kind", "incident") == "incident":
                if a not in new_ids or b not in new_ids:
                    continue
                a, b = new_ids[a], new_ids[b]
            self.link_records.append(ext_link(p, a=a, b=b))
        return out

    def _document(self, doc_id: str, new_ids: dict[str, str]) -> Extraction:
        meta = self.docs.get(doc_id, {"source": f"stix:{doc_id}"})
        incidents, claims = self.incidents.get(doc_id, {}), self.claims.get(doc_id, {})
        if meta.get("text"):
            doc = ext_document(meta, str(meta["text"]))
        else:
            text = Text()
            text.add(meta.get("title") or meta.get("source") or doc_id)
            quoted = [(p.get("span_start", 0), p.get("sentence", "")) for p in incidents.values()]
            quoted += [(p.get("sentence_start", 0), p.get("sentence", "")) for p in claims.values()]
            for _, sentence in sorted(quoted):
                if sentence:
                    text.add(sentence)
            doc = ext_document(meta, text.text())
        same = doc.id == doc_id

        def ident(prefix: str, old: str) -> str:
            return old if same else stable_id(prefix, doc.id, old)

        def span(start: Any, end: Any, sentence: str) -> Span:
            if same and isinstance(start, int) and isinstance(end, int):
                return Span(start, end)
            at = doc.text.find(paragraph(sentence)) if sentence else -1
            return Span(at, at + len(paragraph(sentence))) if at >= 0 else Span(0, 0)

        incs = []
        for old, p in incidents.items():
            new_ids[old] = ident("incident", old)
            has_span = "span_start" in p or p.get("sentence")
            incs.append(ext_incident(p, ident=new_ids[old], document_id=doc.id, span=span(
                p.get("span_start"), p.get("span_end"), p.get("sentence", ""))
                if has_span else None))
        out = [ext_claim(p, ident=ident("claim", old), document_id=doc.id,
                         sentence=span(p.get("sentence_start"), p.get("sentence_end"),
                                       p.get("sentence", "")),
                         incident_id=new_ids.get(p.get("incident_id") or ""))
               for old, p in claims.items()]
        return Extraction(doc, (), (), tuple(incs), tuple(out))
