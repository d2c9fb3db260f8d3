"""The pipeline scored against the shared gold sets (skipped where ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybertrack.extract import predict_records
from cybertrack.scoring import load_jsonl, score

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "eval" / "seed" / "seed.gold.jsonl"
CFR = SHARED / "eval" / "cfr" / "cfr.gold.jsonl"


@pytest.fixture(scope="module")
def seed_report():  # type: ignore[no-untyped-def]
    if not SEED.exists():
        pytest.skip(f"gold set not found at {SEED} (../shared is absent)")
    gold = load_jsonl(SEED)
    return score(gold, predict_records(gold, SEED.parent))


@pytest.mark.parametrize("category", ["entities", "incidents", "attributions", "denials",
                                      "responses", "targets", "incident_kinds"])
def test_seed_recall_and_precision(seed_report, category: str) -> None:  # type: ignore[no-untyped-def]
    s = seed_report.scores[category]
    assert s.recall >= 0.9, (category, s)
    assert s.precision >= 0.8, (category, s)


def test_seed_reads_mandiant_confidence_as_moderate(seed_report) -> None:  # type: ignore[no-untyped-def]
    assert seed_report.confidence.total >= 1
    assert seed_report.confidence.accuracy == 1.0


def test_cfr_figures() -> None:
    if not CFR.exists():
        pytest.skip(f"gold set not found at {CFR} (../shared is absent)")
    gold = load_jsonl(CFR)
    report = score(gold, predict_records(gold, CFR.parent))
    assert report.scores["targets"].f1 >= 0.90
    assert report.scores["attributions"].f1 >= 0.85
    assert report.scores["incident_kinds"].f1 >= 0.75
