"""Curation by hand: a person rejects or accepts a claim or an incident, or sets an incident's
targets or date, with who, when and why.

Decisions are appended to ``curation_events`` and never deleted (``reset`` is one more event),
so every view can say who decided what and every decision can be undone. ``curations`` holds
what a record's events add up to now, rewritten in the transaction that appends the event, so
views read one row per record, and the derived ``attribution_facts`` rows of the incident's
group are rewritten in the same transaction (``summary.refresh_facts`` leaves rejected claims
and incidents out and applies hand-set targets and dates), so reach, subject timelines and
firsts honour it too. What views do with it (``cybertrack.analysis``): a rejected
claim is left out of assessments, chains, timelines, reach and firsts and marked in exports;
a rejected incident is shown as rejected and left out of listings unless asked for; targets
and a date set by hand replace what extraction read, and are shown as set by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, func, select

from cybertrack.errors import AmbiguousIdError, NotFoundError, StoreError
from cybertrack.model import PartialDate
from cybertrack.store import codec
from cybertrack.store import schema as t
from cybertrack.store.store import Store
from cybertrack.store.summary import mark_timeline_stale, refresh_facts

RecordKind = Literal["claim", "incident"]
RECORD_KINDS: tuple[str, ...] = ("claim", "incident")
ACTIONS: tuple[str, ...] = ("reject", "accept", "reset", "set")
FIELDS: tuple[str, ...] = ("targets", "date")


@dataclass(frozen=True, slots=True)
class CurationEvent:
    """One decision, as appended."""

    record_kind: str
    record_id: str
    seq: int
    action: str
    field: str | None
    value: str | None
    by: str
    at: str
    why: str

    def describe(self) -> str:
        """"rejected by ana on 2026-11-27: wrong date" """
        what = {"reject": "rejected", "accept": "accepted", "reset": "reset (decisions undone)"
                }.get(self.action, f"{self.field} set to {self.value}")
        return f"{what} by {self.by} on {self.at[:10]}" + (f": {self.why}" if self.why else "")


@dataclass(frozen=True, slots=True)
class Curation:
    """What a record's decisions add up to now."""

    record_kind: str
    record_id: str
    status: str | None  # rejected | accepted | None
    targets: tuple[str, ...] | None
    date: PartialDate | None
    by: str
    at: str
    why: str

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"

    def describe(self) -> str:
        """"rejected by ana (2026-11-27): wrong date; targets set by hand: AL, XK" """
        parts = []
        if self.status:
            parts.append(f"{self.status} by {self.by} ({self.at[:10]})"
                         + (f": {self.why}" if self.why else ""))
        if self.targets is not None:
            parts.append(f"targets set by hand: {', '.join(self.targets) or 'none'}")
        if self.date is not None:
            parts.append(f"date set by hand: {self.date.iso()}")
        if not self.status and parts:
            parts[-1] += f" (by {self.by}, {self.at[:10]}" + (
                f": {self.why})" if self.why else ")")
        return "; ".join(parts)


def _check(what: str, value: str | None, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise StoreError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")


def find_record(store: Store, kind: str, text: str) -> str:
    """The full id of a claim or incident from its id or a unique prefix (with or without
    ``claim--``/``incident--``)."""
    _check("record kind", kind, RECORD_KINDS)
    table = t.claims if kind == "claim" else t.incidents
    text = text.strip()
    prefix = text if text.startswith(f"{kind}--") else f"{kind}--{text}"
    with store._read() as conn:
        exact = conn.execute(select(table.c.id).where(table.c.id == prefix)).scalar()
        if exact is not None:
            return str(exact)
        like = list(conn.execute(select(table.c.id).where(
            table.c.id.startswith(prefix, autoescape=True)).order_by(table.c.id).limit(20)
        ).scalars())
    if len(like) == 1:
        return str(like[0])
    if not like:
        raise NotFoundError(kind, text)
    raise AmbiguousIdError(kind, text, like)


def curate(store: Store, kind: str, record_id: str, action: str, *, by: str, why: str = "",
           targets: Iterable[str] | None = None, date: PartialDate | None = None,
           ) -> list[CurationEvent]:
    """Append a decision about one record and return the events appended. ``action``:
    ``reject``, ``accept``, ``reset`` (undo every decision: the record is as extracted again),
    or ``set`` (with ``targets`` and/or ``date``, incidents only). The record must exist."""
    _check("record kind", kind, RECORD_KINDS)
    _check("curation action", action, ACTIONS)
    changes: list[tuple[str | None, str | None]] = []
    if action == "set":
        if kind != "incident":
            raise StoreError("only an incident's targets or date can be set by hand; reject "
                             "a wrong claim instead (cybertrack claim reject ID --why ...)")
        if targets is not None:
            changes.append(("targets", json.dumps(sorted(dict.fromkeys(targets)))))
        if date is not None:
            changes.append(("date", date.interval() if date.precision == "range"
                            else date.iso()))
        if not changes:
            raise StoreError("nothing to set: give --targets and/or --date")
    else:
        changes.append((None, None))
    table = t.claims if kind == "claim" else t.incidents
    ev = t.curation_events.c
    now = codec.utc_now()
    out = []
    with store._write(f"cannot record a decision about {kind} {record_id}") as conn:
        if conn.execute(select(table.c.id).where(table.c.id == record_id)).scalar() is None:
            raise NotFoundError(kind, record_id)
        seq = int(conn.execute(select(func.coalesce(func.max(ev.seq), 0)).where(
            ev.record_kind == kind, ev.record_id == record_id)).scalar_one())
        for field, value in changes:
            seq += 1
            row = {"record_kind": kind, "record_id": record_id, "seq": seq, "action": action,
                   "field": field, "value": value, "made_by": by, "at": now, "why": why}
            conn.execute(t.curation_events.insert().values(**row))
            out.append(_event(row))
        _rewrite_state(conn, kind, record_id)
        incident_ids = [record_id] if kind == "incident" else [
            i for i in conn.execute(select(t.claims.c.incident_id).where(
                t.claims.c.id == record_id)).scalars() if i]
        if incident_ids:
            # the derived rows reach and subject timelines read, for the whole group (a date
            # set by hand dates every member's rows), and the group's stored timeline
            g = t.incident_groups.c
            members = set(conn.execute(select(g.incident_id).where(g.group_id.in_(
                select(g.group_id).where(g.incident_id.in_(incident_ids))))).scalars())
            refresh_facts(conn, sorted(members | set(incident_ids)))
            mark_timeline_stale(conn, incident_ids=set(incident_ids))
    return out


def _event(row: dict[str, object]) -> CurationEvent:
    return CurationEvent(str(row["record_kind"]), str(row["record_id"]), int(str(row["seq"])),
                         str(row["action"]), _opt(row["field"]), _opt(row["value"]),
                         str(row["made_by"]), str(row["at"]), str(row["why"]))


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _rewrite_state(conn: Connection, kind: str, record_id: str) -> None:
    """``curations`` row of one record from its events (deleted when they add up to nothing)."""
    ev, cur = t.curation_events.c, t.curations.c
    rows = conn.execute(select(t.curation_events).where(
        ev.record_kind == kind, ev.record_id == record_id).order_by(ev.seq)).mappings()
    status: str | None = None
    fields: dict[str, str] = {}
    last: dict[str, object] | None = None
    for r in rows:
        last = dict(r)
        if r["action"] == "reset":
            status, fields = None, {}
        elif r["action"] in ("reject", "accept"):
            status = "rejected" if r["action"] == "reject" else "accepted"
        elif r["field"]:
            fields[str(r["field"])] = str(r["value"])
    conn.execute(t.curations.delete().where(cur.record_kind == kind, cur.record_id == record_id))
    if last is None or (status is None and not fields):
        return
    conn.execute(t.curations.insert().values(
        record_kind=kind, record_id=record_id, status=status, targets=fields.get("targets"),
        date_value=fields.get("date"), made_by=last["made_by"], at=last["at"],
        why=last["why"]))


def _state(row: object) -> Curation:
    r = dict(row)  # type: ignore[call-overload]
    targets = tuple(json.loads(r["targets"])) if r["targets"] is not None else None
    date = PartialDate.parse(r["date_value"]) if r["date_value"] else None
    return Curation(r["record_kind"], r["record_id"], r["status"], targets, date,
                    r["made_by"], r["at"], r["why"])


def curations(store: Store, kind: str, record_ids: Iterable[str] | None = None
              ) -> dict[str, Curation]:
    """The current curation of each record of ``kind`` (only those ids when given; records
    nobody curated are absent)."""
    _check("record kind", kind, RECORD_KINDS)
    cur = t.curations.c
    q = select(t.curations).where(cur.record_kind == kind)
    if record_ids is None:
        return {r["record_id"]: _state(r) for r in store._all(q)}
    out: dict[str, Curation] = {}
    ids = list(dict.fromkeys(record_ids))
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        out.update((r["record_id"], _state(r)) for r in store._all(
            q.where(cur.record_id.in_(chunk))))
    return out


def rejected_ids(store: Store, kind: str) -> set[str]:
    """Ids of the records of ``kind`` whose decisions end in a rejection."""
    cur = t.curations.c
    q = select(cur.record_id).where(cur.record_kind == kind, cur.status == "rejected")
    return {r["record_id"] for r in store._all(q)}


def history(store: Store, kind: str | None = None, record_id: str | None = None
            ) -> list[CurationEvent]:
    """Every decision, oldest first (of one kind, or of one record)."""
    _check("record kind", kind, RECORD_KINDS)
    ev = t.curation_events.c
    q = select(t.curation_events).order_by(ev.at, ev.record_kind, ev.record_id, ev.seq)
    if kind is not None:
        q = q.where(ev.record_kind == kind)
    if record_id is not None:
        q = q.where(ev.record_id == record_id)
    return [_event(dict(r)) for r in store._all(q)]
