"""The ASGI application: pages, the REST API, TAXII 2.1, and what they share.

``create_app(WebConfig(db=...))`` opens the knowledge base once and serves it. Every response
carries a strict Content-Security-Policy (no inline script, nothing from another origin, no
framing), ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``; requests
whose Host header is not one this server answers to are refused (a page on another site
cannot read the knowledge base through DNS rebinding). Errors from the library become 404
(unknown record), 400 (a bad filter) or 409 (an id or term matching several records), as a
page or as JSON under ``/api/`` and ``/taxii2/``.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cybertrack.errors import AmbiguousIdError, CybertrackError, NotFoundError, ReferenceDataError
from cybertrack.reference import Reference, load_reference
from cybertrack.store import Store
from cybertrack.web.auth import Auth
from cybertrack.web.charts import ChartCache
from cybertrack.web.jobs import Jobs
from cybertrack.web.views import TTLCache

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True, slots=True)
class WebConfig:
    """How the app is served. ``write_token`` None: read-only. ``allowed_hosts``: the Host
    header values answered (None: the local names and ``host``; ``*`` for any)."""

    db: str
    write_token: str | None = None
    host: str = "127.0.0.1"
    allowed_hosts: tuple[str, ...] | None = None
    allow_private_urls: bool = False
    max_upload_bytes: int = 50 * 1024 * 1024
    cache_seconds: float = 30.0

    def hosts(self) -> list[str]:
        if self.allowed_hosts is not None:
            return list(self.allowed_hosts)
        if self.host in ("0.0.0.0", "::", ""):
            return ["*"]
        return list(dict.fromkeys((*LOCAL_HOSTS, self.host)))


@dataclass
class WebState:
    """What every request handler reads: the store, reference data, auth, caches, jobs."""

    config: WebConfig
    store: Store
    ref: Reference
    auth: Auth
    templates: Environment
    cache: TTLCache
    charts: ChartCache
    jobs: Jobs
    instance: str = field(default_factory=lambda: secrets.token_hex(4))

    def changed(self) -> None:
        """A write happened: drop what was computed from the old state."""
        self.cache.clear()
        self.charts.clear()


def state(request: Request) -> WebState:
    ct: WebState = request.app.state.ct
    return ct


def package_dir(name: str) -> Path:
    return Path(str(resources.files("cybertrack.web") / name))


class SecurityHeaders:
    """Adds the security headers to every HTTP response (a plain ASGI middleware, so
    streaming and static responses get them too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in SECURITY_HEADERS if h[0] not in have)]
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/taxii2"))


def _error(request: Request, status: int, message: str, **extra: Any) -> Response:
    if _wants_json(request):
        media = "application/taxii+json;version=2.1" if request.url.path.startswith(
            "/taxii2") else "application/json"
        body = {"title": message, "http_status": str(status)} if media.startswith(
            "application/taxii") else {"detail": message, **extra}
        return JSONResponse(body, status_code=status, media_type=media)
    ct = state(request)
    page = ct.templates.get_template("error.html").render(
        request=request, code=status, message=message, ct=ct, session=None,
        writable=ct.auth.writable, **extra)
    return HTMLResponse(page, status_code=status)


def create_app(config: WebConfig) -> FastAPI:
    """The app over the knowledge base ``config.db`` (opened now, closed on shutdown)."""
    from cybertrack.analysis.search import AmbiguousSearchError
    from cybertrack.web import api, pages, taxii

    store = Store.open(config.db)
    templates = Environment(loader=FileSystemLoader(str(package_dir("templates"))),
                            autoescape=select_autoescape(default=True, default_for_string=True),
                            trim_blocks=True, lstrip_blocks=True)
    cache = TTLCache(config.cache_seconds)
    charts = ChartCache()
    ct_holder: list[WebState] = []
    jobs = Jobs(store, lambda: ct_holder[0].changed(), config.allow_private_urls)
    ct = WebState(config, store, load_reference(), Auth(config.write_token), templates, cache,
                  charts, jobs)
    ct_holder.append(ct)
    pages.setup_templates(ct)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        lifespan=lifespan, title="cybertrack", version="1",
        description="Claims about state cyber operations: incidents, who attributes them to "
        "whom and how confidently, denials and responses, each tied to its sentence. "
        "Read-only unless the server was started with a write token (send it as "
        "`Authorization: Bearer TOKEN`).",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.ct = ct

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(ReferenceDataError)
    async def unknown(request: Request, exc: ReferenceDataError) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(AmbiguousSearchError)
    async def ambiguous_search(request: Request, exc: AmbiguousSearchError) -> Response:
        return _error(request, 409, f"{exc.term!r} matches {len(exc.hits)} incidents",
                      candidates=[{"incident_id": h.incident_id, "title": h.title,
                                   "date": h.date.iso() if h.date else None,
                                   "targets": list(h.targets)} for h in exc.hits[:50]])

    @app.exception_handler(AmbiguousIdError)
    async def ambiguous(request: Request, exc: AmbiguousIdError) -> Response:
        return _error(request, 409, str(exc))

    @app.exception_handler(CybertrackError)
    async def bad(request: Request, exc: CybertrackError) -> Response:
        return _error(request, 400, str(exc))

    app.include_router(api.router)
    app.include_router(taxii.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(package_dir("static"))), name="static")

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=config.hosts())
    app.add_middleware(SecurityHeaders)
    return app
