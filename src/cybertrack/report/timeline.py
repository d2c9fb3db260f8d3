"""Timeline, firsts and link reports (``cybertrack timeline``, ``firsts``, ``link list``)."""

from __future__ import annotations

from collections.abc import Sequence

from cybertrack.analysis.dates import human
from cybertrack.analysis.responses import First
from cybertrack.analysis.timeline import Timeline
from cybertrack.model import Link
from cybertrack.report.document import Para, Report, Section, Table
from cybertrack.report.incident import short, step_data


def timeline_report(tl: Timeline, *, heading: str = "Events") -> Report:
    rows = tuple(
        (human(e.date) + ("~" if e.approximate and e.date else ""), e.kind, e.actor, e.text,
         "; ".join(e.sources[:4]), short(e.incident_id) if e.incident_id else "")
        for e in tl.events)
    data = {"events": [{"date": e.date.iso() if e.date else None, "kind": e.kind,
                        "actor": e.actor, "text": e.text, "approximate": e.approximate,
                        "sources": list(e.sources), "incident_id": e.incident_id}
                       for e in tl.events]}
    blocks = (Para(f"{len(tl.events)} event(s); ~ marks a date known only from when it was "
                   "reported.", "note"),
              Table(("date", "event", "who", "what", "sources", "incident"), rows,
                    wide=("what", "sources")))
    return Report(tl.title, (Section(heading, blocks),), data)


def firsts_report(firsts: Sequence[First]) -> Report:
    rows = []
    for f in firsts:
        s = f.step
        sentence = s.claims[0].claim.sentence_text.strip() if s.claims else ""
        rows.append((f.label, human(s.date) + ("~" if s.approximate else ""), s.actor,
                     s.what, f.incident_title,
                     "" if s.lag_days is None else f"{s.lag_days:+d}",
                     "; ".join(dict.fromkeys(c.source_label for c in s.claims)),
                     "; ".join(f.evidence), sentence))
    notes = [Para(f"{f.label}: {f.step.dates.explanation}.", "note") for f in firsts
             if f.step.dates is not None and f.step.dates.conflict]
    data = {"firsts": [{"action": f.action, "label": f.label, "incident_id": f.incident_id,
                        "incident_title": f.incident_title, "incident_reported_by":
                        list(f.evidence), **step_data(f.step),
                        "sentences": [c.claim.sentence_text.strip() for c in f.step.claims]}
                       for f in firsts]}
    blocks: tuple[Para | Table, ...] = (
        Para("The earliest response of each kind to a dated cyber incident that a tracker "
             "record or two independent publishers report (incident reported by), with the "
             "sentence that reports the response (lag: days after the incident; none when the "
             "response is dated only by its reports; ~ marks such a date).", "note"),
              Table(("response", "date", "by", "what", "over incident", "lag", "sources",
                     "incident reported by", "sentence"), tuple(rows),
                    wide=("over incident", "sources", "incident reported by", "sentence")),
              *notes)
    return Report("Firsts: earliest responses to cyber incidents", (Section("Firsts", blocks),),
                  data)


def links_report(links: Sequence[Link], titles: dict[str, str]) -> Report:
    rows = tuple(
        (short(x.id), x.status, f"{x.score:.2f}", f"{short(x.a)} {titles.get(x.a, '')}",
         f"{short(x.b)} {titles.get(x.b, '')}", "; ".join(x.reasons))
        for x in links)
    data = {"links": [{"id": x.id, "a": x.a, "b": x.b, "score": x.score, "status": x.status,
                       "reasons": list(x.reasons), "made_by": x.made_by} for x in links]}
    return Report(f"Incident links ({len(links)})", (Section("Links", (Table(
        ("link", "status", "score", "incident a", "incident b", "why"), rows,
        wide=("incident a", "incident b", "why"), clip=90),)),), data)
