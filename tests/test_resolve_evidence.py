"""The evidence rules the linking gold set's tuning part asked for: a shared *name* (a victim,
a person) weighs more than a shared common word, a shared malware family made for one
operation is strong evidence, two reports published together may date one event apart, and a
report the extractor found no incident in is placed beside its event by the same evidence.
The full evaluation is bench/link_eval.py; these are small cases of each rule."""

from __future__ import annotations

from cybertrack.model import Document, Extraction, Incident, PartialDate
from cybertrack.resolve import GROUP_THRESHOLD, IncidentFeatures, link_all, link_new, score_pair
from cybertrack.resolve.placement import place_documents
from cybertrack.resolve.terms import malware, names
from cybertrack.store import Store
from kb_factory import day, report, say


def _feat(n: int, *, targets: tuple[str, ...] = (), when: str | None = None,
          kinds: tuple[str, ...] = (), lead: str = "", published: str | None = None,
          states: frozenset[str] = frozenset()) -> IncidentFeatures:
    inc = Incident(f"incident--{n}", f"doc--{n}", "i1", kinds=kinds, targets=targets,
                   time=day(when) if when else None)
    pub: PartialDate | None = day(published) if published else None
    return IncidentFeatures.of(inc, lead=lead, published=pub, states=states)


def test_names_are_capitalized_inside_a_sentence_not_in_a_title_case_headline() -> None:
    text = ("Hackers Hit City Hall Computers In Ransomware Attack\n"
            "Systems at the town hall of Brellford were locked. Officials said Mayor Dana "
            "Quint asked the FBI for help; the WannaCry-like malware spread.")
    got = names(text)
    assert {"brellford", "dana", "quint", "fbi", "wannacry-like", "dana quint"} <= got
    assert not got & {"hackers", "hit", "systems", "officials", "computers", "ransomware"}


def test_a_shared_name_links_where_shared_common_words_do_not() -> None:
    words = "technicians quibbled with a hard-nosed prosecutor"
    common = score_pair(_feat(1, lead=f"In one county {words}."),
                        _feat(2, lead=f"Elsewhere {words}."))
    assert common is None or common.score < GROUP_THRESHOLD
    named = ("Technicians Worked Overtime\nThe servers of Brellford were locked, and mayor "
             "Dana Quint said the Zorvaxa gang wanted money.")
    pair = score_pair(_feat(3, lead=named), _feat(4, lead=f"Another: {named}"))
    assert pair is not None and pair.score >= GROUP_THRESHOLD


def test_a_shared_malware_family_made_for_one_operation_is_evidence() -> None:
    assert malware("A Flame-like tool and HermeticWiper, then ExPetr") == {
        "malware:hermeticwiper", "malware:notpetya"}  # "Flame" alone is ambiguous
    assert malware("Cobalt Strike beacons and Mimikatz") == frozenset()  # tools recur
    a = _feat(1, targets=("UA",), when="2022-01-13", kinds=("destruction",),
              lead="Microsoft found the WhisperGate wiper on government systems.")
    b = _feat(2, targets=("UA",), when="2022-02", kinds=("destruction",),
              lead="Agencies said WhisperGate was deployed by military intelligence.")
    pair = score_pair(a, b)
    assert pair is not None and pair.score >= GROUP_THRESHOLD
    assert pair.reasons[0] == "same malware whispergate"


def test_reports_published_together_may_date_one_event_apart() -> None:
    lead = "Brellford mayor Dana Quint said the Zorvaxa gang locked the city's servers."
    a = _feat(1, when="2016-05-02", published="2018-03-23", lead=lead)  # dated by background
    b = _feat(2, when="2018-01", published="2018-03-25", lead=lead)
    pair = score_pair(a, b)
    assert pair is not None and any("published 2 days apart" in r for r in pair.reasons)
    months_apart = _feat(3, when="2018-01", published="2018-07-25", lead=lead)
    assert score_pair(a, months_apart) is None


def test_reports_published_together_are_compared_incrementally_as_in_a_full_pass(
    store: Store,
) -> None:
    """A new report dated far from its publication (by a background event) is compared with a
    stored one published the same week, by ``link_new`` as by ``link_all``."""
    text = "Brellford mayor Dana Quint said the Zorvaxa gang locked the city's servers."
    first = report(31, publisher="One Test", published="2018-03-23", targets=(),
                   when="2016-05-02", kinds=("ransomware",), claims=(say(
                       "attribution", text, None),))
    second = report(32, publisher="Two Test", published="2018-03-25", targets=(),
                    when="2018-03-22", kinds=("ransomware",), claims=(say(
                        "attribution", f"Again: {text}", None),))
    store.add_extraction(second)
    link_new(store, [second.document.id])
    store.add_extraction(first)
    assert link_new(store, [first.document.id]).links_new == 1
    assert link_all(store).links_new == 0


def test_a_stored_report_dated_years_before_its_week_is_found_by_its_names(
    store: Store,
) -> None:
    """The reverse order: the report dated by a background event is the stored one; the new
    report finds it through the text search for its rarest names."""
    text = "Brellford mayor Dana Quint said the Zorvaxa gang locked the city's servers."
    old = report(33, publisher="One Test", published="2018-03-23", targets=(),
                 when="2016-05-02", kinds=("ransomware",), claims=(say(
                     "attribution", text, None),))
    new = report(34, publisher="Two Test", published="2018-03-25", targets=(),
                 when="2018-03-22", kinds=("ransomware",), claims=(say(
                     "attribution", f"Again: {text}", None),))
    store.add_extraction(old)
    link_new(store, [old.document.id])
    store.add_extraction(new)
    assert link_new(store, [new.document.id]).links_new == 1
    assert link_all(store).links_new == 0


def _bare(n: int, text: str, published: str) -> Extraction:
    """A stored report the extractor found no incident in."""
    doc = Document.from_text(text, source=f"https://kb.example.org/bare/{n}",
                             title=text.split("\n")[0], publisher=f"Bare {n}",
                             published=day(published))
    return Extraction(doc)


def test_a_document_without_incidents_is_placed_by_its_names_not_by_its_country(
    store: Store,
) -> None:
    told = ("The servers of Brellford were locked, and mayor Dana Quint said the Zorvaxa gang "
            "wanted money.")
    stored = report(41, publisher="One Test", published="2018-03-23", targets=("US",),
                    when="2018-03-22", kinds=("ransomware",), claims=(say(
                        "attribution", told, None),))
    store.add_extraction(stored)
    link_new(store, [stored.document.id])
    threat = _bare(42, "Gang says it will wipe city files\nIn Brellford, mayor Dana Quint "
                       "said the Zorvaxa gang still wanted money.", "2018-03-26")
    other = _bare(43, "Gang says it will wipe city files\nIn the United States, a city "
                      "said a gang wanted money.", "2018-03-26")
    for ex in (threat, other):
        store.add_extraction(ex)
    got = place_documents(store, [threat.document.id, other.document.id,
                                  stored.document.id])
    assert [(p.document_id, p.incident_id) for p in got] == [
        (threat.document.id, stored.incidents[0].id)]
    assert "dana quint" in got[0].reasons[0]


def test_a_document_is_placed_beside_a_report_of_its_week_dated_years_before(
    store: Store,
) -> None:
    told = ("The servers of Brellford were locked, and mayor Dana Quint said the Zorvaxa gang "
            "wanted money.")
    stored = report(51, publisher="One Test", published="2018-03-23", targets=("US",),
                    when="2014-05-01", kinds=("ransomware",), claims=(say(
                        "attribution", told, None),))  # dated by a background sentence
    store.add_extraction(stored)
    threat = _bare(52, "Gang says it will wipe city files\nIn Brellford, mayor Dana Quint "
                       "said the Zorvaxa gang still wanted money.", "2018-03-26")
    store.add_extraction(threat)
    got = place_documents(store, [threat.document.id])
    assert [p.incident_id for p in got] == [stored.incidents[0].id]


def test_names_both_headlines_hold_weigh_more_than_names_of_the_bodies() -> None:
    body = "Officials said the Zorvaxa gang hit Brellford on Monday."
    in_heads = score_pair(_feat(1, lead=f"Zorvaxa gang hits Brellford\n{body}"),
                          _feat(2, lead=f"Brellford locked by Zorvaxa gang\n{body}"))
    assert in_heads is not None and in_heads.score >= GROUP_THRESHOLD
    in_bodies = score_pair(_feat(3, lead=f"Town servers locked\n{body}"),
                           _feat(4, lead=f"Gang asks for money\n{body}"))
    assert in_bodies is None or in_bodies.score < GROUP_THRESHOLD


def test_reports_naming_different_one_operation_malware_are_not_corroborated() -> None:
    russia = frozenset({"RU"})
    row = _feat(1, targets=("UA",), when="2022-01-15", kinds=("destruction",), states=russia,
                lead="Targeting of government systems\nThe WhisperGate wiper was used.")
    report_ = _feat(2, targets=("UA",), when="2022-01", kinds=("destruction",), states=russia,
                    lead="Disks erased\nAnalysts found HermeticWiper on several networks.")
    assert score_pair(row, report_) is None
    same = _feat(3, targets=("UA",), when="2022-01", kinds=("destruction",), states=russia,
                 lead="Disks erased\nAnalysts found the wiper on several networks.")
    assert score_pair(row, same) is not None  # no malware named: corroborated as before
