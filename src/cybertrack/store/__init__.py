"""The knowledge-base store: SQLAlchemy Core tables on SQLite (default) or PostgreSQL.

``Store.open(path_or_url)`` creates or upgrades the schema; records go in and come out as the
frozen dataclasses of ``cybertrack.model``.
"""

from cybertrack.store.codec import LinkEvent
from cybertrack.store.migrations import latest_version
from cybertrack.store.store import LINK_KINDS, LINK_STATUSES, Store

__all__ = ["LINK_KINDS", "LINK_STATUSES", "LinkEvent", "Store", "latest_version"]
