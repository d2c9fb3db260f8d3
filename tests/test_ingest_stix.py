"""STIX import: ATT&CK campaigns and attributions, other producers' reports, our own bundles
(round trip), and the wiring into ``cybertrack ingest``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from albania_case import load_albania
from cybertrack.batch import STRUCTURED_VERSION, ingest_paths
from cybertrack.errors import IngestError
from cybertrack.export import select, stix_bundle
from cybertrack.export.stix import bundle_json
from cybertrack.ingest import iter_input, sniff_format
from cybertrack.ingest.stix import StixImporter, parse_stix, read_stix_files
from cybertrack.model import Extraction
from cybertrack.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ATTACK = SHARED / "data" / "mitre-attack" / "enterprise-attack"
HOMELAND_JUSTICE = "campaign--7e21077d-2589-43a7-a5f9-490061289526"


def need_attack() -> Path:
    if not ATTACK.is_dir():
        pytest.skip(f"ATT&CK snapshot not found at {ATTACK} (the shared data folder)")
    return ATTACK


def store_all(store: Store, exs: list[tuple[str, Extraction]]) -> None:
    for _, ex in exs:
        store.add_extraction(ex)


# --- sniffing ---------------------------------------------------------------------------------


def test_stix_is_sniffed_by_content() -> None:
    bundle = b'{"type": "bundle", "id": "bundle--0cbf2be9-b07b-4e4d-b3b1-931e883c8460"}'
    assert sniff_format("x.json", bundle) == "stix"
    assert sniff_format("https://example.org/feed", bundle) == "stix"
    lone = json.dumps({"name": "x" * 5000, "type": "campaign",
                       "id": "campaign--0257b35b-93ef-4a70-80dd-ad5258e6045b"}).encode()
    assert sniff_format("one.json", lone) == "stix"  # "type" beyond the sniffed head
    assert sniff_format("docs.jsonl", b'{"id": "a1", "title": "t", "text": "x"}\n') == "jsonl"
    assert sniff_format("other.json", b'{"id": "a1", "type": "note"}') != "stix"


def test_not_stix_is_an_ingest_error() -> None:
    with pytest.raises(IngestError, match="no STIX objects"):
        parse_stix(b'{"hello": "world"}', "x.json")
    with pytest.raises(IngestError, match="not JSON"):
        parse_stix(b'{"type": "bundle", ', "x.json")


# --- ATT&CK -----------------------------------------------------------------------------------


def test_attack_campaigns_intrusion_sets_and_attributions(store: Store) -> None:
    folder = need_attack()
    files = sorted(str(p) for p in folder.rglob("*.json"))
    results = list(read_stix_files(files))
    assert all(r.error is None and r.extraction is not None for r in results)
    store_all(store, [(r.source, r.extraction) for r in results if r.extraction])
    docs = {d.external_id: d for d in store.documents()}
    assert sum(str(k).startswith("campaign--") for k in docs) == 52  # one per campaign file
    doc = docs[HOMELAND_JUSTICE]
    assert doc.source == "https://attack.mitre.org/campaigns/C0038"
    assert doc.publisher == "The MITRE Corporation"
    assert "(Citation:" not in doc.text and "](https://" not in doc.text
    (hlj,) = store.incidents(document_id=doc.id)
    assert hlj.time is not None and (hlj.time.start.isoformat(), hlj.time.end.isoformat()) == (
        "2021-05-01", "2022-09-01")
    assert hlj.sentence.startswith("HomeLand Justice was a disruptive campaign")
    (report,) = store.claims(incident_ids=[hlj.id])
    assert report.kind == "incident-report" and report.event_date == hlj.time
    # The attributed-to relationship is MITRE's own statement: its own document, whose
    # incident is linked to the campaign's.
    (link,) = store.links(record_id=hlj.id)
    (claim,) = store.claims(incident_ids=[link.b if link.a == hlj.id else link.a])
    assert claim.kind == "attribution" and claim.claimant is not None
    assert (claim.claimant.name, claim.claimant.basis) == ("The MITRE Corporation", "tracker")
    assert (claim.attributed_actor, claim.attributed_actor_id) == ("HEXANE", "actor:hexane")
    text = store.document(claim.document_id).text
    assert text[claim.sentence.start:claim.sentence.end] == claim.sentence_text
    assert claim.sentence_text.startswith("HEXANE probed victim infrastructure")
    assert len(store.claims(kind="attribution")) == 25  # the 25 attributed-to relationships
    hexane = store.entity("actor:hexane")
    assert hexane.kind == "threat-actor" and "Lyceum" in hexane.aliases


def test_folder_of_single_objects_through_ingest(tmp_path: Path, store: Store) -> None:
    folder = need_attack()
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(folder / "campaign" / f"{HOMELAND_JUSTICE}.json", inputs)
    shutil.copy(folder / "relationship-attributed-to" / "attributed-to.json", inputs)
    first = ingest_paths(store, [str(inputs)])  # HEXANE unknown: its attribution waits
    assert first.ok and first.new == 1 and store.claims(kind="attribution") == []
    hexane = "intrusion-set--f29b7c5e-2439-42ad-a86f-9f8984fafae3.json"
    one: dict[str, Any] = json.loads((folder / "intrusion-set" / hexane).read_text())
    (inputs / "hexane.json").write_text(json.dumps(one["objects"][0]))  # a bare object
    summary = ingest_paths(store, [str(inputs)])
    assert summary.ok and summary.inputs == 3
    assert (summary.new, summary.unchanged) == (2, 1)  # intrusion set, relationship; campaign
    (claim,) = store.claims(kind="attribution")
    assert claim.attributed_actor == "HEXANE" and claim.incident_id is not None
    assert store.entity("actor:hexane").name == "HEXANE"
    assert len(store.links(kind="incident")) == 1
    assert store.document_extractor_version(claim.document_id) == STRUCTURED_VERSION
    assert ingest_paths(store, [str(inputs)]).unchanged == 3  # re-ingesting changes nothing


# --- other producers --------------------------------------------------------------------------

VENDOR = "identity--0a7e7a1e-93a1-4b8e-9a44-55e1f1e2b7a1"


def _obj(kind: str, n: int, **props: Any) -> dict[str, Any]:
    return {"type": kind, "spec_version": "2.1", "id": f"{kind}--00000000-0000-4000-8000-{n:012d}",
            "created": "2022-09-10T12:00:00.000Z", "modified": "2022-09-10T12:00:00.000Z",
            "created_by_ref": VENDOR, **props}


def test_report_campaign_and_confidence_from_another_producer(store: Store) -> None:
    campaign = _obj("campaign", 1, name="Albanian e-government wiper",
                    description="A destructive operation hit Albanian e-government services.",
                    first_seen="2022-07-15T00:00:00Z", last_seen="2022-07-18T00:00:00Z")
    actor = _obj("intrusion-set", 2, name="Storm-0842", aliases=["Storm-0842", "DEV-0842"])
    albania = _obj("location", 3, name="Albania", country="AL")
    rel = _obj("relationship", 4, relationship_type="attributed-to", confidence=85,
               source_ref=campaign["id"], target_ref=actor["id"],
               description="We attribute the wiper deployment to Storm-0842.")
    targets = _obj("relationship", 5, relationship_type="targets", source_ref=campaign["id"],
                   target_ref=albania["id"])
    report = _obj("report", 6, name="Vendor blog on the Albania wiper",
                  published="2022-09-08T00:00:00Z", object_refs=[campaign["id"], rel["id"]],
                  external_references=[{"source_name": "blog",
                                        "url": "https://vendor.example.com/albania"}])
    vendor = {"type": "identity", "spec_version": "2.1", "id": VENDOR, "name": "Example Vendor",
              "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z"}
    bundle = {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000",
              "objects": [campaign, actor, albania, rel, targets, report, vendor]}
    importer = StixImporter()
    importer.add(parse_stix(json.dumps(bundle).encode(), "vendor.json"), "vendor.json")
    store_all(store, importer.extractions())
    (claim,) = store.claims(kind="attribution")
    assert claim.claimant is not None and claim.claimant.name == "Example Vendor"
    assert claim.confidence == "high" and claim.attributed_actor == "Storm-0842"
    doc = store.document(claim.document_id)  # the report that lists the relationship
    assert doc.title == "Vendor blog on the Albania wiper"
    assert doc.source == "https://vendor.example.com/albania"
    inc = store.incident(str(claim.incident_id))
    assert inc.document_id == doc.id and inc.targets == ("AL",)
    (link,) = store.links(kind="incident")  # the report's incident = the campaign's incident
    assert {link.a, link.b} == {i.id for i in store.incidents()}
    assert store.entity("actor:storm-0842").aliases == ("DEV-0842",)


# --- our own bundles: the round trip ----------------------------------------------------------


def _claims(store: Store) -> list[tuple[str, ...]]:
    """Everything a claim says, ids aside (they differ when texts are rebuilt)."""
    return sorted(tuple(map(str, (
        c.kind, c.claimant, c.stance, c.attributed_state, c.attributed_actor, c.confidence,
        c.likelihood, c.hedge, c.action, c.actor_state, c.target_state, c.event_date,
        c.claim_date, c.sentence_text))) for c in store.claims())


def _incidents(store: Store) -> list[tuple[str, ...]]:
    return sorted(tuple(map(str, (i.key, i.kinds, i.targets, i.target_orgs, i.sectors, i.time,
                                  i.operator, i.title, i.sentence))) for i in store.incidents())


def _confidences(bundle: dict[str, Any]) -> list[tuple[str, int]]:
    return sorted((o["description"], o["confidence"]) for o in bundle["objects"]
                  if "confidence" in o)


@pytest.mark.parametrize("with_text", [False, True])
def test_round_trip_keeps_incidents_claims_and_confidences(
        store: Store, tmp_path: Path, with_text: bool) -> None:
    load_albania(store)
    first = stix_bundle(select(store), include_text=with_text)
    path = tmp_path / "albania.json"
    path.write_text(bundle_json(first))
    results = list(iter_input(str(path)))  # the reader registry picks the STIX reader
    with Store.open(str(tmp_path / "copy.db")) as copy:
        for r in results:
            assert r.extraction is not None
            copy.add_extraction(r.extraction)
        second = stix_bundle(select(copy), include_text=with_text)
        assert _incidents(copy) == _incidents(store)
        assert _claims(copy) == _claims(store)
        assert copy.entities() == store.entities()
        assert [(x.score, x.reasons) for x in copy.links()] == [
            (x.score, x.reasons) for x in store.links()]
        assert _confidences(second) == _confidences(first)
        if with_text:  # a lossless copy: same records, same ids, the very same bundle
            assert sorted(c.id for c in copy.claims()) == sorted(c.id for c in store.claims())
            assert second == first
        else:
            text = copy.documents()[0].text  # rebuilt from title and quoted sentences
            claim = copy.claims(document_id=copy.documents()[0].id)[0]
            assert text[claim.sentence.start:claim.sentence.end] == claim.sentence_text


def test_sample_corpus_round_trip(tmp_path: Path) -> None:
    """The real extractor's records of the bundled Albania articles survive the trip."""
    from stix2validator import ValidationOptions, validate_instance

    samples = Path(__file__).resolve().parents[1] / "src" / "cybertrack" / "samples"
    with Store.open(str(tmp_path / "kb.db")) as kb, Store.open(str(tmp_path / "b.db")) as copy:
        assert ingest_paths(kb, [str(p) for p in sorted(samples.glob("0[1-5]_*.txt"))]).ok
        bundle = stix_bundle(select(kb))
        assert validate_instance(bundle, ValidationOptions(version="2.1")).errors == []
        importer = StixImporter()
        importer.add(bundle["objects"], "samples.json")
        store_all(copy, importer.extractions())
        assert _incidents(copy) == _incidents(kb) and _claims(copy) == _claims(kb)
        assert _confidences(stix_bundle(select(copy))) == _confidences(bundle)
