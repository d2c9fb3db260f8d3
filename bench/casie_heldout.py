"""Held-out check of incident detection on CASIE's annotated cyber news (text never tuned on).

    .venv/bin/python bench/casie_heldout.py [--limit 1000]

CASIE (``../shared/data/casie``) annotates each article's cyber events by type: Attack
(Databreach, Phishing, Ransom) or Vulnerability-related (discovery, patch). The pipeline is
scored on what it should get from any such article, without a gold set of its own shape:

- incident recall: articles reporting an actual attack in which it finds an incident;
- incident false alarms: articles annotated with vulnerabilities only (no attack) in which it
  reports one anyway (an upper bound: many of them do report an attack CASIE left unannotated,
  such as WannaCry or APT10's campaign against service providers);
- kind recall: ransom attacks read as ``ransomware``; data breaches as a theft of data
  (``espionage``, ``doxing``, ``financial-theft`` or ``data-theft``).

Most CASIE articles are about crime, not state operations, so this measures how well incident
and kind detection carry over, not attribution.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from cybertrack.batch import prepare
from cybertrack.extract import extract_documents
from cybertrack.model import Document, PartialDate

CASIE = Path(__file__).resolve().parents[2] / "shared" / "data" / "casie" / "data"
THEFT_KINDS = {"espionage", "doxing", "financial-theft", "data-theft"}


_FIELD_RE = re.compile(r"<(title|source|date)>(.*?)</\1>", re.DOTALL)


def casie_document(path: Path) -> Document:
    """A CASIE source file (``<title>``, ``<source>``, ``<date>`` then ``<text>``) as the
    Document ingest would make of the article: headline first, dated by publication."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    fields = {m.group(1): " ".join(m.group(2).split()) for m in _FIELD_RE.finditer(raw)}
    body = raw.split("<text>", 1)[-1].replace("</text>", "").strip()
    published = None
    if re.fullmatch(r"\d{4}_\d{2}_\d{2}", fields.get("date", "")):
        published = PartialDate.parse(fields["date"].replace("_", "-"))
    title = fields.get("title") or None
    return prepare(Document.from_text(body, fields.get("source") or str(path), title=title,
                                      published=published))


def attack_types(annotation: dict[str, object]) -> set[str]:
    """The subtypes of the actual attacks an annotation records ("Ransom", ...)."""
    found: set[str] = set()
    hoppers = (annotation.get("cyberevent") or {}).get("hopper", [])  # type: ignore[union-attr]
    for hopper in hoppers:
        for event in hopper.get("events", []):
            if event.get("type") == "Attack" and event.get("realis", "Actual") == "Actual":
                found.add(str(event.get("subtype")))
    return found


def ratio(hit: int, total: int) -> str:
    return f"{hit / total:.3f} ({hit}/{total})" if total else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()
    if not CASIE.is_dir():
        raise SystemExit(f"{CASIE} not found: the CASIE corpus lives in ../shared")
    docs: list[Document] = []
    attacks: list[set[str]] = []
    for path in sorted((CASIE / "source").glob("*.txt"))[: args.limit]:
        annotation = CASIE / "annotation" / (path.stem + ".json")
        if not annotation.is_file():
            continue
        docs.append(casie_document(path))
        attacks.append(attack_types(json.loads(annotation.read_text(encoding="utf-8"))))
    counts = {"attack": 0, "found": 0, "none": 0, "alarm": 0,
              "ransom": 0, "ransom_hit": 0, "breach": 0, "breach_hit": 0}
    for ex, subtypes in zip(extract_documents(docs), attacks, strict=True):
        kinds = {k for inc in ex.incidents for k in inc.kinds}
        if subtypes:
            counts["attack"] += 1
            counts["found"] += bool(ex.incidents)
        else:
            counts["none"] += 1
            counts["alarm"] += bool(ex.incidents)
        if "Ransom" in subtypes:
            counts["ransom"] += 1
            counts["ransom_hit"] += "ransomware" in kinds
        if "Databreach" in subtypes:
            counts["breach"] += 1
            counts["breach_hit"] += bool(kinds & THEFT_KINDS)
    print(f"CASIE: {len(docs)} annotated articles")
    print(f"incident recall (articles with an actual attack): "
          f"{ratio(counts['found'], counts['attack'])}")
    print(f"incident false alarms (vulnerability-only articles): "
          f"{ratio(counts['alarm'], counts['none'])}")
    print(f"ransom attacks read as ransomware:  {ratio(counts['ransom_hit'], counts['ransom'])}")
    print(f"data breaches read as data theft:   {ratio(counts['breach_hit'], counts['breach'])}")


if __name__ == "__main__":
    main()
