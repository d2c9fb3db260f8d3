"""Tracker imports (CFR, EuRepoC): coded rows become claims whose claimant is the tracker."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybertrack.batch import ingest_extractions
from cybertrack.cli import app
from cybertrack.errors import IngestError
from cybertrack.ingest.tracker import TrackerProblem, read_tracker
from cybertrack.model import Extraction
from cybertrack.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CFR_CSV = SHARED / "data" / "cfr-cyber-operations-tracker" / "cyber-operations-incidents.csv"
CFR_HEADER = ["Title", "Date", "Affiliations", "Description", "Response", "Victims", "Sponsor",
              "Type", "Category", "Sources_1", "Sources_2", "Sources_3"]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _split(items: list[Extraction | TrackerProblem]) -> tuple[list[Extraction],
                                                             list[TrackerProblem]]:
    return ([x for x in items if isinstance(x, Extraction)],
            [x for x in items if isinstance(x, TrackerProblem)])


@pytest.fixture
def cfr_mini(tmp_path: Path) -> Path:
    """Four rows written for this test, in CFR's layout, one of them with shifted columns."""
    return _write(tmp_path / "cfr.csv", CFR_HEADER, [
        ["Wiper attack on a ministry", "3/1/2021", "Believed to be the work of APT 33",
         "Hackers wiped ministry servers.", "Denial", "Saudi ministry networks",
         "Iran (Islamic Republic of)", "Data destruction", "Government",
         "https://example.org/a", "", ""],
        ["Bank heist", "4/2/2019", "Lazarus Group", "The Justice Department charged two men.",
         "Criminal charges   https://www.justice.gov/opa/pr/x", "Banks in Chile",
         "Korea (Democratic People's Republic of)", "Financial Theft", "Private sector",
         "", "", ""],
        ["Espionage on aid groups", "5/3/2020", "", "Aid groups were spied on.",
         "Sanctions", "Aid organizations in Jordan", "Palestine, State of", "Espionage",
         "Civil society", "", "", ""],
        ["Shifted row", "6/4/2020", "", "Text.", "Pakistan", "India", "Espionage",
         "https://example.org/shifted", "Government", "", "", ""],
    ])


def test_cfr_rows_become_tracker_claims(cfr_mini: Path) -> None:
    exs, problems = _split(list(read_tracker(cfr_mini, "cfr")))
    assert [p.row for p in problems] == [4] and "shifted" in problems[0].reason
    wiper, heist, aid = exs
    inc = wiper.incidents[0]
    assert inc.targets == ("SA",) and inc.kinds == ("destruction",)
    assert inc.time is not None and inc.time.iso() == "2021-03-01"
    kinds = {c.kind: c for c in wiper.claims}
    att = kinds["attribution"]
    assert att.attributed_state == "IR" and att.claimant is not None
    assert att.claimant.basis == "tracker" and att.claimant.name == "CFR Cyber Operations Tracker"
    assert att.attributed_actor == "APT33"
    # every claim points at the line of the document that codes it
    assert wiper.document.text[att.sentence.start:att.sentence.end] == att.sentence_text
    assert att.sentence_text.startswith("Sponsor: Iran")
    denial = kinds["denial"]
    assert denial.claimant is not None and denial.claimant.country == "IR"
    assert denial.stance == "denies"
    charge = next(c for c in heist.claims if c.kind == "response")
    assert (charge.action, charge.actor_state, charge.target_state) == ("indict", "US", "KP")
    sanction = next(c for c in aid.claims if c.kind == "response")
    assert sanction.action == "sanction" and sanction.actor_state == "US"  # the default
    assert next(c for c in aid.claims if c.kind == "attribution").attributed_state == "PS"


def test_eurepoc_reader(tmp_path: Path) -> None:
    path = _write(tmp_path / "eurepoc.csv",
                  ["incident_id", "name", "description", "start_date", "end_date",
                   "receiver_country", "initiator_name", "initiator_country",
                   "initiator_category", "incident_type", "receiver_category", "sources_url"],
                  [["17", "Wiper on e-government", "Services went down.", "2022-07-15",
                    "2022-07-20", "Albania", "HomeLand Justice", "Iran",
                    "State", "Wiper; Data theft", "State institutions",
                    "https://example.org/e1"],
                   ["18", "Hacktivist DDoS", "", "01/02/2023", "", "Germany; Poland",
                    "NoName057(16)", "Russia", "Non-state-group", "DDoS", "", ""],
                   ["19", "Broken", "", "someday", "", "France", "", "", "", "", "", ""]])
    exs, problems = _split(list(read_tracker(path, "eurepoc")))
    assert len(exs) == 2 and problems[0].row == 3 and "start_date" in problems[0].reason
    wiper, ddos = exs
    inc = wiper.incidents[0]
    assert inc.targets == ("AL",) and inc.kinds == ("destruction", "data-theft")
    assert inc.time is not None and inc.time.precision == "range"
    assert (inc.time.start.isoformat(), inc.time.end.isoformat()) == ("2022-07-15", "2022-07-20")
    att = next(c for c in wiper.claims if c.kind == "attribution")
    assert att.attributed_state == "IR" and att.claimant is not None
    assert att.claimant.basis == "tracker" and wiper.document.external_id == "eurepoc:17"
    assert ddos.incidents[0].targets == ("DE", "PL")
    # a non-state group: the claim names the actor, not its country as a sponsor
    dd = next(c for c in ddos.claims if c.kind == "attribution")
    assert dd.attributed_state is None and dd.attributed_actor == "NoName057(16)"


def test_missing_columns_and_unknown_tracker_fail_clearly(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.csv", ["Title", "Date"], [["a", "1/1/2020"]])
    with pytest.raises(IngestError, match="missing column"):
        list(read_tracker(path, "cfr"))
    with pytest.raises(IngestError, match="unknown tracker"):
        list(read_tracker(path, "vcdb"))


def test_tracker_ingest_is_idempotent(store: Store, cfr_mini: Path) -> None:
    exs, _ = _split(list(read_tracker(cfr_mini, "cfr")))
    first = ingest_extractions(store, exs)
    assert first.new == 3 and len(first.new_documents) == 3
    assert ingest_extractions(store, exs).unchanged == 3
    claims = store.claims(kind="attribution")
    assert {c.claimant.basis for c in claims if c.claimant} == {"tracker"}


def test_cli_ingest_tracker(tmp_path: Path, cfr_mini: Path) -> None:
    db = tmp_path / "kb.db"
    result = CliRunner().invoke(app, ["ingest", "--tracker", "cfr", str(cfr_mini),
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "new 3" in result.output and "skipped 1" in result.output


@pytest.mark.skipif(not CFR_CSV.exists(), reason=f"CFR tracker export not found at {CFR_CSV}")
def test_real_cfr_file_reads_with_few_bad_rows() -> None:
    exs, problems = _split(list(read_tracker(CFR_CSV, "cfr")))
    assert len(exs) + len(problems) == 768
    assert len(problems) <= 10 and all("shifted" in p.reason for p in problems)
    albania = [e for e in exs if e.document.title == "Targeting of Albanian government"]
    assert len(albania) == 1
    inc = albania[0].incidents[0]
    assert inc.targets == ("AL",) and "destruction" in inc.kinds
    assert any(c.attributed_state == "IR" for c in albania[0].claims)
