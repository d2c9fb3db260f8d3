"""Cross-document incident linking: scores with reasons, review, groups that never chain
incompatible reports together."""

from __future__ import annotations

import pytest

from cybertrack.errors import AmbiguousIdError, NotFoundError
from cybertrack.model import Incident
from cybertrack.resolve import (
    GROUP_THRESHOLD,
    IncidentFeatures,
    incident_group,
    link_all,
    link_id,
    link_new,
    review,
    score_pair,
)
from cybertrack.resolve.ids import find_incident, find_link
from cybertrack.store import Store
from kb_factory import MANDIANT, albania_reports, day, report, say


def _inc(n: int, targets: tuple[str, ...] = ("AL",), when: str | None = "2022-07-15",
         kinds: tuple[str, ...] = ("destruction",), doc: str | None = None,
         sentence: str = "A cyberattack disrupted government services in Albania.",
         ) -> Incident:
    return Incident(f"incident--{n}", doc or f"doc--{n}", "i1", kinds=kinds, targets=targets,
                    time=day(when) if when else None, sentence=sentence)


def _f(inc: Incident, states: frozenset[str] = frozenset({"IR"}), origin: str | None = None
       ) -> IncidentFeatures:
    return IncidentFeatures.of(inc, states=states, origin=origin)


def test_same_event_scores_above_group_threshold_with_reasons() -> None:
    pair = score_pair(_f(_inc(1)), _f(_inc(2, when="2022-07-17")))
    assert pair is not None and pair.score >= GROUP_THRESHOLD
    assert any("shared targets AL" in r for r in pair.reasons)
    assert any("2 days apart" in r for r in pair.reasons)
    assert any("both attributed to IR" in r for r in pair.reasons)


@pytest.mark.parametrize("other", [
    _inc(2, targets=("MK",)),                      # no shared target
    _inc(2, when="2022-09-09"),                    # precise dates 56 days apart
    _inc(2, doc="doc--1"),                         # same document: the extractor split them
])
def test_incompatible_pairs_are_not_linked(other: Incident) -> None:
    assert score_pair(_f(_inc(1)), _f(other)) is None


def test_rows_of_one_tracker_are_never_linked() -> None:
    a, b = _f(_inc(1), origin="tracker:CFR"), _f(_inc(2), origin="tracker:CFR")
    assert score_pair(a, b) is None


def test_vague_dates_without_shared_terms_are_not_linked() -> None:
    """Target, attribution and kind agree, but "2022" is no agreement on when: without a
    distinctive term in common that is too common a coincidence to propose."""
    other = "A wiper struck Albania."
    assert score_pair(_f(_inc(1)), _f(_inc(2, when="2022", sentence=other))) is None
    assert score_pair(_f(_inc(1)), _f(_inc(2, when="2015/2022", sentence=other))) is None


def test_link_new_links_a_new_report_to_stored_ones_and_is_idempotent(store: Store) -> None:
    first, second, *_ = albania_reports()
    store.add_extraction(first)
    assert link_new(store, [first.document.id]).links_new == 0
    store.add_extraction(second)
    done = link_new(store, [second.document.id])
    assert done.links_new == 1
    link = store.links(kind="incident")[0]
    assert {link.a, link.b} == {first.incidents[0].id, second.incidents[0].id}
    assert link.id == link_id(link.b, link.a) and link.status == "proposed"
    assert link_new(store, [second.document.id]).links_new == 0


def test_link_all_keeps_review_decisions(store: Store) -> None:
    exs = albania_reports()
    store.bulk_add(exs)
    # four reports of one event: every pair (report 4, with no attribution and no distinctive
    # term, is linked on its target and its day)
    assert link_all(store).links_new == 6
    rejected = store.links(kind="incident")[0]
    store.set_link_status(rejected.id, "rejected", by="analyst")
    assert link_all(store).links_new == 0
    assert store.links(kind="incident", status="rejected") == [
        store.links(kind="incident", status="rejected")[0]]
    assert store.links(kind="incident", status="rejected")[0].id == rejected.id


def test_group_follows_accept_and_reject(store: Store) -> None:
    exs = albania_reports()
    store.bulk_add(exs)
    link_all(store)
    root = exs[0].incidents[0].id
    assert len(incident_group(store, root).incidents) == 4
    # reject every link of report 3: it leaves the group, the others stay together
    third = exs[2].incidents[0].id
    for link in store.links(kind="incident", record_id=third):
        review(store, link.id, "rejected")
    group = incident_group(store, root)
    assert third not in group.ids and len(group.ids) == 3
    # an accepted link counts whatever its score
    weak = store.links(kind="incident", record_id=third)[0]
    review(store, weak.id, "accepted")
    assert third in incident_group(store, root).ids


def test_group_holds_apart_links_that_would_join_one_documents_two_incidents(
    store: Store,
) -> None:
    """A loosely dated report links to both the July and the September attack; the group of
    the July attack must not swallow September (the second document says they differ)."""
    names = say("attribution", "Researchers found the Zorvex wiper and the Quillmark loader.",
                None)  # rare names both documents share, in the lead of each
    both = report(10, publisher="Border Test", published="2022-09-12", when="2022-07-15",
                  extra_incidents=((("AL",), "2022-09-09"),), claims=(names,))
    bridge = report(11, publisher="Tracker-ish Test", published="2022-08-20",
                    when="2022-08-12", claims=(names, say("attribution", "Mandiant blamed Iran.",
                                                          MANDIANT, attributed_state="IR")))
    store.bulk_add([both, bridge])
    link_all(store)
    july, september = both.incidents
    group = incident_group(store, july.id)
    assert september.id not in group.ids
    assert bridge.incidents[0].id in group.ids
    assert incident_group(store, september.id).held_apart


def test_short_ids(store: Store) -> None:
    exs = albania_reports()
    store.bulk_add(exs)
    link_all(store)
    full = exs[0].incidents[0].id
    assert find_incident(store, full.split("--")[1][:12]) == full
    with pytest.raises(NotFoundError):
        find_incident(store, "ffffffffffffffff")
    with pytest.raises(AmbiguousIdError, match="ambiguous"):
        find_link(store, "")
    with pytest.raises(NotFoundError):
        incident_group(store, "incident--nope")


def test_a_denial_names_the_accused_for_linking_only(store: Store) -> None:
    """A report that only carries the accused state's denial names that state as surely as an
    attribution does, for linking (two reports of one event: one attributes, one denies); the
    views of who attributes leave it out."""
    import dataclasses

    from conftest import make_extraction

    ex = make_extraction()
    denials = tuple(c for c in ex.claims if c.kind == "denial")
    assert denials and all(c.claimant and c.claimant.country == "IR" for c in denials)
    store.add_extraction(dataclasses.replace(ex, claims=denials))
    [incident] = ex.incidents
    assert store.attribution_keys([incident.id]) == {}
    assert store.attribution_keys([incident.id], with_denials=True) == {
        incident.id: (frozenset({"IR"}), frozenset())}
