"""Read-only queries the analysis layer needs, mixed into ``Store``.

They exist because analysis must answer in well under a second on a knowledge base of tens of
thousands of documents: instead of loading whole records one by one, each query fetches only
the columns an assessment, a reach table or a timeline uses, for many ids at once, chunked so
that no ``IN (...)`` list grows past the databases' limits. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    union,
    union_all,
)

from cybertrack.model import Claim, Incident, Link, PartialDate
from cybertrack.store import codec
from cybertrack.store import schema as t
from cybertrack.store.group_queries import GroupQueries
from cybertrack.store.summary import ATTRIBUTING, attributed_to_terms, one_of, unique_chunks
from cybertrack.store.timeline_queries import TimelineQueries

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A document without its text: what a report shows as a claim's source."""

    id: str
    source: str
    title: str | None
    publisher: str | None
    published: PartialDate | None
    reliability: str
    media_type: str
    external_id: str | None
    extractor_version: str = ""

    @property
    def origin(self) -> str:
        """Which body of reporting the document belongs to: a tracker import is one dataset
        (its rows are distinct events by the tracker's own coding); any other document is its
        own origin."""
        if self.extractor_version == "tracker":
            return f"tracker:{self.publisher or self.source}"
        return self.id


class AttributionRow(NamedTuple):
    """One attributing claim with its incident's targets and time, flattened for reach."""

    claim_id: str
    incident_id: str
    document_id: str
    kind: str
    attributed_state: str | None
    attributed_actor: str | None
    attributed_actor_id: str | None
    claimant_name: str | None
    claimant_basis: str | None
    confidence: str | None
    targets: tuple[str, ...]
    kinds: tuple[str, ...]
    time: PartialDate | None
    publisher: str | None
    published: PartialDate | None


_DOC_INFO_COLUMNS = (
    t.documents.c.id, t.documents.c.source, t.documents.c.title, t.documents.c.publisher,
    t.documents.c.published_start, t.documents.c.published_end,
    t.documents.c.published_precision, t.documents.c.published_text,
    t.documents.c.reliability, t.documents.c.media_type, t.documents.c.external_id,
    t.documents.c.extractor_version,
)


def _doc_info(row: Any) -> DocumentInfo:
    return DocumentInfo(
        id=row["id"], source=row["source"], title=row["title"], publisher=row["publisher"],
        published=codec.row_to_partial_date(row, "published"), reliability=row["reliability"],
        media_type=row["media_type"], external_id=row["external_id"],
        extractor_version=row["extractor_version"] or "",
    )


class AnalyticsQueries(GroupQueries, TimelineQueries):
    """Bulk, column-lean reads for ``cybertrack.analysis`` and ``cybertrack.resolve``."""

    if TYPE_CHECKING:
        def _all(self, query: Select[Any]) -> list[Any]: ...

    def documents_info(self, ids: Iterable[str]) -> dict[str, DocumentInfo]:
        """Title, publisher, date and reliability of each document id found (text left out)."""
        out: dict[str, DocumentInfo] = {}
        for chunk in unique_chunks(ids):
            q = select(*_DOC_INFO_COLUMNS).where(
                one_of(t.documents.c.id, chunk, self._engine.dialect.name))
            out.update((r["id"], _doc_info(r)) for r in self._all(q))
        return out

    def incidents_by_id(self, ids: Iterable[str]) -> list[Incident]:
        """The incidents with these ids (unknown ids are skipped), earliest first."""
        out: list[Incident] = []
        for chunk in unique_chunks(ids):
            q = select(t.incidents).where(
                one_of(t.incidents.c.id, chunk, self._engine.dialect.name))
            out.extend(codec.row_to_incident(r) for r in self._all(q))
        out.sort(key=lambda i: (i.time is None, i.time.start if i.time else dt.date.min, i.id))
        return out

    def incident_ids_like(self, prefix: str, limit: int = 20) -> list[str]:
        """Incident ids starting with ``prefix`` (so a person can type a short id)."""
        q = (select(t.incidents.c.id).where(t.incidents.c.id.startswith(prefix, autoescape=True))
             .order_by(t.incidents.c.id).limit(limit))
        return [r["id"] for r in self._all(q)]

    def link_ids_like(self, prefix: str, limit: int = 20) -> list[str]:
        """Link ids starting with ``prefix``."""
        q = (select(t.links.c.id).where(t.links.c.id.startswith(prefix, autoescape=True))
             .order_by(t.links.c.id).limit(limit))
        return [r["id"] for r in self._all(q)]

    def incident_links(
        self, record_ids: Iterable[str], *, min_score: float = 0.0,
    ) -> list[Link]:
        """Incident links touching any of ``record_ids`` that count for grouping: accepted
        ones, and proposed ones scoring at least ``min_score``; rejected links never count."""
        lc = t.links.c
        found: dict[str, Link] = {}
        for chunk in unique_chunks(record_ids):
            # Only the end columns in the WHERE clause: with kind/status there too, SQLite may
            # prefer the (kind, status) index and scan every link; the rest is filtered here.
            for column in (lc.a, lc.b):
                for r in self._all(select(t.links).where(column.in_(chunk))):
                    link = codec.row_to_link(r)
                    if link.kind == "incident" and (link.status == "accepted" or (
                            link.status == "proposed" and link.score >= min_score)):
                        found[link.id] = link
        return sorted(found.values(), key=lambda x: (-x.score, x.id))

    def attribution_keys(
        self, incident_ids: Iterable[str] | None = None, *, with_denials: bool = False,
    ) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """Incident id -> (states, actors) its asserted attributing claims name; actors are
        entity ids, else case-folded names. ``None`` means every incident.

        ``with_denials`` adds each state that denies the incident: a denial answers an
        accusation, so it names the accused as surely as an attribution does (what linking
        needs; views that show who attributes leave it off)."""
        c = t.claims.c
        state: ColumnElement[Any] = c.attributed_state
        which: ColumnElement[bool] = and_(c.kind.in_(ATTRIBUTING), c.stance == "asserts")
        if with_denials:  # the accused: the state a denial names, else the one denying
            state = case((c.kind == "denial",
                          func.coalesce(c.attributed_state, c.claimant_country)),
                         else_=c.attributed_state).label("attributed_state")
            which = or_(which, c.kind == "denial")
        base = select(c.incident_id, state, c.attributed_actor_id,
                      c.attributed_actor).where(which, c.polarity == "asserted",
                                                c.incident_id.is_not(None))
        queries = ([base] if incident_ids is None
                   else [base.where(c.incident_id.in_(ch)) for ch in unique_chunks(incident_ids)])
        states: dict[str, set[str]] = {}
        actors: dict[str, set[str]] = {}
        for q in queries:
            for r in self._all(q):
                iid = r["incident_id"]
                if r["attributed_state"]:
                    states.setdefault(iid, set()).add(r["attributed_state"])
                actor = r["attributed_actor_id"] or (r["attributed_actor"] or "").casefold()
                if actor:
                    actors.setdefault(iid, set()).add(actor)
        return {k: (frozenset(states.get(k, ())), frozenset(actors.get(k, ())))
                for k in states.keys() | actors.keys()}

    def actor_ids_sponsored_by(self, state: str) -> list[str]:
        """Threat-actor entity ids whose suspected sponsor is ``state``."""
        e = t.entities.c
        q = select(e.id).where(e.kind == "threat-actor", e.sponsor == state).order_by(e.id)
        return [r["id"] for r in self._all(q)]

    def attribution_rows(
        self, *, states: Sequence[str] = (), actor_ids: Sequence[str] = (),
        actor_names: Sequence[str] = (), target: str | None = None,
    ) -> list[AttributionRow]:
        """Attributing claims (attribution, self-claim; asserted) naming any of ``states`` as
        the state or any of ``actor_ids``/``actor_names`` as the actor, each with its incident's
        targets, kinds and time; ``target`` keeps incidents against that country only."""
        c, i, d = t.claims.c, t.incidents.c, t.documents.c
        who = attributed_to_terms(states, actor_ids, actor_names)
        if not who:
            return []
        attributing = (c.kind.in_(ATTRIBUTING), c.stance == "asserts", c.polarity == "asserted")
        q = (
            select(
                c.id.label("claim_id"), c.incident_id, c.document_id, c.kind,
                c.attributed_state, c.attributed_actor, c.attributed_actor_id,
                c.claimant_name, c.claimant_basis, c.confidence, i.targets, i.kinds,
                i.time_start, i.time_end, i.time_precision, i.time_text, d.publisher,
                d.published_start, d.published_end, d.published_precision, d.published_text,
            )
            .join(t.incidents, i.id == c.incident_id)
            .join(t.documents, d.id == c.document_id)
        )
        if self._engine.dialect.name == "postgresql":
            # PostgreSQL ORs the indexes itself (a BitmapOr over ix_claims_by_actor_id and
            # migration 0014's ix_claims_by_actor_lower); given the UNION below it hashed
            # the ids against a scan of every claim (0.06 -> 0.1 s on the 50k bench KB)
            q = q.where(*attributing, or_(*who))
        else:
            # the claims' ids found one SELECT per kind of name, UNIONed, each from its own
            # index (ix_claims_by_state, _by_actor_id, _by_actor_lower): with an OR of them
            # SQLite read every attributing claim through ix_claims_kind. The rows come in
            # the order that scan gave them (kind, then rowid), which the actor report's
            # ties keep
            found = union(*(select(c.id).where(*attributing, term) for term in who))
            q = q.where(c.id.in_(found)).order_by(c.kind, literal_column("claims.rowid"))
        if target is not None:
            q = q.join(t.incident_targets, and_(t.incident_targets.c.incident_id == i.id,
                                                t.incident_targets.c.country == target))
        decoded: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        out = []
        for r in self._all(q):
            tk = decoded.get(r["incident_id"])
            if tk is None:
                tk = decoded[r["incident_id"]] = (codec.strings(r["targets"]),
                                                  codec.strings(r["kinds"]))
            out.append(AttributionRow(
                r["claim_id"], r["incident_id"], r["document_id"], r["kind"],
                r["attributed_state"], r["attributed_actor"], r["attributed_actor_id"],
                r["claimant_name"], r["claimant_basis"], r["confidence"], tk[0], tk[1],
                codec.row_to_partial_date(r, "time"), r["publisher"],
                codec.row_to_partial_date(r, "published"),
            ))
        return out

    def responses_between(self, a: str, b: str) -> list[Claim]:
        """Response claims by ``a`` against ``b`` or by ``b`` against ``a``."""
        c = t.claims.c
        # one indexed lookup per direction: with an OR, SQLite reads every response claim
        ways = [select(t.claims).where(c.kind == "response", c.actor_state == x,
                                       c.target_state == y)
                for x, y in ((a, b), (b, a))[:1 if a == b else 2]]
        q = (ways[0] if len(ways) == 1 else union_all(*ways)).subquery()
        return [codec.row_to_claim(r) for r in self._all(
            select(q).order_by(q.c.document_id, q.c.sentence_start, q.c.id))]

    def response_dates_of(self, claim_ids: Iterable[str]) -> dict[str, dt.date]:
        """The ``response_dates`` date of each of ``claim_ids`` that has one."""
        rd = t.response_dates.c
        out: dict[str, dt.date] = {}
        for chunk in unique_chunks(claim_ids):
            for r in self._all(select(rd.claim_id, rd.response_date)
                               .where(rd.claim_id.in_(chunk))):
                d = r["response_date"]
                out[r["claim_id"]] = d if isinstance(d, dt.date) else dt.date.fromisoformat(d)
        return out

    def earliest_responses(self, slack_days: int = 3, *,
                           after: Mapping[str, dt.date] | None = None) -> list[Claim]:
        """For each response action, the response claims tied to an incident whose date
        (event date, else claim date, else the document's publication) falls within
        ``slack_days`` of that action's earliest such date: the candidates for "the first
        time a state did X over a cyber incident", with every source that reports it. A
        response dated before the start of its incident cannot be a response to it and is
        left out (it is an extraction error or a different event). Dates and that rule are
        applied when claims are stored (``response_dates``), so this reads one index.

        ``after`` (action -> date): only those actions, and for each the earliest date after
        the one given: the next candidates when the earliest did not make a first."""
        rd, c = t.response_dates.c, t.claims.c
        firsts: dict[str, dt.date] = {}
        earliest = select(rd.action, func.min(rd.response_date).label("first"))
        if after is not None:
            if not after:
                return []
            earliest = earliest.where(or_(*(and_(rd.action == a, rd.response_date > d)
                                            for a, d in after.items())))
        for r in self._all(earliest.group_by(rd.action)):
            first = r["first"]
            if first is not None:  # SQLite returns min() over dates as text
                firsts[r["action"]] = (first if isinstance(first, dt.date)
                                       else dt.date.fromisoformat(first))
        parts = [select(rd.claim_id).where(
                     rd.action == action,
                     rd.response_date <= first + dt.timedelta(days=slack_days),
                     *((rd.response_date > after[action],) if after else ()))
                 for action, first in firsts.items()]
        if not parts:
            return []
        ids = [r["claim_id"] for r in self._all(union_all(*parts).subquery().select())]
        out: list[Claim] = []
        for chunk in unique_chunks(ids):
            out.extend(codec.row_to_claim(r) for r in self._all(
                select(t.claims).where(c.id.in_(chunk))))
        return sorted(out, key=lambda x: (x.action or "", x.document_id, x.sentence.start))


__all__ = ["AnalyticsQueries", "AttributionRow", "DocumentInfo"]
