"""Attribution assessment, dates that disagree, the response chain with lags, and firsts."""

from __future__ import annotations

from cybertrack.analysis import assess, chain, firsts, stated_interval, weigh_dates
from cybertrack.analysis.sources import SourcedClaim, basis_of
from cybertrack.model import Claim, Claimant, Span
from cybertrack.resolve import link_all
from cybertrack.store import Store
from kb_factory import ALBANIA, CROWDSTRIKE, albania_reports, day, report, say


def _load(store: Store) -> str:
    exs = albania_reports()
    store.bulk_add(exs)
    link_all(store)
    return exs[0].incidents[0].id


def test_assessment_groups_claimants_by_basis_and_counts_independent_ones(
    store: Store,
) -> None:
    a = assess(store, _load(store))
    assert len(a.case.group.incidents) == 4 and len(a.case.documents) == 4
    iran = a.leading
    assert iran is not None and iran.state == "IR" and iran.name == "Iran"
    bases = {basis: [s.claimant for s in sups] for basis, sups in iran.by_basis()}
    assert bases["receiver-government"] == ["Albania"]
    assert bases["third-party-government"] == ["United Kingdom"]
    assert bases["it-security-company"] == ["Mandiant"]
    assert "attacker-self-claim" not in bases  # a self-claim is kept apart (tests below)
    assert bases["media"] == ["Wire Service Test"]
    # the media voice relays: listed, not counted as independent
    assert iran.independent == 3
    # moderate confidence (55-80%) and "almost certain" (95-99%) give the envelope
    assert iran.interval == (0.55, 0.99)
    assert [d.claimant for d in a.accused_denials] == ["Iran"] and not a.denials
    assert not a.contested
    assert "3 independent claimants" in a.explanation
    assert "Mandiant: moderate confidence" in a.explanation
    assert "Denied by the accused (Iran)" in a.explanation


def test_credible_disagreement_is_contested(store: Store) -> None:
    exs = albania_reports()
    exs.append(report(5, publisher="Other Vendor Test", published="2022-08-10", claims=(
        say("attribution", "CrowdStrike attributed the attack to Russia.", CROWDSTRIKE,
            attributed_state="RU", confidence="low"),)))
    store.bulk_add(exs)
    link_all(store)
    a = assess(store, exs[0].incidents[0].id)
    assert {c.state for c in a.candidates} == {"IR", "RU"}
    assert a.contested and "Contested" in a.explanation
    assert a.leading is not None and a.leading.state == "IR"  # more independent claimants


def test_conflicting_dates_are_kept_and_weighed(store: Store) -> None:
    a = assess(store, _load(store))
    ch = chain(a)
    sever = next(s for s in ch.steps if s.action == "sever-relations")
    assert sever.dates is not None and sever.dates.conflict
    assert [v.date.iso() for v in sever.dates.variants] == ["2022-09-07", "2022-09-06"]
    assert sever.dates.variants[0].support == 2 and sever.dates.variants[1].support == 1
    assert "7 September 2022 is better supported" in sever.dates.explanation
    assert "Wire Service Test" in sever.dates.explanation  # the source of the 6 September date
    # incident dated 15 July by three reports, 17 July by one
    assert a.incident_date.date is not None and a.incident_date.date.iso() == "2022-07-15"
    assert sever.lag_days == 54 and not sever.approximate
    condemn = next(s for s in ch.steps if s.action == "condemn")
    assert condemn.actor == "United States" and condemn.what == "condemned Iran"
    kinds = [s.kind for s in ch.steps]
    assert kinds.index("attribution") < kinds.index("response")
    denial = next(s for s in ch.steps if s.kind == "denial")
    assert denial.approximate and denial.lag_days == 54  # dated by publication only


def test_firsts_name_the_earliest_response_of_each_kind(store: Store) -> None:
    _load(store)
    # an earlier report of another severance, dated before its own incident: not a response
    store.add_extraction(report(9, publisher="Confused Test", published="2019-01-01",
                                targets=("XK",), when="2020-05-01", claims=(
        say("response", "Kosovo severed ties with Serbia in 2018.", None,
            action="sever-relations", actor_state="XK", target_state="RS",
            event_date=day("2018-03-01")),)))
    found = {f.action: f for f in firsts(store)}
    sever = found["sever-relations"]
    assert sever.step.actor == "Albania" and sever.step.what == "severed diplomatic ties with Iran"
    assert sever.step.date is not None and sever.step.date.iso() == "2022-09-07"
    assert len(sever.step.claims) == 3  # the three reports, 6 and 7 September
    assert any("severed diplomatic ties with Iran on 7 September" in c.claim.sentence_text
               for c in sever.step.claims)
    assert sever.step.lag_days == 54
    assert found["condemn"].step.actor == "United States"


def test_basis_rules() -> None:
    def claim(who: Claimant | None) -> Claim:
        return Claim("c", "d", "attribution", Span(0, 1), "x", claimant=who)

    assert basis_of(claim(Claimant("government", "Albania", "AL")), ["AL"]) == \
        "receiver-government"
    assert basis_of(claim(Claimant("person", "A Minister", "GB", basis="government")), ["AL"]) \
        == "third-party-government"
    assert basis_of(claim(None), ["AL"]) == "media"
    assert basis_of(claim(Claimant("organization", "CFR", basis="tracker")), ["AL"]) == "tracker"
    assert stated_interval("moderate", None) == (0.55, 0.80)
    assert stated_interval(None, "highly probable") == (0.80, 0.95)
    assert stated_interval(None, None) is None


def test_equal_support_prefers_reported_over_tracker_dates() -> None:
    def sc(doc: str, basis: str) -> SourcedClaim:
        c = Claim(f"c{doc}", doc, "incident-report", Span(0, 1), "x")
        return SourcedClaim(c, None, basis, basis, basis, None, "event")

    fact = weigh_dates([(day("2022-08-04"), sc("d1", "tracker")),
                        (day("2022-07-15"), sc("d2", "media"))], "it happened")
    assert fact.conflict and fact.date is not None and fact.date.iso() == "2022-07-15"


def test_attributions_are_dated_when_said_responses_when_done() -> None:
    from cybertrack.analysis.sources import date_of
    from cybertrack.store.analytics import DocumentInfo

    doc = DocumentInfo("d", "s", "t", "P", day("2022-09-07"), "B", "text/plain", None)
    said = Claim("c", "d", "attribution", Span(0, 1), "x", event_date=day("2022-07"))
    done = Claim("c", "d", "response", Span(0, 1), "x", event_date=day("2022-09-06"))
    assert date_of(said, doc) == (day("2022-09-07"), "published")
    assert date_of(done, doc) == (day("2022-09-06"), "event")


def test_lags_from_coarse_dates_are_not_negative() -> None:
    from cybertrack.analysis.responses import lag_days

    start = day("2022-07-15")
    assert lag_days(start, day("2022-07")) == 0  # "in July": no earlier than the attack
    assert lag_days(start, day("2022-09-07")) == 54
    assert lag_days(start, day("2022-06-30")) == -15
    assert lag_days(None, day("2022-09-07")) is None


def test_untied_history_stays_out_of_the_case(store: Store) -> None:
    from cybertrack.analysis.case import load_case

    store.add_extraction(report(20, publisher="History Test", published="2022-09-08", claims=(
        say("response", "Albania cut ties with Iran on 7 September.", ALBANIA,
            action="sever-relations", actor_state="AL", target_state="IR",
            event_date=day("2022-09-07"), incident_id=None),
        say("response", "Albania had expelled Iran's ambassador in December 2018.", ALBANIA,
            action="expel-diplomats", actor_state="AL", target_state="IR",
            event_date=day("2018-12"), incident_id=None),
    )))
    incident = store.incidents()[0]
    case = load_case(store, incident.id)
    actions = {s.claim.action for s in case.of_kind("response")}
    assert actions == {"sever-relations"}  # untied but after the event: part of the case
