"""Reads and writes of ``cybertrack watch`` and watchlists (tables ``feeds``, ``feed_items``,
``watchlists``, ``watchlist_hits``; migration 0012).

Kept in ``store/`` so that SQL lives in one package (``watch/`` decides what to poll, match
and report, and calls these with plain values). Each function is one read or one write
transaction of the ``Store`` it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from cybertrack.errors import NotFoundError
from cybertrack.store import schema as t

if TYPE_CHECKING:
    from cybertrack.store.store import Store


# ---- feeds ---------------------------------------------------------------------------------

def feed_rows(store: Store, urls: Sequence[str]) -> list[dict[str, Any]]:
    """The stored state rows (every column of ``feeds``) of those of ``urls`` polled before."""
    f = t.feeds.c
    with store._read() as conn:
        rows = conn.execute(select(t.feeds).where(f.url.in_(list(urls)))).mappings().all()
    return [dict(r) for r in rows]


def feed_items(store: Store, url: str) -> set[str]:
    """The entries already taken from the feed at ``url``."""
    i = t.feed_items.c
    with store._read() as conn:
        return set(conn.execute(select(i.item).where(i.feed_url == url)).scalars())


def save_feed(store: Store, state: Mapping[str, Any], items: Sequence[str], now: str) -> None:
    """Replace the state row of feed ``state["url"]`` and add the entries ``items`` not yet
    recorded (``seen_at`` = ``now``), in one transaction."""
    url = state["url"]
    i = t.feed_items.c
    with store._write(f"cannot record the state of feed {url}") as conn:
        conn.execute(t.feeds.delete().where(t.feeds.c.url == url))
        conn.execute(t.feeds.insert().values(**state))
        have = set(conn.execute(select(i.item).where(i.feed_url == url)).scalars())
        rows = [{"feed_url": url, "item": k, "seen_at": now}
                for k in dict.fromkeys(items) if k not in have]
        if rows:
            conn.execute(t.feed_items.insert(), rows)


# ---- watchlists ----------------------------------------------------------------------------

def watchlist_exists(store: Store, name: str) -> bool:
    w = t.watchlists.c
    with store._read() as conn:
        return conn.execute(select(w.name).where(w.name == name)).first() is not None


def insert_watchlist(store: Store, row: Mapping[str, Any]) -> None:
    """Store one watchlist row (columns of ``watchlists``)."""
    with store._write(f"cannot store watchlist {row['name']!r}") as conn:
        conn.execute(t.watchlists.insert().values(**row))


def watchlist_rows(store: Store) -> list[dict[str, Any]]:
    """Every watchlist row, by name."""
    w = t.watchlists
    with store._read() as conn:
        return [dict(r) for r in conn.execute(select(w).order_by(w.c.name)).mappings()]


def delete_watchlist(store: Store, name: str) -> int:
    """Delete a watchlist and its hits (``NotFoundError`` if there is none of that name);
    returns how many hits went with it."""
    w, h = t.watchlists, t.watchlist_hits
    with store._write(f"cannot remove watchlist {name!r}") as conn:
        if conn.execute(w.delete().where(w.c.name == name)).rowcount == 0:
            raise NotFoundError("watchlist", name)
        return int(conn.execute(h.delete().where(h.c.watchlist == name)).rowcount or 0)


def record_hits(store: Store, rows: Sequence[Mapping[str, Any]]) -> list[bool]:
    """Insert the hit rows (columns of ``watchlist_hits``) whose (watchlist, record) is not
    recorded yet, in one transaction; returns, row by row, whether it was new."""
    h = t.watchlist_hits
    new: list[bool] = []
    with store._write("cannot record watchlist hits") as conn:
        for row in rows:
            done = conn.execute(select(h.c.record_id).where(
                h.c.watchlist == row["watchlist"], h.c.record_id == row["record_id"])).first()
            if done is None:
                conn.execute(h.insert().values(**row))
            new.append(done is None)
    return new


def hit_rows(store: Store, name: str, limit: int) -> list[dict[str, Any]]:
    """A watchlist's latest ``limit`` hit rows, newest first."""
    h = t.watchlist_hits
    q = (select(h).where(h.c.watchlist == name)
         .order_by(h.c.found_at.desc(), h.c.record_id).limit(limit))
    with store._read() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]
