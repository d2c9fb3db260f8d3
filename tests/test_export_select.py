"""Export selections: records chosen by id (the web app's downloads) hold what a CLI export of
the same records holds, actor links included."""

from __future__ import annotations

from albania_case import load_albania
from cybertrack.export import select
from cybertrack.export.select import select_records
from cybertrack.model import Entity, Link, stable_id
from cybertrack.store import Store

COUSIN = Entity("actor:cousin-kitten", "threat-actor", "Cousin Kitten", sponsor="IR")


def _actor_link(a: str, b: str, status: str = "accepted") -> Link:
    return Link(stable_id("link", "actor", a, b, status), "actor", a, b, 0.9,
                ("same operators",), "test", status)  # type: ignore[arg-type]


def test_records_chosen_by_id_are_the_cli_selection_with_actor_links(store: Store) -> None:
    exs = load_albania(store)
    store.upsert_entities([COUSIN])
    named = "actor:homeland-justice"
    kept = _actor_link(named, "org:mandiant")
    store.add_links([kept, _actor_link(named, "country:IR", "rejected"),
                     _actor_link(named, COUSIN.id)])  # Cousin Kitten is named by no claim
    group = select(store, incident_id=exs[0].incidents[0].id)
    chosen = select_records(store, list(group.incidents))
    assert chosen == group
    assert [x.id for x in chosen.links if x.kind == "actor"] == [kept.id]
    assert {x.kind for x in chosen.links} == {"incident", "actor"}


def test_a_single_record_keeps_no_link_to_a_record_left_out(store: Store) -> None:
    exs = load_albania(store)
    one = select_records(store, [exs[0].incidents[0]])
    assert [x for x in one.links if x.kind == "incident"] == []
    assert one == select(store, incident_id=exs[0].incidents[0].id, whole_group=False)
