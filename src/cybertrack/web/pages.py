"""Server-rendered pages (Jinja, autoescaped): every view linkable, usable without JavaScript.

Forms that write (link review, curation, ingest, logout) post a CSRF token from the session;
``auth.Auth.form_ok`` checks it. Document text reaches templates only as strings, never as
markup, so autoescaping covers every title, sentence and name.
"""

from __future__ import annotations

import urllib.parse
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cybertrack.analysis.dates import human
from cybertrack.analysis.sources import BASIS_LABELS, country_name
from cybertrack.report.incident import says, short
from cybertrack.vocab import INCIDENT_KINDS
from cybertrack.web import content
from cybertrack.web.app import WebState, state
from cybertrack.web.auth import SESSION_COOKIE, SESSION_SECONDS
from cybertrack.web.views import (
    SORTS,
    STATUSES,
    ListQuery,
    anchor,
    document_view,
    incident_view,
    link_rows,
    list_events,
    summary,
)

router = APIRouter(include_in_schema=False)
St = Annotated[WebState, Depends(state)]


def setup_templates(ct: WebState) -> None:
    env = ct.templates
    env.globals.update(
        short=short, human=human, anchor=anchor, basis=lambda b: BASIS_LABELS.get(b, b),
        country=lambda c: country_name(c, ct.ref), quote=urllib.parse.quote,
        says=lambda s: says(s, ct.ref), kinds=sorted(INCIDENT_KINDS), statuses=STATUSES,
        sorts=SORTS, urlencode=lambda d: urllib.parse.urlencode(
            {k: v for k, v in d.items() if v not in (None, "")}))


def render(request: Request, ct: WebState, name: str, code: int = 200,
           **ctx: Any) -> HTMLResponse:
    session = ct.auth.session(request)
    page = ct.templates.get_template(name).render(
        request=request, ct=ct, session=session, csrf=session.csrf if session else "",
        writable=ct.auth.writable, path=request.url.path, code=code, **ctx)
    return HTMLResponse(page, status_code=code)


def _require_form_write(request: Request, ct: WebState, csrf: str | None) -> None:
    if not ct.auth.writable:
        raise WriteRefusedHTTP("this server is read-only: start it with --write-token (or "
                               "$CYBERTRACK_WRITE_TOKEN) to allow changes")
    if not ct.auth.form_ok(request, csrf):
        raise WriteRefusedHTTP("log in with the write token first (or the form expired: "
                               "reload the page and try again)")


class WriteRefusedHTTP(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def refused_page(request: Request, ct: WebState, exc: WriteRefusedHTTP) -> HTMLResponse:
    return render(request, ct, "error.html", code=403, message=exc.message)


def _list_query(q: str, since: str, until: str, kind: str, sector: str, target: str,
                attributed_to: str, source: str, status: str, sort: str, page: int,
                per_page: int, include_rejected: bool) -> ListQuery:
    return ListQuery(q.strip(), since.strip(), until.strip(), kind.strip(), sector.strip(),
                     target.strip(), attributed_to.strip(), source.strip(), status, sort,
                     page, per_page, include_rejected)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ct: St) -> HTMLResponse:
    s = ct.cache.get(("summary",), lambda: summary(ct.store, ct.ref))
    return render(request, ct, "home.html", summary=s)


@router.get("/search", response_class=HTMLResponse)
@router.get("/incidents", response_class=HTMLResponse)
def incidents(
    request: Request, ct: St, q: str = "", since: str = "", until: str = "", kind: str = "",
    sector: str = "", target: str = "", attributed_to: str = "", source: str = "",
    status: str = "", sort: str = "", page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 25, include_rejected: bool = False,
) -> HTMLResponse:
    query = _list_query(q, since, until, kind, sector, target, attributed_to, source, status,
                        sort, page, per_page, include_rejected)
    result = list_events(ct.store, ct.ref, query, ct.cache)
    return render(request, ct, "incidents.html", result=result, query=query,
                  filters=query.filters())


@router.get("/incidents/export")
def incidents_export(
    ct: St, format: str = "stix", q: str = "", since: str = "", until: str = "",
    kind: str = "", sector: str = "", target: str = "", attributed_to: str = "",
    source: str = "", status: str = "", include_rejected: bool = False,
) -> Response:
    query = _list_query(q, since, until, kind, sector, target, attributed_to, source, status,
                        "", 1, 1, include_rejected)
    return content.export_response(ct, query, format)


@router.get("/incident/{term}", response_class=HTMLResponse)
def incident(request: Request, ct: St, term: str) -> Response:
    from cybertrack.analysis.search import AmbiguousSearchError, resolve_incident

    try:
        full = resolve_incident(ct.store, term, ct.ref)
    except AmbiguousSearchError as exc:
        return render(request, ct, "choose.html", term=term, hits=exc.hits)
    view = ct.cache.get(("incident", full), lambda: incident_view(ct.store, ct.ref, full))
    return render(request, ct, "incident.html", view=view, a=view.assessment,
                  case=view.assessment.case)


@router.get("/incident/{incident_id}/timeline.svg")
def incident_chart(ct: St, incident_id: str) -> Response:
    return content.svg(content.incident_chart(ct, incident_id))


@router.get("/document/{document_id}", response_class=HTMLResponse)
def document(request: Request, ct: St, document_id: str) -> HTMLResponse:
    view = document_view(ct.store, document_id)
    return render(request, ct, "document.html", view=view, doc=view.document)


@router.get("/actor/{name}", response_class=HTMLResponse)
def actor(request: Request, ct: St, name: str) -> HTMLResponse:
    view = ct.cache.get(("actor", name), lambda: content.actor_view(ct, name))
    return render(request, ct, "actor.html", view=view)


@router.get("/actor/{name}/{chart}.svg")
def actor_chart(ct: St, name: str, chart: str) -> Response:
    return content.svg(content.reach_chart(ct, "actor", name, chart))


@router.get("/country/{name}", response_class=HTMLResponse)
def country(request: Request, ct: St, name: str) -> HTMLResponse:
    view = ct.cache.get(("country", name), lambda: content.country_view(ct, name))
    return render(request, ct, "country.html", view=view)


@router.get("/country/{name}/{chart}.svg")
def country_chart(ct: St, name: str, chart: str) -> Response:
    return content.svg(content.reach_chart(ct, "country", name, chart))


@router.get("/actors", response_class=HTMLResponse)
def actors(request: Request, ct: St) -> HTMLResponse:
    s = ct.cache.get(("summary",), lambda: summary(ct.store, ct.ref))
    return render(request, ct, "actors.html", summary=s,
                  entities=sorted(ct.store.entities("threat-actor"), key=lambda e: e.name))


# --- review and curation ----------------------------------------------------------------------


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, ct: St, status: str = "proposed",
           page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    if status not in ("proposed", "accepted", "rejected", "all"):
        status = "proposed"
    total, rows = link_rows(ct.store, None if status == "all" else status, page, 25)
    from cybertrack.store.curation import history

    recent = history(ct.store)[-25:][::-1]
    return render(request, ct, "review.html", rows=rows, total=total, status=status,
                  page=page, pages=max(1, -(-total // 25)), curations=recent)


@router.post("/review/link/{link_id}")
def review_link(
    request: Request, ct: St, link_id: str, action: Annotated[str, Form()],
    why: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/review",
) -> Response:
    try:
        _require_form_write(request, ct, csrf)
    except WriteRefusedHTTP as exc:
        return refused_page(request, ct, exc)
    content.review_link(ct, link_id, action, why, by="web")
    return RedirectResponse(_local(back), status_code=303)


@router.post("/curate/{kind}/{record_id}")
def curate_record(
    request: Request, ct: St, kind: str, record_id: str, action: Annotated[str, Form()],
    why: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/review",
) -> Response:
    try:
        _require_form_write(request, ct, csrf)
    except WriteRefusedHTTP as exc:
        return refused_page(request, ct, exc)
    content.curate_record(ct, kind, record_id, action, why, by="web")
    return RedirectResponse(_local(back), status_code=303)


def _local(path: str) -> str:
    """Only a path on this site is a redirect target (no open redirect)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


# --- ingest -----------------------------------------------------------------------------------


@router.get("/ingest", response_class=HTMLResponse)
def ingest_page(request: Request, ct: St) -> HTMLResponse:
    return render(request, ct, "ingest.html", jobs=ct.jobs.all())


@router.post("/ingest")
async def ingest_post(
    request: Request, ct: St, files: Annotated[list[UploadFile] | None, File()] = None,
    urls: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
) -> Response:
    try:
        _require_form_write(request, ct, csrf)
    except WriteRefusedHTTP as exc:
        return refused_page(request, ct, exc)
    job = await content.start_ingest(ct, files or [], urls)
    return RedirectResponse(f"/ingest/{job.id}", status_code=303)


@router.get("/ingest/{job_id}", response_class=HTMLResponse)
def ingest_job(request: Request, ct: St, job_id: str) -> HTMLResponse:
    job = content.job(ct, job_id)
    return render(request, ct, "job.html", job=job)


# --- login ------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, ct: St) -> HTMLResponse:
    return render(request, ct, "login.html", failed=False)


@router.post("/login")
def login(request: Request, ct: St, token: Annotated[str, Form()] = "") -> Response:
    if not ct.auth.token_ok(token):
        return render(request, ct, "login.html", code=403, failed=True)
    s = ct.auth.login()
    out = RedirectResponse("/review", status_code=303)
    out.set_cookie(SESSION_COOKIE, s.id, max_age=SESSION_SECONDS, httponly=True,
                   samesite="strict", secure=request.url.scheme == "https", path="/")
    return out


@router.post("/logout")
def logout(request: Request, ct: St, csrf: Annotated[str, Form()] = "") -> Response:
    if ct.auth.form_ok(request, csrf):
        ct.auth.logout(request)
    out = RedirectResponse("/", status_code=303)
    out.delete_cookie(SESSION_COOKIE, path="/")
    return out


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request, ct: St) -> HTMLResponse:
    """Swagger UI, served from this server (vendored), started by a script file."""
    return HTMLResponse(ct.templates.get_template("docs.html").render())
