"""The scorer implements shared/eval/README.md, "How a prediction is matched", rule by rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from cybertrack.cli import eval_command
from cybertrack.errors import EvalError
from cybertrack.scoring import Report, Scores, load_jsonl, score

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def doc(**fields: Any) -> dict[str, Any]:
    return {"id": "d", **fields}


def counts(report: Report, category: str) -> tuple[int, int, int]:
    s = report.scores[category]
    return (s.tp, s.fp, s.fn)


def inc(key: str, targets: list[str], date: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"key": key, "targets": targets, "date": date, **kw}


def att(claimant: dict[str, Any] | None, to: dict[str, Any], incident: str | None = None,
        **kw: Any) -> dict[str, Any]:
    return {"incident": incident, "claimant": claimant, "attributed_to": to, **kw}


def one(category: str, gold_items: list[dict[str, Any]], pred_items: list[dict[str, Any]],
        **kw: Any) -> tuple[int, int, int]:
    report = score([doc(**{category: gold_items})], [doc(**{category: pred_items})], **kw)
    return counts(report, category)


# ---- scores and matching --------------------------------------------------------------------


def test_scores_from_counts() -> None:
    assert Scores.from_counts(2, 2, 0) == (2, 2, 0, 0.5, 1.0, pytest.approx(2 / 3))
    assert Scores.from_counts(0, 0, 0)[3:] == (1.0, 1.0, 1.0)
    assert Scores.from_counts(0, 0, 3)[3:] == (0.0, 0.0, 0.0)


def test_each_gold_item_matches_at_most_one_prediction() -> None:
    e = {"name": "Mandiant", "kind": "organization"}
    assert one("entities", [e], [e, dict(e)]) == (1, 1, 0)


def test_matching_is_maximal_not_first_come() -> None:
    # gold A matches both predictions, gold B only the first: a first-come matching of A would
    # leave B unmatched.
    gold = [{"name": "A", "kind": "organization", "aliases": ["B2"]},
            {"name": "B", "kind": "organization", "aliases": ["B2"]}]
    pred = [{"name": "B2", "kind": "organization"}, {"name": "A", "kind": "organization"}]
    assert one("entities", gold, pred) == (2, 0, 0)


def test_optional_gold_counts_in_neither() -> None:
    gold = [{"name": "Iran", "kind": "country", "country": "IR"},
            {"name": "Telegram", "kind": "organization", "required": False}]
    pred = [{"name": "Iran", "kind": "country", "country": "IR"},
            {"name": "telegram", "kind": "organization"}]
    assert one("entities", gold, pred) == (1, 0, 0)
    assert one("entities", gold, pred[1:]) == (0, 0, 1)


def test_required_items_are_matched_before_optional_ones() -> None:
    gold = [{"name": "EU", "kind": "organization", "required": False},
            {"name": "European Union", "kind": "organization", "aliases": ["EU"]}]
    assert one("entities", gold, [{"name": "EU", "kind": "organization"}]) == (1, 0, 0)


# ---- entities --------------------------------------------------------------------------------


def test_entity_country_by_code_and_names_by_alias_either_side() -> None:
    assert one("entities", [{"name": "Iran", "kind": "country", "country": "IR"}],
               [{"name": "Islamic Republic of Iran", "kind": "country", "country": "ir"}]) \
        == (1, 0, 0)
    assert one("entities", [{"name": "Iran", "kind": "country", "country": "IR"}],
               [{"name": "Iran", "kind": "country", "country": "IQ"}]) == (0, 1, 1)
    gold = [{"name": "Mujahedeen-e-Khalq", "kind": "organization", "aliases": ["MEK"]}]
    assert one("entities", gold, [{"name": "MEK", "kind": "organization"}]) == (1, 0, 0)
    pred = [{"name": "People's Mujahedin", "kind": "organization",
             "aliases": ["Mujahedeen-e-Khalq"]}]
    assert one("entities", gold, pred) == (1, 0, 0)


def test_entity_name_casefold_drops_the_and_kind_family() -> None:
    gold = [{"name": "National Security Council", "kind": "organization"}]
    assert one("entities", gold, [{"name": "the national security council",
                                   "kind": "organization"}]) == (1, 0, 0)
    actor = [{"name": "HomeLand Justice", "kind": "threat-actor"}]
    assert one("entities", actor, [{"name": "Homeland Justice", "kind": "organization"}]) \
        == (1, 0, 0)
    assert one("entities", actor, [{"name": "HomeLand Justice", "kind": "person"}]) == (0, 1, 1)


# ---- incidents -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold_date", "pred_date", "ok"),
    [
        ("2022", "2022-11-03", True), ("2021", "2022-01", False),
        ("2022-09", "2022-09-30", True), ("2022-09", "2022-10-01", False),
        ("2022-07-15", "2022-07-22", True), ("2022-07-15", "2022-07-23", False),
        ("2022-07-15", "2022-07-10/2022-07-20", True), (None, "1999", True),
    ],
)
def test_incident_dates_coarser_precision_decides(
    gold_date: str | None, pred_date: str, ok: bool
) -> None:
    expected = (1, 0, 0) if ok else (0, 1, 1)
    assert one("incidents", [inc("a", ["AL"], gold_date)], [inc("x", ["AL"], pred_date)]) \
        == expected


def test_incident_needs_a_common_target_unless_a_side_has_none() -> None:
    assert one("incidents", [inc("a", ["AL", "US"])], [inc("x", ["US"])]) == (1, 0, 0)
    assert one("incidents", [inc("a", ["AL"])], [inc("x", ["IR"])]) == (0, 1, 1)
    assert one("incidents", [inc("a", [], "2022")], [inc("x", ["IR"], "2022-05")]) == (1, 0, 0)
    assert one("incidents", [inc("a", [], "2022")], [inc("x", [], "2021")]) == (0, 1, 1)


def test_targets_and_kinds_are_micro_averaged() -> None:
    gold = doc(incidents=[inc("a", ["AL", "US"], "2022-07", kinds=["disruption", "ransomware"]),
                          inc("b", ["UA"], "2020", kinds=["espionage"]),
                          inc("c", ["FR"], "2019", required=False)])
    pred = doc(incidents=[inc("x", ["AL", "IR"], "2022-07-15", kinds=["disruption", "ddos"]),
                          inc("y", ["DE", "GB"], "2015"),
                          inc("z", ["FR", "BE"], "2019")])
    report = score([gold], [pred])
    assert counts(report, "incidents") == (1, 1, 1)
    # AL matched; US missed; IR spurious; UA (unmatched gold) missed; DE, GB (unmatched
    # prediction) spurious; z matched an optional incident and counts in neither.
    assert counts(report, "targets") == (1, 3, 2)
    assert counts(report, "incident_kinds") == (1, 1, 1)


# ---- claims ----------------------------------------------------------------------------------


def two_incidents(**kw: Any) -> dict[str, Any]:
    return doc(incidents=[inc("july", ["AL"], "2022-07-15"), inc("police", ["AL"], "2022-09")],
               **kw)


def test_attribution_follows_the_incident_matching() -> None:
    gold = two_incidents(attributions=[att({"government": "AL"}, {"state": "IR"}, "july")])
    right = doc(incidents=[inc("p1", ["AL"], "2022-09-10"), inc("p2", ["AL"], "2022-07")],
                attributions=[att({"government": "AL"}, {"state": "IR"}, "p2")])
    wrong = {**right, "attributions": [att({"government": "AL"}, {"state": "IR"}, "p1")]}
    assert counts(score([gold], [right]), "attributions") == (1, 0, 0)
    report = score([gold], [wrong])
    assert counts(report, "attributions") == (0, 1, 1)
    missed = [m for m in report.misses if m.category == "attributions" and m.kind == "missed"]
    assert "incident" in missed[0].note


def test_single_incident_or_null_gold_incident_waives_the_incident_check() -> None:
    gold = two_incidents(attributions=[att(None, {"state": "IR"}, "july")])
    single = doc(incidents=[inc("only", ["AL"], "2022-09")],
                 attributions=[att({"government": "AL"}, {"state": "IR"}, "only")])
    assert counts(score([gold], [single]), "attributions") == (1, 0, 0)
    gold_null = two_incidents(attributions=[att(None, {"state": "IR"}, None)])
    pred = two_incidents(attributions=[att(None, {"state": "IR"}, "police")])
    assert counts(score([gold_null], [pred]), "attributions") == (1, 0, 0)


@pytest.mark.parametrize(
    ("gold_claimant", "pred_claimant", "ok"),
    [
        (None, {"organization": "Anyone"}, True),
        (None, None, True),
        ({"government": "AL"}, {"government": "al"}, True),
        ({"government": "AL"}, {"government": "US"}, False),
        ({"government": "AL"}, {"person": "Edi Rama", "country": "AL"}, True),
        ({"person": "Edi Rama", "country": "AL"}, {"government": "AL"}, True),
        ({"person": "Edi Rama", "country": "AL"}, {"person": "edi rama"}, True),
        ({"organization": "Mandiant"}, {"organization": "MANDIANT"}, True),
        ({"organization": "Mandiant"}, {"government": "US"}, False),
        ({"organization": "Mandiant"}, None, False),
    ],
)
def test_claimant_rules(
    gold_claimant: dict[str, Any] | None, pred_claimant: dict[str, Any] | None, ok: bool
) -> None:
    expected = (1, 0, 0) if ok else (0, 1, 1)
    assert one("attributions", [att(gold_claimant, {"state": "IR"})],
               [att(pred_claimant, {"state": "IR"})]) == expected
    assert one("denials", [{"incident": None, "claimant": gold_claimant}],
               [{"incident": None, "claimant": pred_claimant}]) == expected


def test_claimant_alias_from_entity_lists_and_resolver() -> None:
    gold = doc(entities=[{"name": "Mandiant", "kind": "organization", "aliases": ["FireEye"]}],
               attributions=[att({"organization": "Mandiant"}, {"state": "IR"})])
    pred = doc(attributions=[att({"organization": "FireEye"}, {"state": "IR"})])
    assert counts(score([gold], [pred]), "attributions") == (1, 0, 0)
    bare = doc(attributions=gold["attributions"])
    assert counts(score([bare], [pred]), "attributions") == (0, 1, 1)
    resolver = {"mandiant": {"FireEye", "Mandiant"}}
    report = score([bare], [pred], aliases=lambda n: resolver.get(n.lower(), set()))
    assert counts(report, "attributions") == (1, 0, 0)


def test_attributed_to_state_actor_alias_and_sponsor() -> None:
    def check(gold_to: dict[str, Any], pred_to: dict[str, Any], **kw: Any) -> tuple[int, ...]:
        return one("attributions", [att(None, gold_to)], [att(None, pred_to)], **kw)

    assert check({"state": "IR"}, {"state": "IR"}) == (1, 0, 0)
    assert check({"state": "IR"}, {"state": "RU"}) == (0, 1, 1)
    assert check({"state": "IR"}, {"actor": "HomeLand Justice", "sponsor": "IR"}) == (1, 0, 0)
    assert check({"state": "IR"}, {"actor": "HomeLand Justice"}) == (0, 1, 1)
    assert check({"actor": "APT28"}, {"actor": "apt28"}) == (1, 0, 0)
    assert check({"actor": "APT28"}, {"actor": "Fancy Bear"}) == (0, 1, 1)
    assert check({"actor": "APT28"}, {"actor": "Fancy Bear", "aliases": ["APT28"]}) == (1, 0, 0)
    groups = [{"APT28", "Fancy Bear", "Sofacy"}]
    resolver = lambda n: next((g for g in groups if n in g), set())  # noqa: E731
    assert check({"actor": "APT28"}, {"actor": "Sofacy"}, aliases=resolver) == (1, 0, 0)
    assert check({"state": "RU", "actor": "APT28"}, {"state": "RU"}) == (0, 1, 1)


def test_confidence_accuracy_over_matched_pairs_with_gold_confidence() -> None:
    gold = doc(attributions=[
        att({"organization": "Mandiant"}, {"state": "IR"}, confidence="moderate"),
        att({"government": "US"}, {"state": "IR"}, confidence="high"),
        att({"government": "AL"}, {"state": "IR"}, confidence=None),
        att({"government": "GB"}, {"state": "IR"}, confidence="low"),  # never predicted
    ])
    pred = doc(attributions=[
        att({"organization": "Mandiant"}, {"state": "IR"}, confidence="medium"),
        att({"government": "US"}, {"state": "IR"}, confidence="low"),
        att({"government": "AL"}, {"state": "IR"}, confidence="high"),
    ])
    report = score([gold], [pred])
    assert (report.confidence.correct, report.confidence.total) == (1, 2)
    assert report.confidence.accuracy == 0.5


@pytest.mark.parametrize(
    ("gold_resp", "pred_resp", "ok"),
    [
        ({"action": "condemn"}, {"action": "statement"}, True),
        ({"action": "accuse"}, {"action": "condemn"}, True),
        ({"action": "sever-relations"}, {"action": "expel-diplomats"}, False),
        ({"target": "IR"}, {"target": "IQ"}, False),
        ({"actor": "AL"}, {"actor": "US"}, False),
        ({"date": "2022-09-06"}, {"date": "2022-09-08"}, True),
        ({"date": "2022-09-06"}, {"date": "2022-09-09"}, False),
        ({"date": "2022-09"}, {"date": "2022-09-30"}, True),
        ({"date": "2022-09-06"}, {"date": None}, True),
    ],
)
def test_response_rules(gold_resp: dict[str, Any], pred_resp: dict[str, Any], ok: bool) -> None:
    base = {"actor": "AL", "target": "IR", "action": "sever-relations", "incident": None}
    expected = (1, 0, 0) if ok else (0, 1, 1)
    assert one("responses", [{**base, **gold_resp}], [{**base, **pred_resp}]) == expected


# ---- documents, files, report ----------------------------------------------------------------


def test_documents_are_matched_by_id() -> None:
    gold = [doc(id="a", entities=[{"name": "X", "kind": "person"}]),
            doc(id="b", entities=[{"name": "Y", "kind": "person"}])]
    pred = [doc(id="b", entities=[{"name": "Y", "kind": "person"}]), doc(id="zzz")]
    report = score(gold, pred)
    assert counts(report, "entities") == (1, 0, 1)
    assert report.unknown_predictions == ("zzz",)
    assert report.misses[0].doc_id == "a"
    assert report.misses[0].note == "no prediction for this document"
    with pytest.raises(EvalError, match="repeat"):
        score(gold, [doc(id="b"), doc(id="b")])


def test_report_to_dict_and_worst_misses_round_robin() -> None:
    gold = doc(entities=[{"name": n, "kind": "person"} for n in "ABC"],
               incidents=[inc("a", ["AL"])])
    report = score([gold], [doc()])
    worst = report.worst_misses(2)
    assert [m.category for m in worst] == ["incidents", "entities"]
    data = json.loads(json.dumps(report.to_dict(misses=3)))
    assert data["scores"]["entities"]["fn"] == 3
    assert len(data["misses"]) == 3


def test_load_jsonl_reports_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a"}\n\n{"id": "b",\n', encoding="utf-8")
    with pytest.raises(EvalError, match=r"g\.jsonl:3"):
        load_jsonl(path)
    path.write_text('{"id": "a"}\n\n', encoding="utf-8")
    assert load_jsonl(path) == [{"id": "a"}]


def _without_optional(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    for field in ("entities", "incidents", "attributions", "denials", "responses"):
        out[field] = [x for x in record.get(field) or [] if x.get("required", True)]
    return out


def test_seed_gold_scores_perfectly_against_itself() -> None:
    path = SHARED / "eval" / "seed" / "seed.gold.jsonl"
    if not path.exists():
        pytest.skip(f"shared gold set not found at {path}")
    gold = load_jsonl(path)
    report = score(gold, [_without_optional(r) for r in gold])
    for name, s in report.scores.items():
        assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0), name
    assert report.confidence.accuracy == 1.0
    assert report.misses == ()


# ---- the eval command ------------------------------------------------------------------------


def _app() -> typer.Typer:
    """The eval command in a group of its own, so the test does not depend on other commands."""
    app = typer.Typer()
    app.callback()(lambda: None)
    app.command("eval")(eval_command)
    return app


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_eval_command_with_predictions(tmp_path: Path) -> None:
    gold = _write(tmp_path / "g.jsonl", [doc(entities=[{"name": "A", "kind": "person"},
                                                       {"name": "B", "kind": "person"}])])
    pred = _write(tmp_path / "p.jsonl", [doc(entities=[{"name": "A", "kind": "person"}])])
    result = CliRunner().invoke(_app(), ["eval", str(gold), "--predictions", str(pred), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scores"]["entities"]["recall"] == 0.5
    result = CliRunner().invoke(_app(), ["eval", str(gold), "-p", str(pred), "--misses", "1"])
    assert result.exit_code == 0 and "entities" in result.output


def test_eval_command_runs_the_extractor_when_no_predictions_are_given(tmp_path: Path) -> None:
    text = "Russian hackers compromised the email accounts of Norwegian lawmakers in 2020."
    gold = _write(tmp_path / "g.jsonl", [doc(
        text=text, published="2020-10-01",
        incidents=[{"key": "i1", "targets": ["NO"], "date": "2020", "kinds": ["espionage"],
                    "required": True}],
        attributions=[{"incident": "i1", "claimant": None, "attributed_to": {"state": "RU"},
                       "kind": "attribution", "required": True}],
    )])
    result = CliRunner().invoke(_app(), ["eval", str(gold), "--json", "--no-ner"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)["scores"]
    assert scores["incidents"]["recall"] == 1.0
    assert scores["attributions"]["recall"] == 1.0


def test_misses_are_counted_by_reason_without_their_content(tmp_path: Path) -> None:
    gold = two_incidents(
        attributions=[att({"government": "AL"}, {"state": "IR"}, "july"),
                      att({"organization": "Mandiant"}, {"state": "IR"}, "july")])
    pred = doc(incidents=[inc("p1", ["AL", "RS"], "2022-07-15")],
               attributions=[att({"government": "US"}, {"state": "IR"}, "p1")])
    report = score([gold], [pred])
    reasons = {(c, k, r): n for c, k, r, n in report.reasons()}
    # both gold claims find the one prediction's incident; its claimant fails both
    assert reasons[("attributions", "missed", "claimant")] == 2
    assert reasons[("attributions", "spurious", "claimant")] == 1
    # the September incident finds no prediction left: its target is missed with its incident
    assert reasons[("incidents", "missed", "date")] == 1
    assert reasons[("targets", "missed", "incident unmatched")] == 1
    assert reasons[("targets", "spurious", "within a matched incident")] == 1
    path = _write(tmp_path / "g.jsonl", [gold])
    ppath = _write(tmp_path / "p.jsonl", [pred])
    result = CliRunner().invoke(_app(), ["eval", str(path), "-p", str(ppath), "--misses", "0",
                                         "--reasons"])
    assert result.exit_code == 0, result.output
    assert "Misses by reason" in result.output and "incident unmatched" in result.output
    assert "Mandiant" not in result.output
    data = json.loads(CliRunner().invoke(
        _app(), ["eval", str(path), "-p", str(ppath), "--misses", "0", "--json"]).output)
    assert {"category": "attributions", "kind": "missed", "reason": "claimant",
            "count": 2} in data["reasons"]
