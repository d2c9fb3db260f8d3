"""Curation by hand: reject, accept, reset claims and incidents, set an incident's targets or
date; append-only with who, when and why, shown in views and exports, undoable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybertrack.analysis import assess, chain
from cybertrack.analysis.search import IncidentFilter, find_incidents
from cybertrack.cli import app
from cybertrack.errors import StoreError
from cybertrack.export import select, write_tables
from cybertrack.model import PartialDate
from cybertrack.report.incident import incident_report
from cybertrack.resolve import link_all
from cybertrack.store import Store
from cybertrack.store.curation import curate, curations, find_record, history
from kb_factory import albania_reports


def _load(store: Store) -> tuple[str, str]:
    exs = albania_reports()
    store.bulk_add(exs)
    link_all(store)
    uk = next(c for ex in exs for c in ex.claims if c.claimant and c.claimant.name ==
              "United Kingdom")
    return exs[0].incidents[0].id, uk.id


def test_rejected_claim_leaves_the_assessment_and_reset_brings_it_back(store: Store) -> None:
    iid, uk = _load(store)
    assert "United Kingdom" in {s.claimant for s in assess(store, iid).leading.supports}
    curate(store, "claim", uk, "reject", by="ana", why="the NCSC said no such thing")
    a = assess(store, iid)
    assert a.leading is not None
    assert "United Kingdom" not in {s.claimant for s in a.leading.supports}
    assert [s.claim.id for s in a.case.rejected] == [uk]
    report = incident_report(a, chain(a))
    assert any(r["id"] == uk for r in report.data["rejected_claims"])
    assert report.data["curation"][0]["by"] == "ana"
    curate(store, "claim", uk, "reset", by="ana", why="checked again")
    assert "United Kingdom" in {s.claimant for s in assess(store, iid).leading.supports}
    assert [e.action for e in history(store, "claim", uk)] == ["reject", "reset"]
    assert curations(store, "claim", [uk]) == {}


def test_incident_targets_and_date_set_by_hand(store: Store) -> None:
    iid, _ = _load(store)
    curate(store, "incident", iid, "set", by="ana", why="the CFR record says so",
           targets=["AL", "XK"], date=PartialDate.parse("2022-07-14"))
    a = assess(store, iid)
    assert "XK" in a.case.targets
    assert chain(a).incident_date == PartialDate.parse("2022-07-14")
    (mark,) = curations(store, "incident", [iid]).values()
    assert mark.targets == ("AL", "XK") and "set by hand" in mark.describe()
    found = find_incidents(store, IncidentFilter(target="XK"))
    assert [i.id for i in found] == [iid]
    with pytest.raises(StoreError, match="only an incident"):
        curate(store, "claim", _load_claim(store), "set", by="x", targets=["AL"])


def _load_claim(store: Store) -> str:
    return store.claims()[0].id


def test_rejected_incident_is_left_out_of_listings_and_marked_in_exports(
        store: Store, tmp_path: Path) -> None:
    iid, uk = _load(store)
    curate(store, "incident", iid, "reject", by="ana", why="a roundup's catch-all")
    assert iid not in {i.id for i in find_incidents(store, IncidentFilter())}
    assert iid in {i.id for i in find_incidents(store, IncidentFilter(include_rejected=True))}
    curate(store, "claim", uk, "reject", by="ana", why="misread")
    write_tables(select(store), tmp_path, "json")
    incidents = {r["incident_id"]: r for r in json.loads(
        (tmp_path / "incidents.json").read_text())}
    assert incidents[iid]["curation"].startswith("rejected by ana")
    claims = {r["claim_id"]: r for r in json.loads((tmp_path / "claims.json").read_text())}
    assert claims[uk]["curation"] == claims[uk]["curation"] and "misread" in claims[uk][
        "curation"]


def test_short_ids_and_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    with Store.open(db) as kb:
        iid, uk = _load(kb)
        assert find_record(kb, "claim", uk.split("--")[1][:12]) == uk
    run = CliRunner().invoke
    r = run(app, ["claim", "reject", uk.split("--")[1][:12], "--why", "misread", "--by", "ana",
                  "--db", db])
    assert r.exit_code == 0, r.output
    assert "rejected by ana" in r.output
    r = run(app, ["incident", "set", iid.split("--")[1][:10], "--targets", "Albania,XK",
                  "--date", "2022-07-15", "--why", "CFR", "--db", db])
    assert r.exit_code == 0, r.output
    assert "targets set by hand: AL, XK" in r.output
    r = run(app, ["incident", iid.split("--")[1][:10], "--db", db, "--format", "md"])
    assert r.exit_code == 0, r.output
    assert "Curated by hand" in r.output and "(rejected)" in r.output
    r = run(app, ["incident", "history", iid.split("--")[1][:10], "--db", db])
    assert "targets set to" in r.output
    r = run(app, ["incident", "reset", iid.split("--")[1][:10], "--db", db])
    assert "as extracted" in r.output
    for cmd in (["claim", "reject"], ["claim", "accept"], ["claim", "reset"],
                ["incident", "reject"], ["incident", "set"], ["incident", "history"]):
        r = run(app, [*cmd, "--help"])
        assert r.exit_code == 0 and "Usage" in r.output
