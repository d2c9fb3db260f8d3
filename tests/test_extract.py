"""Extraction rules on short hand-written texts (none taken from the gold sets)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybertrack.batch import prepare
from cybertrack.extract import extract_document, to_gold
from cybertrack.extract.pipeline import MAX_SENTENCE, sentence_bounds
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
    assert to == {"actor": "APT28", "sponsor": "RU"}


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


def test_a_response_older_than_the_incident_answers_none_of_it() -> None:
    text = ("On 15 July 2022 a cyberattack disrupted Albanian government services. "
            "Albania cut diplomatic ties with Iran over the attack on 7 September 2022. "
            "Albania had already expelled Iran's ambassador in December 2018.")
    out = run(text, "2022-09-08")
    by_action = {r["action"]: r for r in out["responses"]}
    assert by_action["sever-relations"]["incident"] == "i1"
    assert by_action["expel-diplomats"]["date"] == "2018-12"
    assert by_action["expel-diplomats"]["incident"] is None  # history, still reported


def test_a_date_of_the_event_is_not_the_date_of_what_was_said_about_it() -> None:
    text = ("On 15 July 2022 a cyberattack disrupted Albanian government services. "
            "In London, Foreign Secretary James Cleverly condemned what he called Iran's "
            "reckless actions, and the National Cyber Security Centre said Iranian actors were "
            "responsible for the attacks that began on 15 July.")
    out = run(text, "2022-09-08")
    condemn = [r for r in out["responses"] if r["action"] == "condemn"]
    assert condemn and condemn[0]["date"] != "2022-07-15"
    assert all(a.get("date") != "2022-07-15" for a in out["attributions"]
               if a["claimant"] == {"government": "GB"})


def test_a_deadline_to_leave_is_an_expulsion() -> None:
    text = ("Albania cut diplomatic ties with Iran on 7 September and gave Iranian diplomats and "
            "embassy staff 24 hours to leave the country, blaming Tehran for the cyberattack "
            "that crippled government services in July.")
    out = run(text, "2022-09-08")
    assert {(r["actor"], r["action"], r["target"]) for r in out["responses"]} == {
        ("AL", "sever-relations", "IR"), ("AL", "expel-diplomats", "IR")}


def test_the_object_of_a_response_is_no_victim() -> None:
    out = run("A cyberattack on 15 July disrupted government websites, and Albania expelled "
              "Iranian diplomats in response.", "2022-09-08")
    assert out["incidents"] and all("IR" not in i["targets"] for i in out["incidents"])
    assert [(r["actor"], r["target"]) for r in out["responses"]] == [("AL", "IR")]
    # a demonym phrase that no response governs stays a victim
    out = run("Hackers targeted Iranian diplomats in a phishing campaign in May 2021.")
    assert [i["targets"] for i in out["incidents"]] == [["IR"]]


FILLER = " ".join(f"Paragraph {n} says nothing about the event." for n in range(14))


def test_a_long_report_whose_headline_names_an_operation_has_an_incident() -> None:
    out = run_titled("Radisson Rewards confirms data breach",
                     "Radisson Hotel Group has confirmed that it has suffered a data breach "
                     "affecting members of its loyalty programme. " + FILLER)
    assert len(out["incidents"]) == 1 and out["incidents"][0]["kinds"]
    # a patch or a warning is no operation
    out = run_titled("Update patches ransomware flaw in the browser",
                     "The vendor released a fix for a bug that ransomware could abuse. " + FILLER)
    assert out["incidents"] == []


def test_a_short_report_of_a_fix_has_no_incident() -> None:
    out = run_titled("Mail app issues fix for security flaw that could let hackers read email",
                     "The developer released an update on Monday. Researchers found the bug "
                     "in March; malware could have abused it to read messages.")
    assert out["incidents"] == []


def test_the_first_dated_event_founds_an_incident_without_a_state_victim() -> None:
    out = run("The attack on Sony began on 24 November 2014, when hackers crippled the studio's "
              "computer network and wiped machines.", "2015-01-03")
    assert [(i["date"], i["targets"]) for i in out["incidents"]] == [("2014-11-24", [])]


def test_a_paid_ransom_is_ransomware() -> None:
    out = run("On 11 January 2018 a cyberattack hit a hospital in the United States, and "
              "Hancock Health paid a $55,000 ransom to hackers to regain access.", "2018-01-16")
    assert out["incidents"] and "ransomware" in out["incidents"][0]["kinds"]


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


def run_titled(title: str, text: str, published: str = "2022-10-01") -> dict:
    doc = Document.from_text(text, "test", title=title, published=PartialDate.parse(published))
    return to_gold(extract_document(prepare(doc)))


def states(out: dict) -> set[str | None]:
    return {a["attributed_to"].get("state") or a["attributed_to"].get("sponsor")
            for a in out["attributions"]}


# --- operators named together --------------------------------------------------------------

def test_states_listed_as_operators_each_get_an_attribution() -> None:
    out = run("Chinese and Russian hackers broke into the election commission's servers in "
              "Chile, officials said.")
    assert {"CN", "RU"} <= states(out)
    out = run("Government operators from Egypt and Bahrain used spyware to infect the phones of "
              "journalists in Lebanon in 2021.")
    assert {"EG", "BH"} <= states(out)
    assert out["incidents"][0]["targets"] == ["LB"]


def test_a_possessive_after_the_phrase_keeps_the_operator() -> None:
    # the possessive belongs to the object ("the commission's servers"), not to "hackers"
    out = run("Russian hackers broke into the election commission's servers in Chile in 2020.")
    assert "RU" in states(out)
    assert out["incidents"][0]["targets"] == ["CL"]


def test_an_aside_between_the_operator_and_its_act_is_read_past() -> None:
    out = run("The Iranian intelligence agency, known as MOIS, hacked the servers of Albanian "
              "ministries in July 2022.")
    assert "IR" in states(out)
    assert out["incidents"][0]["targets"] == ["AL"]
    out = run("Egypt, using spyware bought abroad, hacked the phones of journalists in Lebanon "
              "in 2020.")
    assert "EG" in states(out)
    assert out["incidents"][0]["targets"] == ["LB"]


def test_a_long_list_of_objects_keeps_the_victims_after_it() -> None:
    # 134 characters from "used" to "Peru"
    out = run("Chinese hackers breached the foreign ministry of Chile in March 2021. They used a "
              "custom backdoor to reach telecommunications providers, government systems, postal "
              "services, water utilities and logistics firms in Peru, Brazil and Argentina.")
    assert {"CL", "PE", "BR", "AR"} <= {t for i in out["incidents"] for t in i["targets"]}


def test_states_listed_as_the_subject_of_a_response_each_respond() -> None:
    out = run("Iranian hackers attacked Albanian government websites in July 2022. The United "
              "States, Canada, and the United Kingdom condemned Iran for the attack.")
    assert {(r["actor"], r["target"], r["action"]) for r in out["responses"]} == {
        ("US", "IR", "condemn"), ("CA", "IR", "condemn"), ("GB", "IR", "condemn")}


def test_the_object_of_an_earlier_clause_does_not_respond() -> None:
    out = run("Iranian hackers attacked Albania and the United States condemned Iran.")
    assert [(r["actor"], r["target"], r["action"]) for r in out["responses"]] == [
        ("US", "IR", "condemn")]


def test_a_comma_and_after_one_state_ends_the_list() -> None:
    out = run("The attack was blamed on Russia, and the United States and Britain imposed "
              "sanctions.")
    assert states(out) == {"RU"}


def test_a_source_set_apart_before_a_list_is_no_operator() -> None:
    out = run("According to the United States, Russia and Iran were behind the attacks on the "
              "election.")
    assert states(out) == {"RU", "IR"}
    out = run("According to Kyiv, Russian and Belarusian hackers attacked the ministry.")
    assert states(out) == {"RU", "BY"}


def test_a_victim_listed_before_operators_stays_a_victim() -> None:
    out = run("The attack hit Ukraine and Russian hackers were blamed.")
    assert states(out) == {"RU"}
    assert out["incidents"][0]["targets"] == ["UA"]


def test_alternative_operators_make_one_claim() -> None:
    out = run("Officials said Russian or Chinese hackers were behind the hack.")
    assert len(out["attributions"]) == 1


def test_an_aside_naming_an_object_or_a_tool_owner_is_no_operator() -> None:
    assert states(run("Hackers attacked the State Service of Special Communications (SSSCIP) "
                      "using a wiper.")) == set()
    assert states(run("Investigators traced the intrusion to a server in Ukraine (Kyiv) used "
                      "by the gang.")) == set()
    assert "CN" not in states(run("Anti-China hackers leaked the documents."))


def test_comma_and_between_two_states_joins_clauses() -> None:
    out = run("Russian hackers hit the OPCW in 2018. Britain attributed the campaign to Russia, "
              "and the United States indicted seven officers of Russia's GRU.")
    assert ("US", "RU", "indict") in {(r["actor"], r["target"], r["action"])
                                      for r in out["responses"]}
    assert "US" not in states(out)


def test_an_operator_body_named_in_an_aside_acts() -> None:
    out = run("The Russian Army's Main Intelligence Directorate (the GRU) used wiper malware on "
              "Ukrainian systems in January 2022.")
    assert states(out) == {"RU"}
    assert out["incidents"][0]["targets"] == ["UA"]
    # an investigating agency's acronym, or a passive verb, makes no operator
    assert states(run("The Federal Bureau of Investigation (FBI) used blockchain analysis to "
                      "link the theft to North Korean hackers.")) == {"KP"}
    assert "RU" not in states(run("Servers of the Main Intelligence Directorate (the GRU) used "
                                  "by the hackers were seized in Ukraine in 2022."))


def test_a_country_before_hackers_after_a_verb_is_its_object() -> None:
    assert "UA" not in states(run("Since Russia invaded Ukraine hackers have hit Polish "
                                  "hospitals."))


def test_the_last_item_of_an_object_list_may_open_a_clause() -> None:
    assert states(run("The attack was blamed on Iran and Israel vowed to retaliate.")) == {"IR"}
    out = run("Russian hackers hit Ukraine in 2022. Britain condemned Russia and Ukraine "
              "thanked its allies.")
    assert [(r["actor"], r["target"]) for r in out["responses"]] == [("GB", "RU")]


def test_a_response_answers_each_state_listed_after_it() -> None:
    out = run("Russian hackers hit Ukraine in 2022. Britain sanctioned Russia and Belarus on "
              "3 March 2022.")
    assert {(r["actor"], r["target"], r["action"]) for r in out["responses"]} == {
        ("GB", "RU", "sanction"), ("GB", "BY", "sanction")}
    out = run("Albania or the United States sanctioned Iran after Iranian hackers hit Albania.")
    assert len(out["responses"]) == 1


def test_a_comma_between_a_source_and_an_operator_makes_no_list() -> None:
    out = run("According to Germany, Russian hackers breached servers of the Bundestag in 2015.")
    assert states(out) == {"RU"}


def test_a_country_named_before_hackers_is_their_state() -> None:
    out = run("U.S. hackers disrupted the servers of a ransomware gang in Romania in 2021.")
    assert "US" in states(out)
    assert out["incidents"][0]["targets"] == ["RO"]


# --- incident kinds --------------------------------------------------------------------------

def test_stealing_information_is_espionage_and_stealing_money_is_financial_theft() -> None:
    spy = run("Ruritanian hackers breached defence contractors in Norway to steal blueprints.")
    assert spy["incidents"][0]["kinds"] == ["espionage"]
    money = run("Ruritanian hackers breached banks in Chile and stole at least $10 million.")
    assert "financial-theft" in money["incidents"][0]["kinds"]
    assert "data-theft" not in money["incidents"][0]["kinds"]


def test_specific_disruptive_kind_and_fake_ransomware() -> None:
    ddos = run("A DDoS attack knocked Estonian bank websites offline in May 2021.")
    assert ddos["incidents"][0]["kinds"] == ["ddos"]
    wiper = run("Hackers deployed a wiper against Ukrainian ministries in January 2022. "
                "The wiper masqueraded as ransomware but destroyed the data.")
    assert set(wiper["incidents"][0]["kinds"]) == {"destruction"}


def test_intrusion_tradecraft_without_kind_cue_defaults_to_espionage() -> None:
    out = run("A threat actor launched a spear-phishing attack on diplomats in Kenya.")
    assert out["incidents"][0]["kinds"] == ["espionage"]


def test_passive_leak_is_doxing() -> None:
    out = run("Hackers broke into the database of a Danish agency and the personal data of "
              "its staff was leaked.")
    assert "doxing" in out["incidents"][0]["kinds"]


def test_control_systems_of_water_utilities_are_sabotage() -> None:
    out = run("Hackers tried to alter control systems at water treatment plants in Israel.")
    assert "sabotage" in out["incidents"][0]["kinds"]


# --- attributions ----------------------------------------------------------------------------

def test_one_source_naming_actor_and_its_state_is_one_claim() -> None:
    out = run("The Russian group APT28 targeted ministries in Poland with phishing emails. "
              "The group used a new backdoor.")
    assert len(out["attributions"]) == 1


def test_government_body_as_subject_of_the_act_is_the_operator() -> None:
    out = run("The Egyptian government installed spyware on the phones of dissidents.")
    assert states(out) == {"EG"}


def test_passive_report_verb_does_not_make_the_subject_a_source() -> None:
    out = run("The Mexican government is reported to have used spyware against journalists.")
    assert out["attributions"][0]["claimant"] is None
    assert states(out) == {"MX"}


def test_state_behind_or_accused_of_the_act() -> None:
    assert "CN" in states(run("Investigators believe China is behind the hack of a hotel "
                              "chain in the United States."))
    assert "IR" in states(run("Iran was accused of hacking the accounts of defence staff in "
                              "Britain."))
    assert "US" in states(run("China accused the National Security Agency of hacking a "
                              "university in Xi'an."))


def test_appositive_alleged_operator() -> None:
    out = run("A threat actor, allegedly the Indonesian government, used spyware to infect "
              "phones in Australia.")
    assert "ID" in states(out)


def test_own_agency_of_a_state_operates() -> None:
    out = run("Ukraine's IT Army launched attacks against Russian websites.")
    assert "UA" in states(out)


def test_advanced_persistent_threat_actor_heads_the_phrase() -> None:
    out = run("A Pakistani advanced persistent threat actor used malware against officials "
              "in India.")
    assert states(out) == {"PK"}


def test_tool_maker_is_not_the_operator() -> None:
    out = run("The Moroccan government used NSO Group's Pegasus spyware against activists.")
    assert states(out) == {"MA"}


def test_lost_apostrophe_does_not_split_or_question_the_sentence() -> None:
    out = run("Iranian hackers impersonated Kuwait?? Ministry of Foreign Affairs to infect "
              "computers in the Emirates.?")
    assert states(out) == {"IR"}


# --- targets ---------------------------------------------------------------------------------

def test_topic_and_destination_are_not_targets() -> None:
    out = run("Ruritanian hackers breached Canadian organizations to steal research into "
              "Chinese human rights abuses.")
    assert out["incidents"][0]["targets"] == ["CA"]
    out = run("Ruritanian hackers exfiltrated files from Canadian organizations to Chinese "
              "servers.")
    assert out["incidents"][0]["targets"] == ["CA"]


def test_coordinated_demonyms_and_long_lists_are_all_targets() -> None:
    out = run("The threat actor compromised Japanese and Taiwanese entities.")
    assert set(out["incidents"][0]["targets"]) == {"JP", "TW"}
    out = run("A Ruritanian threat actor used a custom backdoor dubbed FooDoor to target "
              "telecommunications providers, government systems, postal and logistic systems, "
              "and others in the United States, India, Myanmar, Turkey, and Vietnam.")
    assert set(out["incidents"][0]["targets"]) == {"US", "IN", "MM", "TR", "VN"}


def test_sector_word_does_not_swallow_the_state() -> None:
    out = run_titled("Compromise of German government networks",
                     "Threat actors compromised computers in the chancellery.")
    assert out["incidents"][0]["targets"] == ["DE"]


def test_sea_named_after_a_country_is_no_state() -> None:
    out = run("This threat actor targets navies interested in the South China Sea, including "
              "the Vietnamese navy.")
    assert "CN" not in {t for i in out["incidents"] for t in i["targets"]}


def test_date_stays_with_its_event_across_a_comma() -> None:
    out = run("Russian hackers breached lawmakers' email in Norway in August 2020, the "
              "intelligence service said.")
    assert out["incidents"][0]["date"] == "2020-08"


def test_organization_linked_operator_points_to_its_home_state() -> None:
    out = run("A Hezbollah-linked threat actor targeted telecom firms in Jordan.")
    assert "LB" in states(out)


def test_civil_society_groups_in_a_country_are_not_operators() -> None:
    out = run("Chinese hackers targeted civil society groups in Nepal and the Philippines.")
    assert states(out) == {"CN"}
    assert set(out["incidents"][0]["targets"]) == {"NP", "PH"}


def test_attacker_head_before_an_unlisted_verb() -> None:
    out = run("Iranian hackers sought to cripple computers at water utilities in Israel.")
    assert states(out) == {"IR"}


def test_hedge_in_an_earlier_clause_does_not_block_the_attribution() -> None:
    out = run("As reports suggested that the agency might ban Russian athletes, Russian "
              "hackers attacked anti-doping organizations in Canada.")
    assert "RU" in states(out)
    assert run("Analysts asked whether Ruritania could be behind the hack of Austrian "
               "ministries.")["attributions"] == []


def test_fake_as_tradecraft_is_no_denial() -> None:
    out = run("North Korean hackers created a fake brand to spread fake apps and steal "
              "cryptocurrency from users in Japan.")
    assert out["denials"] == [] and "KP" in states(out)


def test_state_the_operators_work_for_is_the_sponsor() -> None:
    out = run("Former U.S. intelligence operatives working for the UAE hacked the phones of "
              "activists in Qatar.")
    assert "AE" in states(out)
    out = run("Hackers infected the phone of a journalist in Canada at the request of Saudi "
              "Arabia.")
    assert "SA" in states(out)


def test_country_name_is_no_speech_verb() -> None:
    out = run("Investigators believe China is behind the hack of a hotel chain in the United "
              "States.")
    assert out["attributions"][0]["claimant"] is None
    assert states(out) == {"CN"}


def test_national_police_acting_is_the_state() -> None:
    out = run("The Israeli police is suspected of using spyware to surveil officials in Israel.")
    assert states(out) == {"IL"}


# --- sample-corpus fixes ---------------------------------------------------------------------

def test_definite_event_with_a_date_creates_an_incident_on_the_complaining_state() -> None:
    out = run("Estonia expelled two Russian diplomats on Monday, blaming Moscow for the "
              "cyberattack that paralysed ministry services in March.", "2023-05-10")
    assert [i["targets"] for i in out["incidents"]] == [["EE"]]
    assert out["incidents"][0]["date"] == "2023-03"


def test_relative_clause_event_with_a_kind_cue_creates_an_incident() -> None:
    out = run("Lithuania summoned the Chinese ambassador over an intrusion that stole "
              "records from the tax authority.", "2023-05-10")
    assert [i["targets"] for i in out["incidents"]] == [["LT"]]


def test_month_reference_with_no_prior_incident_creates_one() -> None:
    out = run("Danish officials said they hold Russian hackers responsible for the June attack "
              "on the health portal.", "2023-08-01")
    assert [i["targets"] for i in out["incidents"]] == [["DK"]]
    assert out["incidents"][0]["date"] == "2023-06"


def test_claimant_is_the_speaker_of_the_attribution_clause() -> None:
    out = run("In March 2021 a cyberattack disrupted government websites in Finland. "
              "Prime Minister Sanna Marin condemned the attack, and Microsoft said Russian "
              "state-linked hackers were responsible.", "2021-04-01")
    atts = [a for a in out["attributions"] if a["attributed_to"].get("state") == "RU"]
    assert atts and atts[0]["claimant"] == {"organization": "Microsoft"}


def test_attribution_verb_makes_its_subject_the_claimant() -> None:
    out = run("Microsoft ties Polish ministry breach to Belarusian actors with high confidence",
              "2021-04-01")
    assert out["attributions"][0]["claimant"] == {"organization": "Microsoft"}
    assert out["attributions"][0]["confidence"] == "high"


def test_confidence_in_the_next_sentence_qualifies_the_claim_before() -> None:
    out = run("In May 2022 a wiper attack hit Ukrainian banks. The operation was likely the "
              "work of Russian actors, security firm ESET said. The company stated its "
              "assessment with moderate confidence.", "2022-06-01")
    eset = [a for a in out["attributions"] if a["claimant"] == {"organization": "ESET"}]
    assert eset and eset[0]["confidence"] == "moderate"


def test_response_target_stays_in_the_cue_clause() -> None:
    out = run("In April 2022 hackers crippled the water utility of Latvia. The Russian "
              "foreign ministry condemned any use of cyberspace against other states, and it "
              "blamed unnamed foreign services for provoking Riga.", "2022-05-01")
    assert not [r for r in out["responses"] if r["actor"] == "RU"]
    assert not [a for a in out["attributions"] if a["attributed_to"].get("state") == "LV"]


def test_blamed_object_must_follow_the_verb() -> None:
    out = run("In April 2022 hackers crippled the water utility of Latvia. Latvia blamed "
              "Moscow for the attack.", "2022-05-01")
    assert {(r["actor"], r["target"]) for r in out["responses"]} == {("LV", "RU")}


def test_attributing_statements_by_a_state_do_not_accuse_it() -> None:
    out = run("In April 2022 hackers crippled the water utility of Latvia. The European Union "
              "welcomed the statements by Latvia attributing the attack to Russia.", "2022-05-01")
    states = {a["attributed_to"].get("state") for a in out["attributions"]}
    assert "LV" not in states
    assert [i["targets"] for i in out["incidents"]] == [["LV"]]


# --- attribution rules (operator vs victim, claimant) ------------------------------------------

def _states(out: dict) -> set:
    return {a["attributed_to"].get("state") for a in out["attributions"]}


def test_people_from_a_state_are_not_its_operators() -> None:
    out = run("In 2019 a threat actor sent phishing emails to diplomats from Estonia.")
    assert "EE" not in _states(out)
    assert [i["targets"] for i in out["incidents"]] == [["EE"]]


def test_systems_associated_with_a_place_are_not_sponsored_by_it() -> None:
    out = run("In 2019 hackers compromised servers associated with Riga's tram operator.")
    assert "LV" not in _states(out)
    assert [i["targets"] for i in out["incidents"]] == [["LV"]]


def test_a_state_agency_after_a_target_cue_is_a_victim() -> None:
    out = run("In 2019 APT28 used malware to hack the mailbox of an officer at Norway's "
              "intelligence service.")
    assert "NO" not in _states(out)
    assert [i["targets"] for i in out["incidents"]] == [["NO"]]
    assert {"actor": "APT28", "sponsor": "RU"} in [a["attributed_to"] for a in out["attributions"]]


def test_the_accused_state_wins_over_the_accuser() -> None:
    out = run("In 2021 a threat actor probed water utilities. The chief of France's "
              "intelligence agency accused Russia of steering the campaign.")
    assert "RU" in _states(out) and "FR" not in _states(out)


def test_impersonated_office_is_not_the_operator() -> None:
    out = run("In 2020 a Chinese threat actor phished officials; the attackers pretended to be "
              "from the Office of the President of Kenya.")
    assert "KE" not in _states(out) and "CN" in _states(out)


def test_possessor_phrase_is_not_the_operator() -> None:
    out = run("In 2020 Lazarus Group tried to breach Chinese espionage groups' servers.")
    assert "CN" not in _states(out)
    assert [a["attributed_to"] for a in out["attributions"]] == [
        {"actor": "Lazarus Group", "sponsor": "KP"}]


def test_hedge_in_a_relative_clause_keeps_the_attribution() -> None:
    out = run("In 2019 Chinese government hackers attacked a trade lobby to steal files that "
              "might help in tariff talks.")
    assert "CN" in _states(out)


def test_acting_agency_and_government_are_operators() -> None:
    out = run("Since 2015 the Russian foreign intelligence agency has conducted cyberattacks "
              "against the Finnish foreign ministry.")
    assert "RU" in _states(out)
    out = run("In 2020 Rwanda's government used spyware to target two exiled journalists.")
    assert "RW" in _states(out)


def test_sponsor_believed_by_a_third_party() -> None:
    out = run("A threat actor that British officials believe to be sponsored by the Iranian "
              "government targets shipping firms in the Gulf.")
    assert "IR" in _states(out)


def test_an_actor_speaking_of_itself_attributes_nothing() -> None:
    out = run("In 2021 Bahraini officials used Pegasus spyware against activists. NSO Group "
              "denied knowledge of the abuse.")
    assert not [a for a in out["attributions"] if a["attributed_to"].get("actor")]
    assert [a["attributed_to"] for a in out["attributions"]] == [{"state": "BH"}]


def test_passive_accusation_has_no_accuser() -> None:
    out = run("In 2020 Lazarus Group was accused of hacking Chilean banks.")
    assert not [r for r in out["responses"] if r["action"] == "accuse"]
    assert [i["targets"] for i in out["incidents"]] == [["CL"]]
    assert {"actor": "Lazarus Group", "sponsor": "KP"} in [
        a["attributed_to"] for a in out["attributions"]]


# --- text without sentence ends ---------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["Iran", "hacked", "Albania", "said", ".", "\n", "x" * 300,
                                 "  "]), max_size=60), st.integers(1, 40))
def test_sentences_cover_the_text_once_and_stay_short(words: list[str], times: int) -> None:
    text = " ".join(words * times)
    bounds = sentence_bounds(text)
    assert "".join(text[s:e] for s, e in bounds) == text
    assert all(s < e <= s + MAX_SENTENCE for s, e in bounds) or bounds == [(0, 0)] == [
        (0, len(text))]
    assert all(b[1] == c[0] for b, c in zip(bounds, bounds[1:], strict=False))


def test_a_long_run_without_sentence_ends_is_cut_after_spaces() -> None:
    text = "Iranian hackers attacked Albanian government websites in July 2022 and " * 400
    bounds = sentence_bounds(text)
    assert len(bounds) >= len(text) // MAX_SENTENCE
    assert all(text[e - 1] == " " for _s, e in bounds[:-1])
    assert sentence_bounds("x" * (MAX_SENTENCE + 5)) == [(0, MAX_SENTENCE),
                                                         (MAX_SENTENCE, MAX_SENTENCE + 5)]
    out = run(text)  # each cut is read as a sentence of its own
    assert {"IR"} == states(out)
    assert all(i["targets"] == ["AL"] for i in out["incidents"])
