"""Excel workbooks (.xlsx) turned into the CSV text the rest of Reach reads, within the caps."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from . import i18n, limits
from .i18n import _
from .limits import EXCEL_MAX_COLUMNS, MB, Limits
from .read import InputError, cell_too_long, too_long, too_wide

XLSX_MAGIC = b"PK\x03\x04"

# Tags as they appear in the XML, with or without a namespace prefix (`<c ` or `<x:c `).
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_CELL = re.compile(_PREFIX + rb"c[\s/>]")
_TEXT = re.compile(_PREFIX + rb"si[\s/>]")
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row>|" + _PREFIX + rb"row\b[^<>]*/>")
_CHUNK = 1024 * 1024


@dataclass
class _Counts:
    """What one part of a workbook holds, as far as it was counted."""

    cells: int = 0
    texts: int = 0
    first_row: int = 0  # cells of its first row (a sheet's header)


def is_workbook(data: bytes) -> bool:
    """True when the bytes look like an .xlsx (a zip archive)."""
    return data.startswith(XLSX_MAGIC)


def _scan(archive: zipfile.ZipFile, part: zipfile.ZipInfo, name: str, caps: Limits) -> _Counts:
    """Count one part's cells and shared texts, stopping past the cap; 0s for a part not XML.

    Runs at C speed on the raw XML, so a workbook that would take openpyxl minutes is refused
    in well under a second. Every XML part is counted, whatever its name: a workbook may keep
    its sheets and texts anywhere. Any text run long enough to hold more than
    REACH_MAX_CELL_CHARS characters (10 bytes a character at most, as `&#1114111;`) is refused
    here too, before openpyxl would build it.
    """
    longest = 10 * caps.cell_chars + 1024
    long_text = re.compile(rb"<[^<]{%d}" % longest)
    counts = _Counts()
    in_first_row = True
    carry = b""
    with archive.open(part) as stream:
        chunk = stream.read(_CHUNK)
        if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return counts  # an image or other binary part: openpyxl does not parse it
        while True:
            buf = carry + chunk
            # Cut at the last "<": every tag before it is whole, the rest waits for more bytes.
            cut = max(buf.rfind(b"<"), 0) if chunk else len(buf)
            seg, carry = buf[:cut], buf[cut:]
            if len(carry) > longest or long_text.search(seg):
                message = _(
                    "holds a text of more than {cap} characters; Reach reads at most {cap} "
                    "characters in a cell (REACH_MAX_CELL_CHARS)."
                )
                raise InputError(name, message.format(cap=i18n.number(caps.cell_chars)))
            counts.cells += len(_CELL.findall(seg))
            counts.texts += len(_TEXT.findall(seg))
            if in_first_row:
                end = _ROW_END.search(seg)
                counts.first_row += len(_CELL.findall(seg, 0, end.start() if end else len(seg)))
                in_first_row = end is None
            if max(counts.cells, counts.texts) > caps.excel_cells or not chunk:
                return counts
            chunk = stream.read(_CHUNK)


def _check_archive(data: bytes, name: str, caps: Limits) -> None:
    """Refuse a workbook too big to unpack, or with too many cells or texts, before opening it."""
    cap = caps.excel_cells
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        # Declared sizes bound what is read: zipfile stops each part at its declared size.
        unpacked = sum(p.file_size for p in parts)
        if unpacked > caps.unpacked_mb * MB:
            message = _(
                "unpacks to {size} MB; Reach unpacks at most {cap} MB of a workbook "
                "(REACH_MAX_UNPACKED_MB). Save the sheet you need as CSV (UTF-8) and upload that."
            )
            size, cap_mb = i18n.number(unpacked / MB), i18n.number(caps.unpacked_mb)
            raise InputError(name, message.format(size=size, cap=cap_mb))
        for part in parts:
            counts = _scan(archive, part, name, caps)
            # openpyxl loads every shared text when it opens a workbook, even read-only.
            if counts.texts > cap:
                message = _(
                    "holds more than {cap} texts; Reach reads at most {cap} cells of a workbook "
                    "(REACH_MAX_EXCEL_CELLS). Save the sheet you need as CSV (UTF-8) and upload "
                    "that."
                )
                raise InputError(name, message.format(cap=i18n.number(cap)))
            if counts.cells > cap:
                raise _too_many_cells(name, cap)
            # A header wider than Excel allows is refused before openpyxl parses it; a
            # narrower one is measured on its values when the sheet is read.
            if counts.first_row > EXCEL_MAX_COLUMNS:
                raise too_wide(name, counts.first_row, caps.columns)


def _too_many_cells(name: str, cap: int) -> InputError:
    message = _(
        "has a sheet of more than {cap} cells (rows × columns, blank rows counted); Reach reads "
        "at most {cap} from a workbook (REACH_MAX_EXCEL_CELLS). Save the sheet as CSV (UTF-8), "
        "which Reach reads up to REACH_MAX_ROWS rows, and upload that."
    )
    return InputError(name, message.format(cap=i18n.number(cap)))


# What openpyxl and zipfile raise on a damaged workbook, on opening it or reading a sheet.
_DAMAGED = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError)


def _unreadable(name: str) -> InputError:
    # Translators: follows a file name: "list.xlsx: is not a readable Excel workbook (.xlsx).".
    return InputError(name, _("is not a readable Excel workbook (.xlsx)."))


def _open(data: bytes, name: str):  # type: ignore[no-untyped-def]
    try:
        _check_archive(data, name, limits.current())
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _DAMAGED as exc:
        raise _unreadable(name) from exc


def _usable(book) -> list[str]:  # type: ignore[no-untyped-def]
    titles = []
    for sheet in book.worksheets:
        # A stale or hostile <dimension> would pad every row to its width: rows are read as
        # stored instead.
        sheet.reset_dimensions()
        first = next(sheet.iter_rows(max_row=1, values_only=True), None)
        if first and any(v not in (None, "") for v in first):
            titles.append(sheet.title)
    return titles


def sheet_names(data: bytes, name: str) -> list[str]:
    """The workbook's sheets that hold at least a header row."""
    book = _open(data, name)
    try:
        return _usable(book)
    except _DAMAGED as exc:
        raise _unreadable(name) from exc
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


def _letter(column: int) -> str:
    # Excel's letters end at XFD (16,384); a row written without cell references can go on.
    return get_column_letter(column) if column <= EXCEL_MAX_COLUMNS else i18n.number(column)


def _rows(values: Iterable[tuple[object, ...]], name: str, caps: Limits) -> list[list[str]]:
    """The sheet's rows as text, trailing blanks dropped; refused as soon as a cap is crossed."""
    rows: list[list[str]] = []
    header: list[str] = []
    blank = cells = 0
    for number, row in enumerate(values, start=1):
        # Every row read costs openpyxl at least one cell's work, even an empty one.
        cells += max(len(row), 1)
        if cells > caps.excel_cells:
            raise _too_many_cells(name, caps.excel_cells)
        if number - 1 > caps.rows:
            raise too_long(name, caps.rows)
        text = [_cell(v) for v in row]
        while text and not text[-1]:
            text.pop()
        if not text:
            blank += 1  # written only when a row with values follows: trailing ones never are
            continue
        if number == 1:
            header = [" ".join(h.split()) for h in text]
        if len(text) > caps.columns:
            if number == 1:
                raise too_wide(name, len(text), caps.columns)
            message = _(
                "has a value in column {column}; Reach reads at most {cap} columns "
                "(REACH_MAX_COLUMNS)."
            )
            refusal = message.format(column=i18n.number(len(text)), cap=i18n.number(caps.columns))
            raise InputError(name, refusal, row=number, column=_letter(len(text)))
        if max(map(len, text)) > caps.cell_chars:
            i = next(i for i, t in enumerate(text) if len(t) > caps.cell_chars)
            label = header[i] if i < len(header) and header[i] and number > 1 else None
            column = label or _letter(i + 1)
            raise cell_too_long(name, number, column, len(text[i]), caps.cell_chars)
        rows.extend([] for _blank in range(blank))
        blank = 0
        rows.append(text)
    return rows


def read_sheet(
    data: bytes, name: str, sheet: str | None = None, prefer: str | None = None
) -> tuple[list[str], str, bytes]:
    """The usable sheets, the sheet read, and that sheet as UTF-8 CSV bytes.

    `sheet` must be usable; `prefer` is taken when usable; otherwise the first usable sheet.
    The workbook is opened once: large workbooks take seconds to open. Rows are streamed and
    the read stops at the first cap crossed (see reach.limits).
    """
    book = _open(data, name)
    try:
        usable = _usable(book)
        if not usable:
            raise InputError(name, _("has no sheet with a header row."))
        if sheet is not None and sheet not in usable:
            message = _("has no usable sheet named '{sheet}'.").format(sheet=sheet)
            raise InputError(name, message)
        chosen = sheet or (prefer if prefer in usable else usable[0])
        rows = _rows(book[chosen].iter_rows(values_only=True), name, limits.current())
    except _DAMAGED as exc:
        raise _unreadable(name) from exc
    finally:
        book.close()
    # Every row as wide as the widest, as a spreadsheet shows them.
    width = max(map(len, rows), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row + [""] * (width - len(row)))
    return usable, chosen, out.getvalue().encode("utf-8")


def to_csv(data: bytes, name: str, sheet: str | None = None) -> bytes:
    """One sheet (the first usable one unless named) as UTF-8 CSV bytes."""
    return read_sheet(data, name, sheet)[2]
