"""From a path or URL to a configured SQLAlchemy engine.

A plain path (or ``sqlite:///...``) means SQLite; ``postgresql://`` URLs get the psycopg 3 driver
this package depends on. SQLite connections are set up for a knowledge base that several
processes may write: WAL journal (readers never block the writer), foreign keys on, a busy
timeout, and transactions that SQLAlchemy begins itself. Write transactions begin with
``BEGIN IMMEDIATE`` so that two writers queue on the lock instead of failing mid-transaction
when a read lock cannot be upgraded (SQLITE_BUSY). This follows the SQLAlchemy recipe
"Serializable isolation / Savepoints / Transactional DDL" for pysqlite, which also makes
migrations (DDL) transactional.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from cybertrack.errors import StoreError

#: Execution option that marks a connection's transactions as writes (``BEGIN IMMEDIATE``).
WRITE_OPTION = "cybertrack_write"
#: How long a SQLite writer waits for another writer's lock before giving up, in seconds.
SQLITE_BUSY_TIMEOUT = 60.0
SUPPORTED = ("sqlite", "postgresql")


def resolve_url(url_or_path: str) -> URL:
    """Turn ``url_or_path`` into a SQLAlchemy URL, refusing what this store cannot serve."""
    text = url_or_path.strip()
    if not text:
        raise StoreError("no knowledge base given; pass a SQLite file path or a database URL")
    if text == ":memory:":
        return make_url("sqlite://")
    if "://" not in text:
        path = Path(text).expanduser()
        if not path.parent.is_dir():
            raise StoreError(
                f"cannot create knowledge base {text!r}: folder {str(path.parent)!r} does not "
                "exist; create it first or choose another path"
            )
        return URL.create("sqlite", database=str(path.resolve()))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {text!r} ({exc})") from exc
    backend = url.get_backend_name()
    if backend == "postgres":  # Heroku-style alias
        url = url.set(drivername="postgresql+psycopg")
    elif backend == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")  # the driver we ship with
    if url.get_backend_name() not in SUPPORTED:
        raise StoreError(
            f"unsupported database {backend!r} in {url.render_as_string(hide_password=True)!r}; "
            "use a SQLite file path or a postgresql+psycopg:// URL"
        )
    return url


def is_memory(url: URL) -> bool:
    """True for an in-memory SQLite database (one per process, gone on close)."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_store_engine(url: URL) -> Engine:
    """An engine for ``url`` with the connection set-up described in the module docstring."""
    if url.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT}}
    if is_memory(url):
        # Every new connection to ":memory:" would be a new, empty database: share one.
        kwargs = {"connect_args": {"check_same_thread": False}, "poolclass": StaticPool}
    engine = create_engine(url, **kwargs)
    memory = is_memory(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop pysqlite from beginning transactions on its own; ``_on_begin`` does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                # In WAL mode NORMAL still survives a killed process (the commit is in the WAL
                # when it returns); it only skips the fsync that guards against power loss.
                cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def write_connection(engine: Engine) -> Connection:
    """A connection whose transactions take the write lock up front (SQLite); a plain
    connection on PostgreSQL, where row locks and constraints do that job."""
    return engine.connect().execution_options(**{WRITE_OPTION: True})
