"""Extraction rules on short hand-written texts (none taken from the gold sets)."""

from __future__ import annotations

import datetime as dt

import pytest

from cybertrack.extract import extract_document, to_gold
from cybertrack.model import Document, PartialDate


def run(text: str, published: str = "2022-10-01") -> dict:
    doc = Document.from_text(text, "test", title=None, published=PartialDate.parse(published))
    return to_gold(extract_document(doc))


def test_demonym_with_attacker_noun_is_the_sponsor_and_the_victim_is_the_target() -> None:
    out = run("Russian hackers compromised the email accounts of Norwegian lawmakers in "
              "August 2020, the country's intelligence service said.")
    assert [i["targets"] for i in out["incidents"]] == [["NO"]]
    assert out["incidents"][0]["date"] == "2020-08"
    assert "espionage" in out["incidents"][0]["kinds"]
    assert {"state": "RU"} in [a["attributed_to"] for a in out["attributions"]]


def test_named_actor_points_to_its_sponsor() -> None:
    out = run("APT28 targeted several ministries in Germany with phishing emails in 2015.")
    assert out["incidents"][0]["targets"] == ["DE"]
    to = out["attributions"][0]["attributed_to"]
    assert to.get("actor") and "RU" in (to.get("state"), to.get("sponsor"),
                                        out["entities"] and next(
                                            (e.get("sponsor") for e in out["entities"]
                                             if e["kind"] == "threat-actor"), None))


def test_second_attack_is_a_separate_incident_and_references_attach() -> None:
    text = ("A destructive cyberattack hit Ruritanian ministries in Georgia on 3 March 2021. "
            "Officials said another cyberattack struck the national police of Georgia in May 2021. "
            "The first cyberattack wiped hundreds of servers.")
    out = run(text, "2021-06-01")
    assert len(out["incidents"]) == 2
    first, second = out["incidents"]
    assert first["date"] == "2021-03-03" and second["date"] == "2021-05"
    assert "destruction" in first["kinds"] and "destruction" not in second["kinds"]


def test_claimant_confidence_and_state_from_in_support_of() -> None:
    out = run("In August, a cyberattack disrupted government websites in Montenegro. "
              "Security firm Mandiant assessed with high confidence that the operators "
              "acted in support of Russian interests.")
    claims = [a for a in out["attributions"] if a["claimant"]]
    assert claims and claims[0]["claimant"] == {"organization": "Mandiant"}
    assert claims[0]["attributed_to"] == {"state": "RU"}
    assert claims[0]["confidence"] == "high"


def test_likelihood_term_is_normalised() -> None:
    out = run("In June 2017 a wiper attack crippled companies in Ukraine. The British "
              "government said the Russian military was almost certainly responsible.")
    likely = [a["likelihood"] for a in out["attributions"] if a["likelihood"]]
    assert likely == ["almost certain"]


def test_denial_response_and_self_claim() -> None:
    text = ("On 2 May 2022 a cyberattack knocked Moldovan government websites offline. "
            "A group called Killnet claimed responsibility on Telegram. "
            "On 5 May, Moldova expelled two Russian diplomats over the attack. "
            "Moscow rejected the accusations as baseless.")
    out = run(text, "2022-05-10")
    kinds = {a["kind"] for a in out["attributions"]}
    assert "self-claim" in kinds
    assert out["denials"] and out["denials"][0]["claimant"] == {"government": "RU"}
    expel = [r for r in out["responses"] if r["action"] == "expel-diplomats"]
    assert expel and expel[0]["actor"] == "MD" and expel[0]["target"] == "RU"
    assert expel[0]["date"] == "2022-05-05"


def test_purpose_clause_and_hypothesis_make_no_incident() -> None:
    out = run("Analysts asked whether Ruritania could be behind it. The agency was set up in "
              "order to spy on neighbours such as Austria.")
    assert out["incidents"] == []
    assert out["attributions"] == []


def test_sever_ties_with_date_and_condemnation_target_from_attribution() -> None:
    text = ("On 7 September 2022, Albania cut diplomatic ties with Iran over a cyberattack "
            "carried out by Tehran against Albanian government services in July. "
            "A day later, the United States condemned the attack.")
    out = run(text, "2022-09-20")
    actions = {(r["actor"], r["action"], r["target"]) for r in out["responses"]}
    assert ("AL", "sever-relations", "IR") in actions
    assert ("US", "condemn", "IR") in actions
    sever = next(r for r in out["responses"] if r["action"] == "sever-relations")
    assert sever["date"] == "2022-09-07"
    assert out["incidents"][0]["targets"] == ["AL"]
    assert out["incidents"][0]["date"] == "2022-07"


@pytest.mark.parametrize("published", [dt.date(2022, 9, 20)])
def test_ids_are_deterministic(published: dt.date) -> None:
    doc = Document.from_text("Iranian hackers hit Albanian government websites in July 2022.",
                             "t", published=PartialDate.day(published))
    a, b = extract_document(doc), extract_document(doc)
    assert [c.id for c in a.claims] == [c.id for c in b.claims]
    assert [i.id for i in a.incidents] == [i.id for i in b.incidents]
