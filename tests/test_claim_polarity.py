"""Polarity and stated confidence of claims (issue 13, item 3): every claim says whether the
text asserts, doubts, negates or refuses it, decided in the clause of its mention; only
asserted claims are attributions for the scorer and the analysis. Sentences are our own."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from conftest import make_extraction
from cybertrack.extract import extract_document, to_gold
from cybertrack.extract.polarity import clause_bounds, polarity_at, stated_confidence
from cybertrack.model import Document, PartialDate
from cybertrack.scoring import score
from cybertrack.store import Store

LEAD = "A cyberattack shut down the ticketing systems of Denmark's railways on 4 March. "


def run(text: str) -> dict[str, Any]:
    doc = Document.from_text(text, "test", title=None, published=PartialDate.parse("2023-03-20"))
    return to_gold(extract_document(doc))


def polarities(out: dict[str, Any]) -> dict[str | None, str]:
    """Attributed state (or sponsor) -> polarity, for every attribution of a record."""
    return {(a["attributed_to"].get("state") or a["attributed_to"].get("sponsor")): a["polarity"]
            for a in out["attributions"]}


# --- scope: the cue governs the clause that holds the mention -------------------------------

def test_a_state_set_apart_is_negated_and_the_other_stays_asserted() -> None:
    out = run(LEAD + "Investigators said Russia was behind the attack, but not Belarus.")
    assert polarities(out) == {"RU": "asserted", "BY": "negated"}


def test_not_believed_to_be_connected_is_negated() -> None:
    out = run(LEAD + "The intrusion is not believed to be connected to the Chinese government, "
                     "investigators said.")
    assert polarities(out) == {"CN": "negated"}


def test_no_evidence_that_is_negated_without_making_a_denial() -> None:
    out = run(LEAD + "Sweden blamed Russia for the outage but said there was no evidence "
                     "that Belarus was involved.")
    assert polarities(out) == {"RU": "asserted", "BY": "negated"}
    assert out["denials"] == []


def test_a_negated_predicate_after_the_subject_negates_it() -> None:
    out = run(LEAD + "Sweden said Russia was not behind the outage.")
    assert polarities(out) == {"RU": "negated"}


def test_doubt_cues_make_a_doubted_claim() -> None:
    for sentence in (
        "Sweden said it could not confirm whether Russia was responsible.",
        "Sweden said Russian hackers may or may not have been involved.",
        "Sweden said it was too early to say whether Russia was behind the outage.",
        "Analysts cast doubt on reports that Chinese hackers carried out the outage.",
        "Sweden said it is unlikely that Russian hackers carried out the outage.",
    ):
        out = run(LEAD + sentence)
        assert set(polarities(out).values()) == {"doubted"}, sentence


def test_a_refusal_is_no_attribution() -> None:
    out = run(LEAD + "Sweden declined to say whether Russian hackers were behind the outage.")
    assert set(polarities(out).values()) <= {"refused"}


def test_hedged_claims_stay_asserted_with_their_likelihood() -> None:
    out = run(LEAD + "Sweden said the outage was likely carried out by Chinese hackers.")
    (att,) = out["attributions"]
    assert (att["polarity"], att["likelihood"]) == ("asserted", "likely")
    out = run(LEAD + "Sweden said there is no doubt that Russia was behind the outage.")
    assert polarities(out) == {"RU": "asserted"}


def test_a_cue_in_another_clause_does_not_govern() -> None:
    for sentence in (
        "Although Sweden could not confirm the source, it said Russian hackers carried out "
        "the outage.",
        "Sweden, which has not commented on earlier outages, said Russian hackers carried out "
        "the outage.",
        "Danish officials would not name the country behind the outage, but a researcher said "
        "Chinese hackers were responsible.",
    ):
        out = run(LEAD + sentence)
        assert set(polarities(out).values()) == {"asserted"}, sentence


def test_possible_sources_are_one_doubted_record() -> None:
    out = run(LEAD + "Sweden said the outage could have been carried out by hackers from "
                     "Russia, China or Iran.")
    (att,) = out["attributions"]
    assert att["polarity"] == "doubted"
    assert {att["attributed_to"]["state"], *att["alternatives"]} == {"RU", "CN", "IR"}


def test_polarity_at_reads_scope_by_position() -> None:
    text = "There is no evidence that Belarus took part; Estonia blamed Russia for it."
    assert polarity_at(text, text.index("Belarus"), text.index("Belarus") + 7).polarity \
        == "negated"
    assert polarity_at(text, text.index("Russia"), text.index("Russia") + 6).polarity \
        == "asserted"
    assert clause_bounds(text, text.index("Russia"))[0] > text.index("Belarus")


# --- stated confidence ----------------------------------------------------------------------

def test_stated_confidence_phrasings() -> None:
    cases = {
        "The agency is confident that Russian hackers did it.": ("high", None),
        "We assess with moderate confidence that the group works for Iran.": ("moderate", None),
        "Analysts have low confidence in the link to China.": ("low", None),
        "The group is almost certainly run by the GRU.": (None, "almost certain"),
        "It is highly likely that Iran was behind it.": (None, "very likely"),
        "Officials said with a high degree of confidence that Russia did it.": ("high", None),
    }
    for text, (level, term) in cases.items():
        stated = stated_confidence(text)
        assert (stated.confidence, stated.likelihood) == (level, term), text
        assert stated.hedge
    assert "we assess" in (stated_confidence("We assess that Iran did it.").hedge or "").lower()


def test_confidence_goes_to_the_claim_of_its_clause() -> None:
    text = "Sweden is confident that Russia did it, but Norway doubts that China helped."
    own = stated_confidence(text, text.index("Russia"), [text.index("China")])
    other = stated_confidence(text, text.index("China"), [text.index("Russia")])
    assert own.confidence == "high" and other.confidence is None


def test_confidence_is_carried_to_the_claim() -> None:
    out = run(LEAD + "Sweden said with high confidence that Russian hackers carried out the "
                     "outage.")
    (att,) = out["attributions"]
    assert (att["confidence"], att["polarity"]) == ("high", "asserted")


# --- incidents ------------------------------------------------------------------------------

def test_an_attribution_is_always_tied_to_an_incident() -> None:
    out = run("The Swedish government said on Tuesday that Russian hackers were responsible "
              "for the intrusion.")
    assert out["attributions"] and all(a["incident"] for a in out["attributions"])
    assert out["incidents"]


# --- scoring --------------------------------------------------------------------------------

def test_the_scorer_counts_only_asserted_predictions() -> None:
    gold: list[dict[str, Any]] = [{"id": "d", "incidents": [{"key": "i1", "targets": ["DK"]}],
             "attributions": [{"incident": "i1", "claimant": None,
                               "attributed_to": {"state": "RU"}}]}]
    pred: list[dict[str, Any]] = [{"id": "d", "incidents": [{"key": "i1", "targets": ["DK"]}],
             "attributions": [
                 {"incident": "i1", "claimant": None, "attributed_to": {"state": "RU"},
                  "polarity": "asserted"},
                 {"incident": "i1", "claimant": None, "attributed_to": {"state": "BY"},
                  "polarity": "negated"},
                 {"incident": "i1", "claimant": None, "attributed_to": {"state": "CN"},
                  "polarity": "doubted"}]}]
    report = score(gold, pred)
    s = report.scores["attributions"]
    assert (s.tp, s.fp, s.fn) == (1, 0, 0)
    assert report.polarity == {"asserted": 1, "doubted": 1, "negated": 1}
    # a negated statement that gold calls an attribution is a miss, not a match
    pred[0]["attributions"] = pred[0]["attributions"][1:]
    gold[0]["attributions"][0]["attributed_to"] = {"state": "BY"}
    s = score(gold, pred).scores["attributions"]
    assert (s.tp, s.fp, s.fn) == (0, 0, 1)


# --- store ----------------------------------------------------------------------------------

def test_polarity_and_alternatives_round_trip(store: Store) -> None:
    ex = make_extraction()
    claims = tuple(
        dataclasses.replace(c, polarity="doubted", alternatives=("CN", "KP"))
        if c.kind == "attribution" else c for c in ex.claims)
    ex = dataclasses.replace(ex, claims=claims)
    store.add_extraction(ex)
    back = {c.id: c for c in store.claims()}
    for c in ex.claims:
        assert back[c.id] == c
    (att,) = [c for c in back.values() if c.kind == "attribution"]
    assert (att.polarity, att.alternatives, att.asserted) == ("doubted", ("CN", "KP"), False)
    assert all(c.polarity == "asserted" for c in back.values() if c.kind != "attribution")


def test_assessment_and_facts_count_only_asserted_attributions(store: Store) -> None:
    from cybertrack.analysis.assessment import assess

    ex = make_extraction()
    claims = tuple(dataclasses.replace(c, polarity="negated") if c.kind == "attribution" else c
                   for c in ex.claims)
    store.add_extraction(dataclasses.replace(ex, claims=claims))
    incident = ex.incidents[0].id
    a = assess(store, incident)
    assert all(s.claimant != "Mandiant" for cand in a.candidates for s in cand.supports)
    assert [s.claim.kind for s in a.unasserted] == ["attribution"]
    assert "Not counted as attributions: Mandiant says it was not Iran" in a.explanation
    states, _actors = store.attribution_keys([incident]).get(incident, (frozenset(), frozenset()))
    assert "IR" not in states  # the negated attribution names no state to the analysis


@pytest.mark.parametrize("sentence", [
    "A spokesman for China's foreign ministry said China firmly opposes all forms of hacking.",
    "China's foreign ministry said China was itself a victim of hacking.",
    "The Chinese government called the report irresponsible and unprofessional.",
])
def test_a_states_formula_of_denial_denies_when_it_was_accused(sentence: str) -> None:
    text = ("Hackers linked to the Chinese government broke into Kenyan ministries in May, "
            "officials in Nairobi said. " + sentence)
    assert _denials(text) == [("CN", "asserted")]


def test_a_victims_complaint_is_no_denial() -> None:
    text = ("Hackers linked to the Chinese government broke into Kenyan ministries in May. "
            "Kenya's foreign ministry said Kenya was a victim of cyberattacks.")
    assert _denials(text) == []


def _denials(text: str) -> list[tuple[str | None, str]]:
    out = run(text)
    return [((d["claimant"] or {}).get("government"), d["polarity"]) for d in out["denials"]]


def test_the_accusers_rebuttal_quoted_is_the_accused_states_denial() -> None:
    text = ("US prosecutors charged nine Iranians with hacking Kenyan universities in March. "
            "\"These allegations are groundless and reflect the US government's resentment of "
            "Iran,\" he said.")
    assert _denials(text) == [("IR", "asserted")]


def test_a_victim_denying_a_leak_denies_no_involvement() -> None:
    text = ("Russian hackers knocked Kenyan government websites offline in March, Kenyan "
            "officials said. The Kenyan government denied leaking personal information.")
    assert _denials(text) == []


@pytest.mark.parametrize("sentence", [
    "The FBI does not believe Russia was behind the attack.",
    "Officials said they did not think that Russia was behind the attack.",
])
def test_a_belief_denied_negates_the_claim(sentence: str) -> None:
    assert polarities(run(LEAD + sentence)) == {"RU": "negated"}
