"""Links: idempotent insert, filters, and reviewable, undoable status changes."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import make_extraction
from cybertrack.errors import NotFoundError, StoreError
from cybertrack.model import Link
from cybertrack.store import Store


def _link(a: str, b: str, score: float, kind: str = "incident") -> Link:
    return Link(id=f"link--{a}-{b}", kind=kind, a=a, b=b, score=score,  # type: ignore[arg-type]
                reasons=("same target", "overlapping time"), made_by="resolve:v1")


def test_add_links_is_idempotent_by_id(store: Store) -> None:
    l1, l2 = _link("i1", "i2", 0.9), _link("i2", "i3", 0.4)
    assert store.add_links([l1, l2, l1]) == 2
    assert store.add_links([l1, l2]) == 0
    changed = dataclasses.replace(l1, score=0.1, status="rejected")
    assert store.add_links([changed]) == 0
    assert store.links() == [l1, l2]  # highest score first, first version kept
    assert store.counts()["links"] == 2


def test_link_filters(store: Store) -> None:
    inc = _link("i1", "i2", 0.9)
    act = _link("actor:a", "actor:b", 0.7, kind="actor")
    store.add_links([inc, act])
    assert store.links(kind="actor") == [act]
    assert store.links(record_id="i2") == [inc]
    assert store.links(record_id="actor:a") == [act]
    assert store.links(status="accepted") == []
    with pytest.raises(StoreError, match="unknown link status 'approved'"):
        store.links(status="approved")


def test_status_changes_keep_history_and_can_be_undone(store: Store) -> None:
    link = _link("i1", "i2", 0.9)
    store.add_links([link])
    accepted = store.set_link_status(link.id, "accepted", by="analyst")
    assert accepted == dataclasses.replace(link, status="accepted")
    assert store.links(status="accepted") == [accepted]
    store.set_link_status(link.id, "accepted", by="analyst")  # no change, no event
    undone = store.set_link_status(link.id, "proposed", by="analyst")
    assert store.links(status="proposed") == [undone] == [link]
    history = store.link_history(link.id)
    assert [(e.seq, e.previous_status, e.status, e.made_by) for e in history] == [
        (1, None, "proposed", "resolve:v1"),
        (2, "proposed", "accepted", "analyst"),
        (3, "accepted", "proposed", "analyst"),
    ]
    assert all(e.at.endswith("+00:00") for e in history)


def test_set_status_errors(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.set_link_status("link--none", "accepted")
    with pytest.raises(NotFoundError):
        store.link_history("link--none")
    store.add_links([_link("i1", "i2", 0.5)])
    with pytest.raises(StoreError, match="expected one of proposed, accepted, rejected"):
        store.set_link_status("link--i1-i2", "merged")


def test_links_in_an_extraction_are_stored_with_it(store: Store) -> None:
    ex = make_extraction()
    link = _link(ex.incidents[0].id, "incident--elsewhere", 0.8)
    store.add_extraction(dataclasses.replace(ex, links=(link,)))
    assert store.links(record_id=ex.incidents[0].id) == [link]
    assert len(store.link_history(link.id)) == 1
    # a second document proposing the same link does not duplicate it
    other = make_extraction(n=1)
    store.add_extraction(dataclasses.replace(other, links=(link,)))
    assert store.counts()["links"] == 1
