"""HTML pages: trafilatura's main text and metadata, the tag-stripping fallback, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybertrack.errors import IngestError
from cybertrack.ingest import read_input
from cybertrack.ingest.base import ReadOptions
from cybertrack.ingest.html import extract_html, read_html, strip_tags
from cybertrack.model import PartialDate

DATA = Path(__file__).parent / "data" / "ingest"


def test_article_main_text_and_metadata() -> None:
    [doc] = read_input(str(DATA / "article.html"))
    assert doc.media_type == "text/html"
    assert doc.title == "Albania severs ties with Iran"
    assert doc.publisher == "The Daily Ledger"
    assert doc.author == "Jane Roe"
    assert doc.published is not None and doc.published.iso() == "2022-09-07"
    assert doc.source == "https://news.example.org/2022/09/albania-iran"  # the canonical URL
    assert doc.language == "en"
    assert "Edi Rama said the attack was a" in doc.text
    assert "Iran's foreign ministry rejected the accusation" in doc.text
    for boilerplate in ("do not read me", "All rights reserved", "Home"):
        assert boilerplate not in doc.text


def test_fragment_without_main_text_falls_back_to_stripping_tags() -> None:
    doc = read_html(b"<p>Albania cut ties with <b>Iran</b> over the attack.", "frag.html")
    assert doc.text == "Albania cut ties with Iran over the attack."


def test_strip_tags_skips_scripts_and_keeps_blocks_apart() -> None:
    text, title = strip_tags(
        "<html><head><title> The  Title </title><style>p{}</style><body>"
        "<script>x()</script><p>One &amp; two</p><div>Three</div>"
    )
    assert (text, title) == ("One & two\n\nThree", "The Title")


@pytest.mark.parametrize(
    "page",
    [
        b"",
        b"<html><head><title>Only a title</title></head><body>  </body></html>",
        b"<html><body><script>var a = 'invisible';</script><style>p {}</style></body></html>",
    ],
)
def test_page_without_visible_text_is_an_error(page: bytes) -> None:
    with pytest.raises(IngestError, match="empty") as info:
        read_html(page, "blank.html")
    assert info.value.source == "blank.html"


def test_declared_legacy_charset_is_honoured() -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Tiranë</title></head>'
        "<body><p>Le ministère a condamné l’attaque contre l’Albanie.</p></body></html>"
    ).encode("cp1252")
    expected = "Le ministère a condamné l’attaque contre l’Albanie."
    assert extract_html(page, "fr.html").text == expected


def test_published_argument_fills_a_page_without_date() -> None:
    fallback = PartialDate.month(2022, 9)
    doc = read_html(b"<p>Albania cut ties with Iran.</p>", "a.html", ReadOptions(fallback))
    assert doc.published == fallback


def test_binary_data_named_html_is_refused() -> None:
    with pytest.raises(IngestError, match="binary data"):
        read_html(b"<html>\x00\x01\x02" + bytes(range(256)) * 4, "junk.html")
