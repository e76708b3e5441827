"""Every error and warning class, each with the file, row (header = 1), column and value."""

from __future__ import annotations

import datetime as dt

import pytest

from reach.validate import validate_dir

from .conftest import EVENTS_HEADER

GOOD_EVENT = "E1,School,A,school,2024-03-01,,Almaty,KAZ,,,,"
NO_PARTICIPANTS = "participant_id,event_id\n"
NEXT_YEAR = dt.date.today().year + 1


def events(*rows: str) -> str:
    return EVENTS_HEADER + "\n" + "\n".join(rows) + "\n"


def participants(*rows: str) -> str:
    return "participant_id,event_id,gender,role,birth_year,country_code\n" + "\n".join(rows) + "\n"


# (events.csv, participants.csv, severity, file, code, column, rows, value)
CASES = [
    pytest.param(
        "event_id,title,event_type,start_date\nE1,T,school,2024-03-01\n", NO_PARTICIPANTS,
        "error", "events.csv", "missing_column", "country_code", (1,), None,
        id="missing-required-column",
    ),
    pytest.param(
        events(GOOD_EVENT, "E2,,A,school,2024-03-01,,Almaty,KAZ,,,,"), NO_PARTICIPANTS,
        "error", "events.csv", "missing_value", "title", (3,), None, id="missing-value",
    ),
    pytest.param(
        events(GOOD_EVENT, GOOD_EVENT), NO_PARTICIPANTS,
        "error", "events.csv", "duplicate_event_id", "event_id", (2, 3), "E1",
        id="duplicate-event-id",
    ),
    pytest.param(
        events(GOOD_EVENT), participants("a,E1,f,,,", "b,E9,f,,,", "c,E9,m,,,"),
        "error", "participants.csv", "unknown_event", "event_id", (3, 4), "E9",
        id="participant-of-unknown-event",
    ),
    pytest.param(
        events(GOOD_EVENT, "E2,Step,A,step_down,2024-04-01,,Osh,KGZ,E7,,,"), NO_PARTICIPANTS,
        "error", "events.csv", "unknown_parent", "parent_event_id", (3,), "E7",
        id="parent-does-not-exist",
    ),
    pytest.param(
        events(
            "E1,A,A,other,2024-03-01,,Almaty,KAZ,E2,,,", "E2,B,A,other,2024-03-01,,Almaty,KAZ,E1,,,"
        ),
        NO_PARTICIPANTS,
        "error", "events.csv", "parent_cycle", "parent_event_id", (2,), "E2", id="parent-cycle",
    ),
    pytest.param(
        events("E1,A,A,other,2024-03-01,,Almaty,KAZ,E1,,,"), NO_PARTICIPANTS,
        "error", "events.csv", "parent_cycle", "parent_event_id", (2,), "E1",
        id="event-is-its-own-parent",
    ),
    pytest.param(
        events("E1,School,A,school,2024-03-05,2024-03-01,Almaty,KAZ,,,,"), NO_PARTICIPANTS,
        "error", "events.csv", "end_before_start", "end_date", (2,), "2024-03-01",
        id="end-before-start",
    ),
    pytest.param(
        events("E1,School,A,school,31.02.2024,,Almaty,KAZ,,,,"), NO_PARTICIPANTS,
        "error", "events.csv", "bad_date", "start_date", (2,), "31.02.2024", id="not-a-date",
    ),
    pytest.param(
        events("E1,School,A,school,2024-03-01,,Almaty,KAZ,,12.5,,"), NO_PARTICIPANTS,
        "error", "events.csv", "not_whole_number", "reported_participants", (2,), "12.5",
        id="headcount-not-whole",
    ),
    pytest.param(
        events("E1,School,A,school,2024-03-01,,Almaty,KAZ,,10,-1,"), NO_PARTICIPANTS,
        "error", "events.csv", "negative_number", "reported_female", (2,), "-1",
        id="headcount-negative",
    ),
    pytest.param(
        events("E1,School,A,school,2024-03-01,,Almaty,KAZ,,10,7,4"), NO_PARTICIPANTS,
        "error", "events.csv", "split_above_total", "reported_female", (2,), "7 + 4 > 10",
        id="female-plus-male-above-total",
    ),
    pytest.param(
        events("E1,School,A,school,2024-03-01,,Almaty,Narnia,,,,"), NO_PARTICIPANTS,
        "error", "events.csv", "unknown_country", "country_code", (2,), "Narnia",
        id="unknown-event-country",
    ),
    pytest.param(
        events("E1,School,A,party,2024-03-01,,Almaty,KAZ,,,,"), NO_PARTICIPANTS,
        "error", "events.csv", "unknown_event_type", "event_type", (2,), "party",
        id="unknown-event-type",
    ),
    pytest.param(
        events(GOOD_EVENT), participants("a,E1,f,,1899,", "b,E1,f,,1990,"),
        "error", "participants.csv", "birth_year_out_of_range", "birth_year", (2,), "1899",
        id="birth-year-too-early",
    ),
    pytest.param(
        events(GOOD_EVENT), participants(f"a,E1,f,,{NEXT_YEAR},"),
        "error", "participants.csv", "birth_year_out_of_range", "birth_year", (2,),
        str(NEXT_YEAR), id="birth-year-in-the-future",
    ),
    pytest.param(
        events(GOOD_EVENT), participants("a,E1,f,boss,,"),
        "error", "participants.csv", "unknown_role", "role", (2,), "boss", id="unknown-role",
    ),
    pytest.param(
        EVENTS_HEADER + "\n", NO_PARTICIPANTS,
        "error", "events.csv", "header_only", None, (1,), None, id="events-header-only",
    ),
    pytest.param(
        b"", NO_PARTICIPANTS,
        "error", "events.csv", "unreadable", None, (), None, id="events-empty",
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", NO_PARTICIPANTS,
        "error", "events.csv", "unreadable", None, (), None, id="an-image-renamed-csv",
    ),
    pytest.param(
        events(GOOD_EVENT), bytes(range(256)) * 4,
        "error", "participants.csv", "unreadable", None, (), None, id="binary-participants",
    ),
    pytest.param(
        events(GOOD_EVENT), "participant_id,event_id\na,E1\nb,E1,extra\n",
        "error", "participants.csv", "unreadable", None, (3,), None, id="row-with-extra-fields",
    ),
    # Warnings: the data still loads.
    pytest.param(
        EVENTS_HEADER + ",notes\n" + GOOD_EVENT + ",x\n", NO_PARTICIPANTS,
        "warning", "events.csv", "unknown_columns", None, (1,), None, id="unknown-extra-column",
    ),
    pytest.param(
        events(GOOD_EVENT), participants("a,E1,zzz,,,", "b,E1,f,,,", "c,E1,zzz,,,"),
        "warning", "participants.csv", "unknown_gender", "gender", (2, 4), "zzz",
        id="unrecognised-gender",
    ),
    pytest.param(
        events(GOOD_EVENT, "E2,Step,A,step_down,2024-04-01,,Osh,KGZ,E1,,,"),
        participants("a,E1,f,,,", "a,E2,m,,,", "a,E2,,trainer,,"),
        "warning", "participants.csv", "gender_conflict", "gender", (2, 3), "a",
        id="gender-differs-between-rows",
    ),
    pytest.param(
        events("E1,School,A,school,2024-03-01,,Almaty,KAZ,,20,,"), participants("a,E1,f,,,"),
        "warning", "events.csv", "headcount_and_rows", "reported_participants", (2,), "E1",
        id="headcount-and-attendance-list",
    ),
    pytest.param(
        events(GOOD_EVENT), participants("a,E1,f,,,Atlantis"),
        "warning", "participants.csv", "unknown_participant_country", "country_code", (2,),
        "Atlantis", id="unknown-participant-country",
    ),
    pytest.param(
        events(GOOD_EVENT), participants("a,E1,f,,,", "b,E1,f,,,", "a,E1,f,participant,,"),
        "warning", "participants.csv", "duplicate_attendance", "participant_id", (2, 4),
        "a at E1 as participant", id="same-person-twice-at-one-event",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("events_csv", "participants_csv", "severity", "file", "code", "column", "rows", "value"),
    CASES,
)
def test_each_problem_is_reported_with_file_row_column_and_value(
    write_dir, events_csv, participants_csv, severity, file, code, column, rows, value
):
    report = validate_dir(write_dir(events=events_csv, participants=participants_csv))
    found = [i for i in report.issues if i.code == code]
    assert found, report.to_text()
    issue = found[0]
    assert (issue.severity, issue.file, issue.column, issue.rows, issue.value) == (
        severity, file, column, rows, value,
    )  # fmt: skip
    assert issue.message
    assert report.ok == (severity == "warning"), report.to_text()


def test_identical_problems_are_grouped_with_their_rows(write_dir):
    rows = [f"p{i},E9,f,,," for i in range(120)]
    report = validate_dir(write_dir(events=events(GOOD_EVENT), participants=participants(*rows)))
    (issue,) = report.errors
    assert (issue.count, issue.rows[:3]) == (120, (2, 3, 4))
    line = report.to_text().splitlines()[0]
    assert "unknown event_id 'E9'" in line
    assert "in 120 rows: 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …" in line


def test_every_problem_is_reported_at_once(write_dir):
    report = validate_dir(
        write_dir(
            events=events(
                "E1,School,A,school,2024-13-01,,Almaty,KAZ,,,,",
                "E2,Step,A,party,2024-03-01,,Osh,Narnia,E8,,,",
            ),
            participants=participants("a,E1,zzz,,1800,", "b,E5,f,,,"),
        )
    )
    codes = sorted(i.code for i in report.issues)
    assert codes == sorted(
        [
            "bad_date",
            "unknown_event_type",
            "unknown_country",
            "unknown_parent",
            "birth_year_out_of_range",
            "unknown_event",
            "unknown_gender",
        ]
    )


def test_row_numbers_count_records_not_lines_and_keep_blank_lines(write_dir):
    # A quoted newline in row 2 and a blank line before row 4: rows stay as a spreadsheet shows.
    report = validate_dir(
        write_dir(
            events=events(
                '"E1",' + '"School\nday one",A,school,2024-03-01,,Almaty,KAZ,,,,',
                "E2,Step,A,school,2024-03-01,,Almaty,KAZ,,,,",
                "",
                "E3,Bad,A,school,not a date,,Almaty,KAZ,,,,",
            ),
            participants=NO_PARTICIPANTS,
        )
    )
    (issue,) = report.errors
    assert (issue.code, issue.rows) == ("bad_date", (5,))


def test_a_missing_column_is_reported_once_not_on_every_row(write_dir):
    report = validate_dir(
        write_dir(
            events="event_id,title,event_type,start_date\nE1,T,school,2024-03-01\nE2,T,camp,2024-03-01\n",
            participants=NO_PARTICIPANTS,
        )
    )
    assert [(i.code, i.column) for i in report.errors] == [("missing_column", "country_code")]


def test_the_report_never_contains_a_traceback(write_dir):
    report = validate_dir(write_dir(events=b"\xff\xfe\x00\x00garbage", participants=b"\x00" * 50))
    text = report.to_text()
    assert "Traceback" not in text and not report.ok
    assert "events.csv" in text and "participants.csv" in text


def test_every_event_on_a_cycle_is_flagged(write_dir):
    report = validate_dir(
        write_dir(
            events=events(
                "E1,A,A,other,2024-03-01,,Almaty,KAZ,E3,,,",
                "E2,B,A,other,2024-03-01,,Almaty,KAZ,E1,,,",
                "E3,C,A,other,2024-03-01,,Almaty,KAZ,E2,,,",
                "E4,D,A,other,2024-03-01,,Almaty,KAZ,E3,,,",
            ),
            participants=NO_PARTICIPANTS,
        )
    )
    # E4 hangs below the cycle but is not on it.
    assert [(i.code, i.rows) for i in report.errors] == [
        ("parent_cycle", (2,)),
        ("parent_cycle", (3,)),
        ("parent_cycle", (4,)),
    ]


@pytest.mark.parametrize("name", ["*", "(no program)"])
def test_a_reserved_program_name_is_refused(memory_con, write_dir, name):
    from reach import store as reach_store

    from .conftest import sources

    folder = write_dir(
        events="event_id,title,program,event_type,start_date,country_code\n"
        f"E1,School,{name},school,2024-01-10,KAZ\n",
        participants="participant_id,event_id\np1,E1\n",
    )
    result = reach_store.load(memory_con, *sources(folder))
    assert not result.applied
    (issue,) = [i for i in result.report.errors if i.code == "reserved_program"]
    assert (issue.column, tuple(issue.rows)[:1]) == ("program", (2,))
