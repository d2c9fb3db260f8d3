"""Hand-built documents for the knowledge-base tests (resolve, analysis, report).

``report(...)`` makes one document (text written for these tests, one sentence per claim) with
one incident and the claims given; ``say(...)`` describes one claim. Short and explicit, so a
test reads like the case it checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cybertrack.model import (
    Claim,
    Claimant,
    Document,
    Entity,
    Extraction,
    Incident,
    PartialDate,
    Span,
    stable_id,
)

ALBANIA = Claimant("government", "Albania", "AL", "country:AL", "government")
IRAN = Claimant("government", "Iran", "IR", "country:IR", "government")
UK = Claimant("government", "United Kingdom", "GB", "country:GB", "government")
USA = Claimant("government", "United States", "US", "country:US", "government")
MANDIANT = Claimant("organization", "Mandiant", "US", "org:mandiant", "it-security-company")
CROWDSTRIKE = Claimant("organization", "CrowdStrike", "US", "org:crowdstrike",
                       "it-security-company")
HOMELAND = Claimant("actor", "HomeLand Justice", None, None, "attacker-self-claim")
ACTOR = Entity("actor:test-kitten", "threat-actor", "Test Kitten", aliases=("TK-1",),
               sponsor="IR")


def day(text: str) -> PartialDate:
    return PartialDate.parse(text)


@dataclass(frozen=True)
class Say:
    """One claim: its kind, claimant, sentence and fields (``Claim`` keyword arguments)."""

    kind: str
    sentence: str
    claimant: Claimant | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def say(kind: str, sentence: str, claimant: Claimant | None = None, **fields: Any) -> Say:
    return Say(kind, sentence, claimant, fields)


def report(
    n: int, *, publisher: str, published: str, targets: tuple[str, ...] = ("AL",),
    when: str | None = "2022-07-15", kinds: tuple[str, ...] = ("destruction",),
    claims: tuple[Say, ...] = (), reliability: str = "B", title: str | None = None,
    extra_incidents: tuple[tuple[tuple[str, ...], str], ...] = (),
) -> Extraction:
    """A document reporting one incident (plus ``extra_incidents`` as (targets, date)), with an
    incident-report claim and the given claims, all tied to the first incident."""
    opening = f"Report {n}: a cyberattack hit {', '.join(targets)} systems."
    sentences = [opening, *(c.sentence for c in claims)]
    extra_sentences = [f"Another attack hit {', '.join(t)} on {d}." for t, d in extra_incidents]
    text = " ".join([*sentences, *extra_sentences])
    doc = Document.from_text(
        text, source=f"https://kb.example.org/{n}", title=title or f"Report {n}",
        publisher=publisher, published=day(published), reliability=reliability,
    )
    spans = []
    pos = 0
    for s in [*sentences, *extra_sentences]:
        start = doc.text.index(s, pos)
        pos = start + len(s)
        spans.append(Span(start, pos))
    time = day(when) if when else None
    incident = Incident(
        id=stable_id("incident", doc.id, "i1"), document_id=doc.id, key="i1", kinds=kinds,
        targets=targets, time=time, title=title or f"Report {n}", span=spans[0],
        sentence=opening,
    )
    incidents = [incident]
    for k, (t, d) in enumerate(extra_incidents):
        span = spans[len(sentences) + k]
        incidents.append(Incident(
            id=stable_id("incident", doc.id, f"x{k}"), document_id=doc.id, key=f"x{k}",
            kinds=kinds, targets=t, time=day(d), span=span,
            sentence=doc.text[span.start:span.end]))
    out = [Claim(id=stable_id("claim", doc.id, "report"), document_id=doc.id,
                 kind="incident-report", sentence=spans[0], sentence_text=opening,
                 incident_id=incident.id, event_date=time)]
    for k, c in enumerate(claims):
        span = spans[k + 1]
        fields = dict(c.fields)
        out.append(Claim(
            id=stable_id("claim", doc.id, k), document_id=doc.id,
            kind=c.kind,  # type: ignore[arg-type]
            sentence=span, sentence_text=c.sentence, claimant=c.claimant,
            incident_id=fields.pop("incident_id", incident.id), **fields,
        ))
    return Extraction(doc, entities=(ACTOR,), incidents=tuple(incidents), claims=tuple(out))


def albania_reports() -> list[Extraction]:
    """Three reports of one attack on Albania, with agreeing and conflicting details."""
    return [
        report(1, publisher="Tirana Times Test", published="2022-09-07", claims=(
            say("attribution", "Albania's prime minister said Iran orchestrated the attack.",
                ALBANIA, attributed_state="IR"),
            say("response", "Albania severed diplomatic ties with Iran on 7 September.",
                ALBANIA, action="sever-relations", actor_state="AL", target_state="IR",
                event_date=day("2022-09-07")),
            say("denial", "Iran's foreign ministry rejected the accusation.", IRAN,
                stance="denies", attributed_state="IR"),
        )),
        report(2, publisher="Vendor Blog Test", published="2022-08-04", when="2022-07-17",
               claims=(
                   say("attribution", "Mandiant assessed with moderate confidence that Iran "
                       "was behind it.", MANDIANT, attributed_state="IR",
                       confidence="moderate"),
                   say("self-claim", "A group calling itself HomeLand Justice claimed it.",
                       HOMELAND, attributed_actor="HomeLand Justice", attributed_state="IR"),
               )),
        report(3, publisher="Wire Service Test", published="2022-09-08", claims=(
            say("attribution", "The NCSC said Iran was almost certainly responsible.", UK,
                attributed_state="IR", likelihood="almost certain"),
            say("response", "Albania cut ties with Iran on 6 September.", ALBANIA,
                action="sever-relations", actor_state="AL", target_state="IR",
                event_date=day("2022-09-06")),
            say("response", "The United States condemned the attack.", USA, action="condemn",
                actor_state="US", target_state="IR", event_date=day("2022-09-07")),
            say("attribution", "Observers widely blamed Iran.", None, attributed_state="IR"),
        )),
        report(4, publisher="Second Wire Test", published="2022-09-09", claims=(
            say("response", "On 7 September Albania broke off relations with Iran.", ALBANIA,
                action="sever-relations", actor_state="AL", target_state="IR",
                event_date=day("2022-09-07")),
        )),
    ]


def stamp(d: str) -> dt.date:
    return dt.date.fromisoformat(d)
