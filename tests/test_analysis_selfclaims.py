"""A group claiming an act for itself is kept apart from attributions to its sponsor: in the
assessment (not counted among independent claimants), the chain and timeline, and exports."""

from __future__ import annotations

import json
from pathlib import Path

from albania_case import load_albania
from cybertrack.analysis import assess, chain, incident_timeline
from cybertrack.export import select, stix_bundle, write_tables
from cybertrack.export.misp import misp_json
from cybertrack.resolve import link_all
from cybertrack.store import Store
from kb_factory import HOMELAND, MANDIANT, albania_reports, report, say


def _load(store: Store) -> str:
    exs = albania_reports()
    store.bulk_add(exs)
    link_all(store)
    return exs[0].incidents[0].id


def test_self_claim_is_listed_apart_and_not_counted(store: Store) -> None:
    a = assess(store, _load(store))
    iran = a.leading
    assert iran is not None and iran.state == "IR"
    assert "HomeLand Justice" not in {s.claimant for s in iran.supports}
    assert iran.independent == 3  # Albania, Mandiant, United Kingdom
    (own,) = a.self_claims
    assert (own.actor, own.state, own.state_name) == ("HomeLand Justice", "IR", "Iran")
    assert {t.claimant for t in own.ties} == {"Albania", "Mandiant", "United Kingdom"}
    assert a.explanation.startswith("Claimed by HomeLand Justice itself (1 report); the group "
                                    "is tied to Iran by: ")
    assert "3 independent claimants" in a.explanation


def test_chain_and_timeline_say_claimed_not_attributed(store: Store) -> None:
    iid = _load(store)
    a = assess(store, iid)
    steps = chain(a).steps
    own = [s for s in steps if s.kind == "self-claim"]
    assert [(s.actor, s.what) for s in own] == [("HomeLand Justice", "claimed responsibility")]
    assert not [s for s in steps if s.kind == "attribution" and s.actor == "HomeLand Justice"]
    texts = [e.text for e in incident_timeline(store, iid).events]
    assert "HomeLand Justice claimed responsibility" in texts
    assert not any(t.startswith("HomeLand Justice attributed") for t in texts)


def test_only_a_self_claim_is_no_attribution(store: Store) -> None:
    ex = report(7, publisher="Solo Test", published="2022-08-01", claims=(
        say("self-claim", "HomeLand Justice said it did it.", HOMELAND,
            attributed_actor="HomeLand Justice", attributed_state="IR"),))
    store.add_extraction(ex)
    a = assess(store, ex.incidents[0].id)
    assert a.candidates == () and len(a.self_claims) == 1
    assert "no independent source in this case ties the group to Iran" in a.explanation
    assert "No source attributes this incident." in a.explanation


def test_exports_do_not_attribute_a_self_claim_to_the_sponsor(store: Store,
                                                              tmp_path: Path) -> None:
    load_albania(store)
    bundle = stix_bundle(select(store))
    objects = {o["id"]: o for o in bundle["objects"]}
    rels = [o for o in bundle["objects"] if o["type"] == "relationship"
            and o["relationship_type"] == "attributed-to"
            and objects[o["created_by_ref"]]["name"] == "HomeLand Justice"]
    assert rels and all(objects[r["target_ref"]]["name"] != "Iran (state)" for r in rels)
    assert all(objects[r["target_ref"]]["name"] == "HomeLand Justice" for r in rels)

    write_tables(select(store), tmp_path, "json")
    rows = json.loads((tmp_path / "incidents.json").read_text())
    vendor = next(r for r in rows if r["self_claimed_by"])
    assert vendor["self_claimed_by"] == ["HomeLand Justice"]
    # Mandiant's attribution still names Iran; the group's own claim adds no state
    assert vendor["attributed_states"] == ["IR"]


def test_misp_tags_the_sponsor_of_a_self_claim_as_suspected(store: Store) -> None:
    _load(store)  # HomeLand Justice's claim carries its suspected sponsor, Iran
    events = misp_json(select(store))["response"]
    tags = [(obj.get("comment", ""), t["name"]) for ev in events
            for obj in ev["Event"].get("Object", [])
            for attr in obj.get("Attribute", []) for t in attr.get("Tag", [])]
    names = [t for _, t in tags]
    assert 'cybertrack:suspected-sponsor="IR"' in names
    own = {t for c, t in tags if 'claim-kind="self-claim"' in t}
    assert own  # the self-claim's annotation is there ...
    # ... and every attributed-state tag comes from an attribution, not from the group
    assert names.count('cybertrack:attributed-state="IR"') == sum(
        1 for ex in albania_reports() for c in ex.claims
        if c.kind in ("attribution", "denial") and c.attributed_state == "IR")


def test_self_claim_without_attribution_adds_no_state_to_tables(store: Store,
                                                               tmp_path: Path) -> None:
    ex = report(8, publisher="Solo Test", published="2022-08-01", claims=(
        say("self-claim", "HomeLand Justice said it did it.", HOMELAND,
            attributed_actor="HomeLand Justice", attributed_state="IR"),
        say("attribution", "Mandiant named the group.", MANDIANT,
            attributed_actor="HomeLand Justice"),))
    store.add_extraction(ex)
    write_tables(select(store), tmp_path, "json")
    (row,) = json.loads((tmp_path / "incidents.json").read_text())
    assert row["attributed_states"] == [] and row["self_claimed_by"] == ["HomeLand Justice"]
