"""Format sniffing, decoding, language detection and metadata dates."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from cybertrack.errors import IngestError
from cybertrack.ingest import detect_language, parse_date, sniff_format
from cybertrack.ingest.detect import declared_charset, decode_text, extension, looks_binary
from cybertrack.model import PartialDate


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("report.txt", b"%PDF-1.7\n...", "pdf"),  # magic bytes beat the extension
        ("report.pdf", b"garbage", "pdf"),  # the extension decides, the reader will complain
        ("page.txt", b"\xef\xbb\xbf  <!DOCTYPE html><html><body>x", "html"),
        ("noext", b"<html><body>hi</body></html>", "html"),
        ("noext", b"<div><p>fragment</p></div>", "html"),
        ("news.txt", b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', "feed"),
        ("noext", b"<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
        ("data.xml", b"<note>not a feed</note>", "feed"),
        ("page.xhtml", b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">', "html"),
        ("docs.jsonl", b"not json", "jsonl"),
        ("noext", b'{"id": 1, "text": "x"}\n{"id": 2}', "jsonl"),
        ("notes.md", b"# Title", "text"),
        ("noext", b"Plain words.", "text"),
        ("https://example.org/feed.rss", b"<rss>", "feed"),
        ("https://example.org/a/story", b"Words", "text"),
    ],
)
def test_sniff_format(source: str, data: bytes, expected: str) -> None:
    assert sniff_format(source, data) == expected


def test_extension_of_paths_and_urls() -> None:
    assert extension("a/b/Report.PDF") == ".pdf"
    assert extension("https://x.org/feed.xml?page=2") == ".xml"
    assert extension("https://x.org/") == ""
    assert extension(".bashrc") == ""


def test_looks_binary() -> None:
    assert looks_binary(b"text\x00more")
    assert looks_binary(bytes(range(1, 32)) * 10)
    assert not looks_binary("Tiranë, Tehran — “quoted”".encode())
    assert not looks_binary(b"")


def test_declared_charset_follows_browsers_for_latin1() -> None:
    assert declared_charset(b'<meta charset="ISO-8859-1">') == "cp1252"
    http_equiv = b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    assert declared_charset(http_equiv) == "koi8-r"
    assert declared_charset(b'<?xml version="1.0" encoding="UTF-8"?>') == "utf-8"
    assert declared_charset(b'<meta charset="no-such-codec">') is None


def test_decode_text_uses_a_declared_legacy_encoding() -> None:
    raw = "Россия отрицает причастность".encode("koi8-r")
    assert decode_text(raw, "ru.html", "koi8-r") == "Россия отрицает причастность"


def test_decode_text_refuses_mostly_undecodable_text() -> None:
    with pytest.raises(IngestError, match="binary data"):
        decode_text(b"\x01\x02\x03\x04\x05\x06ab\x07\x08\x0e\x0f", "ctl.txt")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Albania cut diplomatic ties with Iran over the cyberattack in mid-July.", "en"),
        ("L'Albanie a rompu ses relations diplomatiques avec l'Iran après la cyberattaque.", "fr"),
        ("Albanien hat die diplomatischen Beziehungen zum Iran nach dem Cyberangriff abgebrochen.",
         "de"),
    ],
)
def test_detect_language_gives_iso_639_1(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detect_language_declines_short_text() -> None:
    assert detect_language("Iran, 2022") is None


@pytest.mark.parametrize(
    ("value", "iso", "precision"),
    [
        ("2022", "2022", "year"),
        ("2022-09", "2022-09", "month"),
        ("2022-09-07", "2022-09-07", "day"),
        ("2022-09-07T23:30:00-05:00", "2022-09-07", "day"),
        ("2022/09/07", "2022-09-07", "day"),
        ("D:20220907120000Z00'00'", "2022-09-07", "day"),
        ("D:2022", "2022", "year"),
        ("September 2022", "2022-09", "month"),
        ("7 September 2022", "2022-09-07", "day"),
        ("Wed, 07 Sep 2022 09:30:00 GMT", "2022-09-07", "day"),
        ("le 7 septembre 2022", "2022-09-07", "day"),
        ("2022-07-10/2022-07-20", "2022-07", "range"),
    ],
)
def test_parse_date_keeps_precision(value: str, iso: str, precision: str) -> None:
    found = parse_date(value)
    assert found is not None
    assert (found.iso(), found.precision, found.text) == (iso, precision, value)


@pytest.mark.parametrize(
    "value",
    ["", "yesterday", "5 September", "2022-13-01", "sometime", "12345", None, 3.5, "x" * 200],
)
def test_parse_date_rejects_non_dates(value: object) -> None:
    assert parse_date(value) is None


def test_parse_date_reads_date_objects_and_struct_time() -> None:
    assert parse_date(dt.datetime(2022, 9, 7, 12, 0)) == PartialDate.day(
        dt.date(2022, 9, 7), "2022-09-07T12:00:00"
    )
    parsed = parse_date(time.strptime("2022-09-07", "%Y-%m-%d"))
    assert parsed is not None and parsed.iso() == "2022-09-07"
