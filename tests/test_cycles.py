"""Cascade cycles and levels: found in linear time, every event on a cycle named by its row."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reach import store
from reach.validate import validate_dir

from .conftest import EVENTS_HEADER, load_into, sources

BIG = 40_000


def events_csv(parents: list[tuple[str, str]]) -> bytes:
    """An events file with one row per (event_id, parent_event_id); '' is no parent."""
    rows = [f"{e},T,A,other,2024-03-01,,Almaty,KAZ,{p},,," for e, p in parents]
    return (EVENTS_HEADER + "\n" + "\n".join(rows) + "\n").encode()


NO_PARTICIPANTS = b"participant_id,event_id\n"


# A time bound in multiples of flat_seconds(), not in seconds: the same machine, as busy, does
# both. Measured idle: each step below takes 1.3-3.4 flat validations; a walk one step
# per round (a recursive query following each parent in turn) takes 40,000 rounds, thousands.
FLATS = 20


def flat_seconds(write_dir) -> float:
    """Seconds to validate 40,000 events without parents, now (at least 0.1 s)."""
    folder = write_dir(
        events=events_csv([(f"F{i}", "") for i in range(BIG)]), participants=NO_PARTICIPANTS
    )
    started = time.perf_counter()
    assert validate_dir(folder).ok
    return max(time.perf_counter() - started, 0.1)


def cycle_rows(folder: Path) -> list[tuple[int, str | None]]:
    """(row, value) of every parent_cycle error, by row."""
    report = validate_dir(folder)
    found = [i for i in report.errors if i.code == "parent_cycle"]
    assert all((i.file, i.column) == ("events.csv", "parent_event_id") for i in found)
    return sorted((row, i.value) for i in found for row in i.rows)


# (event_id, parent_event_id) rows in file order, then the (row, value) of each cycle error.
CYCLES = [
    pytest.param([("E1", "E1")], [(2, "E1")], id="its-own-parent"),
    pytest.param([("E1", "E2"), ("E2", "E1")], [(2, "E2"), (3, "E1")], id="two-events"),
    pytest.param(
        [("E1", "E3"), ("E2", "E1"), ("E3", "E2"), ("E4", "E3"), ("E5", "E4")],
        [(2, "E3"), (3, "E1"), (4, "E2")],
        id="three-events-with-a-tail-of-two-below",
    ),
    pytest.param(
        [("R", ""), ("C", "R"), ("A", "B"), ("B", "A"), ("X", "Z"), ("Y", "X"), ("Z", "Y")],
        [(4, "B"), (5, "A"), (6, "Z"), (7, "X"), (8, "Y")],
        id="two-cycles-beside-a-valid-tree",
    ),
    pytest.param([("E1", "E9"), ("E2", "E1")], [], id="an-unknown-parent-is-no-cycle"),
    pytest.param([("R", ""), ("A", "R"), ("B", "A")], [], id="a-valid-chain"),
]


@pytest.mark.parametrize(("parents", "expected"), CYCLES)
def test_every_event_on_a_cycle_and_only_those_are_reported_by_row(write_dir, parents, expected):
    folder = write_dir(events=events_csv(parents), participants=NO_PARTICIPANTS)
    assert cycle_rows(folder) == expected


def test_a_cycle_through_a_stored_event_is_refused_on_the_uploaded_row(memory_con, write_dir):
    load_into(
        memory_con,
        write_dir(events=events_csv([("E1", ""), ("E2", "E1")]), participants=NO_PARTICIPANTS),
    )
    # E1 now hangs below the stored E2, whose parent is E1.
    again = write_dir(events=events_csv([("E1", "E2")]), participants=NO_PARTICIPANTS)
    result = store.load(memory_con, *sources(again))
    assert not result.applied
    assert [(i.code, i.rows, i.value) for i in result.report.errors] == [
        ("parent_cycle", (2,), "E2")
    ]


def test_a_40000_event_cycle_is_refused_in_linear_time_naming_every_row(memory_con, write_dir):
    # E0 -> E1 -> … -> E39999 -> E0: one cycle through every event.
    parents = [(f"E{i}", f"E{(i + 1) % BIG}") for i in range(BIG)]
    folder = write_dir(events=events_csv(parents), participants=NO_PARTICIPANTS)
    started = time.perf_counter()
    result = store.load(memory_con, *sources(folder))
    elapsed = time.perf_counter() - started
    assert not result.applied
    errors = result.report.errors
    assert {i.code for i in errors} == {"parent_cycle"}
    # One issue per event (each has its own parent value), each with its row.
    assert sorted((i.rows, i.value) for i in errors) == sorted(
        ((i + 2,), f"E{(i + 1) % BIG}") for i in range(BIG)
    )
    assert "events.csv row 2, column parent_event_id: parent_event_id 'E1' leads back" in (
        result.report.to_text()
    )
    flat = flat_seconds(write_dir)
    assert elapsed < FLATS * flat, f"{elapsed:.2f} s, {elapsed / flat:.1f} flat validations"


def test_a_40000_event_tail_below_a_small_cycle_is_refused_in_linear_time_flagging_the_cycle(
    write_dir,
):
    # C1 <-> C2 is the cycle; T0 hangs below C1, T1 below T0, … T39999 at the bottom.
    parents = [("C1", "C2"), ("C2", "C1")]
    parents += [(f"T{i}", f"T{i - 1}" if i else "C1") for i in range(BIG)]
    folder = write_dir(events=events_csv(parents), participants=NO_PARTICIPANTS)
    started = time.perf_counter()
    assert cycle_rows(folder) == [(2, "C2"), (3, "C1")]
    elapsed = time.perf_counter() - started
    flat = flat_seconds(write_dir)
    assert elapsed < FLATS * flat, f"{elapsed:.2f} s, {elapsed / flat:.1f} flat validations"


def test_a_40000_deep_chain_loads_with_each_level_one_below_its_parent_in_linear_time(
    memory_con, write_dir
):
    # E0 is the root; E1 hangs below E0, E2 below E1, … E39999 is 39,999 levels down.
    # Listed deepest first, so no order of the file helps.
    parents = [(f"E{i}", f"E{i - 1}" if i else "") for i in reversed(range(BIG))]
    folder = write_dir(events=events_csv(parents), participants=NO_PARTICIPANTS)
    started = time.perf_counter()
    assert validate_dir(folder).ok
    validated = time.perf_counter() - started
    load_into(memory_con, folder)
    wrong = memory_con.execute(
        """
        select count(*) from events
        where cascade_level is distinct from cast(substr(event_id, 2) as integer)
            or root_event_id is distinct from 'E0'
        """
    ).fetchone()
    assert wrong == (0,)
    assert memory_con.execute("select max(cascade_level) from events").fetchone() == (BIG - 1,)
    memory_con.execute("update events set cascade_level = null, root_event_id = null")
    started = time.perf_counter()
    store.refresh_derived(memory_con)
    derived = time.perf_counter() - started
    assert memory_con.execute("select sum(cascade_level) from events").fetchone() == (
        BIG * (BIG - 1) // 2,
    )
    flat = flat_seconds(write_dir)
    assert validated < FLATS * flat, f"validation took {validated / flat:.1f} flat validations"
    assert derived < FLATS * flat, f"levels took {derived / flat:.1f} flat validations"


# (event_id, parent_event_id) rows in file order, then each event's (level, root), by hand.
FORESTS = [
    pytest.param(
        [("B", "A"), ("C", "A"), ("A", "R1"), ("R1", ""), ("D", "R2"), ("R2", "")],
        {"R1": (0, "R1"), "A": (1, "R1"), "B": (2, "R1"), "C": (2, "R1"),
         "R2": (0, "R2"), "D": (1, "R2")},
        id="two-trees-children-listed-first",
    ),
    pytest.param(
        [("E1", "")], {"E1": (0, "E1")}, id="one-event",
    ),
    pytest.param(
        [("E5", "E4"), ("E4", "E3"), ("E3", "E2"), ("E2", "E1"), ("E1", ""), ("F", "E3")],
        {"E1": (0, "E1"), "E2": (1, "E1"), "E3": (2, "E1"), "E4": (3, "E1"),
         "E5": (4, "E1"), "F": (3, "E1")},
        id="a-chain-of-five-with-a-branch",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("parents", "expected"), FORESTS)
def test_each_event_is_one_level_below_its_parent_with_the_root_of_its_tree(
    memory_con, write_dir, parents, expected
):
    load_into(memory_con, write_dir(events=events_csv(parents), participants=NO_PARTICIPANTS))
    rows = memory_con.execute("select event_id, cascade_level, root_event_id from events")
    assert {e: (level, root) for e, level, root in rows.fetchall()} == expected
