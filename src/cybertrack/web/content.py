"""What pages and the API both do: actor and country views, charts, exports, writes.

Each function takes the app's ``WebState`` and calls the library (``analysis``, ``report``,
``export``, ``resolve``, ``store.curation``, ``batch``); pages render the result with Jinja,
the API returns it as JSON.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from fastapi.responses import Response

from cybertrack.analysis import reach
from cybertrack.analysis.reach import Reach
from cybertrack.errors import CybertrackError, NotFoundError, UnknownEntityError, WebRequestError
from cybertrack.export.select import Selection, select_records
from cybertrack.model import Entity, Link
from cybertrack.reference import RefEntry
from cybertrack.reference.records import Country
from cybertrack.report.document import Report
from cybertrack.web.app import WebState
from cybertrack.web.jobs import Job
from cybertrack.web.views import EventPage, ListQuery, list_events

SVG = "image/svg+xml"
#: Incident records a "download this selection" may hold.
MAX_EXPORT = 5000


def svg(data: bytes | None) -> Response:
    if data is None:
        raise NotFoundError("chart (nothing to draw)", "-")
    return Response(data, media_type=SVG, headers={"cache-control": "private, max-age=60"})


def incident_chart(ct: WebState, incident_id: str) -> bytes | None:
    from cybertrack.analysis import incident_timeline
    from cybertrack.report.charts import timeline_chart
    from cybertrack.resolve.ids import find_incident

    full = find_incident(ct.store, incident_id)
    return ct.charts.svg(("incident", full), lambda d: timeline_chart(
        incident_timeline(ct.store, full, ct.ref), d, "timeline"))


def _reach(ct: WebState, key: str) -> Reach:
    return ct.cache.get(("reach", key), lambda: reach(ct.store, key, ct.ref))


def reach_chart(ct: WebState, kind: str, name: str, chart: str) -> bytes | None:
    from cybertrack.report.charts import target_map, targets_by_year

    key = _reach_key(*_actor(ct, name)) if kind == "actor" else ct.ref.country(name).code
    if chart not in ("targets-by-year", "map"):
        raise NotFoundError("chart", chart)
    r = _reach(ct, key)
    if chart == "map":
        return ct.charts.svg(("map", key), lambda d: target_map(r, d, ct.ref))
    return ct.charts.svg(("years", key), lambda d: targets_by_year(r, d))


# --- actor and country ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActorView:
    entry: RefEntry
    in_reference: bool
    info: dict[str, Any]
    by_vendor: dict[str, list[str]]
    other_aliases: tuple[str, ...]
    disagreements: tuple[tuple[Link, str, str], ...]
    sponsor: str | None
    kb: Report
    reach: Reach
    incidents: EventPage


def _actor(ct: WebState, name: str) -> tuple[RefEntry, bool]:
    """The reference entry, else an actor only this knowledge base knows (as an entry)."""
    try:
        return ct.ref.actor(name), True
    except UnknownEntityError:
        key = name.casefold()
        found: Entity | None = next(
            (e for e in ct.store.entities("threat-actor")
             if key in {n.casefold() for n in (e.id, e.name, *e.aliases)}), None)
        if found is None:
            raise
        return RefEntry(found.id, "threat-actor", found.name, found.aliases, found.country,
                        found.sponsor, vendor_aliases=found.vendor_aliases), False


def _reach_key(entry: RefEntry, in_reference: bool) -> str:
    """What ``analysis.reach`` resolves to this actor: the reference id, or for an actor
    only the knowledge base knows, its name (reach looks those up by name and alias)."""
    return entry.id if in_reference else entry.name


def actor_view(ct: WebState, name: str) -> ActorView:
    from cybertrack.report.actor import actor_kb_report

    entry, known = _actor(ct, name)
    by_vendor: dict[str, list[str]] = defaultdict(list)
    credited = set()
    for alias, vendor in entry.vendor_aliases:
        by_vendor[vendor].append(alias)
        credited.add(alias.casefold())
    others = tuple(a for a in entry.aliases if a.casefold() not in credited)
    links = []
    for link in ct.ref.actor_links(entry.id) if known else []:
        other = link.b if link.a == entry.id else link.a
        try:
            other_name = ct.ref.entry(other).name
        except CybertrackError:
            other_name = other
        links.append((link, other, other_name))
    sponsor = None
    if entry.sponsor:
        try:
            sponsor = ct.ref.country(entry.sponsor).name
        except CybertrackError:
            sponsor = entry.sponsor
    info = ct.ref.actor_info(entry.id) if known else {"sources": [], "ext_ids": [],
                                                      "victims": [], "actor_kind": "group"}
    return ActorView(entry, known, info, dict(sorted(by_vendor.items())), others, tuple(links),
                     sponsor, actor_kb_report(ct.store, entry, ct.ref),
                     _reach(ct, _reach_key(entry, known)),
                     list_events(ct.store, ct.ref, ListQuery(attributed_to=entry.name,
                                                             per_page=50)))


@dataclass(frozen=True, slots=True)
class CountryView:
    country: Country
    reach: Reach
    reach_report: Report
    attributed: EventPage
    targeted: EventPage
    actors: tuple[RefEntry, ...]


def country_view(ct: WebState, name: str) -> CountryView:
    from cybertrack.report.reach import reach_report

    c = ct.ref.country(name)
    r = _reach(ct, c.code)
    actors = tuple(sorted((e for e in ct.ref.entries("threat-actor") if e.sponsor == c.code),
                          key=lambda e: e.name))
    return CountryView(c, r, reach_report(r, ct.ref),
                       list_events(ct.store, ct.ref, ListQuery(attributed_to=c.code,
                                                               per_page=50)),
                       list_events(ct.store, ct.ref, ListQuery(target=c.code, per_page=50)),
                       actors)


# --- exports ----------------------------------------------------------------------------------


def selection_ids(ct: WebState, query: ListQuery) -> list[str]:
    """Every incident record of the events the list query selects (all pages)."""
    from dataclasses import replace

    everything = list_events(ct.store, ct.ref, replace(query, page=1, per_page=1), ct.cache)
    total = everything.total
    ids: list[str] = []
    page = 1
    while len(ids) < total:
        rows = list_events(ct.store, ct.ref, replace(query, page=page, per_page=100),
                           ct.cache).rows
        if not rows:
            break
        ids += [r.group_id for r in rows]
        page += 1
    members = ct.store.group_members(ids)
    out = list(dict.fromkeys(i for g in ids for i in members.get(g, [g])))
    if len(out) > MAX_EXPORT:
        raise WebRequestError(f"the selection holds {len(out)} incident records, more than the "
                            f"{MAX_EXPORT} a download may hold: narrow the filters, or use "
                            "`cybertrack export` for the whole knowledge base")
    return out


def selection_of(ct: WebState, incident_ids: list[str]) -> Selection:
    """An export ``Selection`` of exactly these incident records (``export.select_records``:
    the same records a CLI export of them holds)."""
    incidents = ct.store.incidents_by_id(incident_ids)
    return select_records(ct.store, sorted(incidents, key=lambda i: (i.document_id, i.id)))


def export_response(ct: WebState, query: ListQuery, fmt: str) -> Response:
    import json

    from cybertrack.export import stix_bundle, write_tables
    from cybertrack.textsafe import json_safe

    if fmt not in ("stix", "misp", "csv"):
        raise WebRequestError(f"format {fmt!r} is unknown; choose stix, misp or csv")
    sel = selection_of(ct, selection_ids(ct, query))
    if fmt == "stix":
        body = json_safe(json.dumps(stix_bundle(sel), ensure_ascii=False, indent=1))
        return _download(body.encode("utf-8"), "application/stix+json;version=2.1",
                         "cybertrack-selection.stix.json")
    if fmt == "misp":
        from cybertrack.export import write_misp

        return _download(write_misp(sel, None).encode("utf-8"), "application/json",
                         "cybertrack-selection.misp.json")
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="cybertrack-export-") as tmp, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in write_tables(sel, Path(tmp), "csv"):
            zf.write(path, path.name)
    return _download(buf.getvalue(), "application/zip", "cybertrack-selection-csv.zip")


def _download(body: bytes, media: str, name: str) -> Response:
    return Response(body, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


# --- writes -----------------------------------------------------------------------------------

LINK_ACTIONS = {"accept": "accepted", "reject": "rejected", "reset": "proposed",
                "undo": "proposed"}


def review_link(ct: WebState, link_id: str, action: str, why: str, *, by: str) -> Link:
    """Accept, reject or reset (undo) an incident link. The link history keeps who decided;
    the reason is kept with it (``by: reason``), as link events have no separate field."""
    from cybertrack.resolve import review
    from cybertrack.resolve.ids import find_link

    status = LINK_ACTIONS.get(action)
    if status is None:
        raise WebRequestError(f"action {action!r} is unknown; choose accept, reject or reset")
    why = " ".join(why.split())[:300]
    link = review(ct.store, find_link(ct.store, link_id), status,
                  by=f"{by}: {why}" if why else by)
    ct.changed()
    return link


def curate_record(ct: WebState, kind: str, record_id: str, action: str, why: str, *,
                  by: str) -> Any:
    """Reject, accept or reset a claim or incident record (``store.curation``)."""
    from cybertrack.store.curation import curate, curations, find_record

    if kind not in ("claim", "incident"):
        raise WebRequestError(f"record kind {kind!r} is unknown; choose claim or incident")
    if action not in ("reject", "accept", "reset"):
        raise WebRequestError(f"action {action!r} is unknown; choose reject, accept or reset")
    why = " ".join(why.split())[:300]
    if action == "reject" and not why:
        raise WebRequestError("a rejection needs a reason (why): it is shown wherever the "
                            "record is")
    full = find_record(ct.store, kind, record_id)
    curate(ct.store, kind, full, action, by=by, why=why)
    ct.changed()
    return curations(ct.store, kind, [full]).get(full)


async def start_ingest(ct: WebState, files: list[UploadFile], urls: str) -> Job:
    limit = ct.config.max_upload_bytes
    got: list[tuple[str, bytes]] = []
    total = 0
    for f in files:
        if not f.filename:
            continue
        data = await f.read(limit + 1)
        total += len(data)
        if total > limit:
            raise WebRequestError(f"the upload is larger than {limit} bytes; ingest large "
                                "batches with `cybertrack ingest`")
        got.append((f.filename, data))
    wanted = [u.strip() for u in urls.split() if u.strip()]
    bad = [u for u in wanted if not u.lower().startswith(("http://", "https://"))]
    if bad:
        raise WebRequestError(f"not an http(s) URL: {bad[0][:200]!r}")
    if not got and not wanted:
        raise WebRequestError("nothing to ingest: choose files or give URLs (one a line)")
    return ct.jobs.start(got, wanted[:100])


def job(ct: WebState, job_id: str) -> Job:
    found = ct.jobs.get(job_id)
    if found is None:
        raise NotFoundError("ingest job", job_id)
    return found
