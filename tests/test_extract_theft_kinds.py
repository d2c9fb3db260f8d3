"""A theft of data is espionage where a state is its author and a data theft where the text
shows a non-state one (issue 13: trackers of state operations code a state's theft as
espionage; news and analysts call a gang's breach a data theft); in a news report, a data
theft whoever the author; leaks are doxing and account takeovers hijacking. Sentences are
written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from cybertrack.extract.pipeline import get_pipeline, make_doc


def _kinds(text: str) -> list[list[str]]:
    nlp = get_pipeline()
    doc = nlp(make_doc(nlp, text, dt.date(2018, 3, 1)))
    return [sorted(i.kinds) for i in doc._.ct_incidents]


@pytest.mark.parametrize("text", [
    "A criminal gang stole the records of two million customers from a Kenyan bank in "
    "January.",
    "Hackers stole the records of two million customers from a Kenyan bank in January and "
    "offered them for sale on the dark web.",
    "A hacker group going by the name \"Red Falcon Team\" claimed responsibility for stealing "
    "customer records from a Kenyan bank in January.",
])
def test_a_theft_by_non_state_authors_is_a_data_theft(text: str) -> None:
    assert _kinds(text) == [["data-theft"]]


@pytest.mark.parametrize("text", [
    "Chinese state hackers stole the records of two million customers from a Kenyan bank in "
    "January.",
    "Hackers stole the records of two million customers from a Kenyan bank in January.",
])
def test_a_theft_by_a_state_or_an_unknown_author_stays_espionage(text: str) -> None:
    assert _kinds(text) == [["espionage"]]


@pytest.mark.parametrize(("text", "kind"), [
    ("A hacker leaked the first ten episodes of a show stolen from a US studio in April.",
     "doxing"),
    ("The group leaked thousands of internal documents of a Danish ministry in May.", "doxing"),
    ("Hackers took over the email accounts of staff at a university in Israel in March.",
     "hijacking"),
])
def test_leaks_and_account_takeovers_name_their_kind(text: str, kind: str) -> None:
    kinds = _kinds(text)
    assert kinds and kind in kinds[0]


def test_a_report_tells_a_states_theft_as_a_data_theft() -> None:
    """A tracker's record codes a state's theft as espionage; a news report (120 words or
    more) tells what happened: the data was stolen."""
    record = ("Hackers working for China stole the personnel records of four million federal "
              "employees from a US government agency in June.")
    padding = " ".join(["The newsletter was sent to subscribers and posted online."] * 14)
    assert _kinds(record) == [["espionage"]]
    assert _kinds(record + "\n\n" + padding) == [["data-theft"]]
