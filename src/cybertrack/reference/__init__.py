"""Reference data: countries, threat actors, government bodies, vendors, malware and sectors.

Extraction and resolution code against this API only::

    ref = load_reference()
    ref.lookup("Tehran")          # [RefEntry(id="country:IR", ...)]
    ref.scan(text)                # [Hit(start, end, text, form, entries), ...]
    ref.actor("Fancy Bear")       # RefEntry(id="actor:apt28", sponsor="RU", ...)

The data is built from MISP galaxy / ATT&CK folders by ``python -m cybertrack.reference.build``
and shipped in ``reference/data``; see docs/reference.md for the merge rule.
"""

from cybertrack.reference.records import FORMS, Country, Hit, RefEntry
from cybertrack.reference.reference import Reference, load_reference, user_reference_dir

__all__ = [
    "FORMS",
    "Country",
    "Hit",
    "RefEntry",
    "Reference",
    "load_reference",
    "user_reference_dir",
]
