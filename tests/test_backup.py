"""Backup and restore: exact copies taken while the app runs, refused when damaged or busy.

The fixture store: a training E1 (Kazakhstan) whose trainee a runs step-down E2 (Kyrgyzstan),
and a seminar E3 (Uzbekistan) known only by its headcount (5: 3 female, 1 male).
Participant rows (role participant): E1 a(f) b(m) | E2 c(f) d(blank); a trains E2.
Levels: E1 0, E2 1, E3 0. By hand: people reached = {a,b,c,d} + 5 = 9; direct = {a,b} + 5 = 7;
cascade = 2; attendances = 2 + 2 + 5 = 9; trainers = {a}; gender: female a, c + 3 = 5,
male b + 1 = 2, undisclosed d + 1 = 2; female share 5/7; multiplier 2/7; activation: of a
and b (participants of E1, which has child E2), a trains E2: 1/2.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from reach import backup, metrics, store

from .conftest import EVENTS_HEADER

EVENTS = (
    EVENTS_HEADER
    + """
E1,Trainers school,A,training,2024-03-01,,Almaty,KAZ,,,,
E2,Step-down Osh,A,step_down,2024-04-01,,Osh,KGZ,E1,,,
E3,Seminar,B,seminar,2024-05-01,,Tashkent,UZB,,5,3,1
"""
)
PARTICIPANTS = """
participant_id,event_id,gender,role
a,E1,f,participant
b,E1,m,participant
a,E2,f,trainer
c,E2,f,participant
d,E2,,participant
"""
OTHER_EVENTS = (
    EVENTS_HEADER
    + """
E9,Camp,C,camp,2025-07-01,,Bishkek,KGZ,,,,
"""
)
OTHER_PARTICIPANTS = """
participant_id,event_id,gender,role
z,E9,m,participant
"""

HAND_SUMMARY = {
    "people_reached": 9,
    "direct_reach": 7,
    "cascade_reach": 2,
    "attendances": 9,
    "events": 3,
    "step_down_events": 1,
    "trainers": 1,
    "countries_reached": 3,
    "gender": {"female": 5, "male": 2, "other": 0, "undisclosed": 2},
    # No birth years in the fixture: everyone's age is unknown.
    "age": dict.fromkeys(("0-9", "10-14", "15-19", "20-24", "25-29", "30-39", "40-49", "50+"), 0)
    | {"unknown": 9},
    "female_share": round(5 / 7, 4),
    "cascade_multiplier": round(2 / 7, 4),
    "activation_rate": 0.5,
}
ACCOUNT_ROW = ("amina", "admin", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
KEY_BYTES = b"linkage-key-never-in-a-backup-0123456789"


def dump(path: Path) -> dict[str, list]:
    """Every row of every table in every schema, sorted: equal dumps mean equal stores."""
    with store.connect(path, read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where not temporary"
        ).fetchall()
        return {
            f"{s}.{t}": sorted(con.execute(f'select * from "{s}"."{t}"').fetchall(), key=repr)
            for s, t in tables
        }


def summary(path: Path) -> dict:
    with store.connect(path, read_only=True) as con:
        return metrics.summary(con).as_dict()


def accounts_rows(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("select name, role, password_hash from accounts").fetchall()
    finally:
        con.close()


@pytest.fixture
def site(tmp_path: Path, write_dir, monkeypatch) -> dict[str, Path]:
    """A data folder as a server has it: the store, the accounts file, the key file."""
    data = tmp_path / "data"
    data.mkdir()
    db = data / "reach.duckdb"
    result = store.load_dir(db, write_dir(events=EVENTS, participants=PARTICIPANTS))
    assert result.applied, result.to_text()
    accounts = data / "reach-accounts.sqlite"
    con = sqlite3.connect(accounts)
    con.execute("pragma journal_mode=wal")
    con.execute("create table accounts (name text primary key, role text, password_hash text)")
    con.execute("create table audit (at text, who text, what text)")
    con.execute("insert into accounts values (?, ?, ?)", ACCOUNT_ROW)
    con.execute("insert into audit values ('2026-01-01T00:00:00Z', 'amina', 'login')")
    con.commit()
    con.close()
    key = data / "reach.key"
    key.write_bytes(KEY_BYTES)
    monkeypatch.setenv("REACH_KEY_FILE", str(key))
    monkeypatch.setenv("REACH_BUSY_WAIT", "0.5")
    return {"db": db, "accounts": accounts, "key": key, "backups": tmp_path / "backups"}


def hold(db: Path, read_only: bool) -> subprocess.Popen:
    """Another process (the app, or a load) holding the store open until killed."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time;"
            " c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro');"
            " print('ready', flush=True); time.sleep(60)",
            str(db),
            "ro" if read_only else "rw",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout and proc.stdout.readline().strip() == "ready"
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()


def test_the_fixture_summary_is_the_one_worked_out_by_hand(site):
    assert summary(site["db"]) == HAND_SUMMARY


def test_a_restore_brings_back_exactly_the_store_and_accounts_that_were_backed_up(site, write_dir):
    before = dump(site["db"])
    out = site["backups"] / "b1"
    done = backup.backup(site["db"], site["accounts"], out)
    assert done["files"] == ["reach.duckdb", "reach-accounts.sqlite"]

    # Another load replaces everything, and the accounts file is lost.
    result = store.load_dir(
        site["db"], write_dir(events=OTHER_EVENTS, participants=OTHER_PARTICIPANTS), replace=True
    )
    assert result.applied
    assert summary(site["db"])["people_reached"] == 1
    site["accounts"].unlink()
    stamp = store.file_version(site["db"])

    restored = backup.restore(out, site["db"], site["accounts"])

    assert dump(site["db"]) == before
    assert summary(site["db"]) == HAND_SUMMARY
    assert accounts_rows(site["accounts"]) == [ACCOUNT_ROW]
    # The app's cache is keyed on this stamp, so it sees the restored store at once.
    assert store.file_version(site["db"]) != stamp
    assert restored["store"] == str(site["db"])
    assert restored["accounts"] == str(site["accounts"])
    assert restored["tables"]["events"] == 3 and restored["tables"]["participants"] == 5
    assert done["manifest"]["tables"] == restored["tables"]
    assert sorted(p.name for p in site["db"].parent.iterdir()) == [
        "reach-accounts.sqlite",
        "reach.duckdb",
        "reach.key",
    ]
    assert (site["db"].stat().st_mode & 0o777) == 0o600


def test_the_manifest_lists_each_file_with_its_size_and_sha256(site):
    out = site["backups"] / "b1"
    backup.backup(site["db"], site["accounts"], out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [f["role"] for f in manifest["files"]] == ["store", "accounts"]
    for entry in manifest["files"]:
        data = (out / entry["name"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["reach_version"] == "0.1.0"
    assert manifest["created_utc"].endswith("Z")
    assert manifest["tables"]["events"] == 3
    assert manifest["tables"]["participants"] == 5
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "reach-accounts.sqlite",
        "reach.duckdb",
    ]
    assert (out.stat().st_mode & 0o777) == 0o700
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in out.iterdir())


def test_a_backup_works_while_the_app_reads_the_store_and_the_accounts_file(site, tmp_path):
    before = dump(site["db"])
    reader = hold(site["db"], read_only=True)
    # The app has the accounts file open in the middle of a read, too.
    app = sqlite3.connect(site["accounts"])
    app.execute("begin")
    app.execute("select count(*) from accounts").fetchall()
    try:
        out = site["backups"] / "b1"
        backup.backup(site["db"], site["accounts"], out)
    finally:
        app.rollback()
        app.close()
        stop(reader)
    fresh = tmp_path / "fresh"
    backup.restore(out, fresh / "reach.duckdb", fresh / "reach-accounts.sqlite")
    assert dump(fresh / "reach.duckdb") == before
    assert accounts_rows(fresh / "reach-accounts.sqlite") == [ACCOUNT_ROW]


def test_a_restore_into_a_live_accounts_file_replaces_its_rows(site):
    out = site["backups"] / "b1"
    backup.backup(site["db"], site["accounts"], out)
    app = sqlite3.connect(site["accounts"])  # the app keeps a connection open
    app.execute("insert into accounts values ('intruder', 'admin', 'x')")
    app.commit()
    backup.restore(out, site["db"], site["accounts"])
    assert app.execute("select name from accounts").fetchall() == [("amina",)]
    app.close()
    assert accounts_rows(site["accounts"]) == [ACCOUNT_ROW]


@pytest.mark.parametrize("name", ["reach.duckdb", "reach-accounts.sqlite"])
def test_a_damaged_backup_is_refused_and_the_originals_are_untouched(site, write_dir, name):
    out = site["backups"] / "b1"
    backup.backup(site["db"], site["accounts"], out)
    damaged = out / name
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    store.load_dir(site["db"], write_dir(events=OTHER_EVENTS, participants=OTHER_PARTICIPANTS))
    before_store, before_accounts = dump(site["db"]), site["accounts"].read_bytes()
    listing = sorted(p.name for p in site["db"].parent.iterdir())

    with pytest.raises(backup.BackupError, match="damaged") as caught:
        backup.restore(out, site["db"], site["accounts"])

    assert name in str(caught.value)
    assert dump(site["db"]) == before_store
    assert site["accounts"].read_bytes() == before_accounts
    assert sorted(p.name for p in site["db"].parent.iterdir()) == listing


def test_a_backup_with_a_missing_file_or_no_manifest_is_refused_as_incomplete(site):
    out = site["backups"] / "b1"
    backup.backup(site["db"], site["accounts"], out)
    (out / "reach-accounts.sqlite").unlink()
    with pytest.raises(backup.BackupError, match="incomplete: reach-accounts.sqlite is missing"):
        backup.restore(out, site["db"], site["accounts"])
    (out / "manifest.json").unlink()
    with pytest.raises(backup.BackupError, match="has no manifest.json"):
        backup.restore(out, site["db"], site["accounts"])
    assert accounts_rows(site["accounts"]) == [ACCOUNT_ROW]


def test_a_manifest_naming_another_path_is_refused(site):
    out = site["backups"] / "b1"
    backup.backup(site["db"], site["accounts"], out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][0]["name"] = "../../etc/passwd"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(backup.BackupError, match="damaged or from another program"):
        backup.restore(out, site["db"], site["accounts"])


def test_a_non_empty_out_dir_is_refused_and_left_as_it_was(site):
    out = site["backups"] / "b1"
    out.mkdir(parents=True)
    (out / "notes.txt").write_text("older backup", encoding="utf-8")
    with pytest.raises(backup.BackupError, match="is not empty"):
        backup.backup(site["db"], site["accounts"], out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "older backup"


def test_an_empty_existing_out_dir_is_accepted(site):
    out = site["backups"] / "b1"
    out.mkdir(parents=True)
    done = backup.backup(site["db"], site["accounts"], out)
    assert len(done["files"]) == 2


def test_the_key_file_is_never_in_the_backup(site):
    out = site["backups"] / "b1"
    done = backup.backup(site["db"], site["accounts"], out)
    assert "reach.key" not in [p.name for p in out.rglob("*")]
    assert all(KEY_BYTES not in p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert done["files"] == ["reach.duckdb", "reach-accounts.sqlite"]
    # Even when asked by mistake, the key file is neither copied nor overwritten.
    with pytest.raises(backup.BackupError, match="linkage key file"):
        backup.backup(site["db"], site["key"], site["backups"] / "b2")
    with pytest.raises(backup.BackupError, match="linkage key file"):
        backup.restore(out, site["db"], site["key"])
    assert site["key"].read_bytes() == KEY_BYTES
    assert not (site["backups"] / "b2").exists()


def test_a_backup_without_an_accounts_file_restores_the_store_and_leaves_accounts_alone(
    site, write_dir
):
    before = dump(site["db"])
    site["accounts"].rename(site["accounts"].with_suffix(".moved"))
    out = site["backups"] / "b1"
    done = backup.backup(site["db"], site["accounts"], out)
    assert done["files"] == ["reach.duckdb"]
    assert not site["accounts"].exists()  # backup did not create an empty one
    site["accounts"].with_suffix(".moved").rename(site["accounts"])
    store.load_dir(site["db"], write_dir(events=OTHER_EVENTS, participants=OTHER_PARTICIPANTS))

    restored = backup.restore(out, site["db"], site["accounts"])

    assert restored["accounts"] is None
    assert dump(site["db"]) == before
    assert accounts_rows(site["accounts"]) == [ACCOUNT_ROW]


def test_a_restore_while_a_load_holds_the_store_reports_busy_and_changes_nothing(site, write_dir):
    out = site["backups"] / "b1"
    backup.backup(site["db"], site["accounts"], out)
    store.load_dir(site["db"], write_dir(events=OTHER_EVENTS, participants=OTHER_PARTICIPANTS))
    con = sqlite3.connect(site["accounts"])
    con.execute("insert into accounts values ('newer', 'analyst', 'x')")
    con.commit()
    con.close()
    before_store, before_accounts = dump(site["db"]), accounts_rows(site["accounts"])

    loader = hold(site["db"], read_only=False)
    try:
        with pytest.raises(backup.BackupError, match="busy.*try again"):
            backup.restore(out, site["db"], site["accounts"])
    finally:
        stop(loader)

    assert dump(site["db"]) == before_store
    assert accounts_rows(site["accounts"]) == before_accounts
    assert not [p for p in site["db"].parent.iterdir() if p.name.startswith(".")]


def test_a_backup_while_a_load_holds_the_store_reports_busy(site):
    loader = hold(site["db"], read_only=False)
    try:
        with pytest.raises(backup.BackupError, match="busy.*try again"):
            backup.backup(site["db"], site["accounts"], site["backups"] / "b1")
    finally:
        stop(loader)
    # Nothing half-made is left: no copy of personal data, not even the new folder.
    assert not (site["backups"] / "b1").exists()


def test_a_load_after_a_restore_merges_into_the_restored_store(site, write_dir):
    out = site["backups"] / "b1"
    backup.backup(site["db"], site["accounts"], out)
    backup.restore(out, site["db"], site["accounts"])
    result = store.load_dir(
        site["db"], write_dir(events=OTHER_EVENTS, participants=OTHER_PARTICIPANTS)
    )
    assert result.applied
    # Merged into the restored store: 9 + z at E9.
    assert summary(site["db"])["people_reached"] == 10


def test_restoring_over_an_unreadable_store_asks_to_move_it_aside(site, tmp_path):
    out = site["backups"] / "b1"
    backup.backup(site["db"], site["accounts"], out)
    site["db"].write_bytes(b"not a database at all" * 100)
    with pytest.raises(backup.BackupError, match="move that file aside"):
        backup.restore(out, site["db"], site["accounts"])
    assert site["db"].read_bytes() == b"not a database at all" * 100
    site["db"].rename(tmp_path / "damaged.duckdb")
    backup.restore(out, site["db"], site["accounts"])
    assert summary(site["db"]) == HAND_SUMMARY


def test_a_missing_store_cannot_be_backed_up(tmp_path):
    with pytest.raises(backup.BackupError, match="There is no store"):
        backup.backup(tmp_path / "none.duckdb", None, tmp_path / "out")


def test_the_backup_copy_keeps_the_schema_and_its_constraints(site):
    out = site["backups"] / "b1"
    backup.backup(site["db"], site["accounts"], out)
    queries = (
        "select schema_name, table_name, sql from duckdb_tables() order by all",
        "select table_name, constraint_type, constraint_text from duckdb_constraints() "
        "order by all",
    )
    with store.connect(site["db"], read_only=True) as con:
        original = [con.execute(q).fetchall() for q in queries]
    copy = duckdb.connect(str(out / "reach.duckdb"), read_only=True)
    try:
        assert [copy.execute(q).fetchall() for q in queries] == original
    finally:
        copy.close()


def test_backup_errors_are_plain_sentences(site):
    out = site["backups"] / "b1"
    out.mkdir(parents=True)
    (out / "x").write_text("x", encoding="utf-8")
    with pytest.raises(backup.BackupError) as caught:
        backup.backup(site["db"], site["accounts"], out)
    text = str(caught.value)
    assert text.endswith(".") and "Traceback" not in text and "\n" not in text
    assert os.fspath(out) in text
