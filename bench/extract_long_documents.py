"""Extraction time of long documents: text with no sentence ends, and growth with length.

    .venv/bin/python bench/extract_long_documents.py [--words 150000]

1. A table, a PDF flattened into one line or scraped navigation can reach extraction as a long
   run of words with no end punctuation and no line breaks. The rules read a sentence at a
   time, and some compare each event phrase or mention of a sentence with the others, so one
   megabyte read as one sentence took minutes; ``sentence_bounds`` now cuts such a run every
   ``MAX_SENTENCE`` characters. One document made of the bundled sample articles repeated is
   timed as written and with every sentence end removed, in the same process.
2. Work per document should grow with its length, not its square: a document of one titled
   person's statement repeated is timed at one size and at four times that size (a ratio near
   4 is linear, near 16 quadratic; finding each person's country once sorted every mention).
"""

from __future__ import annotations

import argparse
import platform
import re
import time

from cybertrack.batch import prepare
from cybertrack.demo import sample_paths
from cybertrack.extract import extract_document
from cybertrack.ingest import read_all
from cybertrack.model import Document, PartialDate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=150_000)
    args = parser.parse_args()
    samples = [prepare(r.document).text for r in read_all(sample_paths()) if r.document]
    words: list[str] = []
    while len(words) < args.words:
        for text in samples:
            words.extend(text.split())
    written = " ".join(words[: args.words])
    flat = re.sub(r"[.!?…]+(?=\s|$)", "", written).replace("\n", " ")
    published = PartialDate.parse("2022-10-01")
    timings: dict[str, float] = {}
    for name, text in (("as written", written), ("no sentence ends", flat)):
        doc = Document.from_text(text, name, published=published)
        start = time.perf_counter()
        extract_document(doc)
        timings[name] = time.perf_counter() - start
    print(f"machine: {platform.machine()} {platform.processor() or ''}, "
          f"python {platform.python_version()}")
    print(f"{args.words:,} words in one document ({len(written) / 1e6:.1f} MB)")
    for name, seconds in timings.items():
        print(f"{name:18s} {seconds:7.2f} s")
    ratio = timings["no sentence ends"] / timings["as written"]
    print(f"no sentence ends / as written: {ratio:.1f}x")

    sentence = ("Prime Minister Edi Rama of Albania said Iranian hackers attacked Albanian "
                "government websites in July 2022. ")
    times = max(1, args.words // 4 // len(sentence.split()))
    growth: list[float] = []
    for n in (times, 4 * times):
        doc = Document.from_text(sentence * n, "statements", published=published)
        start = time.perf_counter()
        extract_document(doc)
        growth.append(time.perf_counter() - start)
    print(f"one statement x{times:,}: {growth[0]:.2f} s; x{4 * times:,}: {growth[1]:.2f} s "
          f"-> {growth[1] / growth[0]:.1f}x for 4x the length (4 is linear, 16 quadratic)")


if __name__ == "__main__":
    main()
