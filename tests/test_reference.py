"""The shipped reference data answers the questions extraction asks (issue "reference data")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cybertrack.errors import ReferenceDataError, UnknownEntityError
from cybertrack.model import Entity, Link
from cybertrack.reference import Country, Hit, RefEntry, Reference, load_reference
from cybertrack.reference.reference import PACKAGE_DATA


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference(PACKAGE_DATA)


def codes(entries: list[RefEntry]) -> list[str | None]:
    return [e.country for e in entries]


@pytest.mark.parametrize("name", ["Tehran", "Iranian", "Iranians", "the Islamic Republic",
                                  "Islamic Republic of Iran", "Iran", "IRAN"])
def test_iran_names_resolve_to_ir(ref: Reference, name: str) -> None:
    assert codes(ref.lookup(name))[0] == "IR"
    assert ref.country(name).code == "IR"


@pytest.mark.parametrize(("name", "code"), [
    ("Tirana", "AL"), ("Albanian", "AL"), ("Washington", "US"), ("Beijing", "CN"),
    ("Pyongyang", "KP"), ("Chinese", "CN"), ("Russians", "RU"), ("Emirati", "AE"),
    ("Emirates", "AE"), ("U.S.", "US"), ("US", "US"), ("USA", "US"), ("America", "US"),
    ("the United States", "US"), ("UK", "GB"), ("Britain", "GB"), ("South Korea", "KR"),
    ("North Korea", "KP"), ("DPRK", "KP"), ("Vietnam", "VN"), ("Taiwan", "TW"),
    ("Palestine", "PS"), ("Kosovo", "XK"), ("Czech Republic", "CZ"), ("Czechia", "CZ"),
    ("Russia", "RU"), ("Syria", "SY"), ("Laos", "LA"), ("Bolivia", "BO"), ("Downing Street", "GB"),
])
def test_country_forms(ref: Reference, name: str, code: str) -> None:
    assert ref.country(name).code == code


def test_pycountry_inverted_names_are_not_text_names(ref: Reference) -> None:
    assert "Iran, Islamic Republic of" not in ref.country("IR").names
    assert ref.lookup("Iran, Islamic Republic of") == []


def test_every_country_has_demonyms_capital_and_region(ref: Reference) -> None:
    countries = ref.countries()
    assert len(countries) >= 250
    assert all(isinstance(c, Country) for c in countries)
    sovereign = [c for c in countries if c.code not in {"AQ", "BV", "HM", "UM", "BQ", "GS", "SJ",
                                                         "TF", "IO"}]
    assert all(c.demonyms for c in sovereign), [c.code for c in sovereign if not c.demonyms]
    assert all(c.capital and c.lat is not None and c.lon is not None for c in sovereign)
    assert all(c.region and c.subregion for c in countries if c.code != "AQ")
    ir = ref.country("IR")
    assert (ir.capital, round(ir.lat or 0), round(ir.lon or 0)) == ("Tehran", 36, 51)
    assert (ir.region, ir.subregion) == ("Asia", "Southern Asia")
    assert "Kremlin" in ref.country("RU").metonyms


@pytest.mark.parametrize("name", ["White House", "NSC", "National Security Council"])
def test_us_government_bodies(ref: Reference, name: str) -> None:
    first = ref.lookup(name)[0]
    assert first.is_government and first.country == "US"


def test_shared_acronyms_resolve_to_every_body(ref: Reference) -> None:
    ncsc = ref.lookup("NCSC")
    assert {"GB", "NZ", "NL"} <= set(codes(ncsc))
    assert ncsc[0].country == "GB"


def test_named_agencies(ref: Reference) -> None:
    mois = ref.lookup("MOIS")[0]
    assert (mois.country, mois.is_government) == ("IR", True)
    for name, code in [("GRU", "RU"), ("FSB", "RU"), ("MSS", "CN"), ("RGB", "KP"),
                       ("GCHQ", "GB"), ("ANSSI", "FR"), ("BSI", "DE"), ("Unit 8200", "IL"),
                       ("Pentagon", "US"), ("OFAC", "US"), ("Kremlin", "RU"), ("IRGC", "IR")]:
        assert ref.lookup(name)[0].country == code, name
    un = ref.lookup("UN")[0]
    assert un.is_international and un.country is None
    assert ref.lookup("NATO")[0].is_international


def test_apt28_names_are_one_actor_sponsored_by_russia(ref: Reference) -> None:
    apt28 = ref.actor("APT28")
    assert apt28.sponsor == "RU"
    assert ref.actor("Fancy Bear") == apt28 == ref.actor("Forest Blizzard")
    assert ("Forest Blizzard", "Microsoft") in apt28.vendor_aliases
    assert "CrowdStrike" in apt28.vendors_of("Fancy Bear")
    assert "MITRE" in apt28.vendors_of("G0007")


def test_albania_actors_are_iranian_and_kept_apart_with_links(ref: Reference) -> None:
    names = ["Storm-0842", "BANISHED KITTEN", "Void Manticore", "HomeLand Justice"]
    actors = {n: ref.actor(n) for n in names}
    assert all(a.sponsor == "IR" for a in actors.values())
    assert actors["Storm-0842"] == actors["BANISHED KITTEN"]
    assert len({a.id for a in actors.values()}) == 3  # MISP keeps them apart: so do we
    assert "Check Point" in actors["Void Manticore"].vendors_of("Void Manticore")
    # a shared alias resolves to every entry that lists it
    assert {e.id for e in ref.lookup("BANISHED KITTEN")} >= {
        actors["BANISHED KITTEN"].id, actors["Void Manticore"].id}
    hlj = actors["HomeLand Justice"]
    links = ref.actor_links(hlj.id)
    assert all(isinstance(x, Link) and x.kind == "actor" for x in links)
    hexane = ref.actor("HEXANE")
    assert hexane.sponsor == "IR"
    attributed = [x for x in links if hexane.id in (x.a, x.b)]
    assert attributed and attributed[0].made_by == "MITRE ATT&CK"
    assert any(actors["Void Manticore"].id in (x.a, x.b) for x in links)
    bk_links = ref.actor_links(actors["BANISHED KITTEN"].id)
    assert any(actors["Void Manticore"].id in (x.a, x.b) for x in bk_links)


def test_organizations_and_non_state_groups(ref: Reference) -> None:
    mandiant = ref.lookup("Mandiant")[0]
    assert (mandiant.kind, mandiant.country, mandiant.is_vendor) == ("organization", "US", True)
    for name in ("MEK", "Mujahedeen-e-Khalq"):
        mek = ref.lookup(name)[0]
        assert (mek.kind, mek.country, mek.is_government) == ("organization", "IR", False)
    assert ref.lookup("Shamoon")[0].kind == "malware"
    assert ref.lookup("energy")[0].id == "sector:energy"


def test_lookup_case_and_kind(ref: Reference) -> None:
    assert ref.lookup("fancy bear")[0].id == ref.actor("APT28").id
    assert ref.lookup("Tehran", kind="threat-actor") == []
    assert ref.lookup("no such thing anywhere") == []


def test_unknown_names_raise_with_suggestions(ref: Reference) -> None:
    with pytest.raises(UnknownEntityError) as err:
        ref.actor("Fancy Baer")
    assert "APT28" in err.value.suggestions
    with pytest.raises(UnknownEntityError):
        ref.country("Narnia")
    with pytest.raises(UnknownEntityError):
        ref.entry("actor:no-such")


def test_search_is_fuzzy(ref: Reference) -> None:
    best, score = ref.search("Sandwrm", kind="threat-actor")[0]
    assert "Sandworm" in (best.name, *best.aliases) and score > 80


def test_scan_finds_names_with_forms(ref: Reference) -> None:
    text = ("Tehran denied it. The White House and the NSC said Iranian hackers, tracked by "
            "Microsoft as Storm-0842, hit Albania's government; the U.S. Treasury acted.")
    hits = ref.scan(text)
    assert all(isinstance(h, Hit) and text[h.start:h.end] == h.text for h in hits)
    got = {h.text: (h.form, h.entries[0].id) for h in hits}
    assert got["Tehran"] == ("capital", "country:IR")
    assert got["White House"][1] == "gov:us-white-house"
    assert got["NSC"] == ("acronym", "gov:us-nsc")
    assert got["Iranian"] == ("demonym", "country:IR")
    assert got["Storm-0842"][1] == ref.actor("Storm-0842").id
    assert got["U.S. Treasury"][1] == "gov:us-treasury"  # longest match beats "U.S."
    assert "it" not in got  # the IT sector is an acronym: case-sensitive


def test_scan_respects_case_and_word_boundaries(ref: Reference) -> None:
    hits = ref.scan("us and the us; Iranians in Irania; turkey for dinner; fine china")
    assert [h.text for h in hits] == ["Iranians"]
    hits = ref.scan("The Equation Group, unlike the equation, and Equation")
    forms = [(h.text, h.entries[0].ambiguous) for h in hits]
    assert ("Equation Group", False) in forms and ("Equation", True) in forms
    assert all(h.text != "equation" for h in hits)


def test_to_entity(ref: Reference) -> None:
    ent = ref.to_entity(ref.actor("APT28"))
    assert isinstance(ent, Entity) and ent.kind == "threat-actor" and ent.sponsor == "RU"
    assert ref.to_entity(ref.lookup("White House")[0]).role == "government"


def test_extraction_word_lists(ref: Reference) -> None:
    assert {"prime minister", "foreign minister", "spokesperson", "permanent representative",
            "attorney general", "secretary of state", "ambassador"} <= set(ref.titles)
    assert {"foreign ministry", "ministry of foreign affairs", "interior ministry"} <= set(
        ref.ministry_words)
    assert "power grid" in ref.sector_keywords["energy"]
    import re

    pats = [re.compile(p) for p in ref.ministry_patterns]
    for text, country in [("the Interior Ministry of Albania", "Albania"),
                          ("Albania's foreign ministry", "Albania")]:
        m = next(m for p in pats if (m := p.search(text)))
        assert m.group("country") == country


def test_shipped_data_size_and_it_loads() -> None:
    """Size is a hard limit; load speed is measured by bench/reference_speed.py, not here."""
    total = sum(p.stat().st_size for p in PACKAGE_DATA.iterdir() if p.is_file())
    assert total < 5_000_000
    ref = Reference(json.loads((PACKAGE_DATA / "reference.json").read_text("utf-8")))
    assert ref.country("AL").name == "Albania"


def test_load_prefers_user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads((PACKAGE_DATA / "reference.json").read_text("utf-8"))
    data["entries"][0]["name"] = "Userland"
    (tmp_path / "reference.json").write_text(json.dumps(data), "utf-8")
    monkeypatch.setenv("CYBERTRACK_REFERENCE_DIR", str(tmp_path))
    assert load_reference().entries()[0].name == "Userland"
    monkeypatch.setenv("CYBERTRACK_REFERENCE_DIR", str(tmp_path / "absent"))
    assert load_reference().entries()[0].name != "Userland"


def test_malformed_data_names_the_fix(tmp_path: Path) -> None:
    bad = tmp_path / "reference.json"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(ReferenceDataError, match="reference update"):
        load_reference(bad)
    bad.write_text('{"entries": 3}', "utf-8")
    with pytest.raises(ReferenceDataError, match="malformed"):
        load_reference(bad)
