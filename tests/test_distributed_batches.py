"""The distributed client stores exactly as a one-process ingest stores
(``batch.BatchWriter.flush``, ``Store.add_batch``): a bad document among good ones fails
alone, re-extracted, new and truncated documents share one transaction, documents a worker
could not look up are still re-extracted when stale; and ``link_at_end`` links once after the
last batch, a killed run leaving its documents pending for ``link build``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from cybertrack.batch import ingest_paths
from cybertrack.model import Document, Extraction
from cybertrack.resolve import link_pending
from cybertrack.store import Store
from dask_helpers import fake_extract, local_client


def _corpus(folder: Path, n: int, start: int = 0) -> list[str]:
    folder.mkdir(exist_ok=True)
    for i in range(start, start + n):
        country = "Kosovo" if i % 3 else "Albania"
        (folder / f"doc{i:02d}.txt").write_text(
            f"Title: Report {i}\nPublished: 2022-09-{1 + i % 20:02d}\n\n"
            f"Hackers hit {country}'s border system in report number {i}. Officials blamed "
            f"Iran for attack {i}.\n", encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


def _fingerprint(store: Store) -> tuple[dict[str, int], str, list[str]]:
    claims = sorted(f"{c.id}|{c.document_id}|{c.kind}|{c.attributed_state}|{c.incident_id}"
                    for c in store.claims())
    links = sorted(f"{lk.a}|{lk.b}|{lk.status}" for lk in store.links())
    digest = hashlib.sha256("\n".join(claims + links).encode()).hexdigest()
    return store.counts(), digest, store.pending_link_documents()


def _commits(store: Store) -> list[int]:
    """A list that grows by one at every transaction the store commits."""
    seen: list[int] = []
    event.listen(store._engine, "commit", lambda conn: seen.append(1))
    return seen


def broken(document: Document, max_chars: int) -> Extraction:
    """``fake_extract``, except that report 5's attribution names an incident that does not
    exist, so the store refuses that document (a foreign key)."""
    ex = fake_extract(document, max_chars)
    if "number 5." not in document.text:
        return ex
    orphan = dataclasses.replace(ex.claims[1], incident_id="incident--nowhere")
    return dataclasses.replace(ex, claims=(ex.claims[0], orphan))


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with local_client(n_workers=1, processes=False) as dask_client:
        yield dask_client


def test_a_bad_document_among_good_ones_fails_alone(
        client: Any, db_url: str, tmp_path: Path) -> None:
    from cybertrack.distributed import ingest_distributed

    inputs = _corpus(tmp_path / "in", 8)
    with Store.open(db_url) as kb:
        done = ingest_distributed(kb, inputs, client, db=db_url, extractor=broken,
                                  batch_documents=100, partition_inputs=3, link=False)
        assert done.new == 7
        [(source, reason)] = done.failed
        assert source.endswith("doc05.txt") and "nothing was written" in reason
        stored = {Path(d.source).name for d in kb.documents()}
        assert stored == {Path(p).name for p in inputs} - {"doc05.txt"}
        assert len(kb.pending_link_documents()) == 7  # in the transactions of their documents
        rerun = ingest_distributed(kb, inputs, client, db=db_url, extractor=fake_extract,
                                   batch_documents=100, partition_inputs=3, link=False)
        assert (rerun.new, rerun.unchanged, rerun.failed) == (1, 7, [])


@pytest.mark.parametrize("looked", [True, False], ids=["workers-look-up", "client-looks-up"])
def test_new_reextracted_and_truncated_documents_share_one_transaction(
        client: Any, tmp_path: Path, looked: bool) -> None:
    """As ``ingest_paths`` stores them (one transaction, the same records), also when the
    workers cannot see the knowledge base (``db=None``) and the client finds the stale ones."""
    from cybertrack.distributed import ingest_distributed

    old = _corpus(tmp_path / "in", 3)
    inputs = _corpus(tmp_path / "in", 3, start=3)
    long = tmp_path / "in" / "long.txt"
    long.write_text("Title: Long\nPublished: 2022-09-02\n\nHackers hit Albania's border "
                    "system in a long report. Officials blamed Iran. " + "More words. " * 40,
                    encoding="utf-8")
    inputs.append(str(long))
    fingerprints = []
    for name in ("serial", "distributed"):
        db = str(tmp_path / f"{name}-{looked}.db")
        with Store.open(db) as kb:
            assert ingest_paths(kb, old, extract=False).new == 3
            commits = _commits(kb)
            if name == "serial":
                done = ingest_paths(kb, inputs, extractor=fake_extract, max_chars=200,
                                    batch_seconds=3600)
            else:
                done = ingest_distributed(kb, inputs, client, db=db if looked else None,
                                          extractor=fake_extract, max_chars=200,
                                          batch_documents=100, link=False)
            assert (done.reextracted, done.new, done.failed) == (3, 4, [])
            assert [Path(s).name for s, _ in done.truncated] == ["long.txt"]
            assert len(commits) == 1
            fingerprints.append(_fingerprint(kb))
            again = (ingest_paths(kb, inputs, extractor=fake_extract, max_chars=200)
                     if name == "serial" else
                     ingest_distributed(kb, inputs, client, db=db if looked else None,
                                        extractor=fake_extract, max_chars=200, link=False))
            assert (again.new, again.reextracted, again.unchanged) == (0, 0, 7)
            assert len(commits) == 1  # a rerun writes nothing
    assert fingerprints[0] == fingerprints[1]


def test_link_at_end_links_once_and_a_killed_run_leaves_the_rest_pending(
        client: Any, tmp_path: Path) -> None:
    from cybertrack.distributed import ingest_distributed

    inputs = _corpus(tmp_path / "in", 12)
    with Store.open(str(tmp_path / "each.db")) as kb:
        ingest_distributed(kb, inputs, client, db=None, extractor=fake_extract,
                           batch_documents=4, partition_inputs=3)
        expected = _fingerprint(kb)
    assert expected[0]["links"] > 0 and expected[2] == []

    pending: list[int] = []
    linked: list[int] = []

    def watch(kb: Store, point: str) -> None:
        if point.startswith("batch:linked:"):
            pending.append(len(kb.pending_link_documents()))
            linked.append(kb.counts()["links"])

    with Store.open(str(tmp_path / "end.db")) as kb:
        done = ingest_distributed(kb, inputs, client, db=None, extractor=fake_extract,
                                  batch_documents=4, partition_inputs=3, link_at_end=True,
                                  checkpoint=lambda point: watch(kb, point))
        assert done.new == 12
        assert pending == [4, 8, 12] and linked == [0, 0, 0]  # nothing linked per batch
        assert _fingerprint(kb) == expected

    class Stop(Exception):
        pass

    def stop(point: str) -> None:
        if point == "batch:stored:2":
            raise Stop(point)

    with Store.open(str(tmp_path / "killed.db")) as kb:
        with pytest.raises(Stop):
            ingest_distributed(kb, inputs, client, db=None, extractor=fake_extract,
                               batch_documents=4, partition_inputs=3, link_at_end=True,
                               checkpoint=stop)
        assert len(kb.pending_link_documents()) == 8 and kb.counts()["links"] == 0
        link_pending(kb)  # what `cybertrack link build` (or the next ingest) does
        rerun = ingest_distributed(kb, inputs, client, db=None, extractor=fake_extract,
                                   batch_documents=4, partition_inputs=3, link_at_end=True)
        assert (rerun.new, rerun.unchanged) == (4, 8)
        assert _fingerprint(kb) == expected


def bare(document: Document, max_chars: int) -> Extraction:
    """No incident at all: the document waits to be placed (``pending_placements``)."""
    return Extraction(document)


def test_link_at_end_places_documents_without_incidents(client: Any, tmp_path: Path) -> None:
    from cybertrack.distributed import ingest_distributed
    from cybertrack.store.placements import pending_placement_documents

    inputs = _corpus(tmp_path / "in", 6)
    with Store.open(str(tmp_path / "kb.db")) as kb:
        ingest_distributed(kb, inputs[:4], client, db=None, extractor=fake_extract,
                           batch_documents=2, link_at_end=True)
        assert kb.pending_link_documents() == []
        done = ingest_distributed(kb, inputs[4:], client, db=None, extractor=bare,
                                  batch_documents=2, link_at_end=True)
        assert done.new == 2 and kb.pending_link_documents() == []
        assert pending_placement_documents(kb) == []  # placed by the pass at the end

