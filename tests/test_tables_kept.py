"""The Overview's tables per country and per program or event type are read from the exact
extract when their filters are one of its cells, and they equal the tables worked out from the
events and attendance."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach import metrics, store
from reach.metrics import Filters

from .conftest import load_into, sources
from .test_ages import EVENTS, PARTICIPANTS
from .test_disclosure import _store, datasets
from .test_summary_kept import YEAR, cell_filters

TABLES = [("by_country", {}), ("by_group", {"dim": "program"}), ("by_group", {"dim": "event_type"})]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets(), f=cell_filters(), table=st.sampled_from(TABLES))
def test_a_table_read_from_the_extract_cells_equals_the_one_worked_out(data, f, table):
    name, extra = table
    con = _store(data)
    kept = metrics._kept_table(con, name, f, **extra)
    worked_out = metrics.query(con, name, f, **extra).df()
    assert kept is not None  # every cell filter is answered from the extract
    pd.testing.assert_frame_equal(kept, worked_out)  # rows, order, values and types
    pd.testing.assert_frame_equal(getattr(metrics, name)(con, f, **extra), worked_out)
    con.close()


@pytest.fixture
def con(memory_con, write_dir):
    load_into(memory_con, write_dir(events=EVENTS, participants=PARTICIPANTS))
    return memory_con


def _rows(df: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(int(v) if k != columns[0] else v for k, v in zip(columns, r, strict=True))
            for r in df[list(columns)].itertuples(index=False)]  # fmt: skip


# test_ages' store: E1 (A, training, KAZ, 2024) lists a b d e g; its step-down E2 (A, KGZ,
# 2025) lists a c d f; E3 (B, seminar, UZB, 2025) has a headcount of 12 and no list.
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), [("UZB", 12, 12, 1), ("KAZ", 5, 5, 1), ("KGZ", 4, 4, 1)]),
        (Filters(**YEAR), [("UZB", 12, 12, 1), ("KGZ", 4, 4, 1)]),
        (Filters(programs=("A",)), [("KAZ", 5, 5, 1), ("KGZ", 4, 4, 1)]),
    ],
)
def test_people_per_country_read_from_the_extract_by_hand(con, filters, expected):
    assert metrics._kept_table(con, "by_country", filters) is not None
    got = metrics.by_country(con, filters)
    assert _rows(got, "country_code", "people_reached", "attendances", "events") == expected


@pytest.mark.parametrize(
    ("dim", "expected"),
    [
        # A: a b c d e f g (7), of them a b d e g first at the root (5); 9 rows; 2 events.
        ("program", [("B", 12, 12, 0, 12, 1, 0), ("A", 7, 5, 2, 9, 2, 1)]),
        # Within the step-downs alone nobody was reached at a root event.
        (
            "event_type",
            [
                ("seminar", 12, 12, 0, 12, 1, 0),
                ("training", 5, 5, 0, 5, 1, 0),
                ("step_down", 4, 0, 4, 4, 1, 1),
            ],
        ),  # fmt: skip
    ],
)
def test_people_per_program_and_event_type_read_from_the_extract_by_hand(con, dim, expected):
    assert metrics._kept_table(con, "by_group", Filters(), dim=dim) is not None
    got = metrics.by_group(con, Filters(), dim=dim)
    columns = ("group", "people_reached", "direct_reach", "cascade_reach", "attendances",
               "events", "step_down_events")  # fmt: skip
    assert _rows(got, *columns) == expected


def test_tables_of_scopes_no_single_cell_holds_are_worked_out(con):
    two_years = Filters(date_from=dt.date(2024, 1, 1), date_to=dt.date(2025, 12, 31))
    assert metrics._kept_table(con, "by_country", two_years) is None
    assert metrics._kept_table(con, "by_group", Filters(programs=("A", "B")), dim="program") is None
    assert _rows(metrics.by_country(con, two_years), "country_code", "people_reached") == [
        ("UZB", 12), ("KAZ", 5), ("KGZ", 4)
    ]  # fmt: skip


def test_a_load_without_an_extract_makes_the_tables_worked_out(con, write_dir):
    folder = write_dir(participants="participant_id,event_id,gender,role\nz,E3,m,participant\n")
    assert store.load(con, *sources(folder), require_events=False, publish=False).applied
    assert metrics._kept_table(con, "by_country", Filters()) is None
    # E3's list of one replaces its headcount of 12.
    assert _rows(metrics.by_country(con), "country_code", "people_reached") == [
        ("KAZ", 5), ("KGZ", 4), ("UZB", 1)
    ]  # fmt: skip


def test_events_without_a_program_are_one_group_read_from_the_extract(memory_con, write_dir):
    # The extract files them under "(no program)", a name no program may take (the load
    # refuses it); the table calls them "(none)", as worked out.
    events = (
        "event_id,title,program,event_type,start_date,country_code\n"
        "E1,School,A,training,2025-01-01,KAZ\n"
        "E2,Seminar,,seminar,2025-02-01,KAZ\n"
        "E3,Camp,,seminar,2025-03-01,KGZ\n"
    )
    people = (
        "participant_id,event_id,gender,role\n"
        "p1,E1,f,participant\np2,E2,m,participant\np3,E2,f,participant\np2,E3,m,participant\n"
    )
    load_into(memory_con, write_dir(events=events, participants=people))
    kept = metrics._kept_table(memory_con, "by_group", Filters(), dim="program")
    assert _rows(kept, "group", "people_reached", "events") == [("(none)", 2, 2), ("A", 1, 1)]
    pd.testing.assert_frame_equal(
        kept, metrics.query(memory_con, "by_group", Filters(), dim="program").df()
    )
