"""The SQL statements a call runs, for the tests that check which indexes they read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every (statement, parameters) ``engine`` executes inside the block, in order."""
    seen: list[tuple[str, Any]] = []

    def capture(conn: object, cursor: object, statement: str, params: object,
                context: object, executemany: bool) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def sqlite_plan(engine: Engine, statement: str, params: Any) -> str:
    """SQLite's query plan of one captured statement, its steps joined by " | "."""
    with engine.connect() as conn:
        return " | ".join(r[3] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, params))
