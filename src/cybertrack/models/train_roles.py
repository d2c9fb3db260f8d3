"""Rebuild the role model from CASIE and score it on the held-out fifth.

    python -m cybertrack.models.train_roles            # or: make model
    python -m cybertrack.models.train_roles --evaluate  # also the ablation on the held-out fifth

Steps, all deterministic: read the training part of the trainable CASIE articles
(``splits.train_ids``) through the rule pipeline; label each candidate mention from the
argument spans (``data.articles``); choose the decision thresholds of the combination with the
rules by five-fold cross-validation over the training articles (never the held-out fifth);
fit the model on all training articles; write ``extract/data/roles.json``. ``--evaluate`` then
reads the held-out fifth (``splits.dev_ids``) and prints mention-level and document-level
scores for the rules alone, the model alone and both.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cybertrack.extract.rolemodel import LABELS, WEIGHTS, RoleModel
from cybertrack.model import Extraction
from cybertrack.models import logreg, splits
from cybertrack.models.data import Article, Example, articles

#: Training settings (kept fixed: changing them is a new model, documented as such).
SETTINGS: dict[str, object] = {"steps": 300, "rate": 0.05, "class_weight": (1.0, 2.0, 2.0),
                               "min_count": 2, "folds": 5}
#: Regularization strengths tried; the one with the best cross-validated F1 (both roles,
#: rules and model combined) is kept.
_L2 = (1.0, 3.0, 10.0)
#: Thresholds tried: the model overrides the rules only when confident. Lower thresholds
#: score better on CASIE's crime news but drop correct state targets on CFR (docs/extraction.md
#: "Learned roles"), so the grid starts at 0.9 (1.01: never).
_VETO = (0.9, 0.95, 1.01)
_ADD = (0.9, 0.95, 1.01)


def fit(examples: Sequence[Example], l2: float) -> dict[str, list[float]]:
    return logreg.train([e.features for e in examples], [e.label for e in examples], l2=l2,
                        steps=int(SETTINGS["steps"]),  # type: ignore[call-overload]
                        rate=float(SETTINGS["rate"]),  # type: ignore[arg-type]
                        class_weight=SETTINGS["class_weight"],  # type: ignore[arg-type]
                        min_count=int(SETTINGS["min_count"]))  # type: ignore[call-overload]


def combine(rule: str, p: Sequence[float], th: dict[str, float], mode: str) -> str:
    """The role a mention gets: what ``roles.attacker_mentions``/``target_mentions`` decide
    (mention level: attacker first, as the rules exclude operators from targets)."""
    if mode == "rules":
        return rule
    if mode == "model":
        return LABELS[max(range(len(LABELS)), key=lambda k: p[k])]
    attacker = (rule == "attacker" and p[1] < th["veto_attacker"]) or \
        p[2] >= th["add_attacker"]
    if attacker:
        return "attacker"
    victim = (rule == "victim" and p[2] < th["veto_victim"]) or p[1] >= th["add_victim"]
    return "victim" if victim else "none"


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"P": round(p, 3), "R": round(r, 3), "F1": round(2 * p * r / (p + r), 3)
            if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def mention_scores(examples: Sequence[Example], probs: Sequence[Sequence[float]],
                   th: dict[str, float], mode: str) -> dict[str, dict[str, float]]:
    out = {}
    for role in ("victim", "attacker"):
        tp = fp = fn = 0
        for e, p in zip(examples, probs, strict=True):
            got = combine(e.rule, p, th, mode)
            tp += got == role and e.label == role
            fp += got == role and e.label != role
            fn += got != role and e.label == role
        out[role] = prf(tp, fp, fn)
    return out


def choose_thresholds(examples: Sequence[Example], probs: Sequence[Sequence[float]]
                      ) -> dict[str, float]:
    """The thresholds that give the best F1 per role on out-of-fold probabilities (ties go to
    the setting closest to the rules: vetoing less, adding less)."""
    th: dict[str, float] = {"veto_victim": 1.01, "add_victim": 1.01,
                            "veto_attacker": 1.01, "add_attacker": 1.01}
    for role in ("attacker", "victim"):
        best: tuple[float, float, float] | None = None
        for veto, add in itertools.product(reversed(_VETO), reversed(_ADD)):
            trial = {**th, f"veto_{role}": veto, f"add_{role}": add}
            f1 = mention_scores(examples, probs, trial, "both")[role]["F1"]
            if best is None or f1 > best[0] + 1e-9:
                best = (f1, veto, add)
        assert best is not None
        th[f"veto_{role}"], th[f"add_{role}"] = best[1], best[2]
    return th


def out_of_fold(arts: Sequence[Article], folds: int, l2: float
                ) -> tuple[list[Example], list[list[float]]]:
    """Each training example scored by a model fitted without its article's fold."""
    examples: list[Example] = []
    probs: list[list[float]] = []
    for k in range(folds):
        held = [e for n, a in enumerate(arts) if n % folds == k for e in a.examples]
        rest = [e for n, a in enumerate(arts) if n % folds != k for e in a.examples]
        model = RoleModel(fit(rest, l2), {})
        examples.extend(held)
        probs.extend(list(model.probabilities(e.features)) for e in held)
    return examples, probs


def build(ids: Sequence[str], out: Path, log: bool = True) -> dict[str, object]:
    """Train on ``ids`` and write the model to ``out``; the model's JSON is returned."""
    started = time.monotonic()
    arts = list(articles(ids))
    examples = [e for a in arts for e in a.examples]
    if log:
        counts = {lab: sum(e.label == lab for e in examples) for lab in LABELS}
        print(f"{len(arts)} training articles, {len(examples)} candidates {counts}",
              file=sys.stderr)
    best: tuple[float, float, dict[str, float], list[Example], list[list[float]]] | None = None
    for l2 in _L2:
        oof_ex, oof_p = out_of_fold(arts, int(SETTINGS["folds"]), l2)  # type: ignore[call-overload]
        th = choose_thresholds(oof_ex, oof_p)
        cv = mention_scores(oof_ex, oof_p, th, "both")
        score = cv["victim"]["F1"] + cv["attacker"]["F1"]
        if log:
            print(f"l2={l2}: cross-validated F1 victim {cv['victim']['F1']}, attacker "
                  f"{cv['attacker']['F1']}", file=sys.stderr)
        if best is None or score > best[0] + 1e-9:
            best = (score, l2, th, oof_ex, oof_p)
    assert best is not None
    _score, l2, th, oof_ex, oof_p = best
    weights = fit(examples, l2)
    data: dict[str, object] = {
        "labels": list(LABELS),
        "about": "role model trained by cybertrack.models.train_roles on CASIE argument "
                 "annotations (training part of splits.py); see docs/extraction.md",
        "settings": {**{k: list(v) if isinstance(v, tuple) else v
                        for k, v in SETTINGS.items()}, "l2": l2},
        "training": {"articles": len(arts), "candidates": len(examples),
                     "cv": {mode: mention_scores(oof_ex, oof_p, th, mode)
                            for mode in ("rules", "model", "both")}},
        "thresholds": th,
        "weights": dict(sorted(weights.items())),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    if log:
        print(f"wrote {out} ({out.stat().st_size:,} bytes, {len(weights)} features) in "
              f"{time.monotonic() - started:.0f} s; thresholds {th}", file=sys.stderr)
    return data


def document_scores(arts: Sequence[Article], extractions: Sequence[Extraction]
                    ) -> dict[str, dict[str, float]]:
    """Per-document target and attacker countries against the countries of candidate mentions
    inside Victim / Attacker arguments (micro P/R/F1 over (article, country) pairs)."""
    out = {}
    for role in ("victim", "attacker"):
        tp = fp = fn = 0
        for art, ex in zip(arts, extractions, strict=True):
            gold = art.victims if role == "victim" else art.attackers
            if role == "victim":
                got = {t for inc in ex.incidents for t in inc.targets}
            else:
                got = {c.attributed_state for c in ex.claims
                       if c.kind == "attribution" and c.attributed_state}
            tp += len(got & gold)
            fp += len(got - gold)
            fn += len(gold - got)
        out[role] = prf(tp, fp, fn)
    return out


def evaluate(ids: Sequence[str], th: dict[str, float]) -> dict[str, object]:
    """The ablation on ``ids``: mention level and document level, rules / model / both."""
    from cybertrack.extract.rolemodel import load_model

    model = load_model()
    result: dict[str, object] = {}
    for mode in ("rules", "model", "both"):
        kept: list[Extraction] = []
        arts = list(articles(ids, mode=mode, keep=kept))
        examples = [e for a in arts for e in a.examples]
        probs = [model.probabilities(e.features) for e in examples]
        result[mode] = {"mentions": mention_scores(examples, probs, th, mode),
                        "documents": document_scores(arts, kept)}
        if mode == "rules":
            result["counts"] = {"articles": len(arts), "candidates": len(examples),
                                **{lab: sum(e.label == lab for e in examples)
                                   for lab in LABELS}}
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--limit", type=int, default=None,
                        help="train on the first N training articles only (tests)")
    parser.add_argument("--evaluate", action="store_true",
                        help="score the ablation on the held-out fifth after training")
    parser.add_argument("--evaluate-only", action="store_true",
                        help="score the shipped model on the held-out fifth, no training")
    args = parser.parse_args(argv)
    if not args.evaluate_only:
        ids = splits.train_ids()[: args.limit] if args.limit else splits.train_ids()
        data = build(ids, args.out)
        print(json.dumps(data["training"], indent=1))
    if args.evaluate or args.evaluate_only:
        from cybertrack.extract.rolemodel import load_model

        th = load_model(args.out).thresholds
        print(json.dumps({"held_out_fifth": evaluate(splits.dev_ids(), th)}, indent=1))


if __name__ == "__main__":
    main()
