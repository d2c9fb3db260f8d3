"""The benchmark knowledge-base generator (``bench/kb_load.py``) for tests: loaded once as a
module, and a store filled with its generated documents and groups, as the web speed bench
builds its 50,000-document knowledge base, only smaller."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from cybertrack.resolve.groups import ensure_groups
from cybertrack.store import Store
from script_module import load_script


def kb_load() -> ModuleType:
    """``bench/kb_load.py`` as a module (``bench`` is no package)."""
    return load_script(Path(__file__).resolve().parents[1] / "bench" / "kb_load.py", "kb_load")


def fill(store: Store, documents: int, seed: int) -> None:
    """Reference entities, ``documents`` generated documents (``kb_load.generate``) and their
    groups in ``store``."""
    loader = kb_load()
    countries, actors = loader.reference_entities()
    store.upsert_entities([*countries, *actors])
    store.bulk_add(loader.generate(documents, seed), chunk_size=documents,
                   extractor_version="bench")
    ensure_groups(store)
