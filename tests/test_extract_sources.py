"""Who makes a claim in news phrasing (issue 13, item 4): a speaker named through an employer,
an anaphor standing for a source named before ("the company said", "a spokesman said", "they
believe"), a report going on in the next sentence; states joining a response; responses that
hold a state responsible; more victims named after the incident. Sentences are written for
these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from cybertrack.extract.pipeline import get_pipeline, make_doc
from cybertrack.extract.types import ClaimDraft, IncidentDraft

LEDE = "Hackers broke into the email accounts of Ukrainian officials in May 2017.\n\n"


def _doc(text: str):  # type: ignore[no-untyped-def]
    nlp = get_pipeline()
    return nlp(make_doc(nlp, text, dt.date(2017, 12, 19)))


def _claims(text: str, kind: str = "attribution") -> list[ClaimDraft]:
    return [c for c in _doc(text)._.ct_claims if c.kind == kind and c.polarity == "asserted"]


def _sources(text: str) -> set[tuple[str | None, str | None]]:
    """(claimant name or government code, attributed state) of the asserted attributions."""
    return {(None if c.claimant is None else c.claimant.name, c.attributed_state)
            for c in _claims(text)}


@pytest.mark.parametrize("sentence", [
    "Security researchers at Orvell Labs said the hackers were working for the Russian "
    "government.",
    "Ada Stone, a researcher at the security firm Orvell Labs, said the hackers were working "
    "for the Russian government.",
    "The hackers were working for the Russian government, said Ada Stone, director of threat "
    "research at the security firm Orvell Labs.",
])
def test_a_speaker_named_through_an_employer_speaks_for_it(sentence: str) -> None:
    text = LEDE + "The security firm Orvell Labs studied the intrusions.\n\n" + sentence
    assert ("Orvell Labs", "RU") in _sources(text)


def test_officials_at_a_government_body_speak_for_its_state() -> None:
    text = LEDE + ("Officials at the Department of Homeland Security said the hackers were "
                   "working for the Russian government.")
    claims = _claims(text)
    assert [(c.claimant.kind, c.claimant.country) for c in claims if c.claimant] == \
        [("government", "US")]


def test_an_employer_in_object_position_is_no_speaker() -> None:
    # the firm is what was hacked, not who speaks
    text = ("Hackers stole data from researchers at the firm Orvell Labs in May 2017, the "
            "Russian government said.")
    assert all(c.claimant is None or c.claimant.name != "Orvell Labs" for c in _claims(text))


def test_the_company_said_names_the_firm_named_before() -> None:
    text = ("The security company Orvell Labs said on Tuesday that hackers had broken into "
            "three oil companies in Kuwait since March.\n\n"
            "The company said the group works on behalf of the Iranian government.")
    assert _sources(text) == {("Orvell Labs", "IR")}


def test_a_spokesman_or_they_name_the_body_named_last() -> None:
    text = ("The security company Orvell Labs said hackers had broken into three oil "
            "companies in Kuwait in March, and that the group was almost certainly directed "
            "by Iran.\n\n"
            "Officials at the Department of Homeland Security said they were aware of the "
            "report. They believe Iranian hackers were behind the intrusions, a spokesman "
            "said.")
    found = {(c.claimant.kind, c.claimant.country or c.claimant.name, c.attributed_state)
             for c in _claims(text) if c.claimant}
    assert ("government", "US", "IR") in found
    assert ("organization", "Orvell Labs", "IR") in found


def test_a_report_goes_on_in_the_next_sentence_of_its_paragraph() -> None:
    text = ("The security company Orvell Labs said on Tuesday that hackers had broken into "
            "three oil companies in Kuwait. The hackers are believed to be working for the "
            "Iranian government.")
    assert _sources(text) == {("Orvell Labs", "IR")}


def test_a_new_paragraph_does_not_inherit_the_claimant() -> None:
    text = ("The security company Orvell Labs said on Tuesday that hackers had broken into "
            "three oil companies in Kuwait.\n\n"
            "Iranian hackers hit Saudi petrochemical plants in 2017.")
    # not carried from the paragraph before; at most the report's only vendor, inferred
    assert all(c.claimant is None or "inferred" in (c.hedge or "")
               for c in _claims(text) if c.attributed_state == "IR")


def test_states_that_join_a_condemnation_respond_too() -> None:
    text = ("Hackers crippled hospitals in Britain in a ransomware attack in May 2017.\n\n"
            "Australia, Canada and New Zealand joined the United States in condemning "
            "Pyongyang.")
    responders = {c.actor_state for c in _claims(text, "response")
                  if c.action == "condemn" and c.target_state == "KP"}
    assert responders == {"US", "AU", "CA", "NZ"}


def test_an_indictment_over_an_incident_holds_the_state_responsible() -> None:
    text = ("Hackers crippled hospitals in Britain in a ransomware attack in May 2017.\n\n"
            "The Justice Department on Wednesday charged two Iranian men with carrying out "
            "the attack.")
    found = [(c.claimant.country if c.claimant else None, c.attributed_state)
             for c in _claims(text)]
    assert found == [("US", "IR")]


def test_a_response_repeats_no_attribution_already_made() -> None:
    text = ("Hackers crippled hospitals in Britain in a ransomware attack in May 2017.\n\n"
            "Britain said North Korea carried out the attack. The United States condemned "
            "North Korea over the attack.")
    assert [c.attributed_state for c in _claims(text)] == ["KP"]


def test_the_incident_named_again_with_more_victims_takes_them() -> None:
    text = ("The United States accused North Korea of launching a ransomware attack in May "
            "2017 that crippled computers in more than 150 countries.\n\n"
            "The hackers encrypted files and demanded ransom payments in bitcoin.\n\n"
            "The outbreak hit Britain's National Health Service hardest and also affected a "
            "Spanish telecom firm.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert len(incidents) == 1
    assert {"GB", "ES"} <= set(incidents[0].targets)


def _targets(text: str) -> list[list[str]]:
    return [list(i.targets) for i in _doc(text)._.ct_incidents]


def test_the_accused_nationality_is_no_victim_in_a_headline() -> None:
    text = ("Two Iranian men charged with the ransomware attack that crippled Atlanta\n\n"
            "Hackers encrypted the city's computers in March 2018.")
    assert all("IR" not in t for t in _targets(text))


@pytest.mark.parametrize("sentence", [
    "Chinese nationals charged with hacking US Navy contractors",
    "The two founders were among the nine Iranians indicted in New York last week.",
])
def test_a_reduced_passive_makes_its_subject_the_accused(sentence: str) -> None:
    text = sentence + "\n\nHackers stole data from contractors in a cyberattack in May 2017."
    responses = _claims(text, "response")
    # the accused's state never acts, and never is answered by the victim's state backwards
    assert all(c.actor_state not in ("CN", "IR") for c in responses)


@pytest.mark.parametrize("text, state", [
    ("German security services have admitted they uncovered a Russian cyberattack on the "
     "ministries in December.", "RU"),
    ("Emmanuel Macron's French presidential campaign hacked\n\nHackers stole emails in a "
     "cyberattack in May 2017.", None),
])
def test_a_state_body_that_speaks_or_a_campaign_hacked_is_no_operator(
        text: str, state: str | None) -> None:
    assert {c.attributed_state for c in _claims(text)} == ({state} if state else set())


def test_a_state_body_that_admits_is_the_claimant() -> None:
    text = ("German security services have admitted they uncovered a Russian cyberattack on "
            "the ministries in December.")
    assert [(c.claimant.country if c.claimant else None) for c in _claims(text)] == ["DE"]


def test_a_headline_speaker_after_says_without_a_comma() -> None:
    text = ("North Korea behind destructive Sony hack says FBI\n\n"
            "Hackers wiped computers at the studio in November 2014.")
    claims = _claims(text)
    assert [(c.claimant.kind, c.claimant.country, c.attributed_state) for c in claims
            if c.claimant] == [("government", "US", "KP")]


def test_a_lowercase_common_phrase_is_no_government_body() -> None:
    # "security service" is not the UK's Security Service (MI5)
    text = ("Ukraine's SBU security service said Russian hackers had infected routers in "
            "May 2018.")
    claims = _claims(text)
    assert claims and all(c.claimant is not None and c.claimant.country == "UA"
                          for c in claims)


@pytest.mark.parametrize("sentence", [
    "South Korean officials suspect North Korean hackers in the theft from the exchange.",
    "US investigators believe Russian hackers were behind the breach.",
])
def test_news_reporting_verbs_introduce_the_claimant(sentence: str) -> None:
    text = "Hackers stole funds from an exchange in a cyberattack in April 2017.\n\n" + sentence
    claimants = {c.claimant.country for c in _claims(text) if c.claimant}
    assert claimants & {"KR", "US"}


@pytest.mark.parametrize("sentence", [
    "Qatar launched an inquiry into the breach, alleging that hackers posted a fake story.",
    "The FBI continues to investigate the intrusion.",
    "Ukraine set up a special commission to investigate the incident.",
])
def test_an_inquiry_is_aimed_at_no_state_it_does_not_name(sentence: str) -> None:
    text = ("Hackers planted a fake story on a news agency's website in May 2017. The "
            "agency's officials said Russian hackers were behind it.\n\n" + sentence)
    inquiries = [c for c in _claims(text, "response") if c.action == "investigate"]
    assert inquiries and all(c.target_state is None for c in inquiries)


def test_a_passive_blame_with_its_agent_is_a_response_and_a_claim() -> None:
    text = ("Hackers crippled hospitals in a ransomware attack in May 2017.\n\n"
            "North Korea has been publicly blamed by the UK's Security Minister for the "
            "attack.")
    assert [(c.actor_state, c.target_state, c.action) for c in _claims(text, "response")] == \
        [("GB", "KP", "accuse")]
    assert [(c.claimant.country if c.claimant else None, c.attributed_state)
            for c in _claims(text)] == [("GB", "KP")]


def test_a_passive_blame_without_its_agent_names_no_responder() -> None:
    text = ("Hackers crippled hospitals in a ransomware attack in May 2017. Britain said it "
            "would respond.\n\nNorth Korea has been blamed for the attack.")
    assert not [c for c in _claims(text, "response") if c.action == "accuse"]


def test_a_sentence_listing_victims_widens_the_incident_in_focus() -> None:
    text = ("Britain blamed Russia on Thursday for a destructive malware attack in June 2017.\n\n"
            "The hackers encrypted files across Europe. Companies affected included Maersk, "
            "the Danish shipping giant, and government systems in India.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert len(incidents) == 1
    assert {"DK", "IN"} <= set(incidents[0].targets)


def test_victims_named_later_join_the_state_that_complained() -> None:
    # the complaining state stands in for the victims until the text names them: they join
    # the same incident rather than founding another one
    text = ("The UK government blamed Russia for a malware attack in June 2017 that "
            "paralysed systems in companies across Europe.\n\n"
            "Most of the organisations hit were in Ukraine, where hackers targeted "
            "government networks.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert len(incidents) == 1
    assert "UA" in incidents[0].targets


def test_accused_officers_are_no_victims() -> None:
    text = ("Washington: The special counsel has indicted 12 Russian intelligence officers "
            "for hacking the Democratic National Committee in 2016.")
    assert all("RU" not in t for t in _targets(text))


def test_unsourced_attributions_of_a_report_go_to_its_main_source() -> None:
    text = ("The security firm Orvell Labs said on Monday that hackers had broken into "
            "defence contractors in Norway in March 2018. The company said the intrusions "
            "were part of a wider espionage effort.\n\n"
            "Chinese hackers have targeted the region's defence industry for years.\n\n"
            "Orvell Labs said it had warned the companies.")
    claims = [c for c in _claims(text) if c.attributed_state == "CN"]
    assert [c.claimant.name if c.claimant else None for c in claims] == ["Orvell Labs"]
    assert "inferred" in (claims[0].hedge or "")


def test_no_main_source_when_two_speak_as_often() -> None:
    text = ("The security firm Orvell Labs said hackers had broken into defence contractors "
            "in Norway in March 2018.\n\nChinese hackers have targeted the region's defence "
            "industry for years.\n\n"
            "Norway's government said it was investigating.")
    assert [c.claimant for c in _claims(text) if c.attributed_state == "CN"] == [None]


@pytest.mark.parametrize("sentence", [
    "The hacking was uncovered by U.S. intelligence and first reported by a newspaper.",
    "The intrusion into the Olympic networks was detected by American officials.",
])
def test_who_found_an_operation_did_not_run_it(sentence: str) -> None:
    text = "Russian spies hacked computers at the Olympics in South Korea in February 2018.\n\n"
    assert {c.attributed_state for c in _claims(text + sentence)} == {"RU"}


def test_those_who_agreed_with_an_assessment_share_it() -> None:
    text = ("Hackers crippled hospitals with ransomware in May 2017.\n\n"
            "An adviser said other nations, including Australia and Japan, as well as the "
            "security firm Orvell Labs, had agreed with the United States assessment that North "
            "Korea was behind the attack.")
    claimants = {(c.claimant.kind, c.claimant.country if c.claimant.kind == "government"
                  else c.claimant.name) for c in _claims(text)
                 if c.claimant and c.attributed_state == "KP"}
    assert {("government", "AU"), ("government", "JP"), ("organization", "Orvell Labs")} \
        <= claimants


def test_security_firms_pointing_the_finger_attribute() -> None:
    text = ("Hackers stole millions from a central bank in February 2016.\n\n"
            "After the theft, security firms quickly pointed the finger at North Korea.")
    assert [c.attributed_state for c in _claims(text)] == ["KP"]


def test_a_state_launching_an_inquiry_runs_no_operation() -> None:
    text = ("Hackers planted a fake story on a state news agency's website in May 2017.\n\n"
            "Qatar launched an inquiry into the breach, alleging hackers posted the story.")
    assert "QA" not in {c.attributed_state for c in _claims(text)}


def test_a_group_that_called_itself_is_named() -> None:
    text = ("The cyberattack on the studio was carried out in November 2014 by a group that "
            "called itself the Keepers of Silence.")
    assert "Keepers of Silence" in {c.attributed_actor for c in _claims(text)}


def test_a_participle_of_speech_keeps_its_subject_as_claimant() -> None:
    text = ("Malware shut down safety systems at a petrochemical plant in Saudi Arabia in "
            "2017.\n\nThe security firm Orvell Labs published a report on Tuesday, assessing "
            "with high confidence that the malware is linked to Russia.")
    claims = [c for c in _claims(text) if c.attributed_state == "RU"]
    assert [(c.claimant.name if c.claimant else None, c.confidence) for c in claims] == \
        [("Orvell Labs", "high")]


def test_a_claim_read_by_two_rules_is_one_record() -> None:
    from cybertrack.extract import extract_document
    from cybertrack.model import Document

    text = ("Washington blamed Russia's foreign intelligence service for the espionage "
            "campaign on 15 April 2021.\n\n"
            "Britain joined the attribution the same day: the National Cyber Security Centre "
            "said Russian intelligence was highly likely behind it.")
    ids = [c.id for c in extract_document(Document.from_text(text, "t")).claims]
    assert ids and len(ids) == len(set(ids))


@pytest.mark.parametrize("sentence, state", [
    ("The UAE had no role whatsoever in the alleged hacking.", "AE"),
    ("China said on Friday that any allegations it was involved in breaking into U.S. "
     "government computers are irresponsible.", "CN"),
])
def test_denials_in_news_phrasing(sentence: str, state: str) -> None:
    text = ("Hackers stole data of four million federal employees in a cyberattack in April "
            "2015.\n\n" + sentence)
    assert [c.claimant.country for c in _claims(text, "denial") if c.claimant] == [state]


def test_a_named_tool_linked_to_a_state_is_attributed_to_it() -> None:
    text = ("Malware shut down safety systems at a petrochemical plant in Saudi Arabia in "
            "2017.\n\nThe security firm Orvell Labs said with high confidence that Triton is "
            "linked to Russia and a research institute in Moscow.")
    claims = _claims(text)
    assert [(c.attributed_state, c.confidence) for c in claims] == [("RU", "high")]


def test_a_headline_complaint_founds_the_incident_and_an_older_operation_stays_apart() -> None:
    text = ("Ukraine blames Russia for cyberattack on power grid\n\n"
            "The energy ministry said it would investigate the outage.\n\n"
            "Iranian hackers infiltrated a small New York dam in 2013, officials said earlier.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert incidents and incidents[0].targets == ["UA"]
    assert incidents[0].time is None or incidents[0].time.start.year != 2013


def test_a_target_named_with_its_alliance() -> None:
    text = ("White House condemns Iran over cyberattack on NATO ally Albania\n\n"
            "The United States condemned the attack on Wednesday.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert [i.targets for i in incidents] == [["AL"]]


def _responses(text: str) -> set[tuple[str | None, str | None, str | None]]:
    return {(c.actor_state, c.target_state, c.action) for c in _claims(text, "response")}


def test_an_official_attribution_by_a_government_is_an_accusation() -> None:
    text = ("Hackers wiped computers at banks and broadcasters in March 2013.\n\n"
            "A South Korean government investigation says North Korea's military spy agency "
            "was responsible.")
    assert ("KR", "KP", "accuse") in _responses(text)


def test_an_unofficial_remark_is_no_accusation() -> None:
    text = ("Hackers wiped computers at banks and broadcasters in March 2013.\n\n"
            "A South Korean lawmaker said North Korean hackers were probably responsible.")
    assert not {r for r in _responses(text) if r[2] == "accuse"}


@pytest.mark.parametrize("sentence, expected", [
    ("The Department of Justice has unsealed an indictment that alleges four Chinese "
     "nationals hacked dozens of companies.", ("US", "CN", "indict")),
    ("In a nine-count indictment on Monday, Justice Department prosecutors alleged that the "
     "hackers worked for China.", ("US", "CN", "indict")),
    ("An arrest warrant was issued against him by Germany's Federal Public Prosecutor "
     "General in May.", ("DE", "CN", "indict")),
])
def test_legal_actions_told_by_their_noun(sentence: str, expected: tuple[str, str, str]
                                          ) -> None:
    text = ("Chinese hackers stole data from dozens of companies in a cyberattack in 2017.\n\n"
            + sentence)
    assert expected in _responses(text)


def test_a_hacking_group_is_no_event_and_its_guide_its_sponsor() -> None:
    text = ("Germany: Russia hacked our parliament\n\n"
            "A German intelligence agency said Friday it believes Russian operatives were "
            "behind a cyberattack on the Bundestag in 2015.\n\n"
            "The agency said a hacking group called Sofacy, guided by Russian intelligence "
            "agencies, was most likely behind the attack.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert [i.targets for i in incidents] == [["DE"]]
    assert all(c.attributed_state in ("RU", None) and c.attributed_sponsor in ("RU", None)
               for c in _claims(text))


def test_spies_pointing_fingers_accuse_and_do_not_act() -> None:
    text = ("Hackers stole data from the parliament in a cyberattack in 2015.\n\n"
            "German spies pointing fingers at Russian spies.")
    assert {c.attributed_state for c in _claims(text)} == {"RU"}


def test_a_report_by_a_firm_speaks_for_it_not_for_the_group_it_names() -> None:
    text = ("Hackers broke into Cambodia's election commission in 2018.\n\n"
            "The hacks are suspected to come from a Chinese espionage group known as "
            "TEMP.Periscope, a report by FireEye said.")
    assert {(c.claimant.kind, c.claimant.name) for c in _claims(text) if c.claimant} == \
        {("organization", "FireEye")}


def test_officials_in_a_list_of_states_each_make_the_claim() -> None:
    text = ("Hackers knocked Ukrainian bank websites offline in February 2022.\n\n"
            "Officials in Britain and the United States also blamed the Russian government "
            "for the attacks.")
    claimants = {c.claimant.country for c in _claims(text)
                 if c.claimant and c.attributed_state == "RU"}
    assert {"GB", "US"} <= claimants


def test_intelligence_agencies_releasing_a_report_are_the_claimant() -> None:
    text = ("Hackers broke into the email of a political party in 2016.\n\n"
            "American intelligence on Friday released a report saying that Russian hackers "
            "carried out the intrusion.")
    assert [(c.claimant.country if c.claimant else None, c.attributed_state)
            for c in _claims(text)] == [("US", "RU")]


def test_attributed_to_a_body_before_the_activity() -> None:
    text = ("Hackers exploited mail servers around the world in early 2021.\n\n"
            "The White House publicly attributed to the Chinese Ministry of State Security "
            "the exploitation of the servers.")
    assert ("US", "CN") in {(c.claimant.country if c.claimant else None, c.attributed_state)
                            for c in _claims(text)}


def test_a_company_named_by_its_suffix_is_an_organization() -> None:
    text = ("Kestrel Systems blames North Korean hackers for cyberattack on Taiwanese bank\n\n"
            "The bank lost 60 million dollars in October 2017.")
    assert {c.claimant.name for c in _claims(text) if c.claimant} == {"Kestrel Systems"}


@pytest.mark.parametrize("sentence", [
    "Putin ordered an influence campaign aimed at the presidential election in 2016, "
    "American intelligence said.",
    "Hackers planted a fake story on the state news agency's website in May 2017.",
])
def test_influence_operations_in_news_phrasing(sentence: str) -> None:
    incidents: list[IncidentDraft] = _doc(sentence)._.ct_incidents
    assert any("influence-operation" in i.kinds for i in incidents)


def test_where_stolen_money_went_is_no_victim() -> None:
    text = ("Hackers stole 60 million dollars from a Taiwanese bank in October 2017 and "
            "transferred the money to accounts in Sri Lanka and Cambodia.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert [i.targets for i in incidents] == [["TW"]]


def test_an_election_date_is_not_the_operations_date() -> None:
    text = ("Chinese hackers have targeted Cambodian government institutions in 2018, possibly "
            "to gather information ahead of elections on July 29.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert incidents and all(i.time is None or i.time.iso() == "2018" for i in incidents)


def test_attributing_the_hack_to_a_state_makes_it_no_victim() -> None:
    text = ("On Tuesday, Britain put out a press release officially attributing the satellite "
            "hack to the Russian government.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert all("RU" not in i.targets for i in incidents)
    assert {c.attributed_state for c in _claims(text)} == {"RU"}


def test_half_of_all_americans_are_victims() -> None:
    text = ("The breach compromised the personal information of nearly half of all Americans "
            "in 2017.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert [i.targets for i in incidents] == [["US"]]


def test_the_reports_own_dated_sentence_dates_the_headline_incident() -> None:
    nlp = get_pipeline()
    text = ("Border database disrupted in new cyberattack blamed on Iran\n\n"
            "Albania's interior ministry said on Saturday that the border system had been hit "
            "by a cyberattack on Friday, 9 September. Officials said the attack came from the "
            "same actors behind the July assault on e-government services.")
    doc = nlp(make_doc(nlp, text, dt.date(2022, 9, 10)))
    assert [(i.targets, i.time and i.time.iso()) for i in doc._.ct_incidents] == \
        [(["AL"], "2022-09-09")]


def test_an_actor_robbed_of_its_tools_is_no_operator() -> None:
    text = ("A mysterious online group claims to have stolen cyber weapons from a hacking team "
            "called Equation Group in August 2016.")
    assert all(c.attributed_actor != "Equation Group" for c in _claims(text))


def test_members_of_an_army_charged_are_the_accused_and_its_state_responsible() -> None:
    text = ("Hackers stole data from Equifax in 2017.\n\n"
            "A federal grand jury has returned an indictment charging four members of the "
            "Chinese People\u2019s Liberation Army (PLA) with hacking into the company.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert [i.targets for i in incidents] == [["US"]]
    assert ("US", "CN", "indict") in _responses(text)
    assert [(c.claimant.country if c.claimant else None, c.attributed_state)
            for c in _claims(text)] == [("US", "CN")]


def test_brussels_stands_for_the_eu_in_a_report_on_the_eu() -> None:
    from cybertrack.extract.entities import reference_mentions
    from cybertrack.reference import load_reference

    text = "The EU sanctioned two officers. Brussels has imposed travel bans on them."
    found = reference_mentions(load_reference(), text)
    assert [m.entity_id for m in found if m.text == "Brussels"] == ["intl:eu"]
    assert [m.entity_id for m in reference_mentions(load_reference(), "Talks in Brussels.")
            if m.text == "Brussels"] == ["country:BE"]


def test_confidence_in_this_judgment_qualifies_the_claim_before() -> None:
    text = ("Hackers broke into a political party's email in 2016.\n\n"
            "The FBI concluded that Russian hackers carried out the intrusion. "
            "The CIA and FBI had high confidence in this judgment, the report said.")
    assert [(c.attributed_state, c.confidence) for c in _claims(text)] == [("RU", "high")]


def test_a_restated_claim_keeps_the_confidence_a_later_statement_gives() -> None:
    from cybertrack.extract import extract_document
    from cybertrack.extract.gold import to_gold
    from cybertrack.model import Document

    text = ("Hackers broke into a political party's email in 2016.\n\n"
            "The security firm Orvell Labs said Russian hackers carried out the intrusion. "
            "Orvell Labs said with high confidence that Russian hackers were behind it.")
    record = to_gold(extract_document(Document.from_text(text, "t")))
    assert [(a["attributed_to"].get("state"), a["confidence"])
            for a in record["attributions"]] == [("RU", "high")]


@pytest.mark.parametrize("sentence, actor", [
    ("The FBI, which has been investigating the campaign since August, said the malware "
     "infected routers.", "US"),
    ("The Federal Office for Information Security (BSI) and intelligence services are "
     "investigating the incident.", "DE"),
])
def test_an_inquiry_in_the_progressive_is_the_subjects_own(sentence: str, actor: str) -> None:
    text = "Russian hackers infected routers in a cyberattack in May 2018.\n\n" + sentence
    assert (actor, None, "investigate") in _responses(text)


def test_hit_with_sanctions_is_a_passive_sanction() -> None:
    text = ("Iranian hackers stole research from American universities in 2017. The US "
            "Treasury sanctioned Iran over the thefts.\n\n"
            "Ten Iranians were also hit with sanctions along with an Iranian company.")
    sanctions = {(c.actor_state, c.target_state) for c in _claims(text, "response")
                 if c.action == "sanction"}
    assert sanctions == {("US", "IR")}


def test_a_tool_used_to_target_reports_the_act() -> None:
    text = ("Researchers uncover new espionage by an Iran-linked group\n\n"
            "An Iran-linked hacking group has been using malicious documents to target "
            "telecommunications organizations in Iraq, Pakistan, and Tajikistan, researchers "
            "said Thursday.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert incidents and {"IQ", "PK", "TJ"} <= set(incidents[0].targets)


@pytest.mark.parametrize("sentence, expected", [
    ("The targeted countries included India, Pakistan, Georgia and Turkey.",
     {"IN", "PK", "GE", "TR"}),
    ("The list of countries where the malware was detected includes China, Mongolia and "
     "Malaysia.", {"CN", "MN", "MY"}),
])
def test_sentences_listing_victim_countries(sentence: str, expected: set[str]) -> None:
    text = ("Hackers linked to Iran ran a cyber espionage campaign with malware in 2018, "
            "researchers said. The hackers used spear-phishing emails and a backdoor.\n\n"
            + sentence)
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert incidents and expected <= set(incidents[0].targets)


def test_a_target_list_read_through_such_as_and_even() -> None:
    text = ("Hackers linked to India ran a cyber espionage campaign in 2017 and targeted "
            "financial institutions in China and South Asia and even the U.K., Turkey, and "
            "Israel.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert incidents and {"CN", "GB", "TR", "IL"} <= set(incidents[0].targets)


def test_the_victims_listed_before_researchers_said_are_no_speakers() -> None:
    text = ("An Iran-linked hacking group has been using malicious documents to target "
            "telecommunications organizations in Iraq, Pakistan, and Tajikistan, researchers "
            "said Thursday.")
    assert all(c.claimant is None or c.claimant.country not in ("IQ", "PK", "TJ")
               for c in _claims(text))


def test_an_ambiguous_country_name_in_a_list_of_countries_is_the_country() -> None:
    from cybertrack.extract.entities import reference_mentions
    from cybertrack.reference import load_reference

    text = "The attacks were aimed at Turkey, Kazakhstan, Jordan and Uzbekistan last year."
    found = {m.entity_id for m in reference_mentions(load_reference(), text)}
    assert {"country:JO", "country:UZ"} <= found
    assert "country:JO" not in {m.entity_id for m in reference_mentions(
        load_reference(), "Michael Jordan played basketball in Chicago.")}


def test_rivals_of_a_state_are_the_victims_not_the_state() -> None:
    text = ("Iranian hackers made multiple attempts in 2017 to breach energy and government "
            "enterprises located in geographic rivals of Iran, such as Saudi Arabia and "
            "Israel.")
    incidents: list[IncidentDraft] = _doc(text)._.ct_incidents
    assert incidents and {"SA", "IL"} <= set(incidents[0].targets)
    assert "IR" not in incidents[0].targets


def test_a_security_reports_only_vendor_is_its_source() -> None:
    text = ("A new espionage group has burst on the scene, dubbed Patchwork.\n\n"
            "Patchwork has infected an estimated 2,500 victims in China and Pakistan since "
            "December 2015, according to Orvell Labs. The report also indicates the threat "
            "actor is possibly of Indian origin.")
    inferred = [c for c in _claims(text) if "inferred" in (c.hedge or "")]
    assert inferred and {(c.claimant.name if c.claimant else None, c.attributed_actor)
                         for c in inferred} == {("Orvell Labs", "Patchwork")}


@pytest.mark.parametrize("text", [
    "Researchers found the suspected Iranian group on the same embassy network as Fancy Bear "
    "in 2017.",
    "The phishing campaign used a backdoor to exploit a feature of Microsoft Office known as "
    "Equation Editor in 2017.",
])
def test_an_actor_compared_with_or_named_in_a_product_does_not_act(text: str) -> None:
    assert all(c.attributed_actor not in ("Fancy Bear", "Equation") for c in _claims(text))


def test_a_firm_named_at_a_sentence_end_is_not_run_into_the_next_line() -> None:
    # "... firm Quillbyte.  \nWhen Microsoft ...": the firm's name stops at its full stop, so
    # a known name in the next sentence does not swallow it
    text = (LEDE + "The hackers were working for the Russian government, said Jane Roe, vice "
            "president of cyber security firm Quillbyte.  \nWhen Microsoft fixed the flaw, the "
            "attacks stopped.")
    assert ("Quillbyte", "RU") in _sources(text)


@pytest.mark.parametrize("vendor", ["Morphisec", "Flashpoint", "Digital Shadows", "ThreatConnect",
                                    "Lookout Security"])
def test_security_vendors_of_the_reference_speak_as_firms(vendor: str) -> None:
    # named without any cue ("researchers at ..."): the reference knows them as vendors
    claims = _claims(LEDE + f"{vendor} said the hackers were working for the Russian government.")
    assert [(c.claimant.kind, c.attributed_state) for c in claims if c.claimant] == \
        [("organization", "RU")]


@pytest.mark.parametrize("sentence", [
    "The FBI said the hackers were likely Russian in origin.",
    "The attacks originated in Russia, the FBI said.",
    "Hackers based in Russia broke into the accounts, the FBI said.",
])
def test_the_operators_origin_is_an_attribution(sentence: str) -> None:
    assert ("US", "RU") in {(c.claimant.country if c.claimant else None, c.attributed_state)
                            for c in _claims(LEDE + sentence)}


def test_agencies_speaking_in_a_joint_statement_are_the_government_named_before() -> None:
    text = (LEDE + "The FBI and the NSA looked into the intrusions. The campaign was of likely "
            "Russian origin, four national security agencies said in a joint statement.")
    claims = _claims(text)
    assert [(c.claimant.kind, c.claimant.country, c.attributed_state)
            for c in claims if c.claimant] == [("government", "US", "RU")]


def test_a_state_does_not_blame_itself() -> None:
    # the speaker read ("Putin believes") is the one the claim is about, not its source
    text = (LEDE + "Moscow orchestrated the hacks because the Russian president Vladimir Putin "
            "believes such aggression is worth it.")
    claims = _claims(text)
    assert claims and all(c.claimant is None or c.claimant.country != "RU" for c in claims)


@pytest.mark.parametrize("sentence", [
    "Vermont Governor, Jane Roe, issued a statement accusing Russia of the intrusions.",
    "Governor Jane Roe of Vermont accused Russia of the intrusions.",
])
def test_an_official_of_a_states_region_speaks_for_the_state(sentence: str) -> None:
    claims = _claims(LEDE + sentence)
    assert [(c.claimant.country, c.attributed_state) for c in claims if c.claimant] == \
        [("US", "RU")]


def test_according_to_the_names_the_source() -> None:
    claims = _claims(LEDE + "The hackers worked for Russia, according to the FBI.")
    assert [(c.claimant.country, c.attributed_state) for c in claims if c.claimant] == \
        [("US", "RU")]


def test_a_month_before_a_country_is_no_city() -> None:
    # "in March, US officials said": not the town of March, United States, as a victim
    doc = _doc("Russian hackers broke into Kenyan ministries in March, US officials said.")
    assert [i.targets for i in doc._.ct_incidents] == [["KE"]]


@pytest.mark.parametrize(("name", "country"), [("Netflix", "US"), ("Maersk", "DK"),
                                               ("TV5Monde", "FR"), ("WADA", "CA")])
def test_often_attacked_organizations_are_known_with_their_country(name: str,
                                                                   country: str) -> None:
    doc = _doc(f"Hackers broke into the networks of {name} in May 2017.")
    assert (name, country) in {(m.text, m.country) for m in doc._.ct_mentions
                               if m.kind == "organization"}


@pytest.mark.parametrize(("sentence", "state"), [
    ("Analysts at Orvell Labs said the attackers were Iranian.", "IR"),
    ("Orvell Labs said the group was most likely Chinese.", "CN"),
])
def test_the_operators_nationality_as_a_predicate_is_an_attribution(sentence: str,
                                                                     state: str) -> None:
    assert state in {c.attributed_state for c in _claims(LEDE + sentence)}



def test_the_user_of_a_hacked_system_is_no_operator() -> None:
    doc = _doc("Russia hacks email system used by US aid agency")
    assert [i.targets for i in doc._.ct_incidents] == [["US"]]
    assert all(c.attributed_state != "US" for c in doc._.ct_claims)
