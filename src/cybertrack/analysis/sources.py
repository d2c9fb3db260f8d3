"""Who says so: each claim with its source document, its claimant's basis and a usable date.

Rules (documented here because every assessment figure depends on them):

- **Basis.** A claim with no claimant is the document's own voice: basis ``media``, claimant
  the document's publisher. A government claimant (or a person speaking for one) is a
  ``receiver-government`` when its country is among the incident's targets, else a
  ``third-party-government``. Tracker imports keep ``tracker``; the extractor's
  ``it-security-company``, ``attacker-self-claim`` and ``international-organization`` are kept;
  an actor speaking for itself is an ``attacker-self-claim``.
- **Identity.** A claimant is identified by a key: governments by country (the Prime Minister,
  the foreign ministry and "Albania" are one claimant), organizations and actors by name,
  media by publisher. Many claims by one claimant count once.
- **Independence.** Media outlets and trackers relay what others said, so they are listed but
  never counted as independent claimants; every other distinct claimant is independent.
- **Dates.** A response's or incident report's date is its ``event_date`` (when the thing
  happened); an attribution's, self-claim's or denial's is when it was said. Failing those, the
  ``claim_date``, else the document's publication date; which one was used is kept, so a lag
  computed from a publication date is shown as approximate.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from cybertrack.errors import ReferenceDataError
from cybertrack.model import Claim, PartialDate
from cybertrack.reference import Reference, load_reference
from cybertrack.store.analytics import DocumentInfo

DateSource = Literal["event", "claim", "published", "none"]

BASIS_LABELS: dict[str, str] = {
    "receiver-government": "victim government",
    "third-party-government": "third-party government",
    "it-security-company": "security company",
    "attacker-self-claim": "self-claim",
    "international-organization": "international body",
    "media": "media",
    "tracker": "tracker",
    "unknown": "other",
}
#: Bases whose claimants count as independent evidence.
INDEPENDENT_BASES = frozenset({
    "receiver-government", "third-party-government", "it-security-company",
    "attacker-self-claim", "international-organization", "unknown",
})
#: Bases whose claims make an attribution credible enough to contest another.
CREDIBLE_BASES = frozenset({
    "receiver-government", "third-party-government", "it-security-company",
    "international-organization",
})
_GOVERNMENT_BASES = frozenset({"government", "receiver-government", "third-party-government"})


@dataclass(frozen=True, slots=True)
class SourcedClaim:
    """A claim as analysis sees it: who (label, basis, identity key), where (document), when."""

    claim: Claim
    document: DocumentInfo | None
    basis: str
    claimant: str
    key: str
    when: PartialDate | None
    when_source: DateSource
    tied: bool = True

    @property
    def independent(self) -> bool:
        return self.basis in INDEPENDENT_BASES

    @property
    def source_label(self) -> str:
        """The document as a reader would cite it: publisher, date."""
        doc = self.document
        if doc is None:
            return self.claim.document_id
        when = doc.published.iso() if doc.published else "undated"
        return f"{doc.publisher or doc.title or doc.source}, {when}"


@functools.lru_cache(maxsize=4096)
def _country_name(ref: Reference, code: str) -> str:
    try:
        return ref.country(code).name
    except ReferenceDataError:
        return code


def country_name(code: str | None, ref: Reference | None = None) -> str:
    """A country's display name from its ISO code ("IR" -> "Iran"); the code if unknown."""
    if not code:
        return "unknown"
    return _country_name(ref or load_reference(), code)


def source_name(source: str, ref: Reference | None = None) -> str:
    """A source as ``attribution_facts`` stores it (the claimant's name, else the
    publisher), for display: a government speaks under its country code ("AL" -> "Albania")."""
    return country_name(source, ref) if len(source) == 2 and source.isupper() else source


def basis_of(claim: Claim, targets: Iterable[str]) -> str:
    """The claimant basis of ``claim`` for an incident against ``targets`` (module rules)."""
    who = claim.claimant
    if who is None:
        return "media"
    if who.basis == "tracker":
        return "tracker"
    is_gov = who.kind == "government" or who.basis in _GOVERNMENT_BASES or (
        who.kind == "person" and who.country and who.basis in ("government", "unknown"))
    if is_gov and who.country:
        return "receiver-government" if who.country in set(targets) else "third-party-government"
    if who.kind == "actor":
        return "attacker-self-claim"
    if who.basis in BASIS_LABELS:
        return who.basis
    return "unknown"


#: The claimant label of a document's own words when its publisher is not known.
UNNAMED_MEDIA = "unnamed media outlet"


def claimant_of(claim: Claim, basis: str, doc: DocumentInfo | None,
                ref: Reference | None = None) -> tuple[str, str]:
    """(display label, identity key) of the claim's claimant."""
    who = claim.claimant
    if who is None or basis == "media":
        # the document's own voice: its publisher, else an unnamed outlet (one per document,
        # never the headline, which is what the document says, not who says it)
        publisher = doc.publisher if doc else None
        if publisher:
            return publisher, f"media:{publisher.casefold()}"
        return UNNAMED_MEDIA, f"media:document:{doc.id if doc else claim.document_id}"
    if basis in ("receiver-government", "third-party-government") and who.country:
        name = country_name(who.country, ref)
        if who.kind == "person" and who.name and who.name != who.country:
            return f"{name} ({who.name})", f"gov:{who.country}"
        return name, f"gov:{who.country}"
    name = who.name or "unknown"
    return name, f"{basis}:{name.casefold()}"


#: Claims whose date is when they were made: an attribution or a denial is an act of speech;
#: an ``event_date`` on one is the incident's date, not the claim's.
SAID = frozenset({"attribution", "self-claim", "denial"})


def date_of(claim: Claim, doc: DocumentInfo | None) -> tuple[PartialDate | None, DateSource]:
    """When the claimed thing happened (responses, incident reports) or was said
    (attributions, denials); failing that, when the document was published."""
    if claim.event_date is not None and claim.kind not in SAID:
        return claim.event_date, "event"
    if claim.claim_date is not None:
        return claim.claim_date, "claim"
    if doc is not None and doc.published is not None:
        return doc.published, "published"
    return None, "none"


def sourced(claims: Iterable[Claim], documents: Mapping[str, DocumentInfo],
            targets: Iterable[str], *, untied: frozenset[str] = frozenset(),
            ref: Reference | None = None) -> list[SourcedClaim]:
    """Wrap claims with their sources; ids in ``untied`` were tied to the incident by their
    document rather than by the extractor."""
    target_set = set(targets)
    out = []
    for c in claims:
        doc = documents.get(c.document_id)
        basis = basis_of(c, target_set)
        label, key = claimant_of(c, basis, doc, ref)
        when, source = date_of(c, doc)
        out.append(SourcedClaim(c, doc, basis, label, key, when, source, c.id not in untied))
    return out
