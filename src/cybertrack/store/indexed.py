"""A table read through a named index on SQLite (``INDEXED BY``), as SQLAlchemy Core writes it.

SQLite plans without statistics (cybertrack never runs ANALYZE), and two of its choices cost
the web pages time on the 50,000-document bench knowledge base: it looks a row up by a unique
key's own index and then reads the table, although another index holds the key and the
column wanted (migration 0017); and between two indexes that both start with the column it
tests, it takes the narrower, although the wider one holds the columns the rest of the
statement filters on (``attribution_facts``'s actor part: every fact row of Iran's actors read
from the table to be dropped). ``INDEXED BY`` names the index; SQLAlchemy writes no hint for
SQLite, so ``indexed_by`` gives an alias of the table that SQLite's compiler follows with the
clause. On PostgreSQL the alias is a plain alias (its planner is left to choose).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy import Column, Table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Alias
from sqlalchemy.sql.visitors import ExternallyTraversible, InternalTraversal, replacement_traverse

E = TypeVar("E", bound=ExternallyTraversible)


class IndexedBy(Alias):
    """An alias of a table that SQLite reads through one named index."""

    inherit_cache = True
    _traverse_internals = [*Alias._traverse_internals,
                           ("index", InternalTraversal.dp_string)]
    index: str


@compiles(IndexedBy, "sqlite")
def _sqlite_indexed_by(element: IndexedBy, compiler: SQLCompiler, **kw: Any) -> str:
    sql: str = compiler.visit_alias(element, **kw)
    return f"{sql} INDEXED BY {element.index}" if kw.get("asfrom") else sql


def indexed_by(table: Table, index: str) -> IndexedBy:
    """``table`` under its own name, read on SQLite through ``index`` (which must exist: SQLite
    refuses the statement otherwise). Use its columns (``.c``) in place of the table's."""
    alias: IndexedBy = IndexedBy._construct(table, name=table.name)
    alias.index = index
    return alias


def read_through(statement: E, alias: IndexedBy) -> E:
    """``statement`` (or an expression) with every column of the aliased table
    replaced by the alias's, so that it reads the table through the alias (correlated
    subqueries included)."""
    table = alias.element

    def swap(element: Any, **_: Any) -> Any:
        if isinstance(element, Column) and element.table is table:
            return alias.c[element.key]
        return None

    return cast(E, replacement_traverse(cast(ExternallyTraversible, statement), {}, swap))
