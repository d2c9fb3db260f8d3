"""Incident groups (table ``incident_groups``, derived by ``cybertrack.resolve``) and the
reach and timeline queries over them, mixed into ``Store``.

Reach over a state holding a quarter of 50,000 documents must not join claims, groups, targets
and documents at read time: these queries read the derived ``attribution_facts`` table of
``store/summary.py`` instead (one covering index range per kind of subject), which writing
group rows keeps in step in the same transaction. Counting each group (event) once per year,
target and source is done in Python over those plain rows: four ``COUNT(DISTINCT ...)``
groupings cost each database a sort apiece, about twice the time. Only the few groups a report
lists are fetched with their incidents.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    Engine,
    Select,
    Text,
    and_,
    func,
    or_,
    select,
    type_coerce,
)

from cybertrack.model import PartialDate
from cybertrack.store import codec
from cybertrack.store import schema as t
from cybertrack.store.summary import (
    CHUNK,
    mark_timeline_stale,
    one_of,
    refresh_facts,
    subject_rows,
    unique_chunks,
    upsert,
)

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection


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
    """Reads and writes of ``incident_groups``; reach and timeline queries."""

    if TYPE_CHECKING:
        _engine: Engine

        def _all(self, query: Select[Any]) -> list[Any]: ...
        def _write(self, what: str) -> AbstractContextManager[Connection]: ...
        def _read(self) -> AbstractContextManager[Connection]: ...

    def _tuples(self, query: Any) -> list[tuple[Any, ...]]:
        """Rows as the driver returns them, as plain tuples: building SQLAlchemy rows cost
        more than the query itself for the 25,000-70,000 rows of a big state's reach (80 ms
        against 60). Hence no type processing: use it for text and numbers, and for dates
        only where the caller parses them (SQLite gives text, PostgreSQL dates; ``_date``).
        On PostgreSQL, JIT and parallel workers are off for the statement: a read over a big
        subject can be costed above ``jit_above_cost``, and compiling took longer than running
        (1.3 s against 0.2 s for the aggregate reach used before migration 0006); starting
        workers for a few thousand index-found rows took longer than reading them (20 ms
        against 6)."""
        with self._read() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL jit = off")
                conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
            result = conn.execute(query)
            rows = list(map(tuple, result.cursor.fetchall()))  # (already tuples: no copy)
            result.close()
            return rows

    # --- the table ---------------------------------------------------------------------------

    def write_incident_groups(self, rows: Sequence[GroupRow], *, replace_all: bool = False
                              ) -> None:
        """Store group rows, replacing those of the same incidents (every row if
        ``replace_all``), and the ``attribution_facts`` of those incidents (which copy their
        group), in one transaction; the groups they leave and join are marked for their
        timeline rows to be computed again."""
        g = t.incident_groups
        with self._write(f"cannot store {len(rows)} incident groups") as conn:
            if replace_all:
                conn.execute(g.delete())
            else:
                # the groups these incidents leave change too (their timelines lose them)
                mark_timeline_stale(conn, incident_ids=[r.incident_id for r in rows])
                for chunk in unique_chunks(r.incident_id for r in rows):
                    conn.execute(g.delete().where(g.c.incident_id.in_(chunk)))
            values = [{"incident_id": r.incident_id, "group_id": r.group_id,
                       "group_start": r.group_start, "group_year": r.group_year,
                       "destructive": int(r.destructive)} for r in rows]
            # an upsert: a concurrent writer may have stored a row of the same incident since
            # the delete above (PostgreSQL, READ COMMITTED: it was a duplicate key error)
            rows_in = upsert(conn, g, ("group_id", "group_start", "group_year", "destructive"))
            for start in range(0, len(values), CHUNK):
                conn.execute(rows_in, values[start:start + CHUNK])
            refresh_facts(conn, None if replace_all else [r.incident_id for r in rows])
            mark_timeline_stale(conn, every_group=replace_all,
                                group_ids=() if replace_all else {r.group_id for r in rows})

    def incident_groups_of(self, incident_ids: Iterable[str]) -> dict[str, GroupRow]:
        g = t.incident_groups.c
        out: dict[str, GroupRow] = {}
        for chunk in unique_chunks(incident_ids):
            for r in self._all(select(t.incident_groups).where(
                    one_of(g.incident_id, chunk, self._engine.dialect.name))):
                out[r["incident_id"]] = _group_row(r)
        return out

    def group_member_ids(self, group_id: str) -> list[str]:
        return self.group_members([group_id]).get(group_id, [])

    def group_members(self, group_ids: Iterable[str]) -> dict[str, list[str]]:
        """The member incident ids of each group, in id order (a group without members,
        one that linking dissolved, is absent)."""
        g = t.incident_groups.c
        out: dict[str, list[str]] = {}
        for chunk in unique_chunks(group_ids):
            for gid, iid in self._tuples(select(g.group_id, g.incident_id).where(
                    one_of(g.group_id, chunk, self._engine.dialect.name))):
                out.setdefault(gid, []).append(iid)
        for members in out.values():
            members.sort()
        return out

    def incidents_without_group(self) -> list[str]:
        """Incidents stored since groups were last refreshed (empty when in step). Counting
        first keeps the common case (nothing missing) to two index counts."""
        counts = select(select(func.count()).select_from(t.incidents).scalar_subquery(),
                        select(func.count()).select_from(t.incident_groups).scalar_subquery())
        n_inc, n_grp = self._tuples(counts)[0]
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

    # --- reach and timelines -----------------------------------------------------------------

    def reach_summary(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                      actor_names: Sequence[str] = (), inside: Sequence[str] = (),
                      ) -> ReachSummary:
        """Everything reach counts: groups per (year, target country) with destructive ones
        apart; groups per year and those with a target outside ``inside``; and per year the
        sources (the claimant, or the publisher when a document speaks for itself). Incidents
        without a group row are not counted (refresh groups first).

        One read of the subject's ``attribution_facts`` rows (31,119 for Iran, which holds
        a quarter of the 50,000-document bench knowledge base), counted in Python on both
        databases: SQLite's temporary B-trees for DISTINCT and GROUP BY cost twice what
        counting the rows here does, and PostgreSQL's hashing and sorting of them into the
        2,000 figures (84-90 ms) cost more than sending them over and counting them here
        (46-52 ms)."""
        f = t.attribution_facts.c
        rows = subject_rows((f.group_id, f.group_year, f.country, f.destructive, f.source),
                            states, actor_ids, actor_names)
        if rows is None:
            return ReachSummary([], [], [])
        inside_set = frozenset(inside)
        per_year: defaultdict[int | None, set[str]] = defaultdict(set)
        outside: defaultdict[int | None, set[str]] = defaultdict(set)
        cells: defaultdict[tuple[int | None, str], set[str]] = defaultdict(set)
        destructive: defaultdict[tuple[int | None, str], set[str]] = defaultdict(set)
        sources: defaultdict[tuple[int | None, str], set[str]] = defaultdict(set)
        for group, year, country, destr, source in self._tuples(rows):
            per_year[year].add(group)
            sources[year, source].add(group)
            if country:
                cells[year, country].add(group)
                if destr:
                    destructive[year, country].add(group)
                if country not in inside_set:
                    outside[year].add(group)
        return ReachSummary(
            [ReachCell(y, c, len(g), len(destructive.get((y, c), ())))
             for (y, c), g in cells.items()],
            [ReachYear(y, len(g), len(outside.get(y, ()))) for y, g in per_year.items()],
            [(y, s, len(g)) for (y, s), g in sources.items()])

    def subject_event_rows(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                           actor_names: Sequence[str] = (), *,
                           years: tuple[int, int] | None = None) -> list[EventRow]:
        """What reach lists of the subject's events, one plain tuple per member incident and
        source, undecoded (``reach_events`` less the group's date and destructive flag, in the
        same order). A heavy state's years read thousands of these: a NamedTuple and decoded
        dates per row cost more than the query (``analysis.reach.subject_events`` decodes each
        incident once)."""
        f = t.attribution_facts.c
        where: list[ColumnElement[bool]] = []
        if years is not None:
            where += [f.group_year >= years[0], f.group_year <= years[1]]
        q = subject_rows((f.incident_id, f.by_claimant, f.source, f.group_id, f.group_year,
                          f.targets, f.kinds, type_coerce(f.time_start, Text),
                          type_coerce(f.time_end, Text), f.time_precision, f.time_text),
                         states, actor_ids, actor_names, where)
        # sorted here (code-point order, as SQLite compares text), so both databases list an
        # event's sources alike; the rest of a row follows from its incident id
        return [] if q is None else sorted(set(self._tuples(q)))

    def reach_events(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                     actor_names: Sequence[str] = (), *, years: tuple[int, int] | None = None,
                     target: str | None = None, destructive: bool | None = None,
                     ) -> list[GroupEvent]:
        """Member incidents (one row per source) of the groups attributed to the subject,
        optionally only groups dated in ``years``, against ``target``, destructive; by
        incident id, then a report's own voice before claimants, then source."""
        f = t.attribution_facts.c
        where: list[ColumnElement[bool]] = []
        if years is not None:
            where += [f.group_year >= years[0], f.group_year <= years[1]]
        if destructive is not None:
            where.append(f.destructive == int(destructive))
        if target is not None:  # every source of an incident has a row per target country
            where.append(f.country == target)
        # dates as the driver gives them: ``_date`` parses SQLite's text in C, where
        # SQLAlchemy's per-value conversion was a third of an actor timeline
        q = subject_rows((f.incident_id, f.by_claimant, f.source, f.group_id,
                          type_coerce(f.group_start, Text), f.group_year, f.destructive,
                          f.targets, f.kinds, type_coerce(f.time_start, Text),
                          type_coerce(f.time_end, Text), f.time_precision, f.time_text),
                         states, actor_ids, actor_names, where)
        if q is None:
            return []
        # an incident's rows repeat its record and group: decoded once
        decoded: dict[str, tuple[tuple[str, ...], tuple[str, ...], PartialDate | None,
                                 dt.date | None]] = {}
        out = []
        # sorted here (code-point order, as SQLite compares text), so both databases list an
        # event's sources alike
        for (iid, _, source, gid, gstart, gyear, destr, targets, kinds, start, end, precision,
             text) in sorted(set(self._tuples(q))):
            known = decoded.get(iid)
            if known is None:
                known = decoded[iid] = (
                    codec.strings(targets), codec.strings(kinds),
                    partial_date(start, end, precision, text), _date(gstart))
            out.append(GroupEvent(gid, known[3], gyear, bool(destr), iid, known[0], known[1],
                                  known[2], source))
        return out


#: (incident id, by claimant, source, group id, group year, targets JSON, kinds JSON, time
#: start, end, precision, text): see ``GroupQueries.subject_event_rows``
EventRow = tuple[str, int, str, str, int | None, str, str, Any, Any, str | None, str | None]


@functools.lru_cache(maxsize=8192)
def partial_date(start: Any, end: Any, precision: Any, text: Any) -> PartialDate | None:
    """A ``PartialDate`` from its four columns as the driver gives them (memoized: a state's
    timeline decodes tens of thousands of dates, most of them repeats; the record is immutable,
    so one instance serves every row)."""
    if start is None:
        return None
    return PartialDate(_date(start) or dt.date.min, _date(end) or dt.date.max, precision,
                       text or "")


def _group_row(r: Any) -> GroupRow:
    return GroupRow(r["incident_id"], r["group_id"], _date(r["group_start"]), r["group_year"],
                    bool(r["destructive"]))
