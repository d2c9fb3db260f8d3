"""The knowledge base: documents and everything extracted from them, plus links between records.

``Store`` is the only way the rest of cybertrack reads or writes the database. The writes of
one document are never split between transactions (one document, or a batch of whole ones:
``add_batch``), so a crash leaves each document either complete or absent, and adding a
document whose id is already stored writes nothing, so an interrupted batch is resumed by
simply running it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import islice
from types import TracebackType
from typing import Any, Literal, NamedTuple, cast

from sqlalchemy import Connection, Engine, Select, bindparam, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from cybertrack.errors import NotFoundError, StoreError
from cybertrack.model import Claim, Document, Entity, Extraction, Incident, Link, Mention
from cybertrack.store import codec
from cybertrack.store import schema as t
from cybertrack.store.analytics import AnalyticsQueries
from cybertrack.store.engine import create_store_engine, resolve_url, write_connection
from cybertrack.store.migrations import current_version, migrate
from cybertrack.store.rework import drop_records, linking_lock
from cybertrack.store.rows import ROW_TABLES, ExtractionRows, Rows, extraction_rows
from cybertrack.store.search import against_and_during, index_rows
from cybertrack.store.summary import add_response_dates, mark_timeline_stale, refresh_facts
from cybertrack.vocab import CLAIM_KINDS, ENTITY_KINDS

LinkStatus = Literal["proposed", "accepted", "rejected"]
#: "document": a document without incidents placed beside the incident (or the other such
#: document) it most likely reports (``resolve.placement``); ``a`` is the document.
LINK_KINDS = ("incident", "actor", "document")
LINK_STATUSES = ("proposed", "accepted", "rejected")
#: An undated incident is taken to lie in this many days before its document's publication.
UNDATED_SPAN_DAYS = 366
#: Most ids put in one ``IN (...)`` list; stays far below SQLite's and PostgreSQL's limits.
IN_CHUNK = 5000


class BatchItem(NamedTuple):
    """One document of ``Store.add_batch``: its extraction (or the rows of one, built where it
    was extracted: ``store.rows``), the ``extractor_version`` and ``extracted_chars`` to
    record, and whether it re-extracts a stored document."""

    extraction: Extraction | ExtractionRows
    extractor_version: str = ""
    extracted_chars: int | None = None
    redo: bool = False


def _check(what: str, value: str | None, allowed: Sequence[str]) -> None:
    """Reject a misspelt vocabulary value instead of silently matching nothing."""
    if value is not None and value not in allowed:
        raise StoreError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class Store(AnalyticsQueries):
    """A cybertrack knowledge base on SQLite or PostgreSQL. Use ``Store.open``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.url: str = engine.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, url_or_path: str) -> Store:
        """Open (creating if needed) the knowledge base at a SQLite path or database URL and
        apply pending schema migrations."""
        engine = create_store_engine(resolve_url(url_or_path))
        try:
            migrate(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(
                f"cannot open knowledge base {engine.url.render_as_string(hide_password=True)}: "
                f"{reason}"
            ) from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # --- plumbing -----------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read knowledge base {self.url}: {_reason(exc)}") from exc

    @contextmanager
    def _write(self, what: str, *, raw_integrity: bool = False) -> Iterator[Connection]:
        """One write transaction; database errors become ``StoreError`` naming ``what``, except
        constraint violations when the caller decides what they mean (``raw_integrity``)."""
        try:
            with write_connection(self._engine) as conn, conn.begin():
                yield conn
        except IntegrityError as exc:
            if raw_integrity:
                raise
            raise StoreError(f"{what} in {self.url}: {_reason(exc)}") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"{what} in {self.url}: {_reason(exc)}") from exc

    def _insert(self, table: Any) -> Any:
        """An INSERT supporting ``ON CONFLICT`` (same API in both dialects we serve)."""
        if self._engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    def _all(self, query: Select[Any]) -> list[Any]:
        with self._read() as conn:
            return list(conn.execute(query).mappings())

    def _one(self, query: Select[Any], kind: str, ident: str) -> Any:
        with self._read() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFoundError(kind, ident)
        return row

    # --- documents and extractions ------------------------------------------------------------

    def schema_version(self) -> int:
        with self._read() as conn:
            return current_version(conn)

    def has_document(self, doc_id: str) -> bool:
        with self._read() as conn:
            return _existing_ids(conn, [doc_id]) == {doc_id}

    def add_document(self, doc: Document, *, extractor_version: str = "") -> bool:
        return self.add_extraction(Extraction(doc), extractor_version=extractor_version)

    def add_extraction(self, ex: Extraction | ExtractionRows, *, extractor_version: str = "",
                       extracted_chars: int | None = None,
                       before_commit: Callable[[], None] | None = None) -> bool:
        """Store a document and everything extracted from it in one transaction. Returns False,
        writing nothing, if the document id is already stored. Entities in ``ex.entities`` are
        added only where their id is new: reference data loaded with ``upsert_entities`` is
        never overwritten by what one document's extraction says. A document with incidents is
        marked as waiting for linking (``pending_link_documents``) in the same transaction, one
        without as waiting for placement (``store.placements.pending_placement_documents``).
        ``extracted_chars`` records where extraction stopped on a text longer than its cap;
        ``before_commit`` runs inside the transaction after the writes (tests kill there).
        ``ex`` may be the rows of an extraction (``store.rows.extraction_rows``)."""
        doc_id = ex.document.id
        ex = extraction_rows(ex)  # checks that every record is the document's
        try:
            with self._write(f"cannot add document {doc_id}", raw_integrity=True) as conn:
                if _existing_ids(conn, [doc_id]):
                    return False
                self._insert_extractions(conn, [ex], extractor_version,
                                         {doc_id: extracted_chars})
                if before_commit is not None:
                    before_commit()
        except IntegrityError as exc:
            if self.has_document(doc_id):
                return False  # a concurrent writer stored it first; ours was rolled back
            raise StoreError(
                f"cannot add document {doc_id} to {self.url}: {_reason(exc)}; nothing was "
                "written (does a claim name an incident that is not in the extraction?)"
            ) from exc
        return True

    def bulk_add(
        self, extractions: Iterable[Extraction], *, chunk_size: int = 1000,
        extractor_version: str = "",
    ) -> int:
        """Store many extractions fast, one transaction per ``chunk_size`` documents; documents
        already stored (or repeated in the input) are skipped. Returns how many were new. A bad
        record fails its whole chunk; use ``add_extraction`` to isolate documents."""
        added = 0
        for exs in _chunks(extractions, chunk_size):
            chunk = [extraction_rows(ex) for ex in exs]  # checks each record's document
            try:
                with self._write("cannot bulk-add documents", raw_integrity=True) as conn:
                    seen = _existing_ids(conn, [ex.document.id for ex in chunk])
                    fresh = []
                    for ex in chunk:
                        if ex.document.id not in seen:
                            seen.add(ex.document.id)
                            fresh.append(ex)
                    self._insert_extractions(conn, fresh, extractor_version)
            except IntegrityError as exc:
                raise StoreError(
                    f"cannot bulk-add {len(chunk)} documents starting with "
                    f"{chunk[0].document.id} to {self.url}: {_reason(exc)}; that chunk was "
                    "not written, earlier chunks were"
                ) from exc
            added += len(fresh)
        return added

    def add_batch(self, items: Sequence[BatchItem], *,
                  replaceable: Callable[[str], bool] = lambda version: False,
                  before_commit: Callable[[Sequence[bool]], None] | None = None,
                  ) -> list[bool]:
        """Store several documents in one transaction, each exactly as ``add_extraction`` (or,
        for an item with ``redo``, ``replace_extraction`` with ``replaceable``) would: returns,
        item by item, whether it was written (False: already stored, not replaceable, or a
        repeat of an earlier item). The writes are multi-row statements shared by the batch, so
        storing costs a fraction of one transaction per document (issue 17).

        All or nothing: on any failure (a bad record, a concurrent writer's unique row, the
        database) nothing is written and ``StoreError`` is raised; the caller then stores the
        items one per transaction, so the document at fault fails alone (``batch.py``).
        ``before_commit`` runs inside the transaction after the writes, given what ``add_batch``
        will return (tests kill there)."""
        if not items:
            return []
        rows = [extraction_rows(item.extraction) for item in items]  # checks every record
        ids = [r.document.id for r in rows]
        try:
            with self._write(f"cannot add {len(items)} documents starting with {ids[0]}",
                             raw_integrity=True) as conn:
                d = t.documents.c
                stored: dict[str, str] = {}
                for chunk in _chunks(sorted(set(ids)), IN_CHUNK):
                    q = select(d.id, d.extractor_version).where(d.id.in_(chunk))
                    if conn.dialect.name == "postgresql" and any(i.redo for i in items):
                        q = q.with_for_update()
                    stored.update((r[0], str(r[1] or "")) for r in conn.execute(q))
                written: list[bool] = []
                fresh: list[ExtractionRows] = []
                redo: list[ExtractionRows] = []
                seen: set[str] = set()
                for item, row in zip(items, rows, strict=True):
                    doc_id = row.document.id
                    version = stored.get(doc_id)
                    ok = doc_id not in seen and (
                        version is None if not item.redo
                        else version is not None and replaceable(version))
                    seen.add(doc_id)
                    written.append(ok)
                    if ok:
                        (redo if item.redo else fresh).append(row)
                for ex in sorted(redo, key=lambda ex: ex.document.id):
                    drop_records(conn, ex.document.id)
                for item, ok in zip(items, written, strict=True):
                    if ok and item.redo:
                        conn.execute(t.documents.update().where(
                            d.id == item.extraction.document.id).values(
                            extractor_version=item.extractor_version,
                            extracted_chars=item.extracted_chars))
                kept = [i for i, ok in zip(items, written, strict=True) if ok]
                self._insert_extractions(
                    conn, fresh + redo,
                    {i.extraction.document.id: i.extractor_version for i in kept},
                    {i.extraction.document.id: i.extracted_chars for i in kept},
                    existing={ex.document.id for ex in redo})
                if before_commit is not None:
                    before_commit(written)
        except IntegrityError as exc:
            raise StoreError(f"cannot add {len(items)} documents starting with {ids[0]} to "
                             f"{self.url}: {_reason(exc)}; nothing was written") from exc
        if any(written):
            self.keep_statistics()
        return written

    def keep_statistics(self) -> list[str]:
        """On PostgreSQL, gather planner statistics (``ANALYZE``) for the tables ingest fills
        that have changed by more than half their rows since they were last analyzed (so about
        each time one doubles, and once it has 1,000 rows); returns their names.

        Autovacuum does this on a server that runs it; where it is off (this project's test
        server) or has not caught up with a bulk load, the planner has no statistics and reads
        a batch's few rows by scanning whole tables: a load then grows with the square of the
        base, in the one backend that writes (docs/scale.md). Run after a transaction, never
        inside one; a failure is ignored, and a table the user may not analyze is skipped
        (PostgreSQL only warns).
        SQLite: nothing (cybertrack never runs ANALYZE there, ``store/indexed.py``)."""
        if self._engine.dialect.name != "postgresql":
            return []
        s = text("SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                 "AND relname IN :names AND n_mod_since_analyze >= :least "
                 "AND 2 * n_mod_since_analyze > n_live_tup ORDER BY relname"
                 ).bindparams(bindparam("names", expanding=True))
        done = []
        try:  # an optimization: never the reason a write fails
            with self._read() as conn:
                stale = [str(r[0]) for r in conn.execute(
                    s, {"names": list(_GROWING), "least": ANALYZE_ROWS})]
            for name in stale:
                with self._write(f"cannot gather statistics of {name}") as conn:
                    conn.execute(text(f'ANALYZE "{name}"'))
                done.append(name)
        except StoreError:
            pass
        return done

    def _insert_extractions(
        self, conn: Connection, exs: Sequence[Extraction | ExtractionRows],
        extractor_version: str | Mapping[str, str],
        extracted_chars: Mapping[str, int | None] | None = None, *,
        existing: Collection[str] = (),
    ) -> None:
        """Insert the records of ``exs`` (extractions, or their rows: ``store.rows``), and their
        document rows except for the ids in ``existing`` (stored documents being
        re-extracted); ``extractor_version`` is one for all or one per document id."""
        if not exs:
            return
        chars = extracted_chars or {}

        def version(doc_id: str) -> str:
            if isinstance(extractor_version, str):
                return extractor_version
            return extractor_version[doc_id]
        # Rows that concurrent writers may share (entities, documents, links) go in sorted by
        # id, so two writers always lock them in the same order and cannot deadlock.
        rows = sorted((extraction_rows(ex) for ex in exs), key=lambda r: r.document.id)
        now = codec.utc_now()
        ents: dict[str, dict[str, Any]] = {}
        for r in rows:
            columns, values = r.entities
            for value in values:
                entity = dict(zip(columns, value, strict=True))
                ents[entity["id"]] = entity
        if ents:
            conn.execute(self._insert(t.entities).on_conflict_do_nothing(),
                         [ents[k] for k in sorted(ents)])
        documents = [codec.document_row(r.document, extractor_version=version(r.document.id),
                                        ingested_at=now, extracted_chars=chars.get(r.document.id))
                     for r in rows if r.document.id not in existing]
        if documents:
            _insert_rows(conn, t.documents, *_tuples(documents))
        for name in ROW_TABLES:
            for columns, values in _merged(r.tables[name] for r in rows):
                _insert_rows(conn, t.metadata.tables[name], columns, values)
        self._insert_links(conn, [link for r in rows for link in r.links])
        pending = [{"document_id": r.document.id} for r in rows if r.has_incidents]
        if pending:
            conn.execute(self._insert(t.pending_links).on_conflict_do_nothing(), pending)
        bare = [{"document_id": r.document.id} for r in rows if not r.has_incidents]
        if bare:  # to be placed beside the event it reports (resolve.placement)
            conn.execute(self._insert(t.pending_placements).on_conflict_do_nothing(), bare)
        # Derived summaries, in this transaction: the new responses' dates, and the facts of
        # already grouped incidents that these documents' claims speak about (their own new
        # incidents get facts when they are grouped).
        add_response_dates(conn, [i for r in rows for i in r.response_claim_ids])
        # The text `cybertrack search` reads (store/search.py); only documents stored before
        # (re-extracted) can have rows to replace.
        index_rows(conn, [r.document.id for r in rows if r.document.id in existing],
                   _merged(r.search for r in rows), insert=_insert_rows)
        own = {i for r in rows for i in r.incident_ids}
        others = {i for r in rows for i in r.claim_incident_ids} - own
        if others:
            refresh_facts(conn, others)
            mark_timeline_stale(conn, incident_ids=others)

    def stored_extractor_version(self, doc_id: str) -> str | None:
        """The ``extractor_version`` of a stored document, None when it is not stored (one
        read deciding both "new?" and "extracted by this version?")."""
        with self._read() as conn:
            row = conn.execute(_VERSION, {"id": doc_id}).first()
        return None if row is None else str(row[0] or "")

    def replace_extraction(self, ex: Extraction | ExtractionRows, *, extractor_version: str,
                           replaceable: Callable[[str], bool],
                           extracted_chars: int | None = None,
                           before_commit: Callable[[], None] | None = None) -> bool:
        """Redo the records of a stored document whose ``extractor_version`` satisfies
        ``replaceable`` (stored without extraction, or by an older extractor), in one
        transaction; returns False, writing nothing, when it is not stored or no longer
        replaceable (another writer got there first). See ``store/rework.py`` for what is
        dropped and what is kept (links a person reviewed)."""
        doc_id = ex.document.id
        ex = extraction_rows(ex)
        with self._write(f"cannot re-extract document {doc_id}") as conn:
            d = t.documents.c
            q = select(d.extractor_version).where(d.id == doc_id)
            if conn.dialect.name == "postgresql":
                q = q.with_for_update()
            row = conn.execute(q).first()
            if row is None or not replaceable(str(row[0] or "")):
                return False
            drop_records(conn, doc_id)
            conn.execute(t.documents.update().where(d.id == doc_id).values(
                extractor_version=extractor_version, extracted_chars=extracted_chars))
            self._insert_extractions(conn, [ex], extractor_version, existing={doc_id})
            if before_commit is not None:
                before_commit()
        return True

    # --- linking bookkeeping ------------------------------------------------------------------

    def pending_link_documents(self) -> list[str]:
        """Documents whose incidents are still to be linked (stored, but their linking never
        committed: ``--no-link``, or a run killed before or while linking), in id order."""
        p = t.pending_links.c
        return [r["document_id"] for r in self._all(select(p.document_id).order_by(p.document_id))]

    def clear_pending_links(self, doc_ids: Iterable[str]) -> None:
        """Mark documents as linked (call once their linking has committed)."""
        p = t.pending_links
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return
        with self._write("cannot record linked documents") as conn:
            for chunk in _chunks(ids, IN_CHUNK):
                conn.execute(p.delete().where(p.c.document_id.in_(chunk)))

    @contextmanager
    def linking_lock(self) -> Iterator[None]:
        """Hold the knowledge base's linking lock: linkers read links and incidents, compute
        groups and write them, and two doing so at once could each write groups computed
        without the other's links. PostgreSQL: a session advisory lock; SQLite: an exclusive
        ``flock`` on ``<database>.link-lock`` (in-memory databases have one process)."""
        with linking_lock(self._engine):
            yield

    def document(self, doc_id: str) -> Document:
        row = self._one(select(t.documents).where(t.documents.c.id == doc_id), "document", doc_id)
        return codec.row_to_document(row)

    def document_extractor_version(self, doc_id: str) -> str:
        """Which extractor produced the document's records ("" when not recorded)."""
        q = select(t.documents.c.extractor_version).where(t.documents.c.id == doc_id)
        return str(self._one(q, "document", doc_id)["extractor_version"])

    def documents(self, *, limit: int | None = None, offset: int = 0) -> list[Document]:
        """Documents in the order they were stored."""
        q = (select(t.documents).order_by(t.documents.c.ingested_at, t.documents.c.id)
             .limit(limit).offset(offset))
        return [codec.row_to_document(r) for r in self._all(q)]

    def counts(self) -> dict[str, int]:
        q = select(*(select(func.count()).select_from(table).scalar_subquery().label(name)
                     for name, table in t.COUNTED.items()))
        with self._read() as conn:
            row = conn.execute(q).mappings().one()
        return {name: int(row[name]) for name in t.COUNTED}

    def mentions(self, document_id: str) -> list[Mention]:
        m = t.mentions.c
        q = (select(t.mentions).where(m.document_id == document_id)
             .order_by(m.span_start, m.span_end, m.id))
        return [codec.row_to_mention(r) for r in self._all(q)]

    # --- entities -----------------------------------------------------------------------------

    def upsert_entities(self, entities: Iterable[Entity]) -> None:
        """Insert new entities and overwrite stored ones with the same id (last one wins)."""
        rows = list({e.id: codec.entity_row(e) for e in entities}.values())
        if not rows:
            return
        ins = self._insert(t.entities)
        stmt = ins.on_conflict_do_update(
            index_elements=[t.entities.c.id],
            set_={c.name: ins.excluded[c.name] for c in t.entities.c if c.name != "id"},
        )
        with self._write(f"cannot store {len(rows)} entities") as conn:
            for chunk in _chunks(rows, IN_CHUNK):
                conn.execute(stmt, chunk)

    def entity(self, entity_id: str) -> Entity:
        q = select(t.entities).where(t.entities.c.id == entity_id)
        return codec.row_to_entity(self._one(q, "entity", entity_id))

    def entities(self, kind: str | None = None) -> list[Entity]:
        _check("entity kind", kind, ENTITY_KINDS)
        q = select(t.entities).order_by(t.entities.c.id)
        if kind is not None:
            q = q.where(t.entities.c.kind == kind)
        return [codec.row_to_entity(r) for r in self._all(q)]

    # --- incidents and claims -----------------------------------------------------------------

    def incident(self, incident_id: str) -> Incident:
        q = select(t.incidents).where(t.incidents.c.id == incident_id)
        return codec.row_to_incident(self._one(q, "incident", incident_id))

    def incidents(
        self, *, document_id: str | None = None, target: str | None = None,
        since: dt.date | None = None, until: dt.date | None = None, limit: int | None = None,
    ) -> list[Incident]:
        """Incidents matching every filter given, earliest first (undated last). ``target`` is
        a country code; ``since``/``until`` keep incidents whose time interval overlaps
        [since, until], so undated incidents are left out when either is given."""
        i = t.incidents.c
        q = select(t.incidents)
        if document_id is not None:
            q = q.where(i.document_id == document_id)
        q = against_and_during(q, target, since, until)
        q = q.order_by(i.time_start.asc().nulls_last(), i.id).limit(limit)
        return [codec.row_to_incident(r) for r in self._all(q)]

    def incidents_near(self, country: str, since: dt.date, until: dt.date) -> list[Incident]:
        """Incidents against ``country`` whose own interval overlaps [since, until]: their
        date, or for an undated one the year before its document's publication (what
        ``resolve.link_all`` sweeps by). Undated incidents of undated documents never match."""
        i, tg, d = t.incidents.c, t.incident_targets.c, t.documents.c
        dated = (select(t.incidents).join(t.incident_targets, tg.incident_id == i.id)
                 .where(tg.country == country, i.time_start <= until, i.time_end >= since))
        undated = (select(t.incidents).join(t.incident_targets, tg.incident_id == i.id)
                   .join(t.documents, d.id == i.document_id)
                   .where(tg.country == country, i.time_start.is_(None),
                          d.published_end >= since,
                          d.published_end <= until + dt.timedelta(days=UNDATED_SPAN_DAYS)))
        out = [codec.row_to_incident(r) for q in (dated, undated) for r in self._all(q)]
        return sorted(out, key=lambda inc: inc.id)

    def incidents_between(self, since: dt.date, until: dt.date) -> list[Incident]:
        """Incidents, whatever their targets, whose own interval overlaps [since, until] by the
        rule of ``incidents_near`` (the linker's blocking on shared distinctive terms needs
        candidates a shared country would not find)."""
        i, d = t.incidents.c, t.documents.c
        dated = select(t.incidents).where(i.time_start <= until, i.time_end >= since)
        undated = (select(t.incidents).join(t.documents, d.id == i.document_id)
                   .where(i.time_start.is_(None), d.published_end >= since,
                          d.published_end <= until + dt.timedelta(days=UNDATED_SPAN_DAYS)))
        out = [codec.row_to_incident(r) for q in (dated, undated) for r in self._all(q)]
        return sorted(out, key=lambda inc: inc.id)

    def document_leads(self, ids: Iterable[str], chars: int) -> dict[str, str]:
        """The first ``chars`` characters of each document's text (the headline and lead the
        linker reads distinctive terms from), without reading whole texts."""
        d = t.documents.c
        out: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), 500):
            q = select(d.id, func.substr(d.text, 1, chars).label("lead")).where(d.id.in_(chunk))
            out.update((r["id"], r["lead"] or "") for r in self._all(q))
        return out

    def claims(
        self, *, incident_ids: Sequence[str] | None = None, document_id: str | None = None,
        kind: str | None = None, attributed_state: str | None = None,
        attributed_actor_id: str | None = None, actor_state: str | None = None,
        target_state: str | None = None, action: str | None = None,
    ) -> list[Claim]:
        """Claims matching every filter given, in document order (by document id, then
        position in the text)."""
        _check("claim kind", kind, CLAIM_KINDS)
        c = t.claims.c
        q = select(t.claims).order_by(c.document_id, c.sentence_start, c.id)
        for column, value in (
            (c.document_id, document_id), (c.kind, kind), (c.attributed_state, attributed_state),
            (c.attributed_actor_id, attributed_actor_id), (c.actor_state, actor_state),
            (c.target_state, target_state), (c.action, action),
        ):
            if value is not None:
                q = q.where(column == value)
        if incident_ids is None:
            return [codec.row_to_claim(r) for r in self._all(q)]
        ids = list(dict.fromkeys(incident_ids))
        out = [codec.row_to_claim(r) for chunk in _chunks(ids, IN_CHUNK)
               for r in self._all(q.where(c.incident_id.in_(chunk)))]
        if len(ids) > IN_CHUNK:
            out.sort(key=lambda cl: (cl.document_id, cl.sentence.start, cl.id))
        return out

    # --- links --------------------------------------------------------------------------------

    def add_links(self, links: Iterable[Link]) -> int:
        """Store links whose id is new (with a first history event); return how many."""
        batch = list(links)
        with self._write(f"cannot store {len(batch)} links") as conn:
            return self._insert_links(conn, batch)

    def _insert_links(self, conn: Connection, links: Sequence[Link]) -> int:
        rows = {}
        for link in links:
            _check("link kind", link.kind, LINK_KINDS)
            _check("link status", link.status, LINK_STATUSES)
            rows[link.id] = link
        if not rows:
            return 0
        stmt = (self._insert(t.links).on_conflict_do_nothing(index_elements=[t.links.c.id])
                .returning(t.links.c.id))
        values = [codec.link_row(rows[k]) for k in sorted(rows)]
        new = {r[0] for r in conn.execute(stmt, values)}
        now = codec.utc_now()
        events = [{"link_id": i, "seq": 1, "status": rows[i].status, "previous_status": None,
                   "made_by": rows[i].made_by, "at": now} for i in sorted(new)]
        if events:
            conn.execute(t.link_events.insert(), events)
        return len(new)

    def links(
        self, *, kind: str | None = None, status: str | None = None,
        record_id: str | None = None,
    ) -> list[Link]:
        """Links matching every filter given, highest score first; ``record_id`` matches
        either end."""
        _check("link kind", kind, LINK_KINDS)
        _check("link status", status, LINK_STATUSES)
        lc = t.links.c
        q = select(t.links).order_by(lc.score.desc(), lc.id)
        if kind is not None:
            q = q.where(lc.kind == kind)
        if status is not None:
            q = q.where(lc.status == status)
        if record_id is not None:
            q = q.where(or_(lc.a == record_id, lc.b == record_id))
        return [codec.row_to_link(r) for r in self._all(q)]

    def set_link_status(self, link_id: str, status: str, *, by: str = "user") -> Link:
        """Accept, reject or re-propose a link. The change is appended to the link's history
        (``link_history``), so every decision can be seen and undone; setting the status it
        already has changes nothing."""
        _check("link status", status, LINK_STATUSES)
        lc, ev = t.links.c, t.link_events.c
        with self._write(f"cannot set the status of link {link_id}") as conn:
            row = conn.execute(
                select(t.links).where(lc.id == link_id).with_for_update()
            ).mappings().first()
            if row is None:
                raise NotFoundError("link", link_id)
            link = codec.row_to_link(row)
            if link.status == status:
                return link
            seq = conn.execute(
                select(func.coalesce(func.max(ev.seq), 0)).where(ev.link_id == link_id)
            ).scalar_one()
            conn.execute(t.links.update().where(lc.id == link_id).values(status=status))
            conn.execute(t.link_events.insert().values(
                link_id=link_id, seq=int(seq) + 1, status=status, previous_status=link.status,
                made_by=by, at=codec.utc_now()))
        return replace(link, status=cast(LinkStatus, status))

    def link_history(self, link_id: str) -> list[codec.LinkEvent]:
        """Every status the link has had, oldest first."""
        self._one(select(t.links.c.id).where(t.links.c.id == link_id), "link", link_id)
        ev = t.link_events.c
        q = select(t.link_events).where(ev.link_id == link_id).order_by(ev.seq)
        return [codec.row_to_link_event(r) for r in self._all(q)]


#: Built once: ingest asks this of every document, and building a statement costs more than
#: SQLite takes to answer it (issue 17).
_EXISTING = select(t.documents.c.id).where(t.documents.c.id.in_(bindparam("ids", expanding=True)))
_VERSION = select(t.documents.c.extractor_version).where(t.documents.c.id == bindparam("id"))


def _existing_ids(conn: Connection, doc_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(doc_ids, IN_CHUNK):
        found.update(conn.execute(_EXISTING, {"ids": chunk}).scalars())
    return found


#: Fewest rows changed since a table was last analyzed for ``Store.keep_statistics`` to
#: analyze it (and more than half its rows).
ANALYZE_ROWS = 1000
#: The tables a batch of documents grows, whose statistics ``Store.keep_statistics`` keeps.
_GROWING = ("documents", "mentions", "incidents", "incident_targets", "claims", "search_text",
            "response_dates", "pending_links", "pending_placements")

#: Fewest rows for which PostgreSQL gets them by ``COPY`` rather than by an INSERT per row.
COPY_ROWS = 50


def _insert_rows(conn: Connection, table: Any, columns: Sequence[str],
                 values: Sequence[Sequence[Any]]) -> None:
    """Insert new rows, each a sequence of values of ``columns`` (no conflict expected: a
    conflict fails the transaction either way). On PostgreSQL many rows go by
    ``COPY ... FROM STDIN`` in the transaction's own connection: a batch of documents is tens
    of thousands of rows, and an INSERT per row cost the writer more CPU than the rest of
    storing (issue 17). Values are the same Python values an INSERT would bind (text,
    numbers, dates, NULL), so the rows stored are the same."""
    if not values:
        return
    if conn.dialect.name != "postgresql" or len(values) < COPY_ROWS:
        conn.execute(table.insert(), [dict(zip(columns, v, strict=True)) for v in values])
        return
    quoted = ", ".join(f'"{c}"' for c in columns)
    statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    raw = conn.connection.driver_connection
    assert raw is not None
    dbapi = conn.dialect.loaded_dbapi
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)
    except dbapi.Error as exc:  # as SQLAlchemy would raise it: IntegrityError and the rest
        raise DBAPIError.instance(statement, None, exc, dbapi.Error,
                                  dialect=conn.dialect) from exc


def _tuples(rows: Sequence[Mapping[str, Any]]) -> Rows:
    """Dict rows with the same keys as (columns, value tuples)."""
    columns = tuple(rows[0])
    return columns, tuple(tuple(row[c] for c in columns) for row in rows)


def _merged(parts: Iterable[Rows]) -> list[Rows]:
    """Several documents' rows of one table as one list per set of columns (one: the rows of
    a table come from one codec function), in order."""
    out: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for columns, values in parts:
        if values:
            out.setdefault(columns, []).extend(values)
    return [(columns, tuple(values)) for columns, values in out.items()]


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's message without SQLAlchemy's long wrapper text."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip().splitlines()[0]
