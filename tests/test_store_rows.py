"""``store.rows``: an extraction turned into its rows where it is made (a Dask worker) is
stored exactly as the extraction itself, on SQLite and PostgreSQL, by ``COPY`` or INSERT; a
record of another document is refused there with the store's own message."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest
from sqlalchemy import select, text

import cybertrack.store.store as store_module
from conftest import make_extraction
from cybertrack.distributed import WorkSettings, process_partition
from cybertrack.errors import StoreError
from cybertrack.model import Document, Extraction
from cybertrack.store import Store
from cybertrack.store import schema as t
from cybertrack.store.rows import ExtractionRows, extraction_rows
from cybertrack.store.store import BatchItem
from dask_helpers import fake_extract

#: Columns that record when a row was written, not what it says.
TIMES = {"ingested_at", "at", "applied_at", "created_at", "updated_at", "body_tsv"}


def _tables(store: Store) -> dict[str, list[str]]:
    """Every row of every table, less the times, sorted (comparable across databases)."""
    out = {}
    with store._engine.connect() as conn:
        for name, table in sorted(t.metadata.tables.items()):
            if name == "schema_version":
                continue
            columns = [c for c in table.c if c.name not in TIMES]
            out[name] = sorted(repr(tuple(r)) for r in conn.execute(select(*columns)))
    return out


@pytest.mark.parametrize("copy_rows", [1, 10**9], ids=["copy", "insert"])
def test_rows_made_elsewhere_store_the_same_records_as_the_extraction(
        db_url: str, tmp_path: Path, copy_rows: int, monkeypatch: pytest.MonkeyPatch) -> None:
    if copy_rows == 1 and not db_url.startswith("postgresql"):
        pytest.skip("COPY is PostgreSQL's")
    monkeypatch.setattr(store_module, "COPY_ROWS", copy_rows)
    exs = [make_extraction(n=n) for n in range(6)]
    with Store.open(str(tmp_path / "reference.db")) as reference:
        assert reference.add_batch([BatchItem(ex, "2") for ex in exs[:4]]) == [True] * 4
        assert reference.add_extraction(exs[4], extractor_version="2")
        assert reference.add_extraction(exs[5], extractor_version="2")
        expected = _tables(reference)
    # as a worker ships them: pickled, no Extraction object on the writer's side
    shipped = [pickle.loads(pickle.dumps(extraction_rows(ex))) for ex in exs]
    assert all(isinstance(r, ExtractionRows) for r in shipped)
    with Store.open(db_url) as kb:
        assert kb.add_batch([BatchItem(r, "2") for r in shipped[:4]]) == [True] * 4
        assert kb.add_extraction(shipped[4], extractor_version="2")
        assert kb.add_batch([BatchItem(r, "2") for r in shipped]) == [False] * 5 + [True]
        assert _tables(kb) == expected
        assert expected["search_text"] and expected["claims"] and expected["entities"]


def test_a_record_of_another_document_is_refused_where_the_rows_are_made() -> None:
    ex = make_extraction(n=1)
    foreign = dataclasses.replace(ex.claims[0], document_id="doc--elsewhere")
    with pytest.raises(StoreError, match="fix the extractor"):
        extraction_rows(dataclasses.replace(ex, claims=(foreign, *ex.claims[1:])))


def stray(document: Document, max_chars: int) -> Extraction:
    """``fake_extract``, whose claims say they belong to another document for report 2."""
    ex = fake_extract(document, max_chars)
    if "number 2." not in document.text:
        return ex
    return dataclasses.replace(ex, claims=tuple(
        dataclasses.replace(c, document_id="doc--elsewhere") for c in ex.claims))


def test_a_worker_reports_such_a_document_failed_and_returns_the_rest_as_rows(
        tmp_path: Path) -> None:
    inputs = []
    for i in range(4):
        path = tmp_path / f"doc{i}.txt"
        path.write_text(f"Hackers hit Albania's border system in report number {i}. Officials "
                        f"blamed Iran for attack {i}.\n", encoding="utf-8")
        inputs.append(str(path))
    settings = WorkSettings(None, None, True, False, 2_000_000, False, None, stray)
    result = process_partition(inputs, settings)
    failed = [i for i in result.items if i.status == "failed"]
    assert [i.source for i in failed] == [inputs[2]]
    assert "names document doc--elsewhere" in failed[0].reason
    assert all(isinstance(i.extraction, ExtractionRows) for i in result.items
               if i.status == "new") and len(result.items) == 4


def test_a_batch_of_new_documents_reads_nothing_by_document_after_writing(db_url: str) -> None:
    """Without planner statistics (autovacuum off, or not yet run after a bulk load)
    PostgreSQL read all of ``search_text`` for a DELETE by the batch's document ids and every
    response claim for the response dates by document: per batch, so a 100,000-document load
    grew with the square of the base (docs/scale.md). New documents have no search rows to
    drop, and response dates are selected by claim id; a re-extracted document's rows are
    still replaced."""
    from sql_capture import statements

    exs = [make_extraction(n=n) for n in range(3)]
    with Store.open(db_url) as kb:
        with statements(kb._engine) as seen:
            assert kb.add_batch([BatchItem(ex, "1") for ex in exs]) == [True] * 3
        sql = [" ".join(s.split()).lower() for s, _ in seen]
        assert not [s for s in sql if s.startswith("delete from search_text")]
        dating = [s for s in sql if s.startswith("insert into response_dates")]
        assert dating and all("claims.id in" in s or "claims.id = any" in s for s in dating)
        dated = kb.counts()
        with statements(kb._engine) as seen:
            assert kb.add_batch([BatchItem(exs[0], "2", redo=True)],
                                replaceable=lambda version: version == "1") == [True]
        assert [s for s, _ in seen if " ".join(s.split()).lower().startswith(
            "delete from search_text")]
        assert kb.counts() == dated
        with kb._engine.connect() as conn:
            rows = conn.execute(select(t.search_text.c.document_id)).scalars().all()
            dates = conn.execute(select(t.response_dates.c.claim_id)).scalars().all()
        assert sorted(rows) == sorted(str(r[3]) for ex in exs for r in _search(ex))
        assert dates and len(dates) == len(set(dates))


def _search(ex: Extraction) -> list[tuple[object, ...]]:
    return list(extraction_rows(ex).search[1])


def test_the_writer_keeps_planner_statistics_of_the_tables_it_grows(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: tables changed by more than half their rows since they were last analyzed
    are analyzed after a batch (autovacuum is off on the test server); SQLite: never."""
    import time

    monkeypatch.setattr(store_module, "ANALYZE_ROWS", 1)
    with Store.open(db_url) as kb:
        assert kb.add_batch([BatchItem(make_extraction(n=n), "2") for n in range(4)])
        if not db_url.startswith("postgresql"):
            assert kb.keep_statistics() == []
            return
        analyzed = set()
        for _ in range(50):  # the server's activity counters reach its views within a second
            with kb._engine.connect() as conn:
                analyzed = set(conn.execute(text(
                    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = "
                    "current_schema() AND analyze_count > 0")).scalars())
            if {"claims", "documents", "search_text"} <= analyzed:
                break
            kb.keep_statistics()
            time.sleep(0.1)
        assert {"claims", "documents", "search_text"} <= analyzed
        assert kb.keep_statistics() == []  # nothing changed since
