"""The app reads the store in place, through one read-only copy per store version."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from reach import metrics, readers, store

# Three uploads worked out by hand in test_load_history: E1 (p1, p2) and its step-down E2
# (p3): 3 people; then E3 (p4, and p1 again): 4; then E4 (p5): 5.
from .test_load_history import FIRST, FIRST_PEOPLE, SECOND, SECOND_PEOPLE, THIRD, THIRD_PEOPLE


def _people(con) -> int:
    return metrics.summary(con.cursor()).people_reached


@pytest.fixture
def loaded(tmp_path, write_dir):
    path = tmp_path / "store.duckdb"
    assert store.load_dir(path, write_dir(FIRST, FIRST_PEOPLE)).applied
    return path


def test_a_reader_keeps_its_version_while_a_load_adds_people_and_the_next_reader_sees_them(
    loaded, write_dir
):
    before = readers.connect(loaded)
    assert _people(before) == 3  # p1, p2, p3
    assert store.load_dir(loaded, write_dir(SECOND, SECOND_PEOPLE)).applied
    after = readers.connect(loaded)
    assert _people(after) == 4  # p1..p4: p1 came back, counted once
    assert _people(before) == 3  # the earlier version, unchanged
    before.close()
    after.close()


def test_the_copy_is_made_once_per_version_and_shared(loaded):
    first, stamp = readers.copy_for(loaded)
    again, same = readers.copy_for(loaded)
    assert (first, stamp) == (again, same)
    assert [p.name for p in readers.folder(loaded).iterdir()] == [first.name]


def test_only_the_newest_copies_are_kept(loaded, write_dir):
    made = [readers.copy_for(loaded)[0]]
    for events, people in ((SECOND, SECOND_PEOPLE), (THIRD, THIRD_PEOPLE)):
        assert store.load_dir(loaded, write_dir(events, people)).applied
        made.append(readers.copy_for(loaded)[0])
    assert store.load_dir(loaded, write_dir(SECOND, SECOND_PEOPLE)).applied  # no change
    made.append(readers.copy_for(loaded)[0])
    kept = sorted(p.name for p in readers.folder(loaded).glob("*.duckdb"))
    assert len(kept) == readers.KEEP
    assert made[-1].name in kept
    assert made[0].name not in kept


def test_a_reader_connection_cannot_write(loaded):
    con = readers.connect(loaded)
    with pytest.raises(Exception, match="read-only"):
        con.execute("delete from participants")
    con.close()


def test_an_open_reader_does_not_hold_the_store_so_a_load_goes_ahead(loaded, write_dir):
    con = readers.connect(loaded)
    # A load from another process: it needs the store's write lock, which no reader holds.
    folder = write_dir(SECOND, SECOND_PEOPLE)
    code = textwrap.dedent(
        f"""
        from pathlib import Path
        from reach import store
        r = store.load_dir(Path({str(loaded)!r}), Path({str(folder)!r}))
        raise SystemExit(0 if r.applied else 1)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert _people(con) == 3
    con.close()
    assert _people(readers.connect(loaded)) == 4


def test_while_a_load_holds_the_store_a_new_copy_waits_and_then_says_busy(loaded, monkeypatch):
    monkeypatch.setenv("REACH_BUSY_WAIT", "0.3")
    # Another process holds the store for writing, as a running load does.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "sys.stdin.read()",
            str(loaded),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"held"
        with pytest.raises(store.StoreBusy):
            readers.copy_for(loaded)
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert _people(readers.connect(loaded)) == 3


def test_the_donor_reader_holds_the_published_extract_alone(loaded):
    con = readers.published(loaded)
    tables = {
        (schema, name)
        for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables()"
        ).fetchall()
    }
    assert tables and all(schema == "published" for schema, _ in tables)
    with pytest.raises(Exception, match="disabled by configuration"):
        con.execute(f"attach {str(loaded)!r} as s (read_only)")
    con.close()


def test_a_reader_runs_under_the_read_memory_limit_and_the_donor_copy_opens_beside_it(
    loaded, monkeypatch
):
    monkeypatch.setenv("REACH_READ_MEMORY", "500MB")
    con = readers.connect(loaded)
    # 500 MB = 500,000,000 bytes = 476.8 MiB, as DuckDB reports it.
    assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "476.8 MiB"
    # A donor's copy reads the same file while that connection is open: same settings.
    donor = readers.published(loaded)
    assert donor.execute("select count(*) from published.cells").fetchone()[0] > 0
    assert _people(con) == 3
    donor.close()
    con.close()
