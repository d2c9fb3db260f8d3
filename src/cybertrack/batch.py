"""Ingest a batch: read every input, extract each new document, store it in its own transaction.

The one place where ``ingest/``, ``extract/`` and ``store/`` meet. Each document is committed on
its own, so a crash or ``kill -9`` loses at most the document in flight and a rerun skips what is
already stored (documents are identified by the hash of their text). A bad input is reported and
the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from cybertrack.errors import CybertrackError, IngestError
from cybertrack.extract import extract_document, headline_text
from cybertrack.ingest import ReadOptions, ReadResult, iter_input, iter_inputs
from cybertrack.ingest.stix import is_stix_file, read_stix_files
from cybertrack.model import Document, Extraction, PartialDate, document_id
from cybertrack.store import Store

#: Bumped when extraction changes enough that stored results should be redone.
EXTRACTOR_VERSION = "2"  # 2: headline-led incidents, dated first events, responses as history
#: ``extractor_version`` of documents whose records came ready-made from structured input
#: (``ReadResult.extraction``, e.g. STIX): text extraction never ran on them, never redo it.
STRUCTURED_VERSION = "structured"


@dataclass
class IngestSummary:
    """What a batch did: inputs read, documents new / unchanged, failures with their reasons."""

    inputs: int = 0
    read: int = 0
    new: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    incidents: int = 0
    claims: int = 0
    #: Ids of the documents this batch added (what incremental incident linking looks at).
    new_documents: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


Event = Callable[[str, str, str], None]
"""Progress callback: (status, source, detail) with status new | unchanged | failed | input."""


def prepare(document: Document) -> Document:
    """The stored form of a document: headline first, so the title's facts are extracted too."""
    text = headline_text(document.title, document.text)
    if text == document.text:
        return document
    return replace(document, text=text, id=document_id(text))


def ingest_paths(
    store: Store,
    paths: Sequence[str],
    *,
    published: PartialDate | None = None,
    max_bytes: int | None = None,
    extract: bool = True,
    ner: bool = False,
    on_event: Event | None = None,
    allow_private_urls: bool = False,
) -> IngestSummary:
    """Read, extract and store everything ``paths`` expands to (folders, globs, URLs).

    URLs on loopback, private or other non-public addresses are refused unless
    ``allow_private_urls`` (``ingest.net``)."""
    options = ReadOptions(published=published, allow_private_urls=allow_private_urls
                          ) if max_bytes is None else ReadOptions(
        published=published, max_bytes=max_bytes, allow_private_urls=allow_private_urls)
    summary = IngestSummary()
    emit = on_event or (lambda status, source, detail: None)
    sources = list(iter_inputs(paths))
    # STIX files are read together, so references across files resolve (ingest/stix.py).
    stix = [s for s in sources if is_stix_file(s, options.max_bytes)]
    for source in sources:
        if source in stix:
            continue
        summary.inputs += 1
        emit("input", source, "")
        try:
            results: Iterable[ReadResult] = list(iter_input(source, options))
        except IngestError as exc:
            summary.failed.append((exc.source, exc.reason))
            emit("failed", exc.source, exc.reason)
            continue
        for result in results:
            _one(store, result, summary, emit, extract=extract, ner=ner)
    for source in stix:
        summary.inputs += 1
        emit("input", source, "")
    for result in read_stix_files(stix, options) if stix else ():
        _one(store, result, summary, emit, extract=extract, ner=ner)
    return summary


def _one(store: Store, result: ReadResult, summary: IngestSummary, emit: Event, *,
         extract: bool, ner: bool) -> None:
    if result.error is not None or result.document is None:
        reason = result.error.reason if result.error else "no document"
        summary.failed.append((result.source, reason))
        emit("failed", result.source, reason)
        return
    summary.read += 1
    structured = result.extraction
    document = prepare(result.document) if structured is None else structured.document
    if store.has_document(document.id):
        summary.unchanged += 1
        emit("unchanged", result.source, document.id)
        return
    try:
        if structured is not None:
            ex, version = structured, STRUCTURED_VERSION
        else:
            ex = extract_document(document, ner=ner) if extract else Extraction(document)
            version = EXTRACTOR_VERSION if extract else ""
        new = store.add_extraction(ex, extractor_version=version)
    except CybertrackError as exc:
        summary.failed.append((result.source, str(exc)))
        emit("failed", result.source, str(exc))
        return
    if new:
        summary.new += 1
        summary.new_documents.append(document.id)
        summary.incidents += len(ex.incidents)
        summary.claims += sum(1 for c in ex.claims if c.kind != "incident-report")
        emit("new", result.source, document.id)
    else:
        summary.unchanged += 1
        emit("unchanged", result.source, document.id)


def ingest_extractions(store: Store, extractions: Iterable[Extraction],
                       on_event: Event | None = None) -> IngestSummary:
    """Store extractions made elsewhere (tracker rows: coded, so never re-extracted), each in its
    own transaction; documents already stored are counted as unchanged."""
    summary = IngestSummary()
    emit = on_event or (lambda status, source, detail: None)
    for ex in extractions:
        summary.read += 1
        source = ex.document.source
        try:
            new = store.add_extraction(ex, extractor_version="tracker")
        except CybertrackError as exc:
            summary.failed.append((source, str(exc)))
            emit("failed", source, str(exc))
            continue
        if new:
            summary.new += 1
            summary.new_documents.append(ex.document.id)
            summary.incidents += len(ex.incidents)
            summary.claims += sum(1 for c in ex.claims if c.kind != "incident-report")
            emit("new", source, ex.document.id)
        else:
            summary.unchanged += 1
            emit("unchanged", source, ex.document.id)
    return summary
