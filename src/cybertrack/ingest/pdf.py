"""PDF reports: the text of every page (pypdf) and the title, author and creation date.

A PDF that cannot become text says why, because the fix differs: a corrupt file needs a new
download, an encrypted one a password removed, a scanned one OCR.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from cybertrack.errors import IngestError
from cybertrack.ingest.base import ReadOptions, clean_field, make_document
from cybertrack.ingest.dates import parse_date
from cybertrack.model import Document

if TYPE_CHECKING:
    from pypdf import PdfReader

log = logging.getLogger(__name__)

_PLACEHOLDER_TITLES = frozenset({"untitled", "microsoft word", "title", "document", "pdf"})


def _title(value: object) -> str | None:
    """A metadata title, unless it is a placeholder or a file name left by the authoring tool."""
    title = clean_field(value)
    if title is None or title.lower() in _PLACEHOLDER_TITLES:
        return None
    if title.lower().endswith((".doc", ".docx", ".pdf", ".indd", ".rtf")):
        return None
    return title


def read_pdf(data: bytes, source: str, options: ReadOptions | None = None) -> Document:
    """Read a PDF into one Document: pages joined by blank lines, metadata from its info dict."""
    if not data.strip():
        raise IngestError(source, "empty: the file has no content")
    if b"%PDF-" not in data[:1024]:
        raise IngestError(source, "not a PDF (no %PDF- header); the file is corrupt or mislabelled")
    from pypdf import PdfReader  # deferred: only PDF inputs need it

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _decrypt(reader):
            raise IngestError(
                source, "PDF is encrypted with a password; remove it first (qpdf --decrypt)"
            )
        pages = list(reader.pages)
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise IngestError(source, f"corrupt PDF, cannot be parsed ({_why(exc)})") from None
    if not pages:
        raise IngestError(source, "PDF has no pages")
    texts: list[str] = []
    failures = 0
    for number, page in enumerate(pages, 1):
        try:
            texts.append(page.extract_text() or "")
        except Exception as exc:  # one damaged page should not lose the others
            failures += 1
            log.debug("%s: page %d unreadable: %s", source, number, exc)
    if failures == len(pages):
        raise IngestError(source, "corrupt PDF: no page could be read")
    text = "\n\n".join(t.strip() for t in texts if t.strip())
    if not text:
        raise IngestError(
            source, "PDF has no extractable text (scanned? run OCR on it first, e.g. ocrmypdf)"
        )
    title = author = published = None
    try:
        info = reader.metadata
        if info is not None:
            title = _title(info.get("/Title"))
            author = clean_field(info.get("/Author"))
            published = parse_date(str(info.get("/CreationDate") or ""))
    except Exception as exc:  # a broken info dictionary loses the metadata, not the text
        log.debug("%s: unreadable PDF metadata: %s", source, exc)
    return make_document(
        text,
        source,
        options or ReadOptions(),
        media_type="application/pdf",
        title=title,
        author=author,
        published=published,
    )


def _decrypt(reader: PdfReader) -> bool:
    """Try the empty user password (common on 'protected' reports that anyone may open)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # wrong password, or an algorithm needing the 'cryptography' package
        return False


def _why(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
