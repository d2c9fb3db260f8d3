"""The learned role model: shipped weights load offline, training is deterministic, the
combination with the rules keeps the attacker's nationality out of the targets, reports and
brief records have thresholds of their own, and the model adds no speaker or accused state
as a victim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cybertrack.errors import ExtractionError
from cybertrack.extract import extract_documents, roles
from cybertrack.extract.pipeline import build_pipeline, make_doc
from cybertrack.extract.rolemodel import (
    BRIEF_WORDS,
    LABELS,
    WEIGHTS,
    RoleModel,
    genre_of,
    load_model,
    set_role_mode,
)
from cybertrack.model import Document
from cybertrack.models import splits
from cybertrack.models.data import CFR_GOLD

needs_casie = pytest.mark.skipif(
    not (splits.CASIE / "annotation").is_dir() or not CFR_GOLD.is_file(),
    reason="the CASIE corpus (../shared/data/casie) or CFR (../shared/eval/cfr) is not here")


def _targets_and_operators(text: str, mode: str = "both") -> tuple[set[str], set[str]]:
    nlp = build_pipeline(role_mode=mode)
    (ex,) = extract_documents([Document.from_text(text, "test")], nlp)
    targets = {t for inc in ex.incidents for t in inc.targets}
    operators = {c.attributed_state for c in ex.claims
                 if c.kind == "attribution" and c.attributed_state}
    return targets, operators


def test_shipped_model_loads_from_the_package() -> None:
    model = load_model()
    assert WEIGHTS.is_file() and WEIGHTS.stat().st_size < 3_000_000
    assert set(model.thresholds) == {"veto_victim", "add_victim", "add_place_victim",
                                     "veto_attacker", "add_attacker"}
    probs = model.probabilities(["bias", "form=demonym", "R1=hackers"])
    assert len(probs) == len(LABELS) and abs(sum(probs) - 1) < 1e-9


def test_a_broken_weights_file_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "roles.json"
    path.write_text(json.dumps({"labels": ["a", "b"]}), encoding="utf-8")
    with pytest.raises(ExtractionError, match="make model"):
        load_model(path)


def test_unknown_role_mode_is_refused() -> None:
    with pytest.raises(ExtractionError, match="role mode"):
        build_pipeline(role_mode="oracle")


def test_scoring_is_a_softmax_of_summed_weights() -> None:
    model = RoleModel({"a": [0.0, 2.0, 0.0], "b": [0.0, 0.0, 1.0]}, {})
    p = model.probabilities(["a", "b", "unseen"])
    assert p[1] > p[2] > p[0]


def test_attackers_nationality_is_no_target() -> None:
    targets, operators = _targets_and_operators("Iranian hackers deface Saudi site")
    assert targets == {"SA"}
    assert operators == {"IR"}


def test_accused_nationals_are_not_the_victim() -> None:
    targets, _ops = _targets_and_operators(
        "Prosecutors charged two Chinese nationals on Tuesday with hacking the networks of "
        "American defense contractors.")
    assert "CN" not in targets


@needs_casie
def test_training_is_deterministic(tmp_path: Path) -> None:
    from cybertrack.models.train_roles import build

    ids = splits.train_ids()[:40]
    first = build(ids, tmp_path / "a.json", log=False, cfr=25)
    second = build(ids, tmp_path / "b.json", log=False, cfr=25)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    a = RoleModel.from_json(first)
    b = RoleModel.from_json(second)
    feats = [["bias", "form=demonym", "R1=hackers"], ["bias", "L1=against", "form=name"]]
    assert [a.probabilities(f) for f in feats] == [b.probabilities(f) for f in feats]


@needs_casie
def test_split_is_fixed_and_disjoint() -> None:
    train, dev = splits.train_ids(), splits.dev_ids()
    trainable = splits.trainable_ids()
    assert len(trainable) == 870 and len(dev) == 174
    assert not set(train) & set(dev)
    assert not set(trainable) & splits.evaluation_only()
    assert dev == [i for n, i in enumerate(sorted(trainable)) if n % 5 == 4]


#: Sentences that make a text of over ``BRIEF_WORDS`` words (a report), naming no state.
_REPORT_PADDING = " ".join(["The newsletter was sent to subscribers and posted online."] * 14)


def _always_victim_model(tmp_path: Path) -> Path:
    """Weights that make every candidate a likely victim (p 0.73), with the thresholds of
    brief records too high for that and those of reports low enough."""
    brief = {"veto_victim": 1.01, "add_victim": 0.9, "add_place_victim": 0.9,
             "veto_attacker": 1.01, "add_attacker": 1.01}
    path = tmp_path / "roles.json"
    path.write_text(json.dumps({
        "labels": list(LABELS), "thresholds": brief,
        "report_thresholds": {**brief, "add_victim": 0.5, "add_place_victim": 0.5},
        "weights": {"bias": [0.0, 1.0, -5.0]}}), encoding="utf-8")
    return path


def _targets(text: str, model: Path) -> set[str]:
    nlp = build_pipeline(role_model=str(model))
    (ex,) = extract_documents([Document.from_text(text, "test")], nlp)
    return {t for inc in ex.incidents for t in inc.targets}


def test_genre_is_told_by_length() -> None:
    assert genre_of("word " * (BRIEF_WORDS - 1)) == "brief"
    assert genre_of("word " * BRIEF_WORDS) == "report"
    assert genre_of(_REPORT_PADDING) == "report"


def test_reports_use_their_own_thresholds(tmp_path: Path) -> None:
    model = _always_victim_model(tmp_path)
    text = ("Hackers stole the personal records of millions of voters in the Philippines, "
            "a researcher from Canada found.")
    assert _targets(text, model) == {"PH"}  # brief: p 0.73 is under 0.9
    assert _targets(text + "\n\n" + _REPORT_PADDING, model) == {"PH", "CA"}


def test_shipped_model_has_thresholds_for_reports() -> None:
    model = load_model()
    assert set(model.report_thresholds) == set(model.thresholds)
    assert model.thresholds_for("report") is model.report_thresholds
    assert model.thresholds_for("brief") is model.thresholds


def test_model_adds_no_speaker_accused_or_source_as_victim(tmp_path: Path) -> None:
    """Whatever the model says, the rules' reading of speech and accusation stands: accusing
    states (one listed subject), the accused and a cited source are never added as victims."""
    model = _always_victim_model(tmp_path)
    nlp = build_pipeline(role_model=str(model))
    for text, victims in (
            ("The United States and Britain accuse Russia of a cyberattack on Georgia.",
             {"GE"}),
            ("US intelligence officials also think a cyberattack hit Chile.", {"CL"}),
            ("A cyberattack hit Chile, according to Japan's police.", {"CL"})):
        doc = nlp(make_doc(nlp, text + "\n\n" + _REPORT_PADDING, None))
        sent = doc._.ct_sentences[0]
        try:
            set_role_mode("both", model, "report")  # as the pipeline left it for this doc
            found = {sent.mentions[i].state or sent.mentions[i].country
                     for i in roles.target_mentions(sent, roles.attacker_mentions(sent))}
        finally:
            set_role_mode("both")
        assert found == victims, text
