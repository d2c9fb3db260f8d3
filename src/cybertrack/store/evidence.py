"""Which incident groups could rest a "first" on their reports, asked of the database.

``analysis.responses.incident_evidence`` accepts an event reported by a tracker record or by
two or more independent publishers. Reach's notable firsts try event after event until one
is so founded; on a knowledge base where few are (one publisher for everything), reading
every candidate's reports to find that out cost most of a state's reach. This module finds
the groups that *may* be founded in one statement, so the others are never read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import case, func, or_, select

from cybertrack.store import schema as t

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
