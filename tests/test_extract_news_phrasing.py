"""Responses in news phrasing (issue 13, item 4): the accused's nationality inside the cue
("charged two Iranian men with ...") is whom the response answers; the acting state comes from
the agency. Sentences are written for these tests."""

from __future__ import annotations

import datetime as dt

from cybertrack.extract.pipeline import get_pipeline, make_doc
from cybertrack.extract.types import ClaimDraft


def _responses(text: str) -> list[ClaimDraft]:
    nlp = get_pipeline()
    doc = nlp(make_doc(nlp, text, dt.date(2023, 5, 2)))
    return [c for c in doc._.ct_claims if c.kind == "response"]


def test_federal_prosecutors_charge_nationals() -> None:
    found = _responses("Federal prosecutors charged three Chinese nationals with breaking "
                       "into the networks of a Kansas utility.")
    assert [(c.action, c.actor_state, c.target_state) for c in found] == [("indict", "US", "CN")]


def test_order_to_leave_answers_the_diplomats_state() -> None:
    found = _responses("Estonia ordered Russian diplomats to leave after the intrusion.")
    assert [(c.action, c.actor_state, c.target_state) for c in found] == \
        [("expel-diplomats", "EE", "RU")]


def test_summoned_ambassador_inside_the_cue() -> None:
    found = _responses("Germany summoned the Chinese ambassador over the espionage campaign.")
    assert [(c.action, c.actor_state, c.target_state) for c in found] == \
        [("summon-ambassador", "DE", "CN")]


# ---- reported speech, short reports and dates (issue 13, items 4 and 5) ----------------------


def _claims(text: str, published: dt.date = dt.date(2023, 5, 2)) -> list[ClaimDraft]:
    nlp = get_pipeline()
    doc = nlp(make_doc(nlp, text, published))
    return list(doc._.ct_claims)


def test_a_state_condemned_is_no_speaker() -> None:
    found = _claims("Britain strongly condemned Russia's cyberattack against Estonia on Monday "
                    "and said it had concluded that Moscow was behind the intrusion.")
    claimants = {c.claimant.country for c in found if c.kind == "attribution" and c.claimant}
    assert claimants == {"GB"}, found


def test_a_day_after_dates_the_clause_it_opens() -> None:
    # published on a Friday: the expulsion was the day before
    found = _claims("Russian diplomats left Tallinn on Friday, a day after Estonia expelled "
                    "them over the intrusion it blames on Moscow.", dt.date(2023, 5, 5))
    expelled = [c for c in found if c.kind == "response" and c.action == "expel-diplomats"]
    assert [(c.actor_state, c.target_state, c.event_date and c.event_date.iso())
            for c in expelled] == [("EE", "RU", "2023-05-04")]


def _incidents(text: str, published: dt.date) -> list[object]:
    nlp = get_pipeline()
    doc = nlp(make_doc(nlp, text, published))
    return list(doc._.ct_incidents)


def test_a_short_report_dates_its_event_by_the_event_phrase() -> None:
    incs = _incidents("Moscow rejects Estonia's accusation\n\nMoscow on Tuesday rejected as "
                      "baseless the claims that it was behind the March cyberattack on "
                      "Estonian ministries.", dt.date(2023, 5, 2))
    assert [(i.targets, i.time and i.time.iso()) for i in incs] == [(["EE"], "2023-03")]


def test_the_state_cutting_ties_over_an_attack_is_its_victim() -> None:
    incs = _incidents("Estonia is the first to cut ties over a cyberattack\n\nEstonia's break "
                      "with Russia on Monday was a first, experts said.\n\nThe March 3 attack "
                      "took down public services for days.", dt.date(2023, 5, 2))
    assert [(i.targets, i.time and i.time.iso()) for i in incs] == [(["EE"], "2023-03-03")]


def test_a_headline_is_a_sentence_with_roles() -> None:
    from cybertrack.extract import extract_document, headline_text
    from cybertrack.extract.gold import to_gold
    from cybertrack.model import Document
    text = headline_text("Anonymous hits Saudi ministry websites",
                         "The sites were back by the evening.")
    record = to_gold(extract_document(Document.from_text(text, "h.txt")))
    assert [i["targets"] for i in record["incidents"]] == [["SA"]], record
    assert [a["attributed_to"] for a in record["attributions"]] == [{"actor": "Anonymous"}]
    # the adjective names no collective
    found = _claims("Anonymous sources said the ministry had been hacked by Russian operators.")
    assert not [c for c in found if c.attributed_actor == "Anonymous"]


def test_a_photo_caption_dates_no_incident() -> None:
    incs = _incidents("Hackers crippled Estonian ministry websites, officials said.\n"
                      "A ministry website after the cyberattack, Tallinn, 3 April 2021 "
                      "(Photo: Agency)\nThe sites were back by the evening.", dt.date(2023, 5, 2))
    assert [(i.targets, i.time) for i in incs] == [(["EE"], None)]


# ---- passive responses and denials in a clause of their own (issue 13, item 4) ----------------


def _triples(found: list[ClaimDraft]) -> list[tuple[str | None, str | None, str | None]]:
    return [(c.action, c.actor_state, c.target_state) for c in found if c.kind == "response"]


def test_passive_indictment_answers_the_accused_nationality() -> None:
    found = _responses("Seven Russian intelligence officers were indicted by the Justice "
                       "Department for breaking into sports agencies.")
    assert _triples(found) == [("indict", "US", "RU")]


def test_passive_charge_takes_the_agency_speaking_as_actor() -> None:
    found = _responses("Three North Korean programmers have been charged over the theft, the "
                       "Justice Department said.")
    assert _triples(found) == [("indict", "US", "KP")]


def test_passive_expulsion_by_the_state_speaking() -> None:
    found = _responses("Two Russian diplomats were expelled from Oslo on Friday, the Norwegian "
                       "foreign ministry said.")
    assert _triples(found) == [("expel-diplomats", "NO", "RU")]


def test_passive_sanction_of_an_actor_answers_its_sponsor() -> None:
    found = _responses("The Lazarus Group was sanctioned by the Treasury for the theft.")
    assert _triples(found) == [("sanction", "US", "KP")]


def test_a_denial_in_its_own_clause_keeps_the_attribution() -> None:
    found = _claims("Estonia said Russian hackers carried out the intrusion, while Moscow "
                    "denied any role.")
    got = sorted((c.kind, c.claimant.country if c.claimant else None, c.attributed_state)
                 for c in found if c.kind in ("attribution", "denial"))
    assert got == [("attribution", "EE", "RU"), ("denial", "RU", None)]


def test_a_denial_after_and_is_the_denier_s() -> None:
    found = _claims("Germany blamed the breach on Chinese hackers and Beijing has denied "
                    "involvement.")
    got = sorted((c.kind, c.claimant.country if c.claimant else None, c.attributed_state)
                 for c in found if c.kind in ("attribution", "denial"))
    assert got == [("attribution", "DE", "CN"), ("denial", "CN", None)]


def _expelled_on(text: str) -> list[tuple[str, str] | None]:
    found = _claims(text, dt.date(2022, 9, 20))
    return [(c.event_date.start.isoformat(), c.event_date.end.isoformat()) if c.event_date
            else None for c in found if c.kind == "response" and c.action == "expel-diplomats"]


def test_the_next_day_follows_the_response_told_before() -> None:
    assert _expelled_on(
        "Montenegro cut ties with Russia on 5 September 2022 over a cyberattack. Its servers "
        "had been down since 22 August. Montenegro expelled six Russian diplomats the next "
        "day.") == [("2022-09-06", "2022-09-06")]


def test_within_hours_follows_the_response_not_the_attack() -> None:
    assert _expelled_on(
        "Montenegro cut ties with Russia on 5 September 2022 over a cyberattack. The attack had "
        "begun on 22 August, officials said. Six Russian diplomats were expelled within 24 "
        "hours.") == [("2022-09-05", "2022-09-06")]


# ---- claimants named after their verb, through an employer, and officials' states -----------


def _attributions(text: str) -> list[tuple[str | None, str | None, str | None]]:
    return [(c.claimant.kind if c.claimant else None, c.claimant.country if c.claimant else None,
             c.attributed_state) for c in _claims(text) if c.kind == "attribution"]


def test_a_speaker_titled_after_the_name_speaks_for_the_ministry_s_state() -> None:
    found = _attributions("Hackers working for Russia broke into the parliament's e-mail, said "
                          "Jane Roe, a spokeswoman for the Estonian Foreign Ministry.")
    assert found == [("person", "EE", "RU")]


def test_the_country_s_minister_is_the_state_the_report_named() -> None:
    found = _attributions("The attack on Estonia's parliament was carried out by Russian "
                          "hackers, said Mark Tamm, the country's interior minister.")
    assert found == [("person", "EE", "RU")]


def test_a_ministry_naming_no_state_leaves_a_person() -> None:
    found = _attributions("Hackers working for Russia broke into the parliament's e-mail, said "
                          "Jane Roe, a spokeswoman for the Foreign Ministry.")
    assert found == [("person", None, "RU")]


def test_a_researcher_s_employer_is_a_firm_even_with_an_actor_s_name() -> None:
    found = [c.claimant for c in _claims(
        "A researcher at the firm Sandworm told reporters the code matched tools used by "
        "Russian hackers against Estonian banks.") if c.kind == "attribution"]
    assert [(w.kind, w.name, w.basis) for w in found if w] == \
        [("organization", "Sandworm", "it-security-company")]


def test_an_official_s_state_is_the_one_in_the_title_phrase() -> None:
    found = _attributions("Hackers linked to Iran hit the Albanian government's servers in "
                          "July. Albanian Prime Minister Edi Rama said Iran was behind it.")
    assert ("person", "AL", "IR") in found and ("person", "IR", "IR") not in found


def test_an_official_keeps_the_state_the_document_gave_him() -> None:
    found = _attributions("Prime Minister Edi Rama of Albania spoke to parliament on Monday "
                          "about the outage of public services. Officials in Iran denied the "
                          "charge. Prime Minister Edi Rama said on Tuesday Iran was behind it.")
    assert found == [("person", "AL", "IR")]


def test_an_arrest_is_made_by_the_state_where_it_happens() -> None:
    found = _responses("Two Russian hackers were arrested on Tuesday in Spain over the attacks "
                       "on Kenyan banks.")
    assert [(c.action, c.actor_state, c.target_state) for c in found] == [("arrest", "ES", "RU")]


def test_nationals_arrested_for_spying_on_their_own_state_are_arrested_by_it() -> None:
    found = _responses("Two Italian siblings have been arrested on Monday and stand accused of "
                       "having spied on Italian politicians and Vatican officials.")
    assert [(c.action, c.actor_state, c.target_state) for c in found] == [("arrest", "IT", "IT")]


def test_a_leader_named_alone_speaks_for_their_state() -> None:
    # the reference knows heads of state and ministers by name: "Biden announced ..."
    found = _responses("Russian hackers broke into Kenyan ministries in March. Last month, Biden "
                       "announced new sanctions on Russia and the expulsion of diplomats.")
    assert {(c.action, c.actor_state, c.target_state) for c in found} >= \
        {("sanction", "US", "RU"), ("expel-diplomats", "US", "RU")}


def test_a_leader_is_a_victim_only_through_what_is_theirs() -> None:
    nlp = get_pipeline()
    critical = nlp(make_doc(nlp, "Hackers linked to Russia's intelligence agency broke into "
                            "groups critical of President Putin, Microsoft said.",
                            dt.date(2021, 5, 28)))
    assert all("RU" not in i.targets for i in critical._.ct_incidents)
    campaign = nlp(make_doc(nlp, "Hackers broke into the email accounts of Macron's campaign "
                            "staff in May.", dt.date(2017, 6, 1)))
    assert [i.targets for i in campaign._.ct_incidents] == [["FR"]]
