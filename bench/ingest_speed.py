"""Documents per second for ``cybertrack ingest`` of 1,000 HTML pages into SQLite, one core.

    .venv/bin/python bench/ingest_speed.py [--n 1000] [--no-extract]

Writes a corpus with ``bench/make_corpus.py`` (HTML pages only are timed; the mixed corpus with
the bad inputs is ingested once more to show every failure reported and a second run all
unchanged). Speed is printed with a same-process reference: the time to only *read* the same
pages (trafilatura), so the ratio says what extraction and storage add, on any machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import make_corpus  # noqa: E402

from cybertrack.batch import ingest_paths  # noqa: E402
from cybertrack.ingest import read_all  # noqa: E402
from cybertrack.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--no-extract", action="store_true")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        manifest = make_corpus(corpus, args.n, 0, 50_000_000)
        pages = sorted(str(p) for p in corpus.rglob("*.html"))
        # warm-up: load the pipeline and reference data outside the timed runs
        with Store.open(str(Path(tmp) / "warm.db")) as warm:
            ingest_paths(warm, pages[:3])

        start = time.perf_counter()
        read = sum(1 for r in read_all(pages) if r.document is not None)
        t_read = time.perf_counter() - start

        with Store.open(str(Path(tmp) / "kb.db")) as store:
            start = time.perf_counter()
            summary = ingest_paths(store, pages, extract=not args.no_extract)
            t_ingest = time.perf_counter() - start
            start = time.perf_counter()
            again = ingest_paths(store, pages, extract=not args.no_extract)
            t_again = time.perf_counter() - start

        with Store.open(str(Path(tmp) / "mixed.db")) as mixed:
            first = ingest_paths(mixed, [str(corpus)])
            second = ingest_paths(mixed, [str(corpus)])

    print(f"machine: {platform.machine()} {platform.processor() or ''}, python "
          f"{platform.python_version()}, pinned to one core")
    print(f"HTML pages: {len(pages)} (read {read})")
    print(f"read only (trafilatura): {len(pages) / t_read:8.1f} docs/s")
    print(f"ingest (read+extract+store): {len(pages) / t_ingest:8.1f} docs/s "
          f"(new {summary.new}, ratio to read-only {t_ingest / t_read:.2f}x)")
    print(f"re-ingest (all unchanged): {len(pages) / t_again:8.1f} docs/s "
          f"(unchanged {again.unchanged}, new {again.new})")
    print(f"mixed corpus of {args.n} files: first run new {first.new}, failed "
          f"{len(first.failed)}; second run unchanged {second.unchanged}, new {second.new}, "
          f"failed {len(second.failed)}; manifest expects {manifest['documents']} documents and "
          f"{manifest['failures']} failures")
    for source, reason in first.failed:
        print(f"  failed: {Path(source).name}: {reason}")


if __name__ == "__main__":
    main()
