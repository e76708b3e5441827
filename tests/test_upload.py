"""Uploads: Excel sheets, column mapping, size limits, preview, undo, export, concurrency."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import openpyxl
import pytest

from reach import excel, history, mapping, metrics, store, upload
from reach.export import contract_files, safe_csv
from reach.read import InputError
from reach.validate import Source

from .test_metrics import EVENTS, PARTICIPANTS
from .test_store import dump


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "headers", "expected"),
    [
        (
            "participants",
            ["ID", "Event", "Sex", "_uuid", "_submission_time"],
            ["participant_id", "event_id", "gender", "(ignore)", "(ignore)"],
        ),
        (
            "participants",
            ["Код участника", "Мероприятие", "Пол", "Страна", "Роль"],
            ["participant_id", "event_id", "gender", "country_code", "role"],
        ),
        (
            "participants",
            ["Participant ID", "event_id", "Gender", "Year of birth", "Organisation", "Notes"],
            ["participant_id", "event_id", "gender", "birth_year", "organization", "(ignore)"],
        ),
        (
            "events",
            ["Event ID", "Title", "Type", "Start date", "Country", "Parent"],
            ["event_id", "title", "event_type", "start_date", "country_code", "parent_event_id"],
        ),
        (
            "events",
            ["Code", "Название", "Формат", "Дата начала", "Страна", "Город"],
            ["event_id", "title", "event_type", "start_date", "country_code", "city"],
        ),
    ],
)
def test_the_mapping_is_proposed_from_common_synonyms(kind, headers, expected):
    assert list(mapping.propose(headers, kind).values()) == expected


def test_a_file_in_contract_names_needs_no_mapping():
    assert not mapping.needs_mapping(["participant_id", "Event_ID", "gender"], "participants")
    assert mapping.needs_mapping(["ID", "Event"], "participants")


def test_a_mapped_file_loads_under_the_contract_names(memory_con):
    up = upload.open_upload(
        "participants", "kobo.csv", "ID,Event,Sex,_uuid\nX1,E1,Ж,9f2c\n".encode()
    )
    events = Source("events.csv", (EVENTS.lstrip("\n")).encode())
    result = store.load(memory_con, events, up.source())
    assert result.applied, result.report.to_text()
    assert not result.report.warnings  # _uuid is survey metadata: ignored without a warning
    assert memory_con.execute("select participant_id, gender from participants").fetchall() == [
        ("X1", "female")
    ]


def test_excel_dates_and_whole_numbers_read_as_the_contract_spells_them():
    data = xlsx(
        {
            "Empty": [],
            "Events": [
                ["event_id", "title", "event_type", "start_date", "country_code",
                 "reported_participants"],
                ["E1", "School", "school", dt.datetime(2024, 3, 9), "KZ", 25.0],
            ],
            "Other": [["a"], [1]],
        }
    )  # fmt: skip
    assert excel.sheet_names(data, "e.xlsx") == ["Events", "Other"]
    text = excel.to_csv(data, "e.xlsx").decode()
    assert text.splitlines()[1] == "E1,School,school,2024-03-09,KZ,25"
    assert excel.to_csv(data, "e.xlsx", "Other").decode() == "a\n1\n"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("e.xlsx", xlsx({"Blank": []}), "has no sheet with a header row"),
        ("e.xlsx", b"PK\x03\x04 not really a zip", "is not a readable Excel workbook"),
        ("e.csv", b"", "is empty"),
        ("e.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "is not a text file"),
    ],
)
def test_unusable_uploads_get_a_sentence(name, data, message):
    up = upload.open_upload("events", name, data)
    assert up.error and message in up.error and name in up.error


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(monkeypatch):
    monkeypatch.setenv("REACH_MAX_UPLOAD_MB", "1")
    up = upload.open_upload(
        "participants", "big.csv", b"participant_id,event_id\n" + b"x" * 2_000_000
    )
    assert up.error and "over the 1 MB limit" in up.error


def test_an_excel_workbook_not_converted_is_named_as_such():
    with pytest.raises(InputError, match="Excel workbook"):
        from reach import read

        read.prepare(xlsx({"S": [["a"]]}), "x.csv", None)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path, write_dir):
    path = tmp_path / "reach.duckdb"
    assert store.load_dir(path, write_dir(events=EVENTS, participants=PARTICIPANTS)).applied
    return path


NEW_EVENTS = Source(
    "events.csv",
    b"event_id,title,event_type,start_date,country_code,parent_event_id\n"
    b"E6,Camp,camp,2024-08-01,KGZ,\nE2,Peer session,seminar,2024-03-01,KAZ,\n",
)
NEW_PARTICIPANTS = Source("participants.csv", b"participant_id,event_id,gender\nq1,E6,f\nq2,E2,m\n")


def on_disk(path: Path) -> tuple[bytes, store.Version]:
    """The store file's bytes, and its stamp as the app's readers see it (a new stamp makes
    every reader copy the store again)."""
    return path.read_bytes(), store.file_version(path)


@pytest.mark.parametrize("replace", [False, True])
def test_the_preview_predicts_the_load_and_touches_nothing(db, replace):
    before, file_before = dump(db), on_disk(db)
    seen = store.preview(db, NEW_EVENTS, NEW_PARTICIPANTS, replace=replace)
    assert dump(db) == before
    assert on_disk(db) == file_before
    done = store.load_sources(db, NEW_EVENTS, NEW_PARTICIPANTS, replace=replace)
    assert (seen.counts, seen.after) == (done.counts, done.after)
    with store.connect(db, read_only=True) as con:
        assert metrics.summary(con).as_dict() == done.after


def test_a_preview_of_a_large_replace_leaves_the_store_file_as_it_was(tmp_path):
    # DuckDB writes an insert of a whole row group (122,880 rows) into the file before its
    # commit; the preview's rollback would leave the file grown and its stamp new.
    rows = 125_000
    events = Source("events.csv", b"event_id,title,event_type,start_date,country_code\n"
                    b"E1,School,training,2024-03-01,KAZ\n")  # fmt: skip
    people = "participant_id,event_id,gender\n" + "".join(f"p{i},E1,f\n" for i in range(rows))
    participants = Source("participants.csv", people.encode())
    path = tmp_path / "reach.duckdb"
    with store.connect(path) as con:  # a store of these rows alone, not the bundled sample
        assert store.load(con, events, participants).applied
    file_before = on_disk(path)
    seen = store.preview(path, events, participants, replace=True)
    assert (seen.counts["participant_rows_added"], seen.counts["participant_rows_removed"]) == (
        rows, rows,
    )  # fmt: skip
    assert on_disk(path) == file_before


def test_merge_preview_numbers_by_hand(db):
    seen = store.preview(db, NEW_EVENTS, NEW_PARTICIPANTS)
    # E2 becomes a root seminar whose list (p5 p6 p2 p3 and trainer p1: 5 rows) is replaced by
    # q2 alone; E6 brings q1. Reached: p1-p4 q2 p7 p8 q1 = 8, plus headcounts 10 + 8 = 26.
    # E2 is now level 0, so q2 is direct; E3 (level 1) and E5 stay in the cascade.
    assert seen.before["people_reached"] == 26 and seen.after["people_reached"] == 26
    assert (seen.after["direct_reach"], seen.after["cascade_reach"]) == (8, 18)
    c = seen.counts
    assert (c["events_added"], c["events_updated"]) == (1, 1)
    assert (c["participant_rows_added"], c["participant_rows_removed"]) == (2, 5)


@pytest.mark.parametrize("replace", [False, True])
def test_undo_restores_the_store_exactly(db, replace):
    before = dump(db)
    with store.connect(db, read_only=True) as con:
        numbers = metrics.summary(con)
    assert store.load_sources(db, NEW_EVENTS, NEW_PARTICIPANTS, replace=replace).applied
    assert history.undo_last(db) == 2
    after = dump(db)
    for table in ("events", "participants", "countries"):
        assert after[table] == before[table]
    with store.connect(db, read_only=True) as con:
        assert metrics.summary(con) == numbers
        assert history.undoable(con) is None  # only the last load, once
        assert con.execute("select load_id from loads where undone_at is not null").fetchall() == [
            (2,)
        ]


def test_only_the_last_load_can_be_undone(db):
    assert store.load_sources(db, NEW_EVENTS, NEW_PARTICIPANTS).applied
    assert history.undo_last(db) == 2
    assert history.undo_last(db) is None


def test_two_concurrent_commits_both_complete_one_after_the_other(db):
    first = (Source("events.csv", b"event_id,title,event_type,start_date,country_code\n"
                                  b"A1,One,camp,2024-09-01,KAZ\n"),
             Source("participants.csv", b"participant_id,event_id\na1,A1\n"))  # fmt: skip
    second = (Source("events.csv", b"event_id,title,event_type,start_date,country_code\n"
                                   b"B1,Two,camp,2024-09-02,KGZ\n"),
              Source("participants.csv", b"participant_id,event_id\nb1,B1\nb2,B1\n"))  # fmt: skip
    results: list = []
    start = threading.Barrier(2)

    def commit(files):
        start.wait()
        results.append(store.load_sources(db, *files))

    threads = [threading.Thread(target=commit, args=(f,)) for f in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [r.applied for r in results] == [True, True]
    assert sorted(r.load_id for r in results) == [2, 3]
    with store.connect(db, read_only=True) as con:
        s = metrics.summary(con)
        loads = con.execute("select load_id, events_added from loads order by 1").fetchall()
    assert s.people_reached == 26 + 3 and s.events == 7
    assert loads == [(1, 5), (2, 1), (3, 1)]


def test_the_export_reloads_to_the_same_numbers(db, memory_con):
    with store.connect(db, read_only=True) as con:
        files = contract_files(con)
        numbers = metrics.summary(con)
    sources = [Source(n, safe_csv(files[n])) for n in ("events.csv", "participants.csv")]
    assert store.load(memory_con, *sources).applied
    assert metrics.summary(memory_con) == numbers


def test_exports_are_defused_against_spreadsheet_formulas():
    import pandas as pd

    text = safe_csv(pd.DataFrame({"title": ["=HYPERLINK(x)", "+1", "-2", "@a", "\tx", "ok"]}))
    lines = text.decode("utf-8-sig").splitlines()
    assert lines == ["title", "'=HYPERLINK(x)", "'+1", "'-2", "'@a", "'\tx", "ok"]


def test_two_processes_committing_at_once_never_leave_a_mixed_store(db, write_dir):
    import os
    import subprocess
    import sys

    folders = [
        write_dir(
            events=f"event_id,title,event_type,start_date,country_code\n{e},T,camp,2024-09-01,KAZ\n",
            participants=f"participant_id,event_id\n{e}-a,{e}\n{e}-b,{e}\n",
        )
        for e in ("P1", "P2")
    ]
    env = {**os.environ, "REACH_BUSY_WAIT": "60"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "reach", "load", str(f), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )  # fmt: skip
        for f in folders
    ]
    outcomes = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    # Each either loaded (one after the other) or was told the store is busy: nothing else.
    for code, err in outcomes:
        assert code == 0 or (code == 1 and "busy" in err), err
    loaded = sum(code == 0 for code, _ in outcomes)
    with store.connect(db, read_only=True) as con:
        s = metrics.summary(con)
        n_loads = con.execute("select count(*) from loads").fetchall()[0][0]
    assert (s.events, s.people_reached, n_loads) == (5 + loaded, 26 + 2 * loaded, 1 + loaded)
    assert loaded == 2  # with a 60 s wait, the second simply waits its turn
