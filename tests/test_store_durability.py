"""Durability: a writer killed with SIGKILL mid-batch leaves every committed document complete,
and running the batch again adds exactly the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from conftest import make_extraction
from cybertrack.store import Store
from cybertrack.store.engine import create_store_engine, resolve_url

TESTS = Path(__file__).resolve().parent
N_DOCS = 150
KILL_AFTER = 15

WRITER = """
import sys
sys.path.insert(0, sys.argv[1])
from conftest import make_extraction
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
from conftest import make_extraction
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
