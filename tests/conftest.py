"""Shared test fixtures. Store fixtures come first; other suites may append their own below.

``store`` / ``db_url`` run each test on SQLite (a fresh file) and on PostgreSQL (a fresh schema
in ``$CYBERTRACK_TEST_PG``, dropped afterwards, so tests can run in parallel and leave nothing
behind). PostgreSQL tests are skipped, with the reason, when no server answers.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cybertrack.model import (
    Claim,
    Claimant,
    Document,
    Entity,
    Extraction,
    Incident,
    Mention,
    PartialDate,
    Span,
    stable_id,
)
from cybertrack.store import Store

PG_URL = os.environ.get(
    "CYBERTRACK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@functools.cache
def pg_unavailable() -> str | None:
    """None if the test PostgreSQL server answers, else why not (the skip reason)."""
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "no server to test against"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"no PostgreSQL at $CYBERTRACK_TEST_PG={PG_URL} ({first})"
    finally:
        engine.dispose()
    return None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty knowledge base (not yet opened)."""
    if request.param == "sqlite":
        yield str(tmp_path / "kb.db")
        return
    reason = pg_unavailable()
    if reason:
        pytest.skip(reason)
    schema = f"ct_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An opened, empty knowledge base on each backend."""
    with Store.open(db_url) as kb:
        yield kb


# --- sample records ---------------------------------------------------------------------------

SAMPLE_TEXT = (
    "Albania severed diplomatic ties with Iran on 7 September 2022 after a cyberattack in July "
    "2022 disrupted government services. Mandiant assessed with moderate confidence that the "
    "attack was conducted by HomeLand Justice, an Iranian state-sponsored actor. HomeLand "
    "Justice claimed responsibility for the attack on Telegram. Iran's foreign ministry denied "
    "any involvement in the attack."
)

SAMPLE_ENTITIES = (
    Entity("country:AL", "country", "Albania", country="AL"),
    Entity("country:IR", "country", "Iran", aliases=("Islamic Republic of Iran",), country="IR"),
    Entity("actor:homeland-justice", "threat-actor", "HomeLand Justice", sponsor="IR",
           vendor_aliases=(("HomeLand Justice", "Mandiant"),)),
    Entity("organization:mandiant", "organization", "Mandiant", country="US"),
)


def _sentence(text: str, needle: str) -> tuple[Span, str]:
    """The span and text of the sentence of ``text`` that contains ``needle``."""
    at = text.index(needle)
    start = text.rfind(". ", 0, at)
    start = 0 if start < 0 else start + 2
    end = text.index(".", at) + 1
    return Span(start, end), text[start:end]


def make_extraction(text: str = SAMPLE_TEXT, n: int = 0) -> Extraction:
    """A complete sample extraction: one incident, one claim of each kind, four mentions and
    the entities they name. ``n`` makes a distinct document (and distinct ids) from the same
    text. ``text`` must contain the sample's key phrases (Albania, Iran, Mandiant, ...)."""
    if n:
        text = f"{text} Sample {n}."
    doc = Document.from_text(
        text, source=f"https://news.example.org/albania-iran/{n}", title="Albania cuts ties",
        publisher="Example News", published=PartialDate.day(dt.date(2022, 9, 8)),
        language="en", reliability="B",
    )
    text = doc.text
    mentions = []
    for surface, label, entity_id in (
        ("Albania", "GPE", "country:AL"), ("Iran", "GPE", "country:IR"),
        ("Mandiant", "ORG", "organization:mandiant"),
        ("HomeLand Justice", "ACTOR", "actor:homeland-justice"),
    ):
        start = text.index(surface)
        span = Span(start, start + len(surface))
        mentions.append(Mention(
            stable_id("mention", doc.id, span.start, span.end), doc.id, span,
            _sentence(text, surface)[0], surface, label, entity_id,
        ))
    incident_sentence, incident_text = _sentence(text, "cyberattack")
    incident = Incident(
        id=stable_id("incident", doc.id, "albania-2022"), document_id=doc.id,
        key="albania-2022", kinds=("disruption", "destruction"), targets=("AL",),
        target_orgs=("Government of Albania",), sectors=("government",),
        time=PartialDate.month(2022, 7, "July 2022"), operator="HomeLand Justice",
        title="Attack on Albanian government services", span=incident_sentence,
        sentence=incident_text,
    )
    albania = Claimant("government", "Albania", "AL", "country:AL", "receiver-government")
    iran = Claimant("government", "Iran", "IR", "country:IR", "receiver-government")
    mandiant = Claimant("organization", "Mandiant", "US", "organization:mandiant",
                        "it-security-company")
    actor = Claimant("actor", "HomeLand Justice", None, "actor:homeland-justice",
                     "attacker-self-claim")
    specs: list[tuple[str, str, Claimant, dict[str, object]]] = [
        ("incident-report", "cyberattack", albania,
         {"event_date": PartialDate.month(2022, 7, "July 2022")}),
        ("response", "severed", albania,
         {"action": "sever-relations", "actor_state": "AL", "target_state": "IR",
          "event_date": PartialDate.day(dt.date(2022, 9, 7), "7 September 2022")}),
        ("attribution", "Mandiant assessed", mandiant,
         {"attributed_state": "IR", "attributed_actor": "HomeLand Justice",
          "attributed_actor_id": "actor:homeland-justice", "confidence": "moderate"}),
        ("self-claim", "claimed responsibility", actor,
         {"attributed_actor": "HomeLand Justice",
          "attributed_actor_id": "actor:homeland-justice"}),
        ("denial", "denied", iran, {"stance": "denies", "attributed_state": "IR"}),
    ]
    claims = []
    for kind, needle, claimant, extra in specs:
        span, sentence = _sentence(text, needle)
        claims.append(Claim(
            id=stable_id("claim", doc.id, kind, span.start), document_id=doc.id,
            kind=kind,  # type: ignore[arg-type]
            sentence=span, sentence_text=sentence, claimant=claimant, incident_id=incident.id,
            claim_date=PartialDate.day(dt.date(2022, 9, 8)),
            **extra,  # type: ignore[arg-type]
        ))
    return Extraction(doc, tuple(mentions), SAMPLE_ENTITIES, (incident,), tuple(claims))


@pytest.fixture(autouse=True)
def _shipped_reference_only(monkeypatch: pytest.MonkeyPatch,
                            tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests use the reference data shipped in the package, never a developer's own
    `cybertrack reference update` copy in their home folder."""
    empty = tmp_path_factory.mktemp("no-user-reference")
    monkeypatch.setenv("CYBERTRACK_REFERENCE_DIR", str(empty))


@pytest.fixture(scope="session")
def demo_kb_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo knowledge base (the 17 sample articles, ingested and linked as `cybertrack
    demo` does), built once per test session on SQLite. Tests that write copy it first
    (``web_helpers.copy_kb``)."""
    from cybertrack.demo import build_demo

    path = tmp_path_factory.mktemp("demo-kb") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CYBERTRACK_REFERENCE_DIR", str(tmp_path_factory.mktemp("no-user-ref")))
        store, _ = build_demo(str(path))
        store.close()
    return path
