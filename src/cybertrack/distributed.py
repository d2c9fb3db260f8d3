"""Ingest on a Dask cluster: workers read and extract, the client stores in batches and links.

``cybertrack ingest --workers N`` starts a local cluster (N worker processes, one thread each);
``--scheduler tcp://HOST:8786`` uses a running one. Division of labour:

- **Workers** get *partitions* (a few dozen inputs each) and return, per document, the rows
  the store will write for its extraction (``store.rows.extraction_rows``: plain tuples, so
  the client neither unpickles some 25 dataclasses a document nor builds their rows; that
  was most of its CPU, on the cores the workers need), or why it failed. A worker builds the
  extraction pipeline once, when it starts (``WarmPipeline``, a worker plugin;
  ``get_pipeline`` is cached per process), never per task. Before extracting, a worker asks
  the knowledge base which of its documents are stored already (a read; skipped when the
  knowledge base is a SQLite file the worker cannot see), so a re-ingest costs reading, not
  extraction.
- **The client** is the only writer (SQLite keeps one). A feeder thread keeps a few
  partitions per worker in flight and gathers their results as they finish, in any order,
  while the main thread stores, so the cluster does not wait for a batch to commit. The main
  thread stores finished documents in batches exactly as a one-process ingest stores them
  (``batch.BatchWriter.flush``: one ``Store.add_batch`` transaction of multi-row statements,
  or ``COPY`` on PostgreSQL, new and re-extracted documents alike, each with its
  ``pending_links`` row; a batch that fails is redone one document per transaction, so one
  bad record fails alone), then links that batch's new documents to the knowledge base
  (``resolve.link_new``: incremental, never a pass over the whole base), or, with
  ``link_at_end``, leaves them pending for one ``link_pending`` pass after the last batch.

The guarantees of ``batch.ingest_paths`` hold: a document is stored whole or not at all (its
rows commit in its batch's transaction); re-ingesting changes nothing (documents are keyed by
the hash of their text, and the client skips ids already stored); a run killed mid-way keeps
every batch that committed, and its rerun stores the rest once (documents committed but not
yet linked wait in ``pending_links`` and are linked at the end of the next run). A worker that
dies mid-task loses nothing either: the scheduler gives its partition to another worker, and
results are only written by the client. A partition whose task kills every worker it is given
(``distributed.scheduler.allowed-failures``) is reported as failed, input by input.

STIX files are read on the client (their references resolve across files); tracker CSVs use
``ingest --tracker`` as before. Inputs must be readable by the workers under the same path
(a local cluster, or a shared file system) or be URLs.
"""

from __future__ import annotations

import functools
import os
import queue
import resource
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from distributed import WorkerPlugin

from cybertrack.errors import CybertrackError, IngestError
from cybertrack.model import Document, Extraction, PartialDate

if TYPE_CHECKING:
    from cybertrack.batch import IngestSummary
    from cybertrack.store import Store
    from cybertrack.store.rows import ExtractionRows

#: Inputs per partition (one task): small enough to spread a few hundred inputs over the
#: workers and lose little to a dead worker, large enough that scheduling costs nothing.
PARTITION_INPUTS = 24
#: Documents stored per transaction by the client.
BATCH_DOCUMENTS = 200
#: What a worker extracts once at start, so that no task pays for building the pipeline.
WARM_TEXT = ("Albania cut diplomatic ties with Iran on 7 September 2022 after a cyberattack "
             "in July that Microsoft attributed with high confidence to Iranian hackers. "
             "Iran denied any involvement.")
#: Partitions in flight per worker; as many finished ones may wait for the writer (memory:
#: the client holds at most twice this many partitions' results per worker, plus two).
IN_FLIGHT_PER_WORKER = 3

Event = Callable[[str, str, str], None]
Checkpoint = Callable[[str], None]
Extractor = Callable[[Document, int], Extraction]


@dataclass(frozen=True)
class WorkSettings:
    """What every task needs, sent with it (small and picklable)."""

    published: PartialDate | None
    max_bytes: int | None
    extract: bool
    ner: bool
    max_chars: int
    allow_private_urls: bool
    #: Where workers look up which documents are stored (None: they do not look).
    db: str | None
    extractor: Extractor | None = None


@dataclass
class Item:
    """One document (or one failure) of a partition, as a worker returns it."""

    source: str
    document_id: str | None = None
    #: new | reextract | unchanged | failed
    status: str = "new"
    #: The rows to store (``store.rows``: built on the worker, so the client only writes).
    extraction: ExtractionRows | None = None
    version: str = ""
    truncated: bool = False
    length: int = 0
    reason: str = ""


@dataclass
class PartitionResult:
    """What one task returns: its items and how many inputs it read."""

    inputs: list[str]
    items: list[Item] = field(default_factory=list)
    #: (input, reason) of inputs that could not be read at all.
    failed_inputs: list[tuple[str, str]] = field(default_factory=list)
    #: Whether the worker could read which documents are stored (``stored_versions``).
    looked: bool = True


# ---- worker side ---------------------------------------------------------------------------

class WarmPipeline(WorkerPlugin):
    """Worker plugin: build the extraction pipeline and load the reference data once, when
    the worker starts, so no task pays for it (and a restarted worker rebuilds it once)."""

    name = "cybertrack-warm-pipeline"

    def __init__(self, ner: bool) -> None:
        super().__init__()
        self.ner = ner

    def setup(self, worker: Any) -> None:
        from cybertrack.extract import extract_document

        # One real extraction builds everything built lazily on first use (the pipeline,
        # reference data, the role model, the lexicon caches), not just the spaCy object.
        extract_document(Document.from_text(WARM_TEXT, "warm-up"), ner=self.ner)

    def teardown(self, worker: Any) -> None:
        """Nothing to release: the pipeline lives as long as the worker process."""


@functools.lru_cache(maxsize=4)
def _lookup_engine(db: str) -> Any:
    """One read engine per worker process and knowledge base (cached: built once)."""
    from cybertrack.store.engine import create_store_engine, resolve_url

    return create_store_engine(resolve_url(db))


def stored_versions(db: str | None, ids: Sequence[str]) -> dict[str, str] | None:
    """``extractor_version`` of each of ``ids`` already stored, or None when the knowledge base
    cannot be read from here (a SQLite file on another machine): then nothing is skipped and
    the client, which always checks, keeps the store right."""
    if db is None or not ids:
        return {} if db is not None else None
    if "://" not in db and not os.path.exists(db):
        return None
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from cybertrack.store import schema as t

    d = t.documents.c
    out: dict[str, str] = {}
    try:
        with _lookup_engine(db).connect() as conn:
            for start in range(0, len(ids), 1000):
                q = select(d.id, d.extractor_version).where(d.id.in_(ids[start:start + 1000]))
                out.update((str(r[0]), str(r[1] or "")) for r in conn.execute(q))
    except (SQLAlchemyError, CybertrackError):
        return None
    return out


def _what(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def process_partition(inputs: list[str], settings: WorkSettings) -> PartitionResult:
    """Read ``inputs`` and extract every document not stored yet (runs on a worker)."""
    from cybertrack.batch import EXTRACTOR_VERSION, needs_extraction, prepare
    from cybertrack.extract import extract_document
    from cybertrack.ingest import ReadOptions, iter_input
    from cybertrack.store.rows import extraction_rows

    options = ReadOptions(published=settings.published,
                          allow_private_urls=settings.allow_private_urls)
    if settings.max_bytes is not None:
        options = replace(options, max_bytes=settings.max_bytes)
    out = PartitionResult(inputs)
    docs: list[tuple[str, Document]] = []
    for source in inputs:
        try:
            results = list(iter_input(source, options))
        except IngestError as exc:
            out.failed_inputs.append((exc.source, exc.reason))
            continue
        except Exception as exc:  # a reader's bug must not end the partition
            out.failed_inputs.append((source, f"cannot be read: {_what(exc)}"))
            continue
        for result in results:
            if result.error is not None or result.document is None:
                reason = result.error.reason if result.error else "no document"
                out.items.append(Item(result.source, status="failed", reason=reason))
            else:
                docs.append((result.source, prepare(result.document)))
    found = stored_versions(settings.db, [d.id for _, d in docs])
    out.looked = found is not None
    known = found or {}
    extractor = settings.extractor
    for source, doc in docs:
        stored = known.get(doc.id)
        redo = stored is not None and settings.extract and needs_extraction(stored)
        if stored is not None and not redo:
            out.items.append(Item(source, doc.id, "unchanged"))
            continue
        truncated = settings.extract and len(doc.text) > settings.max_chars
        try:
            if not settings.extract:
                ex, version = Extraction(doc), ""
            elif extractor is not None:
                ex, version = extractor(doc, settings.max_chars), EXTRACTOR_VERSION
            else:
                ex = extract_document(doc, ner=settings.ner, max_chars=settings.max_chars)
                version = EXTRACTOR_VERSION
        except Exception as exc:  # one document's extraction never ends the partition
            out.items.append(Item(source, doc.id, "failed", reason=(
                f"extraction failed ({_what(exc)}); the document was not stored, the batch "
                "went on (please report this input)")))
            continue
        try:  # the rows the client will write: its CPU is the cluster's one serial part
            rows = extraction_rows(ex)
        except CybertrackError as exc:  # a record of another document: as the store says
            out.items.append(Item(source, doc.id, "failed", reason=str(exc)))
            continue
        out.items.append(Item(source, doc.id, "reextract" if redo else "new", rows, version,
                              truncated, len(doc.text)))
    return out


# ---- client side ---------------------------------------------------------------------------

def partitions(inputs: Sequence[str], size: int = PARTITION_INPUTS) -> list[list[str]]:
    """``inputs`` cut into consecutive partitions of at most ``size``."""
    if size < 1:
        raise IngestError("partition size", f"{size} inputs per partition: give at least 1")
    return [list(inputs[i:i + size]) for i in range(0, len(inputs), size)]


def worker_peaks(client: Any) -> dict[str, int]:
    """Peak resident memory of each worker process so far, in bytes (``peak_rss``)."""
    return {str(k): int(v) for k, v in client.run(peak_rss).items()}


def peak_rss() -> int:
    """This process's own peak resident memory in bytes.

    On Linux, the high-water mark of its own address space (``VmHWM``), not ``ru_maxrss``: a
    worker process is forked from the process that starts the cluster and then runs a new
    program, and ``ru_maxrss`` keeps the forking process's size at that moment (a client that
    had just ingested 100,000 documents made each new worker report 2.6 GB, docs/scale.md).
    Elsewhere ``ru_maxrss``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * scale


def start_client(workers: int | None = None, scheduler: str | None = None, *,
                 processes: bool = True, memory_limit: str = "auto") -> tuple[Any, Any]:
    """A Dask client: on a new local cluster of ``workers`` processes (one thread each), or on
    the scheduler at ``scheduler``. Returns (client, cluster or None); close both."""
    if (workers is None) == (scheduler is None):
        raise IngestError("--workers/--scheduler", "give one of them: --workers N starts a "
                          "local cluster, --scheduler tcp://HOST:8786 uses a running one")
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            return Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError) as exc:
            raise IngestError(scheduler, f"cannot reach the Dask scheduler ({_what(exc)}); is "
                              "`dask scheduler` running there and the port open?") from None
    assert workers is not None
    if workers < 1:
        raise IngestError("--workers", f"{workers}: give at least 1 worker")
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                           dashboard_address=None, memory_limit=memory_limit)
    return Client(cluster), cluster


def ingest_distributed(
    store: Store,
    paths: Sequence[str],
    client: Any,
    *,
    db: str | None = None,
    published: PartialDate | None = None,
    max_bytes: int | None = None,
    extract: bool = True,
    ner: bool = False,
    max_chars: int | None = None,
    allow_private_urls: bool = False,
    link: bool = True,
    link_at_end: bool = False,
    batch_documents: int = BATCH_DOCUMENTS,
    partition_inputs: int = PARTITION_INPUTS,
    on_event: Event | None = None,
    checkpoint: Checkpoint | None = None,
    extractor: Extractor | None = None,
    warm: bool = True,
) -> IngestSummary:
    """Ingest ``paths`` with the workers of ``client`` (see the module docstring); returns a
    ``batch.IngestSummary``. ``db`` is the knowledge base as workers can open it (for the
    "already stored?" look-up; None: they extract everything and the client skips what is
    stored). ``checkpoint`` is called with ``batch:stored:N`` after each batch commits and
    ``batch:linked:N`` after its linking (tests kill there), and with the points of
    ``batch.Checkpoint`` inside and after each transaction. ``link_at_end`` leaves every
    batch in ``pending_links`` and links them in one ``link_pending`` pass once all are
    stored (a back-fill: one pass costs far less than one per batch, docs/scale.md); a run
    killed before that pass leaves them pending for the next ingest or ``link build``.
    ``extractor`` replaces the pipeline (it must be picklable); ``warm`` builds the pipeline
    on each worker first."""
    from cybertrack.batch import IngestSummary, ingest_paths
    from cybertrack.extract import DEFAULT_MAX_CHARS
    from cybertrack.ingest import iter_inputs
    from cybertrack.ingest.stix import is_stix_file
    from cybertrack.resolve import link_new, link_pending

    chars = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    if chars < 1:
        raise IngestError("--max-chars", f"{chars}: the cap on characters extracted per "
                          "document must be at least 1 (default 2000000)")
    emit = on_event or (lambda status, source, detail: None)
    summary = IngestSummary()
    sources = list(iter_inputs(paths))
    cap = max_bytes if max_bytes is not None else 20_000_000
    stix = [s for s in sources if is_stix_file(s, cap)]
    if stix:  # structured records, read together on the client
        part = ingest_paths(store, stix, published=published, max_bytes=max_bytes,
                            extract=extract, ner=ner, max_chars=chars, on_event=on_event,
                            allow_private_urls=allow_private_urls)
        _merge(summary, part)
    rest = [s for s in sources if s not in set(stix)]
    if extract and extractor is None and warm:
        client.register_plugin(WarmPipeline(ner), name=WarmPipeline.name)
    settings = WorkSettings(published, max_bytes, extract, ner, chars, allow_private_urls,
                            db, extractor)
    writer = _Writer(store, summary, emit, db=db, link=link, link_at_end=link_at_end,
                     checkpoint=checkpoint, link_new=link_new, size=batch_documents,
                     max_chars=chars)
    for result in _run_partitions(client, partitions(rest, partition_inputs), settings):
        for source in result.inputs:
            summary.inputs += 1
            emit("input", source, "")
        for source, reason in result.failed_inputs:
            summary.failed.append((source, reason))
            emit("failed", source, reason)
        writer.add(result.items, looked=result.looked)
    writer.flush()
    if link:  # --link-at-end's one pass, and whatever a killed run left (documents with
        link_pending(store)  # incidents in pending_links, those without in pending_placements)
    return summary


def _run_partitions(client: Any, parts: list[list[str]],
                    settings: WorkSettings) -> Iterator[PartitionResult]:
    """Results of every partition as they finish. A feeder thread keeps a bounded number of
    partitions in flight and gathers their results while the caller (the client's main
    thread) stores: the cluster is never left without work while a batch is written, and the
    client holds at most ``2 x in flight + 2`` partitions' results (finished ones in flight,
    those waiting on ``done``, the one the feeder is handing on and the one being stored)."""
    if not parts:
        return
    n_workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
    feeder = _Feeder(client, parts, settings, max(2, n_workers * IN_FLIGHT_PER_WORKER))
    feeder.start()
    try:
        while (got := feeder.done.get()) is not None:
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        feeder.stop()


class _Stopped(Exception):
    """The writer stopped the run: submit nothing more."""


class _Feeder(threading.Thread):
    """Submits partitions, ``limit`` in flight, and puts each result on ``done`` as it
    finishes (in completion order; None after the last, or the exception that ended it). It
    submits the next partition before handing a result on, and blocks when ``limit`` results
    wait unstored, so a slow writer holds the cluster back instead of filling memory."""

    def __init__(self, client: Any, parts: list[list[str]], settings: WorkSettings,
                 limit: int) -> None:
        super().__init__(name="cybertrack-feeder", daemon=True)
        self.client, self.settings, self.limit = client, settings, limit
        self.parts = deque(parts)
        self.done: queue.Queue[PartitionResult | BaseException | None] = queue.Queue(limit)
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.in_flight: dict[str, tuple[Any, list[str]]] = {}

    def submit(self) -> Any:
        if self.stopping.is_set():
            raise _Stopped
        part = self.parts.popleft()
        future = self.client.submit(process_partition, part, self.settings, pure=False)
        with self.lock:
            self.in_flight[future.key] = (future, part)
        return future

    def put(self, item: PartitionResult | BaseException | None) -> bool:
        """Hand ``item`` to the writer; False if the run stopped meanwhile."""
        while not self.stopping.is_set():
            try:
                self.done.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        from distributed import as_completed

        try:
            first = [self.submit() for _ in range(min(self.limit, len(self.parts)))]
            running = as_completed(first, loop=self.client.loop, with_results=True,
                                   raise_errors=False)
            for future, value in running:
                with self.lock:
                    _, part = self.in_flight.pop(future.key)
                if self.stopping.is_set():
                    return
                if future.status == "finished":
                    result = value
                else:  # the task killed its workers, failed outright, or was cancelled
                    exc = value[1] if isinstance(value, tuple) else value
                    reason = (f"its partition failed on the cluster ({_what(exc)}); run "
                              "again, or ingest this input alone to find the cause")
                    result = PartitionResult(part, failed_inputs=[(s, reason) for s in part])
                future.release()
                if self.parts:
                    running.add(self.submit())
                if not self.put(result):
                    return
            self.put(None)
        except _Stopped:
            return
        except BaseException as exc:  # the client lost its scheduler, ...: the writer says it
            self.put(exc)

    def stop(self) -> None:
        """End the feeder (the run finished or the writer failed): cancel what is in flight."""
        self.stopping.set()
        with self.lock:
            futures = [future for future, _ in self.in_flight.values()]
        if futures:
            self.client.cancel(futures)
        self.join(timeout=30)


class _Writer:
    """Buffers finished documents and stores them a batch per transaction through the
    one-process ingest's own writer (``batch.BatchWriter.flush``: ``Store.add_batch``, redone one
    document per transaction when the batch fails), then links the batch's new documents
    unless linking waits for the end of the run."""

    def __init__(self, store: Store, summary: IngestSummary, emit: Event, *, db: str | None,
                 link: bool, link_at_end: bool, checkpoint: Checkpoint | None,
                 link_new: Callable[..., Any], size: int, max_chars: int) -> None:
        from cybertrack.batch import BatchWriter

        self.store, self.summary, self.db = store, summary, db
        self.link, self.link_at_end = link, link_at_end
        self.checkpoint, self.link_new = checkpoint, link_new
        self.max_chars = max_chars
        # ``checkpoint`` also gets the run's document:written:N / document:stored:N points.
        self.run = BatchWriter(store, summary, emit, extract=False,
                        extractor=lambda document, chars: Extraction(document),
                        max_chars=max_chars, checkpoint=checkpoint,
                        batch_documents=max(1, size), batch_seconds=float("inf"))
        self.batches = 0

    def add(self, items: list[Item], *, looked: bool = True) -> None:
        """Queue a partition's documents; ``looked``: whether its worker could read which
        documents are stored (else the client asks, so stale documents are still redone)."""
        from cybertrack.batch import EXTRACTOR_VERSION, PendingDocument, needs_extraction
        from cybertrack.store.store import BatchItem

        known: dict[str, str] = {}
        if not looked:  # one read per partition; a rerun then writes nothing at all
            known = self.stored([i.document_id for i in items
                                 if i.status == "new" and i.document_id is not None])
        for item in items:
            if item.status == "failed":
                self.run._fail(item.source, item.reason)
                continue
            self.summary.read += 1
            doc_id = item.document_id or ""
            stale = (doc_id in known and item.version == EXTRACTOR_VERSION
                     and needs_extraction(known[doc_id]))
            if (item.status == "unchanged" or doc_id in self.run.pending
                    or (doc_id in known and not stale)):
                self.run._unchanged(item.source, doc_id)  # or the same text twice in a run
                continue
            ex = item.extraction
            assert ex is not None
            redo = item.status == "reextract" or stale
            self.run.pending[doc_id] = PendingDocument(
                item.source, BatchItem(ex, item.version,
                                       self.max_chars if item.truncated else None, redo),
                item.length if item.truncated else None)
            if len(self.run.pending) >= self.run.batch_documents:
                self.flush()

    def flush(self) -> None:
        """Store what is queued in one transaction (``batch.BatchWriter.flush``), then link it."""
        if not self.run.pending:
            return
        before = len(self.summary.new_documents)
        self.run.flush()
        new_ids = self.summary.new_documents[before:]
        self.batches += 1
        if self.checkpoint is not None:
            self.checkpoint(f"batch:stored:{self.batches}")
        if self.link and not self.link_at_end and new_ids:
            self.link_new(self.store, new_ids)
        if self.checkpoint is not None:
            self.checkpoint(f"batch:linked:{self.batches}")

    def stored(self, ids: list[str]) -> dict[str, str]:
        """Which of ``ids`` are stored, with their extractor version: one query per thousand
        ids through ``db``, else one per id through the store."""
        if not ids:
            return {}
        found = stored_versions(self.db, ids)
        if found is not None:
            return found
        versions = {i: self.store.stored_extractor_version(i) for i in dict.fromkeys(ids)}
        return {k: v for k, v in versions.items() if v is not None}


def _merge(summary: IngestSummary, part: IngestSummary) -> None:
    """Add one summary's counts into another."""
    summary.inputs += part.inputs
    summary.read += part.read
    summary.new += part.new
    summary.unchanged += part.unchanged
    summary.failed.extend(part.failed)
    summary.incidents += part.incidents
    summary.claims += part.claims
    summary.new_documents.extend(part.new_documents)
    summary.reextracted += part.reextracted
    summary.truncated.extend(part.truncated)
