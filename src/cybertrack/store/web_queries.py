"""The read queries of search (``analysis.search``) and the web app (``web.views``), each over
its own connection of a ``Store``.

The statements themselves live in ``store/search.py`` and ``store/home.py`` (they take a
connection, so several can share one); this module is what code outside ``store/`` calls, so
that no raw SQL and no ``Store._read`` appears there. Each function only reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cybertrack.store import home
from cybertrack.store import search as s
from cybertrack.store.search import (
    AttributedTo,
    CommonEvents,
    TextMatch,
    WordReach,
    incidents_by_actor,
    keep_within,
)

if TYPE_CHECKING:
    from cybertrack.store.store import Store

__all__ = ["AttributedTo", "CommonEvents", "TextMatch", "WordReach", "actor_incidents",
           "attributing_claims", "common_events", "common_events_ranked", "document_incidents",
           "event_page", "excerpts_of", "groups_of", "home_figures", "incidents_by_actor",
           "keep_within", "latest_events", "matches_within", "text_matches"]


def text_matches(store: Store, query: str, limit: int = 200) -> list[TextMatch]:
    """``store.search.text_matches``: records whose text matches ``query``, best first."""
    with store._read() as conn:
        return s.text_matches(conn, query, limit)


def matches_within(store: Store, query: str, incident_ids: Sequence[str],
                   excerpts: bool = True) -> list[TextMatch]:
    """``store.search.matches_within``: the matches among these incidents and their
    documents (without ``excerpts``: their excerpts left empty)."""
    with store._read() as conn:
        return s.matches_within(conn, query, incident_ids, excerpts)


def excerpts_of(store: Store, query: str, row_ids: Sequence[str]) -> dict[str, str]:
    """``store.search.excerpts_of``: the excerpts of these ``search_text`` rows for
    ``query``."""
    with store._read() as conn:
        return s.excerpts_of(conn, query, row_ids)


def document_incidents(store: Store, document_ids: Sequence[str]) -> dict[str, list[str]]:
    """``store.search.document_incidents``: the incident ids of each document."""
    with store._read() as conn:
        return s.document_incidents(conn, document_ids)


def actor_incidents(store: Store, actors: Sequence[tuple[str, Sequence[str]]],
                    within: Sequence[str] | None = None) -> list[set[str]]:
    """``store.search.actor_incidents``: the incidents attributed to each (id, names)."""
    with store._read() as conn:
        return s.actor_incidents(conn, actors, within)


def attributing_claims(store: Store, states: Sequence[str], actor_ids: Sequence[str],
                       actor_names: Sequence[str]) -> list[tuple[str, str, str, str | None]]:
    """``store.search.attributing_claims``: (claim, incident, kind, actor id) of the asserted
    attributing claims naming these states or actors."""
    with store._read() as conn:
        return s.attributing_claims(conn, states, actor_ids, actor_names)


def common_events(store: Store, words: Sequence[WordReach]) -> set[str]:
    """``store.search.common_events``: the events every word reaches."""
    with store._read() as conn:
        return s.common_events(conn, words)


def common_events_ranked(store: Store, words: Sequence[WordReach], excerpts: bool = True
                         ) -> CommonEvents:
    """``store.search.common_events_ranked``: the events every word reaches, each word's
    ranked text matches where they were read on the way (``keep_within`` takes a word's
    ``matches_within`` from them), and the events' reports when read."""
    with store._read() as conn:
        return s.common_events_ranked(conn, words, excerpts)


def event_page(store: Store, *, sort: str, offset: int, limit: int,
               target: str | None = None, since: dt.date | None = None,
               until: dt.date | None = None, attributed: AttributedTo | None = None,
               dropped: Sequence[str] = ()) -> tuple[int, list[tuple[str, list[str]]]]:
    """``store.search.event_page``: how many events a list's filters keep, and one page of
    them (each with its kept reports' ids)."""
    with store._read() as conn:
        return s.event_page(conn, sort=sort, offset=offset, limit=limit, target=target,
                            since=since, until=until, attributed=attributed, dropped=dropped)


def groups_of(store: Store, incident_ids: Sequence[str]) -> dict[str, str]:
    """``store.search.groups_of``: incident id -> group id, for the grouped ones."""
    with store._read() as conn:
        return s.groups_of(conn, incident_ids)


def home_figures(store: Store, top: int) -> tuple[list[tuple[str, int]],
                                                   list[tuple[str, int]], int]:
    """The home page's counts in one connection: the ``top`` states and actors named by most
    events (``home.top_attributed``) and the number of proposed incident links."""
    with store._read() as conn:
        states, actors = home.top_attributed(conn, top)
        return states, actors, home.count_links(conn, "incident", "proposed")


def latest_events(store: Store, n: int) -> tuple[list[tuple[str, dt.date]], set[str]]:
    """The ``n`` latest-starting incidents (``home.latest_incidents``) and their events
    (``search.event_ids``), in one connection."""
    with store._read() as conn:
        latest = home.latest_incidents(conn, n)
        return latest, s.event_ids(conn, [i for i, _ in latest])
