"""Where one core's time goes when ingesting HTML pages: read, read+extract, read+extract+store.

    .venv/bin/python bench/html_ingest_stages.py [--n 300] [--rounds 3] [--profile OUT.prof]

Generates ``--n`` HTML news pages (``bench/make_corpus.py``), then times in the same process,
the stages interleaved and each stage's best round kept (the machine is shared: ratios to the
read-only stage say more than docs/s):

- read: ``read_all`` (trafilatura and metadata) only;
- read+extract: reading, then ``prepare`` and ``extract_document`` on each page;
- ingest: ``ingest_paths`` into a fresh SQLite knowledge base (read, extract, store), as it
  stores by default: up to 32 documents a transaction (``batch.BATCH_DOCUMENTS``);
- ingest 1/txn: the same with ``batch_documents=1``, one transaction per document (how ingest
  stored before 84909c6);
- store only: ``Store.add_extraction`` of the same pages extracted beforehand, into a fresh
  knowledge base, one transaction per document as ingest stores them;
- store batched: the same with ``Store.bulk_add``, 100 documents a transaction (what a
  batched ingest would pay for storing).

Prints a checksum of the stored records of both ingest stages (one line when they are
identical), so a speed change can be shown to keep the records identical. ``--profile``
writes a cProfile of one extra ingest round.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import make_corpus  # noqa: E402

from cybertrack.batch import BATCH_DOCUMENTS, ingest_paths, prepare  # noqa: E402
from cybertrack.extract import extract_document  # noqa: E402
from cybertrack.ingest import read_all  # noqa: E402
from cybertrack.store import Store  # noqa: E402


def checksum(db: Path) -> str:
    """Stored mentions and claims in a stable order, hashed (ids, spans, fields: everything)."""
    h = hashlib.sha256()
    con = sqlite3.connect(db)
    try:
        for table in ("documents", "mentions", "incidents", "incident_targets", "claims",
                      "response_dates", "search_text", "pending_links"):
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")
                    if r[1] not in ("ingested_at", "retrieved", "source")]
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
            h.update(table.encode())
            for row in sorted(repr(r) for r in rows):
                h.update(row.encode())
    finally:
        con.close()
    return h.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", default=None)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        make_corpus(corpus, args.n, 0, 50_000_000)
        pages = sorted(str(p) for p in corpus.rglob("*.html"))
        with Store.open(str(Path(tmp) / "warm.db")) as warm:
            ingest_paths(warm, pages[:3])

        def read() -> None:
            for r in read_all(pages):
                assert r.document is not None

        def read_extract() -> None:
            for r in read_all(pages):
                assert r.document is not None
                extract_document(prepare(r.document))

        sums: set[str] = set()

        def ingest(k: list[int] = [0], batch: int = BATCH_DOCUMENTS) -> None:  # noqa: B006
            k[0] += 1  # a counter across rounds
            db = Path(tmp) / f"kb{batch}-{k[0]}.db"
            with Store.open(str(db)) as store:
                summary = ingest_paths(store, pages, batch_documents=batch)
            assert summary.new == len(pages), summary
            sums.add(checksum(db))

        def ingest_single(k: list[int] = [0]) -> None:  # noqa: B006 - a counter across rounds
            ingest(k, batch=1)

        extracted = [extract_document(prepare(r.document)) for r in read_all(pages)
                     if r.document is not None]

        def store_only(k: list[int] = [0]) -> None:  # noqa: B006 - a counter across rounds
            k[0] += 1
            with Store.open(str(Path(tmp) / f"store{k[0]}.db")) as store:
                for ex in extracted:
                    store.add_extraction(ex, extractor_version="2")

        def store_batched(k: list[int] = [0]) -> None:  # noqa: B006 - a counter across rounds
            k[0] += 1
            with Store.open(str(Path(tmp) / f"bulk{k[0]}.db")) as store:
                store.bulk_add(extracted, chunk_size=100, extractor_version="2")

        stages = {"read": read, "read+extract": read_extract, "ingest": ingest,
                  "ingest 1/txn": ingest_single, "store only": store_only,
                  "store batched": store_batched}
        best = {name: float("inf") for name in stages}
        for _ in range(args.rounds):
            for name, fn in stages.items():
                start = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - start)
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(ingest)
            prof.dump_stats(args.profile)
    print(f"load average {os.getloadavg()[0]:.1f}; {len(pages)} HTML pages, one core, "
          f"best of {args.rounds} interleaved rounds")
    for name, seconds in best.items():
        print(f"{name:>13}: {len(pages) / seconds:7.1f} docs/s  {1000 * seconds / len(pages):6.2f} "
              f"ms/doc  {seconds / best['read']:5.2f}x read")
    print(f"records checksum: {', '.join(sorted(sums))}")


if __name__ == "__main__":
    main()
