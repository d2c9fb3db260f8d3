"""Issue 15 item 7: reference slips. Alias vendors follow who coined the name (the MISP
galaxy's own attribution, an ATT&CK citation naming the alias, a vendor's naming scheme),
never the first vendor ATT&CK happens to cite; `actor "Lazarus Group"` summarizes the
clusters that only share aliases; `country "White House"` resolves the metonym."""

from __future__ import annotations

from typer.testing import CliRunner

from cybertrack.cli import app
from cybertrack.reference import load_reference
from cybertrack.reference.sources import alias_vendor


def _vendors(actor: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for alias, vendor in load_reference().actor(actor).vendor_aliases:
        out.setdefault(alias.casefold(), set()).add(vendor)
    return out


def test_shipped_alias_vendors_are_the_coiners() -> None:
    apt28 = _vendors("APT28")
    assert apt28["strontium"] == {"Microsoft"}  # was also Kaspersky (first citation)
    assert apt28["pawn storm"] == {"Trend Micro"}  # was also Secureworks
    assert apt28["forest blizzard"] == {"Microsoft"}
    assert apt28["iron twilight"] == {"Secureworks"}
    assert apt28["fancy bear"] == {"CrowdStrike"}
    assert "sofacy" not in apt28 or apt28["sofacy"] == {"Kaspersky"}  # never FireEye
    assert _vendors("Kimsuky")["thallium"] == {"Microsoft"}
    # one vendor per alias, everywhere
    for entry in load_reference().entries("threat-actor"):
        seen: dict[str, str] = {}
        for alias, vendor in entry.vendor_aliases:
            assert seen.setdefault(alias.casefold(), vendor) == vendor, (entry.name, alias)


def test_alias_vendor_rule() -> None:
    vendor = {"Kaspersky Sofacy": "Kaspersky", "Microsoft STRONTIUM Aug 2019": "Microsoft",
              "ESET Sednit": "ESET", "Talos Group 74": "Cisco Talos"}.get
    cites = ["Kaspersky Sofacy", "Microsoft STRONTIUM Aug 2019"]
    assert alias_vendor("STRONTIUM", cites, vendor) == "Microsoft"
    assert alias_vendor("Tsar Team", ["Kaspersky Sofacy", "ESET Sednit"], vendor) is None
    assert alias_vendor("Group 74", ["Talos Group 74"], vendor) == "Cisco Talos"
    assert alias_vendor("Stone Panda", ["ESET Sednit"], vendor) == "CrowdStrike"  # scheme


def test_actor_view_summarizes_shared_aliases() -> None:
    result = CliRunner().invoke(app, ["actor", "Lazarus Group", "--db", "/nonexistent/x.db"])
    out = result.output
    assert "other cluster(s) share aliases" in out
    assert out.count("kept apart") <= 3
    assert len(out.splitlines()) < 70


def test_country_resolves_seats_of_government() -> None:
    ref = load_reference()
    assert ref.country("White House").code == "US"
    assert ref.country("the Kremlin").code == "RU"
    result = CliRunner().invoke(app, ["country", "White House"])
    assert result.exit_code == 0 and "United States" in result.output
