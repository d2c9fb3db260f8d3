"""Search and filters: full text (SQLite FTS5, PostgreSQL tsvector), actor aliases, filters on
`incidents`, and a search term where an incident id is expected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybertrack.analysis.search import (
    AmbiguousSearchError,
    IncidentFilter,
    find_incidents,
    resolve_incident,
    search,
)
from cybertrack.cli import app
from cybertrack.errors import NotFoundError
from cybertrack.resolve import link_all
from cybertrack.store import Store
from cybertrack.store.search import fts5_query
from kb_factory import MANDIANT, albania_reports, report, say


def _load(store: Store) -> str:
    exs = albania_reports()
    exs.append(report(9, publisher="Baltic Test", published="2021-03-02", targets=("EE",),
                      when="2021-02-20", kinds=("ddos",), title="Estonian banks knocked offline",
                      claims=(say("attribution", "Mandiant linked the outage to Test Kitten.",
                                  MANDIANT, attributed_actor="Test Kitten",
                                  attributed_actor_id="actor:test-kitten"),)))
    store.bulk_add(exs)
    link_all(store)
    return exs[0].incidents[0].id


def test_full_text_finds_one_event_per_group(store: Store) -> None:
    iid = _load(store)
    found = search(store, "severed diplomatic ties").incidents
    assert len(found) == 1  # four reports of one event, listed once
    assert found[0].group_id == store.incident_groups_of([iid])[iid].group_id
    assert search(store, "banks").incidents[0].title == "Estonian banks knocked offline"
    assert search(store, "bank").incidents  # stemmed on both databases
    assert search(store, "nothing-like-this-anywhere").incidents == ()


def test_words_may_come_from_different_reports_and_kinds(store: Store) -> None:
    _load(store)
    (hit,) = search(store, "ddos Estonia").incidents
    assert hit.targets == ("EE",)
    assert search(store, "ddos Albania").incidents == ()


def test_actor_alias_finds_its_incidents(store: Store) -> None:
    _load(store)
    result = search(store, "TK-1")  # the actor's alias, never written in the reports
    assert [a.name for a in result.actors] == ["Test Kitten"]
    assert [h.targets for h in result.incidents] == [("EE",)]


def test_search_index_follows_ingest(store: Store) -> None:
    _load(store)
    store.add_extraction(report(11, publisher="Late Test", published="2023-01-01",
                                targets=("LT",), title="Lithuanian pipeline sabotage"))
    assert search(store, "pipeline").incidents[0].targets == ("LT",)


def test_filters(store: Store) -> None:
    _load(store)
    assert {i.targets for i in find_incidents(store, IncidentFilter(kind="ddos"))} == {("EE",)}
    assert len(find_incidents(store, IncidentFilter(target="Albania"))) == 4
    assert find_incidents(store, IncidentFilter(attributed_to="Test Kitten"))[0].targets == (
        "EE",)
    iran = find_incidents(store, IncidentFilter(attributed_to="Iran"))
    # the Albania reports, and Estonia through Test Kitten (an actor Iran sponsors)
    assert {i.targets for i in iran} == {("AL",), ("EE",)}
    assert [i.targets for i in find_incidents(store, IncidentFilter(source="baltic"))] == [
        ("EE",)]
    assert find_incidents(store, IncidentFilter(since=dt.date(2022, 1, 1),
                                                until=dt.date(2022, 12, 31), kind="ddos")) == []


def test_a_search_term_where_an_id_is_expected(store: Store) -> None:
    iid = _load(store)
    assert resolve_incident(store, iid.split("--")[1][:10]) == iid
    assert resolve_incident(store, "Estonian banks") != iid
    with pytest.raises(AmbiguousSearchError, match="matches 2 incidents"):
        resolve_incident(store, "cyberattack")
    with pytest.raises(NotFoundError):
        resolve_incident(store, "zzzzqqq")


def test_fts5_query_quotes_what_a_person_types() -> None:
    assert fts5_query('iran "foreign ministry" OR tehran -nato') == (
        '"iran" AND ("foreign ministry" OR "tehran") NOT "nato"')
    assert fts5_query("AND* NEAR(") == '"AND" AND "NEAR"'
    assert fts5_query("--") == ""


def test_cli_search_and_filters(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    with Store.open(db) as kb:
        _load(kb)
    run = CliRunner().invoke
    r = run(app, ["search", "Estonian banks", "--db", db])
    assert r.exit_code == 0 and "Estonian banks" in r.output, r.output
    r = run(app, ["incidents", "--db", db, "--kind", "ddos", "--since", "2021",
                  "--source", "Baltic"])
    assert r.exit_code == 0 and "1 incident record(s)" in r.output, r.output
    r = run(app, ["incident", "cyberattack", "--db", db])
    assert r.exit_code == 1
    for cmd in (["search"], ["incidents"]):
        r = run(app, [*cmd, "--help"])
        assert r.exit_code == 0 and "Usage" in r.output


def test_matches_within_are_the_text_matches_of_the_candidates(store: Store) -> None:
    """Each word of a multi-word search is ranked among the candidates only (on SQLite, from
    the FTS5 rows of their documents): the same records, ranks and excerpts as ranking every
    match and keeping the candidates'."""
    from cybertrack.store import web_queries

    _load(store)
    every = search(store, "Albania").incidents
    ids = [h.incident_id for h in every[:2]]
    docs = {i.document_id for i in store.incidents_by_id(ids)}
    for word in ("Albania", "attack", "Mandiant"):
        expected = [m for m in web_queries.text_matches(store, word, limit=10_000)
                    if m.incident_id in ids or (m.incident_id is None and m.document_id in docs)]
        expected.sort(key=lambda m: (-m.rank, m.kind, m.record_id))
        assert web_queries.matches_within(store, word, ids) == expected, word
    assert web_queries.matches_within(store, "Albania", ids)


def test_matches_within_reads_only_the_candidates_rows(store: Store) -> None:
    from cybertrack.store import web_queries
    from sql_capture import sqlite_plan, statements

    iid = _load(store)
    with statements(store._engine) as seen:
        web_queries.matches_within(store, "Albania", [iid])
    if store._engine.dialect.name == "postgresql":
        matching = [s for s, _ in seen if "@@" in s]
        assert len(matching) == 1  # one statement, not one per condition
        assert "document_id = ANY" in matching[0]
        return
    fts = [(s, p) for s, p in seen if "search_fts MATCH" in s]
    assert len(fts) == 1  # one statement, not one per condition
    plan = sqlite_plan(store._engine, *fts[0])
    assert "ix_search_text_document_id" in plan


def test_multi_word_search_reads_the_candidates_once(store: Store,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _load(store)
    before = search(store, "ddos Estonia")
    calls: list[set[str]] = []
    read = Store.incidents_by_id

    def counting(self: Store, ids: object) -> object:
        ids = list(ids)  # type: ignore[call-overload]
        calls.append(set(ids))
        return read(self, ids)

    monkeypatch.setattr(Store, "incidents_by_id", counting)
    assert search(store, "ddos Estonia") == before
    repeated = [c for n, c in enumerate(calls) if any(c <= o for o in calls[:n])]
    assert not repeated, calls


def test_a_word_is_asked_whether_it_names_a_country_without_suggestions() -> None:
    """A multi-word search and reach ask of each word whether it names a country
    (``Reference.find_country``): the same country ``country`` gives, or None where
    ``country`` raises, without working out the fuzzy suggestions its error lists."""
    from cybertrack.errors import UnknownEntityError
    from cybertrack.reference import load_reference

    ref = load_reference()
    for name in ("Iranian", "IR", "IRN", "Tehran", "the Kremlin", " Albania "):
        assert ref.find_country(name) == ref.country(name), name
    assert ref.find_country("Bench") is None
    with pytest.raises(UnknownEntityError):
        ref.country("Bench")
