"""Scoring extraction output against the gold sets (rules: shared/eval/README.md).

``score(gold, predicted)`` returns a :class:`Report` with precision, recall and F1 per
category, confidence accuracy and the misses; ``load_jsonl`` reads either side.
"""

from __future__ import annotations

from cybertrack.scoring.match import AliasResolver
from cybertrack.scoring.records import load_jsonl
from cybertrack.scoring.report import (
    CATEGORIES,
    Accuracy,
    Miss,
    Report,
    Scores,
    misses_table,
    render,
    scores_table,
)
from cybertrack.scoring.scorer import score

__all__ = [
    "CATEGORIES", "Accuracy", "AliasResolver", "Miss", "Report", "Scores", "load_jsonl",
    "misses_table", "render", "score", "scores_table",
]
