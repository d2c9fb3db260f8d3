"""A third document about the 2022 Albania case whose claims are not assertions, for the
export tests: a vendor that cannot confirm who did it (names two possible sources), one that
says a state was not behind it, a ministry that declines to attribute it, and a government
that has not denied it. Written for these tests, not copied from any article."""

from __future__ import annotations

import datetime as dt

from albania_case import albania_extractions
from cybertrack.model import (
    Claim,
    Claimant,
    Document,
    Extraction,
    PartialDate,
    Polarity,
    Span,
    stable_id,
)
from cybertrack.store import Store

TEXT = (
    "Analysts at Example Labs could not confirm whether Russia or China was behind the attack "
    "on Albania. Example Labs also said that Belarus was not behind it. The interior ministry "
    "declined to say which state it held responsible. Moscow has not denied involvement."
)

LABS = Claimant("organization", "Example Labs", "US", None, "it-security-company")
MINISTRY = Claimant("government", "AL", "AL", "country:AL", "receiver-government")
RUSSIA = Claimant("government", "RU", "RU", "country:RU", "receiver-government")

#: (needle, kind, claimant, polarity, attributed state, alternatives)
SPECS: tuple[tuple[str, str, Claimant, Polarity, str | None, tuple[str, ...]], ...] = (
    ("could not confirm", "attribution", LABS, "doubted", "RU", ("CN",)),
    ("was not behind", "attribution", LABS, "negated", "BY", ()),
    ("declined to say", "attribution", MINISTRY, "refused", None, ()),
    ("has not denied", "denial", RUSSIA, "negated", "RU", ()),
)


def polarity_extraction(incident_id: str) -> Extraction:
    """The document and its four claims, tied to ``incident_id``."""
    doc = Document.from_text(TEXT, "https://labs.example.com/albania-notes",
                             title="Notes on the Albania attack", publisher="Example Labs",
                             published=PartialDate.day(dt.date(2022, 9, 20)),
                             reliability="C", language="en")
    claims = []
    for needle, kind, who, polarity, state, alternatives in SPECS:
        at = doc.text.index(needle)
        start = doc.text.rfind(". ", 0, at)
        start = 0 if start < 0 else start + 2
        end = doc.text.index(".", at) + 1
        claims.append(Claim(
            id=stable_id("claim", doc.id, kind, start), document_id=doc.id,
            kind=kind,  # type: ignore[arg-type]
            sentence=Span(start, end), sentence_text=doc.text[start:end], claimant=who,
            incident_id=incident_id, stance="denies" if kind == "denial" else "asserts",
            attributed_state=state, polarity=polarity, alternatives=alternatives,
            claim_date=doc.published))
    return Extraction(doc, (), (), (), tuple(claims))


def load_with_polarity(store: Store) -> None:
    """The Albania case plus the claims that are not assertions, about its vendor incident."""
    from albania_case import albania_link

    exs = albania_extractions()
    for ex in exs:
        store.add_extraction(ex)
    store.add_links([albania_link(exs)])
    store.add_extraction(polarity_extraction(exs[0].incidents[0].id))
