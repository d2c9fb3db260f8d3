"""One-to-one matching of gold items to predictions, required items first.

The eval rules say each gold item matches at most one prediction, and a prediction that only
matches an optional gold item counts in neither precision nor recall. We use a maximum
bipartite matching (Kuhn's augmenting paths), visiting the required gold items before the
optional ones. Augmenting never unmatches a gold item once matched, so the result matches as
many required items as any matching can, and then as many optional ones as remain possible
(the matchable sets of a bipartite graph form a matroid, so greedy-by-class is optimal).

Candidates of each gold item are tried in the order given (callers sort them best-first), and
gold items in input order, so the result is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence


def max_matching(candidates: Sequence[Sequence[int]], order: Sequence[int]) -> dict[int, int]:
    """Match gold items to predictions.

    ``candidates[g]`` lists the prediction indexes gold item ``g`` may match, best first;
    ``order`` is the order gold items are added in (required ones first). Returns
    ``{gold index: prediction index}``.
    """
    owner: dict[int, int] = {}  # prediction -> gold

    def augment(g: int, seen: set[int]) -> bool:
        for p in candidates[g]:
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in order:
        augment(g, set())
    return {g: p for p, g in owner.items()}
