"""The actor page's claims (Store.attribution_rows) found through indexes (issue 16 speed):
the same rows, in the same order, as the single OR over every attributing claim they
replace, and on SQLite the names matched in any case through migration 0014's index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, literal_column, or_, select

from bench_kb import fill
from cybertrack.store import Store
from cybertrack.store import schema as t
from sql_capture import sqlite_plan, statements

ATTRIBUTING = ("attribution", "self-claim")


@pytest.fixture
def kb(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as store:
        fill(store, 120, 5)
        yield store


def _or_scan(store: Store, states: tuple[str, ...], ids: tuple[str, ...],
             names: tuple[str, ...]) -> list[str]:
    """Claim ids as the former single statement found them: one OR of the three, scanned
    in (kind, storage) order (SQLite's ix_claims_kind order)."""
    c = t.claims.c
    stored = literal_column("claims.ctid" if store._engine.dialect.name == "postgresql"
                            else "claims.rowid")
    who = [c.attributed_state.in_(states), c.attributed_actor_id.in_(ids),
           func.lower(c.attributed_actor).in_([n.lower() for n in names])]
    q = (select(c.id).join(t.incidents, t.incidents.c.id == c.incident_id)
         .where(c.kind.in_(ATTRIBUTING), c.stance == "asserts", c.polarity == "asserted",
                or_(*who)).order_by(c.kind, stored))
    with store._engine.connect() as conn:
        return [r[0] for r in conn.execute(q)]


@pytest.mark.parametrize(("states", "ids", "names"), [
    ((), ("actor:bench-7",), ("Bench Actor 7", "BA-7")),
    ((), (), ("bench ACTOR 7", "ba-2")),
    (("PK",), ("actor:bench-1",), ("BA-2",)),
])
def test_attribution_rows_match_the_or_scan(kb: Store, states: tuple[str, ...],
                                            ids: tuple[str, ...],
                                            names: tuple[str, ...]) -> None:
    rows = kb.attribution_rows(states=states, actor_ids=ids, actor_names=names)
    assert rows
    found, expected = [r.claim_id for r in rows], _or_scan(kb, states, ids, names)
    if kb._engine.dialect.name == "postgresql":  # the OR itself there, in no stated order
        found, expected = sorted(found), sorted(expected)
    assert found == expected


def test_actor_names_are_matched_through_the_lower_case_index(kb: Store) -> None:
    if kb._engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    with statements(kb._engine) as seen:
        kb.attribution_rows(actor_ids=("actor:bench-7",), actor_names=("Bench Actor 7", "BA-7"))
    plan = sqlite_plan(kb._engine, *seen[-1])
    assert "ix_claims_by_actor_lower" in plan
    assert "ix_claims_kind" not in plan
