"""Incident groups (table ``incident_groups``, derived by ``cybertrack.resolve``) and the
aggregate queries reach runs over them, mixed into ``Store``.

Reach over a state with ten thousand incidents must not fetch ten thousand rows into Python:
the queries here aggregate in SQL, per (year, target country) and per year, counting each group
(event) once, and fetch row by row only the few groups a report lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    Integer,
    Select,
    Text,
    and_,
    case,
    cast,
    distinct,
    func,
    literal_column,
    null,
    or_,
    select,
    union,
    union_all,
)

from cybertrack.model import PartialDate
from cybertrack.store import codec
from cybertrack.store import schema as t

if TYPE_CHECKING:
    from sqlalchemy import Connection

_CHUNK = 5000
#: Claim kinds that say who did it.
ATTRIBUTING = ("attribution", "self-claim")


def unique_chunks(items: Iterable[str], size: int = _CHUNK) -> Iterator[list[str]]:
    """Distinct ids in lists short enough for one ``IN (...)``."""
    it = iter(dict.fromkeys(items))
    while chunk := list(islice(it, size)):
        yield chunk


class GroupRow(NamedTuple):
    """An incident's group: its id (the smallest member id), best date, destructive or not."""

    incident_id: str
    group_id: str
    group_start: dt.date | None
    group_year: int | None
    destructive: bool


class ReachCell(NamedTuple):
    """Groups attributed to a subject, per year and target country."""

    year: int | None
    country: str
    groups: int
    destructive: int


class ReachYear(NamedTuple):
    """Groups per year, and how many of them reach a target outside a given region."""

    year: int | None
    groups: int
    outside: int


class ReachSummary(NamedTuple):
    """What ``reach_summary`` returns: cells, years and sources."""

    cells: list[ReachCell]
    years: list[ReachYear]
    sources: list[tuple[int | None, str, int]]


class GroupEvent(NamedTuple):
    """One attributing claim of one member incident of a group (reports list these)."""

    group_id: str
    group_start: dt.date | None
    group_year: int | None
    destructive: bool
    incident_id: str
    targets: tuple[str, ...]
    kinds: tuple[str, ...]
    time: PartialDate | None
    source: str | None


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class GroupQueries:
    """Reads and writes of ``incident_groups``; aggregate reach queries."""

    if TYPE_CHECKING:
        def _all(self, query: Select[Any]) -> list[Any]: ...
        def _write(self, what: str) -> AbstractContextManager[Connection]: ...
        def _read(self) -> AbstractContextManager[Connection]: ...

    def _tuples(self, query: Any) -> list[Any]:
        """Rows as plain tuples (several times cheaper than mappings for big results). On
        PostgreSQL, JIT is off for the statement: an aggregate over a big subject is costed
        above ``jit_above_cost`` and compiling it takes longer than running it (1.3 s against
        0.2 s at 50,000 documents)."""
        with self._read() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL jit = off")
            return list(conn.execute(query).all())

    # --- the table ---------------------------------------------------------------------------

    def write_incident_groups(self, rows: Sequence[GroupRow], *, replace_all: bool = False
                              ) -> None:
        """Store group rows, replacing those of the same incidents (every row if
        ``replace_all``), in one transaction."""
        g = t.incident_groups
        with self._write(f"cannot store {len(rows)} incident groups") as conn:
            if replace_all:
                conn.execute(g.delete())
            else:
                for chunk in unique_chunks(r.incident_id for r in rows):
                    conn.execute(g.delete().where(g.c.incident_id.in_(chunk)))
            values = [{"incident_id": r.incident_id, "group_id": r.group_id,
                       "group_start": r.group_start, "group_year": r.group_year,
                       "destructive": int(r.destructive)} for r in rows]
            for start in range(0, len(values), _CHUNK):
                conn.execute(g.insert(), values[start:start + _CHUNK])

    def incident_groups_of(self, incident_ids: Iterable[str]) -> dict[str, GroupRow]:
        g = t.incident_groups.c
        out: dict[str, GroupRow] = {}
        for chunk in unique_chunks(incident_ids):
            for r in self._all(select(t.incident_groups).where(g.incident_id.in_(chunk))):
                out[r["incident_id"]] = _group_row(r)
        return out

    def group_member_ids(self, group_id: str) -> list[str]:
        g = t.incident_groups.c
        return [r["incident_id"] for r in self._all(
            select(g.incident_id).where(g.group_id == group_id).order_by(g.incident_id))]

    def incidents_without_group(self) -> list[str]:
        """Incidents stored since groups were last refreshed (empty when in step). Counting
        first keeps the common case (nothing missing) to two index counts."""
        n_inc = self._all(select(func.count().label("n")).select_from(t.incidents))[0]["n"]
        n_grp = self._all(select(func.count().label("n")).select_from(t.incident_groups))[0]["n"]
        if n_inc == n_grp:
            return []
        i, g = t.incidents.c, t.incident_groups.c
        q = (select(i.id).outerjoin(t.incident_groups, g.incident_id == i.id)
             .where(g.incident_id.is_(None)))
        return [r["id"] for r in self._all(q)]

    def counted_incident_links(self, min_score: float) -> list[tuple[str, str, float, str]]:
        """Every incident link that counts for grouping, as (a, b, score, status)."""
        lc = t.links.c
        q = select(lc.a, lc.b, lc.score, lc.status).where(
            lc.kind == "incident", or_(lc.status == "accepted",
                                       and_(lc.status == "proposed", lc.score >= min_score)))
        return [(r["a"], r["b"], float(r["score"]), r["status"]) for r in self._all(q)]

    # --- reach aggregates --------------------------------------------------------------------

    def _subject_claims(self, states: Sequence[str], actor_ids: Sequence[str],
                        actor_names: Sequence[str], *, cte: bool = False) -> Any:
        """Subquery: (incident_id, claimant_name, document_id) of the asserted attributing
        claims naming the subject. One SELECT per criterion, each answered from its covering
        index (an OR of the three would scan every attribution), joined by UNION."""
        c = t.claims.c
        parts = []
        for column, values in ((c.attributed_state, states), (c.attributed_actor_id, actor_ids),
                               (c.attributed_actor, actor_names)):
            if values:
                parts.append(select(c.incident_id, c.claimant_name, c.document_id).where(
                    column.in_(list(values)), c.kind.in_(ATTRIBUTING), c.stance == "asserts",
                    c.incident_id.is_not(None)))
        if not parts:
            parts.append(select(c.incident_id, c.claimant_name, c.document_id).where(
                c.id.is_(None)))  # matches nothing
        both = parts[0] if len(parts) == 1 else union(*parts)
        if cte:  # read once however often the statement uses it (SQLite >= 3.35, PG >= 12)
            return both.cte("subject_claims").prefix_with("MATERIALIZED")
        return both.subquery("subject_claims")

    def _publisher(self, claims: Any) -> Any:
        """The publisher of a claim's document, for claims without a claimant. A correlated
        subquery, which SQLite evaluates only for those claims (COALESCE stops early)."""
        d = t.documents.c
        return select(d.publisher).where(d.id == claims.c.document_id).scalar_subquery()

    def reach_summary(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                      actor_names: Sequence[str] = (), inside: Sequence[str] = (),
                      ) -> ReachSummary:
        """Everything reach counts, in one statement (so the subject's claims are read once):
        groups per (year, target country) with destructive ones apart; groups per year and
        those with a target outside ``inside``; and per year the sources (the claimant, or
        the publisher when a document speaks for itself). Incidents without a group row are
        not counted (refresh groups first)."""
        claims = self._subject_claims(states, actor_ids, actor_names, cte=True)
        g, tg = t.incident_groups.c, t.incident_targets.c
        ig = (select(g.incident_id, g.group_id, g.group_year, g.destructive)
              .where(g.incident_id.in_(select(claims.c.incident_id)))
              .cte("subject_groups").prefix_with("MATERIALIZED"))
        it = (select(ig.c.group_id, ig.c.group_year, ig.c.destructive, tg.country)
              .join_from(ig, t.incident_targets, tg.incident_id == ig.c.incident_id)
              .cte("subject_targets").prefix_with("MATERIALIZED"))
        source = func.coalesce(claims.c.claimant_name, self._publisher(claims),
                               "unnamed source")
        groups = func.count(distinct(ig.c.group_id))
        none_text, none_int = cast(null(), Text), cast(null(), Integer)
        outside = it.c.country.not_in(list(inside)) if inside else it.c.country.is_not(None)
        q = union_all(
            select(literal_column("'cell'").label("part"), it.c.group_year.label("year"),
                   it.c.country.label("key"), func.count(distinct(it.c.group_id)).label("n"),
                   func.count(distinct(case((it.c.destructive == 1, it.c.group_id))))
                   .label("d"))
            .group_by(it.c.group_year, it.c.country),
            select(literal_column("'year'"), ig.c.group_year, none_text, groups, none_int)
            .group_by(ig.c.group_year),
            select(literal_column("'out'"), it.c.group_year, none_text,
                   func.count(distinct(it.c.group_id)), none_int)
            .where(outside).group_by(it.c.group_year),
            select(literal_column("'source'"), ig.c.group_year, source, groups, none_int)
            .join_from(claims, ig, ig.c.incident_id == claims.c.incident_id)
            .group_by(ig.c.group_year, source),
        )
        cells: list[ReachCell] = []
        years: dict[int | None, list[int]] = {}
        sources: list[tuple[int | None, str, int]] = []
        for part, year, key, n, dd in self._tuples(q):
            if part == "cell":
                cells.append(ReachCell(year, key, int(n), int(dd or 0)))
            elif part == "year":
                years.setdefault(year, [0, 0])[0] = int(n)
            elif part == "out":
                years.setdefault(year, [0, 0])[1] = int(n)
            else:
                sources.append((year, key, int(n)))
        return ReachSummary(cells, [ReachYear(y, v[0], v[1]) for y, v in years.items()],
                            sources)

    def subject_responses(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                          actor_names: Sequence[str] = ()) -> list[ResponseRow]:
        """Response claims tied to the incidents attributed to the subject (timelines)."""
        c, d = t.claims.c, t.documents.c
        claims = self._subject_claims(states, actor_ids, actor_names, cte=True)
        q = (select(c.id, c.incident_id, c.document_id, c.actor_state, c.action,
                    c.target_state, c.event_date_start, c.event_date_end,
                    c.event_date_precision, c.event_date_text, c.claim_date_start,
                    c.claim_date_end, c.claim_date_precision, c.claim_date_text,
                    c.claimant_name, d.publisher, d.published_start, d.published_end,
                    d.published_precision, d.published_text, d.reliability)
             .join(t.documents, d.id == c.document_id)
             .where(c.kind == "response",
                    c.incident_id.in_(select(claims.c.incident_id).distinct())))
        return [ResponseRow(r["id"], r["incident_id"], r["document_id"], r["actor_state"],
                            r["action"], r["target_state"],
                            codec.row_to_partial_date(r, "event_date"),
                            codec.row_to_partial_date(r, "claim_date"), r["claimant_name"],
                            r["publisher"], codec.row_to_partial_date(r, "published"),
                            r["reliability"]) for r in self._all(q)]

    def reach_events(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                     actor_names: Sequence[str] = (), *, years: tuple[int, int] | None = None,
                     target: str | None = None, destructive: bool | None = None,
                     ) -> list[GroupEvent]:
        """Member incidents (one row per attributing claim) of the groups attributed to the
        subject, optionally only groups dated in ``years``, against ``target``, destructive."""
        g, i = t.incident_groups.c, t.incidents.c
        claims = self._subject_claims(states, actor_ids, actor_names, cte=True)
        q = (select(g.group_id, g.group_start, g.group_year, g.destructive, i.id, i.targets,
                    i.kinds, i.time_start, i.time_end, i.time_precision, i.time_text,
                    func.coalesce(claims.c.claimant_name, self._publisher(claims))
                    .label("source"))
             .select_from(claims)
             .join(t.incident_groups, g.incident_id == claims.c.incident_id)
             .join(t.incidents, i.id == claims.c.incident_id))
        if years is not None:
            q = q.where(g.group_year >= years[0], g.group_year <= years[1])
        if destructive is not None:
            q = q.where(g.destructive == int(destructive))
        if target is not None:
            tg = t.incident_targets.c
            q = q.join(t.incident_targets, and_(tg.incident_id == i.id, tg.country == target))
        decoded: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        out = []
        for (gid, gstart, gyear, destr, iid, targets, kinds, t_start, t_end, t_prec, t_text,
             source) in self._tuples(q):
            tk = decoded.get(iid)
            if tk is None:
                tk = decoded[iid] = (codec.strings(targets), codec.strings(kinds))
            time = None if t_start is None else PartialDate(
                _date(t_start) or dt.date.min, _date(t_end) or dt.date.max, t_prec, t_text or "")
            out.append(GroupEvent(gid, _date(gstart), gyear, bool(destr), iid, tk[0], tk[1],
                                  time, source))
        return out


class ResponseRow(NamedTuple):
    """A response claim to one of a subject's incidents, with what a timeline shows of it."""

    claim_id: str
    incident_id: str
    document_id: str
    actor_state: str | None
    action: str | None
    target_state: str | None
    event_date: PartialDate | None
    claim_date: PartialDate | None
    claimant_name: str | None
    publisher: str | None
    published: PartialDate | None
    reliability: str


def _group_row(r: Any) -> GroupRow:
    return GroupRow(r["incident_id"], r["group_id"], _date(r["group_start"]), r["group_year"],
                    bool(r["destructive"]))
