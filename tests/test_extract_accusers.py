"""Accusers and the accused in news phrasing: "X blamed Y for the attack on Z", "X attributed
the attack on Z to Y" make Z the victim and Y the culprit, never X's words a victim or Z a
culprit; a state that attributes an incident to another is not its accused. Sentences are
written for these tests."""

from __future__ import annotations

from cybertrack.extract import extract_documents
from cybertrack.extract.claims import _consistent
from cybertrack.extract.pipeline import get_pipeline, make_doc
from cybertrack.extract.roles import rule_attackers
from cybertrack.extract.types import Claimant, ClaimDraft
from cybertrack.model import Document


def _read(text: str) -> tuple[set[str], set[tuple[str | None, str | None]]]:
    """(targets of all incidents, (claimant country, attributed state) of attributions)."""
    (ex,) = extract_documents([Document.from_text(text, "test")], get_pipeline())
    targets = {t for inc in ex.incidents for t in inc.targets}
    blamed = {(c.claimant.country if c.claimant else None, c.attributed_state)
              for c in ex.claims if c.kind == "attribution"}
    return targets, blamed


def test_blamed_for_the_attack_on_a_state() -> None:
    assert _read("Britain blamed Russia for the cyberattack on Ukraine.") == (
        {"UA"}, {("GB", "RU")})


def test_attributed_the_attack_on_a_state_to_another() -> None:
    assert _read("Britain attributed the cyberattack on Ukraine's banks to Russia.") == (
        {"UA"}, {("GB", "RU")})


def test_headline_accusers_and_the_accused_are_no_victims() -> None:
    targets, blamed = _read("Britain and the US blame Russia for ransomware outbreak")
    assert not targets
    assert blamed == {("GB", "RU"), ("US", "RU")}


def test_a_state_answering_with_blame_is_the_victim() -> None:
    assert _read("The White House blamed Russia for the hack.") == ({"US"}, {("US", "RU")})


def _attribution(claimant: str | None, state: str, actor: str | None = None) -> ClaimDraft:
    who = Claimant("government", claimant, claimant, f"country:{claimant}", "unknown") \
        if claimant else None
    return ClaimDraft("attribution", 0, 0, claimant=who, attributed_state=state,
                      attributed_actor=actor)


def test_an_accuser_is_not_the_accused() -> None:
    claims = [_attribution("GE", "RU"), _attribution("US", "GE"), _attribution(None, "RU"),
              _attribution("US", "GE", actor="Some Group")]
    kept = _consistent(claims)
    assert [(c.claimant.country if c.claimant else None, c.attributed_state)
            for c in kept] == [("GE", "RU"), (None, "RU"), ("US", "GE")]


def test_two_states_read_as_blaming_each_other_are_no_accusers() -> None:
    """"According to the US, Russia and Iran were behind it" can read as each of the two
    blaming the other: that makes neither an accuser whose own blame would be dropped."""
    claims = [_attribution("US", "RU"), _attribution("US", "IR"), _attribution("RU", "IR"),
              _attribution("IR", "RU")]
    assert _consistent(claims) == claims


def test_unnamed_firms_of_a_country_speak_as_firms() -> None:
    (ex,) = extract_documents([Document.from_text(
        "Two U.S. cybersecurity companies say Russian hackers were responsible for the hack "
        "of the party's computers.", "test")], get_pipeline())
    assert [(c.claimant.kind if c.claimant else None, c.attributed_state)
            for c in ex.claims if c.kind == "attribution"] == [("organization", "RU")]


def test_a_people_named_as_subject_acts() -> None:
    """"the Russians also targeted ...": the people acting, an operator (else the role model
    may take it for a victim, which also turns an expulsion answering it into a misreading);
    "targeted Russians living abroad": victims."""
    nlp = get_pipeline()
    for text, operators in (
            ("Britain's ambassador said that the Russians also targeted the UK Foreign "
             "Office.", ["Russians"]),
            ("Iranians hacked the ministry's website.", ["Iranians"]),
            ("Hackers targeted Russians living abroad.", [])):
        sent = nlp(make_doc(nlp, text, None))._.ct_sentences[0]
        assert [sent.mentions[i].text for i in sorted(rule_attackers(sent))] == operators
