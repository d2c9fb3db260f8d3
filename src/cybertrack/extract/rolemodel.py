"""The learned role model at run time: which part a state mention plays around an event.

A multinomial logistic regression over sparse features of a candidate mention (the words
around it, its kind and surface form, what the rules say of it) gives the probabilities of
three roles: ``none``, ``victim`` (a target of the operation) and ``attacker`` (its operator).
It was trained on CASIE's argument annotations (``cybertrack.models.train_roles``; how and on
what: docs/extraction.md "Learned roles"); the weights ship in ``extract/data/roles.json``.

Nothing here learns or reads anything but that file: training code lives in
``cybertrack.models`` and is never imported at run time. Scoring a mention is a few dozen
dictionary look-ups.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import NamedTuple

from cybertrack.errors import ExtractionError
from cybertrack.extract.types import EntityMention, Sentence

#: Where the shipped weights live.
WEIGHTS = Path(__file__).with_name("data") / "roles.json"
LABELS = ("none", "victim", "attacker")
#: How the role decisions are made: the rules alone, the model alone, or both (the default).
MODES = ("rules", "model", "both")
#: Kinds of text the combination has thresholds for: a tracker's record or a one-paragraph
#: note ("brief", what the rules were written against) and a news article or a report.
GENRES = ("brief", "report")
#: A document of fewer words is "brief": CFR's descriptions have a median of 35 words and 99%
#: have fewer than 165; 99% of CASIE's news articles have 119 or more.
BRIEF_WORDS = 120
_MODE: ContextVar[tuple[str, Path, str]] = ContextVar("cybertrack_role_mode",
                                                      default=("both", WEIGHTS, "brief"))

#: Mention kinds that can stand for a state in an operation (with a country).
_CANDIDATE_KINDS = frozenset(("country", "organization", "location"))
_WORD_RE = re.compile(r"[a-z0-9]+(?:[-'’.][a-z0-9]+)*|[^\sa-z0-9]")
#: Words that name a cyber event: where one stands relative to a mention is a strong cue.
_EVENT_WORDS = frozenset((
    "attack", "attacks", "attacked", "attacking", "cyberattack", "cyberattacks", "hack",
    "hacked", "hacking", "hacks", "breach", "breached", "breaches", "ransomware", "phishing",
    "compromised", "targeted", "targeting", "targets", "stole", "stolen", "theft", "leak",
    "leaked", "exposed", "infected", "malware", "intrusion", "espionage", "defaced", "ddos",
    "scam", "fraud", "victim", "victims", "hit", "struck", "spying", "campaign"))
_ATTACKER_WORDS = frozenset((
    "hackers", "hacker", "attackers", "attacker", "group", "gang", "actors", "actor", "spies",
    "criminals", "cybercriminals", "operatives", "man", "men", "nationals", "national",
    "citizen", "citizens", "suspects", "suspect", "charged", "indicted", "arrested",
    "sponsored", "backed", "linked", "state-sponsored", "state-backed", "by", "from"))


class Candidate(NamedTuple):
    """A mention the model scores: its index in the sentence and the rules' verdicts."""

    # the field shadows ``tuple.index`` (never called on a Candidate)
    index: int  # type: ignore[assignment]
    rule_attacker: bool
    rule_victim: bool


def role_mode() -> str:
    """The mode in force for this document ("rules", "model" or "both")."""
    return _MODE.get()[0]


def current_model() -> RoleModel:
    """The model in force for this document (the shipped one unless the pipeline was built
    with another, as cross-validation does)."""
    return load_model(_MODE.get()[1])


def current_thresholds() -> dict[str, float]:
    """The combination's thresholds for this document's genre."""
    return current_model().thresholds_for(_MODE.get()[2])


def set_role_mode(mode: str, model: Path | None = None, genre: str = "brief") -> None:
    """Set the mode (and the weights file, and the genre of the text) for the documents
    processed next in this thread; the pipeline does this from its ``role_mode`` and
    ``role_model`` settings and the document's length before each document."""
    if mode not in MODES:
        raise ExtractionError(f"unknown role mode {mode!r}: use one of {', '.join(MODES)}")
    if genre not in GENRES:
        raise ExtractionError(f"unknown genre {genre!r}: use one of {', '.join(GENRES)}")
    _MODE.set((mode, model or WEIGHTS, genre))


def genre_of(text: str) -> str:
    """"brief" for a record of a few sentences, "report" for an article. The rules were
    written against trackers' records and the model learned from news articles, so each
    genre has the thresholds cross-validation chose on its own kind of text."""
    words = itertools.islice(re.finditer(r"\S+", text), BRIEF_WORDS)
    return "report" if sum(1 for _ in words) >= BRIEF_WORDS else "brief"


def is_candidate(m: EntityMention) -> bool:
    """Whether the model scores this mention: one that names or carries a country."""
    return m.kind in _CANDIDATE_KINDS and bool(m.state or m.country)


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def features(sent: Sentence, cand: Candidate) -> list[str]:
    """The sparse features of one candidate (strings; the weights map each to three numbers).

    Why each: the words right beside a mention and their distance decide most roles ("against
    X", "X hackers", "X nationals charged"); the surface form tells a demonym modifying a noun
    from a name standing alone; the rules' verdicts let the model learn where they hold.
    """
    m = sent.mentions[cand.index]
    s, e = m.start - sent.start, m.end - sent.start
    left = _words(sent.text[max(0, s - 80) : s])[-8:]
    right = _words(sent.text[e : e + 80])[:8]
    out = ["bias", f"kind={m.kind}", f"form={m.form}", f"kf={m.kind}/{m.form}",
           f"gov={m.is_government}", f"state={m.state is not None}",
           f"ra={cand.rule_attacker}", f"rv={cand.rule_victim}",
           f"rr={cand.rule_attacker}/{cand.rule_victim}/{m.form}"]
    for k, w in enumerate(reversed(left[-3:]), 1):
        out.append(f"L{k}={w}")
    for k, w in enumerate(right[:3], 1):
        out.append(f"R{k}={w}")
    out.extend(f"Lw={w}" for w in left[:-3])
    out.extend(f"Rw={w}" for w in right[3:])
    l1 = left[-1] if left else "<s>"
    r1 = right[0] if right else "</s>"
    out.append(f"L1R1={l1}|{r1}")
    out.append(f"fR1={m.form}|{r1}")
    if len(right) > 1:
        out.append(f"R12={r1}|{right[1]}")
    if len(left) > 1:
        out.append(f"L21={left[-2]}|{l1}")
    ev_l = [k for k, w in enumerate(reversed(left)) if w in _EVENT_WORDS]
    ev_r = [k for k, w in enumerate(right) if w in _EVENT_WORDS]
    out.append(f"evL={_bucket(ev_l[0]) if ev_l else 'no'}")
    out.append(f"evR={_bucket(ev_r[0]) if ev_r else 'no'}")
    if any(w in _ATTACKER_WORDS for w in right[:3]):
        out.append("attR3")
    if any(w in _ATTACKER_WORDS for w in left[-2:]):
        out.append("attL2")
    out.append(f"headline={sent.index == 0}")
    out.append(f"pos={min(2, 3 * s // max(1, len(sent.text)))}")
    others = sum(1 for x in sent.mentions if x is not m and is_candidate(x))
    out.append(f"others={min(others, 3)}")
    after = sent.text[e : e + 2]
    if after[:1] in ("'", "’"):
        out.append("possessive")
    return out


def _bucket(distance: int) -> str:
    return "0" if distance == 0 else "1-2" if distance <= 2 else "3-5" if distance <= 5 else "6+"


class RoleModel:
    """Weights of the shipped model: feature -> one weight per label, and the decision
    thresholds the training script chose (on the training part, by cross-validation): the
    ones of brief records, and, where the file has them, the ones of reports."""

    def __init__(self, weights: dict[str, list[float]], thresholds: dict[str, float],
                 report_thresholds: dict[str, float] | None = None) -> None:
        self.weights = weights
        self.thresholds = thresholds
        self.report_thresholds = report_thresholds if report_thresholds is not None \
            else thresholds

    def thresholds_for(self, genre: str) -> dict[str, float]:
        return self.report_thresholds if genre == "report" else self.thresholds

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RoleModel:
        labels = data.get("labels")
        if labels != list(LABELS):
            raise ExtractionError(f"role model labels {labels!r} are not {list(LABELS)!r}: "
                                  "rebuild the weights with `make model`")
        weights = data.get("weights")
        thresholds = data.get("thresholds")
        if not isinstance(weights, dict) or not isinstance(thresholds, dict):
            raise ExtractionError("role model file lacks weights or thresholds: rebuild it "
                                  "with `make model`")
        report = data.get("report_thresholds")
        return cls({str(k): [float(x) for x in v] for k, v in weights.items()},
                   {str(k): float(v) for k, v in thresholds.items()},
                   {str(k): float(v) for k, v in report.items()}
                   if isinstance(report, dict) else None)

    def probabilities(self, feats: Sequence[str]) -> tuple[float, ...]:
        """P(none), P(victim), P(attacker) for one candidate's features."""
        scores = [0.0] * len(LABELS)
        get = self.weights.get
        for f in feats:
            w = get(f)
            if w is not None:
                for k in range(len(LABELS)):
                    scores[k] += w[k]
        top = max(scores)
        exps = [math.exp(x - top) for x in scores]
        total = sum(exps)
        return tuple(x / total for x in exps)

    def score(self, sent: Sentence, cand: Candidate) -> tuple[float, ...]:
        return self.probabilities(features(sent, cand))


@functools.lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS) -> RoleModel:
    """The shipped model (read once per process; no network)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExtractionError(f"cannot read the role model {path}: {exc}; rebuild it with "
                              "`make model`") from exc
    if not isinstance(data, dict):
        raise ExtractionError(f"{path} is not a role model: rebuild it with `make model`")
    return RoleModel.from_json(data)
