"""Inputs that expand: a 6 MB text and a 7 KB PDF whose page tree names one page 99,000 times,
ingested in a batch between two ordinary articles, with peak memory and time measured.

Before the caps, the text raised spaCy's E088 (over ``nlp.max_length``) and ended the batch, so
the article after it was never stored; the PDF expanded to 7 million characters, ran 97 s, used
730 MB and stored 99,000 claims. Now extraction reads at most ``--max-chars`` characters of a
document (default 2,000,000, in chunks of ``extract.chunks.CHUNK_CHARS``), and the PDF reader at
most ``ingest.pdf.MAX_PAGES`` pages and ``MAX_TEXT_CHARS`` characters.

Each ingest runs in a fresh subprocess; its peak resident memory is read with
``resource.getrusage(RUSAGE_CHILDREN)`` (Linux reports kilobytes).

    python bench/hostile_sizes.py                   # the inputs above, default caps
    python bench/hostile_sizes.py --max-chars 50000 # a smaller cap (what the test runs)
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: One sentence of the kind the pipeline reads (written for this bench).
LINE = ("Investigators said hackers working for a foreign intelligence service broke into the "
        "ministry of finance of Estonia in March 2021 and stole tax records.")

CHILD = """
import json, resource, sys
from cybertrack.batch import ingest_paths
from cybertrack.store import Store
db, max_chars, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
with Store.open(db) as kb:
    s = ingest_paths(kb, paths, max_chars=max_chars)
    counts = kb.counts()
print(json.dumps({"new": s.new, "failed": s.failed, "truncated": s.truncated,
                  "claims": counts["claims"], "documents": counts["documents"]}))
"""


def big_text(chars: int = 6_000_000) -> str:
    """Plain prose of about ``chars`` characters, in paragraphs of five sentences."""
    paragraph = " ".join([LINE] * 5) + "\n\n"
    return "Title: A very long report\n\n" + paragraph * (chars // len(paragraph) + 1)


def page_bomb_pdf(fanouts: tuple[int, ...] = (1000, 99), line: str = LINE[:70]) -> bytes:
    """A PDF of a few kilobytes whose page tree names one page object ``prod(fanouts)`` times
    (each level's node lists the level below ``fanout`` times): 7 KB for 99,000 pages. (pypdf
    refuses a tree of more than 100,000 entries, so 99,000 pages is about the most it reads.)"""
    content = b"BT /F1 10 Tf 60 740 Td (" + line.encode("latin-1") + b") Tj ET"
    objs = {
        2: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    }
    child, count, num, parents = 3, 1, 5, []
    for fanout in fanouts:
        count *= fanout
        kids = b" ".join(b"%d 0 R" % child for _ in range(fanout))
        objs[num] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count
        parents.append(num)
        child, num = num, num + 1
    objs[3] = (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 2 0 R >> >> >>" % parents[0])
    objs[1] = b"<< /Type /Catalog /Pages %d 0 R >>" % child
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for n in sorted(objs):
        offsets[n] = out.tell()
        out.write(b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n")
    xref, size = out.tell(), max(objs) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for n in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[n])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def write_batch(folder: Path, text_chars: int = 6_000_000) -> list[Path]:
    """An ordinary article, the big text, the page bomb and another article, in that order."""
    article = "Title: {t}\nPublished: 2021-04-02\n\n" + LINE + "\n"
    paths = [folder / "a_before.txt", folder / "b_big.txt", folder / "c_bomb.pdf",
             folder / "d_after.txt"]
    paths[0].write_text(article.format(t="Before"), encoding="utf-8")
    paths[1].write_text(big_text(text_chars), encoding="utf-8")
    paths[2].write_bytes(page_bomb_pdf())
    paths[3].write_text(article.format(t="After").replace("Estonia", "Latvia"),
                        encoding="utf-8")
    return paths


def measure(paths: list[Path], db: str, max_chars: int) -> dict[str, object]:
    """Ingest ``paths`` in a subprocess; its report, wall time and peak RSS in MB."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, db, str(max_chars),
                           *map(str, paths)], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    report["seconds"] = round(seconds, 1)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-chars", type=int, default=2_000_000)
    parser.add_argument("--text-chars", type=int, default=6_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_batch(folder, args.text_chars)
        sizes = {p.name: p.stat().st_size for p in paths}
        print(f"inputs: {sizes}")
        report = measure(paths, str(folder / "kb.db"), args.max_chars)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
