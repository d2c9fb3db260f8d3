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
