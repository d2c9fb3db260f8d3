"""The incident report: one event, every claim about it with its source, the assessment, and
what followed (``cybertrack incident ID``)."""

from __future__ import annotations

from typing import Any

from cybertrack.analysis.assessment import Assessment, Support, percent
from cybertrack.analysis.dates import DatedFact, human
from cybertrack.analysis.responses import Chain, Step, response_phrase
from cybertrack.analysis.sources import BASIS_LABELS, SourcedClaim, country_name
from cybertrack.model import PartialDate
from cybertrack.reference import Reference
from cybertrack.report.document import Para, Report, Section, Table


def short(ident: str) -> str:
    """The part of an id a person types: ``incident--1a2b3c...`` -> ``1a2b3c4d``."""
    return ident.split("--", 1)[-1][:10]


def says(s: SourcedClaim, ref: Reference | None = None) -> str:
    """What a claim asserts, in a few words."""
    c = s.claim
    if c.kind in ("attribution", "self-claim"):
        state = country_name(c.attributed_state, ref) if c.attributed_state else None
        stated = ", ".join(x for x in (c.likelihood, f"{c.confidence} confidence"
                                       if c.confidence else None, c.hedge) if x)
        tail = f" ({stated})" if stated else ""
        if c.kind == "self-claim":
            actor = c.attributed_actor or (s.claimant if s.claimant else "?")
            return f"claims responsibility as {actor}" + (
                f" (sponsor: {state})" if state else "") + tail
        who = " / ".join(x for x in (state, c.attributed_actor) if x) or "?"
        return f"{'denies it was' if c.stance == 'denies' else 'attributes it to'} {who}{tail}"
    if c.kind == "denial":
        return "denies responsibility"
    if c.kind == "response":
        actor = country_name(c.actor_state, ref) if c.actor_state else "?"
        when = f" on {human(c.event_date)}" if c.event_date else ""
        return f"{actor} {response_phrase(c.action, c.target_state, ref)}{when}"
    return f"reports the incident ({human(c.event_date)})" if c.event_date else \
        "reports the incident"


def basis_text(s: SourcedClaim, accused: set[str]) -> str:
    """The claimant's basis as a reader would put it: a state denying what others lay at its
    door is the accused, not a third party."""
    who = s.claim.claimant
    if s.claim.kind == "denial" and who is not None and who.country in accused and \
            s.basis == "third-party-government":
        return "accused government"
    return BASIS_LABELS.get(s.basis, s.basis)


def _sentence(text: str) -> str:
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def _date(d: PartialDate | None) -> dict[str, Any] | None:
    return None if d is None else {"iso": d.iso(), "start": d.start.isoformat(),
                                   "end": d.end.isoformat(), "precision": d.precision,
                                   "text": d.text}


def claim_data(s: SourcedClaim) -> dict[str, Any]:
    c = s.claim
    return {
        "id": c.id, "kind": c.kind, "incident_id": c.incident_id, "tied": s.tied,
        "claimant": s.claimant, "basis": s.basis, "independent": s.independent,
        "stance": c.stance, "attributed_state": c.attributed_state,
        "attributed_actor": c.attributed_actor, "action": c.action,
        "actor_state": c.actor_state, "target_state": c.target_state,
        "confidence": c.confidence, "likelihood": c.likelihood, "date": _date(s.when),
        "date_from": s.when_source, "document_id": c.document_id, "source": s.source_label,
        "url": s.document.source if s.document else None,
        "sentence": c.sentence_text.strip(), "span": [c.sentence.start, c.sentence.end],
    }


def _support_data(sup: Support) -> dict[str, Any]:
    return {"claimant": sup.claimant, "basis": sup.basis, "independent": sup.independent,
            "stated": list(sup.stated), "interval": sup.interval,
            "claims": [s.claim.id for s in sup.claims]}


def dates_data(fact: DatedFact | None) -> dict[str, Any] | None:
    if fact is None:
        return None
    return {"best": _date(fact.date), "conflict": fact.conflict,
            "explanation": fact.explanation,
            "variants": [{"date": _date(v.date), "support": v.support,
                          "sources": list(v.sources), "claims": [c.claim.id for c in v.claims]}
                         for v in fact.variants]}


def step_data(step: Step) -> dict[str, Any]:
    return {"kind": step.kind, "actor": step.actor, "what": step.what, "action": step.action,
            "actor_state": step.actor_state, "target_state": step.target_state,
            "date": _date(step.date), "approximate": step.approximate,
            "lag_days": step.lag_days, "dates": dates_data(step.dates),
            "claims": [s.claim.id for s in step.claims]}


def _lag(step: Step) -> str:
    if step.lag_days is None:
        return ""
    return f"{step.lag_days:+d}" + ("~" if step.approximate else "")


def incident_report(assessment: Assessment, ch: Chain, ref: Reference | None = None) -> Report:
    case = assessment.case
    group = case.group
    docs = {d.id: d for d in case.documents}
    targets = ", ".join(country_name(t, ref) for t in case.targets) or "unknown"
    overview: list[Para | Table] = [
        Para(f"Targets: {targets}. Kinds: {', '.join(case.kinds) or 'not stated'}. "
             f"Reported in {len(group.document_ids)} document(s) as "
             f"{len(group.incidents)} incident record(s)."),
        Para(_sentence(assessment.incident_date.explanation)),
    ]
    joined = {x: link for link in group.links for x in (link.a, link.b)}
    rows = []
    for inc in group.incidents:
        d = docs.get(inc.document_id)
        link = joined.get(inc.id)
        rows.append((short(inc.id), f"{d.publisher if d else '?'}",
                     d.published.iso() if d and d.published else "",
                     human(inc.time), ", ".join(inc.targets), ", ".join(inc.kinds),
                     f"{link.score:.2f} {link.status}" if link else "(root)"))
    overview.append(Table(("incident", "publisher", "published", "date", "targets", "kinds",
                           "link"), tuple(rows), "Reports of this incident"))
    if group.placed:
        overview.append(Table(
            ("link", "status", "publisher", "published", "title", "reasons"),
            tuple((short(p.link.id), f"{p.link.score:.2f} {p.link.status}", p.publisher,
                   p.published.iso() if p.published else "", p.title,
                   "; ".join(p.link.reasons)) for p in group.placed),
            "Reports placed beside this incident (no incident found in them; not merged: "
            "accept or reject with cybertrack link accept|reject LINK)", wide=("reasons",)))
    if case.curated:
        overview.append(Para("Curated by hand: " + "; ".join(
            f"{c.record_kind} {short(c.record_id)} {c.describe()}"
            for c in case.curated.values()) + ".", "note"))
    if group.held_apart:
        overview.append(Para(
            f"{len(group.held_apart)} proposed link(s) were held apart because they would join "
            "incompatible records (same document, or dates too far apart): "
            + ", ".join(f"{short(x.a)}-{short(x.b)} ({x.score:.2f})" for x in group.held_apart),
            "note"))

    blocks: list[Para | Table] = [Para(assessment.explanation, "verdict")]
    cand_rows = []
    for cand in assessment.candidates:
        for sup in cand.supports:
            cand_rows.append((cand.name, BASIS_LABELS.get(sup.basis, sup.basis), sup.claimant,
                              "yes" if sup.independent else "no (relays)",
                              ", ".join(sup.stated), percent(sup.interval)
                              if sup.interval else "",
                              "; ".join(dict.fromkeys(s.source_label for s in sup.claims))))
    if cand_rows:
        blocks.append(Table(("attributed to", "basis", "claimant", "independent",
                             "stated confidence", "band", "sources"), tuple(cand_rows),
                            "Claimants by attributed state and basis", wide=("sources",)))
    own_rows = tuple(
        (x.actor, x.state_name or "", ", ".join(dict.fromkeys(t.claimant for t in x.ties))
         or "no independent source", "; ".join(dict.fromkeys(
             s.source_label for s in x.support.claims)))
        for x in assessment.self_claims)
    if own_rows:
        blocks.append(Table(("claimed by (itself)", "suspected sponsor", "tied to it by",
                             "sources"), own_rows,
                            "Self-claims (not counted as attributions)", wide=("sources",)))
    denial_rows = [(sup.claimant, "accused" if n < len(assessment.accused_denials) else "other",
                    "; ".join(dict.fromkeys(s.source_label for s in sup.claims)),
                    sup.claims[0].claim.sentence_text)
                   for n, sup in enumerate([*assessment.accused_denials, *assessment.denials])]
    if denial_rows:
        blocks.append(Table(("denied by", "role", "sources", "sentence"), tuple(denial_rows),
                            "Denials", wide=("sentence",)))

    chain_rows = tuple(
        (human(s.date) + ("~" if s.approximate and s.date else ""), _lag(s), s.kind,
         s.actor, s.what,
         s.dates.explanation if s.dates and s.dates.conflict else "",
         "; ".join(dict.fromkeys(c.source_label for c in s.claims)))
        for s in ch.steps)
    followed: list[Para | Table] = [
        Para(f"Lags in days from {human(ch.incident_date)}; ~ marks a step dated only by "
             "when it was reported (a response so dated, or undated, has no lag).", "note"),
        Table(("date", "lag", "step", "who", "what", "dates disputed", "sources"), chain_rows,
              wide=("dates disputed", "sources"))]

    accused = {c.claim.attributed_state for c in case.claims
               if c.claim.kind in ("attribution", "self-claim") and c.claim.attributed_state}
    claim_rows = tuple(
        (short(s.claim.id), human(s.when) + ("" if s.when_source == "event" else "*"),
         s.claim.kind,
         f"{s.claimant} ({basis_text(s, accused)})", says(s, ref),
         s.source_label + ("" if s.tied else " [by document]"), s.claim.sentence_text)
        for s in case.claims) + tuple(
        (short(s.claim.id), human(s.when), f"{s.claim.kind} (rejected)",
         f"{s.claimant} ({basis_text(s, accused)})",
         case.curated[s.claim.id].describe(), s.source_label, s.claim.sentence_text)
        for s in case.rejected)
    every: list[Para | Table] = [
        Para("* date of the statement or of publication, not of the event; [by document]: "
             "tied to the incident by its document, not by the extractor.", "note"),
        Table(("id", "date", "kind", "claimant", "says", "source", "sentence"), claim_rows,
              wide=("sentence",))]
    data = {
        "incidents": [i.id for i in group.incidents],
        "documents": list(group.document_ids),
        "targets": list(case.targets), "kinds": list(case.kinds),
        "date": dates_data(assessment.incident_date),
        "links": [{"id": x.id, "a": x.a, "b": x.b, "score": x.score, "status": x.status,
                   "reasons": list(x.reasons)} for x in group.links],
        "placed": [{"id": p.link.id, "document": p.link.a, "incident": p.link.b,
                    "score": p.link.score, "status": p.link.status,
                    "reasons": list(p.link.reasons)} for p in group.placed],
        "assessment": {
            "explanation": assessment.explanation, "contested": assessment.contested,
            "candidates": [{"state": c.state, "name": c.name, "actors": list(c.actors),
                            "independent": c.independent, "interval": c.interval,
                            "supports": [_support_data(s) for s in c.supports]}
                           for c in assessment.candidates],
            "self_claims": [{"actor": x.actor, "state": x.state,
                             "support": _support_data(x.support),
                             "tied_by": [_support_data(t) for t in x.ties]}
                            for x in assessment.self_claims],
            "denials_by_accused": [_support_data(s) for s in assessment.accused_denials],
            "other_denials": [_support_data(s) for s in assessment.denials],
        },
        "chain": [step_data(s) for s in ch.steps],
        "claims": [claim_data(s) for s in case.claims],
        "rejected_claims": [claim_data(s) for s in case.rejected],
        "curation": [{"kind": c.record_kind, "id": c.record_id, "status": c.status,
                      "targets": list(c.targets) if c.targets is not None else None,
                      "date": _date(c.date), "by": c.by, "at": c.at, "why": c.why}
                     for c in case.curated.values()],
    }
    return Report(f"Incident: {case.title}", (
        Section("Incident", tuple(overview)),
        Section("Attribution assessment", tuple(blocks)),
        Section("What followed", tuple(followed)),
        Section(f"Every claim ({len(case.claims)}"
                + (f", and {len(case.rejected)} rejected" if case.rejected else "") + ")",
                tuple(every)),
    ), data)
