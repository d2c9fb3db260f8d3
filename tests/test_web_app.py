"""The web app through the ASGI test client, on the demo knowledge base: every page and API
endpoint, filters and downloads, the security headers, read-only by default, the write token
(bearer and login with CSRF), and hostile article text shown as text."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cybertrack.report.showcase import albania_case_id
from cybertrack.store import Store
from web_helpers import TOKEN, client, copy_kb

BEARER = {"Authorization": f"Bearer {TOKEN}"}
HOSTILE = ("Title: Hostile <script>window.__pwned=1</script> report\n"
           "Publisher: Test Desk\nPublished: 2023-03-02\n\n"
           "A cyberattack hit government servers in Estonia in February 2023. "
           'Officials said <img src=x onerror="window.__pwned=2"> Russia was behind the '
           "attack, according to the Estonian government.\n")


@pytest.fixture(scope="module")
def kb(demo_kb_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_kb(demo_kb_file, tmp_path_factory.mktemp("web-app") / "kb.db")


@pytest.fixture(scope="module")
def web(kb: Path) -> Iterator[TestClient]:
    with client(kb) as c:
        yield c


@pytest.fixture(scope="module")
def case_id(kb: Path) -> str:
    with Store.open(str(kb)) as store:
        found = albania_case_id(store)
    assert found is not None
    return found


def test_every_response_carries_the_security_headers(web: TestClient) -> None:
    for url in ("/", "/static/style.css", "/api/v1/summary", "/taxii2/", "/nope"):
        r = web.get(url)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_home_shows_counts_recent_incidents_and_most_attributed(web: TestClient) -> None:
    r = web.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "documents" in r.text and "Latest incidents" in r.text
    assert 'href="/country/IR"' in r.text  # Iran is among the most attributed states
    assert 'name="q"' in r.text
    data = web.get("/api/v1/summary").json()
    assert data["counts"]["documents"] == 17
    assert data["states"][0]["name"] in {"Iran", "Russia", "North Korea", "China"}
    assert any(s["key"] == "IR" for s in data["states"])


def test_search_finds_the_albania_case_and_filters_narrow_it(web: TestClient,
                                                             case_id: str) -> None:
    r = web.get("/incidents", params={"q": "Albania"})
    assert r.status_code == 200 and "Albania" in r.text
    api = web.get("/api/v1/incidents", params={"q": "Albania"}).json()
    assert api["total"] >= 1
    ids = {i["group_id"] for i in api["incidents"]}
    with_filter = web.get("/api/v1/incidents", params={
        "q": "Albania", "attributed_to": "Iran", "kind": "destruction", "since": "2022-06",
        "until": "2022-09"}).json()
    assert 1 <= with_filter["total"] <= api["total"]
    assert {i["group_id"] for i in with_filter["incidents"]} <= ids
    assert any("Iran" in i["attributed"] for i in with_filter["incidents"])
    none = web.get("/api/v1/incidents", params={"target": "AL", "attributed_to": "China"})
    assert none.json()["total"] == 0


def test_list_filters_sort_and_pages(web: TestClient) -> None:
    everything = web.get("/api/v1/incidents", params={"per_page": 100}).json()
    assert everything["total"] >= 5
    page1 = web.get("/api/v1/incidents", params={"per_page": 2, "sort": "date"}).json()
    page2 = web.get("/api/v1/incidents", params={"per_page": 2, "sort": "date",
                                                 "page": 2}).json()
    assert page1["pages"] == -(-everything["total"] // 2)
    assert not {i["group_id"] for i in page1["incidents"]} & {
        i["group_id"] for i in page2["incidents"]}
    dates = [i["date"]["start"] for i in page1["incidents"] + page2["incidents"] if i["date"]]
    assert dates == sorted(dates)
    single = web.get("/api/v1/incidents", params={"status": "single-source",
                                                  "per_page": 100}).json()
    assert all(i["documents"] == 1 for i in single["incidents"])
    attributed = web.get("/api/v1/incidents", params={"status": "attributed"}).json()
    assert all("attributed" in i["status"] for i in attributed["incidents"])
    assert web.get("/api/v1/incidents", params={"source": "no such outlet"}).json()[
        "total"] == 0
    assert web.get("/incidents", params={"target": "AL", "status": "contested",
                                         "sort": "title"}).status_code == 200


def test_bad_filters_are_a_clear_400(web: TestClient) -> None:
    r = web.get("/api/v1/incidents", params={"since": "last tuesday"})
    assert r.status_code == 400 and "not a date" in r.json()["detail"]
    assert web.get("/api/v1/incidents", params={"status": "bogus"}).status_code == 422
    page = web.get("/incidents", params={"status": "bogus"})
    assert page.status_code == 400 and "status" in page.text
    assert web.get("/incidents", params={"target": "Atlantis"}).status_code in (400, 404)


def test_downloads_of_the_selection(web: TestClient) -> None:
    stix = web.get("/incidents/export", params={"format": "stix", "target": "AL"})
    assert stix.status_code == 200 and "attachment" in stix.headers["content-disposition"]
    bundle = stix.json()
    assert bundle["type"] == "bundle"
    assert any(o["type"] == "incident" for o in bundle["objects"])
    misp = web.get("/api/v1/export", params={"format": "misp", "target": "AL"}).json()
    assert misp["response"] and "Event" in misp["response"][0]
    csv = web.get("/api/v1/export", params={"format": "csv", "q": "Albania"})
    names = zipfile.ZipFile(io.BytesIO(csv.content)).namelist()
    assert any(n.startswith("incidents") for n in names)
    assert web.get("/api/v1/export", params={"format": "xml"}).status_code == 422


def test_incident_page_is_the_case_with_sentences_linked_to_documents(
        web: TestClient, case_id: str) -> None:
    r = web.get(f"/incident/{case_id}")
    assert r.status_code == 200
    for part in ("Attribution assessment", "Denials", "What followed", "Every claim",
                 "Reports of this incident", "timeline.svg"):
        assert part in r.text
    assert 'href="/document/doc--' in r.text and "#claim-" in r.text
    data = web.get(f"/api/v1/incidents/{case_id}").json()
    assert data["assessment"]["candidates"][0]["state"] == "IR"
    assert data["chain"] and data["claims"]
    assert any(s["kind"] == "response" for s in data["chain"])
    chart = web.get(f"/incident/{case_id}/timeline.svg")
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in chart.content


def test_a_search_term_for_an_incident_lists_candidates_or_opens_it(web: TestClient) -> None:
    many = web.get("/incident/Albania")
    assert many.status_code == 200 and "matches" in many.text
    assert web.get("/api/v1/incidents/Albania").status_code in (200, 409)
    assert web.get("/incident/zzzz-no-such-thing").status_code == 404
    assert web.get("/api/v1/incidents/zzzz-no-such-thing").status_code == 404


def test_document_page_highlights_mentions_and_claims(web: TestClient, case_id: str) -> None:
    data = web.get(f"/api/v1/incidents/{case_id}").json()
    doc_id = data["claims"][0]["document_id"]
    r = web.get(f"/document/{doc_id}")
    assert r.status_code == 200
    assert 'class="ent ent-' in r.text and 'class="c-' in r.text
    claim = data["claims"][0]["id"]
    assert f'id="claim-{claim.split("--", 1)[1]}"' in r.text
    api = web.get(f"/api/v1/documents/{doc_id}").json()
    assert api["document"]["id"] == doc_id and api["mentions"] and api["claims"]
    assert web.get("/document/doc--000000").status_code == 404


def test_actor_and_country_pages(web: TestClient) -> None:
    r = web.get("/actor/APT28")
    assert r.status_code == 200 and "Aliases by vendor" in r.text and "Fancy Bear" in r.text
    assert "Russia" in r.text
    api = web.get("/api/v1/actors/APT28").json()
    assert api["actor"]["name"] == "APT28" and api["aliases_by_vendor"]
    assert web.get("/actor/Definitely-Not-An-Actor-xyz").status_code == 404
    iran = web.get("/country/IR")
    assert iran.status_code == 200 and "Reach of Iran" in iran.text and "map.svg" in iran.text
    country = web.get("/api/v1/countries/Iran").json()
    assert country["country"]["code"] == "IR" and country["attributed"]
    svg = web.get("/country/IR/targets-by-year.svg")  # the map: in the browser test
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert web.get("/country/IR/other.svg").status_code == 404
    assert web.get("/country/Atlantis").status_code == 404
    assert web.get("/actors").status_code == 200


def test_docs_are_served_locally(web: TestClient) -> None:
    docs = web.get("/api/docs")
    assert docs.status_code == 200
    assert "/static/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text and "<script>" not in \
        docs.text.replace(" ", "")
    assert web.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert web.get("/static/swagger-init.js").status_code == 200
    spec = web.get("/api/openapi.json").json()
    assert "/api/v1/incidents" in spec["paths"] and "/taxii2/" in spec["paths"]


def test_taxii_endpoints(web: TestClient) -> None:
    taxii = "application/taxii+json;version=2.1"
    disc = web.get("/taxii2/", headers={"Accept": taxii})
    assert disc.status_code == 200 and disc.headers["content-type"] == taxii
    root = disc.json()["api_roots"][0]
    assert web.get(root).json()["versions"] == [taxii]
    cols = web.get(f"{root}collections/").json()["collections"]
    col = cols[0]["id"]
    assert web.get(f"{root}collections/{col}/").json()["can_read"] is True
    first = web.get(f"{root}collections/{col}/objects/", params={"limit": 5})
    env = first.json()
    assert first.headers["content-type"] == taxii and len(env["objects"]) == 5
    assert env["more"] is True and "X-TAXII-Date-Added-First" in first.headers
    second = web.get(f"{root}collections/{col}/objects/",
                     params={"limit": 5, "next": env["next"]}).json()
    assert not {o["id"] for o in env["objects"]} & {o["id"] for o in second["objects"]}
    incidents = web.get(f"{root}collections/{col}/objects/",
                        params={"match[type]": "incident", "limit": 1000}).json()
    assert incidents["objects"] and {o["type"] for o in incidents["objects"]} == {"incident"}
    one = incidents["objects"][0]["id"]
    assert web.get(f"{root}collections/{col}/objects/{one}/").json()["objects"][0]["id"] == one
    assert web.get(f"{root}collections/{col}/objects/{one}/versions/").json()["versions"]
    manifest = web.get(f"{root}collections/{col}/manifest/", params={"limit": 3}).json()
    assert len(manifest["objects"]) == 3 and "date_added" in manifest["objects"][0]
    later = web.get(f"{root}collections/{col}/objects/",
                    params={"added_after": "2999-01-01T00:00:00Z"}).json()
    assert later["objects"] == []
    assert web.get("/taxii2/", headers={"Accept": "text/html"}).status_code == 406
    missing = web.get(f"{root}collections/nope/objects/")
    assert missing.status_code == 404 and missing.headers["content-type"] == taxii


def test_unknown_host_headers_are_refused(web: TestClient) -> None:
    assert web.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_read_only_server_refuses_every_write(kb: Path) -> None:
    with client(kb, token=None) as ro:
        links = ro.get("/api/v1/links").json()["links"]
        r = ro.post(f"/api/v1/links/{links[0]['id']}", json={"action": "accept"},
                    headers=BEARER)
        assert r.status_code == 403 and "read-only" in r.json()["detail"]
        assert ro.post("/login", data={"token": TOKEN}).status_code == 403
        assert ro.post("/ingest", data={"urls": "https://example.org/"}).status_code == 403
        assert "read-only" in ro.get("/review").text


def test_link_review_needs_the_token_and_can_be_undone(web: TestClient) -> None:
    links = web.get("/api/v1/links", params={"status": "proposed"}).json()["links"]
    link = links[0]["id"]
    assert web.post(f"/api/v1/links/{link}", json={"action": "accept"}).status_code == 401
    wrong = {"Authorization": "Bearer wrong-token-0123456789"}
    assert web.post(f"/api/v1/links/{link}", json={"action": "accept"},
                    headers=wrong).status_code == 401
    ok = web.post(f"/api/v1/links/{link}", json={"action": "accept", "why": "same attack"},
                  headers=BEARER)
    assert ok.status_code == 200 and ok.json()["link"]["status"] == "accepted"
    history = web.get("/api/v1/links", params={"status": "accepted"}).json()["links"]
    mine = next(x for x in history if x["id"] == link)
    assert any("same attack" in h["made_by"] for h in mine["history"])
    undo = web.post(f"/api/v1/links/{link}", json={"action": "reset"}, headers=BEARER)
    assert undo.json()["link"]["status"] == "proposed"


def test_login_session_and_csrf(web: TestClient) -> None:
    assert web.post("/login", data={"token": "nope"}).status_code == 403
    link = web.get("/api/v1/links").json()["links"][0]["id"]
    # no session: refused
    r = web.post(f"/review/link/{link}", data={"action": "reject", "csrf": "x"},
                 follow_redirects=False)
    assert r.status_code == 403
    login = web.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert login.status_code == 303
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = web.get("/review")
    assert 'name="csrf"' in page.text
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    # a session without the form's CSRF token: refused
    assert web.post(f"/review/link/{link}", data={"action": "reject"},
                    follow_redirects=False).status_code == 403
    done = web.post(f"/review/link/{link}", data={"action": "reject", "why": "different",
                                                  "csrf": csrf, "back": "//evil.example/"},
                    follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert web.get("/api/v1/links", params={"status": "rejected"}).json()["total"] >= 1
    web.post(f"/review/link/{link}", data={"action": "reset", "csrf": csrf})
    web.post("/logout", data={"csrf": csrf})
    assert web.post(f"/review/link/{link}", data={"action": "reject", "csrf": csrf},
                    follow_redirects=False).status_code == 403
    web.cookies.clear()


def test_curation_through_the_api(web: TestClient, case_id: str) -> None:
    data = web.get(f"/api/v1/incidents/{case_id}").json()
    claim = next(c for c in data["claims"] if c["kind"] == "attribution")["id"]
    url = f"/api/v1/curation/claim/{claim}"
    assert web.post(url, json={"action": "reject", "why": "misread"}).status_code == 401
    no_reason = web.post(url, json={"action": "reject"}, headers=BEARER)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["detail"]
    r = web.post(url, json={"action": "reject", "why": "misread", "by": "tester"},
                 headers=BEARER)
    assert r.status_code == 200 and r.json()["curation"]["status"] == "rejected"
    after = web.get(f"/api/v1/incidents/{case_id}").json()
    assert claim in {c["id"] for c in after["rejected_claims"]}
    assert "misread" in web.get(f"/incident/{case_id}").text
    assert web.get("/api/v1/curation").json()["events"][0]["why"] == "misread"
    web.post(url, json={"action": "reset"}, headers=BEARER)
    assert claim in {c["id"] for c in web.get(f"/api/v1/incidents/{case_id}").json()["claims"]}


def _wait(web: TestClient, job: str) -> dict[str, object]:
    for _ in range(300):
        state: dict[str, object] = web.get(f"/api/v1/ingest/{job}").json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"ingest job {job} did not finish")


def test_ingest_upload_and_hostile_text_is_escaped(web: TestClient) -> None:
    assert web.post("/api/v1/ingest", files={"files": ("h.txt", HOSTILE.encode())}
                    ).status_code == 401
    r = web.post("/api/v1/ingest", files={"files": ("hostile <b>.txt", HOSTILE.encode())},
                 headers=BEARER)
    assert r.status_code == 202
    state = _wait(web, r.json()["id"])
    assert state["state"] == "done", state
    doc = state["new_documents"][0]  # type: ignore[index]
    page = web.get(f"/document/{doc}").text
    assert "<script>window.__pwned" not in page and "&lt;script&gt;window.__pwned" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page
    assert "Hostile &lt;script&gt;" in web.get("/").text or "Hostile" in web.get(
        "/incidents", params={"q": "Estonia"}).text
    job_page = web.get(f"/ingest/{r.json()['id']}")
    assert job_page.status_code == 200 and "done" in job_page.text
    bad = web.post("/api/v1/ingest", data={"urls": "file:///etc/passwd"}, headers=BEARER)
    assert bad.status_code == 400
    assert web.post("/api/v1/ingest", data={"urls": ""}, headers=BEARER).status_code == 400
    assert web.get("/api/v1/ingest/nope").status_code == 404
    assert web.get("/ingest").status_code == 200


def test_pages_without_javascript_have_no_inline_script(web: TestClient, case_id: str) -> None:
    for url in ("/", "/incidents?q=Albania", f"/incident/{case_id}", "/actor/APT28",
                "/country/AL", "/review", "/ingest", "/login"):
        text = web.get(url).text
        assert "<script" not in text, url
        assert " on" + "click=" not in text and "style=" not in text, url


def test_serve_help_is_complete() -> None:
    from typer.testing import CliRunner

    from cybertrack.cli import app

    out = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).output
    for option in ("--db", "--host", "--port", "--write-token", "--allowed-host",
                   "CYBERTRACK_WRITE_TOKEN", "/api/v1/", "/taxii2/"):
        assert option in out, option


def test_short_write_token_is_refused() -> None:
    from typer.testing import CliRunner

    from cybertrack.cli import app

    r = CliRunner().invoke(app, ["serve", "--write-token", "short"])
    assert r.exit_code == 1


def test_json_api_escapes_nothing_it_should_not(web: TestClient) -> None:
    # JSON carries the text exactly (the client escapes when it renders)
    found = web.get("/api/v1/search", params={"q": "Estonia"}).json()
    assert json.dumps(found)
    assert web.get("/api/v1/search", params={"q": ""}).status_code == 422


def test_search_results_are_kept_as_long_as_other_pages(kb: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A search is worked out once for its pages, sorts and the API within the cache's
    lifetime, and again after a write through the app (which empties the cache)."""
    from cybertrack.web import views

    calls: list[tuple[str, int]] = []
    real = views.search

    def counting(store: object, q: str, *, limit: int = 20, **kw: object) -> object:
        calls.append((q, limit))
        return real(store, q, limit=limit, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(views, "search", counting)
    with client(kb) as web:
        first = web.get("/api/v1/incidents", params={"q": "Albania"}).json()
        assert web.get("/api/v1/incidents", params={"q": "Albania"}).json() == first
        web.get("/incidents", params={"q": "Albania", "sort": "date", "per_page": 1})
        assert calls == [("Albania", 1000)]
        found = web.get("/api/v1/search", params={"q": "Albania"}).json()
        assert web.get("/api/v1/search", params={"q": "Albania"}).json() == found
        assert calls == [("Albania", 1000), ("Albania", 20)]
        web.app.state.ct.changed()  # type: ignore[attr-defined]
        assert web.get("/api/v1/incidents", params={"q": "Albania"}).json() == first
        assert calls[-1] == ("Albania", 1000) and len(calls) == 3
