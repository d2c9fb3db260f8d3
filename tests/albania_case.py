"""The 2022 Albania case as hand-made records, for the export and import tests.

Two short documents written for these tests (not copied from any article): a vendor report
(Mandiant's moderate-confidence attribution, the attackers' self-claim) and a news item
(Albania severs ties with Iran; Albania and the United States attribute the attack to Iran;
Iran denies). Each document has its own incident record and a link says they are the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cybertrack.model import (
    Claim,
    Claimant,
    Document,
    Entity,
    Extraction,
    Incident,
    Link,
    PartialDate,
    Span,
    stable_id,
)
from cybertrack.store import Store

VENDOR_TEXT = (
    "Public e-services in Albania went offline after a destructive cyberattack on 17 July 2022. "
    "Mandiant assessed with moderate confidence that the operators acted in support of Iran. "
    "A group calling itself HomeLand Justice said it had carried out the operation."
)
NEWS_TEXT = (
    "Albania ended diplomatic relations with Iran on 7 September 2022 over the July "
    "cyberattack. Prime Minister Edi Rama said the investigation showed that Iran had "
    "orchestrated the attack. The White House said the United States also holds Iran "
    "responsible. The foreign ministry in Tehran rejected the accusation as baseless."
)

ENTITIES = (
    Entity("country:AL", "country", "Albania", country="AL"),
    Entity("country:IR", "country", "Iran", aliases=("Islamic Republic of Iran",), country="IR"),
    Entity("country:US", "country", "United States", country="US"),
    Entity("actor:homeland-justice", "threat-actor", "HomeLand Justice", sponsor="IR",
           vendor_aliases=(("HomeLand Justice", "Mandiant"),)),
    Entity("org:mandiant", "organization", "Mandiant", country="US"),
)

ALBANIA = Claimant("government", "AL", "AL", "country:AL", "receiver-government")
USA = Claimant("government", "US", "US", "country:US", "third-party-government")
IRAN = Claimant("government", "IR", "IR", "country:IR", "receiver-government")
MANDIANT = Claimant("organization", "Mandiant", "US", "org:mandiant", "it-security-company")
HLJ = Claimant("actor", "HomeLand Justice", None, "actor:homeland-justice",
               "attacker-self-claim")


def _sentence(text: str, needle: str) -> tuple[Span, str]:
    at = text.index(needle)
    start = text.rfind(". ", 0, at)
    start = 0 if start < 0 else start + 2
    end = text.index(".", at) + 1
    return Span(start, end), text[start:end]


def _extraction(text: str, meta: dict[str, Any], incident: dict[str, Any],
                specs: list[tuple[str, str, Claimant | None, dict[str, Any]]]) -> Extraction:
    doc = Document.from_text(text, **meta)
    span, sentence = _sentence(doc.text, incident.pop("needle"))
    inc = Incident(id=stable_id("incident", doc.id, "albania"), document_id=doc.id,
                   key="albania-2022", span=span, sentence=sentence, **incident)
    claims = []
    for kind, needle, who, extra in specs:
        span, sentence = _sentence(doc.text, needle)
        claims.append(Claim(
            id=stable_id("claim", doc.id, kind, span.start), document_id=doc.id,
            kind=kind,  # type: ignore[arg-type]
            sentence=span, sentence_text=sentence, claimant=who, incident_id=inc.id,
            claim_date=doc.published, **extra))
    return Extraction(doc, (), ENTITIES, (inc,), tuple(claims))


def albania_extractions() -> list[Extraction]:
    vendor = _extraction(
        VENDOR_TEXT,
        {"source": "https://security.example.org/albania-roadsweep", "title":
         "Destructive attack on Albanian e-services", "publisher": "Example Security Wire",
         "published": PartialDate.day(dt.date(2022, 8, 4)), "reliability": "B",
         "language": "en"},
        {"needle": "destructive cyberattack", "kinds": ("disruption", "destruction"),
         "targets": ("AL",), "target_orgs": ("Government of Albania",),
         "sectors": ("government",), "operator": "HomeLand Justice",
         "time": PartialDate.day(dt.date(2022, 7, 17), "17 July 2022"),
         "title": "Destructive attack on Albanian e-services"},
        [("incident-report", "went offline", None,
          {"event_date": PartialDate.day(dt.date(2022, 7, 17), "17 July 2022")}),
         ("attribution", "Mandiant assessed", MANDIANT,
          {"attributed_state": "IR", "confidence": "moderate",
           "hedge": "assessed with moderate confidence"}),
         ("self-claim", "calling itself", HLJ,
          {"attributed_actor": "HomeLand Justice",
           "attributed_actor_id": "actor:homeland-justice"})],
    )
    news = _extraction(
        NEWS_TEXT,
        {"source": "https://news.example.net/albania-iran-ties", "title":
         "Albania cuts ties with Iran over cyberattack", "publisher": "Example Daily",
         "published": PartialDate.day(dt.date(2022, 9, 7)), "reliability": "C",
         "language": "en"},
        {"needle": "July cyberattack", "kinds": ("disruption",), "targets": ("AL",),
         "time": PartialDate.month(2022, 7, "July"), "title": "Cyberattack on Albania"},
        [("response", "ended diplomatic relations", ALBANIA,
          {"action": "sever-relations", "actor_state": "AL", "target_state": "IR",
           "event_date": PartialDate.day(dt.date(2022, 9, 7), "7 September 2022")}),
         ("attribution", "Edi Rama", ALBANIA, {"attributed_state": "IR",
                                               "likelihood": None}),
         ("attribution", "White House", USA, {"attributed_state": "IR"}),
         ("denial", "rejected the accusation", IRAN,
          {"stance": "denies", "attributed_state": "IR"})],
    )
    return [vendor, news]


def albania_link(exs: list[Extraction]) -> Link:
    a, b = exs[0].incidents[0].id, exs[1].incidents[0].id
    return Link(stable_id("link", "incident", a, b), "incident", a, b, 0.87,
                ("same target AL", "overlapping time 2022-07"), "resolve", "proposed")


def load_albania(store: Store) -> list[Extraction]:
    """Store the case (both documents, their entities and the incident link)."""
    exs = albania_extractions()
    for ex in exs:
        store.add_extraction(ex)
    store.add_links([albania_link(exs)])
    return exs
