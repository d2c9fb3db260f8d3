"""The command line end to end: help texts, a mixed batch with bad inputs, kill -9 and resume."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

from cybertrack.cli import app
from cybertrack.store import Store

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
from make_corpus import make_corpus  # noqa: E402

runner = CliRunner()


def _commands() -> list[tuple[str, typer.main.TyperCommand]]:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    out: list[tuple[str, typer.main.TyperCommand]] = []
    for name, cmd in group.commands.items():
        if isinstance(cmd, TyperGroup):
            out.extend((f"{name} {sub}", c) for sub, c in cmd.commands.items())
        else:
            out.append((name, cmd))
    return out


@pytest.mark.parametrize("name", [n for n, _c in _commands()])
def test_every_command_has_complete_help(name: str) -> None:
    cmd = dict(_commands())[name]
    assert cmd.help and len(cmd.help.strip()) > 20, f"{name}: no description"
    for param in cmd.params:
        if isinstance(param, TyperOption | TyperArgument) and param.name != "help":
            assert param.help, f"{name} {param.name}: no help text"
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("corpus")
    manifest = make_corpus(out, 40, 3, 21_000_000)
    return out, manifest


def test_ingest_mixed_batch_reports_each_bad_input_and_reruns_unchanged(
        corpus: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    folder, manifest = corpus
    db = str(tmp_path / "kb.db")
    first = runner.invoke(app, ["ingest", str(folder), "--db", db, "--quiet"])
    assert first.exit_code == 2  # some inputs failed, the batch still finished
    failed_lines = [line for line in first.output.splitlines() if line.startswith("failed ")]
    assert len(failed_lines) == manifest["failures"]
    for name in ("corrupt.pdf", "junk.bin", "empty.txt", "huge.txt", "not-a-feed.rss"):
        assert any(name in line for line in failed_lines), name
    with Store.open(db) as store:
        assert store.counts()["documents"] == manifest["documents"]
    second = runner.invoke(app, ["ingest", str(folder), "--db", db, "--quiet"])
    assert f"new 0  unchanged {manifest['documents']}" in second.output


def test_missing_path_is_one_clear_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.txt"), "--db",
                                 str(tmp_path / "kb.db"), "--quiet"])
    assert result.exit_code == 2
    assert "nope.txt" in result.output and "Traceback" not in result.output


def test_kill_9_mid_batch_keeps_finished_documents_and_rerun_completes(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    n = 240  # enough that the batch cannot finish before the poll sees it running
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(
            f"Title: Report {i}\nPublished: 2022-09-{1 + i % 28:02d}\n\n"
            f"Russian hackers compromised the networks of {i} Estonian ministries in 2021, "
            f"officials said. Estonia summoned the Russian ambassador over case {i}.\n",
            encoding="utf-8")
    db = tmp_path / "kb.db"
    cmd = [sys.executable, "-m", "cybertrack.cli", "ingest", str(folder), "--db", str(db), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as conn:
                        stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.Error:
                    continue
            if stored >= 5:
                break
        assert proc.poll() is None, "ingest finished before it could be killed; raise n"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM claims c WHERE c.document_id = d.id)").fetchone()[0]
    assert 5 <= docs < n
    assert orphans == 0  # every stored document came with its claims: one transaction each
    rerun = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--quiet"])
    assert rerun.exit_code == 0, rerun.output
    assert f"new {n - docs}  unchanged {docs}" in rerun.output


def test_demo_builds_the_sample_knowledge_base(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--db", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    assert "Albania" in result.output
    with Store.open(str(tmp_path / "demo.db")) as store:
        assert store.counts()["documents"] >= 12
