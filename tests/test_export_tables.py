"""Tables export: incidents, claims, responses, entities as CSV, JSON and Parquet."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from albania_case import load_albania
from cybertrack.cli import app
from cybertrack.errors import ExportError
from cybertrack.export import TABLES, export, select, write_tables
from cybertrack.store import Store

DOCS = Path(__file__).resolve().parents[1] / "docs" / "tables.md"


@pytest.fixture
def albania(store: Store) -> Store:
    load_albania(store)
    return store


def test_parquet_is_typed_and_complete(albania: Store, tmp_path: Path) -> None:
    paths = write_tables(select(albania), tmp_path, "parquet")
    assert [p.name for p in paths] == [
        "incidents.parquet", "claims.parquet", "responses.parquet", "entities.parquet"]
    claims = pq.read_table(tmp_path / "claims.parquet")
    assert claims.column_names == [c[0] for c in TABLES["claims"]]
    rows = claims.to_pylist()
    assert len(rows) == 7
    mandiant = next(r for r in rows if r["claimant_name"] == "Mandiant")
    assert (mandiant["confidence"], mandiant["confidence_stix"]) == ("moderate", 50)
    assert mandiant["hedge"] == "assessed with moderate confidence"
    assert mandiant["document_source"] == "https://security.example.org/albania-roadsweep"
    (response,) = pq.read_table(tmp_path / "responses.parquet").to_pylist()
    assert (response["actor_state_name"], response["action"], response["cameo"],
            response["target_state_name"]) == ("Albania", "sever-relations", "161", "Iran")
    assert response["event_date_start"] == dt.date(2022, 9, 7)
    incidents = pq.read_table(tmp_path / "incidents.parquet").to_pylist()
    vendor = next(i for i in incidents if i["title"].startswith("Destructive"))
    assert vendor["kinds"] == ["disruption", "destruction"]
    assert vendor["attributed_states"] == ["IR"] and vendor["attributed_actors"] == [
        "HomeLand Justice"]
    assert len(vendor["linked_incidents"]) == 1
    entities = pq.read_table(tmp_path / "entities.parquet").to_pylist()
    assert {e["entity_id"] for e in entities} >= {"country:AL", "country:IR",
                                                   "actor:homeland-justice", "org:mandiant"}


def test_csv_and_json_read_back(albania: Store, tmp_path: Path) -> None:
    write_tables(select(albania), tmp_path, "csv")
    with (tmp_path / "claims.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [c[0] for c in TABLES["claims"]]
    denial = next(r for r in rows if r["kind"] == "denial")
    assert denial["claimant"] == "Government of Iran" and denial["confidence"] == ""
    with (tmp_path / "incidents.csv").open(encoding="utf-8-sig", newline="") as fh:
        vendor = next(r for r in csv.DictReader(fh) if r["title"].startswith("Destructive"))
    assert vendor["kinds"] == "disruption; destruction" and vendor["time"] == "2022-07-17"
    write_tables(select(albania), tmp_path, "json")
    records = json.loads((tmp_path / "responses.json").read_text())
    assert records[0]["event_date"] == "2022-09-07" and records[0]["plover"] == (
        "SANCTION:withdraw")


def test_tables_need_a_folder(albania: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="-o FOLDER"):
        export(albania, "csv", None)
    afile = tmp_path / "x.csv"
    afile.write_text("")
    with pytest.raises(ExportError, match="is a file"):
        write_tables(select(albania), afile, "csv")
    with pytest.raises(ExportError, match="unknown export format"):
        export(albania, "xlsx", tmp_path)


def test_every_column_is_documented() -> None:
    if not DOCS.exists():
        pytest.fail(f"{DOCS} is missing")
    text = DOCS.read_text(encoding="utf-8")
    missing = [f"{t}.{c[0]}" for t, cols in TABLES.items() for c in cols
               if f"| `{c[0]}` |" not in text]
    assert missing == []


def test_cli_writes_tables(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    with Store.open(db) as kb:
        load_albania(kb)
    out = tmp_path / "tables"
    result = CliRunner().invoke(app, ["export", "--db", db, "-f", "csv", "-o", str(out),
                                      "--actor", "HomeLand Justice"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "claims.csv", "entities.csv", "incidents.csv", "responses.csv"]
    with (out / "incidents.csv").open(encoding="utf-8-sig") as fh:
        assert len(list(csv.DictReader(fh))) == 1


def test_polarity_column_and_asserted_attributions_only(store: Store, tmp_path: Path) -> None:
    """claims carry polarity and alternatives; an incident's attributed states, actors and
    counts come from asserted claims only."""
    from polarity_case import load_with_polarity

    load_with_polarity(store)
    paths = write_tables(select(store), tmp_path, "json")
    tables = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in paths}
    by_sentence = {r["sentence"]: r for r in tables["claims"]}
    doubted = next(r for s, r in by_sentence.items() if "could not confirm" in s)
    assert (doubted["polarity"], doubted["alternatives"]) == ("doubted", ["CN"])
    assert "not an attribution" in doubted["summary"]
    assert next(r for s, r in by_sentence.items() if "Edi Rama" in s)["polarity"] == "asserted"
    vendor = next(r for r in tables["incidents"] if r["title"].startswith("Destructive"))
    assert vendor["attributed_states"] == ["IR"]  # not RU, CN or BY
    assert (vendor["attributions"], vendor["attributions_not_asserted"]) == (1, 3)
    assert vendor["denials"] == 0  # "has not denied" is no denial
