"""Are two incident records the same event? Scored evidence, never a silent merge.

Each pair of incidents from different documents is compared on five things a person would check:
shared target countries, compatible time ranges, compatible kinds, compatible attributions and
similar wording. Each gives a number in [0, 1] and a reason in words; the weighted sum is the
link's score. Two things make a pair *incompatible* (no link, and never in one group): they come
from the same document (the extractor already decided they are distinct) or from the same
tracker (its rows are distinct events by its own coding), or both are dated and too far apart
to be one event.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from cybertrack.model import Incident, PartialDate

#: Weights of the five comparisons; they sum to 1.
WEIGHTS = {"targets": 0.30, "time": 0.25, "kinds": 0.20, "actors": 0.15, "wording": 0.10}
#: Links scoring below this are not stored at all.
LINK_FLOOR = 0.50
#: Proposed links at or above this join incidents into one group; below it they wait for review.
GROUP_THRESHOLD = 0.65
#: Without dates agreeing at least this well (same month, or precise dates within a month)...
CORROBORATING_TIME = 0.5
#: ...or wording at least this similar, a pair is capped below the group threshold: shared
#: targets, kinds and a usual suspect alone are common to many distinct operations.
CORROBORATING_WORDING = 0.6
#: An uncorroborated pair is proposed for review only when everything else agrees this well.
UNCORROBORATED_FLOOR = 0.8
#: An interval no longer than this many days counts as a precise date (a day or a short range).
PRECISE_DAYS = 11
#: Two precise dates further apart than this are different events.
MAX_GAP_DAYS = 45
#: How far a coarse date (month, year) may sit from another and still be compatible.
COARSE_SLACK_DAYS = 31

_FAMILIES = (
    frozenset({"disruption", "destruction", "sabotage", "ransomware", "ddos", "defacement",
               "hijacking"}),
    frozenset({"espionage", "data-theft", "doxing", "influence-operation"}),
    frozenset({"financial-theft", "ransomware"}),
)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from",
    "over", "after", "its", "their", "his", "her", "was", "were", "is", "are", "be", "been",
    "has", "have", "had", "that", "this", "which", "who", "said", "says",
})


@dataclass(frozen=True, slots=True)
class IncidentFeatures:
    """What the comparison needs of one incident, computed once."""

    id: str
    document_id: str
    targets: frozenset[str]
    time: PartialDate | None
    kinds: frozenset[str]
    states: frozenset[str]
    actors: frozenset[str]
    words: str
    origin: str = ""

    @classmethod
    def of(
        cls, incident: Incident, *, states: frozenset[str] = frozenset(),
        actors: frozenset[str] = frozenset(), origin: str | None = None,
    ) -> IncidentFeatures:
        actor_names = set(actors)
        if incident.operator:
            actor_names.add(incident.operator.casefold())
        text = " ".join([incident.title or "", incident.sentence, *incident.target_orgs,
                         *incident.sectors]).casefold()
        words = " ".join(w for w in _WORD.findall(text) if w not in _STOP)
        return cls(incident.id, incident.document_id, frozenset(incident.targets), incident.time,
                   frozenset(incident.kinds), states, frozenset(actor_names), words,
                   origin or incident.document_id)


@dataclass(frozen=True, slots=True)
class PairScore:
    """The score of a pair and one reason per comparison, in words a reviewer can check."""

    score: float
    reasons: tuple[str, ...]


def gap_days(a: PartialDate, b: PartialDate) -> int:
    """Days between two intervals; 0 when they overlap."""
    later_start = max(a.start, b.start)
    earlier_end = min(a.end, b.end)
    return max(0, (later_start - earlier_end).days)


def _span(d: PartialDate) -> int:
    return (d.end - d.start).days


def _show(d: PartialDate) -> str:
    return d.interval() if d.precision == "range" else d.iso()


def time_score(a: PartialDate | None, b: PartialDate | None) -> tuple[float | None, str]:
    """Compatibility of two incident dates, or None when they cannot be one event."""
    if a is None or b is None:
        return 0.4, "one report gives no date"
    gap = gap_days(a, b)
    if _span(a) <= PRECISE_DAYS and _span(b) <= PRECISE_DAYS:
        for limit, score in ((3, 1.0), (14, 0.8), (31, 0.5), (MAX_GAP_DAYS, 0.2)):
            if gap <= limit:
                return score, f"dates {_show(a)} and {_show(b)} are {gap} days apart"
        return None, f"dates {_show(a)} and {_show(b)} are {gap} days apart"
    if gap == 0:
        coarse = max(_span(a), _span(b))
        score = 0.8 if coarse <= 31 else 0.4 if coarse <= 366 else 0.25
        return score, f"dates {_show(a)} and {_show(b)} overlap"
    if gap <= COARSE_SLACK_DAYS:
        return 0.3, f"dates {_show(a)} and {_show(b)} are {gap} days apart"
    return None, f"dates {_show(a)} and {_show(b)} are {gap} days apart"


def kinds_score(a: frozenset[str], b: frozenset[str]) -> tuple[float, str]:
    if not a or not b:
        return 0.5, "kinds not given by both"
    if a & b:
        return 1.0, f"same kind ({', '.join(sorted(a & b))})"
    if any(a & fam and b & fam for fam in _FAMILIES):
        return 0.6, f"related kinds ({', '.join(sorted(a))} / {', '.join(sorted(b))})"
    return 0.1, f"different kinds ({', '.join(sorted(a))} / {', '.join(sorted(b))})"


def actors_score(a: IncidentFeatures, b: IncidentFeatures) -> tuple[float, str]:
    if (a.states or a.actors) and (b.states or b.actors):
        shared = sorted((a.states & b.states) | (a.actors & b.actors))
        if shared:
            return 1.0, f"both attributed to {', '.join(shared)}"
        return 0.0, "attributed to different states or actors"
    return 0.5, "attribution not given by both"


def same_origin(a: IncidentFeatures, b: IncidentFeatures) -> bool:
    """Same document, or two rows of one tracker: distinct events by their source's word."""
    return a.document_id == b.document_id or a.origin == b.origin


def compatible(a: IncidentFeatures, b: IncidentFeatures) -> bool:
    """False when the two can never be one event (same document or tracker, or dates too far
    apart)."""
    if same_origin(a, b):
        return False
    return time_score(a.time, b.time)[0] is not None


def score_pair(a: IncidentFeatures, b: IncidentFeatures) -> PairScore | None:
    """The evidence that ``a`` and ``b`` are the same event, or None when they share no target
    country or are incompatible."""
    if same_origin(a, b):
        return None
    shared = a.targets & b.targets
    if not shared:
        return None
    t_score, t_reason = time_score(a.time, b.time)
    if t_score is None:
        return None
    # a shared target matters, but a row listing fifteen victims shares one with everything
    targets = 0.4 + 0.6 * len(shared) / len(a.targets | b.targets)
    k_score, k_reason = kinds_score(a.kinds, b.kinds)
    a_score, a_reason = actors_score(a, b)
    wording = fuzz.token_set_ratio(a.words, b.words) / 100.0 if a.words and b.words else 0.0
    parts = {"targets": targets, "time": t_score, "kinds": k_score, "actors": a_score,
             "wording": wording}
    score = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 3)
    reasons = [
        f"shared targets {', '.join(sorted(shared))}", t_reason, k_reason, a_reason,
        f"wording similarity {wording:.2f}",
    ]
    if t_score < CORROBORATING_TIME and wording < CORROBORATING_WORDING:
        if score < UNCORROBORATED_FLOOR:
            return None  # too common a coincidence to be worth anyone's review
        score = min(score, round(GROUP_THRESHOLD - 0.05, 3))
        reasons.append("left for review: neither the dates nor the wording corroborate it")
    return PairScore(score, tuple(reasons))


def window(time: PartialDate | None, published: PartialDate | None
           ) -> tuple[dt.date, dt.date] | None:
    """The dates a candidate's time must overlap: the incident's own interval widened by the
    largest compatible gap, or, for an undated incident, the year before its publication."""
    slack = dt.timedelta(days=MAX_GAP_DAYS)
    if time is not None:
        return time.start - slack, time.end + slack
    if published is not None:
        return published.end - dt.timedelta(days=366), published.end
    return None
