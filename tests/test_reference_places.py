"""Places and organizations resolved to countries (issue 13, item 2): cities and US states from
the GeoNames table shipped in places.json, organization facts from the reference data, and cues
in the text. Sentences are written for these tests."""

from __future__ import annotations

from cybertrack.extract.entities import government_bodies, reference_mentions
from cybertrack.extract.types import EntityMention
from cybertrack.reference import load_reference
from cybertrack.reference.places import load_places


def _mentions(text: str) -> list[EntityMention]:
    found = reference_mentions(load_reference(), text)
    return sorted([*found, *government_bodies(text, found)])


def _country_of(text: str, words: str) -> str | None:
    for m in _mentions(text):
        if words in m.text:
            return m.country
    raise AssertionError(f"no mention of {words!r} in {text!r}")


def test_places_table_resolves_large_unique_cities_and_drops_shared_names() -> None:
    places = load_places()
    assert places.city("Baltimore", cued=False) == "US"
    assert places.city("Dhaka", cued=False) == "BD"
    assert places.city("Hamilton", cued=True) is None  # Canada and New Zealand alike
    assert places.city("Mobile", cued=False) is None  # a word first
    assert places.state("Ohio") == "US"


def test_city_named_with_a_cue_is_a_location_in_its_country() -> None:
    text = "Ransomware froze the computers of the city of Baltimore for weeks."
    loc = [m for m in _mentions(text) if m.kind == "location"]
    assert [(m.name, m.country) for m in loc] == [("Baltimore", "US")]


def test_us_states_are_not_the_countries_inside_their_names() -> None:
    text = "The gang hit clinics in New Jersey and a utility in New Mexico."
    kinds = {(m.text, m.kind, m.country) for m in _mentions(text)}
    assert ("New Jersey", "location", "US") in kinds
    assert ("New Mexico", "location", "US") in kinds
    assert not any(m.kind == "country" for m in _mentions(text))


def test_city_before_a_state_swallows_the_country_of_the_same_name() -> None:
    text = "Officials in Atlanta, Georgia restored the court's systems."
    assert _country_of(text, "Atlanta") == "US"
    assert not any(m.kind == "country" for m in _mentions(text))


def test_city_named_for_its_country_keeps_the_country() -> None:
    text = "A hospital in Mexico City was hit by ransomware."
    assert [m.country for m in _mentions(text) if m.kind in ("country", "location")] == ["MX"]


def test_victim_organizations_carry_their_country() -> None:
    assert _country_of("Hackers leaked the films of Sony Pictures.", "Sony Pictures") == "US"
    assert _country_of("The breach at Equifax exposed millions.", "Equifax") == "US"


def test_based_and_apposition_cues_place_an_unknown_organization() -> None:
    assert _country_of("The U.S.-based Quillmark Freight lost its data.", "Quillmark") == "US"
    text = "Vostrand, a Danish shipping company, was hit by a wiper."
    assert _country_of(text, "Vostrand") == "DK"


def test_a_body_owned_by_another_state_is_that_state_s() -> None:
    text = "The Saudi government's National Cyber Security Centre said the attack failed."
    body = [m for m in _mentions(text) if "Centre" in m.text]
    assert body and body[0].country == "SA" and body[0].is_government


def test_unnamed_security_firm_is_an_organization_not_its_government() -> None:
    text = "A major US cybersecurity company said the malware was new."
    firm = [m for m in _mentions(text) if "company" in m.text]
    assert firm and firm[0].kind == "organization" and firm[0].country == "US"
    assert not firm[0].is_government and firm[0].is_vendor
    assert not any(m.kind == "country" for m in _mentions(text))


def test_federal_prosecutors_are_a_us_body() -> None:
    text = "Federal prosecutors in Ohio unsealed the case."
    body = [m for m in _mentions(text) if "prosecutors" in m.text]
    assert body and body[0].country == "US" and body[0].is_government
