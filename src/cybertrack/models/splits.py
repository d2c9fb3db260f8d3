"""The one definition of which CASIE articles the role model may learn from.

CASIE (``../shared/data/casie``) has 1,000 annotated news articles. The 130 that
``../shared/eval/news/casie-held-out.txt`` lists are state-related articles kept for evaluation
only: they are never read here beyond their ids. Of the other 870 ("trainable"), sorted by id,
every fifth (index % 5 == 4) is a held-out fifth that no training or tuning step sees; the
figures of ``docs/extraction.md`` "Learned roles" are measured on it. Everything else is the
training part. Defining the split once, here, keeps every script and test on the same one.
"""

from __future__ import annotations

from pathlib import Path

from cybertrack.errors import EvalError

#: ``../shared`` next to the repository (``/work/main`` -> ``/work/shared``).
SHARED = Path(__file__).resolve().parents[4] / "shared"
CASIE = SHARED / "data" / "casie" / "data"
HELD_OUT_LIST = SHARED / "eval" / "news" / "casie-held-out.txt"


def evaluation_only(path: Path = HELD_OUT_LIST) -> frozenset[str]:
    """Ids of the CASIE articles kept for evaluation only (never trained or tuned on)."""
    if not path.is_file():
        raise EvalError(f"{path} not found: the held-out list lives in ../shared/eval/news")
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def all_ids(casie: Path = CASIE) -> list[str]:
    """Ids of the annotated CASIE articles, sorted (as strings, the way the split sorts them)."""
    folder = casie / "annotation"
    if not folder.is_dir():
        raise EvalError(f"{folder} not found: the CASIE corpus lives in ../shared/data/casie")
    return sorted(p.stem for p in folder.glob("*.json"))


def trainable_ids(casie: Path = CASIE, held_out: Path = HELD_OUT_LIST) -> list[str]:
    """The 870 articles the project may learn from, sorted."""
    banned = evaluation_only(held_out)
    return [i for i in all_ids(casie) if i not in banned]


def split(ids: list[str]) -> tuple[list[str], list[str]]:
    """(training ids, held-out fifth) of sorted trainable ids: index % 5 == 4 is held out."""
    ordered = sorted(ids)
    return ([i for n, i in enumerate(ordered) if n % 5 != 4],
            [i for n, i in enumerate(ordered) if n % 5 == 4])


def train_ids() -> list[str]:
    """Articles the role model is trained on."""
    return split(trainable_ids())[0]


def dev_ids() -> list[str]:
    """The held-out fifth: never trained or tuned on, scored in docs/extraction.md."""
    return split(trainable_ids())[1]
