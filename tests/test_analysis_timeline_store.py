"""State and actor timelines read from stored group timelines (``timeline_groups``): each
response to each event kept apart, and the stored events kept in step with what is added,
regrouped or computed concurrently."""

from __future__ import annotations

import threading
import time

import pytest

from cybertrack.analysis import actor_timeline, reach
from cybertrack.analysis.reach import resolve_subject
from cybertrack.analysis.timeline import (
    TimelineEvent,
    _encode,
    _stored_events,
    ensure_group_timelines,
    group_timelines,
    subject_key,
)
from cybertrack.model import Claimant, Extraction, PartialDate
from cybertrack.reference import load_reference
from cybertrack.resolve import link_all
from cybertrack.resolve.groups import review
from cybertrack.store import Store
from cybertrack.store.engine import create_store_engine, resolve_url
from cybertrack.store.summary import mark_timeline_stale
from kb_factory import MANDIANT, USA, Say, albania_reports, day, report, say


def _attributed(n: int, *, published: str, when: str, targets: tuple[str, ...],
                extra: tuple[Say, ...] = (), publisher: str = "Gulf Test") -> Extraction:
    """A report of one incident that Mandiant attributes to Iran, with ``extra`` claims."""
    return report(n, publisher=publisher, published=published, targets=targets, when=when,
                  claims=(say("attribution", "Mandiant attributed it to Iran.", MANDIANT,
                              attributed_state="IR"), *extra))


def _sanctions(tl: tuple[TimelineEvent, ...]) -> list[str]:
    return [e.date.iso() for e in tl if e.kind == "response" and "sanction" in e.text
            and e.date is not None]


def test_state_timeline_keeps_each_response_to_each_event(store: Store) -> None:
    sanction = "The United States imposed sanctions on Iran."
    store.bulk_add([
        _attributed(201, published="2012-10-01", when="2012-08-15", targets=("SA",), extra=(
            say("response", sanction, USA, action="sanction", actor_state="US",
                target_state="IR", event_date=day("2012-09-20")),)),
        _attributed(202, published="2022-10-01", when="2022-07-15", targets=("AL",), extra=(
            say("response", sanction, USA, action="sanction", actor_state="US",
                target_state="IR", event_date=day("2022-09-09")),
            say("attribution", "Others blamed Russia.", USA, attributed_state="RU"),
            say("response", "The United States condemned Russia.", USA, action="condemn",
                actor_state="US", target_state="RU", event_date=day("2022-09-10")))),
        *albania_reports(),
    ])
    link_all(store)
    events = actor_timeline(store, "Iran").events
    # two sanctions, a decade apart, are two events (pooled, they were one dated by majority)
    assert _sanctions(events) == ["2012-09-20", "2022-09-09"]
    # one severance told by three reports of one attack: one event, the better-supported date
    severances = [e for e in events if "severed diplomatic ties" in e.text]
    assert len(severances) == 1 and severances[0].date is not None
    assert severances[0].date.iso() == "2022-09-07"
    assert len(severances[0].sources) == 3, severances[0].sources
    # incidents on the word of those who attributed them to Iran
    incident = next(e for e in events if e.kind == "incident" and "Saudi Arabia" in e.text)
    assert incident.actor == "Iran" and incident.sources == ("Mandiant",)
    assert incident.date is not None and incident.date.iso() == "2012-08-15"
    # a response against another state, to the same event, belongs to that state's timeline
    assert not any(e.kind == "response" and "Russia" in e.text for e in events)
    assert any("Russia" in e.text for e in actor_timeline(store, "Russia").events
               if e.kind == "response")
    # a span of years: the incidents dated in it, and the responses to them
    recent = actor_timeline(store, "Iran", since=2020)
    assert recent.title == "Timeline of Iran, from 2020"
    assert _sanctions(recent.events) == ["2022-09-09"]
    assert all(e.date is not None and e.date.start.year >= 2022 for e in recent.events)
    assert actor_timeline(store, "Iran", since=2012, until=2012).title.endswith(", 2012")


def test_timeline_follows_new_reports_and_regrouping(store: Store) -> None:
    store.bulk_add(albania_reports())
    link_all(store)
    assert _sanctions(actor_timeline(store, "Iran").events) == []
    assert ensure_group_timelines(store) == 0  # nothing changed since the timeline was read
    root = albania_reports()[0].incidents[0].id
    later = report(301, publisher="Late Wire Test", published="2022-09-12", claims=(
        say("response", "Washington sanctioned Iran's intelligence ministry.", USA,
            action="sanction", actor_state="US", target_state="IR",
            event_date=day("2022-09-09"), incident_id=root),))
    store.bulk_add([later])  # a response to an incident already grouped
    assert _sanctions(actor_timeline(store, "Iran").events) == ["2022-09-09"]
    # rejecting every link splits the group: each report's incident is its own event again
    before = [e for e in actor_timeline(store, "Iran").events if e.kind == "incident"]
    for link in store.links(kind="incident"):
        review(store, link.id, "rejected")
    after = [e for e in actor_timeline(store, "Iran").events if e.kind == "incident"]
    assert len(before) == 1 and len(after) > 1


def test_a_group_marked_while_computed_stays_marked(store: Store) -> None:
    store.bulk_add(albania_reports())
    link_all(store)
    marks = store.stale_timeline_groups()
    assert marks
    computed = group_timelines(store, [g for g, _ in marks], load_reference())
    # a writer adds a response to the group before the reader stores what it computed
    root = albania_reports()[0].incidents[0].id
    store.bulk_add([report(302, publisher="Race Wire Test", published="2022-09-12", claims=(
        say("response", "The United States sanctioned Iran.", USA, action="sanction",
            actor_state="US", target_state="IR", event_date=day("2022-09-09"),
            incident_id=root),))])
    store.write_group_timelines(marks, computed)
    assert store.stale_timeline_groups()  # the writer's mark survives the stale computation
    assert _sanctions(actor_timeline(store, "Iran").events) == ["2022-09-09"]


def test_stored_fields_cannot_break_the_encoding(store: Store) -> None:
    odd = "Odd\nPublisher\x1fTest\x1eX"
    store.bulk_add([_attributed(401, published="2016-05-01", when="2016-04-20",
                                targets=("IL",), publisher=odd, extra=(
        say("response", "Israel condemned Iran.", None, action="condemn", actor_state="IL",
            target_state="IR", event_date=day("2016-04-25")),))])
    link_all(store)
    events = actor_timeline(store, "Iran").events
    response = next(e for e in events if e.kind == "response")
    assert response.sources == ("Odd Publisher Test X, 2016-05-01",)
    assert response.date is not None and response.date.iso() == "2016-04-25"


def test_a_government_source_is_named(store: Store) -> None:
    # the extractor stores a government speaker under its country code
    uk = Claimant("government", "GB", "GB", "country:GB", "third-party-government")
    store.bulk_add([report(501, publisher="Wire Test", published="2022-09-08", claims=(
        say("attribution", "The NCSC said Iran was responsible.", uk, attributed_state="IR"),
    ))])
    link_all(store)
    incident = next(e for e in actor_timeline(store, "Iran").events if e.kind == "incident")
    assert incident.sources == ("United Kingdom",)
    r = reach(store, "Iran")  # reach names its sources alike
    assert r.sources == ((2022, ("United Kingdom",)),)
    assert [e.sources for e in r.incidents] == [("United Kingdom",)]


def test_two_writers_mark_one_group_at_once(db_url: str) -> None:
    """Concurrent ingests marking the same group must both commit: a mark is an upsert (a
    delete then insert made the second writer fail on the first one's new row)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time: the race needs PostgreSQL")
    with Store.open(db_url) as store:
        store.bulk_add(albania_reports())
        link_all(store)
    root = albania_reports()[0].incidents[0].id
    engine = create_store_engine(resolve_url(db_url))
    errors: list[BaseException] = []
    try:
        with engine.connect() as first, engine.connect() as second:
            tx = first.begin()
            mark_timeline_stale(first, incident_ids=[root])

            def other() -> None:
                try:
                    with second.begin():  # waits for the first writer's lock on the mark
                        mark_timeline_stale(second, incident_ids=[root])
                except BaseException as exc:  # noqa: BLE001  (reported by the assertion)
                    errors.append(exc)

            thread = threading.Thread(target=other)
            thread.start()
            time.sleep(0.3)
            tx.commit()
            thread.join(timeout=30)
    finally:
        engine.dispose()
    assert not errors, errors
    with Store.open(db_url) as store:
        assert len(store.stale_timeline_groups()) == 1


def _iran_key(store: Store) -> str:
    return subject_key(resolve_subject(store, "Iran", load_reference()))


def _stored_event(text: str) -> TimelineEvent:
    return TimelineEvent(PartialDate.parse("2001-02-03"), "incident", "Iran", text, ("Src",),
                         False, "incident--x")


def test_a_whole_timeline_is_stored_and_read_back_as_worked_out(store: Store) -> None:
    store.bulk_add(albania_reports())
    link_all(store)
    first = actor_timeline(store, "Iran").events
    generation, stored = store.stored_subject_timeline(_iran_key(store))
    assert stored is not None and first
    assert actor_timeline(store, "Iran").events == first  # read back, decoded alike
    ref = load_reference()
    events, encoded = _stored_events(store, resolve_subject(store, "Iran", ref), ref,
                                     encode=True).in_order_encoded()
    assert events == first  # as worked out, and written as ``_encode`` writes each event
    assert encoded == "\n".join(_encode(e, "") for e in events)
    # what is stored at the current generation is what a read returns
    store.write_subject_timeline(_iran_key(store), generation,
                                 _encode(_stored_event("kept ready"), ""))
    assert actor_timeline(store, "Iran").events == (_stored_event("kept ready"),)
    # bounded by years, a timeline is worked out from the group timelines
    assert actor_timeline(store, "Iran", since=2000).events == first


def test_a_stored_whole_timeline_is_dropped_when_groups_change(store: Store) -> None:
    store.bulk_add(albania_reports())
    link_all(store)
    actor_timeline(store, "Iran")
    generation, _ = store.stored_subject_timeline(_iran_key(store))
    # a reader that worked the timeline out before this write stores it afterwards, at the
    # generation it read: the next read must not take it
    root = albania_reports()[0].incidents[0].id
    store.bulk_add([report(303, publisher="Late Wire Test", published="2022-09-12", claims=(
        say("response", "The United States imposed sanctions on Iran.", USA,
            action="sanction", actor_state="US", target_state="IR",
            event_date=day("2022-09-09"), incident_id=root),))])
    assert ensure_group_timelines(store) > 0
    assert store.stored_subject_timeline(_iran_key(store)) == (generation + 1, None)
    store.write_subject_timeline(_iran_key(store), generation,
                                 _encode(_stored_event("outdated"), ""))
    events = actor_timeline(store, "Iran").events
    assert _sanctions(events) == ["2022-09-09"]
    assert _stored_event("outdated") not in events


def test_marking_every_group_drops_stored_subject_timelines(db_url: str) -> None:
    """Marking every group (regrouping from scratch) drops what was stored even where no group
    is left to be computed again."""
    with Store.open(db_url) as store:
        store.bulk_add(albania_reports())
        link_all(store)
        actor_timeline(store, "Iran")
        generation, stored = store.stored_subject_timeline(_iran_key(store))
        assert stored is not None
    engine = create_store_engine(resolve_url(db_url))
    try:
        with engine.begin() as conn:
            mark_timeline_stale(conn, every_group=True)
    finally:
        engine.dispose()
    with Store.open(db_url) as store:
        assert store.stored_subject_timeline(_iran_key(store)) == (generation + 1, None)
