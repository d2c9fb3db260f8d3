"""Reports in four formats, charts as PNG and SVG, and the knowledge-base CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cybertrack.analysis import assess, chain, incident_timeline, reach
from cybertrack.cli import app
from cybertrack.report.charts import target_map, targets_by_year, timeline_chart
from cybertrack.report.document import render, to_html, to_markdown
from cybertrack.report.incident import incident_report
from cybertrack.report.reach import reach_report
from cybertrack.resolve import link_all
from cybertrack.store import Store
from kb_factory import MANDIANT, albania_reports, report, say


def _kb(store: Store) -> str:
    exs = albania_reports()
    exs.append(report(50, publisher="Old Test", published="2016-01-01", targets=("SA",),
                      when="2015-12-01", claims=(say("attribution", "Mandiant blamed Iran.",
                                                     MANDIANT, attributed_state="IR"),)))
    store.bulk_add(exs)
    link_all(store)
    return exs[0].incidents[0].id


def test_incident_report_in_every_format(store: Store) -> None:
    a = assess(store, _kb(store))
    rep = incident_report(a, chain(a))
    md = to_markdown(rep)
    assert md.startswith("# Incident: Report 2")  # the first report published
    assert "Albania severed diplomatic ties with Iran on 7 September." in md  # every claim
    assert "| 7 September 2022 | +54 | response | Albania | severed diplomatic ties with Iran" \
        in md
    html = to_html(rep)
    assert "Iran&#x27;s foreign ministry rejected the accusation." in html
    data = json.loads(render(rep, "json", Console()) or "")
    assert data["assessment"]["candidates"][0]["state"] == "IR"
    assert data["assessment"]["candidates"][0]["independent"] == 3  # the self-claim apart
    assert [x["actor"] for x in data["assessment"]["self_claims"]] == ["HomeLand Justice"]
    sever = next(s for s in data["chain"] if s["action"] == "sever-relations")
    assert sever["lag_days"] == 54 and sever["dates"]["conflict"] is True
    assert len(data["claims"]) == len(a.case.claims)
    console = Console(record=True, width=200)
    render(rep, "text", console)
    text = console.export_text()
    flat = " ".join(text.split())  # the longer explanation wraps
    assert "Attribution assessment" in text and "Denied by the accused (Iran)" in flat
    # the accused state's denial is labelled as such, not as a third party's
    assert "| denial | Iran (accused government) |" in md


def test_charts_are_written_as_png_and_svg(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "kb.db")) as store:  # drawing does not depend on the backend
        root = _kb(store)
        r = reach(store, "Iran")
        files = [*targets_by_year(r, tmp_path), *target_map(r, tmp_path),
                 *timeline_chart(incident_timeline(store, root), tmp_path, "albania")]
    assert sorted(p.name for p in files) == [
        "albania.png", "albania.svg", "iran-target-map.png", "iran-target-map.svg",
        "iran-targets-by-year.png", "iran-targets-by-year.svg"]
    for p in files:
        head = p.read_bytes()[:8]
        assert head.startswith(b"\x89PNG") if p.suffix == ".png" else b"<?xml" in head
    md = to_markdown(reach_report(r).with_charts(files))
    assert "![iran-target-map](iran-target-map.png)" in md


@pytest.fixture
def kb_file(tmp_path: Path) -> str:
    path = tmp_path / "kb.db"
    with Store.open(str(path)) as store:
        _kb(store)
    return str(path)


def test_cli_incident_reach_timeline_firsts(kb_file: str, tmp_path: Path) -> None:
    run = CliRunner().invoke
    with Store.open(kb_file) as store:
        root = store.incidents(target="AL")[0].id
    short = root.split("--")[1][:10]
    result = run(app, ["incident", short, "--db", kb_file, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "## Attribution assessment" in result.output
    out = tmp_path / "reach.html"
    result = run(app, ["reach", "Iran", "--db", kb_file, "--format", "html", "--out", str(out),
                       "--charts", str(tmp_path / "charts")])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Yes: Iran extended its reach in 2022" in html
    assert 'src="charts/iran-target-map.svg"' in html  # relative to the report
    assert (tmp_path / "charts" / "iran-target-map.svg").exists()
    result = run(app, ["reach", "Iran", "--db", kb_file, "--format", "json"])
    assert json.loads(result.output)["recent"]["countries"] == ["AL"]
    result = run(app, ["timeline", "--pair", "Iran", "Albania", "--db", kb_file, "-f", "json"])
    events = json.loads(result.output)["events"]
    assert [e["kind"] for e in events][:1] == ["incident"]
    result = run(app, ["firsts", "--db", kb_file, "--format", "json"])
    firsts = {f["action"]: f for f in json.loads(result.output)["firsts"]}
    assert firsts["sever-relations"]["actor"] == "Albania"
    assert any("severed diplomatic ties" in s for s in firsts["sever-relations"]["sentences"])
    result = run(app, ["timeline", "--db", kb_file])
    assert result.exit_code != 0 and "exactly one" in result.output
    result = run(app, ["timeline", "--actor", "Iran", "--since", "2022", "--db", kb_file,
                       "-f", "json"])
    dates = [e["date"] for e in json.loads(result.output)["events"] if e["kind"] == "incident"]
    assert dates and all(d and d >= "2022" for d in dates)
    result = run(app, ["timeline", "--pair", "Iran", "Albania", "--since", "2022", "--db",
                       kb_file])
    assert result.exit_code != 0 and "--actor" in result.output


def test_cli_link_review(kb_file: str) -> None:
    run = CliRunner().invoke
    result = run(app, ["link", "list", "--db", kb_file, "--format", "json"])
    links = json.loads(result.output)["links"]
    assert len(links) == 6 and all(x["status"] == "proposed" for x in links)
    short = links[0]["id"].split("--")[1][:12]
    assert run(app, ["link", "reject", short, "--db", kb_file]).exit_code == 0
    result = run(app, ["link", "list", "--db", kb_file, "--status", "rejected", "-f", "json"])
    assert [x["id"] for x in json.loads(result.output)["links"]] == [links[0]["id"]]
    assert run(app, ["link", "reset", short, "--db", kb_file]).exit_code == 0
    result = run(app, ["link", "build", "--db", kb_file])
    assert result.exit_code == 0 and "new 0" in result.output


def test_cli_actor_shows_the_knowledge_base(tmp_path: Path) -> None:
    path = tmp_path / "kb.db"
    with Store.open(str(path)) as store:
        store.add_extraction(report(60, publisher="Vendor Test", published="2021-05-01",
                                    targets=("DE",), when="2021-04-01", claims=(
            say("attribution", "Mandiant tied it to APT33.", MANDIANT,
                attributed_actor="APT33", attributed_actor_id="actor:apt33",
                confidence="high"),)))
    result = CliRunner().invoke(app, ["actor", "APT33", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "in the knowledge base" in result.output and "Mandiant" in result.output
    assert "high x1" in result.output
