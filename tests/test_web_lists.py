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

    def capture(store: Store, wants: Any, excerpts: bool = True) -> Any:
        found = real(store, wants, excerpts)
        seen.append((list(wants), found.events, found.ranked))
        return found

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
            expected = web_queries.matches_within(kb, w.query, within, excerpts=False)
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
    indexes alone (no table read per claim), and each incident's start and group in
    migration 0017's (no table row read per incident); the list itself is checked against
    whole records above."""
    if kb._engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    with statements(kb._engine) as seen:
        views.list_events(kb, load_reference(), views.ListQuery(attributed_to="Iran"))
    plan = sqlite_plan(kb._engine, *next((s, p) for s, p in seen if "OVER ()" in s))
    assert "COVERING INDEX ix_claims_asserted_state" in plan, plan
    assert "COVERING INDEX ix_claims_asserted_actor_id" in plan, plan
    assert "COVERING INDEX ix_incidents_id_start" in plan, plan
    assert "COVERING INDEX ix_incident_groups_member" in plan, plan
    assert "documents" not in plan, plan


SEARCHES = ("Bench Actor 7", "BA-7", "destruction Iran", "attack hit AL", "Bench Actor",
            "destruction")


def test_a_search_list_slices_the_hits_as_the_whole_list_does(
        kb: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A search filtered by nothing else, sorted by relevance, is listed from its page's
    hits only (``views._search_page``): the same total and rows as sorting every hit's
    reports (rejected ones left out or included), on every page."""
    shapes: list[dict[str, Any]] = [{}, {"page": 2}, {"per_page": 7, "page": 3},
                                    {"include_rejected": True}, {"page": 99}]
    sliced: list[int] = []
    real = views._search_page

    def spy(*args: Any) -> Any:
        got = real(*args)
        sliced.append(got is not None)
        return got

    monkeypatch.setattr(views, "_search_page", spy)
    fast = {(q, json.dumps(shape)): _page(kb, q=q, **shape) for q in SEARCHES
            for shape in shapes}
    assert sliced and all(sliced)
    monkeypatch.setattr(views, "_search_page", lambda *a: None)
    for (q, shape), page in fast.items():
        assert _page(kb, q=q, **json.loads(shape)) == page, (q, shape)
    assert json.loads(fast[("Bench Actor", json.dumps({"page": 2}))])["rows"]


def test_excerpts_read_for_the_hits_shown_are_those_ranked_with_them(
        kb: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A multi-word search ranks its words' matches without excerpts where they are dear
    (PostgreSQL's ``ts_headline``) and reads those of the hits it returns afterwards
    (``excerpts_of``): the same hits and excerpts as ranking with every excerpt."""
    from cybertrack.analysis import search as analysis_search
    from cybertrack.store import web_queries

    read: list[int] = []
    real_excerpts = web_queries.excerpts_of

    def counted(store: Store, query: str, rows: Any) -> Any:
        read.append(len(rows))
        return real_excerpts(store, query, rows)

    monkeypatch.setattr(analysis_search, "excerpts_of", counted)
    ref = load_reference()
    queries = ("Bench Actor 7", "destruction Iran", "attack hit AL", "denied involvement")
    lazy = {(q, n): search(kb, q, limit=n, ref=ref) for q in queries for n in (3, 1000)}
    if kb._engine.dialect.name == "postgresql":
        assert read and max(read) <= 1000  # read for the hits returned only
        assert any(n == 3 for n in read)
    real_ranked = analysis_search.common_events_ranked
    real_within = analysis_search.matches_within
    monkeypatch.setattr(analysis_search, "common_events_ranked",
                        lambda store, wants, excerpts=True: real_ranked(store, wants, True))
    monkeypatch.setattr(analysis_search, "matches_within",
                        lambda store, w, ids, excerpts=True: real_within(store, w, ids, True))
    read.clear()
    for (q, n), got in lazy.items():
        assert search(kb, q, limit=n, ref=ref) == got, (q, n)
    assert not read  # every excerpt came with its match
    shown = [h.excerpt for got in lazy.values() for h in got.incidents]
    assert shown and all(shown) and any("[" in x for x in shown)


def test_a_searchs_actors_claims_are_read_once_among_its_candidates(kb: Store) -> None:
    """"Bench" and "Actor" name the same twenty actors: the candidates' claims naming them
    are read in one statement for every word (and the counts of the actor the whole query
    names in one more), not once per word and again for the hits."""
    ref = load_reference()
    with statements(kb._engine) as seen:
        found = search(kb, "Bench Actor 7", limit=1000, ref=ref)
    assert found.incidents and found.actors
    claims = [s for s, _ in seen if "FROM claims" in s and "attributed_actor" in s]
    assert len(claims) == 2, claims
