"""Hostile and broken input (issue 13): each test fails on the code before the fix."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from reach import history, labels, store
from reach.export import safe_csv

from .test_metrics import EVENTS, PARTICIPANTS

ROOT = Path(__file__).resolve().parents[1]


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("Leadership school\r=cmd|' /C calc'!A0", "Leadership school\r'=cmd|' /C calc'!A0"),
        ("a\n+1", "a\n'+1"),
        ("a\r\n@SUM(1)", "a\r\n'@SUM(1)"),
        ("\r=1", "'\r'=1"),
        ("\t=1+1", "'\t=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("plain\ntext", "plain\ntext"),
    ],
)
def test_the_csv_writer_defuses_formulas_even_after_a_line_break(cell, written):
    data = safe_csv(pd.DataFrame({"title": [cell], "n": [1]}))
    assert rows_of(data) == [["title", "n"], [written, "1"]]
    # A lone CR never ends a row: every field holding CR or LF is quoted.
    if "\r" in written or "\n" in written:
        assert '"' + written.replace('"', '""') + '"' in data.decode("utf-8-sig")


def test_streamlits_own_table_download_is_off_and_errors_show_no_details():
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "disableDataExport = true" in config
    assert 'showErrorDetails = "none"' in config


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("![x](http://evil.example/p.png)", "\\!\\[x\\]\\(http://evil.example/p.png\\)"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert\\(1\\)\\>"),
        ("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"),
    ],
)
def test_data_text_in_captions_is_escaped_never_interpreted(value, shown):
    assert labels.text(value) == shown


@pytest.fixture
def db(hand_db):
    return hand_db


def test_undo_undoes_only_the_load_that_was_confirmed(db, write_dir):
    more = write_dir(events="event_id,title,event_type,start_date,country_code\n"
                            "E9,Camp,camp,2024-09-01,KAZ\n")  # fmt: skip
    assert store.load_dir(db, more).applied  # load 2
    confirmed = 2
    assert store.load_dir(db, write_dir(events=EVENTS, participants=PARTICIPANTS)).applied  # 3
    assert history.undo_last(db, expected=confirmed) is None  # load 3 came meanwhile
    with store.connect(db, read_only=True) as con:
        assert con.execute("select count(*) from loads where undone_at is not null").fetchone() == (
            0,
        )
    assert history.undo_last(db, expected=3) == 3


def test_a_damaged_store_gets_a_sentence_and_no_traceback(tmp_path, monkeypatch):
    path = tmp_path / "damaged.duckdb"
    path.write_bytes(b"this is not a duckdb file" * 100)
    monkeypatch.setenv("REACH_DB", str(path))
    monkeypatch.delenv("REACH_ACCOUNTS", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Reach cannot read its data store: the file may be damaged or missing. An "
        "administrator can restore the last backup with `python -m reach restore DIR`."
    ]
    assert str(tmp_path) not in " ".join(e.value for e in at.error)


def test_a_busy_store_shows_the_last_good_numbers_with_a_note(db, monkeypatch):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    before = {m.label: m.value for m in at.metric}
    assert before["People reached"] == "26"
    # A load in another process holds the store: its file changes and it cannot be opened.
    monkeypatch.setenv("REACH_BUSY_WAIT", "0.2")
    with store.connect(db) as con:
        con.execute("insert into meta values ('busy-marker', 'x')")
        con.execute("checkpoint")
        at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == before
    assert any("A load is being written to the store" in i.value for i in at.info)


def test_markup_in_program_and_country_names_is_shown_in_charts_not_run():
    from reach import charts

    evil = '<a href="http://evil.example">P</a><span style="background:url(http://e.x/i)">'
    df = pd.DataFrame(
        {"group": [evil], "people_reached": [12], "direct_reach": [5], "cascade_reach": [7]}
    )
    figures = [
        charts.ranked_bar(df, "group", "people_reached", f"Top — {evil}", "People"),
        charts.reach_split(df, "group", "By program"),
        charts.published_bar(df, "group", "people_reached", "Published", "People"),
    ]
    for fig in figures:
        text = fig.to_json()
        assert "<a href" not in text and "<span" not in text
        assert "&lt;a href=" in text


def test_a_program_named_like_a_markdown_image_stays_text_in_the_scope_caption(
    tmp_path, monkeypatch, write_dir
):
    evil = "![x](http://evil.example/p.png)"
    path = tmp_path / "evil.duckdb"
    events = (
        "event_id,title,program,event_type,start_date,country_code\n"
        f'E1,School,"{evil}",school,2024-01-10,KAZ\n'
    )
    participants = "participant_id,event_id,gender\n" + "".join(f"p{i},E1,f\n" for i in range(10))
    assert store.load_dir(path, write_dir(events=events, participants=participants)).applied
    monkeypatch.setenv("REACH_DB", str(path))
    monkeypatch.delenv("REACH_ACCOUNTS", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["program"] = evil
    at.run()
    assert not at.exception
    scope = next(c.value for c in at.caption if c.value.startswith("Scope:"))
    # Escaped: markdown shows the characters; no image (and no request to evil.example).
    assert "\\!\\[x\\]\\(http://evil.example/p.png\\)" in scope
    assert "![x](" not in scope


def test_upload_copies_live_in_a_private_folder_and_a_dead_checks_leftovers_are_swept(
    tmp_path, monkeypatch
):
    import os
    import time

    from reach import scratch

    monkeypatch.setenv("REACH_TMP", str(tmp_path))
    folder = scratch.base()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    dead = folder / "check-dead"
    dead.mkdir()
    (dead / "upload.csv").write_text("Жумабаева Жанар,+7 701 000 12 34\n", encoding="utf-8")
    old = time.time() - 2 * scratch.STALE_SECONDS
    os.utime(dead, (old, old))
    with scratch.workspace() as work:
        assert work.parent == folder and work.exists()
        assert not dead.exists()  # swept: the leftover of a process killed mid-check
    assert not work.exists()
