"""export-parquet: the store as Parquet partitioned by program and year, read back as is."""

from __future__ import annotations

import duckdb
import pytest

from reach import parquet, store
from reach.cli import main


def _read(folder, table: str) -> duckdb.DuckDBPyRelation:
    con = duckdb.connect()
    return con.sql(
        "select * from read_parquet($glob, hive_partitioning = true, union_by_name = true)",
        params={"glob": f"{folder}/{table}/**/*.parquet"},
    )


def test_events_and_participant_rows_are_partitioned_by_program_and_year(hand_db, tmp_path):
    out = tmp_path / "parquet"
    with store.connect(hand_db, read_only=True) as con:
        rows = parquet.export(con, out)
    # By hand (test_metrics): 5 events; 15 participant rows (E1 5, E2 5, E4 4, E5 1); no
    # targets or countries.csv were loaded.
    assert rows == {"events": 5, "participants": 15, "targets": 0, "countries": 0}
    folders = sorted(p.relative_to(out / "events").as_posix() for p in (out / "events").glob("*/*"))
    assert folders == ["program=A/year=2024", "program=B/year=2023", "program=B/year=2024"]
    events = _read(out, "events").aggregate("program, year, count(*)", "program, year")
    assert sorted(events.fetchall()) == [("A", 2024, 3), ("B", 2023, 1), ("B", 2024, 1)]
    people = _read(out, "participants").aggregate("program, year, count(*)", "program, year")
    assert sorted(people.fetchall()) == [("A", 2024, 10), ("B", 2023, 4), ("B", 2024, 1)]


def test_the_exported_rows_are_the_stored_rows(hand_db, tmp_path):
    out = tmp_path / "parquet"
    with store.connect(hand_db, read_only=True) as con:
        parquet.export(con, out)
        stored = con.execute(
            "select participant_id, event_id, gender, role from participants order by all"
        ).fetchall()
    exported = (
        _read(out, "participants").select("participant_id, event_id, gender, role").order("all")
    )
    assert exported.fetchall() == stored
    # An empty table still has its columns, for a reader that asks for them.
    assert "indicator" in _read(out, "targets").columns


def test_a_folder_that_holds_files_is_refused_and_left_as_it_was(hand_db, tmp_path):
    out = tmp_path / "parquet"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with store.connect(hand_db, read_only=True) as con, pytest.raises(parquet.ExportError):
        parquet.export(con, out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert not (tmp_path / "parquet.part").exists()


def test_the_command_writes_the_folder_and_says_how_many_rows(hand_db, tmp_path, capsys):
    out = tmp_path / "pq"
    assert main(["export-parquet", str(out), "--db", str(hand_db)]) == 0
    said = capsys.readouterr().out
    assert said.strip() == (
        f"Parquet written to {out} (rows: events 5, participants 15, targets 0, countries 0)."
    )
    assert main(["export-parquet", str(out), "--db", str(hand_db)]) == 1
    assert "is not an empty folder" in capsys.readouterr().err
