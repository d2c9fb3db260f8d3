"""The benchmark corpus generator, read back: every file gives what its manifest says."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

from cybertrack.ingest import read_all
from script_module import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "make_corpus.py"


def _load() -> ModuleType:
    return load_script(SCRIPT, "make_corpus")


def test_corpus_reads_as_its_manifest_says(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    assert _load().main([str(out), "--n", "40", "--big-bytes", "300000"]) == 0
    manifest = json.loads((out / ".manifest.json").read_text())
    assert len(manifest["files"]) == 40
    documents: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    for result in read_all([str(out)], max_bytes=200_000, follow_links=False):
        name = re.sub(r"(#|:)\d+$", "", result.source)  # feed.rss#3, docs.jsonl:8 -> the file
        key = str(Path(name).relative_to(out))
        (documents if result.document is not None else failures)[key] += 1
    for name, expected in manifest["files"].items():
        got = (documents[name], failures[name])
        assert got == (expected["documents"], expected["failures"]), name
    assert sum(documents.values()) == manifest["documents"]
    assert set(failures) == {
        "bad/corrupt.pdf", "bad/junk.bin", "bad/empty.txt", "bad/not-a-feed.rss",
        "bad/huge.txt", "docs/documents.jsonl",
    }


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    make = _load().make_corpus
    make(tmp_path / "a", 30, 7, 1000)
    make(tmp_path / "b", 30, 7, 1000)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*"))
    assert files_a == files_b
    for rel in files_a:
        if (tmp_path / "a" / rel).is_file():
            assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
