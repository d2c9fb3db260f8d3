"""`watch`: feeds polled with conditional requests against a local server whose feeds change
between polls; only new entries are read; a broken, slow or unreachable feed is one line and
the others go on; watchlist hits are reported (cybertrack.watch.feeds, cli/watch.py)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybertrack.cli import app
from cybertrack.store import Store
from cybertrack.watch.feeds import parse_every, poll, read_feed_list, watch
from cybertrack.watch.watchlists import WatchError, Watchlist, add_watchlist, make_criteria
from dask_helpers import fake_extract


@dataclass
class Site:
    """What the local server serves, changed by the test between polls."""

    feeds: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (etag, body)
    log: list[tuple[str, int]] = field(default_factory=list)  # (path, status)
    slow: float = 3.0


def _rss(items: list[int], base: str) -> str:
    entries = "".join(
        f"<item><title>Report {i}: attack on Albania</title><link>{base}/page/{i}</link>"
        f"<guid>{base}/page/{i}</guid><pubDate>Wed, 07 Sep 2022 09:00:00 GMT</pubDate>"
        f"<description>Summary {i}.</description></item>" for i in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>'
            f"{entries}</channel></rss>")


def _page(i: int) -> str:
    return (f"<html><head><title>Report {i}</title></head><body><article><h1>Report {i}"
            f"</h1><p>Officials in Tirana said on 7 September 2022 that hackers struck the "
            f"border system, report number {i}. They blamed Iran for the attack, which "
            f"disrupted services for days, and said so again in statement {i}.</p>"
            "</article></body></html>")


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path
            if path == "/slow.xml":
                time.sleep(state.slow)
            if path.startswith("/page/"):
                self._send(200, _page(int(path.rsplit("/", 1)[1])), {})
                return
            if path not in state.feeds:
                self._send(404, "not found", {})
                return
            etag, body = state.feeds[path]
            if self.headers.get("If-None-Match") == etag:
                self._send(304, "", {"ETag": etag})
                return
            self._send(200, body, {"ETag": etag, "Content-Type": "application/rss+xml"})

        def _send(self, code: int, body: str, headers: dict[str, str]) -> None:
            state.log.append((self.path, code))
            data = body.encode()
            self.send_response(code)
            for k, v in headers.items():
                self.send_header(k, v)
            if code != 304:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if code != 304:
                with contextlib.suppress(OSError):  # the client gave up (the slow feed)
                    self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _pages_fetched(site: Site) -> list[str]:
    return sorted(p for p, code in site.log if p.startswith("/page/"))


def test_poll_reads_only_new_entries_uses_304_and_survives_bad_feeds(
        site: tuple[Site, str], tmp_path: Path) -> None:
    state, base = site
    state.feeds["/a.xml"] = ('"v1"', _rss([1, 2], base))
    state.feeds["/broken.xml"] = ('"b"', "<<this is not a feed")
    feeds = [f"{base}/a.xml", f"{base}/broken.xml", f"{base}/slow.xml",
             "http://127.0.0.1:9/down.xml", f"{base}/missing.xml"]
    state.feeds["/slow.xml"] = ('"s"', _rss([50], base))
    lines: list[str] = []
    with Store.open(str(tmp_path / "kb.db")) as store:
        add_watchlist(store, Watchlist("albania", make_criteria(targets=["AL"], states=["IR"])))
        opts = {"allow_private": True, "deadline": 1.0, "extractor": fake_extract,
                "say": lines.append}
        first = {o.url: o for o in poll(store, feeds, **opts)}  # type: ignore[arg-type]
        assert first[f"{base}/a.xml"].status == "new" and first[f"{base}/a.xml"].new == 2
        for bad, why in (("broken.xml", "not an RSS/Atom feed"), ("slow.xml", "longer than"),
                         ("down.xml", "cannot reach"), ("missing.xml", "HTTP 404")):
            outcome = first[next(u for u in feeds if u.endswith(bad))]
            assert outcome.status == "failed" and why in (outcome.error or ""), outcome
        failed_lines = [x for x in lines if x.startswith("failed ")]
        assert len(failed_lines) == 4  # one line per bad feed
        assert sum(1 for x in lines if x.startswith("[albania] incident")) == 2
        assert _pages_fetched(state) == ["/page/1", "/page/2"]

        # the feed changes: one new entry; only its page is fetched
        state.feeds["/a.xml"] = ('"v2"', _rss([3, 1, 2], base))
        state.log.clear()
        lines.clear()
        second = {o.url: o for o in poll(store, feeds[:2], **opts)}  # type: ignore[arg-type]
        a = second[f"{base}/a.xml"]
        assert (a.status, a.new, a.skipped) == ("new", 1, 2)
        assert _pages_fetched(state) == ["/page/3"]
        assert sum(1 for x in lines if x.startswith("[albania] incident")) == 1

        # unchanged: the server answers 304 to the stored ETag, nothing else is fetched
        state.log.clear()
        third = {o.url: o for o in poll(store, feeds[:1], **opts)}  # type: ignore[arg-type]
        assert third[f"{base}/a.xml"].status == "not-modified"
        assert state.log == [("/a.xml", 304)]
        assert store.counts()["documents"] == 3
        # the broken feed is remembered as failing twice in a row
        from cybertrack.watch.feeds import feed_states

        assert feed_states(store, [f"{base}/broken.xml"])[f"{base}/broken.xml"].failures == 2


def test_watch_loop_polls_every_interval_until_once(site: tuple[Site, str],
                                                    tmp_path: Path) -> None:
    state, base = site
    state.feeds["/a.xml"] = ('"v1"', _rss([1], base))
    naps: list[float] = []

    class Stop(Exception):
        pass

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise Stop

    with Store.open(str(tmp_path / "kb.db")) as store, pytest.raises(Stop):
        watch(store, [f"{base}/a.xml"], every=60, once=False, say=lambda _: None,
              sleep=sleep, allow_private=True, extractor=fake_extract)
    assert len(naps) == 2 and all(50 < n <= 60 for n in naps)
    assert [c for p, c in state.log if p == "/a.xml"] == [200, 304]


def test_cli_watch_once_reports_and_exits_2_when_a_feed_failed(site: tuple[Site, str],
                                                               tmp_path: Path) -> None:
    state, base = site
    state.feeds["/a.xml"] = ('"v1"', _rss([1, 2], base))
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"# our feeds\n{base}/a.xml  # wire\n\n{base}/missing.xml\n")
    db = str(tmp_path / "kb.db")
    args = ["watch", str(listing), "--once", "--no-extract", "--allow-private-urls",
            "--db", db, "--timeout", "5"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "new documents 2" in result.output and "failed 1" in result.output
    assert "HTTP 404" in result.output
    again = CliRunner().invoke(app, args)
    assert "not modified 1" in again.output and "new documents 0" in again.output
    help_text = CliRunner().invoke(app, ["watch", "--help"]).output
    assert "--every" in help_text and "--once" in help_text


def test_feed_lists_and_intervals_are_checked(tmp_path: Path) -> None:
    assert parse_every("15m") == 900 and parse_every("30s") == 30 and parse_every("2h") == 7200
    for bad in ("0s", "soon", "15 minutes", ""):
        with pytest.raises(WatchError):
            parse_every(bad)
    listing = tmp_path / "feeds.txt"
    listing.write_text("https://a.example/feed\n# c\nhttps://a.example/feed\nftp://x/y\n")
    with pytest.raises(WatchError, match="feeds.txt:4"):
        read_feed_list(listing)
