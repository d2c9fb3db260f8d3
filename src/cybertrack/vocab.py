"""Controlled vocabularies shared by extraction, storage, analysis and export.

Kept as plain constants and small frozen records so that every layer (and the eval scorer) speaks
the same words; the codes of other schemes (CAMEO, PLOVER, CFR, EuRepoC, ICD 203, Admiralty) sit
next to our terms so importers and exporters never invent their own mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

EntityKind = Literal[
    "country", "threat-actor", "organization", "person", "location", "malware", "sector"
]
ENTITY_KINDS: Final[tuple[str, ...]] = (
    "country", "threat-actor", "organization", "person", "location", "malware", "sector",
)

# --- incident kinds -------------------------------------------------------------------------
INCIDENT_KINDS: Final[tuple[str, ...]] = (
    "espionage", "data-theft", "doxing", "disruption", "ddos", "defacement", "ransomware",
    "destruction", "sabotage", "financial-theft", "hijacking", "influence-operation",
)

#: CFR Cyber Operations Tracker "Type" -> our incident kinds.
CFR_TYPE_TO_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "espionage": ("espionage",),
    "denial of service": ("ddos",),
    "data destruction": ("destruction",),
    "defacement": ("defacement",),
    "doxing": ("doxing",),
    "sabotage": ("sabotage",),
    "financial theft": ("financial-theft",),
}

#: EuRepoC "incident_type" values -> our incident kinds.
EUREPOC_TYPE_TO_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "data theft": ("data-theft",),
    "data theft & doxing": ("data-theft", "doxing"),
    "disruption": ("disruption",),
    "hijacking with misuse": ("hijacking",),
    "hijacking without misuse": ("hijacking",),
    "ransomware": ("ransomware",),
    "wiper": ("destruction",),
    "ddos": ("ddos",),
    "defacement": ("defacement",),
}

# --- response actions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResponseAction:
    """A state's reaction, with the event-data codes analysts already use."""

    name: str
    cameo: str
    plover: str
    label: str


RESPONSE_ACTIONS: Final[dict[str, ResponseAction]] = {
    a.name: a
    for a in (
        ResponseAction("condemn", "111", "ACCUSE:disapprove", "condemned"),
        ResponseAction("accuse", "112", "ACCUSE:allege", "accused"),
        ResponseAction("deny", "016", "REJECT:deny", "denied"),
        ResponseAction("sever-relations", "161", "SANCTION:withdraw", "severed diplomatic ties"),
        ResponseAction("expel-diplomats", "166", "SANCTION:expel", "expelled diplomats"),
        ResponseAction("recall-ambassador", "161", "SANCTION:withdraw", "recalled its ambassador"),
        ResponseAction("summon-ambassador", "114", "ACCUSE:disapprove", "summoned the ambassador"),
        ResponseAction("sanction", "163", "SANCTION:sanction", "imposed sanctions"),
        ResponseAction("indict", "173", "ACCUSE:allege", "indicted"),
        ResponseAction("arrest", "173", "COERCE:arrest", "arrested"),
        ResponseAction("investigate", "090", "INVESTIGATE", "investigated"),
        ResponseAction("cyber-retaliation", "190", "COERCE:cyber", "retaliated in cyberspace"),
        ResponseAction("assist", "070", "AID", "assisted the victim"),
        ResponseAction("statement", "010", "STATEMENT", "made a statement"),
    )
}
#: Actions the eval (and the analysis) treat as one family of verbal reactions.
VERBAL_FAMILY: Final[frozenset[str]] = frozenset({"condemn", "accuse", "statement"})

# --- estimative language ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Likelihood:
    """An ICD 203 likelihood term stored as an interval of probability."""

    term: str
    low: float
    high: float


LIKELIHOODS: Final[dict[str, Likelihood]] = {
    x.term: x
    for x in (
        Likelihood("almost no chance", 0.01, 0.05),
        Likelihood("very unlikely", 0.05, 0.20),
        Likelihood("unlikely", 0.20, 0.45),
        Likelihood("roughly even chance", 0.45, 0.55),
        Likelihood("likely", 0.55, 0.80),
        Likelihood("very likely", 0.80, 0.95),
        Likelihood("almost certain", 0.95, 0.99),
    )
}

#: Surface phrases (lower case) -> ICD 203 term. Adverb forms included.
LIKELIHOOD_SYNONYMS: Final[dict[str, str]] = {
    "almost no chance": "almost no chance", "remote": "almost no chance",
    "very unlikely": "very unlikely", "highly improbable": "very unlikely",
    "highly unlikely": "very unlikely",
    "unlikely": "unlikely", "improbable": "unlikely", "improbably": "unlikely",
    "roughly even chance": "roughly even chance", "roughly even odds": "roughly even chance",
    "even chance": "roughly even chance",
    "likely": "likely", "probable": "likely", "probably": "likely",
    "very likely": "very likely", "highly likely": "very likely",
    "highly probable": "very likely",
    "almost certain": "almost certain", "almost certainly": "almost certain",
    "nearly certain": "almost certain", "nearly certainly": "almost certain",
}

CONFIDENCE_LEVELS: Final[tuple[str, ...]] = ("low", "moderate", "high")
#: Analytic confidence -> STIX 2.1 confidence (0-100), following the STIX "Admiralty"-free
#: High/Medium/Low scale of the STIX 2.1 spec, appendix A.
CONFIDENCE_TO_STIX: Final[dict[str, int]] = {"low": 15, "moderate": 50, "high": 85}
#: Confidence synonyms seen in reporting -> our level.
CONFIDENCE_SYNONYMS: Final[dict[str, str]] = {
    "low": "low", "moderate": "moderate", "medium": "moderate", "high": "high",
}

# --- sources ----------------------------------------------------------------------------------
ADMIRALTY_RELIABILITY: Final[dict[str, str]] = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
    "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged",
}
ADMIRALTY_CREDIBILITY: Final[dict[int, str]] = {
    1: "confirmed by other sources", 2: "probably true", 3: "possibly true",
    4: "doubtful", 5: "improbable", 6: "truth cannot be judged",
}

ClaimantBasis = Literal[
    "receiver-government", "third-party-government", "it-security-company",
    "attacker-self-claim", "media", "international-organization", "tracker", "unknown",
]
CLAIMANT_BASES: Final[tuple[str, ...]] = (
    "receiver-government", "third-party-government", "it-security-company",
    "attacker-self-claim", "media", "international-organization", "tracker", "unknown",
)

STATE_INVOLVEMENT: Final[tuple[str, ...]] = (
    "state", "non-state, state-affiliation suggested", "non-state group", "individual", "unknown",
)

ClaimKind = Literal["attribution", "self-claim", "denial", "response", "incident-report"]
CLAIM_KINDS: Final[tuple[str, ...]] = (
    "attribution", "self-claim", "denial", "response", "incident-report",
)
ClaimantKind = Literal["government", "organization", "actor", "person"]
