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
from cybertrack.extract.chunks import CHUNK_CHARS, chunk_bounds, merge_chunks
from cybertrack.extract.gold import to_gold
from cybertrack.extract.pipeline import build_pipeline, get_pipeline, make_doc
from cybertrack.model import Document, Extraction, PartialDate
from cybertrack.reference import load_reference


def _published(doc: Document) -> dt.date | None:
    return doc.published.end if doc.published else None


#: Default cap on the characters of one document that extraction reads (``--max-chars``);
#: the stored text keeps the rest. Two million characters is a 600-page report.
DEFAULT_MAX_CHARS = 2_000_000


def extract_document(document: Document, nlp: Language | None = None, *, ner: bool = False,
                     max_chars: int | None = None, chunk_chars: int = CHUNK_CHARS,
                     ) -> Extraction:
    """Everything the pipeline finds in one document, or in its first ``max_chars``
    characters. A text longer than ``chunk_chars`` is extracted in chunks
    (``extract/chunks.py``), so any length works and memory stays bounded by the chunk."""
    nlp = nlp or get_pipeline(ner)
    text = document.text if max_chars is None else document.text[:max(0, max_chars)]
    ref = load_reference()
    if len(text) <= chunk_chars:
        return to_extraction(nlp(make_doc(nlp, text, _published(document))), document, ref)
    parts = []
    for start, end in chunk_bounds(text, chunk_chars):
        doc = nlp(make_doc(nlp, text[start:end], _published(document)))
        parts.append((start, to_extraction(doc, document, ref)))
        del doc  # one chunk's tokens in memory at a time
    return merge_chunks(parts)


def extract_documents(documents: Iterable[Document], nlp: Language | None = None, *,
                      ner: bool = False, batch_size: int = 32, max_chars: int | None = None,
                      ) -> Iterator[Extraction]:
    """Extract a stream of documents (``nlp.pipe`` batches them; a document longer than one
    chunk goes through ``extract_document`` on its own)."""
    nlp = nlp or get_pipeline(ner)
    ref = load_reference()
    pending: list[Document] = []

    def flush() -> Iterator[Extraction]:
        docs = [make_doc(nlp, d.text, _published(d)) for d in pending]
        for document, doc in zip(pending, nlp.pipe(docs, batch_size=batch_size), strict=True):
            yield to_extraction(doc, document, ref)
        pending.clear()

    for document in documents:
        if len(document.text) > CHUNK_CHARS or (
                max_chars is not None and len(document.text) > max_chars):
            yield from flush()
            yield extract_document(document, nlp, max_chars=max_chars)
            continue
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
    "DEFAULT_MAX_CHARS", "build_pipeline", "extract_document", "extract_documents", "headline_text",
    "predict_records", "record_document", "to_gold",
]
