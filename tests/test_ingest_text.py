"""Plain-text reading: the metadata header, encodings, and the inputs that must be refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cybertrack.errors import IngestError
from cybertrack.ingest import read_input
from cybertrack.ingest.base import ReadOptions
from cybertrack.ingest.text import read_text, split_header
from cybertrack.model import Document, PartialDate

DATA = Path(__file__).parent / "data" / "ingest"
BODY = "Albania cut diplomatic ties with Iran over a cyberattack on its government websites."


def test_header_sets_fields_and_is_stripped() -> None:
    [doc] = read_input(str(DATA / "header.txt"))
    assert doc.title == "Albania cuts ties with Iran over cyberattacks"
    assert doc.publisher == "The Daily Ledger"
    assert doc.author == "Jane Roe"
    assert doc.published == PartialDate.day(dt.date(2022, 9, 7), "2022-09-07")
    assert doc.source == "https://news.example.org/2022/09/albania-iran"
    assert doc.language == "en"
    assert doc.reliability == "B"
    assert doc.media_type == "text/plain"
    assert doc.text.startswith("On September 6th Albania cut diplomatic ties")
    assert "Publisher:" not in doc.text


def test_header_keys_are_case_insensitive_and_unknown_keys_dropped() -> None:
    raw = f"TITLE: Ties cut\npublished: September 2022\nTags: x\n\n{BODY}\n"
    doc = read_text(raw.encode(), "a")
    assert doc.title == "Ties cut"
    assert doc.published is not None and doc.published.precision == "month"
    assert doc.published.iso() == "2022-09"
    assert doc.text == BODY


def test_no_header_unless_the_first_line_is_a_known_key() -> None:
    text = f"Note: this is prose.\nTitle: not a header either\n\n{BODY}"
    assert split_header(text) == ({}, text)
    assert read_text(text.encode(), "a.txt").text == text


def test_document_id_is_the_hash_of_the_normalized_text() -> None:
    a = read_text(f"Title: One\n\n{BODY}\n".encode(), "a.txt")
    b = read_text(f"{BODY}\r\n\r\n".encode(), "b.txt")
    assert a.id == b.id == Document.from_text(BODY, "x").id
    assert a.retrieved is not None and a.retrieved.endswith("+00:00")


def test_published_argument_is_a_fallback_the_header_wins() -> None:
    fallback = PartialDate.year(2021)
    no_date = read_text(BODY.encode(), "a.txt", ReadOptions(published=fallback))
    assert no_date.published == fallback
    dated = read_text(f"Published: 2022-09\n\n{BODY}".encode(), "a.txt", ReadOptions(fallback))
    assert dated.published == PartialDate.month(2022, 9, "2022-09")


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Published: sometime soon", ["Published", "sometime soon", "2022-09-07"]),
        ("Reliability: Z", ["Reliability", "A-F"]),
        ("Language: English please", ["Language", "en"]),
    ],
)
def test_malformed_header_values_are_errors_naming_the_field(header: str, words: list[str]) -> None:
    with pytest.raises(IngestError) as info:
        read_text(f"Title: T\n{header}\n\n{BODY}".encode(), "bad.txt")
    assert info.value.source == "bad.txt"
    for word in words:
        assert word in info.value.reason


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", b"Title: Only a header\n\n  \n"])
def test_empty_input_is_an_error(data: bytes) -> None:
    with pytest.raises(IngestError, match="empty"):
        read_text(data, "empty.txt")


def test_binary_data_is_refused() -> None:
    with pytest.raises(IngestError, match="binary data, not text"):
        read_text(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 8, "a.out")


def test_cp1252_text_is_decoded() -> None:
    raw = "Le ministère a condamné l’attaque contre l’Albanie, déjà en été.".encode("cp1252")
    doc = read_text(raw, "fr.txt")
    assert doc.text == "Le ministère a condamné l’attaque contre l’Albanie, déjà en été."
    assert doc.language == "fr"


def test_utf8_with_a_few_stray_latin1_bytes_keeps_both() -> None:
    raw = "Café owner in Manëz said ".encode() + "the attack on Tiranë".encode("latin-1")
    doc = read_text(raw + b" was severe and the government responded.", "mixed.txt")
    assert doc.text.startswith("Café owner in Manëz said the attack on Tiranë was severe")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks_select_the_encoding(encoding: str) -> None:
    doc = read_text(f"Title: Über Tirana\n\n{BODY} Tiranë.".encode(encoding), "bom.txt")
    assert doc.title == "Über Tirana"
    assert doc.text == f"{BODY} Tiranë."


def test_markdown_keeps_its_media_type(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(f"# Albania\n\n{BODY}\n", encoding="utf-8")
    [doc] = read_input(str(path))
    assert doc.media_type == "text/markdown"


def test_files_over_the_limit_are_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.truncate(50_000_000)
    with pytest.raises(IngestError) as info:
        read_input(str(big))
    assert "50,000,000 bytes" in info.value.reason
    assert "20,000,000-byte limit" in info.value.reason
    assert "--max-bytes" in info.value.reason
    small = tmp_path / "small.txt"
    small.write_text(BODY * 3, encoding="utf-8")
    with pytest.raises(IngestError, match="over the 100-byte limit"):
        read_input(str(small), max_bytes=100)
    assert read_input(str(small), max_bytes=1000)[0].text == BODY * 3
