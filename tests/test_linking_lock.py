"""The PostgreSQL linking lock is per knowledge base (schema), not per database: a long linking
run in one schema (a 50,000-document bench) must not stall linking in every other schema of
the same database, while two linkers of one knowledge base still take turns."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cybertrack.store import Store
from test_kill_resume import drop, fresh


def _lock_in_thread(url: str) -> tuple[threading.Thread, threading.Event, threading.Event]:
    got, release = threading.Event(), threading.Event()

    def hold() -> None:
        with Store.open(url) as kb, kb.linking_lock():
            got.set()
            release.wait(30)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread, got, release


def test_linking_locks_of_two_schemas_do_not_wait_for_each_other(
        db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite locks a file per knowledge base already")
    schemas: list[str] = []
    other = fresh(db_url, tmp_path, 0, schemas)
    try:
        with Store.open(db_url) as kb, kb.linking_lock():
            elsewhere, got, release = _lock_in_thread(other)
            assert got.wait(20), "another schema's linking waited for this one"
            release.set()
            elsewhere.join(20)
            same, got_same, release_same = _lock_in_thread(db_url)
            assert not got_same.wait(1.5), "two linkers of one knowledge base at once"
        assert got_same.wait(20)  # released with the lock above
        release_same.set()
        same.join(20)
    finally:
        drop(db_url, schemas)
