"""PDF reports: text and metadata, and a distinct reason for each way a PDF can fail."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from cybertrack.errors import IngestError
from cybertrack.ingest import read_input
from cybertrack.ingest.pdf import read_pdf
from cybertrack.ingest.pdfwrite import assemble, simple_pdf

PAGE_1 = "Mandiant assessed with moderate confidence that the actor operated in support of Iran."
PAGE_2 = "The ransomware note referred to (Durres) terrorists \\ MEK."


def _encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf([PAGE_1]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pages_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(
        simple_pdf([PAGE_1, PAGE_2], title="Albania report", author="Mandiant",
                   created=dt.date(2022, 9, 8))
    )
    [doc] = read_input(str(path))
    assert doc.text == f"{PAGE_1}\n\n{PAGE_2}"
    assert (doc.title, doc.author) == ("Albania report", "Mandiant")
    assert doc.media_type == "application/pdf"
    assert doc.published is not None and doc.published.iso() == "2022-09-08"
    assert doc.language == "en"


@pytest.mark.parametrize("title", ["Microsoft Word - draft.docx", "untitled", "  "])
def test_placeholder_titles_are_dropped(title: str) -> None:
    assert read_pdf(simple_pdf([PAGE_1], title=title), "a.pdf").title is None


def test_pdf_named_txt_is_read_as_pdf(tmp_path: Path) -> None:
    path = tmp_path / "mislabelled.txt"
    path.write_bytes(simple_pdf([PAGE_1]))
    assert read_input(str(path))[0].media_type == "application/pdf"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (simple_pdf(["", "  "]), "PDF has no extractable text (scanned?"),
        (simple_pdf([PAGE_1])[:150], "corrupt PDF"),
        (b"%PDF-1.4\n" + bytes(range(256)) * 20, "corrupt PDF"),
        (b"<html>an error page saved as .pdf</html>", "not a PDF"),
        (b"", "empty"),
        (_encrypted("secret"), "encrypted"),
    ],
)
def test_unreadable_pdfs_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        read_pdf(data, "bad.pdf")
    assert info.value.source == "bad.pdf"
    assert reason in info.value.reason


def test_pdf_encrypted_with_an_empty_password_is_read() -> None:
    assert read_pdf(_encrypted(""), "open.pdf").text == PAGE_1


def test_a_page_whose_content_exceeds_the_cap_is_skipped(tmp_path: Path) -> None:
    """Reading text costs time per byte of page content: a page over the cap is not read,
    the pages beside it are."""
    from cybertrack.ingest.pdf import MAX_PAGE_CONTENT

    huge = "\n".join(["Hackers attacked the ministry again."] * (MAX_PAGE_CONTENT // 30))
    path = tmp_path / "mixed.pdf"
    path.write_bytes(simple_pdf([PAGE_1, huge]))
    [doc] = read_input(str(path))
    assert doc.text == PAGE_1


def test_a_pdf_of_only_oversized_pages_fails_with_the_reason(tmp_path: Path) -> None:
    import zlib

    from cybertrack.ingest.pdf import MAX_PAGE_CONTENT

    line = b"(Hackers attacked the ministry again.) Tj T* "
    packed = zlib.compress(b"BT /F1 10 Tf 13 TL 60 740 Td " + line * (MAX_PAGE_CONTENT // 40)
                           + b"ET", 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed),
    ]
    out = assemble(objects)
    assert len(out) < 20_000
    with pytest.raises(IngestError, match="content too large"):
        read_pdf(out, "bomb.pdf")
