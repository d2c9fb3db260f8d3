"""Short ids: a person types ``1a2b3c4d`` for ``incident--1a2b3c4d5e6f...``."""

from __future__ import annotations

from cybertrack.errors import AmbiguousIdError, NotFoundError
from cybertrack.store import Store


def _find(kind: str, text: str, like: list[str]) -> str:
    if len(like) == 1:
        return like[0]
    if not like:
        raise NotFoundError(kind, text)
    raise AmbiguousIdError(kind, text, like)


def find_incident(store: Store, text: str) -> str:
    """The full incident id for a full id or a unique prefix (with or without ``incident--``)."""
    text = text.strip()
    prefix = text if text.startswith("incident--") else f"incident--{text}"
    exact = store.incidents_by_id([prefix])
    if exact:
        return exact[0].id
    return _find("incident", text, store.incident_ids_like(prefix))


def find_link(store: Store, text: str) -> str:
    """The full link id for a full id or a unique prefix (with or without ``link--``)."""
    text = text.strip()
    prefix = text if text.startswith("link--") else f"link--{text}"
    return _find("link", text, store.link_ids_like(prefix))
