"""A summary whose scope is one donor-extract cell is read from the exact extract, and it
equals the summary worked out from the events and attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach import ages, metrics, sqlfiles, store
from reach.metrics import Filters
from reach.validate import Source

from .conftest import load_into, sources
from .test_ages import EVENTS, PARTICIPANTS, band_counts
from .test_disclosure import COUNTRIES, PROGRAMS, _store, datasets

YEAR = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 12, 31)}


@st.composite
def cell_filters(draw) -> Filters:
    """Filters a cell can answer: at most one program, country and type, all dates or a year."""
    year = draw(st.sampled_from([None, 2022, 2023]))
    one = st.one_of(st.just(()), st.tuples(st.sampled_from(PROGRAMS)))
    return Filters(
        programs=draw(one),
        countries=draw(st.one_of(st.just(()), st.tuples(st.sampled_from(COUNTRIES)))),
        event_types=draw(st.sampled_from([(), ("training",), ("step_down",)])),
        date_from=None if year is None else dt.date(year, 1, 1),
        date_to=None if year is None else dt.date(year, 12, 31),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets(), f=cell_filters())
def test_a_summary_read_from_its_extract_cell_equals_the_one_worked_out(data, f):
    con = _store(data)
    kept = metrics.kept_summary(con, f)
    worked_out = metrics.worked_out_summary(con, f)
    if kept is None:  # no event in scope: the extract has no cell, so it is worked out
        assert worked_out.events == 0
    else:
        assert kept == worked_out
    assert metrics.summary(con, f) == worked_out
    con.close()


@pytest.fixture
def con(memory_con, write_dir):
    load_into(memory_con, write_dir(events=EVENTS, participants=PARTICIPANTS))
    return memory_con


@pytest.mark.parametrize(
    ("filters", "people", "age"),
    [
        # test_ages' hand count: a, c (9), b, f (10-14, 15-19), d (49), e, g and E3's 12.
        (Filters(), 19, band_counts(b0_9=1, b10_14=2, b15_19=1, b40_49=1, unknown=14)),
        # Program A: E1 and E2, no headcount; e and g have no age.
        (
            Filters(programs=("A",)),
            7,
            band_counts(b0_9=1, b10_14=2, b15_19=1, b40_49=1, unknown=2),
        ),
        # 2025: E2 (c at 10, f at 15, d at 50; a has no birth year there) and E3's 12.
        (Filters(**YEAR), 16, band_counts(b10_14=1, b15_19=1, b50=1, unknown=13)),
    ],
)
def test_the_kept_summary_gives_the_hand_counted_people_and_ages(con, filters, people, age):
    kept = metrics.kept_summary(con, filters)
    assert kept is not None
    assert kept.people_reached == people
    assert kept.age == age


@pytest.mark.parametrize(
    "filters",
    [
        Filters(programs=("A", "B")),  # two programs: no one cell holds them
        Filters(countries=("KAZ", "KGZ")),
        Filters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 6, 30)),  # half a year
        Filters(date_from=dt.date(2024, 1, 1), date_to=dt.date(2025, 12, 31)),  # two years
        Filters(date_from=dt.date(2025, 1, 1)),  # from a day on
        Filters(programs=(metrics.NO_PROGRAM_CELL,)),  # the extract's name, not a program
    ],
)
def test_a_scope_no_single_cell_holds_is_worked_out(con, filters):
    assert metrics.kept_summary(con, filters) is None
    assert metrics.summary(con, filters) == metrics.worked_out_summary(con, filters)


def test_a_load_without_an_extract_makes_the_kept_cells_stale_so_they_are_not_read(con, write_dir):
    assert metrics.kept_summary(con, Filters()).people_reached == 19
    more = "participant_id,event_id,gender,role\nz,E3,m,participant\n"
    folder = write_dir(participants=more)
    result = store.load(con, *sources(folder), require_events=False, publish=False)
    assert result.applied
    # E3's list replaces its headcount of 12 with one person: 19 - 12 + 1.
    assert metrics.kept_summary(con, Filters()) is None
    assert metrics.summary(con).people_reached == 8


def test_a_store_without_an_extract_is_worked_out(memory_con):
    events = (
        "event_id,title,program,event_type,start_date,country_code\n"
        "E1,School,A,training,2025-01-01,KAZ\n"
    )
    people = "participant_id,event_id,gender,role\np1,E1,f,participant\n"
    result = store.load(
        memory_con,
        Source("events.csv", events.encode()),
        Source("participants.csv", people.encode()),
        publish=False,
    )
    assert result.applied
    assert metrics.kept_summary(memory_con, Filters()) is None
    assert metrics.summary(memory_con).people_reached == 1


def test_several_scopes_are_read_in_one_query_each_in_its_own_place(con):
    # The hand counts above, asked together and out of order, with scopes no cell holds (and
    # one asked twice) between them: each answer lands where its scope was asked.
    scopes = [
        Filters(**YEAR),
        Filters(programs=("A", "B")),
        Filters(),
        Filters(programs=("A",)),
        Filters(date_from=dt.date(2025, 1, 1)),
        Filters(**YEAR),
    ]
    kept = metrics.kept_summaries(con, scopes)
    assert [k.people_reached if k else None for k in kept] == [16, None, 19, 7, None, 16]
    assert kept[0].age == band_counts(b10_14=1, b15_19=1, b50=1, unknown=13)
    assert kept[3].age == band_counts(b0_9=1, b10_14=2, b15_19=1, b40_49=1, unknown=2)
    # summaries() works out the others, as summary() would one by one.
    assert metrics.summaries(con, scopes) == [metrics.summary(con, f) for f in scopes]


def test_no_scope_asks_nothing_of_the_store(con):
    assert metrics.kept_summaries(con, []) == []
    assert metrics.summaries(con, []) == []


def test_a_cell_asked_twice_lists_each_band_and_gender_once_in_both_rows(con):
    cell = {"period": "*", "program": "A", "country": "*", "event_type": "*"}
    params = {f"{k}s" if k != "country" else "countries": [v, v] for k, v in cell.items()}
    rows = con.execute(
        sqlfiles.sql_text("summary_kept"), {**params, "age_bands": ages.labels()}
    ).fetchall()
    assert len(rows) == 2
    age = rows[0][-1]
    # 9 bands × 4 genders, each once: a repeated scope does not repeat them.
    assert len(age) == len(ages.labels()) * 4 == 36
    assert rows[1][-1] == age
