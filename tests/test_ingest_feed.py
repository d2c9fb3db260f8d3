"""RSS/Atom feeds: entries, linked pages through an injected fetcher, and real fetching from a
local HTTP server (never the network)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cybertrack.errors import IngestError
from cybertrack.ingest import read_all, read_input
from cybertrack.ingest.base import ReadOptions
from cybertrack.ingest.feed import read_feed

DATA = Path(__file__).parent / "data" / "ingest"
ARTICLE = (DATA / "article.html").read_bytes()
LINKED = "https://desk.example.org/albania-iran"


class Pages:
    """A fetcher serving known URLs and failing the rest, recording what was asked."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        if url not in self.pages:
            raise OSError(f"unreachable: {url}")
        return self.pages[url]


def test_rss_entries_read_from_linked_pages_or_summaries() -> None:
    fetch = Pages({LINKED: ARTICLE})
    results = list(read_all([str(DATA / "feed.rss")], fetch=fetch))
    assert [r.source for r in results] == [f"{DATA / 'feed.rss'}#{n}" for n in (1, 2, 3)]
    first, second, third = results
    assert first.document is not None and second.document is not None
    assert first.document.source == LINKED
    assert "Edi Rama said the attack" in first.document.text  # the page, not the teaser
    assert first.document.media_type == "text/html"
    assert first.document.title == "Albania cuts ties with Iran"
    assert first.document.publisher == "Cyber Desk"
    assert first.document.published is not None
    assert first.document.published.iso() == "2022-09-07"
    assert second.document.text.startswith("Government servers in Montenegro were hit")
    assert second.document.media_type == "application/rss+xml"
    assert third.error is not None and "no content or summary" in third.error.reason
    assert fetch.asked == [LINKED, "https://desk.example.org/montenegro", "https://desk.example.org/empty"]


def test_follow_links_false_reads_summaries_without_fetching() -> None:
    fetch = Pages({LINKED: ARTICLE})
    results = list(read_feed((DATA / "feed.rss").read_bytes(), "f.rss",
                             ReadOptions(fetch=fetch, follow_links=False)))
    assert fetch.asked == []
    assert results[0].document is not None
    teaser = "Albania cut diplomatic ties with Iran over a July cyberattack."
    assert results[0].document.text == teaser


def test_atom_entry_with_html_content() -> None:
    [doc] = read_input(str(DATA / "feed.atom"), fetch=Pages({}))
    assert doc.text == (
        "A group calling itself HomeLand Justice claimed the attack on Albanian government "
        "services on Telegram."
    )
    assert (doc.title, doc.author, doc.publisher) == (
        "HomeLand Justice claims Albania attack", "Research Team", "Threat Research Blog"
    )
    assert doc.media_type == "application/atom+xml"
    assert doc.published is not None and doc.published.iso() == "2022-09-08"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"This is a plain sentence, not a feed.", "not XML"),
        (b"<html><body>a web page</body></html>", "not an RSS/Atom feed"),
        (b'<?xml version="1.0"?><rss><channel><title>cut off', "not an RSS/Atom feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>',
         "no entries"),
        (b"\x00\x01\x02binary" * 50, "binary data"),
        (b"  \n", "empty"),
    ],
)
def test_bad_feeds_are_one_error(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        list(read_feed(data, "bad.rss", ReadOptions(fetch=Pages({}))))
    assert info.value.source == "bad.rss"
    assert reason in info.value.reason


def test_non_xml_feed_file_is_reported_by_read_all(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_text("<<< definitely not a feed >>>", encoding="utf-8")
    [result] = read_all([str(path)], fetch=Pages({}))
    assert result.document is None and result.error is not None
    assert str(result.error).startswith(f"{path}: not an RSS/Atom feed")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 serving tmp_path, in a thread; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def test_feed_url_and_linked_pages_are_fetched_over_http(tmp_path: Path, server: str) -> None:
    (tmp_path / "story.html").write_bytes(ARTICLE)
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>'
        f"<item><title>Story</title><link>{server}/story.html</link>"
        "<description>teaser only</description></item>"
        f"<item><title>Gone</title><link>{server}/missing.html</link>"
        "<description>Iran denied the accusations.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    first, second = read_input(f"{server}/feed.xml", allow_private_urls=True)
    assert "Edi Rama said the attack" in first.text
    assert first.source == f"{server}/story.html"
    assert second.text == "Iran denied the accusations."  # 404: the summary stands in


def test_url_errors_and_limits(tmp_path: Path, server: str) -> None:
    (tmp_path / "page.html").write_bytes(ARTICLE)
    [doc] = read_input(f"{server}/page.html", allow_private_urls=True)
    assert doc.publisher == "The Daily Ledger"
    with pytest.raises(IngestError, match="HTTP 404"):
        read_input(f"{server}/nothing-here.html", allow_private_urls=True)
    with pytest.raises(IngestError, match="over the 100-byte limit; raise it with --max-bytes"):
        read_input(f"{server}/page.html", max_bytes=100, allow_private_urls=True)
