"""Building the reference data: the merge rule, vendor naming, the build script and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybertrack.cli import app
from cybertrack.reference import load_reference
from cybertrack.reference.actors import merge_actors
from cybertrack.reference.build import MITRE_NOTICE, build, main, write
from cybertrack.reference.naming import actor_name_ambiguous, demonym_plurals, scheme_vendor
from cybertrack.reference.sources import Member

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data"
needs_shared = pytest.mark.skipif(
    not (DATA / "misp-galaxy").is_dir(), reason=f"shared data not found at {DATA}")


def member(source: str, key: str, name: str, *synonyms: str, **kw: object) -> Member:
    m = Member(source, key, name, list(synonyms))
    for k, v in kw.items():
        setattr(m, k, v)
    return m


def country_of(name: str | None) -> str | None:
    return {"Iran (Islamic Republic of)": "IR", "Russian Federation": "RU"}.get(name or "")


def test_shared_alias_never_merges_but_links() -> None:
    a = member("misp-threat-actor", "u1", "BANISHED KITTEN", "Storm-0842", country="IR")
    b = member("misp-threat-actor", "u2", "Void Manticore", country="IR")
    c = member("misp-mitre-intrusion-set", "u3", "VOID MANTICORE", "BANISHED KITTEN",
               ext_ids=["G1055"])
    entries, links = merge_actors([a, b, c], [], country_of)
    by_name = {e["name"]: e for e in entries}
    assert set(by_name) == {"BANISHED KITTEN", "Void Manticore"}  # c merged into b by name
    assert by_name["Void Manticore"]["ext_ids"] == ["G1055"]
    pair = {(x["a"], x["b"]) for x in links}
    assert (by_name["Void Manticore"]["id"], by_name["BANISHED KITTEN"]["id"]) in pair


def test_cross_references_merge_and_two_threat_actor_clusters_never_do() -> None:
    ta = member("misp-threat-actor", "t1", "APT28", "FANCY BEAR", "G0007", country="RU",
                ext_ids=["G0007"], vendor_names=[("Forest Blizzard", "Microsoft")])
    ta2 = member("misp-threat-actor", "t2", "Sofacy clone", country="RU",
                 related=[("m1", "similar", "likely")])
    ms = member("misp-microsoft-activity-group", "m1", "Forest Blizzard", "Fancy Bear",
                vendor_names=[("Forest Blizzard", "Microsoft")])
    attack = member("attack-intrusion-set", "g1", "APT28", "Sednit", ext_ids=["G0007"])
    entries, links = merge_actors([ta, ta2, ms, attack], [], country_of)
    apt28 = next(e for e in entries if e["name"] == "APT28")
    assert len(apt28["sources"]) == 3 and apt28["sponsor"] == "RU"
    assert ["Forest Blizzard", "Microsoft"] in apt28["va"]
    assert ["APT28", "Mandiant"] in apt28["va"]  # naming scheme
    clone = next(e for e in entries if e["name"] == "Sofacy clone")
    refused = [x for x in links if {x["a"], x["b"]} == {clone["id"], apt28["id"]}]
    assert refused and "not merged" in refused[0]["reasons"][0]


def test_campaign_attribution_is_a_link_and_lends_its_sponsor() -> None:
    camp = member("attack-campaign", "c1", "HomeLand Justice", ext_ids=["C0038"])
    grp = member("attack-intrusion-set", "g1", "HEXANE", "Lyceum", ext_ids=["G1001"])
    ta = member("misp-threat-actor", "t1", "LYCEUM", "HEXANE", country="IR")
    entries, links = merge_actors([camp, grp, ta], [("c1", "g1")], country_of)
    assert len(entries) == 2  # LYCEUM and HEXANE list each other's name: merged
    hlj = next(e for e in entries if e["name"] == "HomeLand Justice")
    assert hlj["sponsor"] == "IR" and hlj["actor_kind"] == "campaign"
    assert [x["made_by"] for x in links if x["a"] == hlj["id"]] == ["MITRE ATT&CK"]


def test_vendor_schemes_and_ambiguity() -> None:
    assert scheme_vendor("APT34") == "Mandiant"
    assert scheme_vendor("UNC1151") == "Mandiant"
    assert scheme_vendor("Helix Kitten") == "CrowdStrike"
    assert scheme_vendor("Hazel Sandstorm") == "Microsoft"
    assert scheme_vendor("Storm-0842") == "Microsoft"
    assert scheme_vendor("EUROPIUM") == "Microsoft"
    assert scheme_vendor("TA453") == "Proofpoint"
    assert scheme_vendor("TG-4127") == "Secureworks"
    assert scheme_vendor("Void Manticore") == "Check Point"
    assert scheme_vendor("Lazarus Group") is None
    assert all(actor_name_ambiguous(x) for x in ("Equation", "GALLIUM", "Copper", "SEA", "Rocket"))
    assert not any(actor_name_ambiguous(x) for x in ("Lazarus", "Sandworm", "Turla", "Winnti"))
    assert demonym_plurals("Iranian") == ["Iranians"]
    assert demonym_plurals("Chinese") == []
    assert demonym_plurals("Frenchman") == ["Frenchmen"]


@needs_shared
def test_build_from_shared_data(tmp_path: Path) -> None:
    reference, notice = build(DATA)
    meta = reference["_meta"]
    assert meta["sources"]["misp-galaxy"]["commit"].startswith("9434ace4")
    assert meta["counts"]["actors"] > 900
    assert notice["mitre-attack"]["notice"] == MITRE_NOTICE
    assert "MITRE" in notice["mitre-attack"]["license"]
    assert "CC0" in notice["misp-galaxy"]["notice"]
    blob = json.dumps(reference)
    assert "is a group that has been active" not in blob  # no descriptions copied
    path = write(reference, notice, tmp_path)
    ref = load_reference(path)
    assert ref.actor("Fancy Bear").sponsor == "RU"
    assert {"Mandiant", "CrowdStrike", "Microsoft", "MITRE"} <= {
        v for _, v in ref.actor("APT28").vendor_aliases}


@needs_shared
def test_shipped_data_matches_a_fresh_build() -> None:
    reference, _ = build(DATA)
    shipped = load_reference()
    assert shipped.meta["counts"] == reference["_meta"]["counts"]


def test_build_script_reports_a_wrong_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    assert main([str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "misp-galaxy" in capsys.readouterr().err


def test_cli_country_and_actor() -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["country", "Tehran"])
    assert out.exit_code == 0 and "Iran" in out.output and "35.69" in out.output
    out = runner.invoke(app, ["actor", "Void Manticore"])
    assert out.exit_code == 0
    assert "Check Point" in out.output and "BANISHED KITTEN" in out.output
    out = runner.invoke(app, ["actor", "Fancy Baer"])
    assert out.exit_code != 0


@needs_shared
def test_cli_reference_update_writes_user_dir(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYBERTRACK_REFERENCE_DIR", str(tmp_path))
    out = CliRunner().invoke(app, ["reference", "update", str(DATA)])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "reference.json").exists() and (tmp_path / "NOTICE.json").exists()
    assert load_reference().path == tmp_path / "reference.json"
