"""Derived summaries that keep reach, timelines and firsts fast (tables of migration 0006).

Reach over a state holding a quarter of a 50,000-document knowledge base used to join its
attributing claims to groups, targets and documents at read time and count distinct groups over
the result (a quarter to half a second). That join is the same every time and changes only when
records are added or groups move, so it is kept materialized:

- ``attribution_facts``: asserted attributions and self-claims of grouped incidents, one row per
  incident x target country x state x actor id x actor name x source ('' for what a claim does
  not give), with the incident's group columns and its targets, kinds and time;
- ``response_dates``: response claims tied to an incident, with the date ``firsts`` ranks them
  by, when that date is not before the incident's start.

Invariant: the fact rows of an incident are exactly what the backfill statement of
``migrations/0006_analysis_summaries.sql`` computes for it from its claims, its own record and
targets, documents and *current* group row. Claims, incidents and documents never change once
stored, so rows go stale only when an incident's group row is written or it gains claims;
``Store`` calls ``refresh_facts`` in the transaction that does either
(``write_incident_groups``, ``_insert_extractions``), and ``add_response_dates`` with every
batch of new documents.
Functions here take a connection and never commit: they run inside the caller's transaction,
so a summary is never seen out of step with the rows it summarizes.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Select,
    Table,
    Text,
    any_,
    bindparam,
    case,
    delete,
    func,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from cybertrack.model import PartialDate
from cybertrack.store import codec
from cybertrack.store import schema as t

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

#: Claim kinds that say who did it.
ATTRIBUTING = ("attribution", "self-claim")


def attributed_to_terms(states: Sequence[str], actor_ids: Sequence[str],
                        actor_names: Sequence[str]) -> list[ColumnElement[bool]]:
    """One condition on ``claims`` per kind of name a claim may attribute to: its state, its
    actor's id, its actor's name in any case (each served by its own index, so callers may
    OR them or UNION one SELECT per condition). Empty when nothing is named."""
    c = t.claims.c
    out: list[ColumnElement[bool]] = []
    if states:
        out.append(c.attributed_state.in_(list(states)))
    if actor_ids:
        out.append(c.attributed_actor_id.in_(list(actor_ids)))
    if actor_names:
        out.append(func.lower(c.attributed_actor).in_([n.lower() for n in actor_names]))
    return out
#: Most ids put in one ``IN (...)`` list by ``unique_chunks``.
CHUNK = 5000


def one_of(column: ColumnElement[Any], values: Sequence[str], dialect: str
           ) -> ColumnElement[bool]:
    """``column IN (values)``; on PostgreSQL ``column = ANY(array)``, one parameter: psycopg
    converts a statement's placeholders anew for every new text, and a list of 1,300 ids is
    a new text of 1,300 placeholders (reading 1,300 incidents by id on the 50k bench KB:
    21-27 ms with IN, 14-16 ms with ANY)."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(Text)))
    return column.in_(list(values))


def unique_chunks(items: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    """Distinct ids in lists short enough for one ``IN (...)``."""
    it = iter(dict.fromkeys(items))
    while chunk := list(islice(it, size)):
        yield chunk


def subject_rows(columns: Sequence[Any], states: Sequence[str] = (),
                 actor_ids: Sequence[str] = (), actor_names: Sequence[str] = (),
                 where: Sequence[ColumnElement[bool]] = (),
                 ) -> Select[Any] | CompoundSelect | None:
    """``columns`` of the ``attribution_facts`` rows naming any of ``states`` as the state or
    any of ``actor_ids``/``actor_names`` (names as written) as the actor, and matching every
    ``where``; None when no subject is given. Each row comes once, from a UNION ALL of
    disjoint parts: rows naming a state, then rows naming an actor id but none of the states,
    then rows naming an actor name but none of those. Each part is one index range (covering
    what reach counts), where an OR of the three makes SQLite look every row up in the table
    and PostgreSQL misjudge how many rows match (twice as slow for a state holding a quarter
    of the knowledge base). The columns are NOT NULL, so NOT IN is exact.

    SQLite reads the actor-id part through ``ix_attribution_facts_actor_id``, which holds the
    state, year, country, destructive flag and group beside the actor (``indexed_by``): left to
    itself it took the narrower ``ix_attribution_facts_actor_group`` and read every row of the
    actors from the table, to drop those naming the state already counted (all of them for
    Iran's actors on the 50k bench KB: its recent year's events 28 -> 10 ms)."""
    from cybertrack.store.indexed import indexed_by, read_through

    f = t.attribution_facts.c
    parts: list[Select[Any]] = []
    seen: list[ColumnElement[bool]] = []
    for column, values in ((f.state, states), (f.actor_id, actor_ids),
                           (f.actor_name, actor_names)):
        if values:
            part = select(*columns).where(column.in_(list(values)), *seen, *where)
            if column is f.actor_id:
                part = read_through(part, indexed_by(t.attribution_facts,
                                                     "ix_attribution_facts_actor_id"))
            parts.append(part)
            seen.append(column.not_in(list(values)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _facts_of(incident_ids: Sequence[str] | None) -> Select[Any]:
    """SELECT of the fact rows of ``incident_ids`` (None: every grouped incident)."""
    c, d, g, i = t.claims.c, t.documents.c, t.incident_groups.c, t.incidents.c
    tg = t.incident_targets.c
    source = func.coalesce(c.claimant_name, d.publisher, "unnamed source")
    keys = (c.incident_id, func.coalesce(tg.country, ""), func.coalesce(c.attributed_state, ""),
            func.coalesce(c.attributed_actor_id, ""), func.coalesce(c.attributed_actor, ""),
            source, g.group_id, g.group_start, g.group_year, g.destructive, i.targets, i.kinds,
            i.time_start, i.time_end, i.time_precision, i.time_text)
    q = (select(*keys[:6], func.min(case((c.claimant_name.is_(None), 0), else_=1)), *keys[6:])
         .join_from(t.claims, t.documents, d.id == c.document_id)
         .join(t.incident_groups, g.incident_id == c.incident_id)
         .join(t.incidents, i.id == c.incident_id)
         .outerjoin(t.incident_targets, tg.incident_id == c.incident_id)
         .where(c.kind.in_(ATTRIBUTING), c.stance == "asserts", c.polarity == "asserted",
                ~_rejected("claim", c.id), ~_rejected("incident", c.incident_id))
         .group_by(*keys))
    if incident_ids is not None:
        q = q.where(c.incident_id.in_(list(incident_ids)))
    return q


def _rejected(kind: str, record_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """EXISTS a decision rejecting the record (``store.curation``): a person's "this claim
    (incident) is wrong" keeps it out of reach, timelines and everything read from here."""
    cur = t.curations.c
    return (select(literal(1)).where(cur.record_kind == kind, cur.record_id == record_id,
                                     cur.status == "rejected").exists())


_FACT_KEY = ("incident_id", "country", "state", "actor_id", "actor_name", "source")
_FACT_COLUMNS = ("incident_id", "country", "state", "actor_id", "actor_name", "source",
                 "by_claimant", "group_id", "group_start", "group_year", "destructive",
                 "targets", "kinds", "time_start", "time_end", "time_precision", "time_text")


def refresh_facts(conn: Connection, incident_ids: Iterable[str] | None) -> None:
    """Rewrite the ``attribution_facts`` rows of ``incident_ids`` (None: rebuild the table)
    from their claims and current group rows; incidents without a group row get none."""
    f = t.attribution_facts
    # an upsert: a concurrent writer refreshing the same incident may insert the same keys
    # between our delete and our insert (PostgreSQL, READ COMMITTED)
    facts = upsert(conn, f, [c for c in _FACT_COLUMNS if c not in _FACT_KEY])
    if incident_ids is None:
        conn.execute(delete(f))
        conn.execute(facts.from_select(_FACT_COLUMNS, _facts_of(None)))
        _apply_hand_set(conn, None)
        return
    for chunk in unique_chunks(incident_ids):
        conn.execute(delete(f).where(f.c.incident_id.in_(chunk)))
        conn.execute(facts.from_select(_FACT_COLUMNS, _facts_of(chunk)))
        _apply_hand_set(conn, chunk)


def _apply_hand_set(conn: Connection, incident_ids: Sequence[str] | None) -> None:
    """Targets and dates a person set on incidents (``store.curation``) replace what
    extraction read in their fact rows: one row per hand-set target (country '' when set to
    none), the incident's targets and time; a hand-set date also dates its whole group (year
    and start of every member's rows: the event happened then, whichever report says so).
    ``incident_ids``: the incidents just rewritten (their groups' hand-set dates apply);
    None: every incident."""
    f, cur, g = t.attribution_facts, t.curations.c, t.incident_groups.c
    q = (select(g.group_id, cur.record_id, cur.targets, cur.date_value)
         .join_from(t.curations, t.incident_groups, g.incident_id == cur.record_id)
         .where(cur.record_kind == "incident",
                (cur.targets.is_not(None)) | (cur.date_value.is_not(None))))
    if incident_ids is not None:
        q = q.where(g.group_id.in_(select(g.group_id).where(g.incident_id.in_(
            list(incident_ids)))))
    marks = list(conn.execute(q))
    if not marks:
        return
    mine = None if incident_ids is None else set(incident_ids)
    group_dates: dict[str, PartialDate] = {}
    for gid, iid, targets, value in marks:
        date = PartialDate.parse(value) if value else None
        if date is not None:
            seen = group_dates.get(gid)
            if seen is None or (date.end - date.start, date.start) < (seen.end - seen.start,
                                                                      seen.start):
                group_dates[gid] = date
        if mine is not None and iid not in mine:
            continue
        if targets is None and date is None:
            continue
        rows = [dict(r) for r in conn.execute(select(f).where(f.c.incident_id == iid))
                .mappings()]
        if not rows:
            continue
        hand = tuple(json.loads(targets)) if targets is not None else None
        fixed: dict[tuple[Any, ...], dict[str, Any]] = {}
        for r in rows:
            if date is not None:
                r.update(codec.partial_date_columns("time", date))
            countries = [r["country"]] if hand is None else (list(hand) or [""])
            if hand is not None:
                r["targets"] = codec.to_json(hand)
            for country in countries:
                row = {**r, "country": country}
                fixed[tuple(row[k] for k in _FACT_KEY)] = row
        conn.execute(delete(f).where(f.c.incident_id == iid))
        conn.execute(f.insert(), list(fixed.values()))
    for gid, date in group_dates.items():
        conn.execute(update(f).where(f.c.group_id == gid).values(
            group_start=date.start, group_year=date.start.year))


def add_response_dates(conn: Connection, claim_ids: Iterable[str]) -> None:
    """Date newly stored response claims, given by id (``response_dates``); a claim whose date
    is unknown or falls before its incident's start gets no row.

    By claim id, not by document: a claim id is unique, so PostgreSQL reads exactly these
    claims whatever its statistics say. Selected by document, without statistics (autovacuum
    off, or not yet run after a bulk load), it read every response claim of the base through
    the kind index for each batch: 0.8 s a batch of 200 at 100,000 documents, docs/scale.md."""
    stmt = _response_dates_insert(conn.dialect.name)
    for chunk in unique_chunks(claim_ids):
        conn.execute(stmt, {"ids": chunk})


@functools.cache
def _response_dates_insert(dialect_name: str) -> Any:
    """The statement of ``add_response_dates``, built once per dialect: it runs with every
    stored batch, and building it each time cost more than running it (issue 17)."""
    c, d, i = t.claims.c, t.documents.c, t.incidents.c
    # a tracker row's publication date is its incident's: it does not date a response
    when = func.coalesce(c.event_date_start, c.claim_date_start, case(
        (d.extractor_version == "tracker", None), else_=d.published_start))
    q = (select(c.id, c.action, when)
         .join_from(t.claims, t.documents, d.id == c.document_id)
         .join(t.incidents, i.id == c.incident_id)
         .where(c.id.in_(bindparam("ids", expanding=True)), c.kind == "response",
                c.action.is_not(None), when.is_not(None),
                (i.time_start.is_(None)) | (when >= i.time_start)))
    return _upsert(dialect_name, t.response_dates, ("action", "response_date")).from_select(
        ["claim_id", "action", "response_date"], q)


def mark_timeline_stale(conn: Connection, *, incident_ids: Iterable[str] = (),
                        group_ids: Iterable[str] = (), every_group: bool = False) -> None:
    """Mark for recomputation the ``timeline_groups`` row of ``group_ids``, of the current
    groups of ``incident_ids``, or (``every_group``) of every group, dropping the rows of all
    groups first. Each call marks with a fresh token: a reader computing a group meanwhile
    clears only the token it read, so this mark survives it. A mark already there takes the
    new token (an upsert: two writers marking one group at once must both succeed)."""
    s, g = t.timeline_stale, t.incident_groups.c
    token = uuid.uuid4().hex
    if every_group:
        conn.execute(delete(t.timeline_groups))
        conn.execute(delete(s))
        drop_subject_timelines(conn)  # with no group left, no recomputation would drop them
        conn.execute(upsert(conn, s, ("token",)).from_select(
            ["group_id", "token"],
            select(g.group_id, literal(token)).where(true()).distinct()))
        return
    for chunk in unique_chunks(incident_ids):
        of_chunk = (select(g.group_id, literal(token)).where(g.incident_id.in_(chunk))
                    .distinct())
        conn.execute(upsert(conn, s, ("token",)).from_select(["group_id", "token"], of_chunk))
    for chunk in unique_chunks(group_ids):
        conn.execute(upsert(conn, s, ("token",)),
                     [{"group_id": gid, "token": token} for gid in chunk])


def drop_subject_timelines(conn: Connection) -> None:
    """Start a new generation of stored group timelines: every stored subject timeline
    (``timeline_subjects``) is dropped, and one a reader worked out before this write and
    stores afterwards carries a past generation, which is never read."""
    gen = t.timeline_generation
    conn.execute(update(gen).values(n=gen.c.n + 1))
    conn.execute(delete(t.timeline_subjects))


def upsert(conn: Connection, table: Table, update: Sequence[str]) -> Any:
    """``INSERT INTO table ... ON CONFLICT (primary key) DO UPDATE SET`` the ``update``
    columns to the new row's: the same statement on SQLite and PostgreSQL. (An INSERT ...
    SELECT given to it needs a WHERE clause: SQLite would read ON CONFLICT as a join's ON.)"""
    return _upsert(conn.dialect.name, table, update)


def _upsert(dialect_name: str, table: Table, update: Sequence[str]) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={name: stmt.excluded[name] for name in update})


__all__ = ["ATTRIBUTING", "add_response_dates", "drop_subject_timelines", "mark_timeline_stale",
           "refresh_facts", "subject_rows", "unique_chunks", "upsert"]
