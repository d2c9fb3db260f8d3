"""Helpers for the web tests: a private copy of the demo knowledge base, an app over it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from cybertrack.web import WebConfig, create_app

TOKEN = "test-write-token-0123456789"


def copy_kb(src: Path, dst: Path) -> Path:
    """A consistent copy of a SQLite knowledge base (the backup API, so WAL content is in)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()
    return dst


def client(db: Path, token: str | None = TOKEN, **kwargs: object) -> TestClient:
    """A test client over the knowledge base ``db``; the test client's Host is allowed."""
    app = create_app(WebConfig(db=str(db), write_token=token,
                               allowed_hosts=("testserver", "127.0.0.1", "localhost"),
                               **kwargs))  # type: ignore[arg-type]
    return TestClient(app)
