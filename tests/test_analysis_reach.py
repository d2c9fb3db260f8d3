"""Reach of a state or actor against a baseline, and timelines per incident, actor, pair."""

from __future__ import annotations

import pytest

from cybertrack.analysis import actor_timeline, incident_timeline, pair_timeline, reach
from cybertrack.analysis.regions import blocs_of, distance_km, home_region
from cybertrack.errors import UnknownEntityError
from cybertrack.reference import load_reference
from cybertrack.resolve import link_all
from cybertrack.store import Store
from kb_factory import ACTOR, MANDIANT, albania_reports, report, say


def _iran_history(store: Store) -> None:
    """Baseline: Iran against its region (and once the US); 2022: Albania, reported four times."""
    history = [
        report(101, publisher="Gulf Test", published="2012-08-20", targets=("SA",),
               when="2012-08-15", title="Wiper hits oil company"),
        report(102, publisher="Levant Test", published="2016-05-01", targets=("IL",),
               when="2016-04-20", kinds=("espionage",)),
        report(103, publisher="Bank Test", published="2013-01-10", targets=("US",),
               when="2012-12-20", kinds=("ddos",)),
        report(104, publisher="Gulf Test", published="2019-03-01", targets=("AE", "SA"),
               when="2019-02-01", kinds=("espionage",)),
    ]
    tagged = []
    for ex in history:  # each with an attribution to Iran by a vendor
        tagged.append(report(
            int(ex.document.source.rsplit("/", 1)[1]), publisher=ex.document.publisher or "",
            published=ex.document.published.iso() if ex.document.published else "2020",
            targets=ex.incidents[0].targets,
            when=ex.incidents[0].time.iso() if ex.incidents[0].time else None,
            kinds=ex.incidents[0].kinds,
            claims=(say("attribution", "Mandiant attributed it to Iran.", MANDIANT,
                        attributed_state="IR"),)))
    store.bulk_add([*tagged, *albania_reports()])
    link_all(store)


def test_reach_answers_with_figures_against_a_baseline(store: Store) -> None:
    _iran_history(store)
    r = reach(store, "Iran")
    assert r.subject.home == "IR" and r.home_region == "the Middle East"
    # the four Albania reports are one event; the recent period's events are listed
    assert sum(y.incidents for y in r.years) == 5
    assert [len(e.incident_ids) for e in r.incidents] == [3]  # 3 of 4 reports attribute it
    assert r.baseline is not None and r.recent is not None
    assert (r.baseline.first_year, r.baseline.last_year) == (2012, 2021)  # every earlier year
    assert r.recent.label == "2022" and r.recent.incidents == 1
    assert (r.baseline.outside, r.baseline.pairs) == (1, 5)  # only the US is outside
    assert r.recent.outside_share == 1.0
    assert [t.name for t in r.first_time] == ["Albania"]
    assert r.verdict.startswith("Yes: Iran extended its reach in 2022")
    assert any("rose from 20%" in e and "to 100%" in e for e in r.evidence)
    assert any(e.startswith("First NATO member in Europe targeted with destructive effect: "
                            "Albania, 15 July 2022") for e in r.evidence)
    cell = next(t for t in r.targets if t.country == "AL")
    assert cell.year == 2022 and cell.incidents == 1 and cell.first_time and cell.outside_home
    assert set(cell.sources) >= {"Mandiant", "Albania", "Wire Service Test"}
    assert dict(r.sources)[2012] == ("Mandiant",)
    assert cell.distance_km is not None and 2700 < cell.distance_km < 2900  # Tehran-Tirana


def test_reach_periods_can_be_chosen(store: Store) -> None:
    _iran_history(store)
    r = reach(store, "IR", since=2016, until=2019)
    assert r.recent is not None and r.recent.label == "2016-2019"
    assert r.baseline is not None and r.baseline.label == "2012-2015"
    assert r.verdict.startswith("No:")  # Israel and the Gulf: nothing new outside the region


def test_reach_without_baseline_and_unknown_names(store: Store) -> None:
    store.bulk_add(albania_reports())
    r = reach(store, "Iran")
    assert r.verdict.startswith("No baseline")
    assert reach(store, "Chile").verdict.startswith("No incident")
    with pytest.raises(UnknownEntityError, match="country or actor"):
        reach(store, "Nowhereland Kittens")


def test_actor_reach_uses_claims_naming_the_actor(store: Store) -> None:
    store.upsert_entities([ACTOR])
    store.add_extraction(report(200, publisher="Vendor Test", published="2021-05-01",
                                targets=("DE",), when="2021-04-01", claims=(
        say("attribution", "Mandiant tied it to APT33.", MANDIANT,
            attributed_actor="APT33", attributed_actor_id="actor:apt33"),)))
    r = reach(store, "APT33")
    assert r.subject.kind == "actor" and r.subject.home == "IR"
    assert [t.country for t in r.targets] == ["DE"]
    # and a state's reach counts the actors it sponsors
    assert [t.country for t in reach(store, "Iran").targets] == ["DE"]


def test_regions() -> None:
    ref = load_reference()
    assert home_region(ref, "IR") == "the Middle East"
    assert home_region(ref, "KP") == "Eastern Asia"
    assert blocs_of("AL", 2022) == ("NATO",) and blocs_of("AL", 2005) == ()
    assert blocs_of("GB", 2019) == ("EU", "NATO") and blocs_of("GB", 2021) == ("NATO",)
    d = distance_km(ref, "IR", "AL")
    assert d is not None and 2700 < d < 2900


def test_timelines(store: Store) -> None:
    _iran_history(store)
    root = albania_reports()[0].incidents[0].id
    tl = incident_timeline(store, root)
    kinds = [e.kind for e in tl.events]
    assert kinds[0] == "incident" and "response" in kinds and "denial" in kinds
    dates = [e.date.start for e in tl.events if e.date]
    assert dates == sorted(dates)
    actor = actor_timeline(store, "Iran")
    assert [e.kind for e in actor.events].count("incident") == 5
    assert any(e.kind == "response" and "severed diplomatic ties with Iran" in e.text
               for e in actor.events)
    pair = pair_timeline(store, "Iran", "Albania")
    assert [e.kind for e in pair.events].count("incident") == 1
    assert sum(1 for e in pair.events if e.kind == "response") == 1  # one severance, 3 reports
    assert pair_timeline(store, "Iran", "Chile").events == ()
