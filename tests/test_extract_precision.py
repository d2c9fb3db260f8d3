"""Attributions nobody made (issue 13, attribution precision): a threat actor's name that is
also an ordinary word or a short acronym counts only where the document casts it as a group,
and a demonym heading a company or one person's phrase is no state acting. Sentences are
written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from cybertrack.extract import extract_documents
from cybertrack.extract.pipeline import get_pipeline, make_doc
from cybertrack.extract.types import ClaimDraft, EntityMention
from cybertrack.models.data import CASIE, casie_document
from cybertrack.models.splits import train_ids


def _doc(text: str):  # type: ignore[no-untyped-def]
    nlp = get_pipeline()
    return nlp(make_doc(nlp, text, dt.date(2018, 5, 2)))


def _actors(text: str) -> list[str]:
    mentions: list[EntityMention] = [m for s in _doc(text)._.ct_sentences for m in s.mentions]
    return [m.name for m in mentions if m.kind == "threat-actor"]


def _attributed(text: str) -> list[tuple[str | None, str | None]]:
    claims: list[ClaimDraft] = _doc(text)._.ct_claims
    return [(c.attributed_state, c.attributed_actor) for c in claims
            if c.kind == "attribution" and c.polarity == "asserted"]


def test_common_word_alias_inside_a_product_name_is_no_actor() -> None:
    text = ("Researchers found a dozen phishing apps in the Google Play store that stole "
            "banking passwords from their users.")
    assert _actors(text) == []
    assert _attributed(text) == []


def test_common_word_alias_cast_as_a_gang_stays_an_actor() -> None:
    assert "Play" in _actors("The Play ransomware gang encrypted the city's servers "
                             "on Monday.")
    # cast once, the bare name later in the same report is the gang too
    names = _actors("A ransomware gang called Play breached the council in March. Play "
                    "then leaked the stolen files.")
    assert names.count("Play") == 2


def test_short_acronym_of_a_bank_is_no_actor() -> None:
    text = ("Fraudsters sent phishing texts to TSB customers after the bank's IT upgrade "
            "failed.")
    assert _actors(text) == []


def test_element_named_group_in_apposition_stays_an_actor() -> None:
    text = "Gallium, a Chinese APT, attacked telecommunications providers across Asia."
    assert [n.lower() for n in _actors(text)] == ["gallium"]
    assert any(state == "CN" for state, _actor in _attributed(text))


def test_demonym_heading_a_security_firm_is_no_operator() -> None:
    text = ("Dutch DDoS mitigation firm Acme Shield reported a wave of DDoS attacks against "
            "parcel carriers last week.")
    assert _attributed(text) == []


def test_nationality_of_one_named_person_is_no_state_attribution() -> None:
    assert _attributed("Portuguese hacker Rui Costa used the voice assistant to bypass the "
                       "phone's lock screen.") == []
    assert _attributed("Researchers from Danish outfit Nordlab said the web framework flaw "
                       "is exploited in the wild.") == []


def test_state_hackers_still_attributed() -> None:
    # the rules above must not cost the plain case
    assert ("IR", None) in _attributed("Iranian hackers defaced the websites of a Saudi "
                                       "ministry on Tuesday.")


# ---- an incident the rules leave with no victim state takes the model's (issue 13, item 2) ---

needs_casie = pytest.mark.skipif(not (CASIE / "source").is_dir(),
                                 reason="the CASIE corpus is not in ../shared/data/casie")


@needs_casie
@pytest.mark.parametrize(("doc_id", "target"), [("4008", "US"), ("897", "US")])
def test_victimless_incident_takes_the_models_victim(doc_id: str, target: str) -> None:
    """CASIE training articles (never the held-out ones): a Texas city hall and a US state
    senate hit by ransomware, whose only place names are a city or a US state; the rules cast
    no state as the target, the role model's most likely victim is the US."""
    assert doc_id in train_ids()
    document, _annotation = casie_document(doc_id)
    (extraction,) = extract_documents([document])
    assert [inc.targets for inc in extraction.incidents] == [(target,)]


# ---- claimants and groups as news names them (issue 13, item 4) -------------------------------


def _claims(text: str) -> list[ClaimDraft]:
    return list(_doc(text)._.ct_claims)


def test_prosecutors_office_of_a_state_is_its_government() -> None:
    claims = _claims("Hackers broke into the parliament's network in April 2015. The Austrian "
                     "prosecutor's office believes that the intrusion was the work of Russian "
                     "military intelligence.")
    assert any(c.kind == "attribution" and c.claimant is not None
               and c.claimant.as_gold() == {"government": "AT"} for c in claims)


def test_surname_alone_is_the_titled_person_named_elsewhere() -> None:
    claims = _claims("Kovac confirms Russian hackers attacked the parliament\n\nSlovak Prime "
                     "Minister Jan Kovac said on Thursday that the parliament's email servers "
                     "were breached in March.")
    assert any(c.kind == "attribution" and c.claimant is not None
               and c.claimant.country == "SK" and c.attributed_state == "RU" for c in claims)


def test_the_minister_names_the_minister_quoted_before() -> None:
    claims = _claims("Dutch Defence Minister Anna Smit said the officers were expelled in April "
                     "after a hacking attempt on the watchdog's network. The minister insists "
                     "that the Russian agents were targeting the watchdog.")
    assert [c.claimant.as_gold() if c.claimant else None for c in claims
            if c.kind == "attribution" and c.attributed_state == "RU"] == \
        [{"person": "Anna Smit", "country": "NL"}]


def test_unknown_group_claiming_an_attack_is_a_self_claim() -> None:
    claims = _claims("The Karachi Cyber Crew claimed responsibility for defacing dozens of "
                     "government websites on Sunday.")
    assert [(c.kind, c.attributed_actor) for c in claims if c.kind == "self-claim"] == \
        [("self-claim", "Karachi Cyber Crew")]


def test_group_introduced_by_a_state_demonym_has_that_sponsor() -> None:
    claims = _claims("An Iranian group called Sword of Dawn claimed responsibility for the "
                     "attack on the bank's website.")
    found = [(c.attributed_actor, c.attributed_sponsor) for c in claims
             if c.kind == "self-claim"]
    assert found == [("Sword of Dawn", "IR")]


def test_a_states_own_army_is_no_group() -> None:
    assert _actors("Units of the Philippine Army are believed to be behind DDoS attacks on "
                   "two opposition websites.") == []


# ---- what a page's furniture says is no finding ------------------------------------------------


def _incidents(text: str) -> list[tuple[tuple[str, ...], str | None]]:
    doc = _doc(text)
    return [(tuple(i.targets), i.time.text if i.time else None) for i in doc._.ct_incidents]


def test_closing_quote_after_attackers_is_no_possessive() -> None:
    text = "Broadcaster outage 'work of Russian hackers'"
    assert ("RU", None) in _attributed(text)
    assert all("RU" not in targets for targets, _when in _incidents(text))


def test_dateline_and_timestamp_dates_do_not_date_the_operation() -> None:
    found = _incidents("Vienna, March 3, 2021 - Hackers breached the Austrian foreign ministry's "
                       "network in January, officials said.")
    assert [when for _targets, when in found] == ["January"]
    stamped = _incidents("Minister confirms hackers breached the Austrian parliament Thursday, "
                         "May 14, 2020 12:00:00 PM\n\nThe intrusion began in April 2015.")
    assert [when for _targets, when in stamped] == ["April 2015"]


# ---- denials as news reports them (issue 13, denials recall) ----------------------------------


def _denials(text: str) -> list[dict[str, str] | None]:
    return [c.claimant.as_gold() if c.claimant else None for c in _claims(text)
            if c.kind == "denial"]


def test_not_involved_in_the_accused_officials_words_is_a_denial() -> None:
    found = _denials("Hackers broke into the party's servers in 2016, and US officials say "
                     "Russia was behind it. \"As a state, we were not involved in this,\" "
                     "Russian President Pavel Orlov said.")
    assert found == [{"person": "Pavel Orlov", "country": "RU"}]  # scored as RU's government


def test_passive_denial_names_the_denier_after_by() -> None:
    assert _denials("Albania blamed Iran for the attack on its government websites, a claim "
                    "denied by the Iranian Foreign Ministry.") == [{"government": "IR"}]


def test_the_government_denying_is_the_state_accused_before() -> None:
    assert _denials("Hackers working for Vietnam broke into the networks of car makers in "
                    "2017, FireEye said. The government rejected the accusation.") == \
        [{"government": "VN"}]


# ---- who holds whom responsible -----------------------------------------------------------------


def test_each_listed_speaker_makes_the_attribution() -> None:
    claims = [c for c in _claims("Russia was behind a cyberattack on a satellite network in "
                                 "Ukraine an hour before its invasion, the United States, "
                                 "Britain, Canada, and the European Union said on Tuesday.")
              if c.kind == "attribution" and c.attributed_state == "RU"]
    speakers = {tuple(sorted(c.claimant.as_gold().items())) for c in claims if c.claimant}
    assert speakers == {(("government", "US"),), (("government", "GB"),),
                        (("government", "CA"),), (("organization", "European Union"),)}


def test_a_government_does_not_blame_its_own_state_by_naming_its_agency() -> None:
    claims = _claims("Hackers breached Exchange servers worldwide in March. Britain's National "
                     "Cyber Security Centre, an arm of GCHQ, said it was highly likely that the "
                     "Hafnium group is associated with the Chinese state.")
    assert not any(c.kind == "attribution" and c.attributed_state == "GB" for c in claims)
    # ... but does where it says its state acted
    own = _claims("Officials told a newspaper that the Netherlands had launched a denial of "
                  "service campaign against a militia's servers in 2017.")
    assert any(c.kind == "attribution" and c.attributed_state == "NL" for c in own)


def test_at_the_request_of_a_state_is_no_sponsorship_of_an_arrest() -> None:
    assert _attributed("Canada arrested a Chinese executive at the request of the United "
                       "States on a fraud charge after the bank hack.") == []


# ---- a report of one campaign that recalls the group's earlier operations ----------------------

_CAMPAIGN = ("North Korean hackers targeted financial institutions in Turkey in March 2018 in a "
             "spear-phishing campaign, researchers said. ")


def test_the_groups_past_operation_named_with_its_year_is_its_own_incident() -> None:
    found = {targets: kinds for targets, kinds in (
        (tuple(i.targets), tuple(i.kinds)) for i in _doc(
            _CAMPAIGN + "The group was also behind the 2016 cyber heist at the central bank "
            "of Bangladesh.")._.ct_incidents)}
    assert set(found) == {("TR",), ("BD",)}
    assert "financial-theft" in found[("BD",)]


def test_a_time_word_after_the_victim_noun_keeps_the_victim() -> None:
    incidents = _incidents(_CAMPAIGN + "In 2017 the same hackers hit Polish banks with a "
                           "watering-hole attack. The group also stole millions from a "
                           "Taiwanese bank last October.")
    assert [targets for targets, _when in incidents] == [("TR",), ("PL",), ("TW",)]


# ---- responses in news phrasing ---------------------------------------------------------------


def _responses(text: str) -> list[tuple[str | None, str | None, str | None]]:
    return [(c.action, c.actor_state, c.target_state) for c in _claims(text)
            if c.kind == "response"]


def test_hours_to_close_the_embassy_and_leave_is_an_expulsion() -> None:
    assert ("expel-diplomats", "AL", "IR") in _responses(
        "Albania cut ties with Iran over the July cyberattack and gave its diplomats 24 hours "
        "to close the embassy and leave the country.")


def test_charges_announced_against_the_accused_are_an_indictment() -> None:
    assert ("indict", "US", "KP") in _responses(
        "North Korean hackers stole millions from banks. The US Justice Department on "
        "Wednesday formally announced charges against the three hackers.")


def test_put_on_the_wanted_list_is_an_indictment() -> None:
    assert ("indict", "DE", "RU") in _responses(
        "Hackers broke into the Bundestag in 2015. In May, the German Prosecutor General's "
        "Office put Russian citizen Ivan Petrov on the wanted list.")


def test_a_companys_research_team_is_no_group() -> None:
    assert _actors("A researcher from the Acme Security Research Team first reported the "
                   "flaw in the router's firmware.") == []
    assert _actors("The Gaza Hack Team claimed the attack on the ministry website.") == \
        ["Gaza Hack Team"]


def test_ranking_and_meeting_places_name_no_operator() -> None:
    assert _attributed("The United States absorbed the most ransomware attacks in 2017, "
                       "followed by Germany and Italy.") == []
    assert _attributed("The ransomware kit is advertised on Russian hacking forums for a "
                       "share of the ransoms.") == []


def test_certainty_stated_in_words_is_high_confidence() -> None:
    from cybertrack.extract.polarity import stated_confidence

    assert stated_confidence("I can say with certainty that the group was behind it.")\
        .confidence == "high"
    assert stated_confidence("It is beyond doubt that the GRU did it.").confidence == "high"


def test_a_relative_clause_on_the_event_names_its_victims_not_the_accuser() -> None:
    found = _incidents("Britain accused the Russian military of being behind last year's "
                       "destructive cyber-attack, which started in Ukraine and Russia before "
                       "spreading globally.")
    assert [targets for targets, _when in found] == [("UA",)]


def test_the_speaker_before_an_aside_owned_by_another_state() -> None:
    claims = _claims("Hackers crippled Albanian government websites in July. Washington, "
                     "Albania's closest ally, also blamed Iran for the attack.")
    assert [c.claimant.as_gold() for c in claims
            if c.kind == "attribution" and c.claimant] == [{"government": "US"}]


def test_a_titled_persons_state_is_not_the_object_before_it() -> None:
    claims = _claims("Albania cut diplomatic relations with Iran on Wednesday, when Prime "
                     "Minister Edi Rama accused the Islamic Republic of committing the July "
                     "attack.")
    assert {c.claimant.country for c in claims if c.claimant} == {"AL"}


def test_a_recalled_month_does_not_date_the_new_attack() -> None:
    """Sample 04: the September attack on the border system, whose first sentence also
    recalls "the July attack", is no July incident of Albania's."""
    from importlib.resources import files

    text = (files("cybertrack") / "samples" / "04_albania-border-tims.txt").read_text("utf-8")
    nlp = get_pipeline()
    doc = nlp(make_doc(nlp, text, dt.date(2022, 9, 11)))
    dated = [(tuple(i.targets), i.time.start.month if i.time else None)
             for i in doc._.ct_incidents]
    assert (("AL",), 7) not in dated
    assert any(targets == ("AL",) and month == 9 for targets, month in dated)


def test_a_firms_home_state_in_its_own_description_is_not_blamed() -> None:
    claims = _claims("Hackers hit the broadcaster in April. The US-based cybersecurity group "
                     "Acme Threat Labs says that APT28 has been active since at least 2007.")
    assert not any(c.kind == "attribution" and c.attributed_state == "US" for c in claims)


def test_the_country_a_text_gives_a_place_wins_over_its_larger_namesake() -> None:
    for text in ("Hackers locked the computers of the Canadian town of Midland last week.",
                 "Ransomware hit the town hall of Midland, Canada on Monday."):
        places = [m.country for s in _doc(text)._.ct_sentences for m in s.mentions
                  if m.kind == "location"]
        assert places == ["CA"], text
