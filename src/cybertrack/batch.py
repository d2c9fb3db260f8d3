"""Ingest a batch: read every input, extract each new document, store them a few at a time.

The one place where ``ingest/``, ``extract/`` and ``store/`` meet. Extracted documents are
stored in transactions of up to ``BATCH_DOCUMENTS`` documents or ``BATCH_SECONDS`` of work
(``Store.add_batch``: multi-row statements, a fifth of the cost of one transaction per
document, issue 17). Every document is still stored whole or not at all, with its
``pending_links`` row in the same transaction, so a crash or ``kill -9`` loses at most the
documents of the transaction in flight (never a part of one) and a rerun skips what is already
stored (documents are identified by the hash of their text), extracting only documents stored
without extraction or by an older extractor. A transaction that fails is redone one document
per transaction, so the document at fault fails alone. A bad input, and any failure to extract
or store one document, is reported with its name and the batch goes on. Linking is the
caller's next step (``resolve.link_pending``): each stored document waits for it in
``pending_links``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from cybertrack.errors import CybertrackError, ExtractionError, IngestError
from cybertrack.extract import DEFAULT_MAX_CHARS, extract_document, headline_text
from cybertrack.ingest import ReadOptions, ReadResult, iter_input, iter_inputs
from cybertrack.ingest.stix import is_stix_file, read_stix_files
from cybertrack.model import Document, Extraction, PartialDate, document_id
from cybertrack.store import Store
from cybertrack.store.rows import ExtractionRows
from cybertrack.store.store import BatchItem

#: Bumped when extraction changes enough that stored results should be redone.
EXTRACTOR_VERSION = "2"  # 2: headline-led incidents, dated first events, responses as history
#: ``extractor_version`` of documents whose records came ready-made from structured input
#: (``ReadResult.extraction``, e.g. STIX): text extraction never ran on them, never redo it.
STRUCTURED_VERSION = "structured"
#: Most documents stored in one transaction by ``ingest_paths`` / ``ingest_results``.
BATCH_DOCUMENTS = 32
#: A transaction is committed once its first document has waited this long (seconds), so a
#: kill loses about this much work at most, and slow inputs do not hold finished documents.
BATCH_SECONDS = 1.0


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
    #: Ids of the documents this batch added or re-extracted.
    new_documents: list[str] = field(default_factory=list)
    #: Documents stored earlier without extraction (or by an older extractor), extracted now.
    reextracted: int = 0
    #: Documents whose text was longer than ``max_chars``: (source, what was extracted).
    truncated: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


Event = Callable[[str, str, str], None]
"""Progress callback: (status, source, detail) with status new | reextracted | unchanged |
failed | truncated (extraction stopped at ``max_chars``) | input."""


def prepare(document: Document) -> Document:
    """The stored form of a document: headline first, so the title's facts are extracted too."""
    text = headline_text(document.title, document.text)
    if text == document.text:
        return document
    return replace(document, text=text, id=document_id(text))


Extractor = Callable[[Document, int], Extraction]
"""What extracts one document, given it and the cap on characters to read."""
Checkpoint = Callable[[str], None]
"""Called with the name of each point a batch passes: ``document:written:N`` inside the
transaction that stores the Nth document this run stores, ``document:stored:N`` once that
transaction committed (for each document of a transaction, in order). Tests pass one that
kills the process there; it is a parameter, never a global."""


def needs_extraction(stored_version: str) -> bool:
    """Whether a document stored with ``stored_version`` gets extracted by a normal ingest:
    one stored without extraction (``--no-extract``: "") or by an older text extractor
    (a number other than ``EXTRACTOR_VERSION``). Structured and tracker records never."""
    return stored_version == "" or (stored_version.isdigit()
                                    and stored_version != EXTRACTOR_VERSION)


def ingest_paths(
    store: Store,
    paths: Sequence[str],
    *,
    published: PartialDate | None = None,
    max_bytes: int | None = None,
    extract: bool = True,
    ner: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
    on_event: Event | None = None,
    checkpoint: Checkpoint | None = None,
    extractor: Extractor | None = None,
    allow_private_urls: bool = False,
    batch_documents: int = BATCH_DOCUMENTS,
    batch_seconds: float = BATCH_SECONDS,
) -> IngestSummary:
    """Read, extract and store everything ``paths`` expands to (folders, globs, URLs).

    Extraction reads at most ``max_chars`` characters of a document (the stored text keeps the
    rest; the document records where it stopped and the batch reports it as truncated). Any
    failure reading, extracting or storing one input or document is that one's failure,
    reported with its name; the batch goes on. ``extractor`` replaces the pipeline (tests,
    other extractors): it is given the document and ``max_chars``. Documents are stored
    ``batch_documents`` (or ``batch_seconds`` of work) a transaction; see the module docstring.

    URLs on loopback, private or other non-public addresses are refused unless
    ``allow_private_urls`` (``ingest.net``)."""
    run = _new_run(store, extract=extract, ner=ner, max_chars=max_chars, on_event=on_event,
                   extractor=extractor, checkpoint=checkpoint,
                   batch_documents=batch_documents, batch_seconds=batch_seconds)
    summary, emit = run.summary, run.emit
    options = ReadOptions(published=published, allow_private_urls=allow_private_urls
                          ) if max_bytes is None else ReadOptions(
        published=published, max_bytes=max_bytes, allow_private_urls=allow_private_urls)
    sources = list(iter_inputs(paths))
    # STIX files are read together, so references across files resolve (ingest/stix.py).
    stix = [s for s in sources if is_stix_file(s, options.max_bytes)]
    for source in sources:
        if source in stix:
            continue
        run.flush_if_due(waiting="://" in source)  # a download may take long
        summary.inputs += 1
        emit("input", source, "")
        try:
            results: Iterable[ReadResult] = list(iter_input(source, options))
        except IngestError as exc:
            summary.failed.append((exc.source, exc.reason))
            emit("failed", exc.source, exc.reason)
            continue
        except Exception as exc:  # a reader's bug must not end the batch
            reason = f"cannot be read: {_what(exc)}"
            summary.failed.append((source, reason))
            emit("failed", source, reason)
            continue
        for result in results:
            run.one(result)
    for source in stix:
        summary.inputs += 1
        emit("input", source, "")
    for result in read_stix_files(stix, options) if stix else ():
        run.one(result)
    run.flush()
    return summary


def ingest_results(
    store: Store,
    results: Iterable[ReadResult],
    *,
    extract: bool = True,
    ner: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
    on_event: Event | None = None,
    extractor: Extractor | None = None,
) -> IngestSummary:
    """Extract and store what a caller has read itself (``watch`` reads feeds with
    conditional requests and keeps only new entries), in transactions of a few documents
    exactly as ``ingest_paths`` stores them; ``inputs`` is left to the caller."""
    run = _new_run(store, extract=extract, ner=ner, max_chars=max_chars, on_event=on_event,
                   extractor=extractor, checkpoint=None)
    for result in results:
        run.one(result)
    run.flush()
    return run.summary


def _new_run(store: Store, *, extract: bool, ner: bool, max_chars: int,
             on_event: Event | None, extractor: Extractor | None,
             checkpoint: Checkpoint | None, batch_documents: int = BATCH_DOCUMENTS,
             batch_seconds: float = BATCH_SECONDS) -> BatchWriter:
    """A batch with empty counters, extracting with ``extractor`` or else the pipeline."""
    if max_chars < 1:
        raise ExtractionError(f"--max-chars {max_chars}: the cap on characters extracted per "
                              "document must be at least 1 (default 2000000)")

    def pipeline(document: Document, max_chars: int) -> Extraction:
        return extract_document(document, ner=ner, max_chars=max_chars)

    return BatchWriter(store, IngestSummary(), on_event or (lambda status, source, detail: None),
                extract=extract, extractor=extractor or pipeline, max_chars=max_chars,
                checkpoint=checkpoint, batch_documents=max(1, batch_documents),
                batch_seconds=batch_seconds)


def _what(exc: BaseException) -> str:
    """An exception in one line: its type and first line of message, and the same of the
    exception that caused it (spaCy wraps a component's error in its own)."""
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    line = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    cause = exc.__cause__
    return line if cause is None or cause is exc else f"{line}, caused by {_what(cause)}"


@dataclass
class PendingDocument:
    """An extracted document waiting in the batch for its transaction."""

    source: str
    item: BatchItem
    #: Characters of the whole text when extraction stopped at ``max_chars``, else None.
    truncated_from: int | None


@dataclass
class BatchWriter:
    """One batch's settings and counters: ``one`` reads a result and extracts it, ``flush``
    stores the extracted documents waiting in ``pending`` in one transaction."""

    store: Store
    summary: IngestSummary
    emit: Event
    extract: bool
    extractor: Extractor
    max_chars: int
    checkpoint: Checkpoint | None
    batch_documents: int = BATCH_DOCUMENTS
    batch_seconds: float = BATCH_SECONDS
    pending: dict[str, PendingDocument] = field(default_factory=dict)
    #: ``time.monotonic()`` when the first pending document was extracted.
    since: float = 0.0

    def _fail(self, source: str, reason: str) -> None:
        self.summary.failed.append((source, reason))
        self.emit("failed", source, reason)

    def _unchanged(self, source: str, doc_id: str) -> None:
        self.summary.unchanged += 1
        self.emit("unchanged", source, doc_id)

    def one(self, result: ReadResult) -> None:
        if result.error is not None or result.document is None:
            self._fail(result.source, result.error.reason if result.error else "no document")
            return
        self.summary.read += 1
        structured = result.extraction
        document = prepare(result.document) if structured is None else structured.document
        if document.id in self.pending:  # the same text twice in one run
            self._unchanged(result.source, document.id)
            return
        try:
            stored = self.store.stored_extractor_version(document.id)
        except CybertrackError as exc:
            self._fail(result.source, str(exc))
            return
        redo = (stored is not None and structured is None and self.extract
                and needs_extraction(stored))
        if stored is not None and not redo:
            self._unchanged(result.source, document.id)
            return
        truncated = (structured is None and self.extract
                     and len(document.text) > self.max_chars)
        try:
            if structured is not None:
                ex, version = structured, STRUCTURED_VERSION
            elif self.extract:
                ex = self.extractor(document, self.max_chars)
                version = EXTRACTOR_VERSION
            else:
                ex, version = Extraction(document), ""
        except CybertrackError as exc:
            self._fail(result.source, str(exc))
            return
        except Exception as exc:  # one document's extraction must never end the batch
            self._fail(result.source, f"extraction failed ({_what(exc)}); the document was "
                       "not stored, the batch went on (please report this input)")
            return
        if not self.pending:
            self.since = time.monotonic()
        self.pending[document.id] = PendingDocument(
            result.source, BatchItem(ex, version, self.max_chars if truncated else None, redo),
            len(document.text) if truncated else None)
        if len(self.pending) >= self.batch_documents:
            self.flush()
        else:
            self.flush_if_due()

    def flush_if_due(self, *, waiting: bool = False) -> None:
        """Store what is pending if the oldest has waited ``batch_seconds``, or at once when
        the caller is about to wait (a download)."""
        if self.pending and (waiting or
                             time.monotonic() - self.since >= self.batch_seconds):
            self.flush()

    def flush(self) -> None:
        """Store the pending documents in one transaction; if it fails, one per transaction,
        so a document that cannot be stored fails alone and the others are stored."""
        batch = list(self.pending.values())
        self.pending.clear()
        if not batch:
            return
        first = self.summary.new + self.summary.reextracted + 1

        def written(ok: Sequence[bool]) -> None:
            if self.checkpoint is not None:
                for n in range(first, first + sum(ok)):
                    self.checkpoint(f"document:written:{n}")

        try:
            stored = self.store.add_batch([p.item for p in batch],
                                          replaceable=needs_extraction, before_commit=written)
        except CybertrackError:
            for p in batch:
                self._store_one(p)
            return
        for p, ok in zip(batch, stored, strict=True):
            if ok:
                self._stored(p)
            else:
                self._unchanged(p.source, p.item.extraction.document.id)

    def _store_one(self, p: PendingDocument) -> None:
        ex, version, chars, redo = p.item
        n = self.summary.new + self.summary.reextracted + 1
        checkpoint = self.checkpoint
        written = None if checkpoint is None else (
            lambda: checkpoint(f"document:written:{n}"))
        try:
            if redo:
                new = self.store.replace_extraction(
                    ex, extractor_version=version, replaceable=needs_extraction,
                    extracted_chars=chars, before_commit=written)
            else:
                new = self.store.add_extraction(ex, extractor_version=version,
                                                extracted_chars=chars, before_commit=written)
        except CybertrackError as exc:
            self._fail(p.source, str(exc))
            return
        if new:
            self._stored(p)
        else:
            self._unchanged(p.source, ex.document.id)

    def _stored(self, p: PendingDocument) -> None:
        """Count, checkpoint and report a document whose transaction committed."""
        summary, ex, redo = self.summary, p.item.extraction, p.item.redo
        n = summary.new + summary.reextracted + 1
        if self.checkpoint is not None:
            self.checkpoint(f"document:stored:{n}")
        if redo:
            summary.reextracted += 1
        else:
            summary.new += 1
        summary.new_documents.append(ex.document.id)
        if isinstance(ex, ExtractionRows):  # made on a Dask worker (cybertrack.distributed)
            summary.incidents += len(ex.incident_ids)
            summary.claims += ex.claims_counted
        else:
            summary.incidents += len(ex.incidents)
            summary.claims += sum(1 for c in ex.claims if c.kind != "incident-report")
        self.emit("reextracted" if redo else "new", p.source, ex.document.id)
        if p.truncated_from is not None:
            detail = (f"only the first {self.max_chars:,} of {p.truncated_from:,} characters "
                      "were extracted (--max-chars)")
            summary.truncated.append((p.source, detail))
            self.emit("truncated", p.source, detail)


def ingest_extractions(store: Store, extractions: Iterable[Extraction],
                       on_event: Event | None = None,
                       batch_documents: int = BATCH_DOCUMENTS) -> IngestSummary:
    """Store extractions made elsewhere (tracker rows: coded, so never re-extracted),
    ``batch_documents`` a transaction as ``ingest_paths`` stores them (a failed transaction is
    redone one document at a time); documents already stored are counted as unchanged."""
    summary = IngestSummary()
    run = BatchWriter(store, summary, on_event or (lambda status, source, detail: None),
               extract=False, extractor=lambda document, max_chars: Extraction(document),
               max_chars=DEFAULT_MAX_CHARS, checkpoint=None,
               batch_documents=max(1, batch_documents), batch_seconds=float("inf"))
    for ex in extractions:
        summary.read += 1
        if ex.document.id in run.pending:
            run._unchanged(ex.document.source, ex.document.id)
            continue
        run.pending[ex.document.id] = PendingDocument(ex.document.source,
                                               BatchItem(ex, "tracker"), None)
        if len(run.pending) >= run.batch_documents:
            run.flush()
    run.flush()
    return summary
