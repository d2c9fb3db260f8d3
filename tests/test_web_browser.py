"""The web app in a real headless Chromium (Debian's ``chromium``, driven by Playwright):
home, search for the Albania case, filter, the incident, a document, the API docs under the
CSP, link review refused without the token and done with it, and an ingested article
carrying ``<script>`` and ``onerror=`` payloads shown as text with no script run.

Screenshots of the main pages go to ``out/web-screenshots/`` (not committed). The tests skip,
with the reason, when Playwright or Chromium is missing (``make test`` installs both where it
can). ``$CYBERTRACK_CHROMIUM`` names another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_helpers import TOKEN, copy_kb

CHROMIUM = os.environ.get("CYBERTRACK_CHROMIUM") or shutil.which("chromium") or \
    "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "out" / "web-screenshots"
HOSTILE = ("Title: Payload <script>window.__pwned=1</script> test\n"
           "Publisher: Hostile Desk\nPublished: 2023-03-02\n\n"
           "A cyberattack hit government servers in Estonia in February 2023. "
           'Officials said <img src=x onerror="window.__pwned=2"> Russia was behind the '
           "attack. <script>alert(document.domain)</script>\n")

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -c "
    "requirements/constraints.txt -e '.[dev]'; `make test` does this)")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium as root; `make "
                "test` does this where it can, or set $CYBERTRACK_CHROMIUM)",
                allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url(demo_kb_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 over a copy of the demo knowledge base."""
    import uvicorn

    from cybertrack.web import WebConfig, create_app

    db = copy_kb(demo_kb_file, tmp_path_factory.mktemp("web-browser") / "kb.db")
    port = _free_port()
    app = create_app(WebConfig(db=str(db), write_token=TOKEN))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    pg.errors = errors
    yield pg
    context.close()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_home_search_filter_incident_document(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.title().startswith("Home")
    assert page.locator("text=Latest incidents").count() == 1
    _shot(page, "home")
    page.fill("header input[name=q]", "Albania")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/incidents?q=Albania*")
    rows = page.locator("table.events tbody tr")
    assert rows.count() >= 1 and "Albania" in page.inner_text("table.events")
    # filter: attributed to Iran, destructive
    page.fill("form.filters input[name=attributed_to]", "Iran")
    page.select_option("form.filters select[name=kind]", "destruction")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**attributed_to=Iran*")
    assert "kind=destruction" in page.url
    filtered = page.locator("table.events tbody tr a[href^='/incident/']")
    assert filtered.count() >= 1
    assert "Iran" in page.inner_text("table.events")
    _shot(page, "search")
    filtered.first.click()
    page.wait_for_url("**/incident/incident--*")
    assert page.locator("h2", has_text="Attribution assessment").count() == 1
    assert "Iran" in page.inner_text("p.verdict")
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    assert page.evaluate("document.querySelector('img.chart').naturalWidth") > 0
    _shot(page, "incident")
    page.locator("a.sentence").first.click()
    page.wait_for_url("**/document/doc--*#claim-*")
    assert page.locator("article.doctext mark.ent").count() >= 1
    fragment = page.url.split("#", 1)[1]
    assert page.locator(f"#{fragment}").count() == 1
    assert page.errors == []


def test_actor_country_and_api_docs(page: Any, base_url: str) -> None:
    page.goto(base_url + "/actor/Lazarus%20Group")
    assert page.locator("h1", has_text="Lazarus Group").count() == 1
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    _shot(page, "actor")
    page.goto(base_url + "/country/RU")
    assert page.locator("h1", has_text="Russia").count() == 1
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    assert page.evaluate("document.querySelector('img.chart').naturalWidth") > 0
    _shot(page, "country")
    # Swagger UI runs from the vendored files under the strict CSP
    page.goto(base_url + "/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "cybertrack" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() >= 10
    assert page.errors == []


def test_accepting_a_link_needs_the_token(page: Any, base_url: str) -> None:
    page.goto(base_url + "/review")
    assert page.locator("form.decide").count() == 0  # no controls without a session
    link_id = page.get_attribute("table.links tbody tr a[href^='/incident/']", "href")
    assert link_id
    links = page.request.get(base_url + "/api/v1/links?status=proposed").json()["links"]
    first = links[0]["id"]
    refused = page.request.post(f"{base_url}/review/link/{first}",
                                form={"action": "accept", "why": "x"}, max_redirects=0)
    assert refused.status == 403
    api = page.request.post(f"{base_url}/api/v1/links/{first}", data={"action": "accept"})
    assert api.status == 401
    page.goto(base_url + "/login")
    page.fill("input[name=token]", "not the token")
    page.click("main form button[type=submit]")
    assert "not the write token" in page.inner_text("main")
    page.fill("input[name=token]", TOKEN)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/review")
    row = page.locator(f"tr#link-{first.split('--', 1)[1][:10]}")
    row.locator("input[name=why]").fill("same wiper, same week")
    row.locator("button[value=accept]").click()
    page.wait_for_url("**/review?status=proposed*")
    page.goto(base_url + "/review?status=accepted")
    accepted = page.locator(f"tr#link-{first.split('--', 1)[1][:10]}")
    assert accepted.count() == 1 and "same wiper" in accepted.inner_text()
    accepted.locator("button[value=reset]").click()  # undo
    assert page.errors == []


def test_hostile_article_is_shown_as_text_and_runs_nothing(page: Any, base_url: str,
                                                          tmp_path: Path) -> None:
    upload = tmp_path / "payload.txt"
    upload.write_text(HOSTILE, encoding="utf-8")
    page.goto(base_url + "/login")
    page.fill("input[name=token]", TOKEN)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/review")
    page.goto(base_url + "/ingest")
    page.set_input_files("input[name=files]", str(upload))
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/ingest/*")
    page.wait_for_selector("h1 .state-done", timeout=60_000)  # the page refreshes itself
    page.locator("a[href^='/document/']").first.click()
    page.wait_for_url("**/document/doc--*")
    text = page.inner_text("article.doctext")
    assert "<script>window.__pwned=1</script>" in text
    assert 'onerror="window.__pwned=2"' in text
    assert "<script>window.__pwned=1</script>" in page.inner_text("h1")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main script, main img[src=x]").count() == 0
    assert page.errors == []  # no alert(), no script error
