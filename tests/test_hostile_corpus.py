"""The hostile corpus through the real ``cybertrack ingest``, each case with its expected outcome.

Every case (tests/data/hostile/generate.py) is ingested as a batch with a good document into a
knowledge base that already holds another one, and must end the way a security reviewer
expects: a bad input is one error line that names it, the batch goes on (the good document is
stored), nothing already stored is lost, no file outside the input is read, no traceback, and
the big ones finish in bounded time and memory. Then what was stored is shown by the commands
that render it (terminal, Markdown, CSV), which must not pass an attacker's control sequences,
formulas or HTML through. docs/security.md maps each defence to the test here that proves it.
"""

from __future__ import annotations

import csv
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner, Result

from cybertrack.cli import app
from cybertrack.store import Store
from script_module import load_script

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
#: The installed console script, next to the interpreter running the tests.
CLI = [str(Path(sys.executable).with_name("cybertrack"))]
#: Bounds for the big cases: the issue's "bounded memory (under 1 GB) and time".
MAX_RSS_BYTES = 1 << 30
MAX_SECONDS = 60
#: The big cases run with a small extraction cap so CI stays fast: what they prove is that a
#: long or expanding input is read in bounded time and memory and stored with the batch
#: around it. The default cap (``--max-chars``) on a 6 MB text is timed by bench/.
BIG_ARGS = ("--max-chars", "100000")
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _load_generator() -> ModuleType:
    return load_script(HOSTILE / "generate.py", "hostile_generate")


gen = _load_generator()
runner = CliRunner()


@dataclass(frozen=True)
class Expect:
    """What ingesting one case must do.

    ``outcome``: ``fail`` (exit 2, each of ``names`` in a ``failed`` line), ``stored`` (exit 0,
    the input stored), or ``either`` (stored, or one failed line naming it: both are sound).
    ``stored``: text that some stored document must contain (e.g. the good line of a JSONL
    whose other line is refused). ``forbidden``: text no stored document may contain.
    ``big``: run as a subprocess and hold it to ``MAX_SECONDS`` and ``MAX_RSS_BYTES``.
    """

    outcome: str
    names: tuple[str, ...] = ()
    stored: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    big: bool = False


SECRET = (gen.SECRET, "root:x:0:0")
EXPECT: dict[str, Expect] = {
    # issue 14 item 1: text_file stays inside the JSONL's folder; the other line is still read
    "jsonl_text_file_absolute": Expect("fail", ("docs.jsonl:1",), ("Dutch port",), SECRET),
    "jsonl_text_file_dotdot": Expect("fail", ("docs.jsonl:1",), ("Dutch port",), SECRET),
    "jsonl_text_file_symlink": Expect("fail", ("docs.jsonl:1",), ("Dutch port",), SECRET),
    # found by the fuzzer: a JSON string that is not UTF-8 must not crash the batch
    "jsonl_lone_surrogate": Expect("either", ("surrogate.jsonl:1",), ("Dutch port",)),
    # item 2: long documents are processed (chunked, capped), in bounded time and memory
    "long_text_6mb": Expect("stored", ("long.txt",), ("Report 79999",), big=True),
    "huge_single_line": Expect("stored", ("one-line.txt",), big=True),
    "pdf_page_bomb": Expect("either", ("bomb.pdf",), forbidden=(), big=True),
    "pdf_flate_bomb": Expect("either", ("flate-bomb.pdf",), big=True),
    # inputs that are not what they claim: one error line each
    "corrupt_pdf": Expect("fail", ("corrupt.pdf",)),
    "binary_junk": Expect("fail", ("junk.txt",)),
    "gzip_html": Expect("fail", ("page.html", "page.html.gz"), forbidden=("lol lol",)),
    "zip_bomb": Expect("fail", ("bomb.zip",)),
    "empty_file": Expect("fail", ("empty.txt",)),
    "zero_byte_feed": Expect("fail", ("empty.rss", "empty.xml")),
    "over_max_bytes_50mb": Expect("fail", ("big.txt",)),
    # encodings: read right, or refused; never stored as mojibake or with a NUL
    "latin1": Expect("stored", ("latin1.txt",), ("ministère", "liés")),
    "utf16_without_bom": Expect("either", ("utf16.txt",)),
    "late_nul": Expect("either", ("late-nul.txt",)),
    # parsers: no recursion crash, no entity expansion, no external entity read
    "nested_html": Expect("either", ("nested.html",)),
    "billion_laughs_feed": Expect("either", ("laughs.xml",), forbidden=("lollollollollol",)),
    "external_entity_feed": Expect("either", ("xxe.xml",), forbidden=SECRET),
    # a folder with symlink loops and a dangling link: the real file in it is still read
    "symlink_loop_folder": Expect("either", (), ("Dutch port",)),
    # item 3: names and text with escape sequences (the empty file fails, naming itself)
    "escape_sequences": Expect("fail", ("evil",), ("Albania",)),
    "markdown_injection": Expect("stored", ("inject.txt",)),
    # item 9: malformed STIX is refused with a reason, not stored as a title "123"
    "malformed_stix": Expect("fail", ("bundle.json",)),
    "stix_wrong_types": Expect("either", ("types.json",)),
}


def test_every_generated_case_has_an_expectation() -> None:
    assert sorted(EXPECT) == sorted(gen.CASES)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    out = tmp_path_factory.mktemp("hostile")
    return out, gen.generate(out / "cases")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a knowledge base already holding one document, a good document for each batch)."""
    folder = tmp_path_factory.mktemp("seed")
    first = folder / "first.txt"
    first.write_text("Title: Earlier report\n\nA group tied to China stole research data from "
                     "a university in Australia in 2019, the government said.\n")
    good = folder / "good.txt"
    good.write_text(gen.GOOD_TEXT)
    db = folder / "seed.db"
    result = ingest(db, [str(first)])
    assert result.exit_code == 0, result.output
    return db, good


def ingest(db: Path, inputs: list[str], *args: str) -> Result:
    return runner.invoke(app, ["ingest", "--quiet", "--db", str(db), *args, *inputs])


def documents(db: Path) -> list[tuple[str, str, str]]:
    """(source, title, text) of every stored document."""
    with Store.open(str(db)) as store:
        return [(d.source, d.title or "", d.text) for d in store.documents()]


def flat(output: str) -> str:
    """The output with the console's line wrapping undone (errors may be wider than 80)."""
    return output.replace("\n", "")


def run_big(db: Path, inputs: list[str]) -> tuple[int, str, float, int]:
    """Run ingest as its own process: (exit code, output, seconds, peak RSS in bytes)."""
    probe = ("import resource, subprocess, sys, json; "
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True, errors='replace',"
             f" timeout={MAX_SECONDS * 2}); "
             "print(json.dumps([p.returncode, p.stdout + p.stderr, "
             "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", probe, *CLI, "ingest", "--quiet", *BIG_ARGS,
                           "--db", str(db), *inputs], capture_output=True, text=True,
                          timeout=MAX_SECONDS * 2 + 30)
    seconds = time.monotonic() - start
    assert done.returncode == 0, done.stderr[-2000:]
    code, output, rss_kb = json.loads(done.stdout.strip().splitlines()[-1])
    return code, output, seconds, rss_kb * 1024


@pytest.mark.parametrize("case", sorted(EXPECT))
def test_hostile_case(case: str, corpus: tuple[Path, dict[str, list[str]]],
                      seeded: tuple[Path, Path], tmp_path: Path) -> None:
    expect = EXPECT[case]
    _root, made = corpus
    seed_db, good = seeded
    db = tmp_path / "kb.db"
    shutil.copy(seed_db, db)
    before = documents(db)
    inputs = [*made[case], str(good)]
    if expect.big:
        code, output, seconds, rss = run_big(db, inputs)
        assert seconds < MAX_SECONDS, f"{case}: took {seconds:.0f} s (bound {MAX_SECONDS} s)"
        assert rss < MAX_RSS_BYTES, f"{case}: peak memory {rss / 2**20:.0f} MB (bound 1 GB)"
    else:
        result = ingest(db, inputs)
        code, output = result.exit_code, result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"{case}: ingest raised {result.exception!r}\n{output}")
    assert "Traceback" not in output, output
    assert code in (0, 2), f"{case}: exit {code}\n{output}"
    assert not TERMINAL_UNSAFE.search(output.replace("\n", "").replace("\t", "")), (
        f"{case}: raw control characters reached the terminal: {output!r}")
    after = documents(db)
    # nothing already stored is lost, and the good document after the hostile one is stored
    assert {d[0] for d in before} <= {d[0] for d in after}, f"{case}: lost a stored document"
    assert any("Albania's government" in text for _s, _t, text in after), (
        f"{case}: the good document of the batch was not stored\n{output}")
    texts = "\n".join(f"{title}\n{text}" for _s, title, text in after)
    for needle in expect.stored:
        assert needle in texts, f"{case}: nothing stored contains {needle!r}\n{output}"
    for needle in expect.forbidden:
        assert needle not in texts, f"{case}: stored {needle!r}, which it must never"
    assert "\x00" not in texts, f"{case}: a NUL was stored"
    failed = [line for line in flat(output).split("failed ")[1:]]
    if expect.outcome == "fail":
        assert code == 2, f"{case}: expected a failure (exit 2), got {code}\n{output}"
    if expect.outcome == "stored":
        assert code == 0, f"{case}: expected it stored (exit 0), got {code}\n{output}"
        assert len(after) == len(before) + 1 + len(made[case]), output
    if code == 2 and expect.outcome != "stored":
        for name in expect.names:
            assert any(name in line for line in failed), (
                f"{case}: no 'failed' line names {name!r}\n{output}")
    if case == "malformed_stix":
        assert not any(title == "123" for _s, title, _t in after), "a number stored as a title"


# --- what is stored, shown: terminal, Markdown, CSV -------------------------------------------

@pytest.fixture(scope="module")
def rendered_kb(corpus: tuple[Path, dict[str, list[str]]], seeded: tuple[Path, Path],
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base holding the escape-sequence and Markdown-injection articles and the
    formula-cell tracker row."""
    root, made = corpus
    db = tmp_path_factory.mktemp("rendered") / "kb.db"
    shutil.copy(seeded[0], db)
    ingest(db, [made["escape_sequences"][0], made["markdown_injection"][0]])
    result = ingest(db, [str(root / "cases" / "trackers" / "formula.csv")], "--tracker", "cfr")
    assert "Traceback" not in result.output, result.output
    return db


def _markdown_as_html(text: str) -> str:
    """What a CommonMark viewer makes of the Markdown, with raw HTML on and every link target
    allowed (markdown-it drops javascript: links itself; a viewer might not)."""
    from markdown_it import MarkdownIt  # installed with rich

    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md.render(text)


def _incident_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM incidents ORDER BY id")]


@pytest.mark.parametrize("command", [
    ["incidents"], ["timeline", "--actor", "Iran"], ["firsts"], ["reach", "Iran"],
    ["link", "list"],
])
def test_listings_show_no_raw_control_characters(rendered_kb: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--db", str(rendered_kb)])
    assert "Traceback" not in result.output
    assert not TERMINAL_UNSAFE.search(result.output.replace("\n", "").replace("\t", "")), (
        f"{command}: raw control characters: {result.output!r}")


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_incident_reports_escape_hostile_text(rendered_kb: Path, fmt: str,
                                              tmp_path: Path) -> None:
    ids = _incident_ids(rendered_kb)
    assert ids, "no incident was extracted from the hostile articles"
    for ident in ids:
        args = ["incident", ident, "--db", str(rendered_kb)]
        if fmt != "text":
            args += ["--format", fmt, "--charts", str(tmp_path / "charts")]
        result = runner.invoke(app, args)
        out = result.output
        assert "Traceback" not in out, out
        assert not TERMINAL_UNSAFE.search(out.replace("\n", "").replace("\t", "")), (
            f"incident {ident} --format {fmt}: raw control characters: {out!r}")
        if fmt in ("md", "html"):
            # the payloads may show as text (&lt;script&gt;), never as live markup or links
            low = (_markdown_as_html(out) if fmt == "md" else out).lower()
            for raw in ("<script", "<iframe", "<img src=x", "<b onmouseover",
                        'href="javascript:', 'src="javascript:'):
                assert raw not in low, f"incident --format {fmt}: {raw!r} passed through"
    for svg in (tmp_path / "charts").glob("*.svg") if (tmp_path / "charts").exists() else ():
        data = svg.read_text()
        assert not TERMINAL_UNSAFE.search(data.replace("\n", "").replace("\t", "")), svg


def test_csv_export_neutralizes_formulas(rendered_kb: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = runner.invoke(app, ["export", "--format", "csv", "-o", str(out),
                                 "--db", str(rendered_kb)])
    assert result.exit_code == 0, result.output
    hostile = ("HYPERLINK", "SUM(1+1)", "cmd|", "-2+3", "TAB", "CR")
    seen = 0
    for path in out.glob("*.csv"):
        with path.open(newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if any(h in cell for h in hostile):
                        seen += 1
                        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (
                            f"{path.name}: formula cell exported as is: {cell!r}")
    assert seen, "the tracker row's hostile cells were not exported at all"


# --- trackers and options ---------------------------------------------------------------------

def test_short_tracker_row_is_reported_and_the_rest_stored(
        corpus: tuple[Path, dict[str, list[str]]], seeded: tuple[Path, Path],
        tmp_path: Path) -> None:
    """Item 9: a 3-of-12-column CFR row is skipped with a reason, not stored."""
    root, _made = corpus
    db = tmp_path / "kb.db"
    shutil.copy(seeded[0], db)
    result = ingest(db, [str(root / "cases" / "trackers" / "short.csv")], "--tracker", "cfr")
    assert "Traceback" not in result.output, result.output
    titles = [title for _s, title, _t in documents(db)]
    assert any("Dutch port operator" in t for t in titles), result.output
    assert not any(t.startswith("Short row") for t in titles), "a short row was stored"
    assert "short.csv" in flat(result.output) and "row 2" in flat(result.output), result.output


def test_missing_tracker_file_does_not_stop_the_batch(
        corpus: tuple[Path, dict[str, list[str]]], seeded: tuple[Path, Path],
        tmp_path: Path) -> None:
    """Item 9: ``--tracker cfr missing.csv good.csv`` stores good.csv and names missing.csv."""
    root, _made = corpus
    db = tmp_path / "kb.db"
    shutil.copy(seeded[0], db)
    result = ingest(db, [str(tmp_path / "missing.csv"),
                         str(root / "cases" / "trackers" / "good.csv")], "--tracker", "cfr")
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 2, result.output
    assert "missing.csv" in flat(result.output)
    assert any("Dutch canal board" in title for _s, title, _t in documents(db)), result.output


@pytest.mark.parametrize("value", ["0", "-1", "30000000000", "9" * 40])
def test_max_bytes_out_of_range_is_one_clear_error(value: str, seeded: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    """Item 10: a size limit of 0, -1, 30 GB or 10^40 is refused, without allocating it."""
    db = tmp_path / "kb.db"
    shutil.copy(seeded[0], db)
    limit = 2 << 30  # a child that tries to allocate the limit dies here, not the machine

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run([*CLI, "ingest", "--quiet", "--no-extract", "--db", str(db),
                           "--max-bytes", value, str(seeded[1])], capture_output=True,
                          text=True, timeout=120, preexec_fn=cap,
                          env={**os.environ, "COLUMNS": "200"})
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "MemoryError" not in output, output
    assert done.returncode in (1, 2), output
    assert "max-bytes" in output or "max_bytes" in output, output
    assert len([line for line in output.splitlines() if line.strip()]) <= 6, output
