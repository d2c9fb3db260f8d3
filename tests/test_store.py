"""Store: documents and extractions in and out, queries, entities (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from conftest import SAMPLE_ENTITIES, make_extraction
from cybertrack.errors import NotFoundError, StoreError
from cybertrack.model import Claim, Document, Entity, Extraction, Incident, PartialDate, Span
from cybertrack.store import Store, latest_version


def test_open_creates_latest_schema(store: Store) -> None:
    assert store.schema_version() == latest_version() >= 2
    assert store.counts() == dict.fromkeys(
        ["documents", "mentions", "entities", "incidents", "claims", "links"], 0)


def test_extraction_round_trips_equal(store: Store) -> None:
    ex = make_extraction()
    assert store.add_extraction(ex) is True
    doc_id = ex.document.id
    assert store.has_document(doc_id)
    assert store.document(doc_id) == ex.document
    assert store.mentions(doc_id) == sorted(ex.mentions, key=lambda m: m.span.start)
    assert store.incident(ex.incidents[0].id) == ex.incidents[0]
    assert sorted(store.claims(document_id=doc_id), key=lambda c: c.id) == sorted(
        ex.claims, key=lambda c: c.id)
    assert store.entities() == sorted(SAMPLE_ENTITIES, key=lambda e: e.id)
    assert store.counts() == {"documents": 1, "mentions": 4, "entities": 4, "incidents": 1,
                              "claims": 5, "links": 0}


def test_readding_a_document_changes_nothing(store: Store) -> None:
    ex = make_extraction()
    store.add_extraction(ex, extractor_version="v1")
    before = store.counts()
    changed = dataclasses.replace(ex, claims=ex.claims[:1])
    assert store.add_extraction(changed, extractor_version="v2") is False
    assert store.add_document(ex.document) is False
    assert store.counts() == before
    assert store.document_extractor_version(ex.document.id) == "v1"


def test_failed_extraction_writes_nothing(store: Store) -> None:
    ex = make_extraction()
    orphan = dataclasses.replace(ex.claims[0], id="claim--orphan", incident_id="incident--none")
    with pytest.raises(StoreError, match=ex.document.id):
        store.add_extraction(dataclasses.replace(ex, claims=(*ex.claims, orphan)))
    assert not store.has_document(ex.document.id)
    assert store.counts()["claims"] == 0 and store.counts()["entities"] == 0
    assert store.add_extraction(ex) is True  # the good version still goes in afterwards


def test_records_of_another_document_are_refused(store: Store) -> None:
    ex = make_extraction()
    stray = dataclasses.replace(ex.claims[0], document_id="doc--other")
    with pytest.raises(StoreError, match="doc--other"):
        store.add_extraction(dataclasses.replace(ex, claims=(stray,)))
    assert store.counts()["documents"] == 0


def test_missing_records_raise_not_found(store: Store) -> None:
    for call, kind in ((store.document, "document"), (store.incident, "incident"),
                       (store.entity, "entity"), (store.document_extractor_version, "document")):
        with pytest.raises(NotFoundError) as info:
            call("nope")
        assert info.value.kind == kind and info.value.ident == "nope"


def test_documents_are_listed_in_ingest_order_with_paging(store: Store) -> None:
    docs = [Document.from_text(f"document number {i}", source=f"s{i}") for i in range(5)]
    for doc in docs:
        assert store.add_document(doc)
    assert store.documents() == docs
    assert store.documents(limit=2, offset=1) == docs[1:3]
    minimal = store.document(docs[0].id)
    assert minimal.published is None and minimal.reliability == "F"


def _incident(
    doc_id: str, key: str, targets: tuple[str, ...], time: PartialDate | None
) -> Incident:
    return Incident(id=f"incident--{key}", document_id=doc_id, key=key, targets=targets, time=time)


def test_incident_filters(store: Store) -> None:
    doc = Document.from_text("several incidents", source="s")
    incs = (
        _incident(doc.id, "a", ("AL", "ME"), PartialDate.month(2022, 7)),
        _incident(doc.id, "b", ("UA",), PartialDate.year(2015)),
        _incident(doc.id, "c", ("AL",), None),
        _incident(doc.id, "d", ("AL", "AL"), PartialDate.day(dt.date(2016, 12, 17))),
    )
    store.add_extraction(Extraction(doc, incidents=incs))
    a, b, c, d = incs
    assert store.incidents() == [b, d, a, c]  # earliest first, undated last
    assert store.incidents(target="AL") == [d, a, c]
    assert store.incidents(target="ME") == [a]
    assert store.incidents(target="XX") == []
    assert store.incidents(since=dt.date(2022, 7, 31)) == [a]  # overlap, not containment
    assert store.incidents(until=dt.date(2016, 1, 1)) == [b]
    assert store.incidents(since=dt.date(2015, 6, 1), until=dt.date(2017, 1, 1)) == [b, d]
    assert store.incidents(target="AL", limit=1) == [d]
    assert store.incidents(document_id=doc.id, target="UA") == [b]
    assert store.incidents(document_id="doc--other") == []


def test_claim_filters(store: Store) -> None:
    ex = make_extraction()
    other = make_extraction(n=1)
    store.add_extraction(ex)
    store.add_extraction(other)
    by_kind = {c.kind: c for c in ex.claims}
    inc_id = ex.incidents[0].id
    assert {c.id for c in store.claims(incident_ids=[inc_id])} == {c.id for c in ex.claims}
    assert len(store.claims(incident_ids=[inc_id, other.incidents[0].id])) == 10
    assert store.claims(incident_ids=[]) == []
    assert store.claims(document_id=ex.document.id, kind="denial") == [by_kind["denial"]]
    assert store.claims(document_id=ex.document.id, attributed_state="IR") == [
        by_kind["attribution"], by_kind["denial"]]  # document order
    assert len(store.claims(attributed_actor_id="actor:homeland-justice")) == 4
    response = store.claims(actor_state="AL", target_state="IR", action="sever-relations")
    assert [c.kind for c in response] == ["response", "response"]
    assert store.claims(action="sanction") == []
    assert store.claims(target_state="AL") == []


def test_claims_by_many_incident_ids(store: Store) -> None:
    """More ids than fit in one IN list still find every claim, in document order."""
    doc = Document.from_text("many incidents", source="s")
    incs = tuple(_incident(doc.id, f"k{i}", ("AL",), None) for i in range(3))
    claims = tuple(
        Claim(id=f"claim--{i}", document_id=doc.id, kind="incident-report",
              sentence=Span(i, i + 1), sentence_text="x", incident_id=inc.id)
        for i, inc in enumerate(incs)
    )
    store.add_extraction(Extraction(doc, incidents=incs, claims=claims))
    ids = [f"incident--missing{i}" for i in range(12_000)] + [i.id for i in incs]
    assert store.claims(incident_ids=ids) == list(claims)


def test_claim_without_claimant_or_incident_round_trips(store: Store) -> None:
    doc = Document.from_text("bare claim", source="s")
    bare = Claim(id="claim--bare", document_id=doc.id, kind="incident-report",
                 sentence=Span(0, 4), sentence_text="bare")
    store.add_extraction(Extraction(doc, claims=(bare,)))
    assert store.claims(document_id=doc.id) == [bare]


def test_unknown_vocabulary_values_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="unknown claim kind 'atribution'"):
        store.claims(kind="atribution")
    with pytest.raises(StoreError, match="unknown entity kind"):
        store.entities(kind="actor")


def test_upsert_entities_inserts_and_updates(store: Store) -> None:
    store.upsert_entities(SAMPLE_ENTITIES)
    renamed = Entity("country:IR", "country", "Iran (Islamic Republic of)", country="IR")
    apt = Entity("actor:apt33", "threat-actor", "APT33", aliases=("Elfin", "Peach Sandstorm"),
                 sponsor="IR", vendor_aliases=(("Peach Sandstorm", "Microsoft"),))
    store.upsert_entities([renamed, apt])
    assert store.entity("country:IR") == renamed
    assert store.entity("actor:apt33") == apt
    assert [e.id for e in store.entities("threat-actor")] == ["actor:apt33",
                                                              "actor:homeland-justice"]
    assert store.counts()["entities"] == 5
    store.upsert_entities([])  # nothing to do is fine


def test_extraction_does_not_overwrite_known_entities(store: Store) -> None:
    curated = Entity("country:AL", "country", "Republic of Albania", aliases=("Shqipëria",),
                     country="AL")
    store.upsert_entities([curated])
    store.add_extraction(make_extraction())
    assert store.entity("country:AL") == curated
    assert store.entity("organization:mandiant").name == "Mandiant"


def test_open_refuses_bad_locations(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open("/nonexistent-folder/kb.db")
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        Store.open("mysql://u@localhost/db")
    garbage = tmp_path / "not-a-db.db"
    garbage.write_bytes(b"this is not a database file" * 100)
    with pytest.raises(StoreError, match="cannot open knowledge base .*not-a-db.db"):
        Store.open(str(garbage))
    with pytest.raises(StoreError, match="cannot open knowledge base postgresql"):
        Store.open("postgresql://nobody@127.0.0.1:1/none")  # bare scheme gets psycopg 3


def test_memory_database_keeps_data_across_calls() -> None:
    with Store.open(":memory:") as kb:
        assert kb.add_extraction(make_extraction())
        assert kb.counts()["claims"] == 5
