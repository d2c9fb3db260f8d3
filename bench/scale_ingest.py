"""Distributed ingest into PostgreSQL with 1 and 2 Dask workers, against a one-process ingest.

    .venv/bin/python bench/scale_ingest.py [--n 100000] [--pg URL] [--workers 1,2] [--no-link]

Generates ``--n`` news documents (``make_corpus``'s article templates, as header-block text
files), then ingests them three times into fresh PostgreSQL schemas: in this process
(``batch.ingest_paths`` + linking), and with ``cybertrack.distributed`` on a local cluster of
1 and of 2 worker processes (one thread each; this process is the client that stores and
links). Prints documents per second of each, the ratio of 2 workers to 1, each worker's peak
resident memory, and whether every run built the same knowledge base: table counts and a
SHA-256 over the claims (id, document, kind, states, actor, incident).

``--no-link`` leaves linking out of every run (the documents stay in ``pending_links``): the
generated corpus repeats 16 victims and 10 actors, so its links grow with the square of the
documents (5.6 a document at 200, 50 at 2,000) and at a few thousand documents linking, not
reading, extraction or storing, is what a run measures.

The CPU seconds each process spent in the timed part are printed too (this process, and each
worker's): on a machine other programs share, the wall-clock ratio of 2 workers to 1 says how
the cores were shared, while CPU time per document and CPU seconds per wall second (the
parallelism a run got) say whether the work itself divides between workers. So are, for each
run, the CPU seconds of the PostgreSQL server's processes when it runs on this machine (read
from ``/proc``; its share of the cores is not ours to give to the workers), how busy the whole
machine was per wall second (``/proc/stat``: every program, ours and others'; 2.0 on 2 cores
is all of it), and the share of the wall time each worker was running a task (Dask's task
stream): a worker near 1.0 never waited for work from the client, so a run whose machine was
busy throughout was bound by the cores, not by anything serial in the client.

Cluster start-up and the building of each worker's pipeline are outside the timed part;
reading, extraction, storing and linking are inside. The ratio can only approach 2 when two
cores are free for the workers: the client's storing and linking share them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import _article, _text  # noqa: E402

from cybertrack.batch import ingest_paths  # noqa: E402
from cybertrack.resolve import link_pending  # noqa: E402
from cybertrack.store import Store  # noqa: E402

PG = os.environ.get("CYBERTRACK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def write_documents(folder: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` header-block text files, 200 to a sub-folder."""
    import random

    rng = random.Random(seed)
    paths = []
    for i in range(n):
        sub = folder / f"{i // 200:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"doc{i:06d}.txt"
        path.write_text(_text(_article(rng)), encoding="utf-8")
        paths.append(str(path))
    return paths


class Schema:
    """A fresh PostgreSQL schema, dropped at exit."""

    def __init__(self, base: str, label: str) -> None:
        self.admin = create_engine(base)
        self.name = f"ct_scale_{label}_{uuid.uuid4().hex[:8]}"
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        self.url = make_url(base).update_query_dict(
            {"options": f"-csearch_path={self.name}"}).render_as_string(hide_password=False)

    def drop(self) -> None:
        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        self.admin.dispose()


def fingerprint(store: Store) -> tuple[dict[str, int], str]:
    """Table counts and a checksum of the claims' identities and contents."""
    rows = sorted(
        "|".join(str(x) for x in (c.id, c.document_id, c.kind, c.attributed_state,
                                  c.attributed_actor, c.actor_state, c.target_state,
                                  c.action, c.incident_id, c.polarity))
        for c in store.claims())
    return store.counts(), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


def cpu_seconds() -> float:
    """CPU time (user + system) this process has used."""
    times = os.times()
    return times.user + times.system


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def postgres_cpu() -> float | None:
    """CPU seconds used so far by the processes of a PostgreSQL server on this machine (those
    alive now), or None when none can be seen (no ``/proc``, or the server is elsewhere)."""
    if not os.path.isdir("/proc"):
        return None
    total, seen = 0, False
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
                line = stat.read()
        except OSError:
            continue
        if not line[line.index("(") + 1:line.rindex(")")].startswith("postgres"):
            continue
        fields = line[line.rindex(")") + 2:].split()
        total, seen = total + int(fields[11]) + int(fields[12]), True
    return total / TICK if seen else None


def machine_busy() -> tuple[float, float] | None:
    """(busy, all) CPU seconds of the whole machine so far, every core (``/proc/stat``: busy
    is all but idle, I/O wait and time stolen by the hypervisor), or None without it."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(x) for x in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4] + ticks[7]
    return (sum(ticks) - idle) / TICK, sum(ticks) / TICK


class Machine:
    """What the whole machine did between ``start`` and ``stop``: PostgreSQL's CPU seconds
    and all programs' busy CPU seconds (None where they cannot be read)."""

    def start(self) -> None:
        self.pg, self.busy = postgres_cpu(), machine_busy()

    def stop(self) -> dict[str, float]:
        pg, busy = postgres_cpu(), machine_busy()
        out = {}
        if pg is not None and self.pg is not None:
            out["postgres"] = pg - self.pg
        if busy is not None and self.busy is not None:
            out["machine busy"] = busy[0] - self.busy[0]
        return out


def task_busy(stream: list[dict[str, Any]], took: float) -> dict[str, float]:
    """Share of ``took`` seconds each worker spent running tasks (``get_task_stream``)."""
    busy: dict[str, float] = {}
    for task in stream:
        for part in task.get("startstops", ()):
            if part.get("action") == "compute":
                busy[task["worker"]] = busy.get(task["worker"], 0.0) + part["stop"] - part["start"]
    return {w: busy[w] / took for w in sorted(busy)}


#: CPU seconds of the timed part of each run: "client" (this process) and each worker.
CPU: dict[str, dict[str, float]] = {}
#: The rest of what each run's timed part did: PostgreSQL's and the machine's CPU seconds.
OTHER: dict[str, dict[str, float]] = {}
#: Share of each run's wall time each worker was running a task.
BUSY: dict[str, dict[str, float]] = {}


def run_serial(url: str, paths: list[str], link: bool = True) -> tuple[float, Any]:
    with Store.open(url) as store:
        ingest_paths(store, paths[:2])  # warm-up: the pipeline and the reference data
        machine = Machine()
        machine.start()
        start, cpu = time.perf_counter(), cpu_seconds()
        summary = ingest_paths(store, paths)
        if link:
            link_pending(store)
        took = time.perf_counter() - start
        CPU["one process"] = {"client": cpu_seconds() - cpu}
        OTHER["one process"] = machine.stop()
        report("one process", took, len(paths))
        return took, (summary, fingerprint(store))


def run_cluster(url: str, paths: list[str], workers: int, args: argparse.Namespace
                ) -> tuple[float, Any, dict[str, int]]:
    from distributed import Client, LocalCluster, get_task_stream

    from cybertrack.distributed import WarmPipeline, ingest_distributed, worker_peaks

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, memory_limit=0)
    client = Client(cluster)
    try:
        client.register_plugin(WarmPipeline(False), name=WarmPipeline.name)
        with Store.open(url) as store:
            ingest_paths(store, paths[:2])  # the client's own warm-up (linking, store)
            before = client.run(cpu_seconds)
            machine = Machine()
            machine.start()
            start, cpu = time.perf_counter(), cpu_seconds()
            with get_task_stream(client) as stream:
                summary = ingest_distributed(store, paths, client, db=url, warm=False,
                                             batch_documents=args.batch,
                                             partition_inputs=args.partition,
                                             link=not args.no_link)
            took = time.perf_counter() - start
            client_cpu = cpu_seconds() - cpu
            other = machine.stop()
            after = client.run(cpu_seconds)
            label = f"{workers} worker{'s' if workers > 1 else ''}"
            CPU[label] = {"client": client_cpu, **{
                f"worker {n + 1}": after[w] - before[w] for n, w in enumerate(sorted(after))}}
            OTHER[label] = other
            BUSY[label] = task_busy(stream.data, took)
            report(label, took, len(paths))
            peaks = worker_peaks(client)
            return took, (summary, fingerprint(store)), peaks
    finally:
        client.close()
        cluster.close()


def report(label: str, took: float, n: int) -> None:
    """One run's figures, printed as soon as it ends (a long bench shows them as it goes)."""
    cpu, other = CPU.get(label, {}), OTHER.get(label, {})
    total = sum(cpu.values())
    parts = ", ".join(f"{k} {v:.1f}" for k, v in cpu.items())
    line = (f"{label:<14}{took:.1f} s, {n / took:.1f} docs/s; CPU s: {parts}; "
            f"{1000 * total / n:.1f} ms/doc; ours per wall s {total / took:.2f}")
    if "postgres" in other:
        pg = other["postgres"]
        line += (f"; postgres {pg:.1f} CPU s ({1000 * pg / n:.1f} ms/doc, {pg / took:.2f} per "
                 f"wall s)")
    if "machine busy" in other:
        line += f"; machine busy {other['machine busy'] / took:.2f} per wall s (all programs)"
    if label in BUSY:
        line += "; workers running a task " + ", ".join(
            f"{v:.0%}" for v in BUSY[label].values()) + " of the time"
    load = os.getloadavg()
    print(f"{line}; load {load[0]:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="documents (default 100000)")
    parser.add_argument("--pg", default=PG, help="PostgreSQL URL (default $CYBERTRACK_TEST_PG)")
    parser.add_argument("--workers", default="1,2", help="worker counts to run (default 1,2)")
    parser.add_argument("--batch", type=int, default=200, help="documents per transaction")
    parser.add_argument("--partition", type=int, default=24, help="inputs per task")
    parser.add_argument("--no-serial", action="store_true", help="skip the one-process run")
    parser.add_argument("--no-link", action="store_true",
                        help="leave linking out of every run (see the module docstring)")
    args = parser.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
          f"{platform.python_version()}; load average before: {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f} (other processes share the cores); "
          f"{'without' if args.no_link else 'with'} linking")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = write_documents(Path(tmp) / "docs", args.n)
        print(f"documents: {len(paths)} generated in {time.perf_counter() - t0:.1f} s")
        results: dict[str, tuple[float, Any]] = {}
        peaks: dict[int, dict[str, int]] = {}
        schemas: list[Schema] = []
        try:
            if not args.no_serial:
                s = Schema(args.pg, "serial")
                schemas.append(s)
                results["one process"] = run_serial(s.url, paths, link=not args.no_link)
            for k in counts:
                s = Schema(args.pg, f"w{k}")
                schemas.append(s)
                took, got, peak = run_cluster(s.url, paths, k, args)
                results[f"{k} worker{'s' if k > 1 else ''}"] = (took, got)
                peaks[k] = peak
        finally:
            for s in schemas:
                s.drop()
    print()
    print(f"{'run':<14}{'seconds':>9}{'docs/s':>9}{'new':>8}  counts / claims checksum")
    reference = None
    for label, (took, (summary, fp)) in results.items():
        reference = reference or fp
        same = "same" if fp == reference else "DIFFERENT"
        print(f"{label:<14}{took:>9.1f}{args.n / took:>9.1f}{summary.new:>8}  {fp[0]} "
              f"{fp[1]} ({same})")
    print()
    print("CPU seconds in the timed part (ms/doc: ours, all processes; per wall s: CPU seconds "
          "per wall second), PostgreSQL's and the whole machine's (every program's)")
    for label, (took, _got) in results.items():
        report(label, took, args.n)
    for k, peak in peaks.items():
        mb = ", ".join(f"{v / 2**20:.0f} MB" for v in peak.values())
        print(f"peak resident memory, {k} worker(s): {mb}")
    if 1 in peaks and 2 in peaks:
        ratio = results["1 worker"][0] / results["2 workers"][0]
        print(f"2 workers / 1 worker: {ratio:.2f}x (goal 1.8x)")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
