"""Type checks of the STIX properties cybertrack reads, before any of them is used.

STIX from elsewhere is untrusted input: a ``"name": 123`` must not become a title, an
``"aliases": "APT1"`` must not become five one-letter aliases, and a ``"kinds": null`` in our
own extension must not end the batch with a ``TypeError``. ``problem`` looks at exactly the
properties ``ingest.stix`` and ``ingest.stix_native`` read (the standard ones, and those of the
cybertrack extension) and says what is wrong with the first bad one; the importer refuses such
an object with that reason and reads the others. Properties cybertrack does not read are not
looked at. JSON ``null`` counts as a wrong type: STIX 2.1 forbids it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, get_args

from cybertrack.export.stix_ext import record_of
from cybertrack.ingest.base import storable
from cybertrack.model import POLARITIES, Precision
from cybertrack.vocab import ClaimKind

Check = Callable[[Any], str | None]  # None when the value is fine, else what it should be


def _is_str(value: Any) -> str | None:
    if not isinstance(value, str):
        return "a string"
    return None if storable(value) == value else "a string without NUL or lone surrogates"


def _is_int(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return None if ok else "a whole number"


def _is_offset(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else "a whole number, 0 or more"


def _is_number(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return None if ok else "a number"


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def _is_confidence(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100
    return None if ok else "a whole number from 0 to 100"


def _is_str_list(value: Any) -> str | None:
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return "a list of strings"
    ok = all(storable(v) == v for v in value)
    return None if ok else "a list of strings without NUL or lone surrogates"


def _is_dict_list(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, dict) for v in value)
    return None if ok else "a list of objects"


def _is_dict(value: Any) -> str | None:
    return None if isinstance(value, dict) else "an object"


def _one_of(*allowed: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in allowed else "one of " + ", ".join(allowed)
    return check


def _is_pdate(value: Any) -> str | None:
    """A partial date as ``export.stix_ext.pdate`` writes it."""
    want = "an object with an ISO \"start\" (and \"end\", \"precision\", \"text\")"
    if not isinstance(value, dict) or not isinstance(value.get("start"), str):
        return want
    if any(k in value and not isinstance(value[k], str) for k in ("end", "precision", "text")):
        return want
    if value.get("precision", "day") not in get_args(Precision):
        return "a date whose precision is one of " + ", ".join(get_args(Precision))
    try:
        start = dt.date.fromisoformat(value["start"])
        end = dt.date.fromisoformat(value.get("end") or value["start"])
    except ValueError:
        return want
    return None if end >= start else "a date whose end is not before its start"


#: Standard properties, whatever the object's type.
STANDARD: dict[str, Check] = {
    "name": _is_str, "description": _is_str, "aliases": _is_str_list,
    "created_by_ref": _is_str, "created": _is_str, "modified": _is_str, "published": _is_str,
    "first_seen": _is_str, "last_seen": _is_str, "object_refs": _is_str_list,
    "external_references": _is_dict_list, "relationship_type": _is_str,
    "source_ref": _is_str, "target_ref": _is_str, "country": _is_str,
    "confidence": _is_confidence, "revoked": _is_bool, "x_mitre_deprecated": _is_bool,
    "extensions": _is_dict,
}
#: Properties an object of these types cannot be read without.
REQUIRED: dict[str, tuple[str, ...]] = {
    "relationship": ("relationship_type", "source_ref", "target_ref"),
}
EXTERNAL_REFERENCE: dict[str, Check] = {
    "url": _is_str, "external_id": _is_str, "source_name": _is_str,
}
#: Properties of the cybertrack extension, per ``record_type``; the first one is required.
EXTENSION: dict[str, dict[str, Check]] = {
    "document": {
        "document_id": _is_str, "source": _is_str, "media_type": _is_str, "title": _is_str,
        "publisher": _is_str, "author": _is_str, "published": _is_pdate, "retrieved": _is_str,
        "language": _is_str, "reliability": _is_str, "external_id": _is_str, "text": _is_str,
    },
    "incident": {
        "incident_id": _is_str, "document_id": _is_str, "key": _is_str, "kinds": _is_str_list,
        "targets": _is_str_list, "target_orgs": _is_str_list, "sectors": _is_str_list,
        "time": _is_pdate, "operator": _is_str, "title": _is_str, "span_start": _is_offset,
        "span_end": _is_offset, "sentence": _is_str,
    },
    "claim": {
        "claim_id": _is_str, "kind": _one_of(*get_args(ClaimKind)), "document_id": _is_str,
        "sentence_start": _is_offset, "sentence_end": _is_offset, "sentence": _is_str,
        "claimant": _is_dict, "incident_id": _is_str, "stance": _one_of("asserts", "denies"),
        "attributed_state": _is_str, "attributed_actor": _is_str,
        "attributed_actor_id": _is_str, "action": _is_str, "actor_state": _is_str,
        "target_state": _is_str, "confidence": _is_str, "likelihood": _is_str,
        "hedge": _is_str, "claim_date": _is_pdate, "event_date": _is_pdate,
        "polarity": _one_of(*POLARITIES), "alternatives": _is_str_list,
    },
    "entity": {
        "entity_id": _is_str, "kind": _is_str, "name": _is_str, "aliases": _is_str_list,
        "country": _is_str, "sponsor": _is_str, "role": _is_str,
        "vendor_aliases": _is_dict_list,
    },
    "link": {
        "link_id": _is_str, "link_kind": _one_of("incident", "actor"), "record_a": _is_str,
        "record_b": _is_str, "score": _is_number, "reasons": _is_str_list, "made_by": _is_str,
        "status": _one_of("proposed", "accepted", "rejected"),
    },
}
CLAIMANT: dict[str, Check] = {
    "kind": _is_str, "name": _is_str, "country": _is_str, "entity_id": _is_str,
    "basis": _is_str,
}
VENDOR_ALIAS: dict[str, Check] = {"alias": _is_str, "vendor": _is_str}


def _fields(value: Mapping[str, Any], checks: Mapping[str, Check], where: str) -> str | None:
    for key, check in checks.items():
        if key in value:
            want = check(value[key])
            if want:
                shown = repr(value[key])
                shown = shown if len(shown) <= 60 else shown[:57] + "..."
                return f"{where}\"{key}\" must be {want}, not {shown}"
    return None


def _spans(p: Mapping[str, Any], start: str, end: str) -> str | None:
    a, b = p.get(start), p.get(end)
    if isinstance(a, int) and isinstance(b, int) and b < a:
        return f"extension \"{end}\" {b} is before \"{start}\" {a}"
    return None


def problem(obj: Mapping[str, Any]) -> str | None:
    """What is wrong with the properties of ``obj`` that cybertrack reads, or None."""
    found = _fields(obj, STANDARD, "")
    if found:
        return found
    for key in REQUIRED.get(str(obj.get("type")), ()):
        if key not in obj:
            return f"a {obj['type']} needs \"{key}\""
    for ref in obj.get("external_references", ()):
        found = _fields(ref, EXTERNAL_REFERENCE, "external reference ")
        if found:
            return found
    extension = record_of(dict(obj))
    if extension is None:
        return None
    kind = extension.get("record_type")
    checks = EXTENSION.get(kind) if isinstance(kind, str) else None
    if checks is None:
        return None  # a record type of a later version: the importer leaves it alone
    first = next(iter(checks))
    if first not in extension:
        return f"its cybertrack {kind} record has no \"{first}\""
    found = (_fields(extension, checks, "extension ")
             or _spans(extension, "span_start", "span_end")
             or _spans(extension, "sentence_start", "sentence_end"))
    if found:
        return found
    if isinstance(extension.get("claimant"), dict):
        found = _fields(extension["claimant"], CLAIMANT, "extension claimant ")
    for pair in extension.get("vendor_aliases", ()) if kind == "entity" else ():
        found = found or _fields(pair, VENDOR_ALIAS, "extension vendor alias ")
    return found
