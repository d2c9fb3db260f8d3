"""Versioned schema migrations: numbered ``.sql`` files applied in order, once each.

``migrations/NNNN_name.sql`` holds portable SQL (it runs unchanged on SQLite and PostgreSQL),
except after a line ``-- dialect: sqlite`` (or ``postgresql``), which runs on that database
only, up to the next such line (``-- dialect: all`` returns to portable SQL);
version N is the database after file N. The ``schema_version`` table records every file
applied, with when. Opening a knowledge base applies the pending files in one transaction, so
an upgrade either completes or leaves the old schema untouched; on PostgreSQL an advisory lock
makes concurrent openers (e.g. many workers starting at once) wait for a single upgrade.

To change the schema: add the next ``NNNN_name.sql`` and update ``schema.py`` to match;
``tests/test_store_migrations.py`` compares the two.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from cybertrack.errors import StoreError
from cybertrack.store.engine import write_connection
from cybertrack.store.schema import schema_version

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_DIALECT = re.compile(r"^--\s*dialect:\s*([a-z]+)\s*$")
#: Key of the PostgreSQL advisory lock held while migrating ("cybertrk" in ASCII).
PG_LOCK_KEY = 0x6379626572747274 & 0x7FFFFFFFFFFFFFFF


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file: its version, name and SQL."""

    version: int
    name: str
    sql: str

    def statements(self, dialect: str | None = None) -> list[str]:
        """The SQL split into statements (``--`` comments dropped; no ``;`` inside literals);
        with ``dialect``, the sections marked for another database left out (full-text
        indexes have no portable SQL)."""
        lines, keep = [], True
        for line in self.sql.splitlines():
            marked = _DIALECT.match(line.strip())
            if marked:
                keep = dialect is None or marked.group(1) in ("all", dialect)
            elif keep:
                lines.append(line.split("--", 1)[0])
        return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def load_migrations() -> list[Migration]:
    """Every migration shipped in the package, in order; versions must run 1, 2, 3, ..."""
    folder = resources.files("cybertrack.store").joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        m = _FILE.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda mig: mig.version)
    versions = [mig.version for mig in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreError(f"store migrations are not numbered 1..N without gaps: {versions}")
    return found


def latest_version() -> int:
    """The schema version this code expects."""
    return len(load_migrations())


def current_version(conn: Connection) -> int:
    """The database's schema version; 0 for an empty database."""
    if not inspect(conn).has_table(schema_version.name):
        return 0
    return int(conn.execute(select(func.max(schema_version.c.version))).scalar() or 0)


def migrate(engine: Engine, *, target: int | None = None) -> list[int]:
    """Bring the database to ``target`` (default: the latest version); return the versions
    applied. Raises ``StoreError`` if the database is newer than this code or a migration
    fails (then nothing is changed)."""
    migrations = load_migrations()
    goal = len(migrations) if target is None else target
    where = engine.url.render_as_string(hide_password=True)
    with engine.connect() as conn:
        version = current_version(conn)
    _check_not_newer(version, len(migrations), where)
    if version >= goal:
        return []
    applied: list[int] = []
    with write_connection(engine) as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
        schema_version.create(conn, checkfirst=True)
        version = current_version(conn)  # another process may have migrated meanwhile
        _check_not_newer(version, len(migrations), where)
        for mig in migrations[version:goal]:
            try:
                for statement in mig.statements(engine.dialect.name):
                    conn.exec_driver_sql(statement)
            except SQLAlchemyError as exc:
                reason = getattr(exc, "orig", None) or exc
                raise StoreError(
                    f"cannot migrate knowledge base {where} to schema version {mig.version} "
                    f"({mig.name}): {reason}; is this a cybertrack knowledge base?"
                ) from exc
            conn.execute(
                schema_version.insert().values(
                    version=mig.version,
                    name=mig.name,
                    applied_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                )
            )
            applied.append(mig.version)
    return applied


def _check_not_newer(version: int, latest: int, where: str) -> None:
    if version > latest:
        raise StoreError(
            f"knowledge base {where} has schema version {version}, newer than this cybertrack "
            f"supports ({latest}); upgrade cybertrack to open it"
        )
