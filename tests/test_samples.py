"""The bundled sample corpus: count, header block, dates, body length and source domains."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "src" / "cybertrack" / "samples"
SAMPLES = sorted(SAMPLES_DIR.glob("*.txt"))
NAME_RE = re.compile(r"^\d{2}_[a-z0-9]+(?:-[a-z0-9]+)*\.txt$")
ALLOWED_HOSTS = {"example.org", "example.com", "example.net"}
REQUIRED_KEYS = ("Title", "Publisher", "Published", "Source")


def split_sample(path: Path) -> tuple[dict[str, str], str]:
    """The header (``Key: value`` lines up to the first blank line) and the body."""
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n\n")
    assert sep, f"{path.name}: no blank line after the header"
    header: dict[str, str] = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        assert colon and key.strip() and value.strip(), f"{path.name}: bad header line {line!r}"
        assert key not in header, f"{path.name}: duplicate header key {key!r}"
        header[key.strip()] = value.strip()
    return header, body


def test_sample_count() -> None:
    assert 12 <= len(SAMPLES) <= 20, [p.name for p in SAMPLES]


def test_readme_present() -> None:
    assert (SAMPLES_DIR / "README.md").is_file()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample(path: Path) -> None:
    assert NAME_RE.match(path.name), path.name
    header, body = split_sample(path)

    for key in REQUIRED_KEYS:
        assert header.get(key), f"{path.name}: missing {key}"
    published = dt.date.fromisoformat(header["Published"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", header["Published"])
    assert dt.date(1990, 1, 1) <= published <= dt.date.today()

    url = urlparse(header["Source"])
    assert url.scheme in {"http", "https"}, header["Source"]
    host = (url.hostname or "").removeprefix("www.")
    assert host in ALLOWED_HOSTS, header["Source"]

    if "Reliability" in header:
        assert header["Reliability"] in {"A", "B", "C", "D", "E", "F"}

    words = body.split()
    assert body.strip(), f"{path.name}: empty body"
    assert 100 <= len(words) <= 600, f"{path.name}: {len(words)} words"


def test_sample_names_unique_numbers() -> None:
    numbers = [p.name[:2] for p in SAMPLES]
    assert len(numbers) == len(set(numbers)), numbers
