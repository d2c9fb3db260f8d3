"""Watchlists: criteria from names, matching claims and incidents, reporting each hit once to
the terminal, a JSON lines file, a webhook and an Atom feed (cybertrack.watch.watchlists)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybertrack.cli import app
from cybertrack.errors import NotFoundError
from cybertrack.ingest.net import post_json
from cybertrack.store import Store
from cybertrack.watch.watchlists import (
    Criteria,
    WatchError,
    Watchlist,
    add_watchlist,
    atom_feed,
    facets,
    find_hits,
    make_criteria,
    matches,
    notify,
    remove_watchlist,
    watchlists,
)
from kb_factory import ALBANIA, MANDIANT, report, say

ATOM = "{http://www.w3.org/2005/Atom}"


def _albania(n: int = 1, actor: str | None = None):  # type: ignore[no-untyped-def]
    return report(n, publisher="Test Wire", published="2022-09-07", targets=("AL",), claims=(
        say("attribution", "Albania's prime minister said Iran orchestrated the attack.",
            ALBANIA, attributed_state="IR"),
        say("attribution", "Mandiant tied it with moderate confidence to a group.", MANDIANT,
            attributed_actor=actor, attributed_state=None, confidence="moderate"),
        say("response", "Albania severed diplomatic ties with Iran.", ALBANIA,
            action="sever-relations", actor_state="AL", target_state="IR"),
    ))


def test_criteria_resolve_names_and_aliases_and_refuse_unknown_ones() -> None:
    c = make_criteria(actors=["Fancy Bear"], states=["Iran"], targets=["Albania", "XK"])
    assert c.actors == ("APT28",)
    assert "fancy bear" in c.actor_keys and "apt28" in c.actor_keys
    assert c.states == ("IR",) and c.targets == ("AL", "XK")
    with pytest.raises(Exception, match="no actor named"):
        make_criteria(actors=["Nonexistent Panda Group 123"])
    with pytest.raises(WatchError, match="at least one criterion"):
        make_criteria()
    with pytest.raises(WatchError, match="not an incident kind"):
        make_criteria(kinds=["nonsense"])


def test_every_criterion_must_hold_and_any_value_of_one_will_do(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "kb.db")) as store:
        ex = _albania(actor="Fancy Bear")
        store.add_extraction(ex)
        got = {f.record_id: f for f in facets(store, [ex.document.id])}
        incident = next(f for f in got.values() if f.record_kind == "incident")
        response = next(f for f in got.values() if f.claim_kind == "response")
        vendor = next(f for f in got.values() if f.claim_kind == "attribution"
                      and "Mandiant" in f.summary)
    assert matches(Criteria(states=("IR",), targets=("AL",)), incident)
    assert matches(Criteria(states=("RU", "IR")), incident)          # any of one criterion
    assert not matches(Criteria(states=("IR",), targets=("XK",)), incident)  # every one
    assert matches(Criteria(states=("AL",)), response)               # the responding state
    assert not matches(Criteria(claim_kinds=("response",)), incident)
    assert matches(Criteria(claim_kinds=("response",), targets=("AL",)), response)
    apt28 = make_criteria(actors=["APT28"])                          # alias in the claim
    assert matches(apt28, vendor) and matches(apt28, incident)
    assert not matches(make_criteria(actors=["APT33"]), vendor)
    assert matches(Criteria(kinds=("destruction",)), incident)
    assert not matches(Criteria(kinds=("ddos",)), incident)


def test_hits_are_recorded_once_and_told_to_terminal_file_and_webhook(tmp_path: Path) -> None:
    sent: list[tuple[str, bytes, bool]] = []
    lines: list[str] = []
    out = tmp_path / "hits.jsonl"
    with Store.open(str(tmp_path / "kb.db")) as store:
        add_watchlist(store, Watchlist("albania", make_criteria(targets=["AL"], states=["IR"]),
                                       str(out), "https://hooks.example.org/x"))
        add_watchlist(store, Watchlist("apt33", make_criteria(actors=["APT33"])))
        with pytest.raises(WatchError, match="exists"):
            add_watchlist(store, Watchlist("apt33", make_criteria(actors=["APT33"])))
        ex = _albania()
        store.add_extraction(ex)
        hits = find_hits(store, [ex.document.id])
        assert {h.watchlist for _, h in hits} == {"albania"}
        kinds = sorted(h.record_kind for _, h in hits)
        assert kinds == ["claim", "incident"]  # Albania's attribution and the incident
        notify(hits, lines.append,
               post=lambda url, body, private: sent.append((url, body, private)) or 204)
        assert find_hits(store, [ex.document.id]) == []  # once only
        assert len([x for x in lines if x.startswith("[albania]")]) == 2
        records = [json.loads(x) for x in out.read_text().splitlines()]
        assert {r["record_kind"] for r in records} == {"claim", "incident"}
        assert all(r["document_id"] == ex.document.id for r in records)
        url, body, private = sent[0]
        assert url == "https://hooks.example.org/x" and not private
        assert len(json.loads(body)["hits"]) == 2
        xml = atom_feed(store, "albania", base_url="https://kb.example.org")
        feed = ET.fromstring(xml)
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 2
        links = {e.find(f"{ATOM}link").get("href") for e in entries}  # type: ignore[union-attr]
        assert any(x.startswith("https://kb.example.org/incident/") for x in links)
        assert remove_watchlist(store, "albania") == 2
        assert [w.name for w in watchlists(store)] == ["apt33"]
        with pytest.raises(NotFoundError):
            atom_feed(store, "albania")


def test_a_failing_webhook_or_file_is_one_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    lines: list[str] = []

    def down(url: str, body: bytes, private: bool) -> int:
        raise OSError("connection refused")

    with Store.open(str(tmp_path / "kb.db")) as store:
        add_watchlist(store, Watchlist("al", make_criteria(targets=["AL"]),
                                       str(tmp_path / "no-such-dir" / "x.jsonl"),
                                       "https://hooks.example.org/x"))
        ex = _albania()
        store.add_extraction(ex)
        problems = notify(find_hits(store, [ex.document.id]), lines.append, post=down)
    assert len(problems) == 2
    assert any("cannot append" in p for p in problems)
    assert any("webhook https://hooks.example.org/x failed" in p for p in problems)
    assert sum(1 for x in lines if x.startswith("[al]")) >= 2


def test_webhooks_refuse_private_addresses_unless_allowed(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "kb.db")) as store:
        with pytest.raises(WatchError, match="loopback"):
            add_watchlist(store, Watchlist("x", make_criteria(targets=["AL"]),
                                           webhook="http://127.0.0.1:9/hook"))
        add_watchlist(store, Watchlist("x", make_criteria(targets=["AL"]),
                                       webhook="http://127.0.0.1:9/hook", allow_private=True))
    with pytest.raises(Exception, match="loopback"):
        post_json("http://127.0.0.1:9/hook", b"{}")


def test_atom_feed_escapes_what_documents_say(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "kb.db")) as store:
        add_watchlist(store, Watchlist("al", make_criteria(targets=["AL"])))
        ex = report(9, publisher="P", published="2022-09-07", title="<script>x</script> & \x01",
                    claims=())
        store.add_extraction(ex)
        find_hits(store, [ex.document.id])
        xml = atom_feed(store, "al")
    assert "<script>" not in xml
    entry = ET.fromstring(xml).find(f"{ATOM}entry")
    assert entry is not None and "<script>" in (entry.findtext(f"{ATOM}summary") or "")


def test_hits_of_a_watchlist_without_any_say_so(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    runner = CliRunner()
    assert runner.invoke(app, ["watchlist", "add", "quiet", "--target", "AL", "--db", db]
                         ).exit_code == 0
    result = runner.invoke(app, ["watchlist", "hits", "quiet", "--db", db])
    assert result.exit_code == 0
    assert "watchlist quiet: no hits yet" in result.output
