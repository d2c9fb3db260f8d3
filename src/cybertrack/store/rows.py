"""An extraction as the rows the store writes for it, built where the extraction is made.

On a Dask cluster (``cybertrack.distributed``) the workers extract and one client writes.
Shipping ``Extraction`` objects made the client unpickle some 25 frozen dataclasses a document
(0.68 ms of its CPU a document, measured 2026-12-07) and then turn each into a row (0.25 ms
more), on the same cores the workers need. ``extraction_rows`` does that work on the worker:
the client gets plain tuples (0.05 ms to unpickle) and only writes them. ``Store.add_batch``,
``add_extraction`` and ``replace_extraction`` take either form, and an ``Extraction`` is
turned into rows by the same function, so the stored rows are the same whichever side built
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cybertrack.errors import StoreError
from cybertrack.model import Claim, Document, Extraction, Incident, Link, Mention
from cybertrack.store import codec
from cybertrack.store.search import search_rows

#: A table's rows: its column names and one tuple of values per row, in that order.
Rows = tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]
#: The tables ``ExtractionRows.tables`` fills, in the order they are written.
ROW_TABLES = ("mentions", "incidents", "incident_targets", "claims")


@dataclass(frozen=True)
class ExtractionRows:
    """The rows of one document's extraction (see the module docstring). The document row
    itself is built by the writer, which knows the version and time to record."""

    document: Document
    #: ``entities`` rows (inserted where their id is new).
    entities: Rows
    #: Rows of ``ROW_TABLES``, by table name.
    tables: dict[str, Rows]
    #: ``search_text`` rows (``search.search_rows``).
    search: Rows
    links: tuple[Link, ...]
    #: Ids of the document's own incidents.
    incident_ids: tuple[str, ...]
    #: Incidents its claims speak about, its own included (``Claim.incident_id``).
    claim_incident_ids: tuple[str, ...]
    #: Claims other than incident reports (what an ingest summary counts).
    claims_counted: int
    #: Ids of its response claims (``summary.add_response_dates`` dates them).
    response_claim_ids: tuple[str, ...] = ()

    @property
    def has_incidents(self) -> bool:
        return bool(self.incident_ids)


def _rows(dicts: list[dict[str, Any]]) -> Rows:
    """Dict rows of one table as (columns, tuples); every row must have the same columns."""
    if not dicts:
        return (), ()
    columns = tuple(dicts[0])
    out = []
    for row in dicts:
        if len(row) != len(columns):
            raise StoreError(f"rows of one table differ in columns: {sorted(row)} against "
                             f"{sorted(columns)}")
        out.append(tuple(row[c] for c in columns))
    return columns, tuple(out)


def validate(ex: Extraction) -> None:
    """Every record must belong to the extraction's document, or it would be filed under a
    document that does not vouch for it."""
    doc_id = ex.document.id
    records: list[Mention | Incident | Claim] = [*ex.mentions, *ex.incidents, *ex.claims]
    for rec in records:
        if rec.document_id != doc_id:
            raise StoreError(
                f"{type(rec).__name__.lower()} {rec.id} names document {rec.document_id} but "
                f"is in the extraction of document {doc_id}; fix the extractor"
            )


def extraction_rows(ex: Extraction | ExtractionRows) -> ExtractionRows:
    """The rows the store writes for ``ex`` (checked with ``validate`` first)."""
    if isinstance(ex, ExtractionRows):
        return ex
    validate(ex)
    return ExtractionRows(
        document=ex.document,
        entities=_rows([codec.entity_row(e) for e in ex.entities]),
        tables={
            "mentions": _rows([codec.mention_row(m) for m in ex.mentions]),
            "incidents": _rows([codec.incident_row(i) for i in ex.incidents]),
            "incident_targets": _rows([r for i in ex.incidents
                                       for r in codec.incident_target_rows(i)]),
            "claims": _rows([codec.claim_row(c) for c in ex.claims]),
        },
        search=_rows(search_rows(ex)),
        links=tuple(ex.links),
        incident_ids=tuple(i.id for i in ex.incidents),
        claim_incident_ids=tuple(c.incident_id for c in ex.claims if c.incident_id),
        claims_counted=sum(1 for c in ex.claims if c.kind != "incident-report"),
        response_claim_ids=tuple(c.id for c in ex.claims if c.kind == "response"),
    )
