"""Which incident groups could rest a "first" on their reports, asked of the database.

``analysis.responses.incident_evidence`` accepts an event reported by a tracker record or by
two or more independent publishers. Reach's notable firsts try event after event until one
is so founded; on a knowledge base where few are (one publisher for everything), reading
every candidate's reports to find that out cost most of a state's reach. This module finds
the groups that *may* be founded in one statement, so the others are never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Text, case, cast, func, or_, select

from cybertrack.store import schema as t
from cybertrack.store.summary import CHUNK, subject_rows

if TYPE_CHECKING:
    from cybertrack.store.store import Store


def groups_with_evidence(store: Store, group_ids: Iterable[str]) -> set[str]:
    """The groups among ``group_ids`` with a tracker record among their reports or reports
    from at least two publishers (a document's publisher, else its source, in lower case).
    A superset of the groups ``incident_evidence`` accepts: it compares ``casefold``ed
    names, and two names ``casefold`` tells apart ``lower`` tells apart too (SQLite's
    ``lower`` folds ASCII only, which can only count more publishers)."""
    g, i, d = t.incident_groups.c, t.incidents.c, t.documents.c
    origin = func.lower(func.coalesce(func.nullif(d.publisher, ""), d.source))
    tracker = func.max(case((d.extractor_version == "tracker", 1), else_=0))
    ids = list(dict.fromkeys(group_ids))
    out: set[str] = set()
    with store._read() as conn:
        for start in range(0, len(ids), 5000):
            q = (select(g.group_id)
                 .join(t.incidents, i.id == g.incident_id)
                 .join(t.documents, d.id == i.document_id)
                 .where(g.group_id.in_(ids[start:start + 5000]))
                 .group_by(g.group_id)
                 .having(or_(func.count(func.distinct(origin)) >= 2, tracker == 1)))
            out.update(r[0] for r in conn.execute(q))
    return out


def may_have_evidence(group_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """Whether the group ``group_id`` *may* pass ``groups_with_evidence``: it holds two
    reports or more, or a tracker record. Two publishers take two documents, so two reports;
    a group of one report from an article never passes. Asked per fact row, of one set
    worked out once: the groups with a report other than the one that names them (a group's
    id is its smallest member's, so every group of two reports has one, and a group of one
    has none; were a group ever named otherwise, it would only be read for nothing, since
    ``groups_with_evidence`` decides), and the few tracker records' groups, where
    ``groups_with_evidence`` reads every candidate group's documents. Only the group id is
    asked of the fact row: "a member other than this row's incident" needed the fact row
    itself (Iran's 10,691 destructive rows on the 50k bench KB, each read to be dropped); and
    the set beats both a probe per row and counting every group's members (SQLite 13 -> 9
    ms, PostgreSQL 21 -> 13 ms for those rows)."""
    g, i, d = t.incident_groups.c, t.incidents.c, t.documents.c
    several = select(g.group_id).where(g.incident_id != g.group_id)
    tracked = (select(g.group_id).join(t.incidents, i.id == g.incident_id)
               .join(t.documents, d.id == i.document_id)
               .where(d.extractor_version == "tracker"))
    return or_(group_id.in_(several), group_id.in_(tracked))


def destructive_cells(store: Store, states: Sequence[str], actor_ids: Sequence[str],
                      actor_names: Sequence[str], years: tuple[int, int], *,
                      founded_only: bool = False) -> dict[tuple[int, str], list[str]]:
    """(group year, target country) -> the subject's destructive groups of that year against
    that country, in the order ``reach_events`` with that year and target lists them: by
    group start (undated last), then by their first incident id. Five columns of the
    subject's fact rows, where ``reach_events`` decodes every incident's row.
    ``founded_only``: only the groups that may rest a first on their reports
    (``may_have_evidence``; a cell left with none is absent), for callers that skip the
    others anyway: a state's thousands of one-report events are not read at all.

    With ``founded_only`` the groups are found first, from columns the subject's covering
    indexes hold (year, destructive flag, group), and only their rows are then read whole:
    otherwise each fact row of a group of one report was read to be dropped (Iran's 10,691
    destructive rows on the 50k bench KB, none founded)."""
    f = t.attribution_facts.c
    where: list[ColumnElement[bool]] = [f.group_year >= years[0], f.group_year <= years[1],
                                        f.destructive == 1]
    # read as plain tuples, PostgreSQL's JIT and parallel workers off (``GroupQueries._tuples``):
    # a correlated probe per row once made the planner cost this read past jit_above_cost, and
    # compiling it took 27 ms
    rows: list[Any] = []
    chunks: list[list[str] | None] = [None]
    if founded_only:
        found = subject_rows((f.group_id,), states, actor_ids, actor_names,
                             [*where, may_have_evidence(f.group_id)])
        groups = [] if found is None else sorted({r[0] for r in store._tuples(found)})
        chunks = [groups[k:k + CHUNK] for k in range(0, len(groups), CHUNK)]
    for chunk in chunks:
        q = subject_rows((f.group_id, cast(f.group_start, Text), f.group_year, f.incident_id,
                          f.country), states, actor_ids, actor_names,
                         where if chunk is None else [*where, f.group_id.in_(chunk)])
        if q is not None:
            rows += store._tuples(q)
    by_cell: dict[tuple[int, str], list[tuple[bool, str, str, str]]] = {}
    for gid, start, year, iid, country in rows:
        day = "" if start is None else str(start)[:10]
        by_cell.setdefault((year, country), []).append((start is None, day, iid, gid))
    return {cell: list(dict.fromkeys(gid for *_, gid in sorted(entries)))
            for cell, entries in by_cell.items()}
