"""JSON Lines of documents: per-line results, text_file, and errors that stay on their line."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from cybertrack.errors import IngestError
from cybertrack.ingest import read_all, read_input
from cybertrack.ingest.jsonl import read_jsonl
from cybertrack.ingest.pdfwrite import simple_pdf

DATA = Path(__file__).parent / "data" / "ingest"
JSONL = str(DATA / "docs.jsonl")


def test_each_line_is_its_own_result() -> None:
    results = list(read_all([JSONL]))
    assert [r.source for r in results] == [f"{JSONL}:{n}" for n in (1, 2, 3, 4, 6)]
    ok = [r.document for r in results if r.document is not None]
    assert [d.external_id for d in ok] == ["a-1", "2", "a-6"]
    first, from_file, untitled = ok
    assert first.title == "Albania cuts ties"
    assert first.published is not None and first.published.iso() == "2022-09-06"
    assert first.source == f"{JSONL}:1"
    assert from_file.title == "From a file"
    assert from_file.source == str(DATA / "texts" / "montenegro.txt")
    assert from_file.text.startswith("Government servers in Montenegro")
    assert from_file.published is not None and from_file.published.precision == "month"
    assert untitled.title is None and untitled.published is None
    errors = {r.source: r.error.reason for r in results if r.error is not None}
    assert errors[f"{JSONL}:3"].startswith("not JSON")
    assert 'no "text" or "text_file"' in errors[f"{JSONL}:4"]


def test_read_input_keeps_good_lines_and_logs_bad_ones(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cybertrack.ingest"):
        documents = read_input(JSONL)
    assert len(documents) == 3
    assert f"{JSONL}:3" in caplog.text and f"{JSONL}:4" in caplog.text


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"text": "Iran denied it.", "published": "not a date"}', '"published" \'not a date\''),
        ('{"text_file": "missing.txt"}', "\"text_file\" 'missing.txt': no such file"),
        ('{"text": 42}', '"text" must be a string'),
        ('{"text": "   "}', "empty"),
        ('{"id": [1], "text": "Iran denied it."}', '"id" must be a string or a number'),
        ('{"title": 7, "text": "Iran denied it."}', '"title" must be a string'),
        ("[1, 2]", "not a JSON object but a list"),
        ("[" * 100_000, "not JSON"),
    ],
)
def test_bad_line_is_reported_and_the_next_still_read(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(f'{line}\n{{"id": "ok", "text": "Albania blamed Iran."}}\n', encoding="utf-8")
    bad, good = read_all([str(path)])
    assert bad.error is not None and bad.source == f"{path}:1"
    assert reason in bad.error.reason
    assert good.document is not None and good.document.external_id == "ok"


def test_text_file_may_be_a_pdf(tmp_path: Path) -> None:
    pdf = simple_pdf(["Albania blamed Iran."], created=dt.date(2022, 9, 1))
    (tmp_path / "r.pdf").write_bytes(pdf)
    (tmp_path / "docs.jsonl").write_text('{"id": "p", "text_file": "r.pdf"}\n', encoding="utf-8")
    [doc] = read_input(str(tmp_path / "docs.jsonl"))
    assert (doc.text, doc.external_id) == ("Albania blamed Iran.", "p")
    assert doc.media_type == "application/pdf"
    assert doc.published is not None and doc.published.iso() == "2022-09-01"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\n \n", "empty"),
        (b"just some prose\nand more prose\n", "not JSON Lines: line 1 is not JSON"),
        (b"\x00\x01 binary" * 100, "binary data"),
    ],
)
def test_file_with_no_json_object_fails_as_a_whole(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        list(read_jsonl(data, "x.jsonl"))
    assert info.value.source == "x.jsonl"
    assert reason in info.value.reason
