"""Linking measured: pairwise precision and recall on the gold set of eval/links/.

    .venv/bin/python bench/link_eval.py                 # fresh SQLite KB, extract, link, score
    .venv/bin/python bench/link_eval.py --cache /tmp/links-base.db   # reuse the extractions
    .venv/bin/python bench/link_eval.py --misses        # wrong pairs of the TUNING split only

Every gold document is read from ../shared (CASIE articles, CFR tracker rows), the sample
corpus or eval/links/texts, extracted with the project's pipeline and stored in a fresh SQLite
knowledge base together with the whole CFR tracker (the background an analyst's knowledge
base has: a gold report may be linked to any row, and groups may chain through rows that are
not in the gold set). Then ``resolve.link_pending`` links everything as an ingest would, and
the document pairs it joins are scored (``resolve.gold``): ``direct`` = a link counting at the
group threshold joins an incident of each, ``closure`` = the two share an incident group.
Figures are given for the tuning split, the held-out test split and both; ``--misses`` prints
the wrong pairs of the tuning split only (the test split is never looked into). The documents
with no incident are then placed (``resolve.placement``; linking stores each placement as a
proposed link of kind ``document``, never grouped): ``closure + placed``
counts each placed document as a member of the group it was placed beside.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cybertrack.batch import EXTRACTOR_VERSION, prepare
from cybertrack.extract import extract_document
from cybertrack.ingest import iter_input
from cybertrack.ingest.tracker import read_tracker
from cybertrack.model import Document, Extraction
from cybertrack.models.data import casie_document
from cybertrack.models.splits import SHARED
from cybertrack.resolve import GROUP_THRESHOLD, link_pending
from cybertrack.resolve.gold import (
    PairScore,
    gold_pairs,
    load_gold,
    pairs_from_groups,
    pairs_from_links,
    restrict,
    score_pairs,
)
from cybertrack.resolve.placement import Placement, place_documents
from cybertrack.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "links" / "gold.jsonl"
TEXTS = ROOT / "eval" / "links" / "texts"
SAMPLES = ROOT / "src" / "cybertrack" / "samples"
CFR_CSV = SHARED / "data" / "cfr-cyber-operations-tracker" / "cyber-operations-incidents.csv"


def _read_file(path: Path) -> Document:
    results = list(iter_input(str(path)))
    if len(results) != 1 or results[0].document is None:
        sys.exit(f"{path}: not read as one document")
    return results[0].document


def build(db: str, gold: dict[str, str]) -> dict[str, str]:
    """Store every gold document (extracted) and the CFR tracker; returns ref -> document id."""
    ids: dict[str, str] = {}
    with Store.open(db) as store:
        rows: dict[int, Extraction] = {}
        for n, item in enumerate(read_tracker(CFR_CSV, "cfr"), 1):
            if isinstance(item, Extraction):
                rows[n] = item
        for ex in rows.values():
            store.add_extraction(ex, extractor_version="tracker")
        for ref in gold:
            kind, _, name = ref.partition(":")
            if kind == "cfr":
                ids[ref] = rows[int(name.removeprefix("cfr-"))].document.id
                continue
            if kind == "casie":
                doc = casie_document(name)[0]
            elif kind == "sample":
                doc = _read_file(SAMPLES / name)
            elif kind == "text":
                doc = _read_file(TEXTS / name)
            else:
                sys.exit(f"{ref}: unknown document kind {kind!r}")
            doc = prepare(doc)
            store.add_extraction(extract_document(doc), extractor_version=EXTRACTOR_VERSION)
            ids[ref] = doc.id
    return ids


def _row(name: str, gold: dict[str, str], score: PairScore) -> str:
    events = len(set(gold.values()))
    return (f"| {name} | {len(gold)} | {events} | {len(gold_pairs(gold))} | {score.true_pos} | "
            f"{score.false_pos} | {score.false_neg} | {score.precision:.3f} | "
            f"{score.recall:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", help="SQLite file holding the extracted documents (built "
                        "when missing, copied for each run)")
    parser.add_argument("--misses", action="store_true",
                        help="print wrong pairs of the tuning split (never the test split)")
    parser.add_argument("--profile", action="store_true", help="profile the linking run")
    args = parser.parse_args()
    gold = load_gold(GOLD)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "kb.db")
        started = time.perf_counter()
        if args.cache and Path(args.cache).is_file():
            shutil.copy(args.cache, db)
            ref_ids = _ref_ids(db, gold)
        else:
            ref_ids = build(db, gold)
            if args.cache:
                shutil.copy(db, args.cache)
        built = time.perf_counter() - started
        with Store.open(db) as store:
            started = time.perf_counter()
            if args.profile:
                import cProfile
                import pstats
                prof = cProfile.Profile()
                summary = prof.runcall(link_pending, store)
                pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            else:
                summary = link_pending(store)
            linked = time.perf_counter() - started
            doc_of: dict[str, str] = {}
            ref_of = {v: k for k, v in ref_ids.items()}
            for doc_id, ref in ref_of.items():
                for inc in store.incidents(document_id=doc_id):
                    doc_of[inc.id] = ref
            links = store.incident_links(doc_of, min_score=GROUP_THRESHOLD)
            groups = {k: v.group_id for k, v in store.incident_groups_of(doc_of).items()}
            reasons = {frozenset((doc_of.get(x.a), doc_of.get(x.b))): x for x in links}
            direct = pairs_from_links(doc_of, ((x.a, x.b) for x in links))
            closure = pairs_from_groups(doc_of, groups)
            no_incident = sorted(set(gold) - set(doc_of.values()))
            placements = place_documents(store, [ref_ids[d] for d in no_incident])
            placed = _placed_pairs(doc_of, groups, ref_of, placements,
                                   {k: x.group_id for k, x in store.incident_groups_of(
                                       [p.incident_id for p in placements if p.incident_id]
                                   ).items()} if placements else {})
    print(f"gold: {len(gold)} documents, {len(set(gold.values()))} events; "
          f"{len(no_incident)} documents with no incident extracted")
    print(f"build {built:.1f} s; link_pending {linked:.2f} s ({summary.incidents} incidents, "
          f"{summary.pairs_scored} pairs scored, {summary.links_found} links)")
    print("\n| split / mode | documents | events | gold pairs | TP | FP | FN | precision | "
          "recall |\n|---|---|---|---|---|---|---|---|---|")
    linkable = {d: e for d, e in gold.items() if d in set(doc_of.values())}
    for label, base in (("", gold), ("linkable ", linkable)):
        for split in ("tune", "test", "all"):
            part = base if split == "all" else restrict(base, split)
            for mode, pred in (("direct", direct), ("closure", closure)):
                print(_row(f"{label}{split}, {mode}", part, score_pairs(part, pred)))
    print(f"\nDocuments without an incident placed by resolve.placement (proposed, never grouped): "
          f"{len({p.document_id for p in placements})} of {len(no_incident)}")
    for split in ("tune", "test", "all"):
        part = gold if split == "all" else restrict(gold, split)
        print(_row(f"{split}, closure + placed", part, score_pairs(part, placed)))
    if args.misses:
        tune = restrict(gold, "tune")
        truth = gold_pairs(tune)
        print("\nTuning split, false links (closure):")
        for pair in sorted(sorted(p) for p in closure - truth if all(d in tune for d in p)):
            link = reasons.get(frozenset(pair))
            why = "; ".join(link.reasons) if link else "(through the group)"
            print(f"  {pair[0]} [{tune[pair[0]]}] ~ {pair[1]} [{tune[pair[1]]}] "
                  f"{link.score if link else ''} {why}")
        print("\nTuning split, missed pairs (closure):")
        for pair in sorted(sorted(p) for p in truth - closure):
            print(f"  {pair[0]} ~ {pair[1]} [{tune[pair[0]]}]")
        print("\nTuning split, documents with no incident:", [d for d in no_incident
                                                           if d in tune])
        print("\nTuning split, wrong pairs through placement:")
        for pair in sorted(sorted(p) for p in (placed - closure) - truth
                           if all(d in tune for d in p)):
            print(f"  {pair[0]} [{tune[pair[0]]}] ~ {pair[1]} [{tune[pair[1]]}]")
        print("\nTuning split, missed pairs (closure + placed):")
        for pair in sorted(sorted(p) for p in truth - placed):
            print(f"  {pair[0]} ~ {pair[1]} [{tune[pair[0]]}]")
        print("\nTuning split, placements:")
        for p in placements:
            ref = ref_of.get(p.document_id)
            if ref in tune:
                to = doc_of.get(p.incident_id or "") or ref_of.get(p.other or "") or p.incident_id
                print(f"  placed {ref} [{tune[ref]}] -> {to} {p.score} {'; '.join(p.reasons)}")


def _placed_pairs(doc_of: dict[str, str], groups: dict[str, str], ref_of: dict[str, str],
                  placements: list[Placement], placed_groups: dict[str, str]
                  ) -> set[frozenset[str]]:
    """Document pairs sharing a group once each placed document joins the group of the
    incident it was placed beside (or the document it was placed with)."""
    member: dict[str, str] = {}  # gold ref -> group key
    for inc, group in groups.items():
        member.setdefault(doc_of[inc], group)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    keys = {ref: f"g:{g}" for ref, g in member.items()}
    for p in placements:
        ref = ref_of.get(p.document_id)
        if ref is None:
            continue
        if p.incident_id is not None:
            other = f"g:{placed_groups.get(p.incident_id, p.incident_id)}"
        else:
            other = f"d:{ref_of.get(p.other or '', p.other)}"
        a, b = find(f"d:{ref}"), find(other)
        if a != b:
            parent[a] = b
    by_root: dict[str, set[str]] = {}
    for ref in set(ref_of.values()):
        node = keys.get(ref, f"d:{ref}")
        by_root.setdefault(find(node), set()).add(ref)
    # a document with incidents in several groups: pairs through every one of its groups
    out = set(pairs_from_groups(doc_of, groups))
    for refs in by_root.values():
        out |= {frozenset((x, y)) for x in refs for y in refs if x < y}
    return out


def _ref_ids(db: str, gold: dict[str, str]) -> dict[str, str]:
    """ref -> document id of a cached knowledge base, recomputed from the inputs' ids."""
    ids: dict[str, str] = {}
    rows = {n: item for n, item in enumerate(read_tracker(CFR_CSV, "cfr"), 1)
            if isinstance(item, Extraction)}
    for ref in gold:
        kind, _, name = ref.partition(":")
        if kind == "cfr":
            ids[ref] = rows[int(name.removeprefix("cfr-"))].document.id
        elif kind == "casie":
            ids[ref] = prepare(casie_document(name)[0]).id
        else:
            ids[ref] = prepare(_read_file((SAMPLES if kind == "sample" else TEXTS) / name)).id
    return ids


if __name__ == "__main__":
    main()
