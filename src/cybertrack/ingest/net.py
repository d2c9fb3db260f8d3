"""Fetching URLs from untrusted places (feed links, redirects) without being held or steered.

Three defences, all per download (the first request and every redirect after it):

- **Where**: only http and https; the host is resolved and *every* address it resolves to must
  be public, else the download is refused (loopback, private, link-local, multicast, reserved,
  unspecified, shared and other non-global ranges; an IPv4-mapped IPv6 address is judged by
  its IPv4 address). The check runs before each request and again on the address actually
  connected to, so a name that resolves differently the second time (DNS rebinding) is caught.
  ``allow_private`` turns this off, for an intranet feed or a test server on 127.0.0.1.
  A proxy configured in the environment (``http_proxy``...) is trusted: the connection to it is
  not checked, the target host still is, before each request.
- **How long**: ``timeout`` bounds each connect and read; ``deadline`` bounds the whole download,
  redirects included. When it passes, a watchdog shuts the sockets down, so a server trickling
  one byte a second (or slow headers, or a slow TLS handshake) cannot hold a batch. Name
  resolution itself is left to the system resolver's own timeouts.
- **How much**: the body is read in small pieces and given up as soon as it passes
  ``max_bytes``; nothing is allocated in advance, whatever the limit. Bodies are never
  decompressed (no ``Accept-Encoding`` is sent), so the limit is the size in memory.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from cybertrack.errors import IngestError
from cybertrack.ingest.base import FETCH_DEADLINE, Fetcher, ReadOptions
from cybertrack.ingest.detect import is_url

FETCH_TIMEOUT = 10.0  # seconds per connect or read
MAX_REDIRECTS = 5
CHUNK = 65536  # bytes read at a time: the most a download holds beyond its limit
USER_AGENT = "cybertrack/0.1"
ALLOW_HINT = "pass --allow-private-urls (allow_private_urls=True) to fetch it anyway"


def too_big(source: str, size: int, limit: int, *, at_least: bool = False) -> IngestError:
    """The error of an input over the size limit (``at_least``: reading stopped at ``size``)."""
    said = f"more than {limit:,} bytes" if at_least else f"{size:,} bytes"
    return IngestError(
        source,
        f"{said} is over the {limit:,}-byte limit; raise it with --max-bytes "
        "(max_bytes=) if this input is genuine",
    )


def address_refusal(address: str) -> str | None:
    """Why an IP address must not be fetched from ("a loopback address"), or None if public."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope id is no part
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for why, flag in (("an unspecified", ip.is_unspecified), ("a loopback", ip.is_loopback),
                      ("a link-local", ip.is_link_local), ("a multicast", ip.is_multicast),
                      ("a private", ip.is_private), ("a reserved", ip.is_reserved)):
        if flag:
            return f"{why} address"
    if not ip.is_global:
        return "not a public address"
    return None


def _resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    """getaddrinfo for a TCP connection; an unknown host is an ``OSError`` like any other."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def _refused(source: str, host: str, address: str, why: str) -> IngestError:
    where = host if host == address else f"{host} resolves to {address}, which"
    return IngestError(source, f"refused: {where} {why}; {ALLOW_HINT}")


def check_host(source: str, host: str, port: int) -> None:
    """``IngestError`` unless every address ``host`` resolves to is public."""
    try:
        infos = _resolve(host, port)
    except OSError as exc:
        raise IngestError(source, f"cannot reach: cannot resolve {host!r} ({exc})") from None
    for info in infos:
        address = str(info[4][0])
        why = address_refusal(address)
        if why:
            raise _refused(source, host, address, f"is {why}")


def check_url(url: str, *, allow_private: bool = False) -> None:
    """``IngestError`` unless ``url`` is http(s) with a host, and (unless ``allow_private``)
    every address of that host is public."""
    if not is_url(url):
        raise IngestError(url, "not an http(s) URL; only http and https are fetched")
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise IngestError(url, f"not a valid URL ({exc})") from None
    if not host:
        raise IngestError(url, "not a valid URL: no host")
    if not allow_private:
        check_host(url, host, port or (443 if parts.scheme.lower() == "https" else 80))


class _Download:
    """One download's guard: its deadline, its sockets, and the address check on connect."""

    def __init__(self, url: str, allow_private: bool, deadline: float) -> None:
        self.url = url
        self.allow_private = allow_private
        self.deadline = deadline
        self.ends = time.monotonic() + deadline
        self.expired = False
        #: Duplicates of the connected sockets: a shutdown through one reaches the connection
        #: even after TLS has taken the original over (``wrap_socket`` detaches it).
        self.watched: list[socket.socket] = []
        self.lock = threading.Lock()
        self.trusted = {h for h in (urlsplit(p).hostname for p in
                                    urllib.request.getproxies().values()) if h}

    def expire(self) -> None:
        """The watchdog: wake every blocking read of this download by shutting its sockets."""
        with self.lock:
            self.expired = True
            for sock in self.watched:
                with contextlib.suppress(OSError):  # already closed by the peer
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self.lock:
            for sock in self.watched:
                sock.close()
            self.watched.clear()

    def late(self) -> IngestError:
        return IngestError(self.url, f"took longer than the {self.deadline:g}-second limit "
                                     "for one download; not read")

    def connect(self, address: tuple[str, int], timeout: object = None,
                source_address: tuple[str, int] | None = None) -> socket.socket:
        """``socket.create_connection`` that connects only to checked addresses."""
        host, port = address
        infos = _resolve(host, port)
        if not self.allow_private and host not in self.trusted:
            for info in infos:
                why = address_refusal(str(info[4][0]))
                if why:
                    raise _refused(self.url, host, str(info[4][0]), f"is {why}")
        error: OSError = OSError(f"no address for {host}")
        for family, kind, proto, _name, sockaddr in infos:
            if self.expired or time.monotonic() >= self.ends:
                raise self.late()
            sock = socket.socket(family, kind, proto)
            if isinstance(timeout, int | float):
                sock.settimeout(max(0.001, min(float(timeout), self.ends - time.monotonic())))
            try:
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
            except OSError as exc:
                error = exc
                sock.close()
                continue
            if isinstance(timeout, int | float):
                sock.settimeout(float(timeout))
            with self.lock:
                if self.expired:
                    sock.close()
                    raise self.late()
                self.watched.append(sock.dup())
            return sock
        raise error


class _GuardedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, guard: _Download, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = guard.connect


class _GuardedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, guard: _Download, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = guard.connect


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: _Download) -> None:
        super().__init__()
        self.guard = guard

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_GuardedHTTP, guard=self.guard), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: _Download) -> None:
        super().__init__()
        self.guard = guard

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_GuardedHTTPS, guard=self.guard), req,
                            context=self._context)  # type: ignore[attr-defined]


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows at most ``MAX_REDIRECTS`` redirects, each to http(s) and checked like the first."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, guard: _Download) -> None:
        super().__init__()
        self.guard = guard

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        if not is_url(newurl):
            raise IngestError(self.guard.url, f"redirected to {newurl!r}, which is not an "
                                              "http(s) URL; not followed")
        try:
            check_url(newurl, allow_private=self.guard.allow_private)
        except IngestError as exc:
            raise IngestError(self.guard.url, f"redirected to {newurl}: {exc.reason}") from None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_body(response: http.client.HTTPResponse, url: str, max_bytes: int,
               guard: _Download) -> bytes:
    """The body, read a piece at a time (``read1`` returns after one receive, so the deadline
    is looked at often) and given up as soon as it passes ``max_bytes``."""
    length = response.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise too_big(url, int(length), max_bytes)
    parts: list[bytes] = []
    size = 0
    while True:
        if guard.expired or time.monotonic() >= guard.ends:
            raise guard.late()
        piece = response.read1(CHUNK)
        if not piece:
            break
        size += len(piece)
        if size > max_bytes:
            raise too_big(url, size, max_bytes, at_least=True)
        parts.append(piece)
    if guard.expired:  # the watchdog's shutdown reads as the end of the body
        raise guard.late()
    return b"".join(parts)


def fetch_url(url: str, max_bytes: int, timeout: float = FETCH_TIMEOUT, *,
              deadline: float = FETCH_DEADLINE, allow_private: bool = False) -> bytes:
    """GET an http(s) URL: at most ``max_bytes`` of body within ``deadline`` seconds in all,
    from public addresses only unless ``allow_private``; else ``IngestError`` saying why."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    return _guarded(request, url, max_bytes, timeout, deadline, allow_private).body


class Response(NamedTuple):
    """What a guarded request got: the status, the body and the cache validators."""

    status: int
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


def fetch_conditional(url: str, max_bytes: int, *, etag: str | None = None,
                      last_modified: str | None = None, timeout: float = FETCH_TIMEOUT,
                      deadline: float = FETCH_DEADLINE, allow_private: bool = False
                      ) -> Response:
    """A conditional GET (``If-None-Match`` / ``If-Modified-Since`` from the validators of the
    last response) with every defence of ``fetch_url``. Status 304 means unchanged: empty
    body, the validators kept. Any other failure is ``IngestError``."""
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        return _guarded(request, url, max_bytes, timeout, deadline, allow_private)
    except _NotModified:
        return Response(304, b"", etag, last_modified)


def post_json(url: str, payload: bytes, *, timeout: float = FETCH_TIMEOUT,
              deadline: float = 30.0, allow_private: bool = False) -> int:
    """POST a JSON body (a webhook) with the defences of ``fetch_url``: http(s), public
    addresses only unless ``allow_private``, a total deadline; redirects are not followed
    (a POST is never re-sent elsewhere). Returns the status; ``IngestError`` on failure."""
    request = urllib.request.Request(url, data=payload, method="POST", headers={
        "User-Agent": USER_AGENT, "Content-Type": "application/json"})
    return _guarded(request, url, 1 << 16, timeout, deadline, allow_private,
                    follow_redirects=False).status


class _NotModified(Exception):
    """A 304 answer to a conditional request."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        raise IngestError(req.full_url, f"answered with a redirect (HTTP {code}) to {newurl}; "
                                        "not followed: give the final URL")


def _guarded(request: urllib.request.Request, url: str, max_bytes: int, timeout: float,
             deadline: float, allow_private: bool, *, follow_redirects: bool = True
             ) -> Response:
    """Send ``request`` within the three defences of the module docstring."""
    check_url(url, allow_private=allow_private)
    guard = _Download(url, allow_private, deadline)
    redirects: urllib.request.BaseHandler = (_RedirectHandler(guard) if follow_redirects
                                             else _NoRedirect())
    opener = urllib.request.build_opener(_HTTPHandler(guard), _HTTPSHandler(guard), redirects)
    watchdog = threading.Timer(deadline, guard.expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        with opener.open(request, timeout=timeout) as response:
            body = _read_body(response, url, max_bytes, guard)
            return Response(int(response.status), body, response.headers.get("ETag"),
                            response.headers.get("Last-Modified"))
    except IngestError:
        raise
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and request.has_header("If-none-match") or (
                exc.code == 304 and request.has_header("If-modified-since")):
            raise _NotModified() from None
        raise IngestError(url, f"HTTP {exc.code} {exc.reason}") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # resets, bad URLs...
        if guard.expired:
            raise guard.late() from None
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, IngestError):
            raise reason from None
        if isinstance(reason, TimeoutError | socket.timeout):
            raise IngestError(url, f"timed out: no data for {timeout:g} s") from None
        if isinstance(exc, urllib.error.URLError):
            raise IngestError(url, f"cannot reach: {exc.reason}") from None
        raise IngestError(url, f"cannot fetch: {type(exc).__name__}: {exc}") from None
    finally:
        watchdog.cancel()
        guard.close()


def fetcher_for(options: ReadOptions) -> Fetcher:
    """The fetcher in ``options``, else ``fetch_url`` with the options' size limit, deadline
    and address policy."""
    return options.fetch or functools.partial(
        fetch_url, max_bytes=options.max_bytes, deadline=options.fetch_deadline,
        allow_private=options.allow_private_urls)
