"""Hackers and groups that news names by a handle, and their own claims (issue 13): "a hacker
who goes by the name X", "the hacker, who uses the online alias X", "a user by the name @X",
a short form in brackets used later ("X (XY) ... XY said"), claims of one's own act ("claims
to have stolen", "is trying to take credit", "says he released"). Sentences are written for
these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from cybertrack.extract.pipeline import get_pipeline, make_doc
from cybertrack.extract.types import ClaimDraft


def _doc(text: str):  # type: ignore[no-untyped-def]
    nlp = get_pipeline()
    return nlp(make_doc(nlp, text, dt.date(2017, 6, 2)))


def _actors(text: str) -> set[str]:
    return {m.name for m in _doc(text)._.ct_mentions if m.kind == "threat-actor"}


def _claims(text: str, kind: str) -> list[ClaimDraft]:
    return [c for c in _doc(text)._.ct_claims if c.kind == kind and c.polarity == "asserted"]


@pytest.mark.parametrize(("sentence", "name"), [
    ("A hacker group going by the pseudonym \"Red Falcon Team\" breached a Kenyan bank.",
     "Red Falcon Team"),
    ("The hacker, who uses the online alias Blue_Wasp, hijacked printers across Norway.",
     "Blue_Wasp"),
    ("The hackers, who go by the name \u201cmothwing,\u201d stole files from a Finnish ministry.",
     "mothwing"),
    ("A Twitter user by the name @FoxGlove99 phished thousands of Swedish users.", "@FoxGlove99"),
    ("A hacker known as ZeroMoth leaked the files of a Chilean ministry.", "ZeroMoth"),
    ("A hacker (or hacker group) known as The Dark Lantern leaked a Danish broadcaster's files.",
     "Dark Lantern"),
    ("Stolen files were sold by a user with the handle wasp_77 on a Peruvian forum.", "wasp_77"),
])
def test_a_handle_introduced_by_its_cue_is_a_threat_actor(sentence: str, name: str) -> None:
    assert name in _actors(sentence)


@pytest.mark.parametrize("sentence", [
    "The stolen files were sold by a user under the name of his brother, the police said.",
    "The hacker, who uses the alias of a dead poet, leaked files of a Chilean ministry.",
])
def test_a_common_word_after_a_name_cue_is_no_handle(sentence: str) -> None:
    assert not _actors(sentence)


def test_a_bracketed_short_form_is_the_same_group_later() -> None:
    text = ("A hacker known as The Dark Lantern (TDL) leaked a Danish broadcaster's files. "
            "TDL says he released the files because the broadcaster did not pay.")
    mentions = [m for m in _doc(text)._.ct_mentions if m.kind == "threat-actor"]
    assert {m.text for m in mentions} >= {"Dark Lantern", "TDL"}
    assert len({m.entity_id for m in mentions}) == 1


@pytest.mark.parametrize("sentence", [
    "The hackers, who go by the name \u201cmothwing,\u201d also claim to have stolen files from "
    "a Finnish ministry.",
    "A Twitter user by the name @FoxGlove99 is trying to take credit for the phishing attack "
    "on Swedish users.",
    "A hacker known as The Dark Lantern leaked a Danish broadcaster's files. The Dark Lantern "
    "says he released the files because the broadcaster did not pay.",
])
def test_a_claim_of_ones_own_act_is_a_self_claim(sentence: str) -> None:
    claims = _claims(sentence, "self-claim")
    assert claims and claims[0].claimant is not None and claims[0].claimant.kind == "actor"


def test_a_self_claiming_group_is_no_source_for_the_next_sentence() -> None:
    # the group speaks of its own act; the next sentence's attribution is the article's own
    text = ("Hackers claim bank breach\n\nA hacker group going by the name \"Red Falcon Team\" "
            "claimed responsibility for the breach of a Kenyan bank last week. A group calling "
            "itself Night Lynx has launched attacks against the same bank.")
    attributions = _claims(text, "attribution")
    assert attributions and all(c.claimant is None for c in attributions)


def test_an_unsourced_restatement_of_a_self_claim_takes_no_inferred_source() -> None:
    # the only vendor named is no source of the group's own claim, restated later
    text = ("A Twitter user by the name @FoxGlove99 is trying to take credit for the phishing "
            "attack on Swedish users, Google said. Researchers at Google found the app. Users "
            "called out the man behind the @FoxGlove99 account.")
    assert all(c.claimant is None or c.claimant.kind == "actor"
               for c in _claims(text, "attribution"))


def test_a_dated_event_naming_none_of_the_victims_gives_the_incident_no_date() -> None:
    # the article's own hack is undated; the hacker's past is another time
    text = ("A hacker hacked a US film studio and leaked ten episodes. He first appeared in "
            "late 2015 and made a name for himself by hacking hospitals.")
    incidents = _doc(text)._.ct_incidents
    assert [i.targets for i in incidents] == [["US"]]
    assert incidents[0].time is None


def test_a_country_that_begins_a_bank_name_is_no_origin() -> None:
    # "data from Kenya Commercial Bank": the bank's country is the victim, not the hackers'
    text = "Hackers selling stolen data from Kenya National Bank and Uganda Development Bank"
    doc = _doc(text)
    assert [i.targets for i in doc._.ct_incidents] == [["KE", "UG"]]
    assert not [c for c in doc._.ct_claims if c.attributed_state == "KE"]
    origin = _doc("Hackers from Russia broke into a Kenyan bank in May.")
    assert [c.attributed_state for c in origin._.ct_claims if c.kind == "attribution"] == ["RU"]


@pytest.mark.parametrize("sentence", [
    "The group also claimed they carried out the attacks only to get attention.",
    "He claims to have stolen the files in May.",
])
def test_the_group_named_before_claims_its_own_act(sentence: str) -> None:
    text = ("A hacker known as ZeroMoth launched attacks against Kenyan banks last week. "
            + sentence)
    claims = _claims(text, "self-claim")
    assert [(c.claimant.name if c.claimant else None) for c in claims] == ["ZeroMoth"]
