"""The Albania case as real reporting tells it (issue 13): eight short reports written in the
manner of agency and government coverage (``albania_reports.py``), checked by hand against what
an analyst reads in them.

What must come out: one case dated 15 July 2022; attributions to Iran by Albania, the United
States and Mandiant (moderate confidence), never by Iran itself nor by "the United States"
when a US company speaks; Iran's denial; the severance and the expulsions dated 7 September
2022; a report saying officials did not name anyone attributes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from albania_reports import REPORTS
from cybertrack.analysis.case import load_case
from cybertrack.batch import ingest_paths, prepare
from cybertrack.extract import extract_documents
from cybertrack.extract.gold import to_gold
from cybertrack.model import Document, PartialDate
from cybertrack.resolve import link_new
from cybertrack.store import Store


@pytest.fixture(scope="module")
def extracted() -> dict[str, dict[str, Any]]:
    docs = [prepare(Document.from_text(body, name, title=title,
                                       published=PartialDate.parse(published)))
            for name, published, title, body in REPORTS]
    return {d.document.source: to_gold(d) for d in extract_documents(docs)}


def _asserted(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i.get("polarity", "asserted") == "asserted"]


def _claimants(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [a.get("claimant") or {} for a in _asserted(record["attributions"])]


def _to_iran(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in _asserted(record["attributions"])
            if (a.get("attributed_to") or {}).get("state") == "IR"
            or (a.get("attributed_to") or {}).get("sponsor") == "IR"]


def test_every_report_dates_the_attack_15_july(extracted: dict[str, dict[str, Any]]) -> None:
    for name, record in extracted.items():
        dates = {i.get("date") for i in record["incidents"]}
        assert "2022-07-15" in dates or (
            # A report that names only "the July cyberattack" gives the month.
            "2022-07" in dates and name == "05-iran-denies.txt"), (name, record["incidents"])
        for incident in record["incidents"]:
            assert incident["targets"] == ["AL"], (name, incident)


def test_no_attribution_where_officials_name_no_one(extracted: dict[str, dict[str, Any]]
                                                    ) -> None:
    assert _to_iran(extracted["01-agency-services-down.txt"]) == []


def test_vendor_attributes_not_the_vendors_country(extracted: dict[str, dict[str, Any]]) -> None:
    record = extracted["02-agency-vendor.txt"]
    claimants = _claimants(record)
    assert {"government": "US"} not in claimants, claimants
    mandiant = [a for a in _to_iran(record)
                if (a.get("claimant") or {}).get("organization") == "Mandiant"]
    assert mandiant and mandiant[0]["confidence"] == "moderate", record["attributions"]


def test_albania_attributes_and_responds_on_7_september(
        extracted: dict[str, dict[str, Any]]) -> None:
    record = extracted["03-agency-severance.txt"]
    assert {"government": "AL"} in [a.get("claimant") for a in _to_iran(record)] or any(
        (a.get("claimant") or {}).get("country") == "AL" for a in _to_iran(record)
    ), record["attributions"]
    assert {"government": "IR"} not in _claimants(record)
    actions = {(r["actor"], r["target"], r["action"], r.get("date"))
               for r in record["responses"]}
    assert ("AL", "IR", "sever-relations", "2022-09-07") in actions, actions
    assert ("AL", "IR", "expel-diplomats", "2022-09-07") in actions, actions


def test_united_states_attributes(extracted: dict[str, dict[str, Any]]) -> None:
    for name in ("04-us-condemns.txt", "08-advisory-summary.txt"):
        record = extracted[name]
        assert {"government": "US"} in [a.get("claimant") for a in _to_iran(record)], (
            name, record["attributions"])
        assert {"government": "IR"} not in _claimants(record), name


def test_iran_denies(extracted: dict[str, dict[str, Any]]) -> None:
    record = extracted["05-iran-denies.txt"]
    assert [d for d in record["denials"] if d.get("claimant") == {"government": "IR"}], record
    assert _to_iran(record) == [] or {"government": "IR"} not in _claimants(record)


def test_expulsion_dated_by_the_day_before(extracted: dict[str, dict[str, Any]]) -> None:
    record = extracted["06-agency-expulsion.txt"]
    expulsions = [r for r in record["responses"] if r["action"] == "expel-diplomats"]
    assert expulsions and {r.get("date") for r in expulsions} == {"2022-09-07"}, record


def test_one_case_in_the_knowledge_base(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, published, title, body in REPORTS:
        (folder / name).write_text(f"Title: {title}\nPublished: {published}\n\n{body}\n",
                                   encoding="utf-8")
    db = str(tmp_path / "kb.db")
    store = Store.open(db)
    summary = ingest_paths(store, [str(folder)])
    link_new(store, summary.new_documents)
    july = [i for i in store.incidents()
            if i.time is not None and i.time.iso().startswith("2022-07")]
    assert len({i.document_id for i in july}) == len(REPORTS), july
    case = load_case(store, july[0].id)
    assert {i.id for i in case.incidents} >= {i.id for i in july}
    assert case.targets == ("AL",)
    assert {i.time.iso() for i in july if i.time} <= {"2022-07-15", "2022-07"}
