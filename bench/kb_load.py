"""Build a synthetic knowledge base and time the store's core queries on it.

    python bench/kb_load.py --db bench-kb.db --docs 50000

Documents carry one or two incidents against ~100 countries, dated 2005-2024, with claims of
every kind (incident reports, attributions to 50 synthetic actors and their sponsor states,
denials, state responses). Generation is deterministic (``--seed``), so ids are stable and rerunning
against the same database adds nothing. Loading uses ``Store.bulk_add`` (one transaction per
``--chunk`` documents); the timed queries are the ones analysis runs per incident, per target
and per attributed state.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator

from cybertrack.model import (
    Claim,
    Claimant,
    Document,
    Entity,
    Extraction,
    Incident,
    Mention,
    PartialDate,
    Span,
    stable_id,
)
from cybertrack.store import Store
from cybertrack.vocab import INCIDENT_KINDS, RESPONSE_ACTIONS

COUNTRIES = (
    "AL", "AM", "AR", "AT", "AU", "AZ", "BD", "BE", "BG", "BH", "BR", "BY", "CA", "CH", "CL",
    "CN", "CO", "CY", "CZ", "DE", "DK", "DZ", "EE", "EG", "ES", "FI", "FR", "GB", "GE", "GH",
    "GR", "HR", "HU", "ID", "IE", "IL", "IN", "IQ", "IR", "IS", "IT", "JO", "JP", "KE", "KP",
    "KR", "KW", "KZ", "LB", "LT", "LU", "LV", "MA", "MD", "ME", "MK", "MN", "MX", "MY", "NG",
    "NL", "NO", "NZ", "PH", "PK", "PL", "PS", "PT", "QA", "RO", "RS", "RU", "SA", "SE", "SG",
    "SI", "SK", "SY", "TH", "TN", "TR", "TW", "UA", "AE", "US", "UY", "UZ", "VE", "VN", "YE",
    "ZA", "ET", "CM", "SN", "CI", "TZ", "UG", "ZW", "AO", "MZ", "EC", "PE", "BO", "PY",
)
#: Sponsor of synthetic actor ``i`` is ``SPONSORS[i % 25]``: Iran sponsors 7 of every 25 actors
#: (28% of the events) on purpose, a heavy subject for the analysis bench; Pakistan 2 (8%),
#: a typical state.
SPONSORS = ("IR", "RU", "CN", "KP", "IR", "PK", "RU", "CN", "IR", "IN", "BY", "IR", "RU", "CN",
            "KP", "IR", "VN", "TR", "IR", "RU", "CN", "PK", "IR", "IN", "KP")
BASES = ("receiver-government", "third-party-government", "it-security-company", "media")
VENDORS = ("Mandiant", "Microsoft", "CrowdStrike", "ESET", "Kaspersky", "Recorded Future")
START, END = dt.date(2005, 1, 1), dt.date(2024, 12, 31)


def reference_entities() -> tuple[list[Entity], list[Entity]]:
    """The countries and the 50 synthetic actors. Actor ids, names and aliases
    (``actor:bench-7``, "Bench Actor 7", "BA-7") are outside the reference's namespace: reusing
    its ids and names (``actor:apt1`` "APT1" sponsored by Russia here, by China in the reference)
    made the knowledge base contradict the reference, and a state's subject, which takes its
    actors from both, reached events of other sponsors (China: 80% of the events)."""
    countries = [Entity(f"country:{c}", "country", c, country=c) for c in COUNTRIES]
    actors = [Entity(f"actor:bench-{i}", "threat-actor", f"Bench Actor {i}",
                     aliases=(f"BA-{i}",), sponsor=SPONSORS[i % len(SPONSORS)])
              for i in range(50)]
    return countries, actors


def _partial_date(rng: random.Random) -> PartialDate:
    day = START + dt.timedelta(days=rng.randrange((END - START).days + 1))
    roll = rng.random()
    if roll < 0.6:
        return PartialDate.day(day)
    if roll < 0.9:
        return PartialDate.month(day.year, day.month)
    return PartialDate.year(day.year)


def synthetic(n: int, rng: random.Random, actors: list[Entity]) -> Extraction:
    """One synthetic document with its incidents, claims and mentions."""
    sentences: list[str] = []
    incidents: list[Incident] = []
    claims: list[Claim] = []
    pending: list[tuple[str, str, dict[str, object]]] = []  # (sentence, kind, fields)
    for k in range(1 if rng.random() < 0.7 else 2):
        targets = tuple(rng.sample(COUNTRIES, 1 if rng.random() < 0.8 else 2))
        actor = rng.choice(actors)
        state = actor.sponsor or "RU"
        key = f"i{k}"
        when = _partial_date(rng)
        kinds = tuple(rng.sample(INCIDENT_KINDS, rng.randint(1, 2)))
        report = f"In {when.iso()} a {kinds[0]} attack hit {', '.join(targets)} (item {n}.{k})."
        sentences.append(report)
        incidents.append(Incident(id=key, document_id="", key=key, kinds=kinds, targets=targets,
                                  time=when, sentence=report))
        pending.append((report, "incident-report", {"event_date": when, "incident_id": key}))
        for _ in range(rng.randint(1, 2)):
            vendor = rng.choice(VENDORS)
            pending.append((f"{vendor} attributed it to {actor.name} of {state}.", "attribution",
                            {"incident_id": key, "attributed_state": state,
                             "attributed_actor": actor.name, "attributed_actor_id": actor.id,
                             "confidence": rng.choice(("low", "moderate", "high")),
                             "claimant": Claimant("organization", vendor,
                                                  basis="it-security-company")}))
        if rng.random() < 0.4:
            pending.append((f"{state} denied involvement.", "denial",
                            {"incident_id": key, "stance": "denies", "attributed_state": state,
                             "claimant": Claimant("government", state, state)}))
        if rng.random() < 0.3:
            action = rng.choice(sorted(RESPONSE_ACTIONS))
            pending.append((f"{targets[0]} responded with {action} against {state}.", "response",
                            {"incident_id": key, "actor_state": targets[0],
                             "target_state": state, "action": action,
                             "event_date": _partial_date(rng),
                             "claimant": Claimant("government", targets[0], targets[0])}))
    text = " ".join(s for s, _, _ in pending)
    doc = Document.from_text(text, source=f"https://bench.example/{n}", title=f"Item {n}",
                             published=_partial_date(rng), reliability=rng.choice("ABCF"))
    ids = {i.key: stable_id("incident", doc.id, i.key) for i in incidents}
    incidents = [Incident(id=ids[i.key], document_id=doc.id, key=i.key, kinds=i.kinds,
                          targets=i.targets, time=i.time, sentence=i.sentence)
                 for i in incidents]
    pos = 0
    for sentence, kind, fields in pending:
        start = doc.text.index(sentence, pos)
        pos = start + len(sentence)
        fields = {**fields, "incident_id": ids[str(fields["incident_id"])]}
        fields.setdefault("claimant", Claimant("government", "XX", basis=rng.choice(BASES)))
        claims.append(Claim(id=stable_id("claim", doc.id, kind, start), document_id=doc.id,
                            kind=kind, sentence=Span(start, pos),  # type: ignore[arg-type]
                            sentence_text=sentence, **fields))  # type: ignore[arg-type]
    first = claims[0].sentence
    mentions = [Mention(stable_id("mention", doc.id, first.start), doc.id, first, first,
                        doc.text[first.start:first.end], "EVENT")]
    return Extraction(doc, tuple(mentions), (), tuple(incidents), tuple(claims))


def generate(docs: int, seed: int) -> Iterator[Extraction]:
    rng = random.Random(seed)
    _, actors = reference_entities()
    for n in range(docs):
        yield synthetic(n, rng, actors)


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """Median wall time of ``fn`` in milliseconds, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="bench-kb.db", help="SQLite path or database URL")
    ap.add_argument("--docs", type=int, default=50_000)
    ap.add_argument("--chunk", type=int, default=2_000, help="documents per transaction")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    with Store.open(args.db) as kb:
        countries, actors = reference_entities()
        kb.upsert_entities([*countries, *actors])
        t0 = time.perf_counter()
        added = kb.bulk_add(generate(args.docs, args.seed), chunk_size=args.chunk,
                            extractor_version="bench")
        load_s = time.perf_counter() - t0
        counts = kb.counts()
        print(f"{kb.url}: added {added} documents in {load_s:.1f} s "
              f"({added / load_s if load_s else 0:.0f} docs/s)")
        print("counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        one = kb.incidents(target="AL", limit=1)
        queries: list[tuple[str, Callable[[], object]]] = [
            ("claims(incident_ids=[one])", lambda: kb.claims(incident_ids=[one[0].id])),
            ('incidents(target="AL")', lambda: kb.incidents(target="AL")),
            ('claims(attributed_state="IR")', lambda: kb.claims(attributed_state="IR")),
            ('incidents(since=2022-01-01, until=2022-12-31)',
             lambda: kb.incidents(since=dt.date(2022, 1, 1), until=dt.date(2022, 12, 31))),
            ('claims(actor_state="AL", action="sanction")',
             lambda: kb.claims(actor_state="AL", action="sanction")),
        ]
        for label, fn in queries:
            ms, result = timed(fn)
            size = len(result) if isinstance(result, list) else result
            print(f"  {label:50s} {ms:9.2f} ms  ({size} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
