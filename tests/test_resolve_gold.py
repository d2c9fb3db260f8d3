"""Linking measured and its evidence rules: the gold-set scorer, the gold set's own rules, and
the cases the gold set's near misses are made of (a shared country alone, one actor's two
operations in a month, two wordings of one event). The full evaluation is bench/link_eval.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybertrack.model import Incident
from cybertrack.resolve import (
    GROUP_THRESHOLD,
    IncidentFeatures,
    link_all,
    link_new,
    score_pair,
)
from cybertrack.resolve.gold import (
    gold_pairs,
    load_gold,
    pairs_from_groups,
    pairs_from_links,
    restrict,
    score_pairs,
    split_of,
)
from cybertrack.store import Store
from kb_factory import day, report, say

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "links" / "gold.jsonl"
HELD_OUT = ROOT.parent / "shared" / "eval" / "news" / "casie-held-out.txt"


def _feat(n: int, *, targets: tuple[str, ...] = (), when: str | None = None,
          kinds: tuple[str, ...] = (), sentence: str = "", orgs: tuple[str, ...] = (),
          states: frozenset[str] = frozenset(), actors: frozenset[str] = frozenset(),
          lead: str = "") -> IncidentFeatures:
    inc = Incident(f"incident--{n}", f"doc--{n}", "i1", kinds=kinds, targets=targets,
                   time=day(when) if when else None, sentence=sentence, target_orgs=orgs)
    return IncidentFeatures.of(inc, states=states, actors=actors, lead=lead)


def test_scorer_counts_known_values_on_a_toy_example() -> None:
    gold = {"a": "E1", "b": "E1", "c": "E1", "d": "E2", "e": "E2", "f": "E3"}
    assert gold_pairs(gold) == {frozenset(p) for p in ("ab", "ac", "bc", "de")}
    predicted = [frozenset(p) for p in ("ab", "ac", "de", "cd", "ax")]  # x is not in gold
    score = score_pairs(gold, predicted)
    assert (score.true_pos, score.false_pos, score.false_neg) == (3, 1, 1)
    assert score.precision == pytest.approx(0.75) and score.recall == pytest.approx(0.75)
    # incidents -> documents: links and groups give document pairs
    doc_of = {"i1": "a", "i2": "b", "i3": "b", "i4": "c"}
    assert pairs_from_links(doc_of, [("i1", "i2"), ("i2", "i3")]) == {frozenset("ab")}
    groups = {"i1": "g1", "i2": "g1", "i3": "g2", "i4": "g2"}
    assert pairs_from_groups(doc_of, groups) == {frozenset("ab"), frozenset("bc")}
    assert score_pairs({}, []).precision == 1.0


def test_split_is_fixed_by_the_event_key() -> None:
    assert split_of("atlanta-ransomware-2018-03") == split_of("atlanta-ransomware-2018-03")
    events = set(load_gold(GOLD).values())
    test = {e for e in events if split_of(e) == "test"}
    assert 0.2 < len(test) / len(events) < 0.5


def test_gold_set_follows_its_rules() -> None:
    gold = load_gold(GOLD)
    assert len(gold) >= 150 and len(set(gold.values())) >= 40
    for ref in gold:
        kind, _, name = ref.partition(":")
        assert kind in {"casie", "sample", "text", "cfr"}, ref
        if kind == "text":
            assert (ROOT / "eval" / "links" / "texts" / name).is_file(), ref
        if kind == "sample":
            assert (ROOT / "src" / "cybertrack" / "samples" / name).is_file(), ref
    assert restrict(gold, "tune") and restrict(gold, "test")


def test_gold_set_holds_no_evaluation_only_casie_article() -> None:
    if not HELD_OUT.is_file():
        pytest.skip("../shared/eval/news/casie-held-out.txt not present")
    banned = {line.strip() for line in HELD_OUT.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    casie = {ref.split(":", 1)[1] for ref in load_gold(GOLD) if ref.startswith("casie:")}
    assert casie and not casie & banned


def test_a_shared_country_alone_never_links() -> None:
    a = _feat(1, targets=("UA",), when="2022-02", kinds=("destruction",),
              sentence="Computers at a bank were wiped.")
    b = _feat(2, targets=("UA",), when="2022-02-23", kinds=("destruction",),
              sentence="A regional power company lost its servers.")
    assert score_pair(a, b) is None  # country, month and kind, but no attribution or term
    # the same country and the same day (within three days) is two things agreeing: linked
    same_day = score_pair(_feat(3, targets=("UA",), when="2022-02-24"), b)
    assert same_day is not None and "linked on same target and day" in same_day.reasons[-1]


def test_one_actors_two_operations_in_a_month_do_not_link() -> None:
    russia = frozenset({"RU"})
    a = _feat(1, targets=("UA",), when="2022-02-23", kinds=("destruction",), states=russia,
              orgs=("Privatbank",), lead="Wiper malware erased disks at Privatbank branches.")
    b = _feat(2, targets=("UA",), when="2022-02-24", kinds=("destruction",), states=russia,
              orgs=("Ukrtelecom",), lead="Ukrtelecom routers were bricked by a wiper.")
    assert score_pair(a, b) is None


def test_two_wordings_of_one_event_link_with_the_terms_that_decided() -> None:
    a = _feat(1, lead="Hackers seized the network of the city of Atlanta with SamSam "
                      "ransomware and asked for bitcoin, Mayor Keisha Lance Bottoms said.")
    b = _feat(2, lead="Atlanta mayor Keisha Bottoms says a SamSam infection encrypted "
                      "municipal computers; the FBI is investigating.")
    pair = score_pair(a, b)
    assert pair is not None and pair.score >= GROUP_THRESHOLD
    assert "samsam" in pair.reasons[0] and "bottoms" in pair.reasons[0]
    assert not any("targets" in r for r in pair.reasons)  # no shared country was needed


def test_reports_without_targets_link_incrementally_as_in_a_full_pass(store: Store) -> None:
    """Two reports naming no country are found by their shared rare terms, by ``link_new``
    as by ``link_all``."""
    names = "The Zorvex gang locked the Quillmark county servers, county officials said."
    first = report(21, publisher="One Test", published="2018-03-23", targets=(),
                   when="2018-03-22", kinds=("ransomware",), claims=(say(
                       "attribution", names, None),))
    second = report(22, publisher="Two Test", published="2018-03-25", targets=(),
                    when=None, kinds=("ransomware",), claims=(say(
                        "attribution", "Quillmark county paid nothing to Zorvex.", None),))
    store.add_extraction(first)
    link_new(store, [first.document.id])
    store.add_extraction(second)
    assert link_new(store, [second.document.id]).links_new == 1
    assert link_all(store).links_new == 0
