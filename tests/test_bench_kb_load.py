"""The synthetic knowledge base of bench/kb_load.py agrees with the reference: its actors are
not the reference's (same id, name or alias with another sponsor made a state's reach count
other states' events), and Iran stays the deliberately heavy subject of the analysis bench."""

from __future__ import annotations

import pytest

from bench_kb import kb_load
from cybertrack.errors import CybertrackError
from cybertrack.reference import load_reference


def test_synthetic_actors_are_not_reference_actors() -> None:
    ref = load_reference()
    reference_ids = {e.id for e in ref.entries("threat-actor")}
    _, actors = kb_load().reference_entities()
    assert len(actors) == 50
    for actor in actors:
        assert actor.id not in reference_ids
        for name in (actor.name, *actor.aliases):
            with pytest.raises(CybertrackError):
                ref.actor(name)


def test_iran_sponsors_the_heavy_share() -> None:
    _, actors = kb_load().reference_entities()
    sponsors = [a.sponsor for a in actors]
    assert sponsors.count("IR") / len(sponsors) == pytest.approx(0.28)
    assert sponsors.count("PK") / len(sponsors) == pytest.approx(0.08)
