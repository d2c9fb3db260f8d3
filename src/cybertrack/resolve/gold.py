"""Measuring linking against a gold set of same-event document groups (``eval/links/``).

The gold set says, for each document, which event it reports (``gold.jsonl``: one
``{"doc": REF, "event": KEY}`` a line; a REF is ``casie:ID``, ``sample:FILE``, ``text:FILE`` or
``cfr:cfr-NNNN``). Linking is scored by **pairwise precision and recall** over documents: a
pair of gold documents is predicted "same event" when an incident of one is linked to an
incident of the other (``direct``: a link that counts at the group threshold) or when they
share an incident group (``closure``: what the views show, after the constrained transitive
closure ``groups.cluster`` builds). Only pairs of two gold documents are scored; a document the
extractor found no incident in predicts no pair (it costs recall, as it would an analyst).

Events are split once, by a hash of their key, into a tuning part and a held-out test part
(``split_of``), so a linker tuned on one part is judged on the other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from cybertrack.errors import EvalError

#: One event in this many (by the hash of its key) is held out for testing.
TEST_EVERY = 3


def split_of(event: str) -> str:
    """``"test"`` for about a third of the events (fixed by the key's hash), else ``"tune"``."""
    digest = hashlib.sha256(event.encode("utf-8")).digest()
    return "test" if digest[0] % TEST_EVERY == 0 else "tune"


def load_gold(path: Path) -> dict[str, str]:
    """Document ref -> event key, from a ``gold.jsonl``; ``EvalError`` naming the line when a
    line is malformed or a document is listed twice."""
    if not path.is_file():
        raise EvalError(f"{path} not found: the linking gold set lives in eval/links/gold.jsonl")
    out: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            doc, event = str(row["doc"]), str(row["event"])
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{n}: not a gold line with 'doc' and 'event' ({exc})"
                            ) from None
        if doc in out:
            raise EvalError(f"{path}:{n}: {doc} is listed twice (events {out[doc]}, {event}); "
                            "a document belongs to one event")
        out[doc] = event
    return out


def gold_pairs(gold: Mapping[str, str]) -> set[frozenset[str]]:
    """Every pair of documents of one event."""
    by_event: dict[str, list[str]] = {}
    for doc, event in gold.items():
        by_event.setdefault(event, []).append(doc)
    return {frozenset(p) for docs in by_event.values() for p in combinations(sorted(docs), 2)}


@dataclass(frozen=True, slots=True)
class PairScore:
    """Pairwise counts and the precision and recall they give (1.0 when nothing to count)."""

    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_pos + self.false_neg
        return self.true_pos / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_pairs(gold: Mapping[str, str], predicted: Iterable[frozenset[str]]) -> PairScore:
    """Pairwise precision and recall of ``predicted`` document pairs against ``gold``
    (pairs naming a document outside ``gold``, or a document with itself, are ignored)."""
    truth = gold_pairs(gold)
    pred = {p for p in predicted if len(p) == 2 and all(d in gold for d in p)}
    return PairScore(len(pred & truth), len(pred - truth), len(truth - pred))


def restrict(gold: Mapping[str, str], split: str) -> dict[str, str]:
    """The part of ``gold`` whose events fall in ``split`` (``tune`` or ``test``)."""
    return {d: e for d, e in gold.items() if split_of(e) == split}


def pairs_from_links(doc_of: Mapping[str, str], links: Iterable[tuple[str, str]]
                     ) -> set[frozenset[str]]:
    """Document pairs joined by incident links (``doc_of``: incident id -> gold ref)."""
    out: set[frozenset[str]] = set()
    for a, b in links:
        da, db = doc_of.get(a), doc_of.get(b)
        if da and db and da != db:
            out.add(frozenset((da, db)))
    return out


def pairs_from_groups(doc_of: Mapping[str, str], group_of: Mapping[str, str]
                      ) -> set[frozenset[str]]:
    """Document pairs sharing an incident group (``group_of``: incident id -> group id)."""
    members: dict[str, set[str]] = {}
    for inc, group in group_of.items():
        doc = doc_of.get(inc)
        if doc:
            members.setdefault(group, set()).add(doc)
    return {frozenset(p) for docs in members.values() for p in combinations(sorted(docs), 2)}
