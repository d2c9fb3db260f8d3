"""How fast the reference data loads and scans, against a naive baseline in the same process.

Run: ``.venv/bin/python bench/reference_speed.py``. Prints the load time (JSON parse and
indexes, cold and cached), the scanner build time, and the scan time per 1,000 words next to a
plain ``str.lower()`` + ``in`` loop over the same names on the same text (the ratio is what to
compare across machines).
"""

from __future__ import annotations

import json
import platform
import random
import time

from cybertrack.reference import Reference, load_reference
from cybertrack.reference.reference import PACKAGE_DATA

SENTENCES = [
    "Albania's National Agency for Information Society was hit by a destructive attack.",
    "Prime Minister Edi Rama said the Islamic Republic of Iran orchestrated the operation.",
    "The White House and the National Security Council condemned the attack on a NATO ally.",
    "Tehran denied the accusations; the Iranian foreign ministry called them baseless.",
    "Microsoft tracks the actor as Storm-0842 while Mandiant reported ROADSWEEP ransomware.",
    "The U.S. Treasury's OFAC sanctioned the Ministry of Intelligence and Security (MOIS).",
    "Check Point calls the group Void Manticore and CrowdStrike calls it BANISHED KITTEN.",
    "Officials in Washington, London and Brussels said the energy sector and banks were hit.",
    "Researchers said the hackers also targeted hospitals, telecom operators and universities.",
    "A spokesperson for the ministry declined to comment on the report published on Tuesday.",
]


def article(words: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    while len(" ".join(out).split()) < words:
        out.append(rng.choice(SENTENCES))
    return " ".join(" ".join(out).split()[:words])


def timed(fn: object, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - start) / repeat


def main() -> None:
    path = PACKAGE_DATA / "reference.json"
    start = time.perf_counter()
    data = json.loads(path.read_text("utf-8"))
    ref = Reference(data, path)
    cold = time.perf_counter() - start
    load_reference(PACKAGE_DATA)
    start = time.perf_counter()
    load_reference(PACKAGE_DATA)
    cached = time.perf_counter() - start
    start = time.perf_counter()
    ref.scan("warm-up")
    build = time.perf_counter() - start

    text = article(1000)
    names = [s.text.lower() for s in ref._surfaces]  # noqa: SLF001 - same names, naive way

    def naive() -> list[str]:
        low = text.lower()
        return [n for n in names if n in low]

    scan_s = timed(lambda: ref.scan(text), 200)
    naive_s = timed(naive, 20)
    hits = len(ref.scan(text))
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"python {platform.python_version()} {platform.system()}")
    print(f"data: {path.stat().st_size / 1e6:.2f} MB, {len(ref.entries())} entries, "
          f"{len(names)} surface forms")
    print(f"load (parse + index): {cold * 1000:.1f} ms cold, {cached * 1000:.3f} ms cached")
    print(f"scanner build (first scan): {build * 1000:.1f} ms")
    print(f"scan per 1,000 words: {scan_s * 1000:.3f} ms ({hits} hits)")
    print(f"naive lower()+in loop per 1,000 words: {naive_s * 1000:.3f} ms")
    print(f"ratio scan/naive: {scan_s / naive_s:.4f}")


if __name__ == "__main__":
    main()
