"""Reach's notable firsts read only the destructive groups that may be founded
(``store.evidence.destructive_cells(founded_only=True)``: two reports or more, or a tracker
record): the same cells and groups, in the same order, as reading every group and keeping
those ``groups_with_evidence`` accepts; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from cybertrack.analysis import reach
from cybertrack.model import Extraction
from cybertrack.resolve import link_all
from cybertrack.store import Store
from cybertrack.store.evidence import destructive_cells, groups_with_evidence
from kb_factory import MANDIANT, report, say
from sql_capture import sqlite_plan, statements


def _iran(n: int, publisher: str, year: int, target: str) -> Extraction:
    return report(n, publisher=publisher, published=f"{year}-05-03", targets=(target,),
                  when=f"{year}-05-02", claims=(
        say("attribution", "Mandiant blamed Iran.", MANDIANT, attributed_state="IR"),))


def test_founded_only_cells_are_every_cell_kept_to_groups_with_evidence(store: Store) -> None:
    store.bulk_add([_iran(1, "Roundup Desk", 2016, "GB"), _iran(2, "Desk A", 2017, "DE"),
                    _iran(3, "Desk B", 2017, "DE"), _iran(4, "Roundup Desk", 2017, "DE"),
                    _iran(5, "Only Desk", 2018, "PL"), _iran(6, "Only Desk", 2018, "PL")])
    store.bulk_add([_iran(7, "Tracker Test", 2019, "FR")], extractor_version="tracker")
    link_all(store)
    years = (2000, 2030)
    every = destructive_cells(store, ("IR",), (), (), years)
    founded = destructive_cells(store, ("IR",), (), (), years, founded_only=True)
    groups = {g for gs in every.values() for g in gs}
    eligible = groups_with_evidence(store, groups)
    assert len(eligible) >= 2  # the two desks' event and the tracker record
    assert eligible <= {g for gs in founded.values() for g in gs} <= groups
    for cell, gs in every.items():
        assert [g for g in gs if g in eligible] == [
            g for g in founded.get(cell, []) if g in eligible], cell
    assert (2016, "GB") not in founded  # one article's event is not read
    assert founded[(2019, "FR")]  # a tracker record is, though it is one report
    r = reach(store, "Iran", today=dt.date(2026, 1, 1))
    assert r.recent is not None


def test_reach_reads_the_rows_naming_a_states_actors_in_the_covering_index(
        store: Store) -> None:
    """On SQLite, the fact rows naming a state's actors but not the state are read through
    ix_attribution_facts_actor_id, which holds the state beside the actor, so the rows
    naming the state too are dropped there, not read from the table (SQLite's own choice was
    the narrower ix_attribution_facts_actor_group); and the destructive groups that may found
    a first are found in the covering indexes first, against the groups with a second report
    listed once from an index alone (ix_incident_groups_member)."""
    if store._engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    store.bulk_add([report(n, publisher=f"Desk {n}", published="2020-05-03", targets=("DE",),
                           when="2020-05-02", claims=(
        say("attribution", "Mandiant blamed Test Kitten.", MANDIANT, attributed_state="IR",
            attributed_actor="Test Kitten", attributed_actor_id="actor:test-kitten"),))
        for n in (1, 2)])
    link_all(store)
    who = (("IR",), ("actor:test-kitten",), ())
    with statements(store._engine) as seen:
        rows = store.subject_event_rows(*who, years=(2020, 2020))
        cells = destructive_cells(store, *who, (2000, 2030), founded_only=True)
    assert rows and cells
    plans = [sqlite_plan(store._engine, s, p) for s, p in seen if "attribution_facts" in s]
    assert len(plans) == 3, plans  # the events; the founded groups, then their rows
    assert all("ix_attribution_facts_actor_id" in plan for plan in plans), plans
    assert "ix_attribution_facts_actor_group" not in " ".join(plans), plans
    groups = plans[1]
    assert "COVERING INDEX ix_attribution_facts_state" in groups, groups
    assert "COVERING INDEX ix_attribution_facts_actor_id" in groups, groups
    assert "SCAN incident_groups USING COVERING INDEX ix_incident_groups_member" in groups, groups
