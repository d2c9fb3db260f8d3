"""Names and one-line summaries shared by every exporter.

STIX, MISP and the tables all show the same things to people: a country by its common name,
a claimant as "Government of Albania" rather than "AL", a claim as one readable line. Keeping
those words in one place means the three outputs never disagree about what a record says.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from cybertrack.model import Claim, Claimant, PartialDate
from cybertrack.vocab import RESPONSE_ACTIONS

#: Where pycountry's common name is not the name analysts use.
_COUNTRY_NAMES = {
    "RU": "Russia", "TR": "Turkey", "CI": "Ivory Coast", "PS": "Palestine", "BN": "Brunei",
    "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
    "FM": "Micronesia", "VA": "Vatican", "TL": "Timor-Leste", "XK": "Kosovo",
}
#: Where the MISP ``country`` galaxy's cluster value differs from the lower-cased name.
_MISP_COUNTRY_VALUES = {
    "US": "united states of america", "PS": "palestinian territory", "TL": "timor leste",
    "VG": "british virgin islands", "VI": "u.s. virgin islands", "SH": "saint helena",
}


@functools.cache
def country_name(code: str) -> str:
    """The common English name of an ISO 3166-1 alpha-2 code; the code itself if unknown."""
    code = code.upper()
    if code in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[code]
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name)


def misp_country_value(code: str) -> str:
    """The value of the MISP ``country`` galaxy cluster for a country code ("iran")."""
    if code.upper() in _MISP_COUNTRY_VALUES:
        return _MISP_COUNTRY_VALUES[code.upper()]
    name = unicodedata.normalize("NFKD", country_name(code))
    return "".join(c for c in name if not unicodedata.combining(c)).lower()


def slug(text: str) -> str:
    """Lower-case words joined by hyphens, as in the reference data's ids."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def actor_entity_id(name: str) -> str:
    """The entity id of a threat actor known only by name, in the reference data's form
    (``actor:`` + slug), so an imported or unlinked actor meets its reference entry."""
    return "actor:" + slug(name)


def is_country_code(text: str | None) -> bool:
    """True for an upper-case two-letter code such as "AL" (how claims name states)."""
    return text is not None and len(text) == 2 and text.isalpha() and text.isupper()


def claimant_name(claimant: Claimant | None, publisher: str | None = None) -> str:
    """Who speaks, for people: a government by its country's name ("Government of Albania");
    None (the document's own voice) as its publisher."""
    if claimant is None:
        return publisher or "the source document"
    if claimant.kind == "government":
        code = claimant.country or (claimant.name if is_country_code(claimant.name) else None)
        if code and claimant.name in (code, country_name(code)):
            return f"Government of {country_name(code)}"
    return claimant.name


def state_name(code: str | None) -> str:
    return country_name(code) if code else ""


def date_text(value: PartialDate | None) -> str:
    return value.iso() if value else ""


#: How each response action reads with the state it is aimed at.
_RESPONSE_PHRASES = {
    "condemn": "condemned {}", "accuse": "accused {}", "deny": "denied the claims of {}",
    "sever-relations": "severed diplomatic ties with {}",
    "expel-diplomats": "expelled diplomats of {}",
    "recall-ambassador": "recalled its ambassador from {}",
    "summon-ambassador": "summoned the ambassador of {}", "sanction": "imposed sanctions on {}",
    "indict": "indicted people acting for {}", "arrest": "arrested people acting for {}",
    "investigate": "investigated {}", "cyber-retaliation": "retaliated in cyberspace against {}",
    "assist": "assisted {}", "statement": "made a statement about {}",
}


def claim_summary(claim: Claim, publisher: str | None = None) -> str:
    """One line saying who claims what: "Mandiant attributes the incident to HomeLand Justice
    (Iran), moderate confidence"."""
    who = claimant_name(claim.claimant, publisher)
    target = " / ".join(x for x in (
        claim.attributed_actor, state_name(claim.attributed_state)) if x)
    extra = ", ".join(x for x in (
        f"{claim.confidence} confidence" if claim.confidence else "",
        claim.likelihood or "",
        f'hedge "{claim.hedge}"' if claim.hedge else "") if x)
    extra = f" ({extra})" if extra else ""
    if not claim.asserted and claim.kind in ("attribution", "self-claim", "denial"):
        return _unasserted_summary(claim, who, target, extra)
    if claim.kind == "attribution":
        return f"{who} attributes the incident to {target or 'an unnamed actor'}{extra}"
    if claim.kind == "self-claim":
        return f"{who} claims responsibility for the incident{extra}"
    if claim.kind == "denial":
        return f"{who} denies {('involvement of ' + target) if target else 'involvement'}{extra}"
    if claim.kind == "response":
        action = RESPONSE_ACTIONS.get(claim.action or "")
        what = action.label if action else (claim.action or "responded")
        actor = state_name(claim.actor_state) or who
        if claim.target_state:
            phrase = _RESPONSE_PHRASES.get(claim.action or "", f"{what} against {{}}")
            what = phrase.format(state_name(claim.target_state))
        when = f" on {claim.event_date.iso()}" if claim.event_date else ""
        return f"{actor} {what}{when} (according to {who}){extra}"
    when = f" ({claim.event_date.iso()})" if claim.event_date else ""
    return f"{who} reports the incident{when}"


def _unasserted_summary(claim: Claim, who: str, target: str, extra: str) -> str:
    """The one line of a doubted, refused or negated claim, worded so that no reader of an
    export takes it for an attribution (or a denial) it is not."""
    named = target or "an unnamed actor"
    others = [state_name(c) or c for c in claim.alternatives]
    also = f" (or {', '.join(others)})" if others else ""
    if claim.kind == "denial":
        verb = "declines to deny" if claim.polarity == "refused" else "does not deny"
        return f"{who} {verb} {('involvement of ' + target) if target else 'involvement'}{extra}"
    if claim.polarity == "negated":
        return f"{who} says {named} was not behind the incident (not an attribution){extra}"
    if claim.polarity == "refused":
        to = f" (asked about {target})" if target else ""
        return f"{who} declines to attribute the incident{to}{extra}"
    return (f"{who} names {named}{also} as a possible source of the incident, unconfirmed "
            f"(not an attribution){extra}")
