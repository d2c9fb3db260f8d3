"""Schema migrations: fresh databases, upgrades from an older version, drift from schema.py."""

from __future__ import annotations

import warnings

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SAWarning

from conftest import make_extraction
from cybertrack.errors import StoreError
from cybertrack.store import Store, latest_version
from cybertrack.store import schema as t
from cybertrack.store.engine import create_store_engine, resolve_url
from cybertrack.store.migrations import Migration, current_version, load_migrations, migrate


def _engine(url: str) -> Engine:
    return create_store_engine(resolve_url(url))


def _part(key: str, table: str = "") -> str:
    """One key part of an index as comparable text: a column name, or an expression
    (migration 0014's lower(attributed_actor)) without spaces, quotes or table prefix."""
    key = key.replace(" ", "").replace('"', "").lower()
    return key.replace(f"{table}.", "") if table else key


def _sqlite_expression_indexes(engine: Engine, table: str) -> dict[str, list[str]]:
    """SQLite's indexes on an expression, which SQLAlchemy does not reflect (it skips them
    with a warning): name -> key parts, read from the index's own CREATE statement."""
    if engine.dialect.name != "sqlite":
        return {}
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for idx_name, sql in conn.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
                "AND sql IS NOT NULL"), {"t": table}):
            body = sql[sql.index("(", sql.upper().index(" ON ")) + 1:sql.rindex(")")]
            parts, depth, cur = [], 0, ""
            for ch in body:
                depth += (ch == "(") - (ch == ")")
                if ch == "," and depth == 0:
                    parts.append(cur)
                    cur = ""
                else:
                    cur += ch
            parts.append(cur)
            if any("(" in p for p in parts):
                out[idx_name] = [_part(p) for p in parts]
    return out


def test_migration_files_are_numbered_and_split() -> None:
    migs = load_migrations()
    assert [m.version for m in migs] == list(range(1, latest_version() + 1))
    assert migs[0].name == "initial"
    mig = Migration(9, "x", "-- note; with semicolon\nCREATE TABLE a (b TEXT);\n\nDROP TABLE a;\n")
    assert mig.statements() == ["CREATE TABLE a (b TEXT)", "DROP TABLE a"]


def test_older_database_is_upgraded_keeping_its_data(db_url: str) -> None:
    previous = latest_version() - 1
    engine = _engine(db_url)
    try:
        assert migrate(engine, target=previous) == list(range(1, previous + 1))
        with engine.begin() as conn:
            assert current_version(conn) == previous
            conn.execute(text(
                "INSERT INTO documents (id, text, source, media_type, reliability, ingested_at) "
                "VALUES ('doc--old', 'old text', 'old source', 'text/plain', 'F', '2020')"))
    finally:
        engine.dispose()
    with Store.open(db_url) as kb:
        assert kb.schema_version() == latest_version()
        assert kb.document("doc--old").text == "old text"
        assert kb.document_extractor_version("doc--old") == ""
        assert kb.add_extraction(make_extraction(), extractor_version="v2")
    with Store.open(db_url) as kb:  # reopening at the latest version applies nothing
        assert kb.schema_version() == latest_version()
        assert kb.counts()["documents"] == 2


def test_migrated_database_matches_schema_py(db_url: str) -> None:
    Store.open(db_url).close()
    engine = _engine(db_url)
    try:
        insp = inspect(engine)
        # full-text objects each database builds its own way (migrations 0011, 0017) are not
        # in schema.py: SQLite's FTS5 table and its shadow tables, PostgreSQL's GIN index
        tables = {n for n in insp.get_table_names() if not n.startswith(t.NATIVE_FTS_TABLE)}
        assert tables == set(t.metadata.tables)
        for name, table in t.metadata.tables.items():
            # PostgreSQL's stored tsvector (migration 0017) is a full-text object too
            cols = {c["name"]: c["nullable"] for c in insp.get_columns(name)
                    if (name, c["name"]) != (t.search_text.name, t.NATIVE_FTS_COLUMN)}
            assert cols == {c.name: c.nullable for c in table.columns}, name
            pk = insp.get_pk_constraint(name)["constrained_columns"]
            assert pk == [c.name for c in table.primary_key.columns], name
            with warnings.catch_warnings():  # SQLite's are read by the next line instead
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of "
                                        "expression-based index", SAWarning)
                reflected = insp.get_indexes(name)
            idx = {i["name"]: [_part(p) for p in i.get("expressions") or i["column_names"]]
                   for i in reflected if i["name"] != t.NATIVE_FTS_INDEX}
            idx.update(_sqlite_expression_indexes(engine, name))
            assert idx == {i.name: [_part(str(e.compile(engine)), name) for e in i.expressions]
                           for i in table.indexes}, name
            fks = {(tuple(f["constrained_columns"]), f["referred_table"])
                   for f in insp.get_foreign_keys(name)}
            assert fks == {((f.parent.name,), f.column.table.name)
                           for f in table.foreign_keys}, name
    finally:
        engine.dispose()


def test_newer_database_is_refused(db_url: str) -> None:
    Store.open(db_url).close()
    engine = _engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(t.schema_version.insert().values(
                version=latest_version() + 1, name="future", applied_at="2099"))
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match="newer than this cybertrack supports"):
        Store.open(db_url)


def test_foreign_database_is_refused_without_changes(db_url: str) -> None:
    engine = _engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE links (something TEXT)"))
        with pytest.raises(StoreError, match="is this a cybertrack knowledge base"):
            Store.open(db_url)
        with engine.connect() as conn:
            # the migration failed late (at "links") and was rolled back as a whole
            assert not inspect(conn).has_table("schema_version")
            assert not inspect(conn).has_table("documents")
    finally:
        engine.dispose()
