"""bulk_add: the fast loader behind bench/kb_load.py."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import make_extraction
from cybertrack.errors import StoreError
from cybertrack.store import Store


def test_bulk_add_skips_stored_and_repeated_documents(store: Store) -> None:
    first = [make_extraction(n=n) for n in range(3)]
    assert store.add_extraction(first[0])
    batch = [*first, first[1], *(make_extraction(n=n) for n in range(3, 7))]
    assert store.bulk_add(batch, chunk_size=3, extractor_version="bench") == 6
    assert store.bulk_add(batch, chunk_size=3) == 0
    counts = store.counts()
    assert counts["documents"] == 7 and counts["claims"] == 35 and counts["entities"] == 4
    assert store.document(first[2].document.id) == first[2].document
    assert store.document_extractor_version(first[2].document.id) == "bench"
    assert store.document_extractor_version(first[0].document.id) == ""


def test_bulk_add_fails_only_the_bad_chunk(store: Store) -> None:
    good = [make_extraction(n=n) for n in range(4)]
    bad = make_extraction(n=9)
    orphan = dataclasses.replace(bad.claims[0], id="claim--orphan", incident_id="incident--x")
    bad = dataclasses.replace(bad, claims=(orphan,))
    with pytest.raises(StoreError, match="that chunk was not written"):
        store.bulk_add([*good, bad], chunk_size=2)
    assert {d.id for d in store.documents()} == {ex.document.id for ex in good}
