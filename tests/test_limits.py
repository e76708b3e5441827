"""Input limits: small hostile files refused in seconds, one encoding per file, plain messages."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reach import excel, limits, store, upload
from reach.read import InputError
from reach.validate import Source, validate_dir

from .conftest import EVENTS_HEADER
from .test_data_page import data_page
from .test_metrics import EVENTS, PARTICIPANTS
from .test_upload import xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook(
    sheet_data: bytes, strings: bytes | None = None, head: bytes = b"", x: str = ""
) -> bytes:
    """A one-sheet .xlsx written part by part, so a test can make any XML a tool could write.

    x: a namespace prefix for the sheet's tags ("x:"), as the OpenXML SDK writes them.
    """
    types = (
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    )
    rels = f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    if strings is not None:
        types += (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        rels += (
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f"{types}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets><sheet name="Sheet1" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{rels}</Relationships>'
        )
        xmlns = f'xmlns:{x[:-1]}="{MAIN}"' if x else f'xmlns="{MAIN}"'
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f"<{x}worksheet {xmlns}>".encode() + head + f"<{x}sheetData>".encode() + sheet_data
            + f"</{x}sheetData></{x}worksheet>".encode(),
        )  # fmt: skip
        if strings is not None:
            z.writestr(
                "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">'.encode() + strings + b"</sst>"
            )
    return out.getvalue()


def text_cell(text: str, x: str = "") -> bytes:
    return f'<{x}c t="inlineStr"><{x}is><{x}t>{text}</{x}t></{x}is></{x}c>'.encode()


def wide_csv(columns: int) -> bytes:
    return (
        ",".join(f"c{i}" for i in range(columns)) + "\n" + "x," * (columns - 1) + "x\n"
    ).encode()


def wide_sheet(columns: int) -> bytes:
    row = b"<row>" + text_cell("c") * columns + b"</row>"
    return workbook(row * 2)


def long_sheet(rows: int, x: str = "") -> bytes:
    header = f"<{x}row>".encode() + text_cell("participant_id", x) + text_cell("event_id", x)
    row = f"<{x}row><{x}c><{x}v>1</{x}v></{x}c><{x}c><{x}v>2</{x}v></{x}c></{x}row>"
    return workbook(header + f"</{x}row>".encode() + row.encode() * rows, x=x)


def many_texts(texts: int) -> bytes:
    sheet = b'<row><c t="s"><v>0</v></c></row>'
    return workbook(sheet, b"<si><t>abc</t></si>" * texts)


# The child process measures only the call, after its imports, and reports its peak memory.
CHILD = """
import contextlib, io, json, resource, sys, time
from pathlib import Path
from reach import cli, upload
kind, path = sys.argv[1], Path(sys.argv[2])
start = time.perf_counter()
if kind == "cli":
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main(["validate", str(path.parent)])
    message = out.getvalue()
else:
    message = upload.open_upload(kind, path.name, path.read_bytes()).error or ""
seconds = time.perf_counter() - start
try:  # this process's own peak: ru_maxrss would include the parent's, inherited across exec
    status = Path("/proc/self/status").read_text()
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
except OSError:  # macOS: no /proc, and ru_maxrss is in bytes there
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "message": message}))
"""


def measured(tmp_path: Path, kind: str, name: str, data: bytes) -> dict:
    """Open the file as the Data page does (or validate its folder as the CLI does), apart."""
    path = tmp_path / name
    path.write_bytes(data)
    (tmp_path / "participants.csv").write_bytes(b"participant_id,event_id\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REACH_")}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)],
        capture_output=True, text=True, timeout=300, env=env, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


COLUMNS = "has 100,000 columns; Reach reads at most 200 (REACH_MAX_COLUMNS)."
CELLS = "more than 1,000,000 cells (rows × columns, blank rows counted); Reach reads at most "
HOSTILE = [
    pytest.param("events", "wide.csv", lambda: wide_csv(100_000), COLUMNS, id="csv-100000-columns"),
    pytest.param("cli", "events.csv", lambda: wide_csv(100_000), COLUMNS,
                 id="csv-100000-columns-in-the-cli"),
    pytest.param("events", "wide.xlsx", lambda: wide_sheet(100_000), COLUMNS,
                 id="sheet-100000-columns"),
    pytest.param("participants", "long.xlsx", lambda: long_sheet(1_000_000), CELLS,
                 id="sheet-1000000-rows"),
    pytest.param("participants", "long-x.xlsx", lambda: long_sheet(1_000_000, "x:"), CELLS,
                 id="sheet-1000000-rows-with-a-namespace-prefix"),
    pytest.param("participants", "texts.xlsx", lambda: many_texts(4_000_000),
                 "holds more than 1,000,000 texts; Reach reads at most 1,000,000 cells of a "
                 "workbook (REACH_MAX_EXCEL_CELLS).", id="sheet-4000000-shared-strings"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "name", "build", "message"), HOSTILE)
def test_a_small_hostile_file_is_refused_in_seconds_with_the_cap_named(
    tmp_path: Path, kind: str, name: str, build: Callable[[], bytes], message: str
):
    data = build()
    assert len(data) < 1_000_000  # a small upload, far below the 50 MB limit
    seen = measured(tmp_path, kind, name, data)
    assert message in seen["message"] and name in seen["message"], seen["message"]
    assert "has a header but no events" not in seen["message"]
    # Before the caps these took 20-65 s and up to 2.8 GB.
    assert seen["seconds"] < 3, seen
    assert seen["peak_mb"] < 300, seen


MIXED_UP = "mixes two text encodings: "
# (participants.csv as bytes, what the refusal says of its rows)
MIXED = [
    pytest.param(
        "participant_id,event_id,organization\nАлия-00,E1,\"Фонд\nАлматы\"\n".encode()
        + "Алия-01,E1,Фонд\n".encode("cp1251") + "Алия-02,E1,Фонд\n".encode(),
        MIXED_UP + "row 3 is not in UTF-8, the encoding of the rest of the file",
        id="utf-8-with-one-windows-1251-row-after-a-two-line-cell",
    ),
    pytest.param(
        "participant_id,event_id\nАлия-00,E1\n".encode() + "Алия-01,E1\n".encode("cp1251")
        + "Алия-02,E1\nАлия-03,E1\n".encode() + "Алия-04,E1\n".encode("cp1251"),
        MIXED_UP + "rows 3, 6 are not in UTF-8", id="utf-8-with-two-windows-1251-rows",
    ),
    pytest.param(
        "\ufeffparticipant_id,event_id\nАлия-00,E1\n".encode() + "Алия-01,E1\n".encode("cp1251"),
        MIXED_UP + "row 3 is not in UTF-8", id="utf-8-with-a-bom-and-a-windows-1251-row",
    ),
    pytest.param(
        "participant_id,event_id\nАлия-00,E1\nАлия-01,E1\n".encode("cp1251")
        + "Алия-02,E1\n".encode(),
        MIXED_UP + "row 4 is not in Windows-1251, the encoding of the rest of the file",
        id="windows-1251-with-one-utf-8-row",
    ),
    pytest.param(
        "participant_id,event_id\nАлия-00,E1\n".encode("cp1251") + b"\xc0\x98-01,E1\n",
        "is not wholly in one text encoding Reach reads: row 3 is neither in UTF-8 nor in "
        "Windows-1251", id="windows-1251-with-a-byte-it-leaves-undefined",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("people", "message"), MIXED)
def test_a_file_not_in_one_encoding_is_refused_naming_the_odd_rows(
    write_dir, memory_con, people: bytes, message: str
):
    folder = write_dir(events=EVENTS, participants=people)
    report = validate_dir(folder)
    (issue,) = report.errors
    assert (issue.file, issue.code) == ("participants.csv", "unreadable")
    assert message in issue.message, issue.message
    assert "Алия" not in report.to_text() and "РђР" not in report.to_text()
    result = store.load(memory_con, Source.from_path(folder / "events.csv"),
                        Source.from_path(folder / "participants.csv"))  # fmt: skip
    assert not result.applied


ONE_ENCODING = [
    pytest.param("participant_id,event_id\nАлия-01,E1\n".encode(), id="utf-8"),
    pytest.param("\ufeffparticipant_id,event_id\nАлия-01,E1\n".encode(), id="utf-8-with-a-bom"),
    pytest.param("participant_id,event_id\nАлия-01,E1\n".encode("cp1251"), id="windows-1251"),
    pytest.param("participant_id,event_id\nАлия-01,E1\n".encode("utf-16"), id="utf-16-with-a-bom"),
    pytest.param(b"participant_id,event_id\nP1,E1\n" + "Алия-01,E1\n".encode("cp1251"),
                 id="ascii-with-one-windows-1251-row-is-windows-1251"),
]  # fmt: skip


@pytest.mark.parametrize("people", ONE_ENCODING)
def test_a_file_in_one_accepted_encoding_loads_its_ids_intact(write_dir, memory_con, people):
    folder = write_dir(events=EVENTS, participants=people)
    result = store.load(memory_con, Source.from_path(folder / "events.csv"),
                        Source.from_path(folder / "participants.csv"))  # fmt: skip
    assert result.applied, result.report.to_text()
    ids = {r[0] for r in memory_con.execute("select participant_id from participants").fetchall()}
    assert "Алия-01" in ids


GOOD = "E1,School,A,school,2024-03-01,,Almaty,KAZ,,,,"
LONG = "x" * 20_000
# (events.csv, the row and column named, what the message says)
UNREADABLE = [
    pytest.param(f"{EVENTS_HEADER}\n{GOOD}\nE2,{LONG},A,school,2024-03-01,,Almaty,KAZ,,,,\n",
                 3, "title", "this cell is 20,000 characters long; Reach reads at most 10,000",
                 id="a-long-cell"),
    pytest.param(f'{EVENTS_HEADER}\nE1,"{(LONG[:99] + chr(10)) * 200}",A,school,2024-03-01,,'
                 "Almaty,KAZ,,,,\n", 2, "title", "this cell is 20,000 characters long",
                 id="a-long-cell-over-many-lines"),
    pytest.param(f"{EVENTS_HEADER}\n{GOOD}\nE2,A,{'x' * 3_000_000},school,2024-03-01,,Almaty,"
                 "KAZ,,,,\n", 3, "program", "this cell is 3,000,000 characters long",
                 id="a-cell-longer-than-duckdb-reads-by-default"),
    pytest.param(f"event_id,{LONG * 10},{EVENTS_HEADER[9:]}\n", 1, "2",
                 "this header cell is 200,000 characters long", id="a-header-cell-over-128-kb"),
    pytest.param(f'{EVENTS_HEADER}\nE1,"School,A,school,2024-03-01,,Almaty,KAZ,,,,\n{GOOD}\n',
                 2, "title", "a quoted cell starts here and its closing quote is missing",
                 id="an-unclosed-quote"),
    pytest.param(f'{EVENTS_HEADER}\n{GOOD}\nE2,"Camp ""A""",A,camp,2024-03-01,,"Osh,KGZ,,,,\n',
                 3, "city", "a quoted cell starts here and its closing quote is missing",
                 id="an-unclosed-quote-after-a-doubled-one"),
    pytest.param(f'{EVENTS_HEADER}\nE1,12" School,A,school,2024-03-01,,Almaty,KAZ,,,,\n'
                 'E2,"Camp,A,camp,2024-03-01,,Osh,KGZ,,,,\n', 3, "title",
                 "a quoted cell starts here and its closing quote is missing",
                 id="an-unclosed-quote-after-a-stray-one"),
]  # fmt: skip


@pytest.mark.parametrize(("events_csv", "row", "column", "message"), UNREADABLE)
def test_an_unreadable_cell_is_named_by_row_and_column_without_its_text(
    write_dir, events_csv: str, row: int, column: str, message: str
):
    report = validate_dir(write_dir(events=events_csv.encode(), participants=b"participant_id\n"))
    (issue,) = [i for i in report.errors if i.file == "events.csv"]
    assert (issue.rows, issue.column) == ((row,), column), report.to_text()
    assert message in issue.message
    text = report.to_text()
    assert "xxxxxxxxxx" not in text and "School" not in text and "Camp" not in text
    assert "required but blank" not in text and "no readable header row" not in text


def test_a_stray_quote_inside_a_cell_still_loads(write_dir, memory_con):
    folder = write_dir(
        events=f'{EVENTS_HEADER}\nE1,12" pipes,A,school,2024-03-01,,Almaty,KAZ,,,,\n'
    )
    result = store.load(memory_con, Source.from_path(folder / "events.csv"), None)
    assert result.applied, result.report.to_text()
    assert memory_con.execute("select title from events").fetchall() == [('12" pipes',)]


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        ("a,E1\nb,E1\nc,E1\nd,E1\n", True),
        # Five lines but three rows: a quoted cell holds two line breaks.
        ('a,E1,"x\ny\nz"\nb,E1,\nc,E1,\n', False),
        ("a,E1\n\n\nb,E1\n", True),  # blank lines are rows, as a spreadsheet shows them
    ],
)
def test_more_rows_than_reach_max_rows_are_refused(monkeypatch, body: str, refused: bool):
    monkeypatch.setenv("REACH_MAX_ROWS", "3")
    up = upload.open_upload(
        "participants", "p.csv", f"participant_id,event_id,note\n{body}".encode()
    )
    if refused:
        assert up.error == (
            "p.csv: has more than 3 rows below the header; Reach reads at most 3 (REACH_MAX_ROWS). "
            "Split it into smaller files."
        )
    else:
        assert up.error is None


def sheet(*rows: list[str], head: bytes = b"") -> bytes:
    xml = b"".join(b"<row>" + b"".join(text_cell(c) if c else b"<c/>" for c in r) + b"</row>"
                   for r in rows)  # fmt: skip
    return workbook(xml, head=head)


# (settings, workbook, what the refusal says)
SHEETS = [
    pytest.param({"REACH_MAX_EXCEL_CELLS": "20"}, sheet(["a", "b"], *[["1", "2"]] * 15),
                 "has a sheet of more than 20 cells", id="too-many-cells"),
    pytest.param({"REACH_MAX_COLUMNS": "3"}, sheet(["a", "b", "c", "d"], ["1", "2", "3", "4"]),
                 "has 4 columns; Reach reads at most 3 (REACH_MAX_COLUMNS).", id="a-wide-header"),
    pytest.param({"REACH_MAX_COLUMNS": "3"}, sheet(["a", "b"], ["1"], ["1", "", "", "", "5"]),
                 "row 3, column E: has a value in column 5; Reach reads at most 3 columns",
                 id="a-value-beyond-the-columns"),
    pytest.param({}, sheet(["event_id", "title"], ["E1", "y" * 12_000]),
                 "row 2, column title: this cell is 12,000 characters long; Reach reads at most "
                 "10,000", id="a-long-cell"),
    pytest.param({"REACH_MAX_CELL_CHARS": "100"}, sheet(["event_id", "title"], ["E1", "y" * 5000]),
                 "holds a text of more than 100 characters; Reach reads at most 100 characters in "
                 "a cell (REACH_MAX_CELL_CHARS).", id="a-text-too-long-to-unpack"),
    pytest.param({"REACH_MAX_UNPACKED_MB": "1"}, sheet(["a", "b"], *[["12345", "67890"]] * 30_000),
                 "MB; Reach unpacks at most 1 MB of a workbook (REACH_MAX_UNPACKED_MB)",
                 id="unpacks-too-big"),
    pytest.param({}, workbook(b"<row>" + text_cell("a") + b"</row><row>" + text_cell("1") * 20_000
                              + b"</row>"),
                 "row 2, column 20,000: has a value in column 20,000; Reach reads at most 200",
                 id="a-row-wider-than-excel-allows"),
    pytest.param({}, workbook(b"<row>" + text_cell("a") + b"</row><row><c><v>1</v></row>"),
                 "is not a readable Excel workbook (.xlsx).", id="a-sheet-of-broken-xml"),
]  # fmt: skip


@pytest.mark.parametrize(("settings", "data", "message"), SHEETS)
def test_a_workbook_over_a_cap_is_refused_with_the_cap_named(monkeypatch, settings, data, message):
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    up = upload.open_upload("events", "book.xlsx", data)
    assert up.error and up.error.startswith("book.xlsx") and message in up.error, up.error
    assert "yyyyy" not in up.error


def test_a_sheet_is_read_as_stored_not_as_its_dimension_claims():
    # A stale <dimension> (formatting once reached row 1,048,576) neither pads nor adds rows;
    # a missing row inside the sheet stays a blank row, so row numbers match Excel's.
    stale = b'<dimension ref="A1:Z1048576"/>'
    rows = b'<row r="1">' + text_cell("a") + text_cell("b") + b'</row><row r="3">'
    rows += text_cell("1") + text_cell("2") + b'</row><row r="9" s="1" customFormat="1"/>'
    assert excel.to_csv(workbook(rows, head=stale), "book.xlsx").decode() == "a,b\n,\n1,2\n"


@pytest.mark.parametrize("name", ["book.xlsm", "Book.XLSM", "old.xls"])
def test_a_macro_or_old_workbook_is_refused_with_one_plain_sentence(name: str):
    up = upload.open_upload("events", name, xlsx({"Events": [["event_id"], ["E1"]]}))
    assert up.error and up.error.startswith(f"{name}: is ")
    assert "Reach does not read those" in up.error and "(.xlsx) or as CSV (UTF-8)" in up.error


@pytest.fixture
def db(tmp_path, monkeypatch, write_dir):
    path = tmp_path / "reach.duckdb"
    assert store.load_dir(path, write_dir(events=EVENTS, participants=PARTICIPANTS)).applied
    monkeypatch.setenv("REACH_DB", str(path))
    return path


def test_the_data_page_states_the_limits_and_explains_an_xlsm(db, monkeypatch):
    monkeypatch.setenv("REACH_MAX_COLUMNS", "123")
    at: AppTest = data_page()
    caption = " ".join(c.value for c in at.caption)
    assert "2,000,000 rows below the header, 123 columns and 10,000 characters in a cell" in caption
    uploader = at.file_uploader(key="file_events")
    assert ".xlsm" in uploader.allowed_type or "xlsm" in uploader.allowed_type
    uploader.set_value(("macros.xlsm", xlsx({"S": [["event_id"], ["E1"]]}), "application/zip"))
    at.run()
    assert not at.exception
    # The message carries the file's name, so it is escaped for markdown (shown as written).
    assert any("macros.xlsm: is a macro-enabled workbook \\(.xlsm\\)" in e.value for e in at.error)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, limits.Limits(50, 500, 2_000_000, 200, 10_000, 1_000_000)),
        ({"REACH_MAX_UPLOAD_MB": "20"}, limits.Limits(20, 200, 2_000_000, 200, 10_000, 1_000_000)),
        ({"REACH_MAX_ROWS": "ten", "REACH_MAX_COLUMNS": "-5", "REACH_MAX_CELL_CHARS": "500"},
         limits.Limits(50, 500, 2_000_000, 200, 500, 1_000_000)),
    ],
)  # fmt: skip
def test_the_caps_come_from_settings_and_a_bad_value_keeps_the_default(
    monkeypatch, settings, expected
):
    for key in ("UPLOAD_MB", "UNPACKED_MB", "ROWS", "COLUMNS", "CELL_CHARS", "EXCEL_CELLS"):
        monkeypatch.delenv(f"REACH_MAX_{key}", raising=False)
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    assert limits.current() == expected
    assert upload.max_upload_mb() == expected.upload_mb


def test_input_error_names_row_and_column_only_when_both_are_known():
    assert (
        str(InputError("e.csv", "bad.", row=3, column="title")) == "e.csv row 3, column title: bad."
    )
    assert str(InputError("e.csv", "bad.", row=3)) == "e.csv: bad."
