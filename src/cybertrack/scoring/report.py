"""What the scorer returns: counts and scores per category, confidence accuracy, and the misses.

Kept apart from the matching so the CLI, tests and a notebook can all read one plain,
immutable result, as a dict (``to_dict``) or a rich table (``render``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any, Literal, NamedTuple

from rich.console import Console
from rich.table import Table

#: Categories in the order they are reported (and ranked when picking the worst misses).
CATEGORIES: tuple[str, ...] = (
    "attributions", "incidents", "responses", "denials", "entities", "targets", "incident_kinds",
)


class Scores(NamedTuple):
    """Counts and their precision, recall and F1.

    An empty side is defined so that "nothing to find and nothing found" is perfect, and
    predicting nothing where there is something (or something where there is nothing) is 0.
    """

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> Scores:
        precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
        recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(tp, fp, fn, precision, recall, f1)


class Accuracy(NamedTuple):
    """Confidence accuracy: correct / total over matched attributions with a gold confidence."""

    correct: int
    total: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


class Miss(NamedTuple):
    """One gold item not found (``missed``) or one prediction that matches nothing
    (``spurious``); ``note`` says why, e.g. which checks the nearest candidate failed."""

    category: str
    doc_id: str
    kind: Literal["missed", "spurious"]
    item: dict[str, Any]
    note: str
    #: The note without the item's or its counterpart's content: the failed checks
    #: ("claimant", "incident+attributed_to"), "none", "duplicate", or for targets and kinds
    #: whether their incident was matched. Counting reasons shows where a set loses its
    #: score without reading its items (so it may be used on a held-out set).
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """The result of scoring predictions against a gold set."""

    documents: int
    scores: dict[str, Scores]
    confidence: Accuracy
    misses: tuple[Miss, ...]
    #: Prediction ids with no gold record (ignored in the scores).
    unknown_predictions: tuple[str, ...] = ()
    #: Predicted attributions and denials by polarity; only ``asserted`` ones are scored.
    polarity: dict[str, int] = field(default_factory=dict)

    def worst_misses(self, n: int) -> list[Miss]:
        """Up to ``n`` misses, taking one from each category in turn (attributions first), so a
        short list still shows every kind of failure rather than fifty missed entities."""
        by_cat = [[m for m in self.misses if m.category == c] for c in (*CATEGORIES, "confidence")]
        out: list[Miss] = []
        for row in zip_longest(*by_cat):
            out.extend(m for m in row if m is not None)
        return out[: max(n, 0)]

    def reasons(self) -> list[tuple[str, str, str, int]]:
        """(category, missed|spurious, reason, count) over every miss, in report order."""
        counts = Counter((m.category, m.kind, m.reason or "-") for m in self.misses)
        order = {c: i for i, c in enumerate((*CATEGORIES, "confidence"))}
        return [(c, k, r, n) for (c, k, r), n in
                sorted(counts.items(), key=lambda x: (order.get(x[0][0], 99), x[0][1], -x[1]))]

    def to_dict(self, misses: int | None = None) -> dict[str, Any]:
        """A JSON-ready dict; ``misses`` limits the misses listed (None: all of them)."""
        listed = list(self.misses) if misses is None else self.worst_misses(misses)
        return {
            "documents": self.documents,
            "scores": {k: v._asdict() for k, v in self.scores.items()},
            "confidence": {
                "correct": self.confidence.correct,
                "total": self.confidence.total,
                "accuracy": self.confidence.accuracy,
            },
            "misses": [m._asdict() for m in listed],
            "unknown_predictions": list(self.unknown_predictions),
            "polarity": dict(self.polarity),
            "reasons": [{"category": c, "kind": k, "reason": r, "count": n}
                        for c, k, r, n in self.reasons()],
        }


def scores_table(report: Report) -> Table:
    """Precision, recall and F1 per category, with the counts behind them."""
    table = Table(title=f"Scores over {report.documents} documents")
    for col in ("category", "P", "R", "F1", "tp", "fp", "fn"):
        table.add_column(col, justify="left" if col == "category" else "right")
    for name, s in report.scores.items():
        table.add_row(
            name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}",
            str(s.tp), str(s.fp), str(s.fn),
        )
    conf = report.confidence
    table.add_row(
        "confidence (acc.)", "", "", "-" if conf.accuracy is None else f"{conf.accuracy:.3f}",
        str(conf.correct), "", str(conf.total - conf.correct),
    )
    return table


#: Record fields that identify nothing a reader compares (kept out of the misses table).
_NOISE = frozenset({"required", "note", "id", "sentence", "aliases", "evidence", "span", "text",
                    "role", "target_sectors"})


def brief(item: dict[str, Any], width: int = 90) -> str:
    """A one-line summary of an item: the fields the rules compare, cut to ``width``."""
    shown = {k: v for k, v in item.items() if k not in _NOISE and v not in (None, [], "")}
    text = ", ".join(f"{k}={v}" for k, v in shown.items())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def misses_table(misses: list[Miss]) -> Table:
    table = Table(title=f"{len(misses)} misses")
    table.add_column("category", no_wrap=True)
    table.add_column("doc", overflow="fold", max_width=24)
    table.add_column("kind", no_wrap=True)
    table.add_column("item", overflow="fold", ratio=3)
    table.add_column("why", overflow="fold", ratio=2)
    for m in misses:
        table.add_row(m.category, m.doc_id, m.kind, brief(m.item), m.note)
    return table


def reasons_table(report: Report) -> Table:
    """How many items were missed or spurious for each reason, per category: where a set
    loses its score, with no item's content shown."""
    table = Table(title="Misses by reason")
    for col in ("category", "kind", "reason", "count"):
        table.add_column(col, justify="right" if col == "count" else "left")
    for c, k, r, n in report.reasons():
        table.add_row(c, k, r, str(n))
    return table


def polarity_table(report: Report) -> Table:
    """How many predicted attributions and denials were asserted, doubted, refused or negated
    (only asserted ones are scored)."""
    table = Table(title="Predicted polarity")
    table.add_column("polarity")
    table.add_column("claims", justify="right")
    for name in ("asserted", "doubted", "refused", "negated"):
        table.add_row(name, str(report.polarity.get(name, 0)))
    for name, n in report.polarity.items():
        if name not in ("asserted", "doubted", "refused", "negated"):
            table.add_row(name, str(n))
    return table


def render(report: Report, console: Console, misses: int = 10, reasons: bool = False) -> None:
    """Print the scores table, the polarity counts, the misses counted by reason (when
    ``reasons``) and the ``misses`` worst misses."""
    console.print(scores_table(report))
    console.print(polarity_table(report))
    if reasons:
        console.print(reasons_table(report))
    if report.unknown_predictions:
        console.print(
            f"{len(report.unknown_predictions)} predictions have no gold record "
            f"(ignored), e.g. {report.unknown_predictions[0]!r}", style="yellow"
        )
    listed = report.worst_misses(misses)
    if listed:
        console.print(misses_table(listed))
