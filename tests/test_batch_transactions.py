"""Ingest stores documents a batch per transaction (issue 17: one transaction per document cost
as much as reading the page), with the guarantees of one: a document that cannot be stored
fails alone, a rerun changes nothing, re-extraction in a batch equals re-extraction alone."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from conftest import make_extraction
from cybertrack.batch import ingest_paths
from cybertrack.model import Document, Extraction
from cybertrack.store import Store
from cybertrack.store import schema as t
from cybertrack.store import store as store_module
from dask_helpers import fake_extract
from test_kill_resume import drop, fresh


def _corpus(folder: Path, n: int, start: int = 0) -> list[str]:
    folder.mkdir(exist_ok=True)
    for i in range(start, start + n):
        (folder / f"doc{i:02d}.txt").write_text(
            f"Title: Report {i}\nPublished: 2022-09-{1 + i % 20:02d}\n\n"
            f"Hackers hit Albania's border system in report number {i}. Officials blamed "
            f"Iran for attack {i}.\n", encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


def _commits(store: Store) -> list[int]:
    """A list that grows by one at every transaction the store commits."""
    seen: list[int] = []
    event.listen(store._engine, "commit", lambda conn: seen.append(1))
    return seen


def _digest(store: Store) -> str:
    rows = []
    with store._read() as conn:
        for table in (t.documents, t.mentions, t.incidents, t.claims, t.pending_links,
                      t.response_dates):
            cols = [c for c in table.c if c.name not in ("ingested_at", "retrieved")]
            rows += sorted(f"{table.name}:" + json.dumps([str(v) for v in r])
                           for r in conn.execute(select(*cols)))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def test_ten_documents_are_three_transactions_of_at_most_four(
        db_url: str, tmp_path: Path) -> None:
    inputs = _corpus(tmp_path / "in", 10)
    events: list[tuple[str, str]] = []
    with Store.open(db_url) as kb:
        commits = _commits(kb)
        summary = ingest_paths(kb, inputs, extractor=fake_extract, batch_documents=4,
                               batch_seconds=3600,
                               on_event=lambda st, src, _d: events.append((st, Path(src).name)))
        assert (summary.new, summary.failed) == (10, [])
        assert len(commits) == 3
        assert len(kb.pending_link_documents()) == 10  # written with their documents
        # the progress bar still advances once per input, and each document is reported
        assert [n for st, n in events if st == "input"] == [Path(p).name for p in inputs]
        assert sorted(n for st, n in events if st == "new") == [Path(p).name for p in inputs]
        before = _digest(kb)
        again = ingest_paths(kb, inputs, extractor=fake_extract, batch_documents=4)
        assert (again.new, again.unchanged) == (0, 10)
        assert len(commits) == 3  # a rerun writes nothing
        assert _digest(kb) == before


def test_a_batch_is_committed_once_its_time_is_up(tmp_path: Path) -> None:
    inputs = _corpus(tmp_path / "in", 5)
    with Store.open(str(tmp_path / "kb.db")) as kb:
        commits = _commits(kb)
        assert ingest_paths(kb, inputs, extractor=fake_extract, batch_seconds=0).new == 5
        assert len(commits) == 5


@pytest.mark.parametrize("copy_rows", [1, 10**9], ids=["copy", "insert"])
def test_a_document_that_cannot_be_stored_fails_alone_in_its_batch(
        db_url: str, tmp_path: Path, copy_rows: int, monkeypatch: pytest.MonkeyPatch) -> None:
    if copy_rows == 1 and not db_url.startswith("postgresql"):
        pytest.skip("COPY is PostgreSQL's")
    monkeypatch.setattr(store_module, "COPY_ROWS", copy_rows)
    inputs = _corpus(tmp_path / "in", 8)

    def broken(document: Document, max_chars: int) -> Extraction:
        ex = fake_extract(document, max_chars)
        if "number 5." not in document.text:
            return ex
        orphan = dataclasses.replace(ex.claims[1], incident_id="incident--nowhere")
        return dataclasses.replace(ex, claims=(ex.claims[0], orphan))

    with Store.open(db_url) as kb:
        summary = ingest_paths(kb, inputs, extractor=broken, batch_seconds=3600)
        assert summary.new == 7
        [(source, reason)] = summary.failed
        assert source.endswith("doc05.txt")
        assert "nothing was written" in reason
        stored = {Path(d.source).name for d in kb.documents()}
        assert stored == {Path(p).name for p in inputs} - {"doc05.txt"}
        assert len(kb.pending_link_documents()) == 7
        rerun = ingest_paths(kb, inputs, extractor=fake_extract)
        assert (rerun.new, rerun.unchanged, rerun.failed) == (1, 7, [])


def test_reextraction_and_repeats_in_a_batch_equal_one_document_per_transaction(
        db_url: str, tmp_path: Path) -> None:
    first = _corpus(tmp_path / "in", 3)
    inputs = _corpus(tmp_path / "in", 3, start=3)  # 3 stored unextracted, 3 new
    twin = tmp_path / "in" / "twin.txt"
    twin.write_text(Path(inputs[-1]).read_text(encoding="utf-8"), encoding="utf-8")
    inputs.append(str(twin))
    results: list[Any] = []
    schemas: list[str] = []
    for n, size in enumerate((1, 32)):
        url = db_url if n else fresh(db_url, tmp_path, 0, schemas)  # the same backend
        with Store.open(url) as kb:
            assert ingest_paths(kb, first, extract=False).new == 3
            commits = _commits(kb)
            summary = ingest_paths(kb, inputs, extractor=fake_extract, batch_documents=size,
                                   batch_seconds=3600)
            assert (summary.reextracted, summary.new, summary.unchanged) == (3, 3, 1)
            assert len(commits) == (6 if size == 1 else 1)
            results.append(_digest(kb))
    drop(db_url, schemas)
    assert results[0] == results[1]


def test_copy_stores_the_rows_an_insert_stores(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("COPY is PostgreSQL's")
    inputs = _corpus(tmp_path / "in", 6)
    schemas: list[str] = []
    digests = []
    try:
        for n, copy_rows in enumerate((1, 10**9)):
            monkeypatch.setattr(store_module, "COPY_ROWS", copy_rows)
            with Store.open(fresh(db_url, tmp_path, n + 1, schemas)) as kb:
                assert kb.bulk_add([make_extraction(n=k) for k in range(5)]) == 5
                assert ingest_paths(kb, inputs, extractor=fake_extract).new == 6
                digests.append(_digest(kb))
    finally:
        drop(db_url, schemas)
    assert digests[0] == digests[1]
