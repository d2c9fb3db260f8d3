"""Intermediate records the pipeline components hand to each other on ``Doc._``.

Components build these up sentence by sentence (an incident gains targets and a better date as
the article goes on), so the drafts are mutable; ``assemble`` turns them into the immutable
records of ``cybertrack.model`` once the document is done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from cybertrack.model import Claimant, PartialDate


class EntityMention(NamedTuple):
    """A span naming an entity, with what the reference data (or the NER) knows of it."""

    start: int
    end: int
    text: str
    kind: str  # country | threat-actor | organization | person | location | malware | sector
    form: str  # name | alias | demonym | capital | metonym | acronym | title-person | ner
    entity_id: str | None
    name: str  # canonical name
    country: str | None = None  # the country itself, or an organization's / person's country
    sponsor: str | None = None  # a threat actor's suspected sponsor
    is_government: bool = False  # a claim by it is a claim by ``country``'s government
    is_vendor: bool = False
    role: str | None = None  # a person's title ("Prime Minister")
    aliases: tuple[str, ...] = ()

    @property
    def state(self) -> str | None:
        """The state this mention stands for when it acts (a country, capital, government body)."""
        if self.kind in ("country",) or self.is_government:
            return self.country
        return None


class Sentence(NamedTuple):
    """A sentence of the document with the mentions inside it."""

    # the field shadows ``tuple.index`` (never called on a Sentence)
    index: int  # type: ignore[assignment]
    start: int
    end: int
    text: str
    mentions: tuple[EntityMention, ...]

    def __hash__(self) -> int:
        """Hash by position only: the rules memoize per sentence (``per_document``), and the
        default tuple hash would walk every mention and its aliases on each lookup. Equal
        sentences have equal positions, so this agrees with ``==``."""
        return hash((self.start, self.end))


@dataclass
class IncidentDraft:
    """An incident as the document builds it up."""

    index: int
    anchor_sentence: int
    anchor: tuple[int, int]
    trigger: str
    kinds: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    target_orgs: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    time: PartialDate | None = None
    operator: str | None = None
    sentences: list[int] = field(default_factory=list)
    generic_attack: bool = False  # named only as an "attack" (disruptive by default)
    #: the targets were inferred (the state complaining of the incident, the one reporting
    #: it), not read in a victim's position: the first victims a later sentence names
    #: replace them
    inferred_targets: bool = False
    #: "espionage" stands for a theft of data ("stole customer records"): trackers of state
    #: operations code a state's theft so; a theft no state is tied to stays a data theft
    #: (``kinds.theft_by_whom``)
    theft_as_espionage: bool = False


@dataclass
class ClaimDraft:
    """A claim found in one sentence; see ``cybertrack.model.Claim`` for the fields."""

    kind: str
    sentence: int
    incident: int | None
    claimant: Claimant | None = None
    attributed_state: str | None = None
    attributed_actor: str | None = None
    attributed_actor_id: str | None = None
    attributed_sponsor: str | None = None
    action: str | None = None
    actor_state: str | None = None
    target_state: str | None = None
    confidence: str | None = None
    likelihood: str | None = None
    hedge: str | None = None
    claim_date: PartialDate | None = None
    event_date: PartialDate | None = None
    cue: str = ""
    polarity: str = "asserted"  # asserted | doubted | refused | negated (``extract.polarity``)
    alternatives: tuple[str, ...] = ()
