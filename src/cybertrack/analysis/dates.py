"""Weighing dates that sources disagree on ("6 September" against "7 September").

Every reported date is kept as a variant with its sources. A variant's support is the number of
distinct documents giving exactly it, plus those giving a coarser date that contains it ("July
2022" supports "15 July 2022"); two variants *conflict* when neither contains the other. The
best-supported variant wins; ties go to a date some source other than a tracker gives (trackers
often date an incident by its disclosure), then to the more precise date, then to the more
reliable sources (Admiralty A before F), then to the earlier date. The explanation says all of
this in a line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cybertrack.analysis.sources import SourcedClaim
from cybertrack.model import PartialDate

_RELIABILITY_RANK = {c: n for n, c in enumerate("ABCDEF")}


def human(d: PartialDate | None) -> str:
    """A date as a reader writes it: "7 September 2022", "July 2022", "2022", "10-20 July 2022"."""
    if d is None:
        return "undated"
    if d.precision == "day":
        return f"{d.start.day} {d.start:%B %Y}"
    if d.precision == "month":
        return f"{d.start:%B %Y}"
    if d.precision == "year":
        return str(d.start.year)
    if (d.start.year, d.start.month) == (d.end.year, d.end.month):
        return f"{d.start.day}-{d.end.day} {d.start:%B %Y}"
    return f"{human(PartialDate.day(d.start))} - {human(PartialDate.day(d.end))}"


def _contains(outer: PartialDate, inner: PartialDate) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _span(d: PartialDate) -> int:
    return (d.end - d.start).days


@dataclass(frozen=True, slots=True)
class DateVariant:
    """One reported date, the claims giving it, and how well it is supported."""

    date: PartialDate
    claims: tuple[SourcedClaim, ...]
    documents: tuple[str, ...]
    support: int

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.source_label for s in self.claims))


@dataclass(frozen=True, slots=True)
class DatedFact:
    """All the dates given for one fact, best supported first. The explanation is worded on
    demand: a state's timeline weighs the dates of a thousand responses and shows none of the
    wording (wording them all was a third of its time)."""

    variants: tuple[DateVariant, ...]
    what: str = "it"

    @property
    def conflict(self) -> bool:
        """Whether a source gives a date that neither contains nor falls within the best."""
        return bool(self.variants) and bool(_rivals(self.variants))

    @property
    def best(self) -> DateVariant | None:
        return self.variants[0] if self.variants else None

    @property
    def date(self) -> PartialDate | None:
        return self.variants[0].date if self.variants else None

    @property
    def explanation(self) -> str:
        """Which date is best supported and who gives the others, in a sentence."""
        what = self.what
        if not self.variants:
            return f"no source dates {what}"
        best = self.variants[0]
        rivals = _rivals(self.variants)
        if not rivals:
            return f"{what} dated {human(best.date)} by {_n(best.support)}"
        others = "; ".join(f"{human(v.date)} ({_n(v.support)}: {', '.join(v.sources)})"
                           for v in rivals)
        if best.support == rivals[0].support:
            return (f"sources disagree on when {what}: {human(best.date)} "
                    f"({', '.join(best.sources)}) and {others} are equally supported; "
                    f"{human(best.date)} is preferred (reported, not only coded by a tracker; "
                    "or more precise or reliable)")
        return (f"sources disagree on when {what}: {human(best.date)} is better supported "
                f"({_n(best.support)}: {', '.join(best.sources)}) than {others}")


def _rivals(variants: tuple[DateVariant, ...]) -> list[DateVariant]:
    """The variants that neither contain nor fall within the best one."""
    best = variants[0]
    return [v for v in variants[1:]
            if not _contains(v.date, best.date) and not _contains(best.date, v.date)]


def weigh_dates(items: Iterable[tuple[PartialDate, SourcedClaim]], what: str = "it") -> DatedFact:
    """Group ``(date, claim)`` pairs into variants and pick the best supported."""
    by_key: dict[tuple[dt.date, dt.date], list[tuple[PartialDate, SourcedClaim]]] = {}
    for date, claim in items:
        by_key.setdefault((date.start, date.end), []).append((date, claim))
    if not by_key:
        return DatedFact((), what)
    direct = {k: {c.claim.document_id for _, c in v} for k, v in by_key.items()}
    dates = {k: v[0][0] for k, v in by_key.items()}
    variants = []
    for k, pairs in by_key.items():
        docs = set(direct[k])
        for other, odocs in direct.items():
            if other != k and _contains(dates[other], dates[k]):
                docs |= odocs
        claims = tuple(c for _, c in pairs)
        variants.append(DateVariant(dates[k], claims, tuple(sorted(direct[k])), len(docs)))

    def rank(v: DateVariant) -> tuple[int, bool, int, float, dt.date]:
        rel = [_RELIABILITY_RANK.get(c.document.reliability, 5) if c.document else 5
               for c in v.claims]
        trackers_only = all(c.basis == "tracker" for c in v.claims)
        return (-v.support, trackers_only, _span(v.date), sum(rel) / len(rel), v.date.start)

    if len(variants) > 1:
        variants.sort(key=rank)
    return DatedFact(tuple(variants), what)


def _n(count: int) -> str:
    return f"{count} document{'s' if count != 1 else ''}"
