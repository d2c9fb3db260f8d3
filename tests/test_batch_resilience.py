"""One document never ends a batch: long texts are extracted in chunks up to a recorded cap,
a document whose extraction raises fails alone, expanding PDFs are bounded, and a document
stored without extraction is extracted by a later normal ingest."""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from conftest import make_extraction
from cybertrack.batch import EXTRACTOR_VERSION, ingest_paths, prepare
from cybertrack.extract import build_pipeline, extract_document
from cybertrack.extract.chunks import chunk_bounds
from cybertrack.ingest import read_all
from cybertrack.ingest.pdf import MAX_PAGES, read_pdf
from cybertrack.model import Document, Extraction
from cybertrack.resolve import link_pending
from cybertrack.store import Store
from cybertrack.store import schema as t
from script_module import load_script

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "cybertrack" / "samples"
ARTICLE = ("Title: {title}\nPublished: 2022-09-08\n\nAlbania severed diplomatic ties with Iran "
           "on 7 September 2022 after a cyberattack in July 2022 disrupted government "
           "services. {extra}\n")


def _bench() -> ModuleType:
    return load_script(Path(__file__).resolve().parents[1] / "bench" / "hostile_sizes.py",
                       "hostile_sizes")


def _sample(name: str) -> Document:
    return next(prepare(r.document) for r in read_all([str(SAMPLES / name)]) if r.document)


def test_chunks_cover_the_text_and_cut_at_paragraphs() -> None:
    text = "".join(f"Paragraph {n} says something. It goes on.\n\n" for n in range(400))
    bounds = chunk_bounds(text, 1000)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
    assert all(e - s <= 1000 for s, e in bounds)
    assert all(text[e - 2:e] == "\n\n" for _s, e in bounds[:-1])  # at a paragraph break
    flat = "x" * 2500  # no break anywhere: cut at the size
    assert chunk_bounds(flat, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_a_text_over_spacys_max_length_is_extracted_in_chunks_with_spans_right() -> None:
    nlp = build_pipeline()
    nlp.max_length = 20_000  # a small pipeline limit stands for spaCy's 5,000,000
    base = _sample("03_albania-severs-ties.txt")
    text = "\n\n".join([base.text] * (3 * nlp.max_length // len(base.text) + 1))
    doc = Document.from_text(text, "long.txt", title=base.title, published=base.published)
    ex = extract_document(doc, nlp, chunk_chars=15_000)
    once = extract_document(base, nlp)
    assert len(ex.claims) >= 3 * len(once.claims) > 0
    for m in ex.mentions:
        assert doc.text[m.span.start:m.span.end] == m.text
    for c in ex.claims:
        assert doc.text[c.sentence.start:c.sentence.end] == c.sentence_text
    incident_ids = {i.id for i in ex.incidents}
    assert all(c.incident_id in incident_ids for c in ex.claims if c.incident_id)
    for records in (ex.mentions, ex.claims, ex.incidents):
        assert len({r.id for r in records}) == len(records)
    assert [i.key for i in ex.incidents] == [f"i{n}" for n in range(1, len(ex.incidents) + 1)]
    assert extract_document(doc, nlp, chunk_chars=15_000) == ex  # same ids every time


def test_a_long_text_is_capped_recorded_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE.format(title="Before", extra=""), encoding="utf-8")
    (folder / "b_big.txt").write_text(_bench().big_text(600_000), encoding="utf-8")
    (folder / "c.txt").write_text(ARTICLE.format(title="After", extra="Again."),
                                  encoding="utf-8")
    events: list[tuple[str, str]] = []
    with Store.open(str(tmp_path / "kb.db")) as kb:
        summary = ingest_paths(kb, [str(folder)], max_chars=30_000,
                               on_event=lambda st, src, _d: events.append((st, Path(src).name)))
        assert (summary.new, summary.failed) == (3, [])
        assert [Path(s).name for s, _d in summary.truncated] == ["b_big.txt"]
        assert "30,000 of 600" in summary.truncated[0][1]
        assert ("truncated", "b_big.txt") in events
        with kb._read() as conn:
            rows = conn.execute(select(t.documents.c.source, t.documents.c.extracted_chars))
            chars = {Path(source).name: n for source, n in rows}
        assert chars == {
            "a.txt": None, "b_big.txt": 30_000, "c.txt": None}
        big = next(d for d in kb.documents() if d.source.endswith("b_big.txt"))
        assert len(big.text) > 600_000  # the stored text is whole
        assert all(c.sentence.end <= 30_000 for c in kb.claims(document_id=big.id))


def test_a_document_whose_extraction_raises_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n, name in enumerate(("a.txt", "b_bad.txt", "c.txt")):
        (folder / name).write_text(ARTICLE.format(title=name, extra=f"Note {n}."),
                                   encoding="utf-8")

    def extractor(document: Document, max_chars: int) -> Extraction:
        if "b_bad" in document.source:
            raise KeyError("a rule bug")
        return extract_document(document, max_chars=max_chars)

    with Store.open(str(tmp_path / "kb.db")) as kb:
        summary = ingest_paths(kb, [str(folder)], extractor=extractor)
        assert summary.new == 2
        [(source, reason)] = summary.failed
        assert source.endswith("b_bad.txt")
        assert "extraction failed (KeyError: 'a rule bug')" in reason
        assert {Path(d.source).name for d in kb.documents()} == {"a.txt", "c.txt"}
        # the failed one is not stored, so the next run extracts it
        again = ingest_paths(kb, [str(folder)])
        assert (again.new, again.unchanged, again.failed) == (1, 2, [])


def test_max_chars_must_be_positive(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "kb.db")) as kb, pytest.raises(Exception, match="--max-chars"):
        ingest_paths(kb, [str(tmp_path)], max_chars=0)


def test_a_page_bomb_pdf_is_read_up_to_the_page_cap() -> None:
    data = _bench().page_bomb_pdf()
    assert len(data) < 8_000
    start = time.perf_counter()
    doc = read_pdf(data, "bomb.pdf")
    seconds = time.perf_counter() - start
    pages = doc.text.count("\n\n") + 1
    assert pages == MAX_PAGES  # not 99,000
    assert len(doc.text) < 80 * MAX_PAGES
    assert seconds < 30


def test_a_document_stored_without_extraction_is_extracted_by_a_normal_ingest(
        db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE.format(title="Albania", extra=""), encoding="utf-8")
    with Store.open(db_url) as kb:
        first = ingest_paths(kb, [str(path)], extract=False)
        [doc_id] = first.new_documents
        assert kb.claims(document_id=doc_id) == []
        assert kb.document_extractor_version(doc_id) == ""
        again = ingest_paths(kb, [str(path)], extract=False)
        assert (again.new, again.reextracted, again.unchanged) == (0, 0, 1)
        normal = ingest_paths(kb, [str(path)])
        assert (normal.new, normal.reextracted, normal.unchanged) == (0, 1, 0)
        assert kb.document_extractor_version(doc_id) == EXTRACTOR_VERSION
        assert kb.claims(document_id=doc_id) and kb.incidents(document_id=doc_id)
        assert kb.pending_link_documents() == [doc_id]
        link_pending(kb)
        assert kb.pending_link_documents() == []
        last = ingest_paths(kb, [str(path)])
        assert (last.new, last.reextracted, last.unchanged) == (0, 0, 1)


def test_an_older_extractors_records_are_replaced_and_reviewed_links_kept(
        db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE.format(title="Albania", extra=""), encoding="utf-8")
    doc = next(prepare(r.document) for r in read_all([str(path)]) if r.document)
    current = extract_document(doc)
    old = make_extraction()  # an older extractor's records, filed under this document
    stale = Extraction(doc, incidents=tuple(
        type(i)(**{**{f: getattr(i, f) for f in i.__slots__}, "document_id": doc.id,
                   "id": "incident--old"}) for i in old.incidents))
    other = make_extraction(n=1)
    with Store.open(db_url) as kb:
        assert kb.add_extraction(stale, extractor_version="1")
        kb.add_extraction(other, extractor_version="tracker")
        link_pending(kb)
        [link] = kb.links(record_id="incident--old")
        kb.set_link_status(link.id, "accepted")
        summary = ingest_paths(kb, [str(path)])
        assert summary.reextracted == 1
        assert {i.id for i in kb.incidents(document_id=doc.id)} == {
            i.id for i in current.incidents}
        assert len(kb.claims(document_id=doc.id)) == len(current.claims)
        assert kb.links(record_id="incident--old")[0].status == "accepted"  # a person's word
        # the other report grouped with the old incident is regrouped by the next linking
        assert set(kb.pending_link_documents()) == {doc.id, other.document.id}
        link_pending(kb)
        assert kb.incidents_without_group() == []
        # records of the tracker and of structured input are never re-extracted
        assert ingest_paths(kb, [str(path)]).unchanged == 1


def test_hostile_sizes_are_ingested_with_bounded_memory(tmp_path: Path) -> None:
    """The bench's batch (6 MB text, 7 KB page bomb, between two articles) in a subprocess,
    with a small --max-chars to stay fast: everything stored, under 1 GB and a minute."""
    bench = _bench()
    paths = bench.write_batch(tmp_path)
    report = bench.measure(paths, str(tmp_path / "kb.db"), 50_000)
    assert report["failed"] == [] and report["new"] == report["documents"] == 4
    # the big text, and the PDF's 5,000 pages (capped at reading) beyond 50,000 characters
    assert sorted(Path(s).name for s, _d in report["truncated"]) == ["b_big.txt", "c_bomb.pdf"]
    assert report["peak_rss_mb"] < 1024
    assert report["seconds"] < 60
