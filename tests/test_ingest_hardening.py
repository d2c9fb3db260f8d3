"""Ingest against hostile inputs (issue 14): confined text_file, bounded downloads, no fetching
of private addresses, validated --max-bytes, per-file tracker errors, type-checked STIX."""

from __future__ import annotations

import csv
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybertrack.cli import app
from cybertrack.cli import data as cli_data
from cybertrack.errors import IngestError
from cybertrack.ingest import ReadOptions, read_all, read_input
from cybertrack.ingest.base import MAX_BYTES_LIMIT
from cybertrack.ingest.feed import read_feed
from cybertrack.ingest.net import _Download, _RedirectHandler, address_refusal, fetch_url
from cybertrack.ingest.paths import read_file
from cybertrack.ingest.stix import read_stix_files
from cybertrack.ingest.tracker import TrackerProblem, read_tracker
from cybertrack.model import Extraction
from cybertrack.store import Store

TEXT = "Hackers linked to a foreign intelligence service broke into the ministry's network."
CFR_HEADER = ["Title", "Date", "Affiliations", "Description", "Response", "Victims", "Sponsor",
              "Type", "Category", "Sources_1", "Sources_2", "Sources_3"]
CFR_ROW = ["Wiper attack on a ministry", "3/1/2021", "", "Hackers wiped ministry servers.",
           "", "Ministry networks in Albania", "Iran (Islamic Republic of)", "Data destruction",
           "Government", "", "", ""]


def _ingest(*args: str) -> tuple[int, str]:
    """Run ``cybertrack ingest ARGS`` on a wide terminal: (exit code, output)."""
    result = CliRunner().invoke(app, ["ingest", *args], env={"COLUMNS": "2000"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


# --- 1. JSONL text_file stays inside the JSONL file's folder -----------------------------------


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """tmp/batch/ holds the JSONL and an article; tmp/secret.txt lies outside it."""
    batch = tmp_path / "batch"
    (batch / "sub").mkdir(parents=True)
    (batch / "sub" / "article.txt").write_text(TEXT, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("The secret of the machine is not an article at all.", encoding="utf-8")
    return batch, secret


@pytest.mark.parametrize("name, why", [
    ("ABSOLUTE", "an absolute path"),
    ("../secret.txt", "goes up with '..'"),
    ("sub/../../secret.txt", "goes up with '..'"),
])
def test_text_file_outside_the_folder_is_refused(
        layout: tuple[Path, Path], name: str, why: str) -> None:
    batch, secret = layout
    name = str(secret) if name == "ABSOLUTE" else name
    jsonl = _jsonl(batch / "docs.jsonl", [
        {"id": "a", "text_file": name},
        {"id": "b", "text_file": "sub/article.txt"},
    ])
    bad, good = read_all([str(jsonl)])
    assert bad.document is None and bad.error is not None
    assert str(bad.error).startswith(f"{jsonl}:1: ")
    assert why in bad.error.reason and "inside the JSONL file's own folder" in bad.error.reason
    assert good.document is not None and good.document.text == TEXT  # the batch goes on


def test_symlink_out_of_the_folder_is_refused_one_inside_is_read(
        layout: tuple[Path, Path]) -> None:
    batch, secret = layout
    (batch / "link.txt").symlink_to(secret)
    (batch / "inner.txt").symlink_to(batch / "sub" / "article.txt")
    (batch / "outdir").symlink_to(secret.parent)
    jsonl = _jsonl(batch / "docs.jsonl", [
        {"id": "a", "text_file": "link.txt"},
        {"id": "b", "text_file": "outdir/secret.txt"},
        {"id": "c", "text_file": "inner.txt"},
    ])
    first, second, third = read_all([str(jsonl)])
    for result in (first, second):
        assert result.error is not None and "resolves outside that folder" in result.error.reason
    assert third.document is not None and third.document.text == TEXT


def test_cli_ingest_names_the_jsonl_line_and_stores_the_rest(
        layout: tuple[Path, Path], tmp_path: Path) -> None:
    batch, secret = layout
    jsonl = _jsonl(batch / "docs.jsonl", [
        {"id": "a", "text_file": str(secret)}, {"id": "b", "text_file": "sub/article.txt"}])
    db = tmp_path / "kb.db"
    code, out = _ingest(str(jsonl), "--db", str(db), "--no-link", "-q", "--no-extract")
    assert code == 2, out
    assert f"failed {jsonl}:1: \"text_file\" '{secret}': refused: an absolute path" in out
    with Store.open(str(db)) as store:
        assert [d.text for d in store.documents()] == [TEXT]


def test_jsonl_keeps_url_and_publisher(layout: tuple[Path, Path]) -> None:
    batch, _ = layout
    jsonl = _jsonl(batch / "docs.jsonl", [
        {"id": 1, "text": TEXT, "url": "https://news.example/a", "publisher": "The Ledger"},
        {"id": 2, "text_file": "sub/article.txt", "url": "https://news.example/b",
         "publisher": "Other Paper"},
        {"id": 3, "text": TEXT, "url": "javascript:alert(1)"},
        {"id": 4, "text": TEXT, "publisher": 7},
    ])
    first, second, bad_url, bad_publisher = read_all([str(jsonl)])
    assert first.document is not None and second.document is not None
    assert (first.document.source, first.document.publisher) == (
        "https://news.example/a", "The Ledger")
    assert (second.document.source, second.document.publisher) == (
        "https://news.example/b", "Other Paper")
    assert bad_url.error is not None and "not an http(s) address" in bad_url.error.reason
    assert bad_publisher.error is not None and '"publisher" must be a string' in str(
        bad_publisher.error)


def test_jsonl_url_and_publisher_reach_the_store(tmp_path: Path) -> None:
    jsonl = _jsonl(tmp_path / "docs.jsonl", [
        {"id": 1, "text": TEXT, "url": "https://news.example/a", "publisher": "The Ledger"}])
    db = tmp_path / "kb.db"
    code, out = _ingest(str(jsonl), "--db", str(db), "--no-link", "-q", "--no-extract")
    assert code == 0, out
    with Store.open(str(db)) as store:
        [doc] = store.documents()
    assert (doc.source, doc.publisher, doc.external_id) == (
        "https://news.example/a", "The Ledger", "1")


# --- 8 and 12. downloads: a total deadline, a size cap, public addresses only ------------------


class _Hostile(http.server.BaseHTTPRequestHandler):
    """Pages written for these tests: a trickle, slow headers, an endless body, redirects."""

    seen: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.seen.append(self.path)
        port = self.server.server_address[1]
        try:
            if self.path == "/trickle":  # a byte every 0.1 s: each read is quick, the whole slow
                self.send_response(200)
                self.send_header("Content-Length", "600")
                self.end_headers()
                for _ in range(600):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif self.path == "/slow-headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for n in range(600):
                    self.wfile.write(f"X-Slow-{n}: 1\r\n".encode())
                    self.wfile.flush()
                    time.sleep(0.1)
            elif self.path == "/endless":  # no Content-Length, more than any limit
                self.send_response(200)
                self.end_headers()
                for _ in range(200):
                    self.wfile.write(b"y" * 10_000)
            elif self.path == "/to-ok":
                self.send_response(302)
                self.send_header("Location", f"http://127.0.0.1:{port}/ok")
                self.end_headers()
            elif self.path == "/to-file":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
            else:
                body = f"<html><body><p>{TEXT}</p></body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        except OSError:  # the client gave up, as it should
            pass


@pytest.fixture
def hostile() -> Iterator[tuple[str, list[str]]]:
    """A local server in a thread: (base URL, paths it was asked for)."""
    seen: list[str] = []
    handler = type("Handler", (_Hostile,), {"seen": seen})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("path", ["/trickle", "/slow-headers"])
def test_a_trickling_server_is_cut_off_at_the_total_deadline(
        hostile: tuple[str, list[str]], path: str) -> None:
    base, _ = hostile
    started = time.monotonic()
    with pytest.raises(IngestError, match="took longer than the 1-second limit"):
        fetch_url(base + path, 1_000_000, deadline=1.0, allow_private=True)
    assert time.monotonic() - started < 5  # each read was quick; the whole was not


def test_a_feed_page_that_trickles_falls_back_to_the_summary(
        hostile: tuple[str, list[str]]) -> None:
    base, _ = hostile
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
            f"<title>Slow</title><link>{base}/trickle</link>"
            f"<description>{TEXT}</description></item></channel></rss>").encode()
    started = time.monotonic()
    options = ReadOptions(allow_private_urls=True, fetch_deadline=1.0)
    [result] = read_feed(feed, "feed.xml", options)
    assert result.document is not None and result.document.text == TEXT
    assert time.monotonic() - started < 5


def test_a_body_over_the_limit_is_given_up_as_it_arrives(hostile: tuple[str, list[str]]) -> None:
    base, _ = hostile
    with pytest.raises(IngestError, match="more than 50,000 bytes is over the 50,000-byte limit"):
        fetch_url(base + "/endless", 50_000, allow_private=True)


def test_private_addresses_are_refused_unless_allowed(hostile: tuple[str, list[str]]) -> None:
    base, seen = hostile
    with pytest.raises(IngestError, match="refused: 127.0.0.1 is a loopback address; pass "
                                          "--allow-private-urls"):
        read_input(base + "/ok")
    with pytest.raises(IngestError, match="localhost resolves to .*, which is a loopback"):
        fetch_url(base.replace("127.0.0.1", "localhost") + "/ok", 1000)
    assert seen == []  # nothing was asked of the server
    [doc] = read_input(base + "/ok", allow_private_urls=True)
    assert doc.text == TEXT


def test_feed_links_to_private_hosts_are_not_fetched(hostile: tuple[str, list[str]]) -> None:
    base, seen = hostile
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
            f"<title>Inside</title><link>{base}/ok</link>"
            "<description>Only the summary.</description></item></channel></rss>").encode()
    [result] = read_feed(feed, "feed.xml", ReadOptions())
    assert result.document is not None and result.document.text == "Only the summary."
    assert seen == []


def test_redirects_are_checked_like_the_first_request(hostile: tuple[str, list[str]]) -> None:
    base, _ = hostile
    assert TEXT.encode() in fetch_url(base + "/to-ok", 10_000, allow_private=True)
    with pytest.raises(IngestError, match="file:///etc/passwd"):
        fetch_url(base + "/to-file", 10_000, allow_private=True)
    # A public page redirecting to a private one: the redirect handler refuses it.
    guard = _Download("https://news.example/a", allow_private=False, deadline=5)
    handler = _RedirectHandler(guard)
    import urllib.request

    request = urllib.request.Request("https://news.example/a")
    with pytest.raises(IngestError, match="redirected to http://127.0.0.1/admin: refused"):
        handler.redirect_request(request, None, 302, "Found", {}, "http://127.0.0.1/admin")
    with pytest.raises(IngestError, match="not an http\\(s\\) URL"):
        handler.redirect_request(request, None, 302, "Found", {}, "ftp://example.org/x")


@pytest.mark.parametrize("address, why", [
    ("127.0.0.1", "a loopback address"), ("::1", "a loopback address"),
    ("::ffff:127.0.0.1", "a loopback address"), ("10.1.2.3", "a private address"),
    ("192.168.0.1", "a private address"), ("172.16.0.1", "a private address"),
    ("169.254.169.254", "a link-local address"), ("fe80::1%eth0", "a link-local address"),
    ("224.0.0.1", "a multicast address"), ("0.0.0.0", "an unspecified address"),
    ("::", "an unspecified address"), ("100.64.0.1", "not a public address"),
    ("fc00::1", "a private address"), ("8.8.8.8", None), ("2606:4700::1111", None),
])
def test_address_policy(address: str, why: str | None) -> None:
    assert address_refusal(address) == why


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "017700000001",
                                  "[::ffff:127.0.0.1]", "[::1]"])
def test_other_spellings_of_loopback_are_refused(host: str) -> None:
    """The check is on resolved addresses, not on the text of the URL."""
    with pytest.raises(IngestError, match="loopback address; pass --allow-private-urls"):
        fetch_url(f"http://{host}/", 1000)


def test_the_address_connected_to_is_checked_again() -> None:
    """A name that resolved to a public address for the first check and to a private one for
    the connection (DNS rebinding) meets the same check where the socket is made."""
    guard = _Download("https://news.example/a", allow_private=False, deadline=5)
    with pytest.raises(IngestError, match="127.0.0.1 is a loopback address"):
        guard.connect(("127.0.0.1", 9), 1.0)
    assert guard.watched == []


def test_non_http_urls_are_refused() -> None:
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/"):
        with pytest.raises(IngestError, match="only http and https"):
            fetch_url(url, 1000)


# --- 10. --max-bytes: a bounded positive integer, never allocated in advance -------------------


def test_nul_and_lone_surrogates_are_never_stored(tmp_path: Path) -> None:
    """A NUL past the first 8 KB (where binary sniffing stops) and JSON's lone surrogates
    cannot reach the store (PostgreSQL refuses NUL, UTF-8 cannot hold a surrogate)."""
    late = tmp_path / "late.txt"
    late.write_bytes((TEXT + "\n").encode() * 120 + b"The end\x00 of it.\n")
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text('{"id": "s\\udc80", "title": "T\\ud800", "text": "Hackers \\ud800 hit '
                     'a ministry\\u0000 in 2022."}\n', encoding="utf-8")
    texts = [r.document for r in read_all([str(late), str(jsonl)])]
    assert all(d is not None for d in texts)
    for doc in texts:
        assert doc is not None
        for value in (doc.text, doc.title or "", doc.external_id or "", doc.source):
            assert "\x00" not in value
            value.encode("utf-8")  # no lone surrogate
    assert texts[1] is not None and texts[1].text == "Hackers \ufffd hit a ministry in 2022."


def test_limits_agree() -> None:
    assert cli_data.MAX_BYTES_LIMIT == MAX_BYTES_LIMIT == 1 << 30


@pytest.mark.parametrize("value", ["0", "-1", "30000000000", "1" + "0" * 40, "lots"])
def test_cli_max_bytes_out_of_range_is_a_usage_error(tmp_path: Path, value: str) -> None:
    page = tmp_path / "a.txt"
    page.write_text(TEXT, encoding="utf-8")
    code, out = _ingest(str(page), "--db", str(tmp_path / "kb.db"), "--max-bytes", value)
    assert code == 2 and "Invalid value for '--max-bytes'" in out, out
    assert not (tmp_path / "kb.db").exists()


@pytest.mark.parametrize("value", [0, -1, MAX_BYTES_LIMIT + 1, 10**30, True])
def test_read_options_refuse_bad_limits(value: int) -> None:
    with pytest.raises(IngestError, match="from 1 to 1,073,741,824"):
        ReadOptions(max_bytes=value)


@pytest.mark.parametrize("limit", [10**12, 10**30])
def test_readers_never_allocate_the_limit(tmp_path: Path, limit: int) -> None:
    """A huge limit on a small file reads the file (it used to allocate the limit: MemoryError,
    or OverflowError past what an index holds)."""
    page = tmp_path / "a.txt"
    page.write_text(TEXT, encoding="utf-8")
    assert read_file(str(page), limit) == TEXT.encode()


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "a.txt"
    page.write_bytes(b"z" * 3_000_000)
    with pytest.raises(IngestError, match="over the 2,000,000-byte limit"):
        read_file(str(page), 2_000_000)


# --- 9. trackers: one bad file is that file's failure; bad rows are named ----------------------


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_cli_a_missing_tracker_file_does_not_stop_the_others(tmp_path: Path) -> None:
    good = _csv(tmp_path / "good.csv", CFR_HEADER, [CFR_ROW])
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    db = tmp_path / "kb.db"
    code, out = _ingest("--tracker", "cfr", str(tmp_path / "missing.csv"), str(binary),
                        str(good), "--db", str(db), "--no-link")
    assert code == 2, out
    assert f"failed {tmp_path / 'missing.csv'}: no such file" in out
    assert f"failed {binary}: binary data" in out
    assert f"{good}: rows 1  new 1" in out
    with Store.open(str(db)) as store:
        assert [d.title for d in store.documents()] == ["Wiper attack on a ministry"]


def _split(items: list[Extraction | TrackerProblem]) -> tuple[list[Extraction],
                                                             list[TrackerProblem]]:
    return ([x for x in items if isinstance(x, Extraction)],
            [x for x in items if isinstance(x, TrackerProblem)])


def test_short_and_long_tracker_rows_are_refused_with_row_and_line(tmp_path: Path) -> None:
    path = _csv(tmp_path / "cfr.csv", CFR_HEADER, [
        CFR_ROW[:3],  # a 3-of-12-column row
        CFR_ROW,
        [*CFR_ROW, "extra", "cells"],
    ])
    exs, problems = _split(list(read_tracker(path, "cfr")))
    assert len(exs) == 1
    assert [(p.row, p.line) for p in problems] == [(1, 2), (3, 4)]
    assert problems[0].reason == "has 3 of the header's 12 columns (cut short or shifted?)"
    assert problems[0].where() == "row 1 (line 2)"
    assert "has 14 of the header's 12 columns" in problems[1].reason


def test_cli_names_the_file_and_row_of_a_short_row(tmp_path: Path) -> None:
    path = _csv(tmp_path / "cfr.csv", CFR_HEADER, [CFR_ROW[:3], CFR_ROW])
    code, out = _ingest("--tracker", "cfr", str(path), "--db", str(tmp_path / "kb.db"),
                        "--no-link")
    assert code == 0, out
    assert f"skipped {path} row 1 (line 2): has 3 of the header's 12 columns" in out
    assert "new 1" in out and "skipped 1" in out


def test_unparseable_csv_keeps_the_rows_before_it(tmp_path: Path) -> None:
    huge = [*CFR_ROW]
    huge[3] = "word " * 40_000  # one cell over csv's field size limit
    path = _csv(tmp_path / "cfr.csv", CFR_HEADER, [CFR_ROW, huge, CFR_ROW])
    exs, problems = _split(list(read_tracker(path, "cfr")))
    assert len(exs) == 1
    assert len(problems) == 1 and problems[0].row == 2
    assert "not readable as CSV" in problems[0].reason


def test_tracker_files_honour_the_size_limit(tmp_path: Path) -> None:
    path = _csv(tmp_path / "cfr.csv", CFR_HEADER, [CFR_ROW] * 50)
    with pytest.raises(IngestError, match="over the 1,000-byte limit"):
        list(read_tracker(path, "cfr", max_bytes=1000))


# --- 9. STIX objects with wrongly typed properties are refused, one by one ----------------------

CAMPAIGN = {"type": "campaign", "spec_version": "2.1",
            "id": "campaign--11111111-1111-4111-8111-111111111111",
            "created": "2022-01-01T00:00:00Z", "modified": "2022-01-01T00:00:00Z",
            "name": "Operation Quiet Harbour",
            "description": "A campaign against harbour authorities."}


def _bundle(path: Path, *objects: dict[str, object]) -> Path:
    path.write_text(json.dumps({"type": "bundle", "id": "bundle--" + "2" * 8 + "-2222-4222-8222-"
                                + "2" * 12, "objects": list(objects)}), encoding="utf-8")
    return path


@pytest.mark.parametrize("field, value, message", [
    ("name", 123, '"name" must be a string, not 123'),
    ("aliases", "APT1", '"aliases" must be a list of strings'),
    ("description", None, '"description" must be a string, not None'),
    ("external_references", [{"url": 5}], 'external reference "url" must be a string'),
    ("object_refs", "campaign--x", '"object_refs" must be a list of strings'),
    ("confidence", 500, '"confidence" must be a whole number from 0 to 100'),
    ("name", "Op\x00 Nul", '"name" must be a string without NUL or lone surrogates'),
])
def test_malformed_stix_objects_are_refused(
        tmp_path: Path, field: str, value: object, message: str) -> None:
    bad = {**CAMPAIGN, "id": "campaign--33333333-3333-4333-8333-333333333333", field: value}
    path = _bundle(tmp_path / "b.json", bad, CAMPAIGN)
    results = list(read_stix_files([str(path)]))
    errors = [r.error for r in results if r.error is not None]
    assert [str(e) for e in errors] == [f"{path}#{bad['id']}: refused: {message}"] or (
        len(errors) == 1 and message in str(errors[0]))
    assert [r.document.title for r in results if r.document] == ["Operation Quiet Harbour"]


def test_malformed_extension_record_is_refused_not_a_crash(tmp_path: Path) -> None:
    """Our own extension, tampered with: a list that is null must not end the batch."""
    from cybertrack.export.stix_ext import EXTENSION_ID

    doc = {**CAMPAIGN, "type": "report", "id": "report--44444444-4444-4444-8444-444444444444",
           "published": "2022-01-01T00:00:00Z", "object_refs": [],
           "extensions": {EXTENSION_ID: {"record_type": "document", "document_id": "doc-1",
                                         "title": ["not", "a", "title"]}}}
    inc = {**CAMPAIGN, "id": "campaign--55555555-5555-4555-8555-555555555555",
           "extensions": {EXTENSION_ID: {"record_type": "incident", "incident_id": "i-1",
                                         "document_id": "doc-1", "kinds": None}}}
    path = _bundle(tmp_path / "b.json", doc, inc)
    errors = [str(r.error) for r in read_stix_files([str(path)]) if r.error]
    assert errors == [
        f"{path}#{doc['id']}: refused: extension \"title\" must be a string, not "
        "['not', 'a', 'title']",
        f"{path}#{inc['id']}: refused: extension \"kinds\" must be a list of strings, not None",
    ]


def test_cli_ingest_of_malformed_stix_goes_on(tmp_path: Path) -> None:
    bad = {**CAMPAIGN, "id": "campaign--66666666-6666-4666-8666-666666666666", "name": 123}
    path = _bundle(tmp_path / "b.json", bad, CAMPAIGN)
    db = tmp_path / "kb.db"
    code, out = _ingest(str(path), "--db", str(db), "--no-link", "-q")
    assert code == 2, out
    assert f'failed {path}#{bad["id"]}: refused: "name" must be a string, not 123' in out
    with Store.open(str(db)) as store:
        assert [d.title for d in store.documents()] == ["Operation Quiet Harbour"]
