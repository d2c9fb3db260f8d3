"""MISP export: one event per incident, claims as tagged annotations, readable by pymisp."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pymisp import MISPEvent
from typer.testing import CliRunner

from albania_case import load_albania
from cybertrack.cli import app
from cybertrack.export import select
from cybertrack.export.misp import _claim_tags, misp_json, write_misp
from cybertrack.store import Store


@pytest.fixture
def events(store: Store) -> list[MISPEvent]:
    load_albania(store)
    loaded = []
    for item in misp_json(select(store))["response"]:
        event = MISPEvent()
        event.load(json.dumps(item))  # pymisp's own parser
        loaded.append(event)
    return loaded


def _annotation(event: MISPEvent, needle: str) -> tuple[str, set[str]]:
    """(comment, tags of its text attribute) of the claim annotation whose text has needle."""
    for obj in event.objects:
        if obj.name == "annotation":
            text = next(a for a in obj.attributes if a.object_relation == "text")
            if needle in text.value:
                return obj.comment, {t.name for t in text.tags}
    raise AssertionError(f"no annotation with {needle!r}")


def test_one_event_per_incident_with_galaxies(events: list[MISPEvent]) -> None:
    assert len(events) == 2
    vendor = next(e for e in events if e.info.startswith("Destructive attack"))
    tags = {t.name for t in vendor.tags}
    assert 'misp-galaxy:threat-actor="HomeLand Justice"' in tags
    assert {'misp-galaxy:country="albania"', 'misp-galaxy:country="iran"'} <= tags
    assert str(vendor.date) == "2022-07-17"
    actors = [a for a in vendor.attributes if a.type == "threat-actor"]
    assert [a.value for a in actors] == ["HomeLand Justice"]


def test_claims_keep_estimative_language_admiralty_and_basis(events: list[MISPEvent]) -> None:
    vendor = next(e for e in events if e.info.startswith("Destructive attack"))
    comment, tags = _annotation(vendor, "Mandiant assessed")
    assert "Mandiant attributes the incident to Iran" in comment
    assert {
        'estimative-language:confidence-in-analytic-judgment="moderate"',
        'admiralty-scale:source-reliability="b"',
        'cybertrack:claim-basis="it-security-company"',
        'cybertrack:claimant="Mandiant"',
        'cybertrack:claim-kind="attribution"',
    } <= tags
    news = next(e for e in events if e.info.startswith("Cyberattack on Albania"))
    _, denial = _annotation(news, "rejected the accusation")
    assert {'cybertrack:claim-kind="denial"', 'cybertrack:claimant="Government of Iran"',
            'admiralty-scale:source-reliability="c"'} <= denial
    _, severance = _annotation(news, "ended diplomatic relations")
    assert 'cybertrack:response-action="sever-relations"' in severance
    report = next(o for o in news.objects if o.name == "report")
    link = next(a for a in report.attributes if a.object_relation == "link")
    assert link.value == "https://news.example.net/albania-iran-ties"


def test_likelihood_tag_uses_the_taxonomy_value(store: Store) -> None:
    exs = load_albania(store)
    claim = replace(exs[0].claims[1], likelihood="very likely", confidence=None)
    assert 'estimative-language:likelihood-probability="very-likely"' in _claim_tags(claim, None)


def test_export_is_deterministic_and_cli_writes_it(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    with Store.open(db) as kb:
        load_albania(kb)
        expected = write_misp(select(kb), None)
    with Store.open(db) as kb:
        assert write_misp(select(kb), None) == expected
    out = tmp_path / "events.json"
    result = CliRunner().invoke(app, ["export", "--db", db, "-f", "misp", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == expected + "\n"


def test_claims_not_asserted_are_tagged_not_attributed(store: Store) -> None:
    """A doubted, refused or negated claim is an annotation tagged with its polarity and the
    states it names (named-state, alternative-state), never an attributed-state tag, a
    threat-actor attribute or an actor galaxy."""
    from polarity_case import load_with_polarity

    load_with_polarity(store)
    (vendor,) = [e for e in misp_json(select(store))["response"]
                 if "Destructive attack" in e["Event"]["info"]]
    event = MISPEvent()
    event.load(json.dumps(vendor))
    _, doubted = _annotation(event, "could not confirm")
    assert {'cybertrack:polarity="doubted"', 'cybertrack:named-state="RU"',
            'cybertrack:alternative-state="CN"'} <= doubted
    assert not any(t.startswith("cybertrack:attributed-state") for t in doubted)
    comment, negated = _annotation(event, "was not behind")
    assert 'cybertrack:polarity="negated"' in negated and "not an attribution" in comment
    assert 'cybertrack:attributed-state="BY"' not in negated
    _, refused = _annotation(event, "declined to say")
    assert 'cybertrack:polarity="refused"' in refused
    _, not_denied = _annotation(event, "has not denied")
    assert 'cybertrack:polarity="negated"' in not_denied
    every = [*event.attributes, *(a for o in event.objects for a in o.attributes)]
    states = {t.name for a in every for t in a.tags
              if t.name.startswith("cybertrack:attributed-state")}
    assert states == {'cybertrack:attributed-state="IR"'}
    assert [a.value for a in event.attributes if a.type == "threat-actor"] == [
        "HomeLand Justice"]
