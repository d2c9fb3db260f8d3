"""Linking rules from the second round on the gold set's tuning part: an undated report is
dated by its week against a report of that week; a pair without shared terms is corroborated
only by dates no coarser than a month; two rows of one tracker that tell one event twice, and
two incidents one document gives nothing to tell apart, may stand in one group; an actor
agrees with its aliases and with the state sponsoring it. Each case is made up for the test."""

from __future__ import annotations

from cybertrack.model import Incident, Link, PartialDate
from cybertrack.resolve import GROUP_THRESHOLD, IncidentFeatures, incident_group, link_all
from cybertrack.resolve.features import actors_score, duplicate_rows, score_pair
from cybertrack.resolve.groups import cluster
from cybertrack.store import Store
from kb_factory import day, report, say

CFR = "tracker:CFR"
RUSSIA = frozenset({"RU"})


def _inc(n: int, *, doc: int | None = None, when: str | None = None,
         targets: tuple[str, ...] = (), kinds: tuple[str, ...] = (),
         operator: str | None = None) -> Incident:
    return Incident(f"incident--{n}", f"doc--{doc if doc is not None else n}", f"i{n}",
                    kinds=kinds, targets=targets, time=day(when) if when else None,
                    operator=operator)


def _feat(n: int, *, lead: str = "", published: str | None = None, origin: str | None = None,
          states: frozenset[str] = frozenset(), actors: frozenset[str] = frozenset(),
          **incident: object) -> IncidentFeatures:
    pub: PartialDate | None = day(published) if published else None
    return IncidentFeatures.of(_inc(n, **incident), lead=lead,  # type: ignore[arg-type]
                               published=pub, origin=origin, states=states, actors=actors)


# -- an undated report against a report of its week ----------------------------------------

LOCKED = ("Clinic files locked\nStaff at the Orrindale clinic found their patient records "
          "scrambled on Tuesday. Velmora software was down.")
TURNED_AWAY = ("Patients turned away\nThe Orrindale clinic said its patient records could not "
               "be opened. Velmora software failed.")


def test_an_undated_report_is_dated_by_its_week_against_a_report_of_that_week() -> None:
    """Names shared fairly (terms 0.70), one report undated: published two days apart, the
    two agree in time as dates a week apart would; a month apart, they do not link."""
    dated = _feat(1, lead=LOCKED, when="2019-04-02", published="2019-04-03",
                  kinds=("ransomware",))
    week = _feat(2, lead=TURNED_AWAY, published="2019-04-05", kinds=("ransomware",))
    pair = score_pair(dated, week)
    assert pair is not None and pair.score >= GROUP_THRESHOLD
    assert any("published 2 days apart" in r for r in pair.reasons)
    later = _feat(3, lead=TURNED_AWAY, published="2019-05-20", kinds=("ransomware",))
    apart = score_pair(dated, later)
    assert apart is None or apart.score < GROUP_THRESHOLD


def test_a_week_in_common_never_stands_in_for_shared_terms() -> None:
    """Same country, attribution and kind, published together, nothing named alike: one
    actor's operations in one week are many, so the week corroborates nothing."""
    a = _feat(1, lead="Bank outage\nCustomers could not log in.", when="2022-02-23",
              published="2022-02-23", targets=("UA",), kinds=("ddos",), states=RUSSIA)
    b = _feat(2, lead="Ministry sites offline\nVisitors saw errors.", published="2022-02-25",
              targets=("UA",), kinds=("ddos",), states=RUSSIA)
    assert score_pair(a, b) is None


# -- corroboration needs dates no coarser than a month --------------------------------------

def _row(n: int, when: str) -> IncidentFeatures:
    return _feat(n, origin=CFR, when=when, targets=("US",), kinds=("espionage",),
                 states=RUSSIA, lead="Targeting of a think tank\nHackers read staff email.")


def test_a_year_or_no_date_does_not_corroborate_a_tracker_row() -> None:
    """A report dated only by its year (or not at all) shares a country, an attribution and a
    kind with every row of that actor's year: no link. A report of the row's month does."""
    row = _row(1, "2016-06-14")
    told = "Party emails leaked\nOfficials said intruders copied messages."
    for when in ("2016", None):
        vague = _feat(2, lead=told, when=when, published="2017-03-08", targets=("US",),
                      kinds=("espionage",), states=RUSSIA)
        assert score_pair(row, vague) is None
    month = _feat(3, lead=told, when="2016-06", published="2016-06-20", targets=("US",),
                  kinds=("espionage",), states=RUSSIA)
    pair = score_pair(row, month)
    assert pair is not None and "linked on same target, attribution, kind and time" in \
        pair.reasons[-1]


# -- two rows of one tracker telling one event ----------------------------------------------

DUP_A = ("Targeting of Pellan, Orvik and Tesk systems\nOperators wiped disks with the Glimmerhook "
         "wiper at Pellan contractors and Orvik banks, leaving a Tesk decoy note.")
DUP_B = ("Targeting of Orvik, Tesk and Pellan systems\nOperators wiped disks at Orvik banks and "
         "Pellan contractors with the Glimmerhook wiper, leaving a Tesk decoy note.")


def _dup(n: int, lead: str, *, targets: tuple[str, ...] = ("UA", "LV"),
         when: str = "2022-02-23") -> IncidentFeatures:
    return _feat(n, lead=lead, origin=CFR, when=when, targets=targets,
                 kinds=("destruction",), states=RUSSIA)


def test_two_rows_of_one_tracker_telling_one_event_link() -> None:
    pair = score_pair(_dup(1, DUP_A), _dup(2, DUP_B))
    assert pair is not None and pair.score >= GROUP_THRESHOLD
    assert "two rows of one tracker" in pair.reasons[-1]
    # the same day, actor and wording, but other victims' countries: two operations
    assert score_pair(_dup(1, DUP_A), _dup(3, DUP_B, targets=("UA", "LT"))) is None
    assert not duplicate_rows(_dup(1, DUP_A), _dup(4, DUP_B, when="2022-03-09"))


def _link(a: str, b: str, score: float) -> Link:
    return Link(f"{a}|{b}", "incident", a, b, score, (), "", "proposed")


def test_reports_beside_two_duplicate_rows_form_one_group() -> None:
    """Each report links best to one of two rows entered twice for one event: left apart,
    the rows would split the event's reports between them."""
    incidents = {i.id: i for i in (
        _inc(1, when="2022-02-23", targets=("UA", "LV"), kinds=("destruction",)),
        _inc(2, when="2022-02-23", targets=("UA", "LV"), kinds=("destruction",)),
        _inc(3, when="2022-02-24", targets=("UA",), kinds=("destruction",)),
        _inc(4, when="2022-02-24", targets=("LV",), kinds=("destruction",)))}
    links = [_link("incident--1", "incident--3", 0.8), _link("incident--2", "incident--4", 0.79),
             _link("incident--2", "incident--3", 0.75)]
    origins = {"doc--1": CFR, "doc--2": CFR}
    leads = {"doc--1": DUP_A, "doc--2": DUP_B, "doc--3": DUP_A, "doc--4": DUP_B}
    attributed = {f"incident--{n}": (RUSSIA, frozenset()) for n in range(1, 5)}
    keys, _, held = cluster(incidents, links, origins, leads, {}, attributed)
    assert len(set(keys.values())) == 1 and not held
    # rows of one tracker that differ (another day) still never share a group
    incidents["incident--2"] = _inc(2, when="2022-03-09", targets=("UA", "LV"),
                                    kinds=("destruction",))
    keys, _, held = cluster(incidents, links, origins, leads, {}, attributed)
    assert keys["incident--1"] != keys["incident--4"] and held


# -- two incidents of one document its text does not tell apart ------------------------------

def test_a_documents_two_incidents_of_one_breach_may_share_a_group() -> None:
    """A report split one card breach in two (dated by its month in one sentence, by its first
    day in another); reports linking to each half, and to each other, make one group. Two
    incidents of other kinds (a wiper and a DDoS the same day) stay apart."""
    def world(kinds: tuple[str, ...]) -> dict[str, Incident]:
        return {i.id: i for i in (
            _inc(1, doc=9, when="2016-08", targets=("US",), kinds=("espionage",)),
            _inc(2, doc=9, when="2016-09-29", kinds=kinds),
            _inc(3, when="2016-09-29", kinds=("espionage",)),
            _inc(4, when="2016-08", targets=("US",), kinds=("espionage",)))}
    links = [_link("incident--2", "incident--3", 0.9), _link("incident--1", "incident--4", 0.85),
             _link("incident--3", "incident--4", 0.8)]
    keys, _, held = cluster(world(("espionage",)), links)
    assert len(set(keys.values())) == 1 and not held
    keys, _, held = cluster(world(("ddos",)), links)
    assert keys["incident--1"] != keys["incident--2"] and held


def test_a_documents_july_and_september_attacks_stay_apart(store: Store) -> None:
    """One document's two attacks two months apart: the text tells them apart by their
    dates, so a group never holds both, however the links run."""
    names = say("attribution", "Researchers found the Zorvex wiper and the Quillmark loader.",
                None)
    both = report(10, publisher="Border Test", published="2022-09-12", when="2022-07-15",
                  extra_incidents=((("AL",), "2022-09-09"),), claims=(names,))
    july_report = report(11, publisher="July Test", published="2022-07-20", when="2022-07-16",
                         claims=(names,))
    september_report = report(12, publisher="September Test", published="2022-09-13",
                              when="2022-09-10", claims=(names,))
    store.bulk_add([both, july_report, september_report])
    link_all(store)
    july, september = both.incidents
    assert september.id not in incident_group(store, july.id).ids


# -- an actor by its aliases, an actor and its sponsor ---------------------------------------

def test_an_actor_agrees_with_its_alias_and_its_sponsor_state() -> None:
    """A tracker names a doubtful affiliation ("UNC1151?") and the sponsor; a report names
    the group by another alias. They agree: not a contradiction that vetoes the link."""
    lead = ("Ministry websites defaced\nAbout sixty ministry websites showed a warning; "
            "investigators named UNC1151.")
    row = _feat(1, lead=lead, origin=CFR, when="2022-01-16", targets=("UA",),
                kinds=("defacement",), states=frozenset({"BY"}), operator="UNC1151?")
    news = _feat(2, lead=lead.replace("sixty", "60"), when="2022-01-14", targets=("UA",),
                 kinds=("defacement",), actors=frozenset({"actor:ghostwriter"}))
    assert actors_score(row, news)[0] == 1.0
    sponsor_only = _feat(3, lead=lead, when="2022-01-14", targets=("UA",),
                         kinds=("defacement",), states=frozenset({"BY"}))
    assert actors_score(news, sponsor_only) == (1.0, "both attributed to BY")
    pair = score_pair(row, news)
    assert pair is not None and pair.score >= GROUP_THRESHOLD
    other_state = _feat(4, lead=lead, when="2022-01-14", targets=("UA",),
                        kinds=("defacement",), states=frozenset({"CN"}))
    assert actors_score(news, other_state)[0] == 0.0


def test_a_tracker_row_entered_twice_joins_its_twin_in_a_stored_knowledge_base(
    store: Store,
) -> None:
    """The same through the store: the rows' attributions come from their claims, read when
    the groups are refreshed."""
    told = say("attribution", "Operators wiped disks at Pellan contractors and Orvik banks "
               "with the Glimmerhook wiper, leaving a Tesk decoy note.", None,
               attributed_state="RU")
    rows = [report(n, publisher="CFR Test", published="2022-02-23", targets=("UA", "LV"),
                   when="2022-02-23", title="Targeting of Pellan and Orvik systems",
                   claims=(told,)) for n in (71, 72)]
    news = report(73, publisher="Wire Test", published="2022-02-24", targets=("UA",),
                  when="2022-02-23", claims=(told,))
    for row in rows:
        store.add_extraction(row, extractor_version="tracker")
    store.add_extraction(news)
    link_all(store)
    group = incident_group(store, rows[0].incidents[0].id)
    assert {rows[1].incidents[0].id, news.incidents[0].id} <= set(group.ids)
