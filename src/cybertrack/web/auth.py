"""Who may write: a token set when the server starts, sent as a bearer header or through a
login form that opens a session.

Read-only by default: without a token configured, every write is refused (403) whatever is
sent. With one, an API client sends ``Authorization: Bearer TOKEN``; a browser logs in once
(the form posts the token) and gets a session cookie (random, HttpOnly, SameSite=Strict,
Secure when served over https) whose server-side record holds a CSRF token; each form that
writes carries that token in a hidden field and it must match. Tokens are compared in
constant time. Sessions live in memory: restarting the server logs everyone out.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from fastapi import Request

SESSION_COOKIE = "cybertrack_session"
#: A session ends this long after login (seconds).
SESSION_SECONDS = 8 * 3600


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    csrf: str
    expires: float


class Auth:
    """The write token and the open sessions of one app."""

    def __init__(self, token: str | None) -> None:
        self.token = token or None
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    @property
    def writable(self) -> bool:
        return self.token is not None

    def token_ok(self, given: str | None) -> bool:
        if self.token is None or not given:
            return False
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def bearer_ok(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        return scheme.lower() == "bearer" and self.token_ok(value.strip())

    def login(self) -> Session:
        s = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32),
                    time.time() + SESSION_SECONDS)
        with self._lock:
            now = time.time()
            for k in [k for k, v in self._sessions.items() if v.expires < now]:
                del self._sessions[k]
            self._sessions[s.id] = s
        return s

    def logout(self, request: Request) -> None:
        sid = request.cookies.get(SESSION_COOKIE, "")
        with self._lock:
            self._sessions.pop(sid, None)

    def session(self, request: Request) -> Session | None:
        """The request's live session, if it has one (and writing is enabled)."""
        if self.token is None:
            return None
        sid = request.cookies.get(SESSION_COOKIE)
        if not sid:
            return None
        with self._lock:
            s = self._sessions.get(sid)
        if s is None or s.expires < time.time():
            return None
        return s

    def form_ok(self, request: Request, csrf: str | None) -> bool:
        """A form post may write: a live session whose CSRF token the form carries, or the
        bearer header (a script posting a form)."""
        if self.bearer_ok(request):
            return True
        s = self.session(request)
        return s is not None and bool(csrf) and hmac.compare_digest(
            s.csrf.encode("utf-8"), (csrf or "").encode("utf-8"))
