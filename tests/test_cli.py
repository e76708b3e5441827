"""The command line: exit codes, the summary JSON, and the demo generator."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reach import demo, store
from reach.cli import main

from .conftest import EVENTS_HEADER
from .test_metrics import EVENTS, PARTICIPANTS

JSON_KEYS = {
    "people_reached", "direct_reach", "cascade_reach", "attendances", "events",
    "step_down_events", "trainers", "countries_reached", "gender", "age", "female_share",
    "cascade_multiplier", "activation_rate",
}  # fmt: skip


@pytest.fixture
def good_dir(write_dir):
    return write_dir(events=EVENTS, participants=PARTICIPANTS)


@pytest.fixture
def bad_dir(write_dir):
    return write_dir(
        events=EVENTS_HEADER + "\nE1,School,A,school,2024-02-30,,Almaty,KAZ,,,,\n",
        participants="participant_id,event_id\na,E1\n",
    )


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_exits_0_on_clean_data_even_with_warnings(capsys, write_dir):
    folder = write_dir(events=EVENTS, participants=PARTICIPANTS + "z,E1,robot,\n")
    code, out, _ = run(capsys, "validate", str(folder))
    assert code == 0
    assert "WARNING participants.csv row 17, column gender: unrecognised gender 'robot'" in out


def test_validate_exits_1_and_names_file_row_and_column(capsys, bad_dir):
    code, out, _ = run(capsys, "validate", str(bad_dir))
    assert code == 1
    assert "ERROR   events.csv row 2, column start_date: '2024-02-30' is not a date" in out
    assert "1 error(s), 0 warning(s): the data is refused." in out


def test_validate_exits_1_when_a_file_is_missing(capsys, write_dir):
    code, _, err = run(capsys, "validate", str(write_dir(events=EVENTS)))
    assert code == 1 and "participants.csv not found" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["validate", "/no/such/folder"],
        ["frobnicate"],
        ["summary", "--from", "01/02/2024"],
        ["summary", "--country", "Atlantis"],
        ["summary", "--type", "party"],
        ["summary", "--from", "2024-05-01", "--to", "2024-01-01"],
        ["demo", "x", "--rows", "0"],
    ],
)
def test_usage_errors_exit_2(capsys, argv, tmp_path, monkeypatch):
    monkeypatch.setenv("REACH_DB", str(tmp_path / "r.duckdb"))
    with pytest.raises(SystemExit) as stop:
        sys.exit(main(argv))
    assert stop.value.code == 2


def test_load_prints_what_it_did_and_exits_0(capsys, good_dir, tmp_path):
    db = tmp_path / "r.duckdb"
    code, out, _ = run(capsys, "load", str(good_dir), "--db", str(db))
    assert code == 0
    assert "events: 5 added, 0 updated, 0 unchanged" in out
    assert "participant rows: 15 added, 0 removed" in out
    code, out, _ = run(capsys, "load", str(good_dir), "--db", str(db), "--replace")
    assert code == 0 and "participant rows: 15 added, 15 removed" in out


def test_load_of_bad_data_exits_1_and_leaves_the_store_alone(capsys, good_dir, bad_dir, tmp_path):
    db = tmp_path / "r.duckdb"
    run(capsys, "load", str(good_dir), "--db", str(db))
    code, out, _ = run(capsys, "load", str(bad_dir), "--db", str(db), "--replace")
    assert code == 1 and "store is unchanged" in out
    code, out, _ = run(capsys, "summary", "--db", str(db), "--json")
    assert json.loads(out)["events"] == 5


def test_summary_json_has_exactly_the_contract_keys(capsys, good_dir):
    code, out, _ = run(capsys, "summary", "--data", str(good_dir), "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == JSON_KEYS
    assert set(data["gender"]) == {"female", "male", "other", "undisclosed"}
    # Every age band, in order; no row of the fixture gives a birth year, so all are unknown.
    assert data["age"] == {"0-9": 0, "10-14": 0, "15-19": 0, "20-24": 0, "25-29": 0,
                           "30-39": 0, "40-49": 0, "50+": 0, "unknown": 26}  # fmt: skip
    # The hand-counted "everything" row of test_metrics.
    assert (data["people_reached"], data["female_share"], data["cascade_multiplier"]) == (
        26, 0.5882, 3.3333,
    )  # fmt: skip


def test_summary_filters_accept_any_spelling(capsys, good_dir):
    code, out, _ = run(
        capsys, "summary", "--data", str(good_dir), "--json",
        "--country", "kz", "--type", "Step-Down", "--program", "A",
        "--from", "2024-01-01", "--to", "2024-12-31",
    )  # fmt: skip
    data = json.loads(out)
    # Only E2 (A, Kazakhstan, step-down): p5 p6 p2 p3, all four reached through the cascade.
    assert code == 0
    assert (data["events"], data["people_reached"], data["cascade_reach"]) == (1, 4, 4)
    assert data["cascade_multiplier"] is None


def test_summary_store_and_files_agree(capsys, good_dir, tmp_path):
    db = tmp_path / "r.duckdb"
    run(capsys, "load", str(good_dir), "--db", str(db))
    _, from_store, _ = run(capsys, "summary", "--db", str(db), "--json", "--country", "UZB")
    _, from_files, _ = run(capsys, "summary", "--data", str(good_dir), "--json", "--country", "UZB")
    assert json.loads(from_store) == json.loads(from_files)


def test_summary_table_is_readable(capsys, good_dir):
    code, out, _ = run(capsys, "summary", "--data", str(good_dir), "--program", "B")
    assert code == 0
    assert "Scope: programs: B" in out
    assert "People reached" in out and "11" in out
    assert "Female share" in out and "66.7%" in out


def test_summary_of_bad_files_exits_1(capsys, bad_dir):
    code, _, err = run(capsys, "summary", "--data", str(bad_dir), "--json")
    assert code == 1 and "is not a date" in err


def test_summary_on_a_new_store_shows_the_sample(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("REACH_DB", str(tmp_path / "new" / "reach.duckdb"))
    _, from_store, _ = run(capsys, "summary", "--json")
    _, from_sample, _ = run(capsys, "summary", "--data", str(store.SAMPLE_DIR), "--json")
    assert json.loads(from_store) == json.loads(from_sample)


def test_an_unusable_store_path_gives_a_sentence_not_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = subprocess.run(
        [sys.executable, "-m", "reach", "summary", "--db", str(blocker / "reach.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("ERROR") and "Traceback" not in proc.stderr


def test_a_reader_that_stops_reading_ends_the_output_quietly(good_dir):
    # `summary --json | head -c 10`: the pipe is closed before Reach writes to it (closed
    # here at once, while the child is still starting), so its write always meets a closed pipe.
    proc = subprocess.Popen(
        [sys.executable, "-m", "reach", "summary", "--data", str(good_dir), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()
    try:
        err = proc.stderr.read()
        assert proc.wait(timeout=120) == 1
    finally:
        proc.kill()
        proc.stderr.close()
    assert err == ""  # no "could not finish", no traceback, no "Exception ignored"


def test_demo_is_the_same_for_the_same_seed(tmp_path, capsys):
    for name in ("a", "b"):
        assert main(["demo", str(tmp_path / name), "--rows", "800", "--seed", "3"]) == 0
    assert main(["demo", str(tmp_path / "c"), "--rows", "800", "--seed", "4"]) == 0
    for f in ("events.csv", "participants.csv", "countries.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert (tmp_path / "a" / "events.csv").read_bytes() != (
        tmp_path / "c" / "events.csv"
    ).read_bytes()


@pytest.mark.parametrize("rows", [300, 5000, 20000])
def test_demo_writes_about_the_rows_asked_for_in_valid_realistic_data(tmp_path, rows):
    counts = demo.write(tmp_path, rows=rows, seed=11)
    assert abs(counts["participants"] - rows) <= 0.1 * rows
    con, result = store.load_memory(tmp_path)
    assert result.applied and not result.report.errors, result.report.to_text()
    facts = con.execute(
        """
        select
            count(distinct program),
            count(distinct country_code),
            max(cascade_level),
            count(*) filter (where reported_participants is not null),
            (select count(*) from (select participant_id from participants
              where role = 'participant' group by 1 having count(*) > 1))
        from events
        """
    ).fetchall()[0]
    programs, countries, depth, headcount_events, returning = facts
    assert programs >= 3 and countries >= 3
    assert depth >= 2, "multi-level cascades"
    assert headcount_events > 0, "headcount-only step-downs"
    assert returning > 0, "returning participants"
