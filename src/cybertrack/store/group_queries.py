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

from sqlalchemy import Select, and_, case, distinct, func, or_, select

from cybertrack.model import PartialDate
from cybertrack.store import codec
from cybertrack.store import schema as t

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection

_CHUNK = 5000
ATTRIBUTING = ("attribution", "self-claim")


def _chunks(items: Iterable[str], size: int = _CHUNK) -> Iterator[list[str]]:
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
                for chunk in _chunks(r.incident_id for r in rows):
                    conn.execute(g.delete().where(g.c.incident_id.in_(chunk)))
            values = [{"incident_id": r.incident_id, "group_id": r.group_id,
                       "group_start": r.group_start, "group_year": r.group_year,
                       "destructive": int(r.destructive)} for r in rows]
            for start in range(0, len(values), _CHUNK):
                conn.execute(g.insert(), values[start:start + _CHUNK])

    def incident_groups_of(self, incident_ids: Iterable[str]) -> dict[str, GroupRow]:
        g = t.incident_groups.c
        out: dict[str, GroupRow] = {}
        for chunk in _chunks(incident_ids):
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

    def _attributed(self, states: Sequence[str], actor_ids: Sequence[str],
                    actor_names: Sequence[str]) -> Any:
        """Subquery: ids of incidents an asserted attributing claim gives to the subject."""
        c = t.claims.c
        who: list[ColumnElement[bool]] = []
        if states:
            who.append(c.attributed_state.in_(list(states)))
        if actor_ids:
            who.append(c.attributed_actor_id.in_(list(actor_ids)))
        if actor_names:
            who.append(func.lower(c.attributed_actor).in_([n.lower() for n in actor_names]))
        if not who:
            who.append(c.id.is_(None))  # matches nothing
        return (select(c.incident_id.label("id")).where(
            c.kind.in_(ATTRIBUTING), c.stance == "asserts", c.incident_id.is_not(None),
            or_(*who)).distinct().subquery("attributed"))

    def reach_cells(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                    actor_names: Sequence[str] = ()) -> list[ReachCell]:
        """Groups attributed to the subject per (year, target country), destructive ones apart.
        Incidents without a group row are not counted (refresh groups first)."""
        att = self._attributed(states, actor_ids, actor_names)
        g, tg = t.incident_groups.c, t.incident_targets.c
        q = (select(g.group_year, tg.country, func.count(distinct(g.group_id)).label("n"),
                    func.count(distinct(case((g.destructive == 1, g.group_id)))).label("d"))
             .select_from(att)
             .join(t.incident_groups, g.incident_id == att.c.id)
             .join(t.incident_targets, tg.incident_id == att.c.id)
             .group_by(g.group_year, tg.country))
        return [ReachCell(r["group_year"], r["country"], int(r["n"]), int(r["d"]))
                for r in self._all(q)]

    def reach_years(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                    actor_names: Sequence[str] = (), inside: Sequence[str] = ()
                    ) -> list[ReachYear]:
        """Groups per year, and those with a target outside the countries ``inside``."""
        att = self._attributed(states, actor_ids, actor_names)
        g, tg = t.incident_groups.c, t.incident_targets.c
        out_cond = tg.country.not_in(list(inside)) if inside else tg.country.is_not(None)
        q = (select(g.group_year, func.count(distinct(g.group_id)).label("n"),
                    func.count(distinct(case((out_cond, g.group_id)))).label("o"))
             .select_from(att)
             .join(t.incident_groups, g.incident_id == att.c.id)
             .outerjoin(t.incident_targets, tg.incident_id == att.c.id)
             .group_by(g.group_year))
        return [ReachYear(r["group_year"], int(r["n"]), int(r["o"])) for r in self._all(q)]

    def reach_sources(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                      actor_names: Sequence[str] = ()) -> list[tuple[int | None, str, int]]:
        """(year, source, groups): who attributes the subject's incidents, per year; a source
        is the claimant, or the publisher when the document speaks for itself."""
        c, g, d = t.claims.c, t.incident_groups.c, t.documents.c
        publisher = (select(d.publisher).where(d.id == c.document_id).scalar_subquery())
        source = func.coalesce(c.claimant_name, publisher, "unnamed source").label("source")
        who = self._attributed(states, actor_ids, actor_names)
        q = (select(g.group_year, source, func.count(distinct(g.group_id)).label("n"))
             .select_from(t.claims)
             .join(who, who.c.id == c.incident_id)
             .join(t.incident_groups, g.incident_id == c.incident_id)
             .where(c.kind.in_(ATTRIBUTING), c.stance == "asserts")
             .group_by(g.group_year, source))
        return [(r["group_year"], r["source"], int(r["n"])) for r in self._all(q)]

    def reach_events(self, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
                     actor_names: Sequence[str] = (), *, years: tuple[int, int] | None = None,
                     target: str | None = None, destructive: bool | None = None,
                     ) -> list[GroupEvent]:
        """Member incidents (one row per attributing claim) of the groups attributed to the
        subject, optionally only groups dated in ``years``, against ``target``, destructive."""
        c, g, i, d = t.claims.c, t.incident_groups.c, t.incidents.c, t.documents.c
        who = self._attributed(states, actor_ids, actor_names)
        publisher = select(d.publisher).where(d.id == c.document_id).scalar_subquery()
        q = (select(g.group_id, g.group_start, g.group_year, g.destructive, i.id, i.targets,
                    i.kinds, i.time_start, i.time_end, i.time_precision, i.time_text,
                    func.coalesce(c.claimant_name, publisher).label("source"))
             .select_from(t.claims)
             .join(who, who.c.id == c.incident_id)
             .join(t.incident_groups, g.incident_id == c.incident_id)
             .join(t.incidents, i.id == c.incident_id)
             .where(c.kind.in_(ATTRIBUTING), c.stance == "asserts"))
        if years is not None:
            q = q.where(g.group_year >= years[0], g.group_year <= years[1])
        if destructive is not None:
            q = q.where(g.destructive == int(destructive))
        if target is not None:
            tg = t.incident_targets.c
            q = q.join(t.incident_targets, and_(tg.incident_id == i.id, tg.country == target))
        decoded: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        out = []
        for r in self._all(q):
            tk = decoded.get(r["id"])
            if tk is None:
                tk = decoded[r["id"]] = (codec.strings(r["targets"]), codec.strings(r["kinds"]))
            out.append(GroupEvent(r["group_id"], _date(r["group_start"]), r["group_year"],
                                  bool(r["destructive"]), r["id"], tk[0], tk[1],
                                  codec.row_to_partial_date(r, "time"), r["source"]))
        return out


def _group_row(r: Any) -> GroupRow:
    return GroupRow(r["incident_id"], r["group_id"], _date(r["group_start"]), r["group_year"],
                    bool(r["destructive"]))
