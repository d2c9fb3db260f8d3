"""Analysis of the knowledge base: assessments, reach, responses, firsts and timelines.

Everything is computed at read time from the stored claims, so a new document, an accepted or
rejected link, or a corrected extraction changes the answers at once, and every figure can be
traced to the claims (document and sentence) behind it.

    >>> from cybertrack.analysis import assess, chain, reach, firsts
    >>> a = assess(store, incident_id)         # who is blamed, by whom, how confidently
    >>> chain(a).steps                         # attributions, denials, responses with lags
    >>> reach(store, "Iran").verdict           # has Iran extended its reach?
    >>> firsts(store)                          # the first severance of ties over a cyberattack
"""

from cybertrack.analysis.assessment import (
    Assessment,
    Candidate,
    Support,
    assess,
    assess_case,
    stated_interval,
)
from cybertrack.analysis.case import Case, load_case
from cybertrack.analysis.dates import DatedFact, DateVariant, human, weigh_dates
from cybertrack.analysis.reach import Reach, ReachIncident, TargetYear, reach, resolve_subject
from cybertrack.analysis.responses import Chain, First, Step, chain, firsts
from cybertrack.analysis.sources import SourcedClaim
from cybertrack.analysis.timeline import (
    Timeline,
    TimelineEvent,
    actor_timeline,
    incident_timeline,
    pair_timeline,
)

__all__ = [
    "Assessment", "Candidate", "Case", "Chain", "DateVariant", "DatedFact", "First", "Reach",
    "ReachIncident", "SourcedClaim", "Step", "Support", "TargetYear", "Timeline",
    "TimelineEvent", "actor_timeline", "assess", "assess_case", "chain", "firsts", "human",
    "incident_timeline", "load_case", "pair_timeline", "reach", "resolve_subject",
    "stated_interval", "weigh_dates",
]
