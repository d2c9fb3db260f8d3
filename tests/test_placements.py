"""Placements stored and reviewable: a document the extractor found no incident in is stored as
a proposed link (kind ``document``) beside the incident it most likely reports, listed where
proposed links are shown, never merged, and a person's reject survives the next ``link build``."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cybertrack.cli import app
from cybertrack.model import Document, Extraction
from cybertrack.resolve import incident_group, link_all, link_pending, review
from cybertrack.resolve.placement import PLACED_BY
from cybertrack.store import Store
from cybertrack.store.placements import pending_placement_documents
from cybertrack.web.views import link_rows
from kb_factory import day, report, say

TOLD = ("The servers of Brellford were locked, and mayor Dana Quint said the Zorvaxa gang "
        "wanted money.")


def _stored(n: int = 61) -> Extraction:
    return report(n, publisher="One Test", published="2018-03-23", targets=("US",),
                  when="2018-03-22", kinds=("ransomware",), claims=(say("attribution", TOLD),))


def _bare(n: int, text: str, published: str = "2018-03-26") -> Extraction:
    doc = Document.from_text(text, source=f"https://kb.example.org/bare/{n}",
                             title=text.split("\n")[0], publisher=f"Bare {n}",
                             published=day(published))
    return Extraction(doc)


THREAT = ("Gang says it will wipe city files\nIn Brellford, mayor Dana Quint said the Zorvaxa "
          "gang still wanted money.")
UNRELATED = ("Gang says it will wipe city files\nIn the United States, a city said a gang "
             "wanted money.")


def _kb(store: Store) -> tuple[str, str, str]:
    """A report with an incident, a document telling of it without one, and an unrelated one."""
    stored, threat, other = _stored(), _bare(62, THREAT), _bare(63, UNRELATED)
    for ex in (stored, threat, other):
        store.add_extraction(ex)
    return stored.incidents[0].id, threat.document.id, other.document.id


def test_link_build_stores_a_proposed_placement_beside_the_right_incident(store: Store) -> None:
    incident, threat, _other = _kb(store)
    done = link_all(store)
    placed = store.links(kind="document")
    assert done.placements_new == 1
    assert [(x.a, x.b, x.status, x.made_by) for x in placed] == [
        (threat, incident, "proposed", PLACED_BY)]
    assert any("dana quint" in r for r in placed[0].reasons)
    group = incident_group(store, incident)
    assert [p.link.a for p in group.placed] == [threat]
    assert group.placed[0].publisher == "Bare 62"
    assert group.document_ids == (store.incident(incident).document_id,)  # nothing merged
    assert pending_placement_documents(store) == []


def test_a_rejected_placement_stays_rejected_and_a_rerun_adds_nothing(store: Store) -> None:
    incident, threat, _other = _kb(store)
    link_all(store)
    (placed,) = store.links(kind="document")
    review(store, placed.id, "rejected", by="analyst")
    again = link_all(store)
    assert again.placements_new == 0
    assert [(x.id, x.status) for x in store.links(kind="document")] == [(placed.id, "rejected")]
    assert [e.status for e in store.link_history(placed.id)] == ["proposed", "rejected"]
    assert incident_group(store, incident).placed == ()  # a rejected one is not shown


def test_ingest_linking_places_the_new_documents_without_incidents(store: Store) -> None:
    stored = _stored()
    store.add_extraction(stored)
    link_pending(store)
    threat, other = _bare(62, THREAT), _bare(63, UNRELATED)
    for ex in (threat, other):
        store.add_extraction(ex)
    assert pending_placement_documents(store) == sorted([threat.document.id,
                                                         other.document.id])
    done = link_pending(store)
    assert done.placements_new == 1
    assert [(x.a, x.b) for x in store.links(kind="document")] == [
        (threat.document.id, stored.incidents[0].id)]
    assert pending_placement_documents(store) == []
    assert link_pending(store).placements_new == 0
    assert len(store.links(kind="document")) == 1


def test_the_review_page_and_link_list_show_placements(store: Store) -> None:
    incident, threat, _other = _kb(store)
    link_all(store)
    total, rows = link_rows(store, "proposed", 1, 25)
    (row,) = [r for r in rows if r.link.kind == "document"]
    assert row.a_page == f"/document/{threat}" and row.b_page == f"/incident/{incident}"
    assert "no incident found" in row.a_title
    assert total == len(rows)


def test_cli_link_build_reports_and_lists_placements(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    with Store.open(db) as kb:
        incident, threat, _other = _kb(kb)
    runner = CliRunner()
    built = runner.invoke(app, ["link", "build", "--db", db])
    assert built.exit_code == 0, built.output
    assert "placements new 1" in built.output
    again = runner.invoke(app, ["link", "build", "--db", db])
    assert "placements new 0" in again.output
    listed = runner.invoke(app, ["link", "list", "--db", db, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert threat in listed.output
    shown = runner.invoke(app, ["incident", "show", incident, "--db", db, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert '"placed"' in shown.output and threat in shown.output
    with Store.open(db) as kb:
        (placed,) = kb.links(kind="document")
    rejected = runner.invoke(app, ["link", "reject", placed.id.split("--", 1)[1][:10],
                                   "--db", db])
    assert rejected.exit_code == 0, rejected.output
    runner.invoke(app, ["link", "build", "--db", db])
    with Store.open(db) as kb:
        assert [x.status for x in kb.links(kind="document")] == ["rejected"]


def test_re_extracting_a_placed_document_drops_its_proposed_placement(store: Store) -> None:
    from cybertrack.model import Incident, stable_id

    incident, threat, _other = _kb(store)
    link_all(store)
    assert store.links(kind="document")
    doc = store.document(threat)
    own = Incident(stable_id("incident", threat, "i1"), threat, "i1", kinds=("ransomware",),
                   targets=("US",), time=day("2018-03-22"), sentence=doc.title or "")
    assert store.replace_extraction(Extraction(doc, incidents=(own,)), extractor_version="9",
                                    replaceable=lambda version: True)
    assert store.links(kind="document") == []  # now an incident of its own: linked instead
    link_all(store)
    assert store.links(kind="document") == []
    assert incident_group(store, incident).placed == ()


def test_the_web_incident_and_review_pages_show_placements(tmp_path: Path) -> None:
    from web_helpers import TOKEN, client

    db = tmp_path / "kb.db"
    with Store.open(str(db)) as kb:
        incident, threat, _other = _kb(kb)
        link_all(kb)
        (placed,) = kb.links(kind="document")
    with client(db) as web:
        page = web.get(f"/incident/{incident}")
        assert page.status_code == 200
        assert "Reports placed beside this incident" in page.text
        assert f'href="/document/{threat}"' in page.text
        review_page = web.get("/review")
        assert "(no incident found)" in review_page.text
        done = web.post(f"/api/v1/links/{placed.id}", json={"action": "reject"},
                        headers={"Authorization": f"Bearer {TOKEN}"})
        assert done.status_code < 400, done.text
    with Store.open(str(db)) as kb:
        link_all(kb)
        assert [x.status for x in kb.links(kind="document")] == ["rejected"]
