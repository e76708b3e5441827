"""The lookup tables staging joins against (every language's spellings) are kept in the store,
so a load in a new process reads them instead of working them out from the catalogs again."""

from __future__ import annotations

import duckdb
import pytest

from reach import normalize, store

from .conftest import sources

EVENTS = (
    "event_id,title,program,event_type,start_date,country_code\n"
    "E1,School,A,Каскадный тренинг,2025-01-01,Казахстан\n"
)
PEOPLE = "participant_id,event_id,gender,role\np1,E1,ж,Участник\n"


@pytest.fixture
def made(monkeypatch):
    """Counts how often the lookups are worked out (not read from the store)."""
    calls = []
    real = normalize._lookup_frames

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(normalize, "_lookup_frames", counted)
    return calls


def _load(path, folder):
    with duckdb.connect(str(path)) as con:
        result = store.load(con, *sources(folder), require_events=False)
        assert result.applied, result.to_text()


def _staged(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select e.event_type, e.country_code, p.gender, p.role "
            "from events as e join participants as p using (event_id)"
        ).fetchall()


def test_a_second_load_reads_the_kept_lookups_and_spells_alike(tmp_path, write_dir, made):
    db = tmp_path / "reach.duckdb"
    _load(db, write_dir(events=EVENTS, participants=PEOPLE))
    assert len(made) == 1
    with duckdb.connect(str(db), read_only=True) as con:
        kept = con.execute("select value from meta where key = 'lookups'").fetchall()
        assert kept == [(normalize.lookups_fingerprint(),)]
        names = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert {f"lookup_{name}" for name in normalize.LOOKUPS} <= names
    more = EVENTS.replace("E1", "E2")
    _load(db, write_dir(events=more, participants=PEOPLE.replace("E1", "E2")))
    assert len(made) == 1  # read from the store, not worked out again
    # Russian spellings read through the kept tables as through the ones worked out.
    assert sorted(set(_staged(db))) == [("step_down", "KAZ", "female", "participant")]


def test_lookups_kept_from_other_catalogs_or_code_are_made_again(tmp_path, write_dir, made):
    db = tmp_path / "reach.duckdb"
    _load(db, write_dir(events=EVENTS, participants=PEOPLE))
    with duckdb.connect(str(db)) as con:
        con.execute("update meta set value = 'an older fingerprint' where key = 'lookups'")
        con.execute("delete from lookup_country_spelling")  # what older code might have kept
    _load(db, write_dir(events=EVENTS.replace("E1", "E2"), participants=PEOPLE.replace("E1", "E2")))
    assert len(made) == 2
    assert sorted(set(_staged(db))) == [("step_down", "KAZ", "female", "participant")]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select value from meta where key = 'lookups'").fetchall() == [
            (normalize.lookups_fingerprint(),)
        ]
        assert con.execute("select count(*) from lookup_country_spelling").fetchall()[0][0] > 200


def test_a_refused_load_keeps_no_lookups(tmp_path, write_dir, made):
    db = tmp_path / "reach.duckdb"
    with duckdb.connect(str(db)) as con:
        bad = "participant_id,event_id,gender,role\np1,E9,ж,Участник\n"  # no event E9
        result = store.load(con, *sources(write_dir(events=EVENTS, participants=bad)))
        assert not result.applied
        found = con.execute(
            "select count(*) from duckdb_tables() where table_name like 'lookup_%'"
        ).fetchall()
    assert found == [(0,)]


def test_an_in_memory_store_keeps_no_lookups(memory_con, write_dir):
    # No other process can open it, and this one has them already.
    result = store.load(memory_con, *sources(write_dir(events=EVENTS, participants=PEOPLE)))
    assert result.applied
    found = memory_con.execute(
        "select count(*) from duckdb_tables() where table_name like 'lookup_%'"
    ).fetchall()
    assert found == [(0,)]
    assert memory_con.execute("select count(*) from meta where key = 'lookups'").fetchall() == [
        (0,)
    ]
