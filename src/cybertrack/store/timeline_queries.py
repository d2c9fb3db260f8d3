"""Stored timelines of incident groups (table ``timeline_groups``, migration 0007), mixed into
``Store``.

A state's timeline lists thousands of events: reading and weighing every report of every
response at read time took most of a second at 50,000 documents. What a timeline shows of one
incident group does not depend on who asks, so ``cybertrack.analysis.timeline`` computes
it once per group and stores it here as one text (the store does not read it); a subject's
timeline then reads its groups' texts and, from ``attribution_facts``, who attributed each
group to it. Writes that change a group mark it (``summary.mark_timeline_stale``); readers
compute the marked groups first. A subject's whole timeline, once worked out, is kept in
``timeline_subjects`` (migration 0008) until group timelines are next rewritten.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, select, text, tuple_

from cybertrack.store import schema as t
from cybertrack.store.summary import (
    ATTRIBUTING,
    CHUNK,
    drop_subject_timelines,
    subject_rows,
    unique_chunks,
    upsert,
)

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection


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

    def write_group_timelines(self, marks: Sequence[tuple[str, str]],
                              timelines: Mapping[str, str]) -> None:
        """Replace the stored timelines of the marked groups by ``timelines`` (group id ->
        encoded events; a marked group left out has none), each with who attributes it to
        whom as ``attribution_facts`` has it now, and clear the marks that still carry the
        token read, in one transaction."""
        g, s, f = t.timeline_groups, t.timeline_stale, t.attribution_facts.c
        with self._write(f"cannot store the timelines of {len(marks)} incident groups") as conn:
            for chunk in unique_chunks(gid for gid, _ in marks):
                conn.execute(delete(g).where(g.c.group_id.in_(chunk)))
            # an upsert: another reader may have stored the same group since the delete
            for chunk in unique_chunks(timelines):
                # group id -> (state, actor id, actor name) -> sources
                said: dict[str, dict[tuple[str, ...], dict[str, None]]] = {}
                selves = _self_claimers(conn, chunk)
                for gid, state, actor_id, actor_name, source in conn.execute(
                        select(f.group_id, f.state, f.actor_id, f.actor_name, f.source)
                        .where(f.group_id.in_(chunk))):
                    key = (_blank(state), _blank(actor_id), _blank(actor_name))
                    mark = _SELF if (gid, source) in selves else ""
                    said.setdefault(gid, {}).setdefault(key, {})[mark + _blank(source)] = None
                conn.execute(upsert(conn, g, ("events", "attributions")), [
                    {"group_id": gid, "events": timelines[gid],
                     "attributions": _LINE.join(
                         _FIELD.join((*key, _LIST.join(sorted(sources))))
                         for key, sources in sorted(said.get(gid, {}).items()))}
                    for gid in chunk])
            for start in range(0, len(marks), CHUNK):
                conn.execute(delete(s).where(tuple_(s.c.group_id, s.c.token).in_(
                    list(marks[start:start + CHUNK]))))
            drop_subject_timelines(conn)  # any stored subject timeline may hold these groups

    def subject_group_timelines(self, states: Sequence[str] = (),
                                actor_ids: Sequence[str] = (), actor_names: Sequence[str] = (),
                                *, target: str | None = None,
                                years: tuple[int, int] | None = None,
                                ) -> list[tuple[str, str, tuple[str, ...]]]:
        """(group id, encoded events, sources) of the groups attributed to the subject (and
        targeting ``target``, and dated within ``years``, if given); the sources are those
        attributing the group to the subject, sorted. The groups are found in
        ``attribution_facts`` and their sources read from the stored attributions: reading a
        state's thirty thousand fact rows back cost as much as its events."""
        f, g = t.attribution_facts.c, t.timeline_groups.c
        groups = subject_rows((f.group_id,), states, actor_ids, actor_names,
                              _filters(target, years))
        if groups is None:
            return []
        who = (set(states), set(actor_ids), set(actor_names))
        return [(gid, events, _sources(attributions, *who)) for gid, events, attributions
                in self._tuples(select(g.group_id, g.events, g.attributions)
                                .where(g.group_id.in_(groups)))]

    def stored_subject_timeline(self, subject: str) -> tuple[int, str | None]:
        """The current generation of the stored group timelines, and ``subject``'s stored
        whole timeline if it was worked out at that generation (else None)."""
        gen, sub = t.timeline_generation, t.timeline_subjects
        rows = self._tuples(select(gen.c.n, sub.c.events).select_from(gen.outerjoin(
            sub, and_(sub.c.subject == subject, sub.c.generation == gen.c.n))))
        return (int(rows[0][0]), rows[0][1]) if rows else (0, None)

    def write_subject_timeline(self, subject: str, generation: int, events: str) -> None:
        """Store ``subject``'s whole timeline as worked out at ``generation`` (replacing the
        one stored; read only while the generation is current)."""
        with self._write(f"cannot store the timeline of {subject!r}") as conn:
            if conn.dialect.name == "postgresql":
                # a whole state's timeline is megabytes of text: PostgreSQL's default pglz
                # compression took 45 of its 60 ms; lz4, where the server has it, a few
                conn.execute(text(
                    "SELECT set_config('default_toast_compression', 'lz4', true) "
                    "FROM pg_settings WHERE name = 'default_toast_compression' "
                    "AND 'lz4' = ANY(enumvals)"))
            conn.execute(upsert(conn, t.timeline_subjects, ("generation", "events")),
                         [{"subject": subject, "generation": generation, "events": events}])


#: Separators of the stored attributions: one line per (state, actor id, actor name) a group is
#: attributed to, its fields by unit separator, the line's sources by record separator; a
#: source that claimed the act for itself starts with ``_SELF``.
_LINE, _FIELD, _LIST, _SELF = "\n", "\x1f", "\x1e", "\x1d"
_BLANKED = str.maketrans({_LINE: " ", _FIELD: " ", _LIST: " ", _SELF: " "})
#: How a self-claiming source is shown: its own claim, never an attribution to its sponsor.
SELF_CLAIM_LABEL = "{} (self-claim)"


def _self_claimers(conn: Connection, group_ids: Sequence[str]) -> set[tuple[str, str]]:
    """(group id, source as ``attribution_facts`` names it) of the sources that claimed a
    group's act for themselves (a ``self-claim``, or an actor as claimant): a self-claim
    names the group's sponsor as its state, and a state's timeline must not read it as that
    sponsor being blamed by the group (``attribution_facts`` keeps no claim kind)."""
    c, d, g = t.claims.c, t.documents.c, t.incident_groups.c
    source = func.coalesce(c.claimant_name, d.publisher, "unnamed source")
    q = (select(g.group_id, source)
         .join_from(t.claims, t.incident_groups, g.incident_id == c.incident_id)
         .join(t.documents, d.id == c.document_id)
         .where(g.group_id.in_(list(group_ids)), c.kind.in_(ATTRIBUTING),
                c.stance == "asserts", c.polarity == "asserted",
                (c.kind == "self-claim") | (c.claimant_kind == "actor")).distinct())
    return {(gid, src) for gid, src in conn.execute(q)}


def _blank(value: str) -> str:
    return value.translate(_BLANKED)


def _sources(attributions: str, states: set[str], actor_ids: set[str], actor_names: set[str],
             ) -> tuple[str, ...]:
    """The sources of the stored ``attributions`` (lines of state, actor id, actor name and
    their sources) whose line names one of the states, actor ids or actor names, sorted."""
    if not attributions:
        return ()
    out: list[str] = []
    for line in attributions.split(_LINE):
        state, actor_id, actor_name, sources = _attribution(line)
        if state in states or actor_id in actor_ids or actor_name in actor_names:
            out += sources
    if len(out) > 1:
        out = sorted(set(out), key=lambda x: (x.startswith(_SELF), x))  # self-claims last
    return tuple(SELF_CLAIM_LABEL.format(x[1:]) if x.startswith(_SELF) else x for x in out)


@functools.lru_cache(maxsize=65536)
def _attribution(line: str) -> tuple[str, str, str, tuple[str, ...]]:
    """One stored attribution line, split (memoized: the same state, actor and sources recur
    across a state's thousands of groups)."""
    state, actor_id, actor_name, sources = line.split(_FIELD)
    return state, actor_id, actor_name, tuple(sources.split(_LIST))


def _filters(target: str | None, years: tuple[int, int] | None) -> list[ColumnElement[bool]]:
    f = t.attribution_facts.c
    out: list[ColumnElement[bool]] = []
    if target is not None:
        out.append(f.country == target)
    if years is not None:
        out += [f.group_year >= years[0], f.group_year <= years[1]]
    return out
