"""A merge works levels, roots and cycles out only in the cascade trees it touches: the same
answers as over every event, checked against parent chains walked by hand."""

from __future__ import annotations

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach import store
from reach.validate import Source

from .conftest import EVENTS_HEADER

NO_PARTICIPANTS = Source("participants.csv", b"participant_id,event_id\n")


def events_file(parents: list[tuple[str, str | None]]) -> Source:
    """An events file with one row per (event_id, parent_event_id or None)."""
    rows = [f"{e},T,A,other,2024-03-01,,Almaty,KAZ,{p or ''},,," for e, p in parents]
    return Source("events.csv", (EVENTS_HEADER + "\n" + "\n".join(rows) + "\n").encode())


def walk(parents: dict[str, str | None]) -> tuple[set[str], dict[str, tuple[int, str]]]:
    """By hand: the events on a cycle, and every other event's (level, root)."""
    on_cycle = set()
    for start in parents:
        seen, node = set(), start
        while node is not None and node in parents and node not in seen:
            seen.add(node)
            node = parents[node]
        if node == start:
            on_cycle.add(start)
    levels = {}
    for start in parents:
        steps, node = 0, start
        while parents.get(node) is not None and steps <= len(parents):
            node, steps = parents[node], steps + 1
        if steps <= len(parents):
            levels[start] = (steps, node)
    return on_cycle, levels


@st.composite
def forests_and_merges(draw):
    """A stored forest (each event's parent an earlier one, or none), then an upload that
    re-sends some events with any parent (cycles included) and brings new ones."""
    n = draw(st.integers(1, 14))
    base = [(f"E{i}", draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None)
            for i in range(n)]  # fmt: skip
    base = [(e, None if p is None else f"E{p}") for e, p in base]
    new = [f"N{j}" for j in range(draw(st.integers(0, 4)))]
    ids = [e for e, _ in base] + new
    resent = draw(st.lists(st.sampled_from([e for e, _ in base]), unique=True, max_size=4))
    if not resent and not new:
        new, ids = ["N0"], [*ids, "N0"]  # an events file needs at least one event
    upload = [(e, draw(st.one_of(st.none(), st.sampled_from(ids)))) for e in resent + new]
    # Any parent: its own (a cycle of one), one below it (a longer cycle), a new event.
    return base, upload


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=forests_and_merges())
def test_a_merge_finds_the_cycles_levels_and_roots_a_walk_by_hand_finds(case):
    base, upload = case
    con = duckdb.connect()
    try:
        assert store.load(con, events_file(base), NO_PARTICIPANTS).applied
        result = store.load(con, events_file(upload), None, require_events=False)
        parents = dict(base) | dict(upload)
        on_cycle, levels = walk(parents)
        # Row r + 2 of the upload (after the header) is its r-th event.
        cyclic_rows = {r + 2 for r, (e, _) in enumerate(upload) if e in on_cycle}
        found = {row for i in result.report.errors if i.code == "parent_cycle" for row in i.rows}
        assert found == cyclic_rows
        if cyclic_rows:
            assert not result.applied
            parents = dict(base)  # refused: the store is as the first load left it
            levels = walk(parents)[1]
        else:
            assert result.applied, result.report.to_text()
        stored = con.execute("select event_id, cascade_level, root_event_id from events")
        assert {e: (lv, root) for e, lv, root in stored.fetchall()} == levels
    finally:
        con.close()


def test_a_merge_moving_a_subtree_under_another_tree_relevels_every_event_below_it(
    memory_con,
):
    # Two trees: A1 > A2 > A3 and B1 > B2. Re-sending A2 under B2 moves A2 and A3 (not
    # re-sent) two levels down a new root; A1 stays a root alone; B's events are unchanged.
    base = [("A1", None), ("A2", "A1"), ("A3", "A2"), ("B1", None), ("B2", "B1")]
    assert store.load(memory_con, events_file(base), NO_PARTICIPANTS).applied
    upload = events_file([("A2", "B2")])
    assert store.load(memory_con, upload, None, require_events=False).applied
    rows = memory_con.execute("select event_id, cascade_level, root_event_id from events")
    assert {e: (lv, root) for e, lv, root in rows.fetchall()} == {
        "A1": (0, "A1"), "A2": (2, "B1"), "A3": (3, "B1"), "B1": (0, "B1"), "B2": (1, "B1"),
    }  # fmt: skip
