"""The REST API under ``/api/v1/``: JSON for everything the pages show.

Lists take their filters and pages as query parameters (the same names as the incidents
page's, so a page's URL and its API URL differ only in the path). Writes (link review,
curation, ingest) need ``Authorization: Bearer TOKEN`` with the token the server was started
with; without a token configured every write is refused. The OpenAPI document is at
``/api/openapi.json`` and its interactive docs at ``/api/docs``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from cybertrack.web import content
from cybertrack.web.app import WebState, state
from cybertrack.web.views import (
    ListQuery,
    cached_search,
    document_view,
    event_json,
    incident_view,
    jsonable,
    link_rows,
    list_events,
    summary,
)

router = APIRouter(prefix="/api/v1", tags=["knowledge base"])
St = Annotated[WebState, Depends(state)]
Page = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]
PerPage = Annotated[int, Query(ge=1, le=100, description="Items per page (at most 100).")]
Status = Literal["", "contested", "single-source", "attributed", "unattributed",
                 "self-claimed", "denied"]
Sort = Literal["", "relevance", "date", "-date", "reports", "-reports", "title"]


def require_write(request: Request, ct: St) -> None:
    """Writes need the bearer token (403 when the server is read-only or it is wrong)."""
    if not ct.auth.writable:
        raise HTTPException(403, "this server is read-only: start it with --write-token "
                            "(or $CYBERTRACK_WRITE_TOKEN) to allow changes")
    if not ct.auth.bearer_ok(request):
        raise HTTPException(401, "send the write token as 'Authorization: Bearer TOKEN'",
                            headers={"WWW-Authenticate": "Bearer"})


Writer = Annotated[None, Depends(require_write)]


class Decision(BaseModel):
    """A review or curation decision."""

    action: Literal["accept", "reject", "reset"] = Field(
        description="accept, reject, or reset (undo: proposed again / as extracted).")
    why: str = Field("", max_length=1000, description="Why (required to reject a claim or "
                     "incident record); kept with the decision.")
    by: str = Field("api", max_length=100, description="Who decides (kept in the history).")


@router.get("/summary")
def api_summary(ct: St) -> dict[str, Any]:
    """What the knowledge base holds: record counts, the latest events, the states and
    actors most often named by attributions (events counted once)."""
    s = ct.cache.get(("summary",), lambda: summary(ct.store, ct.ref))
    return {"counts": s.counts, "recent": [event_json(r) for r in s.recent],
            "states": jsonable(s.states), "actors": jsonable(s.actors),
            "proposed_links": s.proposed_links}


@router.get("/incidents")
def api_incidents(
    ct: St,
    q: Annotated[str, Query(max_length=500, description="Full-text search (as `cybertrack "
                            "search`): words, \"a phrase\", a OR b, -word.")] = "",
    since: Annotated[str, Query(max_length=20, description="Dated on or after (2022-07-15, "
                                "2022-07 or 2022).")] = "",
    until: Annotated[str, Query(max_length=20, description="Dated on or before.")] = "",
    kind: Annotated[str, Query(max_length=50, description="Incident kind.")] = "",
    sector: Annotated[str, Query(max_length=100, description="Target sector.")] = "",
    target: Annotated[str, Query(max_length=100, description="Target country (code or "
                                 "name).")] = "",
    attributed_to: Annotated[str, Query(max_length=200, description="A state or actor some "
                                        "source attributes it to.")] = "",
    source: Annotated[str, Query(max_length=200, description="Part of a reporting "
                                 "document's publisher, title or address.")] = "",
    status: Annotated[Status, Query(description="Assessment status.")] = "",
    sort: Annotated[Sort, Query(description="Order (default: relevance with q, else "
                                "latest first).")] = "",
    page: Page = 1, per_page: PerPage = 25, include_rejected: bool = False,
) -> dict[str, Any]:
    """Events (reports of one incident listed once) matching every filter given."""
    result = list_events(ct.store, ct.ref, ListQuery(
        q, since, until, kind, sector, target, attributed_to, source, status, sort, page,
        per_page, include_rejected), ct.cache)
    return {"total": result.total, "page": result.query.page,
            "per_page": result.query.per_page, "pages": result.pages,
            "notes": list(result.notes), "incidents": [event_json(r) for r in result.rows],
            "actors": jsonable(result.actors)}


@router.get("/search")
def api_search(
    ct: St, q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=200)] = 20, include_rejected: bool = False,
) -> dict[str, Any]:
    """Full-text search, exactly `cybertrack search`: events and actors."""
    found = cached_search(ct.cache, ct.store, ct.ref, q, limit, include_rejected)
    return {"query": q, "incidents": [{**jsonable(h), "short_id": h.short_id}
                                      for h in found.incidents],
            "actors": jsonable(found.actors)}


@router.get("/incidents/{term}")
def api_incident(ct: St, term: str) -> Response:
    """One incident across every report, as `cybertrack incident --format json` gives it:
    reports, links, assessment (claimants, basis, stated confidence), self-claims, denials,
    what followed with lags, every claim. ``term``: an id, a prefix or a search term (409
    with the candidates when it matches several events)."""
    from cybertrack.analysis.search import resolve_incident
    from cybertrack.textsafe import json_safe

    full = resolve_incident(ct.store, term, ct.ref)
    view = ct.cache.get(("incident", full), lambda: incident_view(ct.store, ct.ref, full))
    import json

    body = {"id": full, "title": view.assessment.case.title, "statuses": list(view.statuses),
            **view.report.data,
            "timeline_chart": f"/incident/{full}/timeline.svg"}
    return Response(json_safe(json.dumps(body, ensure_ascii=False, default=str)),
                    media_type="application/json")


@router.get("/documents/{document_id}")
def api_document(ct: St, document_id: str) -> dict[str, Any]:
    """A document: metadata, text, mentions (spans, labels, entities), incidents and claims
    (with their sentence spans)."""
    v = document_view(ct.store, document_id)
    return {"document": jsonable(v.document), "mentions": jsonable(v.mentions),
            "incidents": jsonable(v.incidents), "claims": jsonable(v.claims),
            "groups": v.groups}


@router.get("/actors/{name}")
def api_actor(ct: St, name: str) -> dict[str, Any]:
    """A threat actor: aliases by vendor, where sources disagree, sponsor, what the
    knowledge base attributes to it, and its reach."""
    from cybertrack.report.reach import reach_report

    v = ct.cache.get(("actor", name), lambda: content.actor_view(ct, name))
    return {"actor": jsonable(v.entry), "in_reference": v.in_reference, "info": v.info,
            "aliases_by_vendor": v.by_vendor, "other_aliases": list(v.other_aliases),
            "disagreements": [{"link": jsonable(link), "other": o, "other_name": n}
                              for link, o, n in v.disagreements],
            "sponsor": v.sponsor, "knowledge_base": v.kb.data,
            "reach": reach_report(v.reach, ct.ref).data,
            "incidents": [event_json(r) for r in v.incidents.rows],
            "charts": {"targets_by_year": f"/actor/{v.entry.id}/targets-by-year.svg",
                       "map": f"/actor/{v.entry.id}/map.svg"}}


@router.get("/countries/{name}")
def api_country(ct: St, name: str) -> dict[str, Any]:
    """A country: reference data, its reach as a state, the incidents attributed to it and
    those against it, the actors it is suspected to sponsor."""
    v = ct.cache.get(("country", name), lambda: content.country_view(ct, name))
    code = v.country.code
    return {"country": jsonable(v.country), "reach": v.reach_report.data,
            "attributed": [event_json(r) for r in v.attributed.rows],
            "targeted": [event_json(r) for r in v.targeted.rows],
            "sponsored_actors": [{"id": e.id, "name": e.name} for e in v.actors],
            "charts": {"targets_by_year": f"/country/{code}/targets-by-year.svg",
                       "map": f"/country/{code}/map.svg"}}


@router.get("/links")
def api_links(
    ct: St,
    status: Annotated[Literal["", "proposed", "accepted", "rejected"],
                      Query(description="Only links with this status.")] = "",
    page: Page = 1, per_page: PerPage = 25,
) -> dict[str, Any]:
    """Incident links (reports that may be one event), best first, with their history."""
    total, rows = link_rows(ct.store, status or None, page, per_page)
    return {"total": total, "page": page, "per_page": per_page, "links": [
        {**jsonable(r.link), "a_title": r.a_title, "b_title": r.b_title,
         "history": jsonable(r.history)} for r in rows]}


@router.post("/links/{link_id}")
def api_review_link(ct: St, _: Writer, link_id: str, decision: Decision) -> dict[str, Any]:
    """Accept, reject or reset (undo) a link; the incidents it joins are regrouped."""
    link = content.review_link(ct, link_id, decision.action, decision.why, by=decision.by)
    return {"link": jsonable(link)}


@router.post("/curation/{kind}/{record_id}")
def api_curate(ct: St, _: Writer, kind: Literal["claim", "incident"], record_id: str,
               decision: Decision) -> dict[str, Any]:
    """Reject (with a reason), accept or reset a claim or incident record."""
    now = content.curate_record(ct, kind, record_id, decision.action, decision.why,
                                by=decision.by)
    return {"kind": kind, "curation": jsonable(now)}


@router.get("/curation")
def api_curation_history(ct: St, limit: Annotated[int, Query(ge=1, le=1000)] = 100
                         ) -> dict[str, Any]:
    """The latest curation decisions, newest first."""
    from cybertrack.store.curation import history

    return {"events": jsonable(history(ct.store)[-limit:][::-1])}


@router.post("/ingest", status_code=202)
async def api_ingest(
    ct: St, _: Writer, files: Annotated[list[UploadFile] | None, File()] = None,
    urls: Annotated[str, Form(description="URLs to fetch, one per line.")] = "",
) -> JSONResponse:
    """Start an ingest batch of uploaded files and/or URLs; poll the job for progress."""
    job = await content.start_ingest(ct, files or [], urls)
    return JSONResponse(job.as_dict(), status_code=202,
                        headers={"location": f"/api/v1/ingest/{job.id}"})


@router.get("/ingest/{job_id}")
def api_job(ct: St, job_id: str) -> dict[str, object]:
    """An ingest job's state and progress events."""
    return content.job(ct, job_id).as_dict()


@router.get("/export")
def api_export(
    ct: St, format: Literal["stix", "misp", "csv"] = "stix",
    q: Annotated[str, Query(max_length=500)] = "",
    since: Annotated[str, Query(max_length=20)] = "",
    until: Annotated[str, Query(max_length=20)] = "",
    kind: Annotated[str, Query(max_length=50)] = "",
    sector: Annotated[str, Query(max_length=100)] = "",
    target: Annotated[str, Query(max_length=100)] = "",
    attributed_to: Annotated[str, Query(max_length=200)] = "",
    source: Annotated[str, Query(max_length=200)] = "",
    status: Status = "", include_rejected: bool = False,
) -> Response:
    """The events the same filters select, every report of each, as STIX 2.1, MISP or CSV
    tables (a zip)."""
    return content.export_response(ct, ListQuery(
        q, since, until, kind, sector, target, attributed_to, source, status, "", 1, 1,
        include_rejected), format)
