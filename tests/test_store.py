"""The store: merges, replaces, all-or-nothing loads, a busy store, the sample bootstrap."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reach import history, metrics, sqlfiles, store

from .conftest import EVENTS_HEADER, csv

EVENTS_V1 = (
    EVENTS_HEADER
    + """
E1,School,A,school,2024-03-01,,Almaty,KAZ,,,,
E2,Step-down,A,step_down,2024-04-01,,Osh,KGZ,E1,,,
"""
)
PARTICIPANTS_V1 = """
participant_id,event_id,gender,role
a,E1,f,
b,E1,m,
a,E2,f,trainer
c,E2,f,
"""


def dump(path: Path) -> dict[str, list]:
    """Every row of every data table, sorted: two equal dumps mean an unchanged store."""
    with store.connect(path, read_only=True) as con:
        return {
            t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr)
            for t in ("events", "participants", "countries", "loads", "meta")
        }


@pytest.fixture
def db(tmp_path, write_dir) -> Path:
    path = tmp_path / "reach.duckdb"
    result = store.load_dir(path, write_dir(events=EVENTS_V1, participants=PARTICIPANTS_V1))
    assert result.applied, result.to_text()
    return path


def test_load_into_a_new_store_holds_exactly_what_was_loaded(db):
    data = dump(db)
    assert [r[0] for r in data["events"]] == ["E1", "E2"]
    assert len(data["participants"]) == 4
    assert data["countries"] == []


def test_reloading_the_same_files_changes_nothing(db, write_dir):
    before = dump(db)
    again = store.load_dir(db, write_dir(events=EVENTS_V1, participants=PARTICIPANTS_V1))
    c = again.counts
    assert (c["events_added"], c["events_updated"], c["events_unchanged"]) == (0, 0, 2)
    assert (c["lists_added"], c["lists_replaced"], c["participant_rows_added"]) == (0, 0, 0)
    after = dump(db)
    for table in ("events", "participants", "countries"):
        assert after[table] == before[table]


def test_a_merge_upserts_events_and_replaces_only_the_lists_it_brings(db, write_dir):
    folder = write_dir(
        events=EVENTS_HEADER
        + "\nE2,Step-down renamed,A,step_down,2024-04-01,,Osh,KGZ,E1,,,"
        + "\nE3,Camp,B,camp,2024-06-01,,Bishkek,KGZ,,,,\n",
        participants="""
            participant_id,event_id,gender
            d,E2,m
            e,E3,f
        """,
    )
    result = store.load_dir(db, folder)
    c = result.counts
    assert (c["events_added"], c["events_updated"], c["events_unchanged"]) == (1, 1, 0)
    assert (c["lists_added"], c["lists_replaced"]) == (1, 1)
    assert (c["participant_rows_added"], c["participant_rows_removed"]) == (2, 2)
    data = dump(db)
    titles = {r[0]: r[1] for r in data["events"]}
    assert titles == {"E1": "School", "E2": "Step-down renamed", "E3": "Camp"}
    people = sorted((r[1], r[0]) for r in data["participants"])
    # E1's list was not in the upload and stays; E2's list is replaced by the uploaded one.
    assert people == [("E1", "a"), ("E1", "b"), ("E2", "d"), ("E3", "e")]


def test_a_merge_may_refer_to_events_already_stored(db, write_dir):
    folder = write_dir(
        events=EVENTS_HEADER + "\nE4,Second step,A,step_down,2024-07-01,,Osh,KGZ,E2,,,\n",
        participants="participant_id,event_id\nz,E1\n",
    )
    result = store.load_dir(db, folder)
    assert result.applied, result.to_text()
    with store.connect(db, read_only=True) as con:
        level = con.execute("select cascade_level from events where event_id = 'E4'").fetchone()
    assert level == (2,)


def test_replace_replaces_everything(db, write_dir):
    folder = write_dir(
        events=EVENTS_HEADER + "\nX1,Only,C,seminar,2025-01-01,,Tbilisi,GEO,,,,\n",
        participants="participant_id,event_id\nq,X1\n",
    )
    result = store.load_dir(db, folder, replace=True)
    assert result.counts["participant_rows_removed"] == 4
    data = dump(db)
    assert [r[0] for r in data["events"]] == ["X1"]
    assert [r[0] for r in data["participants"]] == ["q"]


def constraints(path: Path) -> dict[str, set]:
    """The constraints of the stored-row tables and their undo copies, by table."""
    with store.connect(path, read_only=True) as con:
        rows = con.execute(
            "select table_name, constraint_type, constraint_column_names "
            "from duckdb_constraints() where table_name in "
            "('events', 'participants', 'undo_events', 'undo_participants')"
        ).fetchall()
    out: dict[str, set] = {}
    for table, kind, columns in rows:
        out.setdefault(table, set()).add((kind, tuple(columns)))
    return out


def test_a_replace_keeps_the_old_rows_for_undo_and_makes_the_tables_as_the_schema_does(
    db, write_dir
):
    # A replace-all load renames the stored tables to their undo copies and makes new ones:
    # the new tables must be the schema's own (key and not-null rules included).
    before, rows = constraints(db), dump(db)
    folder = write_dir(
        events=EVENTS_HEADER + "\nX1,Only,C,seminar,2025-01-01,,Tbilisi,GEO,,,,\n",
        participants="participant_id,event_id\nq,X1\n",
    )
    assert store.load_dir(db, folder, replace=True).applied
    after = constraints(db)
    assert after["events"] == before["events"]
    assert after["participants"] == before["participants"]
    assert ("PRIMARY KEY", ("event_id",)) in after["events"]
    assert ("NOT NULL", ("participant_id",)) in after["participants"]
    with store.connect(db, read_only=True) as con:
        for table in ("events", "participants"):
            undo = con.execute(f"select * from undo_{table}").fetchall()
            assert sorted(undo, key=repr) == rows[table]  # E1 and E2, a b a c: as they were
    # A merge after it keeps only what it overwrites (nothing: X2 is new); its undo takes
    # back the merge alone.
    more = write_dir(
        events=EVENTS_HEADER + "\nX2,Two,C,seminar,2025-02-01,,Tbilisi,GEO,,,,\n",
        participants="participant_id,event_id\nr,X2\n",
    )
    assert store.load_dir(db, more).applied
    with store.connect(db, read_only=True) as con:
        assert con.execute("select count(*) from undo_events").fetchone() == (0,)
        assert con.execute("select count(*) from undo_participants").fetchone() == (0,)
    assert history.undo_last(db) == 3
    assert [r[0] for r in dump(db)["events"]] == ["X1"]


def test_a_refused_load_leaves_the_store_exactly_as_it_was(db, write_dir):
    before = dump(db)
    bad = write_dir(
        events=EVENTS_HEADER + "\nE1,Changed,A,school,not a date,,Almaty,KAZ,,,,\n",
        participants="participant_id,event_id\nnew,E1\n",
    )
    for replace in (False, True):
        result = store.load_dir(db, bad, replace=replace)
        assert not result.applied
        assert "unchanged" in result.to_text()
    assert dump(db) == before


def test_a_refused_load_into_a_new_store_leaves_no_store(tmp_path, write_dir):
    path = tmp_path / "new.duckdb"
    bad = write_dir(events=EVENTS_HEADER + "\n", participants="participant_id,event_id\n")
    assert not store.load_dir(path, bad).applied
    assert not path.exists()


def test_a_load_that_fails_half_way_leaves_the_store_unchanged(db, write_dir, monkeypatch):
    before = dump(db)
    real = sqlfiles.materialize

    def fail_after_writing(con, table, name, params=None):
        # event_derived comes after the deletes and inserts: the store is half written here.
        if table == "event_derived":
            raise OSError("disk full")
        return real(con, table, name, params)

    monkeypatch.setattr(sqlfiles, "materialize", fail_after_writing)
    folder = write_dir(
        events=EVENTS_HEADER + "\nE9,New,A,camp,2024-08-01,,Osh,KGZ,,,,\n",
        participants="participant_id,event_id\nn,E9\n",
    )
    with pytest.raises(OSError):
        store.load_dir(db, folder, replace=True)
    assert dump(db) == before


def test_a_load_killed_half_way_leaves_the_store_unchanged(db, write_dir):
    before = dump(db)
    folder = write_dir(
        events=EVENTS_HEADER + "\nE9,New,A,camp,2024-08-01,,Osh,KGZ,,,,\n",
        participants="participant_id,event_id\nn,E9\n",
    )
    # The process dies (no rollback, no close) after the rows are written, before commit.
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from reach import sqlfiles, store
        real = sqlfiles.materialize
        def die(con, table, name, params=None):
            if table == "event_derived":
                os._exit(9)
            return real(con, table, name, params)
        sqlfiles.materialize = die
        store.load_dir(Path({str(db)!r}), Path({str(folder)!r}), replace=True)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == 9, proc.stderr.decode()
    assert dump(db) == before


def test_a_second_writer_is_told_the_store_is_busy(db, write_dir):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "ready"
        folder = write_dir(events=EVENTS_V1, participants=PARTICIPANTS_V1)
        env = {**os.environ, "REACH_BUSY_WAIT": "0.5"}
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "reach", "load", str(folder), "--db", str(db)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 1
    assert "busy" in proc.stderr and "try again" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert time.monotonic() - started < 30


def test_a_store_that_does_not_exist_is_filled_with_the_sample(tmp_path):
    path = tmp_path / "fresh" / "reach.duckdb"
    store.ensure(path)
    with store.connect(path, read_only=True) as con:
        from_store = metrics.summary(con)
    con, result = store.load_memory(store.SAMPLE_DIR)
    assert result.applied
    assert metrics.summary(con) == from_store
    assert from_store.people_reached > 1000
    # A second call finds the store and leaves it alone.
    before = dump(path)
    store.ensure(path)
    assert dump(path) == before


def test_a_store_from_before_the_exact_extract_gets_it_once_when_opened(tmp_path):
    path = tmp_path / "reach.duckdb"
    store.ensure(path)
    with store.connect(path) as con:  # as a Reach before the exact counts left it
        con.execute("drop table extract_exact_cells")
        con.execute("drop table extract_exact_ages")
        con.execute("delete from meta where key = 'extract_version'")
        assert metrics.kept_summary(con, metrics.Filters()) is None
        cells = con.execute("select * exclude (cell_id) from published.cells order by all").df()
    store.ensure(path)
    with store.connect(path, read_only=True) as con:
        kept = metrics.kept_summary(con, metrics.Filters())
        assert kept is not None and kept == metrics.worked_out_summary(con)
        again = con.execute("select * exclude (cell_id) from published.cells order by all").df()
    pd.testing.assert_frame_equal(again, cells)  # the donors' numbers are the same


def test_load_history_records_files_and_counts(db, write_dir):
    with store.connect(db, read_only=True) as con:
        rows = con.execute(
            "select load_id, mode, files, events_added, participant_rows_added from loads"
        ).fetchall()
    (load_id, mode, files, events_added, rows_added) = rows[0]
    assert (load_id, mode, events_added, rows_added) == (1, "merge", 2, 4)
    assert '"name": "events.csv"' in files and '"sha256": "' in files


def test_the_sample_data_loads_without_errors_or_warnings():
    con = duckdb.connect()
    result = store.load(con, *store.sources_in(store.SAMPLE_DIR))
    assert result.applied and not result.report.issues, result.report.to_text()
    assert csv("a\n") == "a\n"
