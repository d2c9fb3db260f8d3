"""The derived summaries behind reach, timelines and firsts (``store/summary.py``) stay in step
with the records: after an ingest, a changed document ingested again, a claim about an incident
of another document, and link review; and they equal what migration 0006 would backfill."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cybertrack.analysis import actor_timeline, firsts, reach
from cybertrack.resolve import link_all, link_new, review
from cybertrack.store import Store
from cybertrack.store import schema as t
from cybertrack.store.engine import write_connection
from cybertrack.store.group_queries import ReachCell, ReachYear
from cybertrack.store.migrations import load_migrations
from kb_factory import (
    ACTOR,
    ALBANIA,
    CROWDSTRIKE,
    MANDIANT,
    albania_reports,
    day,
    report,
    say,
)

DERIVED = (t.attribution_facts, t.response_dates)


def _rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table in DERIVED:
        rows = store._all(select(table))
        out[table.name] = sorted(tuple(str(v) for v in r.values()) for r in rows)
    return out


def _backfilled(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """The derived tables as migration 0006's INSERT statements compute them from scratch
    (run in a transaction that is rolled back, so the store is left as it was)."""
    inserts = [s for s in load_migrations()[5].statements() if s.startswith("INSERT")]
    assert len(inserts) == len(DERIVED)
    with write_connection(store._engine) as conn:
        tx = conn.begin()
        for table in DERIVED:
            conn.execute(table.delete())
        for statement in inserts:
            conn.exec_driver_sql(statement)
        out = {table.name: sorted(tuple(str(v) for v in r)
                                  for r in conn.execute(select(table)).all())
               for table in DERIVED}
        tx.rollback()
    return out


def _events(store: Store, name: str) -> int:
    return sum(y.incidents for y in reach(store, name).years)


def test_summaries_equal_the_migration_backfill(store: Store) -> None:
    exs = albania_reports()
    store.bulk_add(exs)
    link_all(store)  # rebuilds every group: the "replace all" path
    assert _rows(store)["attribution_facts"] and _rows(store)["response_dates"]
    assert _rows(store) == _backfilled(store)
    # incremental paths: a new report linked in, a link rejected, a claim about another
    # document's incident
    late = report(20, publisher="Late Test", published="2022-09-20", claims=(
        say("attribution", "CrowdStrike blamed Iran.", CROWDSTRIKE, attributed_state="IR"),))
    store.add_extraction(late)
    link_new(store, [late.document.id])
    review(store, store.links(kind="incident")[0].id, "rejected")
    store.add_extraction(report(21, publisher="Aside Test", published="2022-10-01", claims=(
        say("attribution", "Mandiant now blames Russia.", MANDIANT, attributed_state="RU",
            incident_id=exs[1].incidents[0].id),)))
    assert _rows(store) == _backfilled(store)


def test_reach_and_timelines_follow_an_ingest(store: Store) -> None:
    store.bulk_add(albania_reports())
    link_all(store)
    assert _events(store, "Iran") == 1
    # a new event, and a new report of the known one (a new source for Albania in 2022)
    later = report(30, publisher="Berlin Test", published="2023-03-02", targets=("DE",),
                   when="2023-03-01", claims=(
        say("attribution", "CrowdStrike tied it to Iran.", CROWDSTRIKE,
            attributed_state="IR"),))
    again = report(31, publisher="Echo Test", published="2022-09-10", claims=(
        say("attribution", "CrowdStrike also blamed Iran.", CROWDSTRIKE,
            attributed_state="IR"),))
    store.bulk_add([later, again])
    link_new(store, [later.document.id, again.document.id])
    r = reach(store, "Iran")
    assert [(t.year, t.country) for t in r.targets] == [(2022, "AL"), (2023, "DE")]
    assert "CrowdStrike" in dict(r.sources)[2022]
    assert [e.kind for e in actor_timeline(store, "Iran").events].count("incident") == 2


def test_a_changed_document_ingested_again_counts_with_what_it_now_says(store: Store) -> None:
    first = report(40, publisher="Draft Test", published="2021-06-02", targets=("EE",),
                   when="2021-06-01", claims=(
        say("attribution", "Mandiant attributed it to Iran.", MANDIANT,
            attributed_state="IR"),))
    store.add_extraction(first)
    assert _events(store, "Iran") == 1 and _events(store, "Russia") == 0
    # the same page, corrected: a new text is a new document; the old one stays on record
    corrected = report(40, publisher="Draft Test", published="2021-06-02", targets=("EE",),
                       when="2021-06-01", claims=(
        say("attribution", "Mandiant attributed it to Russia, correcting an earlier note.",
            MANDIANT, attributed_state="RU"),))
    assert corrected.document.id != first.document.id
    store.add_extraction(corrected)
    link_new(store, [corrected.document.id])
    assert _events(store, "Russia") == 1 and _events(store, "Iran") == 1
    assert [t.country for t in reach(store, "Russia").targets] == ["EE"]


def test_a_claim_about_another_documents_incident_counts_at_once(store: Store) -> None:
    exs = albania_reports()
    store.bulk_add(exs)
    link_all(store)
    assert _events(store, "Russia") == 0
    # no regrouping happens here: the incident's group is unchanged, its facts must not be
    store.add_extraction(report(50, publisher="Aside Test", published="2022-10-01",
                                targets=("MK",), claims=(
        say("attribution", "Mandiant now blames Russia.", MANDIANT, attributed_state="RU",
            incident_id=exs[1].incidents[0].id),)))
    r = reach(store, "Russia")
    assert [(t.year, t.country) for t in r.targets] == [(2022, "AL")]
    assert dict(r.sources)[2022] == ("Mandiant",)


def test_reach_follows_link_accept_and_reject(store: Store) -> None:
    exs = albania_reports()
    store.bulk_add(exs)
    link_all(store)
    assert _events(store, "Iran") == 1
    second = exs[1].incidents[0].id
    for link in store.links(kind="incident", record_id=second):
        review(store, link.id, "rejected")
    assert _events(store, "Iran") == 2  # report 2 is an event of its own now
    review(store, store.links(kind="incident", record_id=second)[0].id, "accepted")
    assert _events(store, "Iran") == 1


def _history(n: int, publisher: str) -> Any:
    return report(n, publisher=publisher, published="2018-12-20", targets=("AL",),
                  when="2018-11-01", claims=(
        say("response", "Albania expelled Iran's ambassador in December 2018.", ALBANIA,
            action="expel-diplomats", actor_state="AL", target_state="IR",
            event_date=day("2018-12-19")),
        say("response", "Albania severed ties with Iran in 2018.", ALBANIA,
            action="sever-relations", actor_state="AL", target_state="IR",
            event_date=day("2018-12-19")),))


def test_firsts_follow_an_ingest(store: Store) -> None:
    store.bulk_add(albania_reports())
    link_all(store)
    found = {f.action: f.step.date.iso() for f in firsts(store) if f.step.date}
    assert found["sever-relations"] == "2022-09-07" and "expel-diplomats" not in found
    # one outlet's report of an earlier event is no fact a first can rest on
    one = _history(60, "History Test")
    store.add_extraction(one)
    link_new(store, [one.document.id])
    found = {f.action: f.step.date.iso() for f in firsts(store) if f.step.date}
    assert found["sever-relations"] == "2022-09-07" and "expel-diplomats" not in found
    # a second, independent publisher reporting it makes it one
    two = _history(61, "Other Desk Test")
    store.add_extraction(two)
    link_new(store, [two.document.id])
    got = {f.action: f for f in firsts(store)}
    assert {a: f.step.date.iso() for a, f in got.items() if f.step.date} == {
        **found, "sever-relations": "2018-12-19", "expel-diplomats": "2018-12-19"}
    assert [e.split(",")[0] for e in got["sever-relations"].evidence] == [
        "History Test", "Other Desk Test"]


def test_reach_counts_are_those_of_the_subjects_events(store: Store) -> None:
    """``reach_summary``'s figures (counted in Python over the subject's fact rows, on both
    databases) are those the subject's events (``reach_events``) give, counted one by one
    (several targets, no target, destructive or not, a state, an actor by id and by name,
    claims naming both)."""
    store.upsert_entities([ACTOR])
    store.bulk_add([*albania_reports(), *(
        report(70 + n, publisher="Mixed Test", published=f"20{10 + n}-06-01", targets=targets,
               when=f"20{10 + n}-05-01", kinds=kinds, claims=(
            say("attribution", "Mandiant named Test Kitten.", MANDIANT,
                attributed_actor="Test Kitten", attributed_actor_id=ACTOR.id,
                attributed_state="IR" if n % 2 else None),
            say("attribution", "CrowdStrike named TK-1.", CROWDSTRIKE,
                attributed_actor="TK-1"),))
        for n, (targets, kinds) in enumerate([
            (("DE", "FR"), ("espionage",)), ((), ("ransomware",)), (("SA",), ("sabotage",)),
            (("US", "SA", "IL"), ("ddos",))]))])
    link_all(store)
    for who, inside in (((("IR",), (ACTOR.id,), ("Test Kitten", "TK-1")), ("SA", "IL", "IR")),
                        (((), (ACTOR.id,), ()), ()), ((("IR",), (), ()), ("AL",))):
        got = store.reach_summary(*who, inside=inside)
        cells: dict[tuple[int | None, str], set[str]] = {}
        hit: dict[tuple[int | None, str], set[str]] = {}
        years: dict[int | None, set[str]] = {}
        out: dict[int | None, set[str]] = {}
        sources: dict[tuple[int | None, str], set[str]] = {}
        for e in store.reach_events(*who):
            years.setdefault(e.group_year, set()).add(e.group_id)
            sources.setdefault((e.group_year, e.source or ""), set()).add(e.group_id)
            for country in e.targets:
                cells.setdefault((e.group_year, country), set()).add(e.group_id)
                if e.destructive:
                    hit.setdefault((e.group_year, country), set()).add(e.group_id)
                if country not in inside:
                    out.setdefault(e.group_year, set()).add(e.group_id)
        assert got.cells and got.years and got.sources
        assert any(c.destructive for c in got.cells) and any(y.outside for y in got.years)
        assert sorted(got.cells, key=repr) == sorted(
            (ReachCell(y, c, len(g), len(hit.get((y, c), ()))) for (y, c), g in cells.items()),
            key=repr)
        assert sorted(got.years, key=repr) == sorted(
            (ReachYear(y, len(g), len(out.get(y, ()))) for y, g in years.items()), key=repr)
        assert sorted(got.sources, key=repr) == sorted(
            ((y, src, len(g)) for (y, src), g in sources.items()), key=repr)
