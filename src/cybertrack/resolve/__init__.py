"""Cross-document resolution: which incident records, from different documents, are one event.

    >>> from cybertrack.resolve import link_new, link_all, incident_group
    >>> link_all(store)                        # propose links with scores and reasons
    >>> group = incident_group(store, some_incident_id)
    >>> group.incidents, group.links           # every report of the event, and why

A document the extractor found no incident in is placed beside the event it most likely
reports (``place_documents``), and linking stores each placement as a proposed link of kind
``document`` with its reasons (``store_placements``), reviewed like an incident link and never
merged.

Links are stored (``Store.add_links``) and reviewed by a person (``review``); groups are derived
from the links that count and kept in step with them (``refresh_groups``), so nothing is ever
merged destructively and every decision can be undone.
"""

from cybertrack.resolve.features import GROUP_THRESHOLD, LINK_FLOOR, IncidentFeatures, score_pair
from cybertrack.resolve.groups import (
    IncidentGroup,
    cluster,
    ensure_groups,
    incident_group,
    refresh_groups,
    review,
)
from cybertrack.resolve.linker import LinkSummary, link_all, link_id, link_new, link_pending
from cybertrack.resolve.placement import Placement, place_documents, store_placements

__all__ = [
    "GROUP_THRESHOLD", "LINK_FLOOR", "IncidentFeatures", "IncidentGroup", "LinkSummary",
    "Placement", "cluster", "ensure_groups", "incident_group", "link_all", "link_id",
    "link_new", "link_pending", "place_documents", "refresh_groups", "review", "score_pair",
    "store_placements",
]
