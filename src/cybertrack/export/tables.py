"""Flat tables for pandas and spreadsheets: incidents, claims, responses, entities.

One file per table in the chosen format (``csv``, ``json`` or ``parquet``), columns declared
once in ``TABLES`` with their type and meaning (docs/tables.md is written from the same
list, and a test keeps them in step). Each claim row repeats its document's source, title,
publisher, date and reliability, so a row read alone in a spreadsheet still says where it
came from. Lists are JSON arrays / Parquet lists, and ``;``-joined in CSV; partial dates are
given as ISO text at their precision plus the ``_start``/``_end`` days they cover.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cybertrack.errors import ExportError
from cybertrack.export.names import claim_summary, claimant_name, country_name
from cybertrack.export.select import Selection
from cybertrack.export.stix_ext import stix_confidence
from cybertrack.model import Claim, Document, Entity, Incident, PartialDate
from cybertrack.textsafe import csv_cell
from cybertrack.vocab import LIKELIHOODS, RESPONSE_ACTIONS

FORMATS = ("csv", "json", "parquet")
Column = tuple[str, str, str]  # (name, type: str | int | float | date | list, meaning)

_DOC: list[Column] = [
    ("document_source", "str", "Address (URL or path) of the source document"),
    ("document_title", "str", "Title of the source document"),
    ("publisher", "str", "Publisher of the source document"),
    ("published", "str", "Publication date of the source document (ISO, at its precision)"),
    ("reliability", "str", "Admiralty source reliability of the document, A-F (F: unknown)"),
]


def _date_columns(prefix: str, what: str) -> list[Column]:
    return [
        (prefix, "str", f"{what} as ISO text at its precision (2022, 2022-07, 2022-07-15)"),
        (f"{prefix}_start", "date", f"First day of the period `{prefix}` covers"),
        (f"{prefix}_end", "date", f"Last day of the period `{prefix}` covers"),
        (f"{prefix}_precision", "str", "year, month, day or range"),
    ]


TABLES: dict[str, list[Column]] = {
    "incidents": [
        ("incident_id", "str", "cybertrack incident id (one incident as one document reports it)"),
        ("document_id", "str", "Document that reports it"),
        ("title", "str", "Short title"),
        ("kinds", "list", "Incident kinds (espionage, disruption, ddos, ...)"),
        ("targets", "list", "Target countries, ISO 3166-1 alpha-2"),
        ("target_names", "list", "Target countries by name"),
        ("target_orgs", "list", "Targeted organizations"),
        ("sectors", "list", "Targeted sectors"),
        *_date_columns("time", "When it happened"),
        ("operator", "str", "Operator persona, if one is claimed"),
        ("sentence", "str", "Sentence of the document that reports it"),
        ("attributions", "int", "Number of asserted attribution claims about it"),
        ("attributions_not_asserted", "int", "Number of attribution claims about it that are "
         "doubted, refused or negated (kept as evidence, not counted as attributions)"),
        ("denials", "int", "Number of asserted denials about it"),
        ("responses", "int", "Number of state responses to it"),
        ("attributed_states", "list", "States that some asserted attribution holds responsible "
         "(a group's claim for itself is no attribution to its sponsor; a doubted, refused or "
         "negated claim holds no one responsible)"),
        ("attributed_actors", "list", "Threat actors that some asserted claim holds responsible "
         "(an attribution, or the group's own claim)"),
        ("self_claimed_by", "list", "Groups that claimed the act for themselves"),
        ("linked_incidents", "list", "Incident ids a link says may be the same (not rejected)"),
        ("curation", "str", "Decision by hand, if any: rejected/accepted, targets or date set "
         "by hand, with who, when and why (cybertrack incident reject|accept|set)"),
        *_DOC,
    ],
    "claims": [
        ("claim_id", "str", "cybertrack claim id"),
        ("incident_id", "str", "Incident the claim is about (empty: none)"),
        ("document_id", "str", "Document the claim is made in"),
        ("kind", "str", "attribution, self-claim, denial, response or incident-report"),
        ("stance", "str", "asserts or denies"),
        ("polarity", "str", "asserted, doubted ('could not confirm'), refused ('declined to "
         "attribute') or negated ('was not behind', 'has not denied'): only asserted claims "
         "count as attributions or denials"),
        ("alternatives", "list", "Other states named as possible sources with "
         "attributed_state (a doubted claim: 'Russia or China'), ISO alpha-2"),
        ("claimant", "str", "Who makes the claim, for people (empty claimant: the publisher)"),
        ("claimant_kind", "str", "government, organization, actor or person"),
        ("claimant_name", "str", "Claimant name as stored"),
        ("claimant_country", "str", "Claimant's country, ISO alpha-2"),
        ("claimant_basis", "str", "EuRepoC-style basis (receiver-government, ...)"),
        ("attributed_state", "str", "State held responsible, ISO alpha-2"),
        ("attributed_actor", "str", "Threat actor held responsible"),
        ("attributed_actor_id", "str", "Entity id of that actor"),
        ("confidence", "str", "Stated analytic confidence: low, moderate, high"),
        ("confidence_stix", "int", "The same on the STIX 0-100 scale (docs/stix-extension.md)"),
        ("likelihood", "str", "ICD 203 likelihood term"),
        ("likelihood_low", "float", "Lower bound of that term's probability"),
        ("likelihood_high", "float", "Upper bound of that term's probability"),
        ("hedge", "str", "The hedging words, verbatim"),
        ("action", "str", "Response action (vocab.RESPONSE_ACTIONS)"),
        ("actor_state", "str", "Responding state, ISO alpha-2"),
        ("target_state", "str", "State responded against, ISO alpha-2"),
        *_date_columns("event_date", "When the reported event happened"),
        *_date_columns("claim_date", "When the claim was made"),
        ("sentence", "str", "The sentence, verbatim"),
        ("sentence_start", "int", "Character offset of the sentence in the document"),
        ("sentence_end", "int", "End offset of the sentence"),
        ("summary", "str", "One line: who claims what"),
        ("curation", "str", "Decision by hand, if any: rejected (left out of assessments) or "
         "accepted, with who, when and why (cybertrack claim reject|accept)"),
        *_DOC,
    ],
    "responses": [
        ("claim_id", "str", "cybertrack claim id of the response claim"),
        ("incident_id", "str", "Incident responded to"),
        ("document_id", "str", "Document reporting the response"),
        ("actor_state", "str", "Responding state, ISO alpha-2"),
        ("actor_state_name", "str", "Responding state by name"),
        ("action", "str", "Response action"),
        ("action_label", "str", "The action in words"),
        ("cameo", "str", "CAMEO event code"),
        ("plover", "str", "PLOVER category"),
        ("target_state", "str", "State responded against, ISO alpha-2"),
        ("target_state_name", "str", "That state by name"),
        *_date_columns("event_date", "When the response happened"),
        ("claimant", "str", "Who reports the response"),
        ("claimant_basis", "str", "Claimant basis"),
        ("sentence", "str", "The sentence, verbatim"),
        *_DOC,
    ],
    "entities": [
        ("entity_id", "str", "cybertrack entity id (country:IR, actor:apt28, ...)"),
        ("kind", "str", "country, threat-actor, organization, person, ..."),
        ("name", "str", "Canonical name"),
        ("aliases", "list", "Other names"),
        ("country", "str", "Country, ISO alpha-2"),
        ("sponsor", "str", "Suspected sponsor state of a threat actor"),
        ("vendor_aliases", "list", "Vendor names as 'alias (vendor)'"),
        ("role", "str", "Role, where known"),
    ],
}


def _dates(prefix: str, value: PartialDate | None) -> dict[str, Any]:
    if value is None:
        return {prefix: None, f"{prefix}_start": None, f"{prefix}_end": None,
                f"{prefix}_precision": None}
    return {prefix: value.iso(), f"{prefix}_start": value.start, f"{prefix}_end": value.end,
            f"{prefix}_precision": value.precision}


def _doc(doc: Document | None) -> dict[str, Any]:
    if doc is None:
        return {c[0]: None for c in _DOC}
    return {"document_source": doc.source, "document_title": doc.title,
            "publisher": doc.publisher, "published": doc.published.iso() if doc.published else None,
            "reliability": doc.reliability}


def table_rows(selection: Selection) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows as dicts of Python values (dates as ``datetime.date``)."""
    sel = selection
    by_incident: dict[str, list[Claim]] = defaultdict(list)
    for c in sel.claims:
        by_incident[c.incident_id or ""].append(c)
    linked: dict[str, list[str]] = defaultdict(list)
    for link in sel.links:
        if link.kind == "incident":
            linked[link.a].append(link.b)
            linked[link.b].append(link.a)
    return {
        "incidents": [_incident(i, by_incident[i.id], linked[i.id], sel) for i in sel.incidents],
        "claims": [_claim(c, sel) for c in sel.claims],
        "responses": [_response(c, sel) for c in sel.claims if c.kind == "response"],
        "entities": [_entity(e) for e in sel.entities.values()],
    }


def _incident(i: Incident, claims: list[Claim], linked: list[str], sel: Selection,
              ) -> dict[str, Any]:
    asserting = [c for c in claims
                 if c.kind == "attribution" and c.stance == "asserts" and c.asserted]
    own = [c for c in claims if c.kind == "self-claim" and c.stance == "asserts" and c.asserted]
    return {
        "incident_id": i.id, "document_id": i.document_id, "title": i.title or i.key,
        "kinds": list(i.kinds), "targets": list(i.targets),
        "target_names": [country_name(t) for t in i.targets], "target_orgs": list(i.target_orgs),
        "sectors": list(i.sectors), **_dates("time", i.time), "operator": i.operator,
        "sentence": i.sentence,
        "attributions": len(asserting),
        "attributions_not_asserted": sum(c.kind == "attribution" and not c.asserted
                                         for c in claims),
        "denials": sum(c.kind == "denial" and c.asserted for c in claims),
        "responses": sum(c.kind == "response" for c in claims),
        "attributed_states": sorted({c.attributed_state for c in asserting if c.attributed_state}),
        "attributed_actors": sorted({c.attributed_actor for c in [*asserting, *own]
                                     if c.attributed_actor}),
        "self_claimed_by": sorted({c.attributed_actor or claimant_name(c.claimant)
                                   for c in own}),
        "linked_incidents": sorted(set(linked)),
        "curation": sel.curated[i.id].describe() if i.id in sel.curated else None,
        **_doc(sel.document_of(i.document_id)),
    }


def _claim(c: Claim, sel: Selection) -> dict[str, Any]:
    doc = sel.document_of(c.document_id)
    who = c.claimant
    like = LIKELIHOODS.get(c.likelihood or "")
    return {
        "claim_id": c.id, "incident_id": c.incident_id, "document_id": c.document_id,
        "kind": c.kind, "stance": c.stance, "polarity": c.polarity,
        "alternatives": list(c.alternatives),
        "claimant": claimant_name(who, doc.publisher if doc else None),
        "claimant_kind": who.kind if who else None, "claimant_name": who.name if who else None,
        "claimant_country": who.country if who else None,
        "claimant_basis": who.basis if who else None,
        "attributed_state": c.attributed_state, "attributed_actor": c.attributed_actor,
        "attributed_actor_id": c.attributed_actor_id, "confidence": c.confidence,
        "confidence_stix": stix_confidence(c.confidence, c.likelihood),
        "likelihood": c.likelihood, "likelihood_low": like.low if like else None,
        "likelihood_high": like.high if like else None, "hedge": c.hedge, "action": c.action,
        "actor_state": c.actor_state, "target_state": c.target_state,
        **_dates("event_date", c.event_date), **_dates("claim_date", c.claim_date),
        "sentence": c.sentence_text, "sentence_start": c.sentence.start,
        "sentence_end": c.sentence.end,
        "summary": claim_summary(c, doc.publisher if doc else None),
        "curation": sel.curated[c.id].describe() if c.id in sel.curated else None,
        **_doc(doc),
    }


def _response(c: Claim, sel: Selection) -> dict[str, Any]:
    doc = sel.document_of(c.document_id)
    action = RESPONSE_ACTIONS.get(c.action or "")
    return {
        "claim_id": c.id, "incident_id": c.incident_id, "document_id": c.document_id,
        "actor_state": c.actor_state,
        "actor_state_name": country_name(c.actor_state) if c.actor_state else None,
        "action": c.action, "action_label": action.label if action else None,
        "cameo": action.cameo if action else None, "plover": action.plover if action else None,
        "target_state": c.target_state,
        "target_state_name": country_name(c.target_state) if c.target_state else None,
        **_dates("event_date", c.event_date),
        "claimant": claimant_name(c.claimant, doc.publisher if doc else None),
        "claimant_basis": c.claimant.basis if c.claimant else None,
        "sentence": c.sentence_text, **_doc(doc),
    }


def _entity(e: Entity) -> dict[str, Any]:
    return {"entity_id": e.id, "kind": e.kind, "name": e.name, "aliases": list(e.aliases),
            "country": e.country, "sponsor": e.sponsor,
            "vendor_aliases": [f"{a} ({v})" for a, v in e.vendor_aliases], "role": e.role}


def write_tables(selection: Selection, out_dir: Path, fmt: str) -> list[Path]:
    """Write ``incidents``, ``claims``, ``responses`` and ``entities`` to ``out_dir`` (created
    if missing) as ``<table>.<fmt>``; returns the paths written."""
    if fmt not in FORMATS:
        raise ExportError(f"table format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file; tables go to a folder: pass -o FOLDER")
    out_dir.mkdir(parents=True, exist_ok=True)
    writer: dict[str, Callable[[Path, list[Column], list[dict[str, Any]]], None]] = {
        "csv": _write_csv, "json": _write_json, "parquet": _write_parquet}
    paths = []
    for name, rows in table_rows(selection).items():
        path = out_dir / f"{name}.{fmt}"
        writer[fmt](path, TABLES[name], rows)
        paths.append(path)
    return paths


def _text(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _write_csv(path: Path, columns: list[Column], rows: list[dict[str, Any]]) -> None:
    # utf-8-sig: spreadsheet programs read the BOM as "this is UTF-8"; pandas skips it.
    # csv_cell: a text cell starting with = + - @ tab or CR gets a leading ' so no spreadsheet
    # runs it as a formula (OWASP CSV injection; docs/tables.md).
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([c[0] for c in columns])
        for row in rows:
            out.writerow(["" if row[c[0]] is None else csv_cell(_text(row[c[0]]))
                          for c in columns])


def _write_json(path: Path, columns: list[Column], rows: list[dict[str, Any]]) -> None:
    records = [{c[0]: (row[c[0]].isoformat() if c[1] == "date" and row[c[0]] else row[c[0]])
                for c in columns} for row in rows]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _write_parquet(path: Path, columns: list[Column], rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
             "date": pa.date32(), "list": pa.list_(pa.string())}
    schema = pa.schema([pa.field(name, types[kind]) for name, kind, _ in columns])
    table = pa.Table.from_pylist([{c[0]: row[c[0]] for c in columns} for row in rows],
                                 schema=schema)
    pq.write_table(table, path)
