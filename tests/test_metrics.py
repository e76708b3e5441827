"""Every metric, on a small cascade worked out by hand.

The fixture: program A runs a school E1 (Kazakhstan); its graduate p1 trains step-down E2;
E2 leads to a headcount-only step-down E3 in Kyrgyzstan. Program B runs seminar E4 in
Uzbekistan (2023); its participant p7 trains E5, which only reported a headcount of 8.

Levels: E1 0, E2 1, E3 2, E4 0, E5 1.
Participant rows (role participant): E1 p1 p2 p3 p4 | E2 p5 p6 p2 p3 | E4 p7 p8 p1.
Genders: p1 f, p2 m, p3 blank at E1 then f at E2, p4 other, p5 f, p6 m, p7 m, p8 "Ж".
Trainers: t1 (E1), p1 (E2), t2 facilitator (E4), p7 (E5).
"""

from __future__ import annotations

import datetime as dt

import pytest

from reach import metrics
from reach.metrics import Filters

from .conftest import EVENTS_HEADER, load_into

EVENTS = (
    EVENTS_HEADER
    + """
E1,Leaders school,A,school,2024-01-10,2024-01-14,Almaty,KAZ,,,,
E2,Step-down Shymkent,A,step_down,2024-03-01,,Shymkent,KAZ,E1,,,
E3,Step-down Osh,A,step_down,2024-04-01,,Osh,KGZ,E2,10,6,3
E4,Communications seminar,B,seminar,2023-06-01,,Tashkent,UZB,,,,
E5,Peer session,B,step_down,2024-02-01,,Samarkand,UZB,E4,8,,
"""
)

PARTICIPANTS = """
participant_id,event_id,gender,role
p1,E1,f,participant
p2,E1,m,
p3,E1,,participant
p4,E1,other,participant
t1,E1,f,trainer
p1,E2,f,trainer
p5,E2,f,participant
p6,E2,m,participant
p2,E2,m,participant
p3,E2,f,participant
p7,E4,m,participant
p8,E4,Ж,participant
p1,E4,f,participant
t2,E4,m,facilitator
p7,E5,m,trainer
"""

KEYS = (
    "people_reached direct_reach cascade_reach attendances events step_down_events trainers "
    "countries_reached female male other undisclosed female_share cascade_multiplier "
    "activation_rate"
).split()

# Each row: the filters, then the numbers in KEYS order, worked out by hand from the docstring.
CASES = [
    pytest.param(
        Filters(),
        (26, 6, 20, 29, 5, 3, 4, 3, 10, 6, 1, 9, 0.5882, 3.3333, 0.25),
        id="everything",
    ),
    pytest.param(
        Filters(countries=("KAZ",)),
        (6, 4, 2, 8, 2, 1, 2, 1, 3, 2, 1, 0, 0.5, 0.5, 0.25),
        id="one-country",
    ),
    pytest.param(
        # E1, E2 and E5 start within the range; E5's parent E4 is outside it.
        Filters(date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 3, 1)),
        (14, 4, 10, 16, 3, 2, 3, 2, 3, 2, 1, 8, 0.5, 2.5, 0.25),
        id="dates-inclusive-at-both-ends",
    ),
    pytest.param(
        Filters(date_from=dt.date(2024, 1, 1)),
        (24, 4, 20, 26, 4, 3, 3, 3, 9, 5, 1, 9, 0.6, 5.0, 0.1667),
        id="from-a-date",
    ),
    pytest.param(
        Filters(event_types=("step_down",)),
        (22, 0, 22, 22, 3, 3, 2, 3, 8, 5, 0, 9, 0.6154, None, 0.0),
        id="step-downs-only",
    ),
    pytest.param(
        Filters(programs=("B",)),
        (11, 3, 8, 11, 2, 1, 2, 1, 2, 1, 0, 8, 0.6667, 2.6667, 0.3333),
        id="one-program",
    ),
    pytest.param(
        Filters(programs=("A", "B"), countries=("UZB", "KGZ")),
        (21, 3, 18, 21, 3, 2, 2, 2, 8, 4, 0, 9, 0.6667, 6.0, 0.3333),
        id="programs-and-countries",
    ),
    pytest.param(
        Filters(programs=("No such program",)),
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None, None),
        id="nothing-matches",
    ),
]


@pytest.fixture
def cascade_con(memory_con, write_dir):
    load_into(memory_con, write_dir(events=EVENTS, participants=PARTICIPANTS))
    return memory_con


@pytest.mark.parametrize(("filters", "expected"), CASES)
def test_each_metric_matches_the_hand_count(cascade_con, filters, expected):
    got = metrics.summary(cascade_con, filters).as_dict()
    flat = {**{k: v for k, v in got.items() if k != "gender"}, **got["gender"]}
    assert {k: flat[k] for k in KEYS} == dict(zip(KEYS, expected, strict=True))


def test_gender_groups_add_up_to_people_reached(cascade_con):
    s = metrics.summary(cascade_con)
    assert sum(s.gender.values()) == s.people_reached


def test_rows_win_over_a_reported_headcount_and_duplicates_count_once(memory_con, write_dir):
    folder = write_dir(
        events=EVENTS_HEADER + "\nE1,Training,A,training,2024-05-01,,Almaty,KAZ,,50,40,10\n",
        participants="""
            participant_id,event_id,gender,role
            a,E1,f,participant
            a,E1,f,participant
            b,E1,m,participant
            b,E1,m,trainer
        """,
    )
    result = load_into(memory_con, folder)
    codes = {i.code for i in result.report.warnings}
    assert {"headcount_and_rows", "duplicate_attendance"} <= codes
    s = metrics.summary(memory_con)
    # a and b attended (a listed twice, counted once); the reported 50 is ignored.
    assert (s.people_reached, s.attendances, s.trainers) == (2, 2, 1)
    assert s.gender == {"female": 1, "male": 1, "other": 0, "undisclosed": 0}


def test_a_headcount_without_a_split_is_undisclosed(memory_con, write_dir):
    folder = write_dir(
        events=EVENTS_HEADER + "\nE1,Camp,A,camp,2024-05-01,,Osh,KGZ,,12,,\n",
        participants="participant_id,event_id\n",
    )
    load_into(memory_con, folder)
    s = metrics.summary(memory_con)
    assert s.gender == {"female": 0, "male": 0, "other": 0, "undisclosed": 12}
    assert s.female_share is None
    assert (s.people_reached, s.direct_reach, s.attendances) == (12, 12, 12)


def test_cascade_level_is_computed_on_all_events_not_only_those_in_scope(cascade_con):
    # E3 is two levels below E1; filtering E1 and E2 away must not make E3 a root.
    s = metrics.summary(cascade_con, Filters(countries=("KGZ",)))
    assert (s.direct_reach, s.cascade_reach, s.step_down_events) == (0, 10, 1)
