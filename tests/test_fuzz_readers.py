"""Fuzzing every reader: whatever arrives, a reader returns Documents/records or raises
``IngestError``; never another exception, never a hang, and what it returns keeps the readers'
promises (text without NUL, normalized, encodable; one-line metadata; spans inside the text).

Why hypothesis and not atheris: it runs on every Python we support, in the ordinary test run,
and shrinks a failure to a small input. Each reader gets an input strategy shaped like its
format (so the parser gets past its first check) mixed with raw bytes.

CI runs about a minute in all: ``derandomize=True`` and no example database make every run
identical, so a failure in CI reproduces on a laptop. ``make fuzz`` sets
``CYBERTRACK_FUZZ_SCALE`` (default 1) to multiply the examples for longer, still reproducible
runs; ``CYBERTRACK_FUZZ_SEED`` set to anything makes them random instead (new inputs each run).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cybertrack.errors import IngestError
from cybertrack.ingest.base import ReadOptions, ReadResult
from cybertrack.ingest.feed import read_feed
from cybertrack.ingest.html import read_html
from cybertrack.ingest.jsonl import read_jsonl
from cybertrack.ingest.pdf import read_pdf
from cybertrack.ingest.pdfwrite import assemble, simple_pdf
from cybertrack.ingest.stix import read_stix
from cybertrack.ingest.text import read_text
from cybertrack.ingest.tracker import CFR_COLUMNS, TrackerProblem, read_tracker
from cybertrack.model import Document, Extraction, document_id, normalize_text
from cybertrack.reference import Reference, load_reference

SCALE = max(1, int(os.environ.get("CYBERTRACK_FUZZ_SCALE", "1") or "1"))
RANDOM = bool(os.environ.get("CYBERTRACK_FUZZ_SEED"))
#: Seconds one reader call may take before it counts as a hang (a generous bound: the largest
#: fuzz input is tens of KB, read in milliseconds; a 2-core CI machine may be busy).
HANG_SECONDS = 20


def fuzz(examples: int) -> Callable[[Any], Any]:
    """Hypothesis settings for one reader: ``examples`` in CI, times the scale under make fuzz."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,  # a slow example is not a bug; a hung one is caught by ``within``
        derandomize=not RANDOM,
        database=None,
        # Shrinking a failure can take minutes; CI reports the failing input as found, ``make
        # fuzz`` (scale > 1) shrinks it to a minimal one.
        phases=[Phase.explicit, Phase.generate] + ([Phase.shrink] if SCALE > 1 else []),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
    )


class Hang(BaseException):  # noqa: N818 - BaseException so no reader's ``except Exception`` hides it
    """A reader call ran past ``HANG_SECONDS``."""


@functools.cache
def _can_alarm() -> bool:
    return hasattr(signal, "setitimer")


class within:  # noqa: N801 - used as a context manager, reads as English
    """Raise ``Hang`` in the reader if it runs longer than ``seconds`` (SIGALRM, main thread)."""

    def __init__(self, seconds: float, what: str) -> None:
        self.seconds = seconds
        self.what = what
        self.previous: Any = None

    def _fire(self, _signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"{self.what} still running after {self.seconds:g} s")

    def __enter__(self) -> None:
        if _can_alarm():
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if _can_alarm():
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


# --- what every result must satisfy ---------------------------------------------------------

def check_error(exc: IngestError) -> None:
    """One clear line: names the input, says why."""
    assert exc.source and exc.reason, exc
    assert "\n" not in str(exc) and "\r" not in str(exc), f"error is not one line: {exc!r}"


def check_document(doc: Document) -> None:
    """The promises every reader makes about a Document (see ingest/base.make_document)."""
    assert isinstance(doc, Document)
    assert doc.text.strip(), "empty document"
    assert "\x00" not in doc.text, "NUL in the text (PostgreSQL refuses it; not text)"
    doc.text.encode("utf-8")  # no lone surrogates: the store and the id hash need UTF-8
    assert doc.text == normalize_text(doc.text), "text not in its normalized form"
    assert doc.id == document_id(doc.text), "id is not the hash of the text"
    assert isinstance(doc.source, str) and doc.source
    for name in ("title", "publisher", "author"):
        value = getattr(doc, name)
        if value is not None:
            assert isinstance(value, str) and value.strip(), f"{name} {value!r}"
            assert "\n" not in value and "\x00" not in value, f"{name} {value!r}"
            value.encode("utf-8")


def check_extraction(ex: Extraction) -> None:
    """Structured records (STIX, trackers): a valid document, and every claim inside it."""
    check_document(ex.document)
    for claim in ex.claims:
        assert 0 <= claim.sentence.start <= claim.sentence.end <= len(ex.document.text), claim
        claim.sentence_text.encode("utf-8")
        assert "\x00" not in claim.sentence_text


def check_results(results: Iterator[ReadResult]) -> list[ReadResult]:
    out = []
    for result in results:
        assert isinstance(result, ReadResult)
        assert (result.document is None) != (result.error is None), result
        if result.error is not None:
            check_error(result.error)
        if result.document is not None:
            check_document(result.document)
        if result.extraction is not None:
            check_extraction(result.extraction)
        out.append(result)
    return out


def run_single(reader: Callable[[bytes, str, ReadOptions], Document], data: bytes,
               source: str, options: ReadOptions) -> Document | None:
    with within(HANG_SECONDS, f"{reader.__name__} on {len(data)} bytes"):
        try:
            doc = reader(data, source, options)
        except IngestError as exc:
            check_error(exc)
            return None
    check_document(doc)
    return doc


def run_multi(reader: Callable[[bytes, str, ReadOptions], Iterator[ReadResult]], data: bytes,
              source: str, options: ReadOptions) -> list[ReadResult]:
    with within(HANG_SECONDS, f"{reader.__name__} on {len(data)} bytes"):
        try:
            return check_results(reader(data, source, options))
        except IngestError as exc:
            check_error(exc)
            return []


def _no_network(url: str) -> bytes:
    raise OSError(f"no network while fuzzing: {url}")


OPTIONS = ReadOptions(fetch=_no_network, max_bytes=2_000_000)

# --- shared strategies ----------------------------------------------------------------------

CONTROLS = "\x00\x07\x08\x0b\x0c\x1b\x7f\x85\x9b\u2028\u202e\ufeff\ufffd"
#: Escape sequences an attacker would put in a title or text (window title, clipboard, clear).
ESCAPES = ["\x1b]0;pwned\x07", "\x1b]52;c;cHduZWQ=\x07", "\x1b[2J", "\x1b[31m", "\x9b2J"]
words = st.sampled_from(["Iran", "Albania", "attack", "hackers", "the", "said", "2022",
                         "July", "APT28", "ministry", ".", ",", "\n", "\n\n", " ", "\t"])
hostile_bits = st.sampled_from([*ESCAPES, *CONTROLS, "=HYPERLINK(\"http://x\")", "<script>",
                                "\r\n", "\r", "\ud7ff", "\U0001f600", "e\u0301", "\u0130"])
prose = st.lists(st.one_of(words, hostile_bits, st.text(max_size=12)), max_size=60).map(
    " ".join)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252",
             "koi8-r", "shift_jis"]


def encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    return st.builds(lambda t, enc: t.encode(enc, "replace"), text, st.sampled_from(ENCODINGS))


junk = st.binary(max_size=600)
#: Text past the 8 KB window that binary sniffing looks at, then anything.
late_junk = st.builds(lambda n, tail: b"Iran attacked Albania. " * n + tail,
                      st.integers(360, 420), st.binary(min_size=1, max_size=40))

# --- text -----------------------------------------------------------------------------------

header_key = st.sampled_from(["Title", "Publisher", "Published", "Source", "Author", "Language",
                              "Reliability", "Note", "title", "X"])
header = st.lists(st.tuples(header_key, st.one_of(prose, st.sampled_from(
    ["2022-09-07", "2022", "B2", "en", "zz-ZZ", "99/99/9999", "G"]))), max_size=5).map(
    lambda kv: "".join(f"{k}: {v}\n" for k, v in kv) + "\n")
text_input = st.one_of(encoded(st.builds(str.__add__, header, prose)), junk, late_junk)


@fuzz(150)
@given(text_input, st.sampled_from(["a.txt", "a.md", "noext"]))
def test_text_reader(data: bytes, source: str) -> None:
    run_single(read_text, data, source, OPTIONS)


# --- HTML -----------------------------------------------------------------------------------

TAGS = ["html", "head", "body", "title", "p", "div", "span", "script", "style", "article",
        "main", "nav", "table", "tr", "td", "a", "meta", "br", "svg", "iframe", "template",
        "noscript", "pre", "h1"]
ATTRS = ['charset="utf-8"', 'charset="x-bogus"', 'charset="utf-16"', 'property="og:title" '
         'content="T"', 'name="author" content="\x1b]0;x\x07"', 'href="javascript:alert(1)"',
         'rel="canonical" href="http://127.0.0.1/x"', 'onerror="alert(1)"',
         'name="date" content="2022-07-15"', 'content="9999-99-99" name="date"']
leaf = st.one_of(prose, st.sampled_from(["&amp;", "&#0;", "&#x110000;", "&#xD800;", "&bogus",
                                         "<!-- c -->", "<![CDATA[x]]>", "<!DOCTYPE html>",
                                         "<?xml version='1.0'?>", "</p>", "<", ">", "&"]))


def _element(children: list[str], tag: str, attr: str | None, close: bool) -> str:
    open_tag = f"<{tag} {attr}>" if attr else f"<{tag}>"
    return open_tag + "".join(children) + (f"</{tag}>" if close else "")


markup = st.recursive(
    leaf,
    lambda inner: st.builds(_element, st.lists(inner, max_size=4), st.sampled_from(TAGS),
                            st.none() | st.sampled_from(ATTRS), st.booleans()),
    max_leaves=40,
)
deep = st.builds(lambda n, tag, body: f"<{tag}>" * n + body + f"</{tag}>" * (n // 2),
                 st.integers(0, 3000), st.sampled_from(["div", "b", "table", "span"]), prose)
html_input = st.one_of(encoded(st.one_of(markup, deep)), junk, late_junk)


@fuzz(120)
@given(html_input)
def test_html_reader(data: bytes) -> None:
    run_single(read_html, data, "page.html", OPTIONS)


# --- PDF ------------------------------------------------------------------------------------

@functools.cache
def _good_pdf() -> bytes:
    return simple_pdf(["Hackers linked to Iran disrupted Albanian government services.",
                       "Albania cut ties with Iran."], title="Report")


def _mutate(edits: list[tuple[int, bytes]], cut: int | None) -> bytes:
    data = bytearray(_good_pdf())
    for at, chunk in edits:
        at %= len(data)
        data[at:at + len(chunk)] = chunk
    return bytes(data[:cut] if cut else data)


PDF_TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"/Kids", b"/Count 999999999",
              b"/Length 99999", b"xref", b"trailer", b"startxref", b"0 R", b"1 0 R", b"<<", b">>",
              b"[", b"]", b"(", b")", b"/Type /Pages", b"/Filter /FlateDecode", b"%%EOF",
              b"/Encrypt", b"-1", b"\x00"]
pdf_mutant = st.builds(_mutate, st.lists(st.tuples(st.integers(0, 5000), st.one_of(
    st.binary(min_size=1, max_size=8), st.sampled_from(PDF_TOKENS))), min_size=1, max_size=6),
    st.none() | st.integers(20, 4000))


def _pdf_from(objects: list[bytes]) -> bytes:
    """A PDF with these object bodies (1..n), a cross-reference table and a trailer."""
    return assemble(objects)


def _page_tree(kids: list[int], count: int, content: bytes) -> bytes:
    """Catalog (1), a Pages node (2) whose kids are any objects (loops included), a page (3),
    its content stream (4), a font (5)."""
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    stream = b"BT /F1 10 Tf 60 740 Td " + content + b" ET"
    return _pdf_from([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, count),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


pdf_tree = st.builds(
    _page_tree, st.lists(st.integers(0, 7), max_size=40),
    st.integers(-5, 10**12),
    st.lists(st.one_of(st.just(b"(Iran attacked Albania.) Tj"), st.just(b"T*"),
                       st.binary(max_size=10).map(lambda b: b"(" + b + b") Tj"),
                       st.sampled_from([b"[(a) -100 (b)] TJ", b"Tj", b"(x", b"/F9 1 Tf"])),
             max_size=20).map(b" ".join))
pdf_input = st.one_of(pdf_mutant, pdf_tree, st.builds(bytes.__add__, st.just(b"%PDF-1.4\n"),
                                                      junk))


@fuzz(200)
@given(pdf_input)
def test_pdf_reader(data: bytes) -> None:
    run_single(read_pdf, data, "report.pdf", OPTIONS)


# --- feeds ----------------------------------------------------------------------------------

def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


field_text = st.one_of(prose.map(_xml_text), prose.map(lambda t: f"<![CDATA[{t}]]>"),
                       st.sampled_from(["&lol9;", "&xxe;", "&amp;lt;script&amp;gt;", ""]))
link = st.sampled_from(["http://news.example.org/a", "http://127.0.0.1:1/x", "file:///etc/passwd",
                        "javascript:alert(1)", "", "http://[::1]/", "notaurl"])
date = st.sampled_from(["Tue, 07 Sep 2022 10:00:00 GMT", "2022-09-07T10:00:00Z", "yesterday",
                        "Mon, 99 Foo 2022", ""])
DOCTYPES = ["", '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
            '<!DOCTYPE r [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;">]>']
rss_item = st.builds(
    lambda t, li, d, s: f"<item><title>{t}</title><link>{li}</link><pubDate>{d}</pubDate>"
                        f"<description>{s}</description></item>",
    field_text, link, date, field_text)
atom_entry = st.builds(
    lambda t, li, d, s: f'<entry><title>{t}</title><link href="{li}"/><updated>{d}</updated>'
                        f'<content type="html">{s}</content></entry>',
    field_text, link, date, field_text)
rss = st.builds(lambda dt_, title, items: f'<?xml version="1.0"?>{dt_}<rss version="2.0">'
                f"<channel><title>{title}</title>{''.join(items)}</channel></rss>",
                st.sampled_from(DOCTYPES), field_text, st.lists(rss_item, max_size=5))
atom = st.builds(lambda dt_, items: f'<?xml version="1.0"?>{dt_}<feed xmlns='
                 f'"http://www.w3.org/2005/Atom"><title>T</title>{"".join(items)}</feed>',
                 st.sampled_from(DOCTYPES), st.lists(atom_entry, max_size=5))


def _page_fetcher(page: bytes) -> Callable[[str], bytes]:
    return lambda url: page


def _raising_fetcher(exc: Exception) -> Callable[[str], bytes]:
    def fetch(url: str) -> bytes:
        raise exc
    return fetch


fetchers = st.one_of(
    st.just(_no_network),
    st.builds(_page_fetcher, html_input),
    st.sampled_from([IngestError("x", "refused"), ValueError("bad"), RecursionError(),
                     UnicodeDecodeError("utf-8", b"", 0, 1, "x")]).map(_raising_fetcher),
)
feed_input = st.one_of(encoded(st.one_of(rss, atom)), junk,
                       st.builds(bytes.__add__, st.just(b"<rss>"), junk))


@fuzz(120)
@given(feed_input, fetchers)
def test_feed_reader(data: bytes, fetch: Callable[[str], bytes]) -> None:
    run_multi(read_feed, data, "feed.xml", ReadOptions(fetch=fetch, max_bytes=2_000_000))


# --- JSONL ----------------------------------------------------------------------------------

SECRET = "OUTSIDE-THE-FOLDER secret line that no document may contain"
INSIDE = "Inside the folder: hackers linked to Iran attacked Albania in July 2022."


@pytest.fixture(scope="module")
def jsonl_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a JSONL's neighbours: one file inside, and ways out of it (a file in
    the parent, a symlink pointing there, a symlink loop, a sub-folder)."""
    root = tmp_path_factory.mktemp("fuzz-jsonl")
    (root / "outside.txt").write_text(SECRET + "\n")
    folder = root / "docs"
    folder.mkdir()
    (folder / "inside.txt").write_text(INSIDE + "\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "nested.txt").write_text(INSIDE + " Nested.\n")
    (folder / "link-out.txt").symlink_to(root / "outside.txt")
    (folder / "loop-a").symlink_to(folder / "loop-b")
    (folder / "loop-b").symlink_to(folder / "loop-a")
    return folder


def _text_files(folder: Path) -> list[str]:
    outside = str(folder.parent / "outside.txt")
    return ["inside.txt", "sub/nested.txt", "./inside.txt", "sub/../inside.txt", "sub",
            "missing.txt", "loop-a", "link-out.txt", "../outside.txt", outside,
            "sub/../../outside.txt", "/dev/zero", "", "inside.txt\x00.pdf", "~/x"]


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | prose,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8)


def _line(row: dict[str, Any], raw: str | None) -> str:
    return raw if raw is not None else json.dumps(row)


def jsonl_rows(folder: Path) -> st.SearchStrategy[bytes]:
    row = st.fixed_dictionaries({}, optional={
        "id": json_value, "title": json_value | prose, "published": json_value | date,
        "text": json_value | prose,
        "text_file": st.sampled_from(_text_files(folder)) | json_value,
    })
    raw = st.none() | st.sampled_from(["{", "[1,2]", '"x"', "null", "[" * 5000, "{}" * 3,
                                       '{"text": "\\ud800 lone surrogate"}',
                                       '{"text": "a\\u0000b"}', "\x00"])
    lines = st.lists(st.builds(_line, row, raw), max_size=6).map("\n".join)
    return st.one_of(encoded(lines), junk)


@fuzz(150)
@given(data=st.data())
def test_jsonl_reader(jsonl_folder: Path, data: st.DataObject) -> None:
    payload = data.draw(jsonl_rows(jsonl_folder))
    run_multi(read_jsonl, payload, str(jsonl_folder / "docs.jsonl"), OPTIONS)


@fuzz(60)
@given(data=st.data())
def test_jsonl_text_file_never_leaves_its_folder(jsonl_folder: Path,
                                                 data: st.DataObject) -> None:
    """Issue 14 item 1: ``text_file`` resolves inside the JSONL's folder or is refused."""
    name = data.draw(st.sampled_from(_text_files(jsonl_folder)))
    payload = json.dumps({"id": "x", "text_file": name}).encode()
    for result in run_multi(read_jsonl, payload, str(jsonl_folder / "docs.jsonl"), OPTIONS):
        if result.document is not None:
            assert "OUTSIDE-THE-FOLDER" not in result.document.text, (
                f"text_file {name!r} read a file outside the JSONL's folder")


# --- STIX -----------------------------------------------------------------------------------

STIX_IDS = [f"{kind}--{n:08d}-0000-4000-8000-000000000000" for kind in
            ("campaign", "intrusion-set", "identity", "location", "report", "incident",
             "threat-actor") for n in (1, 2)]
REL_IDS = [f"relationship--{n:08d}-0000-4000-8000-000000000000" for n in range(3)]
weird = st.one_of(json_value, st.sampled_from([123, -1, 1e308, True, [], {}, "", "\x1b]0;x\x07",
                                                "2022-13-45T99:99:99Z"]))


def _stix_object(type_: str, ident: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": type_, "id": ident, "spec_version": "2.1", **fields}


stix_fields = st.fixed_dictionaries({}, optional={
    "name": prose | weird, "description": prose | weird, "aliases": st.lists(prose) | weird,
    "created_by_ref": st.sampled_from(STIX_IDS) | weird,
    "confidence": st.integers(-10, 200) | weird,
    "first_seen": st.sampled_from(["2022-07-15T00:00:00Z", "2022", "junk"]) | weird,
    "modified": st.sampled_from(["2022-07-15T00:00:00.000Z", "0"]) | weird,
    "country": st.sampled_from(["AL", "IR", "ZZ", "al", ""]) | weird,
    "relationship_type": st.sampled_from(["attributed-to", "targets", "uses", "bogus"]) | weird,
    "source_ref": st.sampled_from(STIX_IDS) | weird,
    "target_ref": st.sampled_from(STIX_IDS) | weird,
    "object_refs": st.lists(st.sampled_from(STIX_IDS + REL_IDS)) | weird,
    "revoked": weird, "x_cybertrack": weird, "extensions": weird,
})
stix_object = st.builds(
    lambda ident, fields: _stix_object(ident.split("--")[0], ident, fields),
    st.sampled_from(STIX_IDS + REL_IDS), stix_fields)
stix_bundle = st.builds(lambda objs: {"type": "bundle", "id": "bundle--" + "0" * 8 + "-0000-4000"
                                      "-8000-000000000000", "objects": objs},
                        st.lists(stix_object, max_size=8))
stix_input = st.one_of(
    st.one_of(stix_bundle, stix_object, st.lists(stix_object, max_size=4), json_value).map(
        lambda v: json.dumps(v).encode()),
    junk)


@fuzz(150)
@given(stix_input)
def test_stix_reader(data: bytes) -> None:
    run_multi(read_stix, data, "bundle.json", OPTIONS)


# --- trackers -------------------------------------------------------------------------------

@functools.cache
def _reference() -> Reference:
    return load_reference()


cell = st.one_of(prose, st.sampled_from(
    ["Iran", "Albania", "United States", "China, Russia", "7/15/2022", "2022-07-15", "13/45/2022",
     "0/0/0", "Denial", "Sanctions", "Criminal charges", "Espionage", "Denial of service",
     "=HYPERLINK(\"http://x\",\"y\")", "+1", "@SUM(A1)", "-2", "https://www.state.gov/x",
     "state", "state-affiliation suggested", "Government; Military", ""]))
EUREPOC_COLUMNS = ("name", "start_date", "end_date", "description", "receiver_country",
                   "initiator_country", "initiator_name", "initiator_category", "incident_type",
                   "receiver_category", "sources_url", "incident_id")


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def tracker_csv(columns: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    header = st.one_of(st.just(list(columns)), st.permutations(list(columns)),
                       st.lists(st.sampled_from([*columns, "junk", ""]), max_size=14))
    rows = st.lists(st.lists(cell, max_size=len(columns) + 2), max_size=5)
    return st.one_of(st.builds(_csv, header, rows), junk, encoded(prose))


def run_tracker(tmp: Path, kind: str, data: bytes) -> None:
    path = tmp / f"{kind}.csv"
    path.write_bytes(data)
    with within(HANG_SECONDS, f"read_tracker {kind} on {len(data)} bytes"):
        try:
            items = list(read_tracker(path, kind, _reference()))
        except IngestError as exc:
            check_error(exc)
            return
    for item in items:
        if isinstance(item, TrackerProblem):
            assert item.row >= 1 and item.reason and "\n" not in item.reason, item
        else:
            assert isinstance(item, Extraction), item
            check_extraction(item)


@pytest.fixture(scope="module")
def tracker_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-tracker")


@fuzz(100)
@given(data=st.data())
def test_cfr_tracker_reader(tracker_dir: Path, data: st.DataObject) -> None:
    run_tracker(tracker_dir, "cfr", data.draw(tracker_csv(CFR_COLUMNS)))


@fuzz(100)
@given(data=st.data())
def test_eurepoc_tracker_reader(tracker_dir: Path, data: st.DataObject) -> None:
    run_tracker(tracker_dir, "eurepoc", data.draw(tracker_csv(EUREPOC_COLUMNS)))
