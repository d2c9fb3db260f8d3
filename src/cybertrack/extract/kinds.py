"""What kind of operation an incident is, and which sectors it hit, from its sentences' words.

Kind cues ("wiper", "ransomware", "DDoS", "stole") and sector keywords are read in every sentence
that names the incident (``add_kinds``, ``add_sectors``); ``settle_kinds`` then reconciles them
into the kinds the incident is reported as. Cues in a purpose or plan ("in order to spy") do not
count (``realis_kind``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cybertrack.extract import lexicon as lx
from cybertrack.extract.casefold import Pattern, compile_ci
from cybertrack.extract.prefilter import Gate, Prefilter, gate, per_document
from cybertrack.extract.types import ClaimDraft, IncidentDraft, Sentence

#: Kinds whose cue alone, in a sentence about the incident in focus, names how it was done.
STRONG_KINDS = ("ransomware", "destruction", "ddos", "defacement")


_SPECIFIC_DISRUPTIVE = ("ddos", "destruction", "sabotage", "defacement")
#: An operation named only as an attack ("the July cyberattack"): disruptive by default, as an
#: anchor's own "attack" noun is (``IncidentDraft.generic_attack``).
GENERIC_ATTACK_RE = compile_ci(r"\b(?:cyber[- ]?)?attack(?:s|ed)?\b")


def settle_kinds(inc: IncidentDraft, text: str) -> None:
    """Reconcile the kind cues of an incident's sentences into the kinds it is reported as.

    - a wiper "masquerading as ransomware" is not ransomware;
    - stealing information in an operation with no money, leak or ransom in it is espionage
      (CFR and EuRepoC code state intrusions that take data so); stealing money is
      financial theft, stealing to publish is doxing;
    - "disruption" goes where a more specific disruptive kind (DDoS, wiping, sabotage,
      defacement) says how;
    - with no cue at all, an operation known by intrusion tradecraft (phishing, malware,
      access) is espionage; an "attack" known by nothing else is a disruption.
    """
    kinds = inc.kinds
    if "ransomware" in kinds and lx.FAKE_RANSOMWARE_RE.search(text):
        kinds.remove("ransomware")
        if not lx.KIND_RES["disruption"].search(lx.FAKE_RANSOMWARE_RE.sub(" ", text)) and \
                "disruption" in kinds:
            kinds.remove("disruption")
    if "data-theft" in kinds and "ransomware" not in kinds:
        kinds.remove("data-theft")
        if not {"financial-theft", "doxing"} & set(kinds) and "espionage" not in kinds:
            kinds.append("espionage")
            inc.theft_as_espionage = True
    if "disruption" in kinds and set(_SPECIFIC_DISRUPTIVE) & set(kinds):
        kinds.remove("disruption")
    if not kinds:
        intrusion = bool(lx.INTRUSION_RE.search(text))
        kinds.append("disruption" if inc.generic_attack and not intrusion else "espionage")
    if "ransomware" in kinds and "disruption" not in kinds:
        kinds.append("disruption")


def _realis(text: str, pos: int) -> bool:
    """A cue that reports an act, not a purpose or plan ("set up in order to spy on")."""
    return not gate(text).search(lx.IRREALIS_BEFORE_VERB_RE, text[max(0, pos - 25) : pos])


def is_speculative(text: str, g: Gate) -> bool:
    """A hypothesis, motive or question rather than a report ("could", "why", "...?");
    ``text`` is the text of the gate ``g`` or a part of it."""
    return g.search(lx.SPECULATIVE_WORD_RE, text) is not None or (
        "?" in text and g.search(lx.QUESTION_END_RE, text) is not None)


@per_document
def speculative(text: str) -> bool:
    """``is_speculative`` of a sentence, worked out once per sentence."""
    return is_speculative(text, gate(text))


@per_document
def realis_kind(text: str) -> bool:
    """A kind cue in the sentence that reports an act."""
    g = gate(text)
    return any(_realis(text, m.start()) for rx in lx.KIND_RES.values()
               for m in g.finditer(rx, text))


def add_kinds(inc: IncidentDraft, text: str) -> None:
    g = gate(text)
    for kind, rx in lx.KIND_RES.items():
        if kind not in inc.kinds and g.search(rx, text):
            inc.kinds.append(kind)


def add_sectors(inc: IncidentDraft, text: str, sector_res: Mapping[str, Pattern]) -> None:
    g = _sector_gate(_sector_prefilter(sector_res), text)
    for sector, rx in sector_res.items():
        if sector not in inc.sectors and g.search(rx, text):
            inc.sectors.append(sector)


_SECTOR_FILTERS: dict[int, tuple[Mapping[str, Pattern], Prefilter]] = {}


def _sector_prefilter(sector_res: Mapping[str, Pattern]) -> Prefilter:
    """One prefilter per sector table (the table is kept alive beside it)."""
    hit = _SECTOR_FILTERS.get(id(sector_res))
    if hit is None or hit[0] is not sector_res:
        hit = _SECTOR_FILTERS[id(sector_res)] = (sector_res, Prefilter(sector_res.values()))
    return hit[1]


@per_document
def _sector_gate(prefilter: Prefilter, text: str) -> Gate:
    return Gate(prefilter, text)


def theft_by_whom(incidents: Sequence[IncidentDraft], claims: Sequence[ClaimDraft],
                  sentences: Sequence[Sentence], genre: str = "brief") -> None:
    """A theft of data read as espionage (``settle_kinds``) is a data theft where the text
    shows a non-state author and ties no state to it: a group claiming the act for itself,
    a named group with no sponsor, or criminals ("a gang", "cybercriminals", "sold on the
    dark web"). A bank breached by a gang is no espionage; a state's theft of the same
    records is, as trackers of state operations code their records (``genre`` "brief"), and
    a theft whose author is unknown keeps that reading there. A news report
    (``rolemodel.genre_of``) is read for what it tells happened: data stolen is a data theft
    whoever took it, espionage only where the text says spying."""
    for inc in incidents:
        if not inc.theft_as_espionage or inc.operator is not None or \
                "espionage" not in inc.kinds:
            continue
        if genre == "report":
            inc.kinds[inc.kinds.index("espionage")] = "data-theft"
            continue
        own = [c for c in claims if c.incident == inc.index and c.polarity == "asserted"
               and c.kind in ("attribution", "self-claim")]
        if any(c.attributed_state or c.attributed_sponsor for c in own):
            continue
        text = " ".join(sentences[i].text for i in inc.sentences if i < len(sentences))
        if any(c.kind == "self-claim" or c.attributed_actor for c in own) or \
                lx.CRIMINAL_RE.search(text):
            inc.kinds[inc.kinds.index("espionage")] = "data-theft"
