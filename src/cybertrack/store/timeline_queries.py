"""Stored timelines of incident groups (table ``timeline_groups``, migration 0007), mixed into
``Store``.

A state's timeline lists thousands of events: reading and weighing every report of every
response at read time took most of a second at 50,000 documents. What a timeline shows of one
incident group does not depend on who asks, so ``cybertrack.analysis.timeline_rows`` computes
it once per group and stores it here as one text (the store does not read it); a subject's
timeline then reads its groups' texts and, from ``attribution_facts``, who attributed each
group to it. Writes that change a group mark it (``summary.mark_timeline_stale``); readers
compute the marked groups first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select, tuple_

from cybertrack.store import schema as t
from cybertrack.store.summary import CHUNK, subject_rows, unique_chunks

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection


#: Joins a group's sources in one text (a control character: no source name holds it).
SOURCE_SEPARATOR = "\x1e"


class TimelineQueries:
    """Reads and writes of ``timeline_groups`` and ``timeline_stale``."""

    if TYPE_CHECKING:
        def _write(self, what: str) -> AbstractContextManager[Connection]: ...
        def _tuples(self, query: Any) -> list[tuple[Any, ...]]: ...

    def stale_timeline_groups(self) -> list[tuple[str, str]]:
        """The groups marked for their timeline to be computed, as (group id, token)."""
        s = t.timeline_stale.c
        return [(r[0], r[1]) for r in self._tuples(
            select(s.group_id, s.token).order_by(s.group_id))]

    def group_members(self, group_ids: Iterable[str]) -> dict[str, list[str]]:
        """The member incident ids of each group, in id order (a group without members,
        one that linking dissolved, is absent)."""
        g = t.incident_groups.c
        out: dict[str, list[str]] = {}
        for chunk in unique_chunks(group_ids):
            for gid, iid in self._tuples(select(g.group_id, g.incident_id)
                                         .where(g.group_id.in_(chunk))):
                out.setdefault(gid, []).append(iid)
        for members in out.values():
            members.sort()
        return out

    def write_group_timelines(self, marks: Sequence[tuple[str, str]],
                              timelines: Mapping[str, str]) -> None:
        """Replace the stored timelines of the marked groups by ``timelines`` (group id ->
        encoded events; a marked group left out has none) and clear the marks that still
        carry the token read, in one transaction."""
        g, s = t.timeline_groups, t.timeline_stale
        values = [{"group_id": gid, "events": events} for gid, events in timelines.items()]
        with self._write(f"cannot store the timelines of {len(marks)} incident groups") as conn:
            for chunk in unique_chunks(gid for gid, _ in marks):
                conn.execute(delete(g).where(g.c.group_id.in_(chunk)))
            for start in range(0, len(values), CHUNK):
                conn.execute(insert(g), values[start:start + CHUNK])
            for start in range(0, len(marks), CHUNK):
                conn.execute(delete(s).where(tuple_(s.c.group_id, s.c.token).in_(
                    list(marks[start:start + CHUNK]))))

    def subject_group_timelines(self, states: Sequence[str] = (),
                                actor_ids: Sequence[str] = (), actor_names: Sequence[str] = (),
                                *, target: str | None = None
                                ) -> list[tuple[str, str, tuple[str, ...]]]:
        """(group id, encoded events, sources) of the groups attributed to the subject (and
        targeting ``target`` if given); the sources are those attributing the group to the
        subject, sorted. One statement: the database gathers each group's distinct sources
        (reading them as rows, a state's thirty thousand, cost as much as the events)."""
        f, g = t.attribution_facts.c, t.timeline_groups.c
        facts = subject_rows((f.group_id, f.source), states, actor_ids, actor_names,
                             _targeting(target))
        if facts is None:
            return []
        pairs = select(facts.subquery()).distinct().subquery()
        sources = (select(pairs.c.group_id,
                          func.aggregate_strings(pairs.c.source, SOURCE_SEPARATOR)
                          .label("sources"))
                   .group_by(pairs.c.group_id).subquery())
        q = select(g.group_id, g.events, sources.c.sources).join(
            sources, sources.c.group_id == g.group_id)
        return [(gid, events, tuple(sorted(joined.split(SOURCE_SEPARATOR))))
                for gid, events, joined in self._tuples(q)]


def _targeting(target: str | None) -> list[ColumnElement[bool]]:
    return [] if target is None else [t.attribution_facts.c.country == target]
