"""Expanding inputs, and batches in which every bad input is one clear result."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cybertrack.errors import IngestError
from cybertrack.ingest import iter_inputs, read_all, read_input
from cybertrack.ingest.pdfwrite import simple_pdf

TEXT = "Albania cut diplomatic ties with Iran over a cyberattack on government websites."


def _tree(root: Path) -> None:
    for name in ("b.txt", "a.html", "sub/c.txt", "sub/deeper/d.md", ".hidden.txt", ".git/config"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEXT, encoding="utf-8")


def test_folders_expand_recursively_sorted_without_hidden(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert list(iter_inputs([str(tmp_path)])) == [
        str(tmp_path / n) for n in ("a.html", "b.txt", "sub/c.txt", "sub/deeper/d.md")
    ]


def test_globs_urls_missing_paths_and_duplicates(tmp_path: Path) -> None:
    _tree(tmp_path)
    url = "https://example.org/feed.xml"
    missing = str(tmp_path / "nope.txt")
    got = list(iter_inputs([str(tmp_path / "**" / "*.txt"), url, missing, str(tmp_path / "b.txt")]))
    assert got == [str(tmp_path / "b.txt"), str(tmp_path / "sub/c.txt"), url, missing]
    assert list(iter_inputs([str(tmp_path / "*.none")])) == [str(tmp_path / "*.none")]


def test_bad_inputs_each_give_one_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.bin").write_bytes(os.urandom(4096) + b"\x00")
    (tmp_path / "corrupt.pdf").write_bytes(simple_pdf([TEXT])[:200])
    (tmp_path / "report.pdf").write_bytes(simple_pdf([TEXT]))
    (tmp_path / "cp1252.txt").write_bytes("Tiranë’s ministère condamné.".encode("cp1252"))
    (tmp_path / "feed.rss").write_text("not xml", encoding="utf-8")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block: it must not be opened
    with (tmp_path / "big.txt").open("wb") as fh:
        fh.truncate(50_000_000)
    sources = [str(tmp_path), str(tmp_path / "missing.html")]
    results = {Path(r.source).name: r for r in read_all(sources)}
    reasons = {name: r.error.reason for name, r in results.items() if r.error is not None}
    assert {name for name, r in results.items() if r.document is not None} == {
        "good.txt", "report.pdf", "cp1252.txt"
    }
    assert results["cp1252.txt"].document is not None
    assert results["cp1252.txt"].document.text == "Tiranë’s ministère condamné."
    expected = {
        "empty.txt": "empty",
        "junk.bin": "binary data",
        "corrupt.pdf": "corrupt PDF",
        "feed.rss": "not XML",
        "dangling.txt": "no such file",
        "pipe.txt": "not a regular file",
        "big.txt": "--max-bytes",
        "missing.html": "no such file",
    }
    assert set(reasons) == set(expected)
    for name, words in expected.items():
        assert words in reasons[name], (name, reasons[name])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_folder_and_file_are_reported(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "locked").chmod(0)
    (tmp_path / "secret.txt").chmod(0)
    try:
        results = {Path(r.source).name: r for r in read_all([str(tmp_path)])}
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert results["locked"].error is not None
    assert "cannot list folder" in results["locked"].error.reason
    assert results["secret.txt"].error is not None
    assert "permission" in results["secret.txt"].error.reason.lower()


def test_read_input_of_a_folder_points_to_read_all(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="is a folder; pass it to read_all"):
        read_input(str(tmp_path))


def test_a_reader_bug_becomes_that_inputs_failure_not_the_batchs() -> None:
    def wrong_fetcher(url: str) -> bytes:
        return url  # type: ignore[return-value]  # a bug: str, not bytes

    results = list(read_all(["https://a.test/1", "https://a.test/2"], fetch=wrong_fetcher))
    assert [r.source for r in results] == ["https://a.test/1", "https://a.test/2"]
    for result in results:
        assert result.error is not None
        assert "internal error" in result.error.reason and "report this bug" in result.error.reason
