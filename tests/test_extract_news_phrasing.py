"""Responses in news phrasing (issue 13, item 4): the accused's nationality inside the cue
("charged two Iranian men with ...") is whom the response answers; the acting state comes from
the agency. Sentences are written for these tests."""

from __future__ import annotations

import datetime as dt

from cybertrack.extract.pipeline import get_pipeline, make_doc
from cybertrack.extract.types import ClaimDraft


def _responses(text: str) -> list[ClaimDraft]:
    nlp = get_pipeline()
    doc = nlp(make_doc(nlp, text, dt.date(2023, 5, 2)))
    return [c for c in doc._.ct_claims if c.kind == "response"]


def test_federal_prosecutors_charge_nationals() -> None:
    found = _responses("Federal prosecutors charged three Chinese nationals with breaking "
                       "into the networks of a Kansas utility.")
    assert [(c.action, c.actor_state, c.target_state) for c in found] == [("indict", "US", "CN")]


def test_order_to_leave_answers_the_diplomats_state() -> None:
    found = _responses("Estonia ordered Russian diplomats to leave after the intrusion.")
    assert [(c.action, c.actor_state, c.target_state) for c in found] == \
        [("expel-diplomats", "EE", "RU")]


def test_summoned_ambassador_inside_the_cue() -> None:
    found = _responses("Germany summoned the Chinese ambassador over the espionage campaign.")
    assert [(c.action, c.actor_state, c.target_state) for c in found] == \
        [("summon-ambassador", "DE", "CN")]
