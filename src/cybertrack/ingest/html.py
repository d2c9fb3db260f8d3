"""HTML pages: the article's main text and metadata via trafilatura, tag stripping as fallback.

trafilatura drops navigation, footers and comments, and reads title, author, site name, date and
canonical URL from the page's metadata. Its date search is kept to metadata (no "extensive
search" through the body text), because a date in an article body is usually the date of the
events it reports, not of the article. When trafilatura finds no main text but the page has
visible text (a short page, an odd layout), the tags are stripped instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from cybertrack.errors import IngestError
from cybertrack.ingest.base import ReadOptions, clean_field, make_document
from cybertrack.ingest.dates import parse_date
from cybertrack.ingest.detect import declared_charset, decode_text, is_url
from cybertrack.model import Document, PartialDate

log = logging.getLogger(__name__)

_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
_BLOCK = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "dd", "dt",
        "figcaption", "main", "aside", "nav", "form", "title", "body",
    }
)


class _Stripper(HTMLParser):
    """Visible text of an HTML string, block elements on their own lines, plus its <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False
        self._in_head = False  # </head> is optional, so <body> ends the head too

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        elif tag in _SKIP:
            self._skip += 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self._in_head = False
        elif tag in _SKIP and self._skip:
            self._skip -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip and not self._in_head:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n\n".join(line for line in lines if line)


def strip_tags(html: str) -> tuple[str, str | None]:
    """(visible text, <title>) of an HTML string or fragment, without any parsing library."""
    parser = _Stripper()
    parser.feed(html)
    parser.close()
    return parser.text(), clean_field("".join(parser.title))


@dataclass(frozen=True, slots=True)
class HtmlExtract:
    """What a page yields: main text and the metadata found beside it."""

    text: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: PartialDate | None = None
    url: str | None = None


def _trafilatura(html: str, url: str | None) -> Any:
    import trafilatura  # deferred: importing it takes a noticeable moment

    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )


def extract_html(data: bytes, source: str) -> HtmlExtract:
    """Main text and metadata of an HTML page; ``IngestError`` when it has no visible text."""
    if not data.strip():
        raise IngestError(source, "empty: the page has no content")
    html = decode_text(data, source, declared_charset(data))
    try:
        found = _trafilatura(html, source if is_url(source) else None)
    except Exception as exc:  # a third-party parser on arbitrary input; fall back, not crash
        log.debug("trafilatura failed on %s: %s", source, exc)
        found = None
    # The tag-stripping fallback is only run when trafilatura leaves a gap (no text or no
    # title): on most pages it would be a second full parse for nothing (issue 17).
    stripped: tuple[str, str | None] | None = None

    def fallback() -> tuple[str, str | None]:
        nonlocal stripped
        if stripped is None:
            stripped = strip_tags(html)
        return stripped

    text = getattr(found, "text", None) or ""
    if not text.strip():
        text = fallback()[0]
    if not text.strip():
        raise IngestError(source, "empty: the page has no visible text")
    if found is None:
        return HtmlExtract(text=text, title=fallback()[1])
    url = clean_field(getattr(found, "url", None))
    return HtmlExtract(
        text=text,
        title=clean_field(getattr(found, "title", None)) or fallback()[1],
        author=clean_field(getattr(found, "author", None)),
        publisher=clean_field(getattr(found, "sitename", None)),
        published=parse_date(getattr(found, "date", None)),
        url=url if url and is_url(url) else None,
    )


def read_html(data: bytes, source: str, options: ReadOptions | None = None) -> Document:
    """Read an HTML page into one Document; its canonical URL, if any, becomes the source."""
    page = extract_html(data, source)
    return make_document(
        page.text,
        page.url or source,
        options or ReadOptions(),
        media_type="text/html",
        title=page.title,
        author=page.author,
        publisher=page.publisher,
        published=page.published,
    )
