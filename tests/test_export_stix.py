"""STIX 2.1 export: valid bundles in which every claim keeps its claimant, confidence, source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import stix2
from stix2validator import ValidationOptions, validate_instance
from typer.testing import CliRunner

from albania_case import load_albania
from cybertrack.cli import app
from cybertrack.errors import ExportError
from cybertrack.export import select, stix_bundle
from cybertrack.export.stix import bundle_json
from cybertrack.export.stix_ext import (
    EPOCH,
    EXTENSION_ID,
    confidence_level,
    record_of,
    stix_confidence,
)
from cybertrack.model import PartialDate
from cybertrack.store import Store

Obj = dict[str, Any]


def validate(bundle: Obj) -> list[str]:
    """stix2-validator errors (warnings such as "not UUIDv4" are allowed: ids are uuid5)."""
    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    return [str(e) for e in result.errors]


def by_id(bundle: Obj) -> dict[str, Obj]:
    return {o["id"]: o for o in bundle["objects"]}


def named(bundle: Obj, stix_type: str, name: str) -> Obj:
    return next(o for o in bundle["objects"] if o["type"] == stix_type and o.get("name") == name)


@pytest.fixture
def albania(store: Store) -> Store:
    load_albania(store)
    return store


def test_albania_bundle_validates(albania: Store) -> None:
    bundle = stix_bundle(select(albania))
    assert validate(bundle) == []
    assert stix2.parse(json.dumps(bundle)).objects  # the stix2 library reads it too


def _attributions(bundle: Obj, claimant: str) -> list[Obj]:
    objects = by_id(bundle)
    return [o for o in bundle["objects"] if o["type"] == "relationship"
            and o["relationship_type"] == "attributed-to"
            and objects[o["created_by_ref"]]["name"] == claimant]


def test_reader_sees_who_said_what_with_its_source(albania: Store) -> None:
    bundle = stix_bundle(select(albania))
    objects = by_id(bundle)
    iran = named(bundle, "threat-actor", "Iran (state)")

    (mandiant,) = _attributions(bundle, "Mandiant")
    assert mandiant["target_ref"] == iran["id"]
    assert mandiant["confidence"] == 50  # "moderate" through the documented table
    assert objects[mandiant["source_ref"]]["type"] == "incident"
    assert mandiant["external_references"][0]["url"] == (
        "https://security.example.org/albania-roadsweep")
    note = next(o for o in bundle["objects"] if o["type"] == "note"
                and mandiant["id"] in o["object_refs"])
    assert "assessed with moderate confidence" in note["content"]  # verbatim hedge

    for government in ("Government of Albania", "Government of United States"):
        (rel,) = _attributions(bundle, government)
        assert rel["target_ref"] == iran["id"] and "confidence" not in rel
        assert rel["external_references"][0]["url"] == "https://news.example.net/albania-iran-ties"

    (denial,) = [o for o in bundle["objects"] if o["type"] == "opinion"]
    assert objects[denial["created_by_ref"]]["name"] == "Government of Iran"
    assert denial["opinion"] == "strongly-disagree"
    denied = {r for r in denial["object_refs"]}
    assert {mandiant["id"], *(r["id"] for g in ("Government of Albania",
            "Government of United States") for r in _attributions(bundle, g))} <= denied
    assert denial["external_references"][0]["url"] == "https://news.example.net/albania-iran-ties"

    (severance,) = [o for o in bundle["objects"] if o["type"] == "note"
                    and (record_of(o) or {}).get("action") == "sever-relations"]
    ext = severance["extensions"][EXTENSION_ID]
    assert (ext["actor_state"], ext["target_state"], ext["action_cameo"]) == ("AL", "IR", "161")
    assert ext["event_date"]["start"] == "2022-09-07"
    assert objects[severance["created_by_ref"]]["name"] == "Government of Albania"
    assert "Albania severed diplomatic ties with Iran on 2022-09-07" in severance["abstract"]
    assert severance["external_references"][0]["url"].startswith("https://news.example.net/")

    reports = [o for o in bundle["objects"] if o["type"] == "report"]
    assert {r["name"] for r in reports} == {
        "Destructive attack on Albanian e-services", "Albania cuts ties with Iran over cyberattack"}
    news = next(r for r in reports if r["name"].startswith("Albania cuts"))
    assert denial["id"] in news["object_refs"] and severance["id"] in news["object_refs"]


def test_actor_keeps_aliases_and_the_extension_is_defined(albania: Store) -> None:
    bundle = stix_bundle(select(albania))
    actor = named(bundle, "intrusion-set", "HomeLand Justice")
    assert "Vendor names: HomeLand Justice (Mandiant)" in actor["description"]
    assert actor["extensions"][EXTENSION_ID]["sponsor"] == "IR"
    definition = by_id(bundle)[EXTENSION_ID]
    assert definition["type"] == "extension-definition"
    assert definition["extension_types"] == ["property-extension"]
    uses = {k for o in bundle["objects"] for k in o.get("extensions", {})}
    assert uses == {EXTENSION_ID}


def test_same_knowledge_base_same_bundle(albania: Store) -> None:
    first = bundle_json(stix_bundle(select(albania)))
    second = bundle_json(stix_bundle(select(albania)))
    assert first == second
    stamps = {o["created"] for o in json.loads(first)["objects"]}
    assert stamps == {EPOCH, "2022-08-04T00:00:00.000Z", "2022-09-07T00:00:00.000Z"}


def test_confidence_table() -> None:
    assert [stix_confidence(c, None) for c in ("low", "moderate", "high")] == [15, 50, 85]
    assert stix_confidence(None, "likely") == 70  # DNI scale when only a likelihood is stated
    assert stix_confidence("high", "unlikely") == 85  # stated confidence wins
    assert stix_confidence(None, None) is None
    assert [confidence_level(v) for v in (0, 15, 50, 85, None)] == [
        None, "low", "moderate", "high", None]


def test_incident_link_becomes_related_to_with_score(albania: Store) -> None:
    bundle = stix_bundle(select(albania))
    (related,) = [o for o in bundle["objects"] if o.get("relationship_type") == "related-to"]
    assert "link score 0.87" in related["description"]
    objects = by_id(bundle)
    assert objects[related["source_ref"]]["type"] == objects[related["target_ref"]]["type"]


def test_filters_choose_incidents(albania: Store) -> None:
    every = select(albania)
    assert len(every.incidents) == 2 and len(every.claims) == 7
    only = select(albania, incident_id=every.incidents[0].id, whole_group=False)
    assert [i.id for i in only.incidents] == [every.incidents[0].id]
    assert {c.incident_id for c in only.claims} == {every.incidents[0].id}
    # the event as a whole: both reports, linked above the grouping threshold
    group = select(albania, incident_id=every.incidents[0].id)
    assert {i.id for i in group.incidents} == {i.id for i in every.incidents}
    assert len(group.claims) == 7 and len(group.links) == 1
    assert len(select(albania, actor="homeland justice").incidents) == 1
    assert len(select(albania, actor="Iran").incidents) == 2
    late = select(albania, since=PartialDate.parse("2022-07-20").start)
    assert [i.title for i in late.incidents] == ["Cyberattack on Albania"]  # July, not 17 July
    with pytest.raises(ExportError, match="no incident"):
        select(albania, actor="Fancy Panda")


def test_incidents_as_campaigns(albania: Store) -> None:
    bundle = stix_bundle(select(albania), incident_type="campaign")
    campaigns = [o for o in bundle["objects"] if o["type"] == "campaign"]
    assert len(campaigns) == 2 and not any(o["type"] == "incident" for o in bundle["objects"])
    first = next(c for c in campaigns if c["name"].startswith("Destructive"))
    assert (first["first_seen"], first["last_seen"]) == (
        "2022-07-17T00:00:00.000Z", "2022-07-17T00:00:00.000Z")
    assert validate(bundle) == []
    with pytest.raises(ExportError, match="incident or campaign"):
        stix_bundle(select(albania), incident_type="grouping")


def test_cli_export_stix(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    with Store.open(db) as kb:
        load_albania(kb)
    out = tmp_path / "albania.json"
    result = CliRunner().invoke(app, ["export", "--db", db, "-o", str(out), "--actor", "IR"])
    assert result.exit_code == 0, result.output
    bundle = json.loads(out.read_text())
    assert validate(bundle) == []
    assert sum(o["type"] == "incident" for o in bundle["objects"]) == 2
    bad = CliRunner().invoke(app, ["export", "--db", db, "--since", "last week"])
    assert bad.exit_code != 0 and "not a date" in bad.output


def test_every_extension_property_is_documented(albania: Store) -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "stix-extension.md"
    if not docs.exists():
        pytest.fail(f"{docs} is missing")
    text = docs.read_text(encoding="utf-8")
    bundle = stix_bundle(select(albania), include_text=True)
    names = {k for o in bundle["objects"] for k in (record_of(o) or {})}
    assert "action_cameo" in names and "text" in names
    assert sorted(n for n in names if f"`{n}`" not in text) == []


def test_claims_not_asserted_are_never_attributed_to(store: Store) -> None:
    """A doubted or negated attribution is the claimant's opinion (neutral / disagree) of the
    states it names, a refusal and a denial that is none are notes; no attributed-to points at
    a state only such claims name, the bundle validates, and the extension keeps polarity."""
    from cybertrack.export.stix_ext import ext_claim
    from cybertrack.model import Span
    from polarity_case import load_with_polarity

    load_with_polarity(store)
    bundle = stix_bundle(select(store))
    assert validate(bundle) == []
    objects = by_id(bundle)
    attributed = [o for o in bundle["objects"] if o["type"] == "relationship"
                  and o["relationship_type"] == "attributed-to"]
    assert {objects[o["target_ref"]]["name"] for o in attributed} == {
        "Iran (state)", "HomeLand Justice"}
    assert all((record_of(o) or {}).get("polarity") == "asserted" for o in attributed)

    def of(polarity: str, kind: str) -> Obj:
        return next(o for o in bundle["objects"] if (record_of(o) or {}).get("polarity")
                    == polarity and (record_of(o) or {}).get("kind") == kind)

    doubted = of("doubted", "attribution")
    assert doubted["type"] == "opinion" and doubted["opinion"] == "neutral"
    assert {objects[r]["name"] for r in doubted["object_refs"]
            if objects[r]["type"] == "threat-actor"} == {"Russia (state)", "China (state)"}
    assert "not an attribution" in doubted["explanation"]
    assert objects[doubted["created_by_ref"]]["name"] == "Example Labs"
    negated = of("negated", "attribution")
    assert negated["type"] == "opinion" and negated["opinion"] == "disagree"
    assert "Belarus (state)" in {objects[r].get("name") for r in negated["object_refs"]}
    assert of("refused", "attribution")["type"] == "note"
    not_denied = of("negated", "denial")
    assert not_denied["type"] == "note" and "does not deny" in not_denied["abstract"]
    # the one asserted denial still disagrees with the asserted attributions only
    (denial,) = [o for o in bundle["objects"] if o["type"] == "opinion"
                 and o["opinion"] == "strongly-disagree"]
    assert all(objects[r]["type"] == "relationship" for r in denial["object_refs"])

    p = record_of(doubted) or {}
    back = ext_claim(p, ident="c", document_id="d", sentence=Span(0, 1), incident_id=None)
    assert (back.polarity, back.alternatives, back.attributed_state) == ("doubted", ("CN",), "RU")
