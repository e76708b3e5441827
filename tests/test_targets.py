"""Targets: the file, its errors, actuals from the metrics layer, progress and status."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from reach import extract, history, store, targets
from reach.cli import main
from reach.validate import validate_dir

EVENTS = (
    "event_id,title,program,event_type,start_date,country_code,parent_event_id,"
    "reported_participants\n"
    "A1,School,Alpha,school,2025-01-10,KAZ,,\n"
    "A2,Step-down,Alpha,step_down,2025-02-20,KGZ,A1,\n"
    "A3,Step-down,Alpha,step_down,2025-05-05,KAZ,A1,12\n"
    "B1,Camp,Beta,camp,2024-07-01,KAZ,,\n"
)
# Alpha in 2025: p1..p4 at A1 (p1 and p2 women), p1 trains A2 where p5, p6 (women) attend;
# A3 has only a headcount of 12. Beta in 2024: p7 and p8.
PARTICIPANTS = (
    "participant_id,event_id,gender,role,birth_year\n"
    "p1,A1,f,participant,1990\np2,A1,f,participant,2008\np3,A1,m,participant,\n"
    "p4,A1,m,participant,1970\np1,A2,f,trainer,1990\np5,A2,f,participant,\n"
    "p6,A2,f,participant,\np7,B1,m,participant,\np8,B1,f,participant,\n"
)
TARGETS = (
    "program,indicator,period,target,gender,age_band,country_code\n"
    "Alpha,people_reached,2025,40,,,\n"
    "Alpha,female_reached,2025-Q1,8,,,\n"
    "Alpha,people_reached,2025,10,male,,\n"
    "Alpha,people_reached,2025-01..2025-06,5,,,KGZ\n"
    "Alpha,step_down_events,2025,4,,,\n"
    "Alpha,trainers,2025,2,,,\n"
    "Alpha,direct_reach,2025,4,,,\n"
    "Beta,people_reached,2024,2,,,\n"
)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("2025-Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("2024-q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("2025-04..2026-03", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("2024-02..2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ],
)  # fmt: skip
def test_each_period_spelling_covers_the_days_it_names(memory_con, write_dir, period, start, end):
    folder = write_dir(
        events=EVENTS, participants=PARTICIPANTS,
    )  # fmt: skip
    (folder / "targets.csv").write_text(
        f"program,indicator,period,target\nAlpha,events,{period},3\n", encoding="utf-8"
    )
    from .conftest import sources

    assert store.load(memory_con, *sources(folder)).applied
    row = memory_con.execute("select period, period_start, period_end from targets").fetchone()
    assert row == (period.upper(), start, end)


@pytest.mark.parametrize(
    ("line", "code", "column", "words"),
    [
        ("Alpha,people_reached,2025-Q5,10", "bad_period", "period", "'2025-Q5' is not a period"),
        ("Alpha,people_reached,2025-06..2025-01,10", "bad_period", "period", "is not a period"),
        ("Alpha,reach,2025,10", "unknown_indicator", "indicator", "unknown indicator 'reach'"),
        ("Alpha,people_reached,2025,ten", "not_whole_number", "target", "'ten' is not a whole"),
        ("Alpha,people_reached,2025,0", "target_not_positive", "target", "above 0"),
        ("Alpha,events,2025,10,f", "split_not_people", "indicator", "cannot be split"),
        ("Alpha,people_reached,2025,10,,18-25", "unknown_age_band", "age_band", "'18-25'"),
        ("Alpha,people_reached,2025,10,?", "unknown_target_gender", "gender", "unknown gender"),
        ("Alpha,people_reached,2025,10,,,Atlantis", "unknown_country", "country_code",
         "unknown country 'Atlantis'"),
        (",people_reached,2025,10", "missing_value", "program", "program is required"),
    ],
)  # fmt: skip
def test_a_bad_target_row_is_refused_naming_file_row_column_and_value(
    write_dir, line, code, column, words
):
    folder = write_dir(events=EVENTS, participants=PARTICIPANTS)
    (folder / "targets.csv").write_text(
        "program,indicator,period,target,gender,age_band,country_code\n"
        "Alpha,events,2025,3\n" + line + "\n",
        encoding="utf-8",
    )
    report = validate_dir(folder)
    (issue,) = report.errors
    assert (issue.file, issue.rows, issue.column, issue.code) == (
        "targets.csv", (3,), column, code,
    )  # fmt: skip
    assert words in issue.message
    assert f"targets.csv row 3, column {column}" in report.to_text()


def test_the_same_target_twice_is_an_error_and_an_unknown_program_a_warning(write_dir):
    folder = write_dir(events=EVENTS, participants=PARTICIPANTS)
    (folder / "targets.csv").write_text(
        "program,indicator,period,target\nAlpha,events,2025,3\nAlpha,events,2025,4\n"
        "Gamma,events,2025,1\n",
        encoding="utf-8",
    )
    report = validate_dir(folder)
    assert [(i.code, i.rows) for i in report.errors] == [("duplicate_target", (2, 3))]
    assert [(i.code, i.rows, i.value) for i in report.warnings] == [
        ("unknown_target_program", (4,), "Gamma")
    ]


@pytest.mark.parametrize(
    ("actual", "today", "status", "elapsed"),
    [
        # 2025-Q1 has 90 days; on 14 February 45 of them are gone: half the target is due.
        (20, dt.date(2025, 2, 14), "on track", 0.5),
        (19, dt.date(2025, 2, 14), "behind", 0.5),
        (16, dt.date(2025, 2, 14), "behind", 0.5),  # 80% of the 20 due
        (15, dt.date(2025, 2, 14), "off track", 0.5),
        (40, dt.date(2025, 2, 14), "achieved", 0.5),
        (39, dt.date(2025, 4, 1), "missed", 1.0),
        (0, dt.date(2024, 12, 31), "not started", 0.0),
        (40, dt.date(2024, 12, 31), "achieved", 0.0),
    ],
)  # fmt: skip
def test_the_status_is_pro_rated_by_the_time_elapsed(actual, today, status, elapsed):
    p = targets.status(actual, 40, dt.date(2025, 1, 1), dt.date(2025, 3, 31), today)
    assert (p.status, p.elapsed, p.expected, p.achieved_share) == (
        status, elapsed, 40 * elapsed, actual / 40,
    )  # fmt: skip


@pytest.fixture
def loaded(tmp_path, write_dir):
    folder = write_dir(events=EVENTS, participants=PARTICIPANTS)
    (folder / "targets.csv").write_text(TARGETS, encoding="utf-8")
    path = tmp_path / "reach.duckdb"
    result = store.load_dir(path, folder)
    assert result.applied, result.report.to_text()
    assert result.counts["targets_loaded"] == 8
    return path


def test_actuals_come_from_the_metrics_layer_worked_out_by_hand(loaded):
    with store.connect(loaded, read_only=True) as con:
        got = targets.progress(con, today=dt.date(2025, 7, 2))
    actual = {(r.program, r.indicator, r.period, r.gender, r.country_code): r.actual
              for r in got.itertuples()}  # fmt: skip
    assert actual == {
        # p1..p6 by name, and 12 by A3's headcount.
        ("Alpha", "people_reached", "2025", "", ""): 18,
        # Q1: A1 and A2 only: p1, p2, p5, p6.
        ("Alpha", "female_reached", "2025-Q1", "", ""): 4,
        ("Alpha", "people_reached", "2025", "male", ""): 2,  # p3, p4
        ("Alpha", "people_reached", "2025-01..2025-06", "", "KGZ"): 2,  # A2: p5, p6
        ("Alpha", "step_down_events", "2025", "", ""): 2,  # A2, A3
        ("Alpha", "trainers", "2025", "", ""): 1,  # p1
        ("Alpha", "direct_reach", "2025", "", ""): 4,  # A1: p1..p4
        ("Beta", "people_reached", "2024", "", ""): 2,
    }
    statuses = {(r.indicator, r.period, r.gender): r.status for r in got.itertuples()}
    # On 2 July 2025, 183 of 365 days of 2025 are gone: 40 × 183/365 = 20.05 due.
    assert statuses[("people_reached", "2025", "")] == "behind"  # 0.8 × 20.05 ≤ 18 < 20.05
    assert statuses[("direct_reach", "2025", "")] == "achieved"
    assert statuses[("female_reached", "2025-Q1", "")] == "missed"
    assert statuses[("step_down_events", "2025", "")] == "behind"  # 2 < 4 × 183/365 = 2.005
    assert statuses[("people_reached", "2025", "male")] == "off track"  # 2 < 0.8 × 5.01


def test_donors_get_the_rounded_actual_and_a_status_from_it_alone(loaded):
    con = store.published_snapshot(loaded)
    try:
        got = targets.published_progress(con, extract.SCHEMA, (), dt.date(2025, 7, 2))
    finally:
        con.close()
    shown = {(r.indicator, r.gender): (r.actual, r.achieved_share, r.status)
             for r in got.itertuples() if r.program == "Alpha" and not r.country_code}  # fmt: skip
    # 18 people published as 20: 20 of 40, short of the 20.05 due: behind.
    assert shown[("people_reached", "")] == (20, 0.5, "behind")
    # 1 trainer of 2 is shown as <8: a count from 0 to 7 could be missed or achieved.
    actual, share, verdict = shown[("trainers", "")]
    assert pd.isna(actual) and pd.isna(share) and verdict == "too few to tell"
    # 2 men of 10 (5.01 due), shown as <8: 0 would be off track, 7 on track.
    assert shown[("people_reached", "male")][2] == "too few to tell"
    # 4 women in Q1 of 8 (ended): any count up to 7 missed it.
    assert shown[("female_reached", "")][2] == "missed"
    # Events are not people: 2 step-down events are published as they are.
    assert shown[("step_down_events", "")] == (2, 0.5, "behind")


def test_a_targets_file_replaces_its_programs_targets_and_undo_puts_them_back(loaded, write_dir):
    folder = write_dir(events=EVENTS, participants=PARTICIPANTS)
    (folder / "targets.csv").write_text(
        "program,indicator,period,target\nAlpha,events,2025,9\n", encoding="utf-8"
    )
    assert store.load_dir(loaded, folder).applied
    with store.connect(loaded, read_only=True) as con:
        kept = con.execute("select program, indicator, target from targets order by 1").fetchall()
    assert kept == [("Alpha", "events", 9), ("Beta", "people_reached", 2)]
    assert history.undo_last(loaded) is not None
    with store.connect(loaded, read_only=True) as con:
        assert con.execute("select count(*) from targets").fetchone() == (8,)


def test_the_progress_command_prints_what_the_page_shows(loaded, capsys):
    assert main(["progress", "--db", str(loaded), "--program", "Beta", "--json",
                 "--today", "2025-07-02"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out) == [
        {"program": "Beta", "indicator": "people_reached", "period": "2024", "gender": None,
         "age_band": None, "country_code": None, "target": 2, "actual": 2,
         "achieved_share": 1.0, "expected_share": 1.0, "status": "achieved"}
    ]  # fmt: skip
    assert main(["progress", "--db", str(loaded), "--audience", "donor", "--year", "2024",
                 "--json"]) == 0  # fmt: skip
    (beta,) = json.loads(capsys.readouterr().out)
    assert (beta["actual"], beta["status"]) == ("<8", "too few to tell")


@pytest.mark.parametrize(
    ("role", "actual", "status"),
    [("director", "2", "achieved"), ("donor", "<8", "too few to tell")],
)
def test_the_targets_page_shows_exact_actuals_to_the_organisation_and_published_to_donors(
    loaded, monkeypatch, role, actual, status
):
    from streamlit.testing.v1 import AppTest

    from reach import accounts
    from reach.ui.auth import Viewer

    from .test_app import ROOT

    monkeypatch.setenv("REACH_DB", str(loaded))
    accounts.add(accounts.default_path(loaded), "someone", role, "correct horse battery", ())
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["viewer"] = Viewer("someone", role, ())
    at.switch_page("pages/targets.py")  # the router serves donors pages/donor_targets.py here
    at.run()
    assert not at.exception, at.exception
    (table,) = [d.value for d in at.dataframe if "status" in d.value.columns]
    assert len(table) == 8
    beta = table[table["program"] == "Beta"].iloc[0]
    assert (beta["actual"], beta["target"], beta["status"]) == (actual, 2, status)
