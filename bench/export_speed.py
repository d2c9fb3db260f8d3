"""Time the STIX export of a synthetic knowledge base of 10,000 incidents, on one core.

    python bench/export_speed.py                 # 10,000 incidents, SQLite in a temp folder
    python bench/export_speed.py --incidents 2000 --db bench-export.db

The knowledge base is generated in-process with ``bench/kb_load.py`` (documents with one or
two incidents each, attributions, denials and responses). The export is timed in three parts
(reading the selection from the store, building the bundle, writing its JSON) and compared with
a reference run in the same process, ``json.dumps`` of as many plain dicts as the bundle has
objects, so the figure can be compared across machines. The process is pinned to one CPU.
The issue's target: under 30 s for 10,000 incidents.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb_load import generate, reference_entities  # noqa: E402

from cybertrack.export import select, stix_bundle  # noqa: E402
from cybertrack.export.stix import bundle_json  # noqa: E402
from cybertrack.model import Extraction  # noqa: E402
from cybertrack.store import Store  # noqa: E402

TARGET_S = 30.0


def machine() -> str:
    """CPU model, cores and Python, to name the machine the figures come from."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.node()}: {model}, {os.cpu_count()} logical CPUs, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def build(store: Store, incidents: int, seed: int) -> tuple[int, float]:
    """Load documents until ``incidents`` incidents are stored; (documents, seconds)."""
    countries, actors = reference_entities()
    store.upsert_entities([*countries, *actors])
    wanted: list[Extraction] = []
    total = 0
    for ex in generate(sys.maxsize, seed):
        if total >= incidents:
            break
        wanted.append(ex)
        total += len(ex.incidents)
    t0 = time.perf_counter()
    store.bulk_add(wanted, chunk_size=2000, extractor_version="bench")
    return len(wanted), time.perf_counter() - t0


def reference(n: int) -> float:
    """Seconds to ``json.dumps`` ``n`` plain dicts of about a STIX object's size."""
    ids = count()
    dicts = [{"type": "note", "spec_version": "2.1", "id": f"note--{next(ids):036d}",
              "created": "2022-09-07T00:00:00.000Z", "modified": "2022-09-07T00:00:00.000Z",
              "abstract": "Somebody attributes the incident to some actor", "content": "x" * 120,
              "object_refs": [f"incident--{i:036d}"], "confidence": 50} for i in range(n)]
    t0 = time.perf_counter()
    json.dumps(dicts, ensure_ascii=False)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--incidents", type=int, default=10_000)
    ap.add_argument("--db", help="SQLite path or URL (default: a fresh temporary file)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        with Store.open(args.db or str(Path(tmp) / "kb.db")) as store:
            docs, load_s = build(store, args.incidents, args.seed)
            print(f"knowledge base: {store.counts()} ({docs} documents loaded in {load_s:.1f} s)")
            t0 = time.perf_counter()
            selection = select(store)
            t1 = time.perf_counter()
            bundle = stix_bundle(selection)
            t2 = time.perf_counter()
            out = Path(tmp) / "bundle.json"
            out.write_text(bundle_json(bundle), encoding="utf-8")
            t3 = time.perf_counter()
        n = len(bundle["objects"])
        ref = reference(n)
        total = t3 - t0
        print(f"exported {len(selection.incidents)} incidents, {len(selection.claims)} claims "
              f"-> {n} STIX objects, {out.stat().st_size / 1e6:.1f} MB")
        print(f"  read selection {t1 - t0:6.2f} s")
        print(f"  build bundle   {t2 - t1:6.2f} s")
        print(f"  write JSON     {t3 - t2:6.2f} s")
        print(f"  total          {total:6.2f} s  (target < {TARGET_S:.0f} s: "
              f"{'ok' if total < TARGET_S else 'MISSED'})")
        print(f"reference: json.dumps of {n} plain dicts {ref:.2f} s; "
              f"export / reference = {total / ref:.1f}x")
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
