"""Extraction: from a Document to mentions, entities, incidents and claims.

    >>> from cybertrack.extract import extract_document
    >>> ex = extract_document(document)            # an Extraction of model records
    >>> to_gold(ex)                                # the gold-set shape of shared/eval/README.md

The work is a spaCy pipeline of named components (``extract/pipeline.py``); this module is the
small public surface over it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language

from cybertrack.errors import EvalError
from cybertrack.extract.assemble import to_extraction
from cybertrack.extract.gold import to_gold
from cybertrack.extract.pipeline import build_pipeline, get_pipeline, make_doc
from cybertrack.model import Document, Extraction, PartialDate
from cybertrack.reference import load_reference


def _published(doc: Document) -> dt.date | None:
    return doc.published.end if doc.published else None


def extract_document(document: Document, nlp: Language | None = None, *, ner: bool = False
                     ) -> Extraction:
    """Everything the pipeline finds in one document."""
    nlp = nlp or get_pipeline(ner)
    doc = nlp(make_doc(nlp, document.text, _published(document)))
    return to_extraction(doc, document, load_reference())


def extract_documents(documents: Iterable[Document], nlp: Language | None = None, *,
                      ner: bool = False, batch_size: int = 32) -> Iterator[Extraction]:
    """Extract a stream of documents (``nlp.pipe`` batches them)."""
    nlp = nlp or get_pipeline(ner)
    ref = load_reference()
    pending: list[Document] = []

    def flush() -> Iterator[Extraction]:
        docs = [make_doc(nlp, d.text, _published(d)) for d in pending]
        for document, doc in zip(pending, nlp.pipe(docs, batch_size=batch_size), strict=True):
            yield to_extraction(doc, document, ref)
        pending.clear()

    for document in documents:
        pending.append(document)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


def headline_text(title: str | None, text: str) -> str:
    """A document's analysable text: its headline first, unless the body already opens with it."""
    if title and not text.lstrip()[: len(title) + 5].startswith(title.strip()[:60]):
        return f"{title.strip()}\n\n{text}"
    return text


def record_document(record: dict[str, Any], base_dir: Path) -> Document:
    """The Document of a gold/documents JSONL record (``text`` or ``text_file``)."""
    text = record.get("text")
    if not text and record.get("text_file"):
        path = base_dir / str(record["text_file"])
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise EvalError(
                f"record {record.get('id')!r}: cannot read text_file {path}: {exc}") from exc
    if not isinstance(text, str):
        raise EvalError(f"record {record.get('id')!r}: no text or text_file")
    published = None
    if record.get("published"):
        try:
            published = PartialDate.parse(str(record["published"]))
        except ValueError:
            published = None
    title = record.get("title")
    return Document.from_text(
        headline_text(title, text), str(record.get("source") or record.get("id") or ""),
        title=title, published=published, external_id=str(record.get("id")),
    )


def predict_records(records: Sequence[dict[str, Any]], base_dir: Path, ner: bool = False
                    ) -> list[dict[str, Any]]:
    """Run the pipeline over gold-shaped records; return predictions in the same shape."""
    docs = [record_document(r, base_dir) for r in records]
    return [to_gold(ex, ex.document.external_id) for ex in extract_documents(docs, ner=ner)]


__all__ = [
    "build_pipeline", "extract_document", "extract_documents", "headline_text",
    "predict_records", "record_document", "to_gold",
]
