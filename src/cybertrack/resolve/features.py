"""Are two incident records the same event? Scored evidence, never a silent merge.

Each pair of incidents from different documents is compared on what a person would check:
shared distinctive terms (a victim's name, a malware family: ``resolve.terms``; a term the
texts write as a name weighs more than a common word, and a shared malware family made for one
operation counts strongly on its own), compatible time ranges (two news reports published in
the same week may date one event apart), kinds and attributions, and shared target countries.
Each gives a number in [0, 1]; the weighted sum is the link's score, and the reasons kept are
the ones that decided.
A link needs evidence that tells this event from others: shared distinctive terms, or a shared
target country *with* a shared attribution, the same kind and agreeing dates; a shared country
alone, or a country and a usual suspect, never links. Two things make a pair *incompatible* (no
link, and never in one group): they come from the same document (the extractor already decided
they are distinct) or from the same tracker (its rows are distinct events by its own coding),
or both are dated and too far apart to be one event. Two exceptions, where the source itself
says one event: two incidents of one document its text gives nothing to tell apart may share a
group (``one_event_split``; still never linked), and two rows of one tracker telling one event
twice link (``duplicate_rows``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from cybertrack.model import Incident, PartialDate
from cybertrack.resolve import terms as term_index

#: Weights of the five comparisons; they sum to 1.
WEIGHTS = {"terms": 0.55, "time": 0.15, "kinds": 0.10, "actors": 0.10, "targets": 0.10}
#: Links scoring below this are not stored at all.
LINK_FLOOR = 0.50
#: Proposed links at or above this join incidents into one group; below it they wait for review.
GROUP_THRESHOLD = 0.65
#: Without shared distinctive terms, dates must agree at least this well (same month, or
#: precise dates within a month)...
CORROBORATING_TIME = 0.5
#: ...or this well when one is a tracker row (dated by disclosure, often weeks later).
TRACKER_CORROBORATING_TIME = 0.3
#: ...and neither date coarser than this many days (a month): a year fits any operation.
COARSE_CORROBORATING_DAYS = 31
#: Shared distinctive terms count from this ``terms_score`` on (below: common words only).
TERMS_MIN = 0.5
#: What a pair corroborated by target, attribution, kind and time counts for the terms.
CORROBORATED_TERMS = 0.6
#: The shared terms' mass (rarity cubed, summed) that gives a terms score of 1 - 1/e.
TERMS_SCALE = 2.0
#: Two reports naming one malware family made for one operation (``terms.malware``) share
#: distinctive terms at least this strongly, however common the family's name has become.
SHARED_MALWARE_TERMS = 0.8
#: A shared term counts this much more when either text writes it as a name (``terms.names``:
#: a victim, a person, a malware family), this much less when both write it as a word.
NAME_WEIGHT = 1.5
WORD_WEIGHT = 0.4
#: A term both headlines hold counts this much more: it is what each report is about.
HEADLINE_WEIGHT = 2.0
#: A shared pair of name words ("licking county") adds this on top of its two words: one
#: name written alike, not two more pieces of evidence.
PAIR_WEIGHT = 1.0
#: Terms agreeing this strongly overrule dates up to ``STRONG_TERMS_GAP_DAYS`` apart and
#: attributions that differ (extraction misreads both more often than two events share
#: several rare names).
STRONG_TERMS = 0.9
STRONG_TERMS_GAP_DAYS = 400
#: Two news reports published within this many days of each other whose terms agree at least
#: ``TOGETHER_TERMS`` report one event even when the dates extracted from them disagree (or
#: their attributions do): a report often dates its incident by a background event ("last
#: year...") or misreads an attribution, while two reports naming the same victims and people
#: in the same week rarely tell two events.
TOGETHER_DAYS = 10
TOGETHER_TERMS = 0.8
#: The time evidence of two news reports published within ``TOGETHER_DAYS`` when one of them
#: gives no date of its own: an undated report tells of the events of its week, so its
#: publication agrees with the other report's as well as two dates a week or two apart do,
#: far better than "no date" (0.4) says. Counted on the terms route only: it never stands in
#: for the dates of a pair linked without shared terms (``corroborated``).
TOGETHER_TIME = 0.8
#: An interval no longer than this many days counts as a precise date (a day or a short range).
PRECISE_DAYS = 11
#: How much of a document's text (headline first, then the lead) gives its incidents' terms.
LEAD_CHARS = 1200
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
    #: Distinctive words of the incident and its document's headline and lead (``terms``).
    terms: frozenset[str] = frozenset()
    #: The rarest of them, by which candidates are found (``terms.blocking_keys``).
    keys: frozenset[str] = frozenset()
    #: The words naming its victim organizations (``Incident.target_orgs``).
    victims: frozenset[str] = frozenset()
    #: The terms its text writes as names (``terms.names``): they weigh more than words.
    names: frozenset[str] = frozenset()
    #: Reference malware families made for one operation that its text names
    #: (``terms.malware``: a wiper, a sabotage tool, a ransomware outbreak).
    malware: frozenset[str] = frozenset()
    #: When its document was published (None: not known).
    published: PartialDate | None = None
    #: The terms of its document's headline (the lead's first line).
    headline: frozenset[str] = frozenset()
    #: The states sponsoring the actors it is attributed to (``reference``: Ghostwriter is
    #: Belarus's): a report naming the actor agrees with one naming its state.
    sponsors: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, incident: Incident, *, states: frozenset[str] = frozenset(),
        actors: frozenset[str] = frozenset(), origin: str | None = None, lead: str = "",
        published: PartialDate | None = None,
    ) -> IncidentFeatures:
        actor_names = set(actors)
        if incident.operator:
            actor_names.add(incident.operator.casefold())
        resolved = [actor_key(n) for n in actor_names]
        raw = "\n".join([incident.title or "", incident.sentence, *incident.target_orgs,
                          *incident.sectors])
        text = raw.casefold()
        words = " ".join(w for w in _WORD.findall(text) if w not in _STOP)
        lead_terms, lead_names, lead_malware, headline = _lead_parts(lead[:LEAD_CHARS])
        term_set = term_index.terms(" ".join([text, incident.operator or ""])) | lead_terms
        name_set = term_index.names(raw) | lead_names | (
            term_index.terms(incident.operator or "") | term_index.terms(
                " ".join(incident.target_orgs)))
        term_set |= {n for n in name_set if " " in n}  # name pairs are terms of their own
        return cls(incident.id, incident.document_id, frozenset(incident.targets), incident.time,
                   frozenset(incident.kinds), states, frozenset(k for k, _ in resolved), words,
                   origin or incident.document_id, term_set,
                   term_index.blocking_keys(term_set),
                   term_index.terms(" ".join(incident.target_orgs)), name_set & term_set,
                   term_index.malware(raw) | lead_malware, published, headline,
                   frozenset(s for _, s in resolved if s))


@lru_cache(maxsize=8192)
def actor_key(name: str) -> tuple[str, str | None]:
    """An attributed actor as linking compares it, and the state sponsoring it: the reference
    entry's id for any of its names ("UNC1151", and "UNC1151?" as a tracker writes a doubtful
    affiliation, are both ``actor:ghostwriter``), else the name as given. Two reports naming
    one group by two of its aliases agree; they do not differ."""
    from cybertrack.errors import UnknownEntityError
    from cybertrack.reference import load_reference

    key = name.strip().strip("?!.,;:").strip()
    ref = load_reference()
    if key.startswith("actor:"):
        try:
            entry = ref.entry(key)
        except UnknownEntityError:  # an entity of the knowledge base the reference lacks
            return name, None
    elif key and ref.lookup(key, "threat-actor"):  # (an unknown name's suggestions cost)
        entry = ref.actor(key)
    else:
        return name, None
    return entry.id, entry.sponsor


@lru_cache(maxsize=4096)
def _lead_parts(lead: str) -> tuple[frozenset[str], frozenset[str], frozenset[str],
                                    frozenset[str]]:
    """The terms, names, malware and headline terms of a document's headline and lead, read
    once for all its incidents (and again only when the cache has let it go)."""
    if not lead:
        return frozenset(), frozenset(), frozenset(), frozenset()
    return (term_index.terms(lead), term_index.names(lead), term_index.malware(lead),
            term_index.terms(lead.split("\n", 1)[0]))


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
    """1 when both are attributed to one state or actor (an actor by any of its aliases, or an
    actor and the state sponsoring it), 0 when they are attributed differently, 0.5 when
    not both are attributed, or both name different actors of one state (one report may
    name the unit another does not: no agreement, but no contradiction either)."""
    if (a.states or a.actors) and (b.states or b.actors):
        shared = (a.states & b.states) | (a.actors & b.actors)
        by_sponsor = (a.states | a.sponsors) & (b.states | b.sponsors)
        if not shared and by_sponsor and not (a.actors and b.actors):
            shared = by_sponsor
        if shared:
            return 1.0, f"both attributed to {', '.join(sorted(shared))}"
        if by_sponsor:
            return 0.5, f"attributed to different actors of {', '.join(sorted(by_sponsor))}"
        return 0.0, "attributed to different states or actors"
    return 0.5, "attribution not given by both"


def same_origin(a: IncidentFeatures, b: IncidentFeatures) -> bool:
    """Same document, or two rows of one tracker: distinct events by their source's word."""
    return a.document_id == b.document_id or a.origin == b.origin


def duplicate_rows(a: IncidentFeatures, b: IncidentFeatures) -> bool:
    """Two rows of one tracker that tell one event twice: the tracker's own coding keeps its
    rows apart, but a tracker also lists one event under two rows (an operation and the
    actor's entry, or one row entered twice: "Targeting of Latvian, Lithuanian, and Ukrainian
    computer systems" beside "... Ukrainian, Latvian, and Lithuanian ..."). Such rows agree on
    everything: precise dates within three days, the same target countries, a kind and an
    attribution in common, and distinctive terms agreeing overwhelmingly (``STRONG_TERMS``).
    Left apart, each gathers half of the event's reports."""
    if a.document_id == b.document_id or a.origin != b.origin or not _tracker(a):
        return False
    if a.time is None or b.time is None or time_score(a.time, b.time)[0] != 1.0:
        return False
    if not a.targets or a.targets != b.targets or not (a.kinds & b.kinds):
        return False
    if actors_score(a, b)[0] != 1.0:
        return False
    return _term_weights(a, b)[0] >= STRONG_TERMS


def one_event_split(a: IncidentFeatures, b: IncidentFeatures) -> bool:
    """Two incidents of one document that its text gives nothing to tell apart: a kind in
    common, dates that can be one event (or none), target countries that do not differ,
    attributions, victim organizations and malware made for one operation that do not differ.
    The extractor split them (a breach told by its period and by its disclosure, one
    campaign's victims in two sentences), so they may stand in one group when links put them
    there; they are never linked to each other. Incidents that differ in any of these (the
    July and the September attack on one country, a wiper and a DDoS on the same day, two
    towns' ransomware) stay apart."""
    if a.document_id != b.document_id or not (a.kinds & b.kinds):
        return False
    if a.targets and b.targets and not (a.targets & b.targets):
        return False
    if time_score(a.time, b.time)[0] is None or actors_score(a, b)[0] == 0.0:
        return False
    if a.victims and b.victims and not (a.victims & b.victims):
        return False
    return not (a.malware and b.malware and not (a.malware & b.malware))


def compatible(a: IncidentFeatures, b: IncidentFeatures) -> bool:
    """False when the two can never be one event: same document (unless the text gives
    nothing to tell the two apart: ``one_event_split``) or tracker (unless the rows are one
    event entered twice: ``duplicate_rows``), or dates too far apart (``time_score`` None)
    unless their distinctive terms agree overwhelmingly and the dates are within
    ``STRONG_TERMS_GAP_DAYS`` (reports often date a breach by its discovery, its disclosure
    or the period it ran)."""
    if a.document_id == b.document_id:
        return one_event_split(a, b)
    if a.origin == b.origin and not duplicate_rows(a, b):
        return False
    if time_score(a.time, b.time)[0] is not None:
        return True  # the terms only matter to dates that disagree (groups check many pairs)
    return _dated_ok(a, b, _term_weights(a, b)[0])[0] is not None


def published_together(a: IncidentFeatures, b: IncidentFeatures) -> int | None:
    """Days between the publication of two news reports (not tracker rows, which are coded
    later) when within ``TOGETHER_DAYS``, else None."""
    if a.published is None or b.published is None or _tracker(a) or _tracker(b):
        return None
    gap = gap_days(a.published, b.published)
    return gap if gap <= TOGETHER_DAYS else None


def _tracker(f: IncidentFeatures) -> bool:
    return f.origin.startswith("tracker:")


def _dated_ok(a: IncidentFeatures, b: IncidentFeatures, term_score: float
              ) -> tuple[float | None, str]:
    t_score, t_reason = time_score(a.time, b.time)
    if a.time is None or b.time is None:
        together = published_together(a, b)
        if together is not None:
            return TOGETHER_TIME, (f"{t_reason}, but the reports were published {together} "
                                   "days apart")
        return t_score, t_reason
    if t_score is None and term_score >= STRONG_TERMS and a.time and b.time \
            and gap_days(a.time, b.time) <= STRONG_TERMS_GAP_DAYS:
        return 0.0, f"{t_reason}, but the terms agree overwhelmingly"
    if t_score is None and term_score >= TOGETHER_TERMS:
        together = published_together(a, b)
        if together is not None:
            return 0.0, (f"{t_reason}, but the reports were published {together} days apart "
                         "and their terms agree")
    return t_score, t_reason


def terms_score(a: IncidentFeatures, b: IncidentFeatures) -> tuple[float, list[str]]:
    """How strongly the two share distinctive terms, in [0, 1), and the shared terms, weightiest
    first: each shared term adds its rarity cubed (a rare name counts nearly fully, a common
    word next to nothing), times ``NAME_WEIGHT`` for a name (``PAIR_WEIGHT`` for a pair of name
    words) or ``WORD_WEIGHT`` for a common word, times ``HEADLINE_WEIGHT`` when both headlines
    hold it; the sum saturates (``TERMS_SCALE``). A shared malware family made for one
    operation gives at least ``SHARED_MALWARE_TERMS``."""
    score, weight = _term_weights(a, b)
    return score, sorted(weight, key=lambda t: (-weight[t], t))


def _term_weights(a: IncidentFeatures, b: IncidentFeatures) -> tuple[float, dict[str, float]]:
    """``terms_score`` without ordering the shared terms: the score and each term's weight."""
    names = a.names | b.names
    heads = a.headline & b.headline
    weight = {t: term_index.rarity(t) ** 3 * (
        (PAIR_WEIGHT if " " in t else NAME_WEIGHT) if t in names else WORD_WEIGHT) * (
        HEADLINE_WEIGHT if t in heads else 1.0)
        for t in a.terms & b.terms}
    score = 1.0 - math.exp(-sum(weight.values()) / TERMS_SCALE)
    if a.malware & b.malware:
        score = max(score, SHARED_MALWARE_TERMS)
    return score, weight


def corroborating_time(a: IncidentFeatures, b: IncidentFeatures) -> tuple[float, str]:
    """How well the two records' dates agree for a pair without shared distinctive terms, and
    why: 0 unless both are dated, neither coarser than a month. A year, or no date at all, fits
    every operation of an actor's year in a country: with a shared country, attribution and
    kind it would link the near misses (one actor's two operations) that linking must keep
    apart. (Nor is an undated report dated by its publication here: a country, an actor, a
    kind and a week are still not one operation.)"""
    if a.time is None or b.time is None or \
            max(_span(a.time), _span(b.time)) > COARSE_CORROBORATING_DAYS:
        return 0.0, ""
    score, reason = time_score(a.time, b.time)
    return score or 0.0, reason


def corroborated(a: IncidentFeatures, b: IncidentFeatures, t_score: float, k_score: float
                 ) -> str | None:
    """Why a pair without shared distinctive terms may still be one event, or None: a shared
    target country *and* either precise dates within three days (attributions not differing;
    not a tracker row, dated by disclosure) or a shared attribution *and* the same kind *and*
    dates agreeing (same month, or within a month; looser for a tracker row),
    and not two reports that each name victim organizations, or malware made for one
    operation, none in common. Never a country alone, nor a country and an actor: an actor's
    operations in one country are many. ``t_score`` is ``corroborating_time``: both dated, no
    coarser than a month (two records of one actor's year say nothing of one operation)."""
    tracker = a.origin.startswith("tracker:") or b.origin.startswith("tracker:")
    if not (a.targets & b.targets):
        return None
    if a.victims and b.victims and not (a.victims & b.victims):
        return None  # each names its victim organizations, and none in common
    if a.malware and b.malware and not (a.malware & b.malware):
        return None  # each names the malware made for its operation, and not the same
    if t_score >= 1.0 and not tracker and actors_score(a, b)[0] != 0.0:
        return "same target and day"  # two reports of one target within three days
    if k_score < 1.0:
        return None
    if t_score < (TRACKER_CORROBORATING_TIME if tracker else CORROBORATING_TIME):
        return None
    if actors_score(a, b)[0] != 1.0:
        return None
    return "same target, attribution, kind and time"


def score_pair(a: IncidentFeatures, b: IncidentFeatures) -> PairScore | None:
    """The evidence that ``a`` and ``b`` are the same event, or None when it is too weak to
    propose or the two are incompatible.

    A link needs agreeing evidence that tells this event from others: shared distinctive
    terms (a named victim, a malware family, a product: ``terms``) or, failing them, a shared
    target country with a shared attribution, the same kind and agreeing dates
    (``corroborated``). Attributions that differ veto a pair unless the terms agree strongly.
    The reasons listed are the ones that decided: the shared terms, then each other piece of
    evidence that agreed or spoke against it."""
    duplicate = False
    if same_origin(a, b):
        duplicate = duplicate_rows(a, b)
        if not duplicate:
            return None
    term_score, shared_terms = terms_score(a, b)
    t_score, t_reason = _dated_ok(a, b, term_score)
    if t_score is None:
        return None
    k_score, k_reason = kinds_score(a.kinds, b.kinds)
    a_score, a_reason = actors_score(a, b)
    shared_targets = a.targets & b.targets
    if shared_targets:
        g_score = 0.4 + 0.6 * len(shared_targets) / len(a.targets | b.targets)
    elif a.targets and b.targets:
        g_score = 0.0
    else:
        g_score = 0.5
    route = None if term_score < TERMS_MIN else "terms"
    if route is None:
        route = corroborated(a, b, corroborating_time(a, b)[0], k_score)
    if route is None:
        return None
    if a_score == 0.0 and term_score < STRONG_TERMS and not (
            term_score >= TOGETHER_TERMS and published_together(a, b) is not None):
        return None  # attributed to different states or actors, and the terms do not overrule
    # corroborated without terms: the agreement of four independent things stands in for them
    parts = {"terms": term_score if route == "terms" else CORROBORATED_TERMS, "time": t_score,
             "kinds": k_score, "actors": a_score, "targets": g_score}
    score = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 3)
    reasons: list[str] = []
    if a.malware & b.malware:
        reasons.append("same malware " + ", ".join(
            sorted(m.removeprefix("malware:") for m in a.malware & b.malware)))
    if shared_terms and term_score >= TERMS_MIN:
        reasons.append(f"shared terms {', '.join(shared_terms[:6])} (terms {term_score:.2f})")
    if shared_targets:
        reasons.append(f"shared targets {', '.join(sorted(shared_targets))}")
    elif g_score == 0.0:
        reasons.append("different targets")
    if t_score >= CORROBORATING_TIME or t_score < 0.4:
        reasons.append(t_reason)
    if k_score != 0.5:
        reasons.append(k_reason)
    if a_score != 0.5:
        reasons.append(a_reason)
    if route != "terms":
        reasons.append(f"no distinctive terms shared; linked on {route}")
    if duplicate:
        reasons.append("two rows of one tracker telling one event (same day, targets, kind, "
                       "attribution and terms)")
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
