"""The home page's figures as a few indexed statements, so that showing what a knowledge base
holds does not read every attribution and incident on each request (issue 16).

- ``top_attributed``: states and actors counted by events (incident groups) from the derived
  ``attribution_facts`` table (asserted attributions and self-claims of grouped incidents,
  rejected claims and incidents left out), grouped and counted in SQL;
- ``latest_incidents``: the most recently dated incidents through ``ix_incidents_time``;
- ``count_links``: a COUNT, not the link rows.

Functions take a connection and only read.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, case, func, select

from cybertrack.store import schema as t


def top_attributed(conn: Connection, top: int) -> tuple[list[tuple[str, int]],
                                                         list[tuple[str, int]]]:
    """The ``top`` states and the ``top`` actors (entity id, else the name in lower case)
    named by most events, each with its number of events, most first (ties by key)."""
    f = t.attribution_facts.c
    events = func.count(func.distinct(f.group_id))
    # (state, group) pairs made distinct first: read in order from
    # ix_attribution_facts_state_group (migration 0013), where COUNT(DISTINCT) sorted every
    # row (PostgreSQL 62 -> 36 ms on the 50,000-document bench knowledge base)
    pairs = select(f.state, f.group_id).where(f.state != "").distinct().subquery()
    n = func.count().label("n")
    states = conn.execute(select(pairs.c.state, n).group_by(pairs.c.state)
                          .order_by(n.desc(), pairs.c.state).limit(top))
    actor = case((f.actor_id != "", f.actor_id), else_=func.lower(f.actor_name))
    actors = conn.execute(select(actor, events).where(actor != "").group_by(actor)
                          .order_by(events.desc(), actor).limit(top))
    return ([(r[0], int(r[1])) for r in states], [(r[0], int(r[1])) for r in actors])


def latest_incidents(conn: Connection, n: int) -> list[tuple[str, dt.date]]:
    """The ``n`` incidents that start latest (dated ones only), latest first, with their
    start: an index range scan backwards over ``ix_incidents_time``."""
    i = t.incidents.c
    rows = conn.execute(select(i.id, i.time_start).where(i.time_start.is_not(None))
                        .order_by(i.time_start.desc()).limit(n))
    return [(r[0], r[1] if isinstance(r[1], dt.date) else dt.date.fromisoformat(str(r[1])))
            for r in rows]


def count_links(conn: Connection, kind: str, status: str) -> int:
    """How many links of ``kind`` have ``status``."""
    lk = t.links.c
    return int(conn.execute(select(func.count()).select_from(t.links)
                            .where(lk.kind == kind, lk.status == status)).scalar_one())
