"""Whatever bytes arrive, every reader returns Documents or raises IngestError, nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cybertrack.errors import IngestError
from cybertrack.ingest.base import ReadOptions, ReadResult
from cybertrack.ingest.feed import read_feed
from cybertrack.ingest.html import read_html
from cybertrack.ingest.jsonl import read_jsonl
from cybertrack.ingest.pdf import read_pdf
from cybertrack.ingest.text import read_text
from cybertrack.model import Document


def _no_network(url: str) -> bytes:
    raise OSError(f"no network in tests: {url}")


OPTIONS = ReadOptions(fetch=_no_network, max_bytes=100_000)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

TAGS = ["html", "head", "body", "title", "p", "div", "script", "style", "rss", "channel", "item",
        "feed", "entry", "link", "description", "content", "br", "meta", "a", "b"]
piece = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(['<?xml version="1.0"?>', "<!DOCTYPE html>", "&amp;", "&#0;", "&bogus;",
                     "<![CDATA[", "]]>", "<!--", "-->", '<meta charset="utf-16">', "{", "}",
                     '"text": ', "\n", "%PDF-1.4", "\x00"]),
    st.text(max_size=30),
)
html_ish = st.lists(piece, max_size=40).map("".join)
prefixes = st.sampled_from([b"", b"%PDF-1.4\n", b'<?xml version="1.0"?><rss><channel><item>',
                            b"<html><body>", b'{"text": "', b"\xef\xbb\xbf", b"\xff\xfe"])
raw = st.builds(lambda p, b: p + b, prefixes, st.binary(max_size=2000))

Single = Callable[[bytes, str, ReadOptions], Document]
Multi = Callable[[bytes, str, ReadOptions], Iterator[ReadResult]]
SINGLE: list[tuple[str, Single]] = [("x.txt", read_text), ("x.html", read_html),
                                     ("x.pdf", read_pdf)]
MULTI: list[tuple[str, Multi]] = [("x.rss", read_feed), ("x.jsonl", read_jsonl)]


def _check_all_readers(data: bytes) -> None:
    for source, single in SINGLE:
        try:
            assert isinstance(single(data, source, OPTIONS), Document)
        except IngestError as exc:
            assert exc.reason
    for source, multi in MULTI:
        try:
            for result in multi(data, source, OPTIONS):
                assert isinstance(result, ReadResult)
                assert (result.document is None) != (result.error is None)
        except IngestError as exc:
            assert exc.reason


@SETTINGS
@given(raw)
def test_random_bytes(data: bytes) -> None:
    _check_all_readers(data)


@SETTINGS
@given(html_ish, st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_random_html_ish_text(text: str, encoding: str) -> None:
    _check_all_readers(text.encode(encoding, "replace"))
