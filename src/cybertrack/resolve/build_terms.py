"""Build ``resolve/data/term_df.json``, the document frequencies behind ``resolve.terms``.

    .venv/bin/python -m cybertrack.resolve.build_terms

Counted over texts about cyber operations that the linking gold set (``eval/links/gold.jsonl``)
does not hold, so no gold document's words set its own weights: the CFR tracker's titles and
descriptions, and the CASIE articles the role model trains on (``models.splits.train_ids``;
never the evaluation-only articles or the held-out fifth). Terms seen in fewer than two
documents are left out (an unseen term counts as rarest). Needs ``../shared``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cybertrack.models.splits import CASIE, SHARED, train_ids
from cybertrack.resolve.gold import load_gold
from cybertrack.resolve.terms import terms

OUT = Path(__file__).with_name("data") / "term_df.json"
GOLD = Path(__file__).resolve().parents[3] / "eval" / "links" / "gold.jsonl"
CFR_CSV = SHARED / "data" / "cfr-cyber-operations-tracker" / "cyber-operations-incidents.csv"


def corpus() -> list[str]:
    """The texts counted (see module docstring)."""
    gold = set(load_gold(GOLD))
    texts: list[str] = []
    with CFR_CSV.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), 1):
            if f"cfr:cfr-{n:04d}" not in gold:
                texts.append(f"{row['Title']}\n{row['Description']}")
    for doc_id in train_ids():
        if f"casie:{doc_id}" not in gold:
            texts.append((CASIE / "source" / f"{doc_id}.txt").read_text(
                encoding="utf-8", errors="replace"))
    return texts


def main() -> None:
    texts = corpus()
    df: dict[str, int] = {}
    for text in texts:
        for term in terms(text):
            df[term] = df.get(term, 0) + 1
    kept = {k: v for k, v in sorted(df.items()) if v >= 2}
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"documents": len(texts), "df": kept}, separators=(",", ":"),
                              sort_keys=True) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(texts)} documents, {len(kept)} terms")


if __name__ == "__main__":
    main()
