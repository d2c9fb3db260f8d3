"""Distributed ingest on a local Dask cluster (cybertrack.distributed): a worker SIGKILLed
mid-run and a client stopped after its second batch; reruns leave the store complete, without
duplicates, and equal to a one-process ingest of the same documents."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cybertrack.batch import ingest_paths
from cybertrack.resolve import link_pending
from cybertrack.store import Store
from dask_helpers import KillOnce, fake_extract, local_client

N = 30


def _corpus(folder: Path) -> list[str]:
    folder.mkdir()
    for i in range(N):
        country = "Kosovo" if i % 3 else "Albania"
        (folder / f"doc{i:02d}.txt").write_text(
            f"Title: Report {i}\nPublished: 2022-09-{1 + i % 20:02d}\n\n"
            f"Hackers hit {country}'s border system in report number {i}. Officials blamed "
            f"Iran for attack {i}.\n")
    return sorted(str(p) for p in folder.iterdir())


def _fingerprint(store: Store) -> tuple[dict[str, int], str, int, list[str]]:
    claims = sorted(f"{c.id}|{c.document_id}|{c.kind}|{c.attributed_state}|{c.incident_id}"
                    for c in store.claims())
    digest = hashlib.sha256("\n".join(claims).encode()).hexdigest()
    return store.counts(), digest, len(claims), store.pending_link_documents()


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with local_client(n_workers=2, processes=True) as dask_client:
        yield dask_client


@pytest.mark.slow
def test_a_killed_worker_and_a_stopped_client_lose_and_duplicate_nothing(
        client: Any, tmp_path: Path) -> None:
    from cybertrack.distributed import ingest_distributed, worker_peaks

    inputs = _corpus(tmp_path / "corpus")
    with Store.open(str(tmp_path / "serial.db")) as serial:
        ingest_paths(serial, inputs, extractor=fake_extract)
        link_pending(serial)
        expected = _fingerprint(serial)
    assert expected[0]["documents"] == N and expected[0]["links"] > 0

    # 1. a worker is SIGKILLed inside a task: the scheduler gives the partition to another
    #    worker (the nanny restarts the dead one) and the run finishes complete
    db = str(tmp_path / "kb.db")
    marker = tmp_path / "killed"
    with Store.open(db) as store:
        killer = KillOnce(str(marker), "report number 13.")
        done = ingest_distributed(store, inputs, client, db=db, extractor=killer,
                                  batch_documents=5, partition_inputs=4)
        assert marker.exists(), "the worker was not killed"
        assert (done.new, done.failed) == (N, [])
        assert _fingerprint(store) == expected
        again = ingest_distributed(store, inputs, client, db=db, extractor=fake_extract,
                                   batch_documents=5, partition_inputs=4)
        assert (again.new, again.unchanged, again.failed) == (0, N, [])
        assert _fingerprint(store) == expected
    assert all(peak > 0 for peak in worker_peaks(client).values())

    # 2. the client stops right after its second batch committed (as a kill would): two
    #    batches stored whole, the rest missing; the rerun stores the rest once and links all
    class Stop(Exception):
        pass

    def stop(point: str) -> None:
        if point == "batch:stored:2":
            raise Stop(point)

    db2 = str(tmp_path / "kb2.db")
    with Store.open(db2) as store:
        with pytest.raises(Stop):
            ingest_distributed(store, inputs, client, db=db2, extractor=fake_extract,
                               batch_documents=5, partition_inputs=4, checkpoint=stop)
        partial = store.counts()
        assert partial["documents"] == 10 and partial["claims"] == 20
        assert len(store.pending_link_documents()) == 5  # batch 2: stored, never linked
        rerun = ingest_distributed(store, inputs, client, db=db2, extractor=fake_extract,
                                   batch_documents=5, partition_inputs=4)
        assert (rerun.new, rerun.unchanged) == (N - 10, 10)
        assert _fingerprint(store) == expected


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_new_process_reports_its_own_peak_memory_not_its_parents() -> None:
    """Workers are forked from the process that starts the cluster, then run a new program:
    ``ru_maxrss`` would report the parent's size at that moment (2.6 GB per worker after a
    100,000-document ingest in the same process) instead of the worker's own peak."""
    import multiprocessing

    from cybertrack.distributed import peak_rss

    ballast = bytearray(300 * 2**20)
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # touch every page: resident
    assert peak_rss() > 300 * 2**20
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        child = pool.apply(peak_rss)
    assert 0 < child < 200 * 2**20
    del ballast
