"""A document's own words (issue 13, item 5): the claimant is its publisher when known, else an
unnamed media outlet of that document; the headline is what the document says, never who says
it (an advisory's summary headlined "FBI and CISA detail ..." was credited to the headline)."""

from __future__ import annotations

from cybertrack.analysis.sources import UNNAMED_MEDIA, claimant_of
from cybertrack.model import Claim, Span
from cybertrack.store.analytics import DocumentInfo


def _doc(publisher: str | None) -> DocumentInfo:
    return DocumentInfo(id="doc-1", source="advisory.txt",
                        title="Agencies detail hackers' attack on a ministry", publisher=publisher,
                        published=None, reliability="unknown", media_type="news",
                        external_id=None)


def _own_words() -> Claim:
    return Claim("c1", "doc-1", "attribution", Span(0, 1), "x", claimant=None)


def test_publisher_speaks_for_the_document() -> None:
    assert claimant_of(_own_words(), "media", _doc("Wire Service")) == \
        ("Wire Service", "media:wire service")


def test_headline_never_names_the_claimant() -> None:
    label, key = claimant_of(_own_words(), "media", _doc(None))
    assert label == UNNAMED_MEDIA and "attack" not in key and key.endswith("doc-1")
