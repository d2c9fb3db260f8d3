"""``cybertrack serve``: the web application, REST API and TAXII 2.1 feed (``cybertrack.web``)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cybertrack.cli.base import DbOption, app, console, fail, resolve_db

TOKEN_ENV = "CYBERTRACK_WRITE_TOKEN"


@app.command("serve")
def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(
        help="Address to listen on. The default answers this machine only; give 0.0.0.0 "
        "(all interfaces) only behind a proxy that adds TLS.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    write_token: Annotated[str | None, typer.Option(
        "--write-token", help=f"Allow writes (link review, curation, ingest) to whoever "
        f"sends this token: 'Authorization: Bearer TOKEN' for the API, or the login form "
        f"in the browser. Default: ${TOKEN_ENV}; without either the server is read-only.",
        show_default=False)] = None,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="A Host header value to answer (repeatable), e.g. the name "
        "a proxy forwards. Default: localhost, 127.0.0.1, ::1 and --host (any when --host "
        "is 0.0.0.0).", show_default=False)] = None,
    allow_private_urls: Annotated[bool, typer.Option(
        "--allow-private-urls", help="Let ingest from the browser fetch URLs on loopback "
        "and private addresses (refused by default).")] = False,
    workers_log: Annotated[str, typer.Option(
        "--log-level", help="uvicorn's log level: critical, error, warning, info, debug.")
    ] = "info",
) -> None:
    """Serve the knowledge base in a browser: home, search and incident lists with filters
    and downloads (STIX, MISP, CSV), incidents with their assessment and timeline, documents
    with mentions and claims highlighted, actors and countries with their reach, link
    review and curation, ingest with progress. The same data as JSON under /api/v1/
    (OpenAPI at /api/openapi.json, interactive docs at /api/docs) and as a TAXII 2.1 feed
    at /taxii2/. Read-only unless a write token is set. Stop with Ctrl+C."""
    import uvicorn

    from cybertrack.gcpause import freeze_long_lived
    from cybertrack.web import WebConfig, create_app

    token = write_token or os.environ.get(TOKEN_ENV) or None
    if token is not None and len(token) < 12:
        fail("--write-token is too short: use at least 12 characters (e.g. the output of "
             "`python -c 'import secrets; print(secrets.token_urlsafe())'`)")
    config = WebConfig(db=resolve_db(db), write_token=token, host=host,
                       allowed_hosts=tuple(allowed_host) if allowed_host else None,
                       allow_private_urls=allow_private_urls)
    web = create_app(config)
    freeze_long_lived()  # what the app keeps: no full collection walks it again
    shown = f"[{host}]" if ":" in host else host
    console.print(f"cybertrack: serving {web.state.ct.store.url} at http://{shown}:{port}/ "
                  f"({'writes need the token' if token else 'read-only'}); Ctrl+C stops",
                  highlight=False)
    uvicorn.run(web, host=host, port=port, log_level=workers_log, server_header=False,
                proxy_headers=False)
