"""Write a folder of mixed inputs for the ingest benchmark and CLI tests.

    python bench/make_corpus.py OUT [--n 1000] [--seed 0] [--big-bytes 50000000]

Mostly HTML news pages generated from templates (varied victims, actors, sponsor states, dates,
claimants, denials and responses), plus header-block text files, a few PDFs, a JSONL of
documents (one bad line), an RSS feed, and one of each bad input every reader must survive:
a corrupt PDF, binary junk, an empty file, a file over the default 20 MB limit, a cp1252 text,
a UTF-8 text with stray latin-1 bytes, and a feed that is not XML.

Generation is deterministic (``--seed``). ``.manifest.json`` (hidden, so ``iter_inputs`` skips
it) records for every file whether it should read, and how many documents and failures it gives.
Feed entries link to 127.0.0.1:9 (the discard port), so following them fails at once, offline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

from cybertrack.ingest.pdfwrite import simple_pdf

# (victim, adjective, capital) and (actor, sponsor state, sponsor adjective, naming vendor)
VICTIMS = [
    ("Albania", "Albanian", "Tirana"), ("Estonia", "Estonian", "Tallinn"),
    ("Ukraine", "Ukrainian", "Kyiv"), ("Montenegro", "Montenegrin", "Podgorica"),
    ("Costa Rica", "Costa Rican", "San José"), ("Germany", "German", "Berlin"),
    ("Japan", "Japanese", "Tokyo"), ("Australia", "Australian", "Canberra"),
    ("Israel", "Israeli", "Jerusalem"), ("Saudi Arabia", "Saudi", "Riyadh"),
    ("India", "Indian", "New Delhi"), ("Norway", "Norwegian", "Oslo"),
    ("Kenya", "Kenyan", "Nairobi"), ("Brazil", "Brazilian", "Brasília"),
    ("South Korea", "South Korean", "Seoul"), ("Poland", "Polish", "Warsaw"),
]
ACTORS = [
    ("APT28", "Russia", "Russian", "Mandiant"), ("Sandworm", "Russia", "Russian", "ESET"),
    ("APT29", "Russia", "Russian", "Mandiant"), ("Lazarus Group", "North Korea", "North Korean",
                                                 "Kaspersky"),
    ("APT41", "China", "Chinese", "Mandiant"), ("Volt Typhoon", "China", "Chinese", "Microsoft"),
    ("HomeLand Justice", "Iran", "Iranian", "Microsoft"), ("APT33", "Iran", "Iranian",
                                                          "Mandiant"),
    ("Charming Kitten", "Iran", "Iranian", "ClearSky"), ("Kimsuky", "North Korea",
                                                         "North Korean", "AhnLab"),
]
TARGETS = ["the foreign ministry", "the national police", "the tax authority", "state broadcaster",
           "the e-government portal", "a major port operator", "the central bank",
           "the health ministry", "parliament", "the electricity grid operator"]
KINDS = ["a ransomware attack", "a wave of DDoS attacks", "an espionage campaign",
         "a destructive wiper attack", "a data leak", "the defacement of official websites"]
CONFIDENCE = ["with high confidence", "with moderate confidence", "with low confidence",
              "that it is likely", "that it is almost certain"]
RESPONSES = ["summoned the {adj} ambassador", "expelled {n} {adj} diplomats",
             "announced sanctions against {n} {adj} officials",
             "severed diplomatic ties with {state}",
             "condemned the attack", "asked allies for assistance"]
PUBLISHERS = ["The Daily Ledger", "Balkan Wire", "Cyber Desk", "Meridian Post",
              "Northgate Digest", "Pacific Monitor"]


def _article(rng: random.Random) -> dict[str, str]:
    victim, vadj, capital = rng.choice(VICTIMS)
    actor, state, sadj, vendor = rng.choice(ACTORS)
    day = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(365 * 11))
    response = rng.choice(RESPONSES).format(adj=sadj, state=state, n=rng.randint(2, 12))
    target, kind = rng.choice(TARGETS), rng.choice(KINDS)
    paragraphs = [
        f"{capital} - {victim}'s government said on {day:%d %B %Y} that {kind} had hit "
        f"{target}, disrupting services for several days.",
        f"Officials in {capital} blamed hackers working for {state}. The security firm {vendor} "
        f"assessed {rng.choice(CONFIDENCE)} that the group it tracks as {actor} carried out the "
        f"operation in support of {sadj} interests.",
        f"{state}'s foreign ministry denied any involvement and called the accusations "
        f"{rng.choice(['baseless', 'fabricated', 'politically motivated', 'absurd'])}.",
        f"On {day + dt.timedelta(days=rng.randint(3, 60)):%d %B %Y}, {victim} {response}.",
        f"It was not the first time {vadj} institutions were targeted; analysts noted that "
        f"{actor} had been linked to earlier intrusions across the region.",
    ]
    return {
        "title": f"{victim} blames {state} for {kind.split(' ', 1)[1]} on {target}",
        "date": day.isoformat(), "publisher": rng.choice(PUBLISHERS),
        "author": rng.choice(["Jane Roe", "Arben Hoxha", "Mari Tamm", "Kenji Sato", ""]),
        "text": "\n\n".join(paragraphs), "slug": f"{victim.lower().replace(' ', '-')}-{day}",
    }


def _html(a: dict[str, str], dated: bool) -> str:
    meta = (f'<meta property="article:published_time" content="{a["date"]}T08:00:00Z">'
            if dated else "")
    author = f'<meta name="author" content="{a["author"]}">' if a["author"] else ""
    body = "".join(f"<p>{p}</p>\n" for p in a["text"].split("\n\n"))
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{a["title"]} | '
        f'{a["publisher"]}</title>\n<meta property="og:site_name" content="{a["publisher"]}">'
        f"{meta}{author}<script>window.ads = [];</script></head>\n<body><nav><a href='/'>Home</a>"
        f" | <a href='/world'>World</a> | <a href='/tech'>Technology</a></nav>\n<article><h1>"
        f"{a['title']}</h1>\n{body}</article>\n<footer>© {a['date'][:4]} {a['publisher']}. "
        "All rights reserved.</footer></body></html>\n"
    )


def _text(a: dict[str, str]) -> str:
    return (
        f"Title: {a['title']}\nPublisher: {a['publisher']}\nPublished: {a['date']}\n"
        f"Source: https://news.example.org/{a['slug']}\nReliability: C\n\n{a['text']}\n"
    )


def make_corpus(
    out: Path, n: int = 1000, seed: int = 0, big_bytes: int = 50_000_000
) -> dict[str, object]:
    """Write ``n`` files into ``out``; return the manifest (also saved as ``.manifest.json``)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, object]] = {}

    def put(name: str, data: bytes | str, docs: int = 1, failures: int = 0) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        files[name] = {"documents": docs, "failures": failures}

    # the bad (and awkward but readable) inputs, one of each
    good_pdf = simple_pdf([_article(rng)["text"]], title="Corrupt report")
    put("bad/corrupt.pdf", good_pdf[: len(good_pdf) // 3], 0, 1)
    put("bad/junk.bin", bytes(rng.randrange(256) for _ in range(8192)) + b"\x00", 0, 1)
    put("bad/empty.txt", b"", 0, 1)
    put("bad/not-a-feed.rss", "<<this is not XML>> & never was\n", 0, 1)
    french = "Le ministère a condamné l’attaque contre l’Albanie. " * 5
    put("bad/cp1252.txt", french.encode("cp1252"))
    mixed = "Café owners in Manëz said: " + _article(rng)["text"]
    put("bad/mixed-encoding.txt", mixed.encode() + " Tiranë.".encode("latin-1"))
    chunk = (_article(rng)["text"] + "\n\n").encode()
    with (out / "bad/huge.txt").open("wb") as fh:
        for _ in range(big_bytes // len(chunk) + 1):
            fh.write(chunk)
    files["bad/huge.txt"] = {"documents": 0, "failures": 1}
    # one JSONL of documents (with one bad line) and one RSS feed
    lines = [json.dumps({"id": f"j{i}", "title": a["title"], "text": a["text"],
                         "published": a["date"][:7]}) for i, a in
             enumerate(_article(rng) for _ in range(20))]
    lines.insert(7, "{this line is broken")
    put("docs/documents.jsonl", "\n".join(lines) + "\n", 20, 1)
    items = []
    for i in range(10):
        a = _article(rng)
        when = dt.date.fromisoformat(a["date"])
        items.append(
            f"<item><title>{a['title']}</title><link>http://127.0.0.1:9/news/{i}</link>"
            f"<pubDate>{when:%a, %d %b %Y} 09:00:00 GMT</pubDate>"
            f"<description>{a['text'].split(chr(10))[0]}</description></item>"
        )
    put("feeds/cyber-desk.rss", '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">'
        f"<channel><title>Cyber Desk</title>{''.join(items)}</channel></rss>\n", 10)
    # the rest: ~2% PDFs, ~20% header text files, the others HTML pages
    remaining = max(n - len(files), 0)
    for i in range(remaining):
        a = _article(rng)
        roll = rng.random()
        if roll < 0.02:
            put(f"pdf/report-{i:05d}.pdf", simple_pdf(
                a["text"].split("\n\n"), title=a["title"], author=a["author"] or None,
                created=dt.date.fromisoformat(a["date"])))
        elif roll < 0.22:
            put(f"text/{a['slug']}-{i:05d}.txt", _text(a))
        else:
            put(f"html/{a['date'][:4]}/{a['slug']}-{i:05d}.html", _html(a, dated=roll > 0.3))
    manifest: dict[str, object] = {
        "files": files,
        "documents": sum(int(str(f["documents"])) for f in files.values()),
        "failures": sum(int(str(f["failures"])) for f in files.values()),
    }
    (out / ".manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def files_of(manifest: dict[str, object]) -> dict[str, object]:
    files = manifest["files"]
    assert isinstance(files, dict)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (created if needed)")
    parser.add_argument("--n", type=int, default=1000, help="number of files (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--big-bytes", type=int, default=50_000_000,
                        help="size of the over-the-limit file (default 50 MB)")
    args = parser.parse_args(argv)
    manifest = make_corpus(args.out, args.n, args.seed, args.big_bytes)
    print(f"{len(files_of(manifest))} files in {args.out}: expect {manifest['documents']} "
          f"documents and {manifest['failures']} failures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
