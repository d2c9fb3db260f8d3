"""The web lists' fast paths give what the whole-record paths give, on SQLite and PostgreSQL:
a list grouped, counted and sorted by the database (``views._event_page``) against
one built from whole records, and a multi-word search testing later words on the common
events' reports only (``store.search.common_events``) against intersecting every word's
events. On 200 synthetic documents of ``bench/kb_load.py`` with a rejected claim and a
rejected incident."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bench_kb import fill
from cybertrack.analysis.search import search
from cybertrack.reference import load_reference
from cybertrack.store import Store
from cybertrack.store import search as store_search
from cybertrack.store.curation import curate
from cybertrack.web import views
from sql_capture import sqlite_plan, statements

QUERIES: list[dict[str, Any]] = [
    {}, {"attributed_to": "Iran"}, {"attributed_to": "Bench Actor 7", "sort": "date"},
    {"attributed_to": "PK", "target": "IN", "sort": "-reports"}, {"target": "AL"},
    {"since": "2010", "until": "2014", "sort": "reports", "page": 2},
    {"attributed_to": "Russia", "since": "2015", "per_page": 7, "page": 3},
    {"include_rejected": True, "attributed_to": "Iran"}, {"target": "AL", "sort": "relevance"},
    {"target": "AL", "page": 99},
]


@pytest.fixture
def kb(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as store:
        fill(store, 200, 3)
        iran = store.claims(attributed_state="IR")
        curate(store, "claim", iran[0].id, "reject", by="test", why="test")
        curate(store, "incident", iran[1].incident_id or "", "reject", by="test", why="test")
        yield store


def _page(store: Store, **query: Any) -> str:
    page = views.list_events(store, load_reference(), views.ListQuery(**query))
    return json.dumps(views.jsonable(page), sort_keys=True, default=str)


def test_lists_from_three_columns_match_lists_from_whole_records(
        kb: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = load_reference()
    fast = {}
    for query in QUERIES:
        flt = views.IncidentFilter(attributed_to=query.get("attributed_to"),
                                   target=query.get("target"))
        assert views._event_page(kb, ref, flt, "-date", 0, 5) is not None  # the fast path
        fast[json.dumps(query)] = _page(kb, **query)
    monkeypatch.setattr(views, "_event_page", lambda *a: None)
    for query in QUERIES:
        assert _page(kb, **query) == fast[json.dumps(query)], query
    assert json.loads(fast["{}"])["total"] > 200


def test_search_testing_later_words_on_the_common_events_matches_intersecting_all(
        kb: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = load_reference()
    queries = ("Bench Actor 7", "BA-7 Albania", "destruction Iran", "attack hit AL",
               "denied involvement")
    narrowed = [search(kb, q, limit=1000, ref=ref) for q in queries]
    assert narrowed[0].incidents
    monkeypatch.setattr(store_search, "RESTRICT_MAX", -1)  # every word read whole
    for q, got in zip(queries, narrowed, strict=True):
        assert search(kb, q, limit=1000, ref=ref) == got, q


def test_ranked_rows_read_with_the_common_events_are_each_words_matches_within(
        kb: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A word's ranked matches read while the common events are found (among the documents
    of the events it was tested on, or all of them when it was read whole) give, kept to
    the final candidates, what ranking the word among the candidates gives."""
    from cybertrack.analysis import search as analysis_search
    from cybertrack.store import web_queries

    seen: list[tuple[list[Any], set[str], list[Any]]] = []
    real = analysis_search.common_events_ranked

    def capture(store: Store, wants: Any) -> Any:
        common, ranked = real(store, wants)
        seen.append((list(wants), common, ranked))
        return common, ranked

    monkeypatch.setattr(analysis_search, "common_events_ranked", capture)
    ref = load_reference()
    checked = 0
    for q in ("Bench Actor 7", "BA-7 Albania", "destruction Iran", "attack hit AL",
              "denied involvement", "Bench Actor 12"):
        seen.clear()
        search(kb, q, limit=1000, ref=ref)
        wants, common, ranked = seen[0]
        members = kb.group_members(common)
        within = sorted({i for g in common for i in members.get(g, [g])})
        docs = {i.document_id for i in kb.incidents_by_id(within)}
        for w, rows in zip(wants, ranked, strict=True):
            if rows is None:
                continue
            expected = web_queries.matches_within(kb, w.query, within)
            assert web_queries.keep_within(rows, set(within), docs) == expected, (q, w.query)
            checked += bool(expected)
    assert checked >= 3


def test_actor_incidents_among_candidates_are_theirs_among_all(kb: Store) -> None:
    from cybertrack.store import web_queries

    actors = [(f"actor:bench-{n}", (f"Bench Actor {n}", f"BA-{n}")) for n in (3, 7, 12)]
    actors.append(("actor:none", ("bench actor 21",)))  # by name only
    every = web_queries.actor_incidents(kb, actors)
    assert all(every[:3]) and every[3]
    some = sorted(i for ids in every for i in ids)[::3] + ["incident--absent"]
    among = web_queries.actor_incidents(kb, actors, some)
    assert among == [ids & set(some) for ids in every]
    assert any(among)


def test_a_states_list_reads_its_claims_from_the_covering_indexes(kb: Store) -> None:
    """On SQLite, Iran's list finds its claims by state and by actor id in migration 0016's
    indexes alone (no table read per claim); the list itself is checked against whole
    records above."""
    if kb._engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    with statements(kb._engine) as seen:
        views.list_events(kb, load_reference(), views.ListQuery(attributed_to="Iran"))
    plan = sqlite_plan(kb._engine, *next((s, p) for s, p in seen if "OVER ()" in s))
    assert "COVERING INDEX ix_claims_asserted_state" in plan, plan
    assert "COVERING INDEX ix_claims_asserted_actor_id" in plan, plan
    assert "documents" not in plan, plan
