"""A load's history numbers: the whole store's numbers worked out once per load, not twice."""

from __future__ import annotations

import duckdb
import pytest

from reach import history, metrics, store

from .conftest import EVENTS_HEADER

FIRST = (
    EVENTS_HEADER
    + """
E1,Leaders school,A,school,2024-01-10,,Almaty,KAZ,,,,
E2,Step-down Shymkent,A,step_down,2024-03-01,,Shymkent,KAZ,E1,,,
"""
)
FIRST_PEOPLE = """
participant_id,event_id,gender,role
p1,E1,f,participant
p2,E1,m,participant
p3,E2,f,participant
"""
SECOND = EVENTS_HEADER + "\nE3,Seminar,B,seminar,2024-05-01,,Osh,KGZ,,,,\n"
SECOND_PEOPLE = """
participant_id,event_id,gender,role
p4,E3,f,participant
p1,E3,f,participant
"""
THIRD = EVENTS_HEADER + "\nE4,Camp,B,camp,2024-07-01,,Osh,KGZ,,,,\n"
THIRD_PEOPLE = """
participant_id,event_id,gender,role
p5,E4,m,participant
"""


@pytest.fixture
def counted(monkeypatch):
    """How many times a load works out the whole store's numbers."""
    calls = []
    real = metrics.worked_out_summary

    def summary(con, filters=None):
        calls.append(filters)
        return real(con, filters)

    monkeypatch.setattr(metrics, "worked_out_summary", summary)
    return calls


def _people(path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return metrics.summary(con).people_reached


def test_a_load_takes_its_before_from_the_last_load_and_its_after_from_the_extract(
    tmp_path, write_dir, counted
):
    path = tmp_path / "store.duckdb"
    first = store.load_dir(path, write_dir(events=FIRST, participants=FIRST_PEOPLE))
    # The donor extract's exact cell of every event holds the numbers: no summary is run.
    assert first.applied and counted == []
    assert first.before is None and first.after["people_reached"] == 3  # p1, p2, p3
    counted.clear()
    second = store.load_dir(path, write_dir(events=SECOND, participants=SECOND_PEOPLE))
    assert second.applied
    assert counted == []  # before is the first load's after; after is the extract's
    assert second.before == first.after
    assert second.after["people_reached"] == 4 == _people(path)  # p4 is new; p1 was reached


def test_after_an_undo_the_next_loads_before_is_the_store_as_the_undo_left_it(
    tmp_path, write_dir, counted
):
    path = tmp_path / "store.duckdb"
    first = store.load_dir(path, write_dir(events=FIRST, participants=FIRST_PEOPLE))
    store.load_dir(path, write_dir(events=SECOND, participants=SECOND_PEOPLE))
    assert history.undo_last(path) is not None
    counted.clear()
    third = store.load_dir(path, write_dir(events=THIRD, participants=THIRD_PEOPLE))
    # The undo changed the store and rebuilt the extract: before is read from that.
    assert counted == []
    assert third.before == first.after  # the store is as the first load left it
    assert third.after["people_reached"] == 4 == _people(path)  # p1, p2, p3 and p5
