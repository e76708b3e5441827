"""Excel workbooks (.xlsx) turned into the CSV text the rest of Reach reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from .read import InputError

XLSX_MAGIC = b"PK\x03\x04"


def is_workbook(data: bytes) -> bool:
    """True when the bytes look like an .xlsx (a zip archive)."""
    return data.startswith(XLSX_MAGIC)


def _open(data: bytes, name: str):
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(name, "is not a readable Excel workbook (.xlsx).") from exc


def _usable(book) -> list[str]:  # type: ignore[no-untyped-def]
    titles = []
    for sheet in book.worksheets:
        first = next(sheet.iter_rows(max_row=1, values_only=True), None)
        if first and any(v not in (None, "") for v in first):
            titles.append(sheet.title)
    return titles


def sheet_names(data: bytes, name: str) -> list[str]:
    """The workbook's sheets that hold at least a header row."""
    book = _open(data, name)
    try:
        return _usable(book)
    finally:
        book.close()


def _cell(value: object) -> str:
    # Dates become ISO text and whole numbers lose Excel's ".0", as the contract spells them.
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheet(
    data: bytes, name: str, sheet: str | None = None, prefer: str | None = None
) -> tuple[list[str], str, bytes]:
    """The usable sheets, the sheet read, and that sheet as UTF-8 CSV bytes.

    `sheet` must be usable; `prefer` is taken when usable; otherwise the first usable sheet.
    The workbook is opened once: large workbooks take seconds to open.
    """
    book = _open(data, name)
    try:
        usable = _usable(book)
        if not usable:
            raise InputError(name, "has no sheet with a header row.")
        if sheet is not None and sheet not in usable:
            raise InputError(name, f"has no usable sheet named '{sheet}'.")
        chosen = sheet or (prefer if prefer in usable else usable[0])
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in book[chosen].iter_rows(values_only=True):
            writer.writerow([_cell(v) for v in row])
        return usable, chosen, out.getvalue().encode("utf-8")
    finally:
        book.close()


def to_csv(data: bytes, name: str, sheet: str | None = None) -> bytes:
    """One sheet (the first usable one unless named) as UTF-8 CSV bytes."""
    return read_sheet(data, name, sheet)[2]
