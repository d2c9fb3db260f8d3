"""Web page and API times on the benchmark knowledge base, and a bounded load run.

    python bench/web_speed.py --docs 50000                       # SQLite, bench/out/web-kb.db
    python bench/web_speed.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench --docs 50000

The knowledge base is the synthetic one of ``bench/kb_load.py`` (loaded and linked by
``bench/analysis_speed.py``'s ``ensure_loaded`` when short). ``--no-link`` loads it without
``link_all`` (each report its own event, groups built by ``ensure_groups``): linking 50,000
documents took over 35 minutes on a loaded two-core machine, and an unlinked knowledge base
lists more events (65,009 instead of about 17,000), so its lists are the heavier case.
A real uvicorn server runs on 127.0.0.1 in this process; each URL is fetched over HTTP
``--repeat`` times, and the median and 95th percentile reported twice: *uncached* (the
app's short-lived result cache emptied before each request, so every figure is a full
computation) and *cached* (what a second visitor within the cache's 30 s sees). Charts
(SVG images a page loads after it) are not counted. Then ``--clients`` threads fetch the
URLs round-robin for ``--seconds`` with the cache working as in use; any 5xx or connection
error is counted and fails the run.

So that figures taken at different machine loads can be compared, a fixed pure-Python
reference workload (``reference_work``, about 30 ms on a quiet core) is timed before each
uncached request, in the same process, and every row also gives its uncached median as a
multiple of the reference's median ("x ref"). The load average is printed at the start and
the end.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, os.path.dirname(__file__))
import kb_load  # noqa: E402  (the store engineer's loader, next to this file)
from analysis_speed import ensure_loaded  # noqa: E402  (the analysis bench's loader)
from sqlalchemy import text  # noqa: E402

from cybertrack.gcpause import freeze_long_lived  # noqa: E402
from cybertrack.resolve.groups import ensure_groups  # noqa: E402
from cybertrack.store import Store  # noqa: E402
from cybertrack.store.engine import create_store_engine, resolve_url  # noqa: E402
from cybertrack.web import WebConfig, create_app  # noqa: E402


def ensure_unlinked(url: str, docs: int) -> None:
    """The synthetic knowledge base loaded (when short) and grouped without linking; on
    PostgreSQL, planner statistics and the visibility map refreshed after building, as
    autovacuum would."""
    with Store.open(url) as kb:
        have = kb.counts()["documents"]
    if have < docs:
        print(f"loading {docs - have} synthetic documents (bench/kb_load.py) ...", flush=True)
        kb_load.main(["--db", url, "--docs", str(docs)])
    with Store.open(url) as kb:
        t0 = time.perf_counter()
        built = ensure_groups(kb)
        print(f"groups: {built} in {time.perf_counter() - t0:.1f} s", flush=True)
    engine = create_store_engine(resolve_url(url))
    try:
        if engine.dialect.name == "postgresql" and (have < docs or built):
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def urls(base: str, store_url: str) -> list[tuple[str, str]]:
    with Store.open(store_url) as kb:
        actor = next((e for e in kb.entities("threat-actor") if e.name == "Bench Actor 7"),
                     None) or kb.entities("threat-actor")[0]
        inc = kb.incidents(target="AL", limit=1) or kb.incidents(limit=1)
    iid = inc[0].id
    name = actor.name.replace(" ", "%20")
    return [
        ("home", "/"),
        ("search (alias)", f"/incidents?q={actor.aliases[0] if actor.aliases else name}"),
        ("search (3 words)", f"/incidents?q={name}"),
        ("filtered list", "/incidents?target=AL&kind=destruction"),
        ("incident", f"/incident/{iid}"),
        ("actor", f"/actor/{name}"),
        ("country (Iran, heavy)", "/country/IR"),
        ("country (Pakistan)", "/country/PK"),
        ("API summary", "/api/v1/summary"),
        ("API search", f"/api/v1/incidents?q={name}"),
        ("API incident", f"/api/v1/incidents/{iid}"),
        ("API actor", f"/api/v1/actors/{name}"),
        ("API country", "/api/v1/countries/IR"),
        ("TAXII collections", "/taxii2/api/collections/"),
    ]


def reference_work() -> int:
    """A fixed CPU-bound workload (integer arithmetic, a sort, a dict): the unit the page
    times are also given in, so runs at different machine loads compare."""
    data = [(i * 7919) % 100_003 for i in range(150_000)]
    data.sort()
    seen: dict[int, int] = {}
    for x in data:
        seen[x % 4096] = seen.get(x % 4096, 0) + x
    return sum(seen.values())


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="bench/out/web-kb.db")
    ap.add_argument("--docs", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--no-link", action="store_true",
                    help="load without link_all: each report its own event")
    args = ap.parse_args(argv)
    if "://" not in args.db:
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    if args.no_link:
        ensure_unlinked(args.db, args.docs)
    else:
        ensure_loaded(args.db, args.docs)
    app = create_app(WebConfig(db=args.db))
    ct = app.state.ct
    freeze_long_lived()  # as ``cybertrack serve`` does once the app is built
    import uvicorn

    port = _port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    targets = urls(base, args.db)
    with Store.open(args.db) as kb:
        counts = kb.counts()
    print(f"knowledge base {ct.store.url}: {counts['documents']:,} documents, "
          f"{counts['incidents']:,} incidents, {counts['claims']:,} claims")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'what':24} {'uncached median':>16} {'p95':>8} {'cached median':>14} {'p95':>8} "
          f"{'x ref':>7}")
    worst = 0.0
    refs: list[float] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for label, url in targets:
            client.get(url).raise_for_status()  # warm-up (imports, first query plans)
            cold, warm, ref = [], [], []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                reference_work()
                ref.append(time.perf_counter() - t0)
                ct.changed()
                t0 = time.perf_counter()
                r = client.get(url)
                cold.append(time.perf_counter() - t0)
                r.raise_for_status()
                t0 = time.perf_counter()
                client.get(url).raise_for_status()
                warm.append(time.perf_counter() - t0)
            worst = max(worst, pct(cold, 95))
            refs += ref
            print(f"{label:24} {statistics.median(cold) * 1000:13.0f} ms "
                  f"{pct(cold, 95) * 1000:5.0f} ms {statistics.median(warm) * 1000:11.0f} ms "
                  f"{pct(warm, 95) * 1000:5.0f} ms "
                  f"{statistics.median(cold) / statistics.median(ref):6.1f}x", flush=True)
    print(f"worst uncached p95: {worst * 1000:.0f} ms; reference workload median "
          f"{statistics.median(refs) * 1000:.0f} ms (p95 {pct(refs, 95) * 1000:.0f} ms)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    done: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def client_loop(k: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            n = k
            while time.monotonic() < stop:
                label, url = targets[n % len(targets)]
                n += 1
                t0 = time.perf_counter()
                try:
                    r = c.get(url)
                    bad = f"{r.status_code} {url}" if r.status_code >= 500 else ""
                except httpx.HTTPError as exc:
                    bad = f"{type(exc).__name__} {url}"
                with lock:
                    done.append(time.perf_counter() - t0)
                    if bad:
                        errors.append(bad)

    ct.changed()
    workers = [threading.Thread(target=client_loop, args=(k,)) for k in range(args.clients)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    took = time.perf_counter() - t0
    print(f"load: {args.clients} clients for {took:.0f} s: {len(done)} requests "
          f"({len(done) / took:.1f}/s), median {statistics.median(done) * 1000:.0f} ms, "
          f"p95 {pct(done, 95) * 1000:.0f} ms, errors {len(errors)}")
    for e in errors[:10]:
        print("  error:", e)
    server.should_exit = True
    thread.join(timeout=10)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
