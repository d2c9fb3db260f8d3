"""A kill at any point of an ingest, linking included, then a rerun, gives the knowledge base an
uninterrupted run gives; and the order documents arrive in does not change the links.

The kills are real: a forked child (the parent has loaded the pipeline, so forking is cheap)
runs the ingest and linking with a checkpoint hook, passed as a parameter, that sends itself
SIGKILL at the named point. The rerun is what the CLI does: ingest the same inputs (reported
unchanged), then link every document still waiting for it.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from cybertrack.batch import Extractor, ingest_paths
from cybertrack.extract.pipeline import get_pipeline
from cybertrack.resolve import link_all, link_pending
from cybertrack.store import Store
from cybertrack.store import schema as t

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "cybertrack" / "samples"
#: Four Albania reports (linked to each other) and another.
CORPUS = ("01_albania-july-attack.txt", "02_albania-mandiant-roadsweep.txt",
          "03_albania-severs-ties.txt", "05_albania-allied-response.txt",
          "15_iran-fuel-stations.txt")
#: Where the child dies (it stores documents two a transaction): inside the transaction of the
#: 3rd and 4th documents, after the 1st and 2nd committed, after every document but before
#: linking, after the links but before the groups, after the groups but before the documents
#: are marked linked.
KILL_POINTS = ("document:written:3", "document:stored:2", "ingest:done",
               "linking:links-stored", "linking:groups-stored")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name in CORPUS:
        shutil.copy(SAMPLES / name, folder / name)
    get_pipeline(False)  # loaded once here, inherited by every forked child
    return folder


def run(url: str, folder: Path, checkpoint: Callable[[str], None] | None = None,
         extractor: Extractor | None = None, batch_documents: int = 32) -> None:
    """What `cybertrack ingest FOLDER` does: ingest, then link what waits for it."""
    with Store.open(url) as kb:
        summary = ingest_paths(kb, [str(folder)], checkpoint=checkpoint, extractor=extractor,
                               batch_documents=batch_documents, batch_seconds=3600)
        assert summary.ok, summary.failed
        if checkpoint is not None:
            checkpoint("ingest:done")
        link_pending(kb, checkpoint=checkpoint)


def _killed_at(point: str) -> Callable[[str], None]:
    def checkpoint(name: str) -> None:
        if name == point:
            os.kill(os.getpid(), signal.SIGKILL)
    return checkpoint


def _child(url: str, folder: str, point: str) -> None:
    run(url, Path(folder), _killed_at(point), batch_documents=2)
    os._exit(3)  # the point was never reached


def digest(url: str) -> dict[str, tuple[int, str]]:
    """Counts and checksums of everything stored and derived: documents, claims, incidents,
    links with their scores and statuses, groups, attribution facts, response dates, and what
    still waits for linking."""
    tables = {
        "documents": (t.documents.c.id, t.documents.c.extractor_version),
        "claims": tuple(t.claims.c),
        "incidents": tuple(t.incidents.c),
        "links": (t.links.c.id, t.links.c.a, t.links.c.b, t.links.c.score, t.links.c.status),
        "groups": tuple(t.incident_groups.c),
        "facts": tuple(t.attribution_facts.c),
        "response_dates": tuple(t.response_dates.c),
        "pending": tuple(t.pending_links.c),
    }
    out: dict[str, tuple[int, str]] = {}
    with Store.open(url) as kb, kb._read() as conn:
        for name, columns in tables.items():
            rows = sorted(json.dumps([str(v) for v in r]) for r in conn.execute(select(*columns)))
            out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
    return out


def test_a_kill_anywhere_then_a_rerun_gives_the_uninterrupted_knowledge_base(
        corpus: Path, db_url: str, tmp_path: Path) -> None:
    run(db_url, corpus)
    expected = digest(db_url)
    assert expected["links"][0] > 0 and expected["pending"][0] == 0
    with Store.open(db_url) as kb:  # `link build` on the complete KB adds nothing
        assert link_all(kb).links_new == 0
    assert digest(db_url) == expected
    fork = multiprocessing.get_context("fork")
    schemas: list[str] = []
    try:
        for n, point in enumerate(KILL_POINTS):
            url = fresh(db_url, tmp_path, n, schemas)
            child = fork.Process(target=_child, args=(url, str(corpus), point))
            child.start()
            child.join(120)
            assert child.exitcode == -signal.SIGKILL, (point, child.exitcode)
            if point.startswith("document:"):  # the first transaction, and only it, committed
                with Store.open(url) as kb:
                    assert kb.counts()["documents"] == 2, point
            run(url, corpus)
            assert digest(url) == expected, point
    finally:
        drop(db_url, schemas)


def test_documents_arriving_one_by_one_link_as_one_batch(corpus: Path, tmp_path: Path) -> None:
    batch, one_by_one = str(tmp_path / "batch.db"), str(tmp_path / "single.db")
    run(batch, corpus)
    for name in reversed(CORPUS):
        run(one_by_one, corpus / name)
    assert digest(one_by_one)["links"] == digest(batch)["links"]
    assert digest(one_by_one)["groups"] == digest(batch)["groups"]


def fresh(db_url: str, tmp_path: Path, n: int, schemas: list[str]) -> str:
    """Another empty knowledge base on the same backend as ``db_url`` (a PostgreSQL schema
    next to the fixture's, recorded in ``schemas`` for ``drop``)."""
    if not db_url.startswith("postgresql"):
        return str(tmp_path / f"kill{n}.db")
    url = make_url(db_url)
    schema = f"{str(url.query['options']).split('=', 1)[1]}_k{n}"
    admin = create_engine(url.set(query={}))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    schemas.append(schema)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


def drop(db_url: str, schemas: list[str]) -> None:
    if not schemas:
        return
    admin = create_engine(make_url(db_url).set(query={}))
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
