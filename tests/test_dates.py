"""The date normalizer reads every form the extractor relies on, and nothing that is not a date."""

from __future__ import annotations

import datetime as dt

import pytest

from cybertrack.extract.dates import DateMatch, find_dates, resolve_relative
from cybertrack.model import PartialDate

PUB = dt.date(2022, 9, 20)  # a Tuesday


def only(text: str, published: dt.date | None = PUB) -> DateMatch:
    found = find_dates(text, published)
    assert len(found) == 1, found
    return found[0]


def interval(text: str, published: dt.date | None = PUB) -> tuple[str, str]:
    m = only(text, published)
    assert m.date is not None
    return (m.date.interval(), m.date.precision)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On September 6th Albania cut ties", ("2022-09-06/2022-09-06", "day")),
        ("the statement of September 7th", ("2022-09-07/2022-09-07", "day")),
        ("a drone seen on 13 September.", ("2022-09-13/2022-09-13", "day")),
        ("it occurred on July 15th", ("2022-07-15/2022-07-15", "day")),
        ("signed on 15 July 2022 in", ("2022-07-15/2022-07-15", "day")),
        ("signed on July 15, 2022, in", ("2022-07-15/2022-07-15", "day")),
        ("logged 2022-07-15.", ("2022-07-15/2022-07-15", "day")),
        ("the 6th of September", ("2022-09-06/2022-09-06", "day")),
        ("Sept. 6, 2021", ("2021-09-06/2021-09-06", "day")),
        ("Monday, September 5, 2022", ("2022-09-05/2022-09-05", "day")),
        ("carried out in mid-July by", ("2022-07-10/2022-07-20", "range")),
        ("in early July", ("2022-07-01/2022-07-10", "range")),
        ("in late July", ("2022-07-21/2022-07-31", "range")),
        ("at the end of July 2021", ("2021-07-21/2021-07-31", "range")),
        ("Earlier in September, Mandiant", ("2022-09-01/2022-09-30", "month")),
        ("in September 2022", ("2022-09-01/2022-09-30", "month")),
        ("January 2022", ("2022-01-01/2022-01-31", "month")),
        ("condemning the July attack", ("2022-07-01/2022-07-31", "month")),
        ("began in 2014, when", ("2014-01-01/2014-12-31", "year")),
        ("the 2016 election", ("2016-01-01/2016-12-31", "year")),
        ("a report (2016) said", ("2016-01-01/2016-12-31", "year")),
        ("the war of the 1980s", ("1980-01-01/1989-12-31", "range")),
        ("in the early 2000s", ("2000-01-01/2003-12-31", "range")),
        ("between 2014 and 2016", ("2014-01-01/2016-12-31", "range")),
        ("in 2014-2016", ("2014-01-01/2016-12-31", "range")),
        ("in early 2022", ("2022-01-01/2022-04-30", "range")),
        ("the summer of 2021", ("2021-06-01/2021-08-31", "range")),
        ("from September to November 2021", ("2021-09-01/2021-11-30", "range")),
    ],
)
def test_explicit_dates(text: str, expected: tuple[str, str]) -> None:
    assert interval(text) == expected


def test_span_and_date_text_cover_the_phrase() -> None:
    text = "On September 6th Albania cut ties"
    m = only(text)
    assert (m.start, m.end, m.text) == (3, 16, "September 6th")
    assert text[m.start:m.end] == m.text and m.date is not None and m.date.text == m.text
    assert only("in mid-July by").text == "mid-July"


def test_missing_year_is_the_latest_occurrence_not_after_publication() -> None:
    assert interval("on 25 September") == ("2022-09-25/2022-09-25", "day")  # within slack
    assert interval("on 30 December") == ("2021-12-30/2021-12-30", "day")
    assert interval("in November") == ("2021-11-01/2021-11-30", "month")
    assert find_dates("On September 6th and in mid-July", None) == []


@pytest.mark.parametrize(
    ("text", "span", "relation", "expected"),
    [
        ("since 2013", "since 2013", "since", ("2013-01-01/2013-12-31", "year")),
        ("Since 2013, around", "Since 2013", "since", ("2013-01-01/2013-12-31", "year")),
        ("active since at least 2014.", "since at least 2014", "since",
         ("2014-01-01/2014-12-31", "year")),
        ("until March 2023", "until March 2023", "until", ("2023-03-01/2023-03-31", "month")),
        ("after July 15", "after July 15", "after", ("2022-07-15/2022-07-15", "day")),
        ("before the 1990s", "before the 1990s", "before", ("1990-01-01/1999-12-31", "range")),
    ],
)
def test_relation_words(text: str, span: str, relation: str, expected: tuple[str, str]) -> None:
    m = only(text)
    assert (m.text, m.relation) == (span, relation)
    assert interval(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("said yesterday", ("2022-09-19/2022-09-19", "day")),
        ("said on Monday that", ("2022-09-19/2022-09-19", "day")),
        ("on Tuesday", ("2022-09-20/2022-09-20", "day")),
        ("last Tuesday", ("2022-09-13/2022-09-13", "day")),
        ("last week", ("2022-09-12/2022-09-18", "range")),
        ("last month", ("2022-08-01/2022-08-31", "month")),
        ("earlier this month", ("2022-09-01/2022-09-20", "range")),
        ("three days ago", ("2022-09-17/2022-09-17", "day")),
        ("two months ago", ("2022-07-01/2022-07-31", "month")),
    ],
)
def test_relative_to_publication(text: str, expected: tuple[str, str]) -> None:
    assert interval(text) == expected
    assert find_dates(text, None) == []


@pytest.mark.parametrize(
    ("text", "relation", "offsets"),
    [
        ("just days after", "after", (1, 10)),
        ("days later", "after", (1, 10)),
        ("one day after the expulsion", "after", (1, 1)),
        ("two days later", "after", (2, 2)),
        ("the following week", "after", (1, 13)),
        ("weeks later", "after", (7, 35)),
        ("a week earlier", "before", (7, 7)),
        ("came days before the start", "before", (1, 10)),
        ("the day before", "before", (1, 1)),
        ("the next day", "after", (1, 1)),
        ("within hours", "after", (0, 1)),
    ],
)
def test_relative_to_an_event(text: str, relation: str, offsets: tuple[int, int]) -> None:
    m = only(text, None)  # needs no publication date
    assert (m.date, m.relation, m.offset_days) == (None, relation, offsets)


def test_resolve_relative() -> None:
    sept6 = PartialDate.parse("2022-09-06")
    after = resolve_relative(only("just days after"), sept6)
    assert (after.interval(), after.precision, after.iso()) == (
        "2022-09-07/2022-09-16", "range", "2022-09")
    assert resolve_relative(only("one day after"), sept6).iso() == "2022-09-07"
    assert resolve_relative(only("two days later"), sept6).precision == "day"
    assert resolve_relative(only("days before"), sept6).interval() == "2022-08-27/2022-09-05"
    explicit = only("on 13 September")
    assert resolve_relative(explicit, sept6) == explicit.date


@pytest.mark.parametrize(
    "text",
    [
        "decades ago", "years ago", "more than a decade ago",
        "responsible for 17,000 deaths during the war",
        "around 3,000 MEK members", "around 30km from Tirana",
        "APT28 and Unit 74455", "exploited CVE-2021-26855", "on Windows 10 machines",
        "Windows 2000 and Office 2016", "in 2000 cases", "the 2000 members",
        "you may see", "version 2.2019", "2019/20", "at 12:30", "the Mar-a-Lago estate",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, PUB) == []


def test_a_whole_paragraph_in_order_without_overlaps() -> None:
    text = ("On September 6th the country cut ties over an attack in mid-July. Another attack "
            "came just days after. Since 2013, some 3,000 members have lived there.")
    found = find_dates(text, PUB)
    assert [m.text for m in found] == ["September 6th", "mid-July", "just days after",
                                      "Since 2013"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def test_long_article_gives_every_date_once_per_sentence() -> None:
    """Speed is measured by bench/extract_speed.py; here, that repetition changes nothing."""
    sentence = ("On September 6th officials said that 3,000 members of Unit 74455 attacked "
                "servers in mid-July, and again just days after, since 2013 and in 2014. ")
    one = find_dates(sentence, PUB)
    many = find_dates(sentence * 50, PUB)
    assert len(one) >= 4
    assert len(many) == 50 * len(one)


def test_today_is_the_day_of_publication() -> None:
    assert interval("Banks in Albania were targeted today by a phishing campaign.") == \
        ("2022-09-20/2022-09-20", "day")


@pytest.mark.parametrize("text", [
    "The group is still active today.",
    "The malware is used until today.",
    "Today's attacks are faster than ever.",
])
def test_today_as_the_present_is_no_date(text: str) -> None:
    assert find_dates(text, PUB) == []
