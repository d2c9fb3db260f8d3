"""Durability: a writer killed with SIGKILL mid-batch leaves every committed document complete,
and running the batch again adds exactly the rest."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from conftest import PG_URL, make_extraction, pg_unavailable
from cybertrack.batch import Extractor, ingest_paths
from cybertrack.extract import extract_document
from cybertrack.model import Document, Extraction
from cybertrack.resolve import link_pending
from cybertrack.store import Store
from cybertrack.store.engine import create_store_engine, resolve_url
from test_kill_resume import CORPUS, SAMPLES, digest, drop, fresh, run

TESTS = Path(__file__).resolve().parent
N_DOCS = 150
KILL_AFTER = 15

WRITER = """
import sys
sys.path.insert(0, sys.argv[1])
import multiprocessing

import pytest
from sqlalchemy.engine import make_url

from conftest import PG_URL, make_extraction, pg_unavailable
from cybertrack.batch import Extractor, ingest_paths
from cybertrack.extract import extract_document
from cybertrack.model import Document, Extraction
from cybertrack.resolve import link_pending
from test_kill_resume import CORPUS, SAMPLES, digest, drop, fresh, run
from cybertrack.store import Store
with Store.open(sys.argv[2]) as kb:
    for n in range(int(sys.argv[3])):
        kb.add_extraction(make_extraction(n=n))
        print(n, flush=True)
"""


def _kill_writer_midway(url: str) -> set[int]:
    """Run the writer, SIGKILL it once it has reported KILL_AFTER commits; return those."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(TESTS), url, str(N_DOCS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    committed: set[int] = set()
    try:
        for line in proc.stdout:
            committed.add(int(line))
            if len(committed) >= KILL_AFTER:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    return committed


def test_kill_9_mid_batch_then_resume(db_url: str) -> None:
    committed = _kill_writer_midway(db_url)

    if not db_url.startswith("postgresql"):
        engine = create_store_engine(resolve_url(db_url))
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        engine.dispose()

    expected = {n: make_extraction(n=n) for n in range(N_DOCS)}
    with Store.open(db_url) as kb:
        stored = {d.id for d in kb.documents()}
        assert {expected[n].document.id for n in committed} <= stored
        assert len(stored) < N_DOCS  # the kill really interrupted the batch
        for ex in expected.values():
            if ex.document.id in stored:  # complete, not half-written
                doc_id = ex.document.id
                assert kb.document(doc_id) == ex.document
                assert len(kb.claims(document_id=doc_id)) == len(ex.claims)
                assert kb.incidents(document_id=doc_id) == list(ex.incidents)
                assert len(kb.mentions(doc_id)) == len(ex.mentions)
        before = kb.counts()

        added = [kb.add_extraction(ex) for ex in expected.values()]
        assert [ex.document.id for ex, new in zip(expected.values(), added, strict=True)
                if not new] == [d for d in (ex.document.id for ex in expected.values())
                                if d in stored]
        after = kb.counts()
        assert after["documents"] == N_DOCS
        assert after["claims"] == N_DOCS * len(expected[0].claims)
        assert after["claims"] - before["claims"] == (N_DOCS - len(stored)) * 5


RACER = """
import sys
sys.path.insert(0, sys.argv[1])
import multiprocessing

import pytest
from sqlalchemy.engine import make_url

from conftest import PG_URL, make_extraction, pg_unavailable
from cybertrack.batch import Extractor, ingest_paths
from cybertrack.extract import extract_document
from cybertrack.model import Document, Extraction
from cybertrack.resolve import link_pending
from test_kill_resume import CORPUS, SAMPLES, digest, drop, fresh, run
from cybertrack.store import Store
with Store.open(sys.argv[2]) as kb:
    for n in range(int(sys.argv[3])):
        print(n, int(kb.add_extraction(make_extraction(n=n))), flush=True)
"""


def test_concurrent_writers_store_each_document_once(db_url: str) -> None:
    """Two processes adding the same documents at once: no lock errors, and each document is
    reported new by exactly one of them."""
    Store.open(db_url).close()  # create the schema once, so the racers only race on data
    n_docs = 40
    procs = [
        subprocess.Popen([sys.executable, "-c", RACER, str(TESTS), db_url, str(n_docs)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    new_by = [{int(a) for a, b in (line.split() for line in out.splitlines()) if b == "1"}
              for out, _ in outputs]
    assert new_by[0] | new_by[1] == set(range(n_docs))
    assert not new_by[0] & new_by[1]
    with Store.open(db_url) as kb:
        assert kb.counts()["documents"] == n_docs
        assert kb.counts()["claims"] == n_docs * 5


def _writer(url: str, folder: str, order: int, extractor: Extractor) -> None:
    """One concurrent writer: the corpus's files in a rotated order, then linking."""
    files = sorted(Path(folder).iterdir())
    files = files[order:] + files[:order]
    with Store.open(url) as kb:
        for path in files:
            summary = ingest_paths(kb, [str(path)], extractor=extractor)
            if summary.failed:
                os._exit(5)
        link_pending(kb)
    os._exit(0)


@pytest.mark.slow
def test_four_concurrent_writers_on_postgresql_agree_with_a_serial_run(tmp_path: Path) -> None:
    """Four processes ingesting and linking the same reports at once, ten times: no error
    (it was a duplicate key on incident_groups_pkey in 2 runs of 6) and the same knowledge
    base as one writer. Extraction is done once up front (an ``extractor`` parameter hands
    the results out): what races is storing and linking."""
    reason = pg_unavailable()
    if reason:
        pytest.skip(reason)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in CORPUS[:4]:  # the Albania reports, all linked to each other
        shutil.copy(SAMPLES / name, corpus / name)
    done: dict[str, Extraction] = {}

    def extractor(document: Document, max_chars: int) -> Extraction:
        if document.id not in done:
            done[document.id] = extract_document(document, max_chars=max_chars)
        return done[document.id]

    schemas: list[str] = []
    base = make_url(PG_URL).update_query_dict(  # unique: runs in parallel never collide
        {"options": f"-csearch_path=ct_x{uuid.uuid4().hex[:8]}"})
    try:
        serial = fresh(base.render_as_string(hide_password=False), tmp_path, 0, schemas)
        run(serial, corpus, extractor=extractor)  # also fills the cache before forking
        expected = digest(serial)
        fork = multiprocessing.get_context("fork")
        for attempt in range(1, 11):
            url = fresh(base.render_as_string(hide_password=False), tmp_path, attempt, schemas)
            Store.open(url).close()  # the schema once, so the writers race on data only
            writers = [fork.Process(target=_writer, args=(url, str(corpus), n, extractor))
                       for n in range(4)]
            for w in writers:
                w.start()
            for w in writers:
                w.join(60)
            assert [w.exitcode for w in writers] == [0, 0, 0, 0], attempt
            assert digest(url) == expected, attempt
    finally:
        drop(PG_URL, schemas)
