"""The domain model: immutable records declared once (DESIGN.md, "Records").

Records are frozen dataclasses. Ids are deterministic (a hash of what makes the record what it
is), so re-extracting the same document yields the same ids and re-ingesting changes nothing.
Every record a person sees traces back to a document and a character span.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from cybertrack.vocab import ClaimantKind, ClaimKind

Precision = Literal["year", "month", "day", "range"]
#: Whether the text asserts a claim, doubts it, says it is not so, or declines to say.
Polarity = Literal["asserted", "doubted", "refused", "negated"]
POLARITIES: tuple[Polarity, ...] = ("asserted", "doubted", "refused", "negated")


def _id_text(parts: tuple[object, ...]) -> str:
    return "\x1f".join(["" if p is None else str(p) for p in parts])


def stable_id(prefix: str, *parts: object) -> str:
    """A short deterministic id: ``prefix--`` plus 20 hex digits of a SHA-256 of the parts."""
    h = hashlib.sha256(_id_text(parts).encode("utf-8"))
    return f"{prefix}--{h.hexdigest()[:20]}"


def stable_ids(prefix: str, *first: object) -> Callable[..., str]:
    """``stable_id(prefix, *first, *rest)`` as a function of ``rest`` (one part or more), for
    many ids that share their first parts (every mention of a document): the shared parts are
    hashed once and the hash copied, so each id hashes only its own parts."""
    shared = hashlib.sha256((_id_text(first) + "\x1f").encode("utf-8"))

    def make(*rest: object) -> str:
        if not rest or not first:
            return stable_id(prefix, *first, *rest)
        h = shared.copy()
        h.update(_id_text(rest).encode("utf-8"))
        return f"{prefix}--{h.hexdigest()[:20]}"

    return make


def normalize_text(text: str) -> str:
    """The form a document's id is computed from: NFC, unified newlines, trimmed line ends."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def document_id(text: str) -> str:
    """Documents are identified by their normalized text, so the same article read twice (or
    from a mirror) is one document."""
    return "doc--" + hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to some precision, always held as the interval [start, end] it covers.

    ``2022`` covers the year, ``2022-07`` the month; "mid-July 2022" is a ``range`` from the
    10th to the 20th. ``text`` keeps the phrase it was read from.
    """

    start: dt.date
    end: dt.date
    precision: Precision
    text: str = ""

    @classmethod
    def year(cls, y: int, text: str = "") -> PartialDate:
        return cls(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", text)

    @classmethod
    def month(cls, y: int, m: int, text: str = "") -> PartialDate:
        return cls(dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]), "month", text)

    @classmethod
    def day(cls, d: dt.date, text: str = "") -> PartialDate:
        return cls(d, d, "day", text)

    @classmethod
    def parse(cls, iso: str, text: str = "") -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``START/END`` (ISO interval)."""
        iso = iso.strip()
        if "/" in iso:
            a, b = (cls.parse(x) for x in iso.split("/", 1))
            return cls(a.start, b.end, "range", text)
        parts = iso[:10].split("-")
        try:
            if len(parts) == 1:
                return cls.year(int(parts[0]), text)
            if len(parts) == 2:
                return cls.month(int(parts[0]), int(parts[1]), text)
            return cls.day(dt.date(int(parts[0]), int(parts[1]), int(parts[2])), text)
        except ValueError as exc:
            raise ValueError(f"not an ISO partial date: {iso!r}") from exc

    def iso(self) -> str:
        """The ISO form at the precision known; a range gives its coarsest common prefix."""
        if self.precision == "year":
            return f"{self.start.year:04d}"
        if self.precision == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.precision == "day":
            return self.start.isoformat()
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.start.year == self.end.year:
            return f"{self.start.year:04d}"
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def interval(self) -> str:
        """``START/END`` ISO interval, lossless (what the store keeps beside ``iso()``)."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def overlaps(self, other: PartialDate, slack_days: int = 0) -> bool:
        slack = dt.timedelta(days=slack_days)
        return self.start - slack <= other.end and other.start - slack <= self.end

    def __str__(self) -> str:
        return self.iso()


@dataclass(frozen=True, slots=True)
class Document:
    """One article, report, feed item or tracker row, as read by ``ingest``."""

    id: str
    text: str
    source: str
    media_type: str = "text/plain"
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: PartialDate | None = None
    retrieved: str | None = None
    language: str | None = None
    reliability: str = "F"
    external_id: str | None = None

    @classmethod
    def from_text(cls, text: str, source: str, **kw: object) -> Document:
        """Build a document whose id is the hash of its normalized text."""
        norm = normalize_text(text)
        return cls(id=document_id(norm), text=norm, source=source, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets into a document's text, half-open."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Entity:
    """A country, threat actor, organization, person, location, malware or sector.

    ``vendor_aliases`` pairs each alias with the vendor that coined it (("Forest Blizzard",
    "Microsoft")); ``sponsor`` is the suspected sponsoring state of a threat actor.
    """

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    sponsor: str | None = None
    vendor_aliases: tuple[tuple[str, str], ...] = ()
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a document that names an entity."""

    id: str
    document_id: str
    span: Span
    sentence: Span
    text: str
    label: str
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    """A cyber operation as one document reports it; cross-document sameness is a Link."""

    id: str
    document_id: str
    key: str
    kinds: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    target_orgs: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    time: PartialDate | None = None
    operator: str | None = None
    title: str | None = None
    span: Span | None = None
    sentence: str = ""


@dataclass(frozen=True, slots=True)
class Claimant:
    """Who makes a claim. ``kind`` follows the gold-set shape: a government (by country), an
    organization, an actor speaking for itself, or a person (with their country if known)."""

    kind: ClaimantKind
    name: str
    country: str | None = None
    entity_id: str | None = None
    basis: str = "unknown"

    def as_gold(self) -> dict[str, str]:
        if self.kind == "government":
            return {"government": self.country or self.name}
        if self.kind == "person":
            out = {"person": self.name}
            if self.country:
                out["country"] = self.country
            return out
        return {self.kind: self.name}


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement by one claimant in one sentence. Append-only: corrections are new claims.

    kind ``attribution``/``self-claim``: ``attributed_state`` and/or ``attributed_actor``;
    ``denial``: the claimant denies the incident's attribution to it; ``response``: ``actor_state``
    did ``action`` against ``target_state`` on ``event_date``; ``incident-report``: that the
    incident happened on ``event_date``.

    ``polarity`` says whether the text asserts the claim, doubts it ("cannot confirm", "one of
    several possible sources"), says it is not so ("was not behind", "no evidence that") or
    declines to say ("declined to attribute"); only asserted claims count as attributions
    (the others are kept as evidence). A list of possible sources ("could have been A, B or
    C") is one doubted claim: ``attributed_state`` the first state named, ``alternatives`` the
    others.
    """

    id: str
    document_id: str
    kind: ClaimKind
    sentence: Span
    sentence_text: str
    claimant: Claimant | None = None
    incident_id: str | None = None
    stance: Literal["asserts", "denies"] = "asserts"
    attributed_state: str | None = None
    attributed_actor: str | None = None
    attributed_actor_id: str | None = None
    action: str | None = None
    actor_state: str | None = None
    target_state: str | None = None
    confidence: str | None = None
    likelihood: str | None = None
    hedge: str | None = None
    claim_date: PartialDate | None = None
    event_date: PartialDate | None = None
    polarity: Polarity = "asserted"
    alternatives: tuple[str, ...] = ()

    @property
    def asserted(self) -> bool:
        """Whether the claim counts as what it says (not doubted, refused or negated)."""
        return self.polarity == "asserted"


@dataclass(frozen=True, slots=True)
class Link:
    """An undoable assertion that two records denote the same thing, with who made it and why.

    ``document``: a document in which extraction found no incident, placed beside the incident
    (or the other such document) it most likely reports (``resolve.placement``)."""

    id: str
    kind: Literal["incident", "actor", "document"]
    a: str
    b: str
    score: float
    reasons: tuple[str, ...]
    made_by: str
    status: Literal["proposed", "accepted", "rejected"] = "proposed"


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    incidents: tuple[Incident, ...] = ()
    claims: tuple[Claim, ...] = ()
    links: tuple[Link, ...] = field(default_factory=tuple)
