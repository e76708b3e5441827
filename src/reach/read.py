"""Turn an uploaded or on-disk CSV into a raw all-text DuckDB table, whatever its spelling."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
import duckdb

from . import i18n, limits
from .i18n import N_, _
from .sqlfiles import quote_ident

DELIMITERS = (",", ";", "\t")

# Reach caps cell length itself (REACH_MAX_CELL_CHARS) and names the row and column; the csv
# module's own 128 KB field limit would only fail earlier, naming neither.
csv.field_size_limit(2**31 - 1)

# Signatures of files people rename to .csv by mistake, and what a refusal says (after the
# file's name: "photo.csv: is not a text file …").
MAGIC = {
    b"\x89PNG": N_("is not a text file (it looks like a PNG image)."),
    b"\xff\xd8\xff": N_("is not a text file (it looks like a JPEG image)."),
    b"GIF8": N_("is not a text file (it looks like a GIF image)."),
    b"%PDF": N_("is not a text file (it looks like a PDF document)."),
    b"PK\x03\x04": N_("is not a text file (it looks like a zip archive or Excel workbook)."),
    b"\xd0\xcf\x11\xe0": N_("is not a text file (it looks like an old Excel or Word document)."),
}


class InputError(Exception):
    """A file that cannot be read at all; the message names the file (and column, if any)."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        if column and row:
            # Translators: a file that cannot be read: the file's name, the row (the header is
            # row 1) and column where the problem is, then what is wrong.
            text = _("{file} row {row}, column {column}: {message}")
        else:
            text = "{file}: {message}"
        super().__init__(text.format(file=file, row=row, column=column, message=message))
        self.file = file
        self.message = message
        self.row = row
        self.column = column


@dataclass
class CsvText:
    """A CSV decoded to UTF-8 on disk, with its detected dialect and header."""

    name: str
    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    has_rows: bool
    notes: list[str] = field(default_factory=list)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), UTF-16 with a BOM, or Windows-1251."""
    for magic, refusal in MAGIC.items():
        if data.startswith(magic):
            raise InputError(name, _(refusal))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(name, _("is not a readable UTF-16 text file.")) from exc
    if _binary(data):
        raise InputError(name, _("is not a text file (it contains binary data)."))
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    _refuse_mixed_encodings(data, name)
    # The contract's other encoding: Windows-1251, as Cyrillic Excel exports are written.
    # Every line is valid in it now: a line that is not was refused above, never guessed at.
    return data.decode("cp1251"), "windows-1251"


def _binary(data: bytes) -> bool:
    """True when the first 64 KiB hold a NUL byte or read as binary."""
    return b"\x00" in data[:65536] or charset_normalizer.is_binary(data[:65536])


def _controls(text: str) -> bool:
    """True when over 1% of the first 65,536 characters are control characters (not tab or
    line ends): a binary file that happens to decode."""
    sample = text[:65536]
    return sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n") > 0.01 * len(sample)


def _refuse_mixed_encodings(data: bytes, name: str) -> None:
    """Refuse a file that is not wholly in one encoding, naming the rows that differ.

    Decoding a UTF-8 file with a Windows-1251 row whole as Windows-1251 would garble every
    UTF-8 line without a word (`Алия-01` stored as `РђР»РёСЏ-01`), so a file is never re-read
    in another encoding, nor guessed at: the analyst fixes the rows named.
    """
    utf8: list[int] = []
    other: list[int] = []
    neither: list[int] = []
    for i, line in enumerate(data.split(b"\n")):
        if line.isascii():
            continue  # ASCII reads the same in every accepted encoding
        try:
            line.decode("utf-8")
            utf8.append(i)
            continue
        except UnicodeDecodeError:
            other.append(i)
        try:
            line.decode("cp1251")
        except UnicodeDecodeError:
            neither.append(i)  # byte 0x98, the one Windows-1251 leaves undefined
    if utf8 and other:
        # The file's encoding is the one most of its lines use; UTF-8 when it is a tie.
        if len(utf8) >= len(other):
            encoding, odd, text = "UTF-8", other, data.decode("utf-8-sig", errors="replace")
        else:
            encoding, odd, text = "Windows-1251", utf8, data.decode("cp1251", errors="replace")
    elif neither:
        encoding, odd, text = None, neither, data.decode("cp1251", errors="replace")
    else:
        return
    rows = _spreadsheet_rows(text, odd)
    shown = ", ".join(str(r) for r in rows[:10]) + (", …" if len(rows) > 10 else "")
    # One row or a list of them: the sentence's grammar, not a count, so no plural forms.
    if encoding and len(rows) == 1:
        # Translators: {rows} is one row number; {encoding} is UTF-8 or Windows-1251.
        message = _(
            "mixes two text encodings: row {rows} is not in {encoding}, the encoding of the rest "
            "of the file, so it would be read as garbled text. Save the file again in one "
            "encoding (UTF-8 is best) and upload it again."
        )
    elif encoding:
        # Translators: {rows} lists row numbers ("3, 7, 12"); {encoding} is UTF-8 or
        # Windows-1251.
        message = _(
            "mixes two text encodings: rows {rows} are not in {encoding}, the encoding of the "
            "rest of the file, so they would be read as garbled text. Save the file again in one "
            "encoding (UTF-8 is best) and upload it again."
        )
    elif len(rows) == 1:
        # Translators: {rows} is one row number.
        message = _(
            "is not wholly in one text encoding Reach reads: row {rows} is neither in UTF-8 nor "
            "in Windows-1251, the encodings Reach reads, so it would be read as garbled text. "
            "Save the file again in one encoding (UTF-8 is best) and upload it again."
        )
    else:
        # Translators: {rows} lists row numbers ("3, 7, 12").
        message = _(
            "is not wholly in one text encoding Reach reads: rows {rows} are neither in UTF-8 "
            "nor in Windows-1251, the encodings Reach reads, so they would be read as garbled "
            "text. Save the file again in one encoding (UTF-8 is best) and upload it again."
        )
    raise InputError(name, message.format(rows=shown, encoding=encoding), row=rows[0])


class _Lines:
    """The lines of a text from an offset, ends kept; `pos` is where the next line starts.

    csv.reader reads one record's lines and no more, so after each record `pos` is the offset
    of the next record. Slicing line by line also avoids io.StringIO's copy of the whole text.
    """

    def __init__(self, text: str, start: int = 0):
        self.text = text
        self.pos = start

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.text):
            raise StopIteration
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end + 1
        line = self.text[self.pos : end]
        self.pos = end
        return line


def _spreadsheet_rows(text: str, lines: list[int]) -> list[int]:
    """The rows (header = 1) that hold the given lines (from 0), as a spreadsheet counts them."""
    delimiter = _sniff_delimiter(_first_line(text))
    wanted = sorted(set(lines))
    reader = csv.reader(_Lines(text), delimiter=delimiter)
    rows: list[int] = []
    row = next_line = 0
    try:
        for _record in reader:
            row += 1
            while next_line < len(wanted) and wanted[next_line] < reader.line_num:
                rows.append(row)
                next_line += 1
            if next_line == len(wanted):
                break
    except csv.Error:
        pass
    # Lines after a record that does not parse belong to that record at the latest.
    rows += [row + 1] * (len(wanted) - next_line)
    return sorted(set(rows))


def _first_line(text: str) -> str:
    end = text.find("\n")
    return text if end < 0 else text[:end]


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def records(data: bytes, name: str) -> list[list[str]]:
    """A small CSV's records in memory (header first), decoded and split as prepare() reads it."""
    text, _encoding = _decode(data, name)
    text = text.lstrip("\ufeff")
    delimiter = _sniff_delimiter(_first_line(text))
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def prepare(data: bytes, name: str, workdir: Path, source: Path | None = None) -> CsvText:
    """Check, decode and sniff one CSV; write it as UTF-8 to workdir unless it already is."""
    if not data.strip():
        # Translators: follows a file name: "events.csv: is empty.".
        raise InputError(name, _("is empty."))
    text, encoding = _decode(data, name)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(name, _("is empty."))
    if _controls(text):
        raise InputError(name, _("is not a text file (it contains binary data)."))
    delimiter = _sniff_delimiter(_first_line(text))
    caps = limits.current()
    # Cheap checks on the whole text first: a 100,000-column header or an unclosed quote must
    # be refused before any parser builds a row from it.
    _check_width(text, name, delimiter, caps.columns)
    _check_quotes(text, name, delimiter)
    _check_length(text, name, delimiter, caps.rows)
    reader = csv.reader(_Lines(text), delimiter=delimiter)
    try:
        header = next(reader)
        _check_header(header, name, caps)
        has_rows = any(any(cell.strip() for cell in row) for row in reader)
    except (csv.Error, StopIteration) as exc:
        # Translators: {error} is the CSV reader's own explanation, in English.
        message = _("has no readable header row ({error}).").format(error=exc)
        raise InputError(name, message) from exc
    if _has_blank_line(text):
        # DuckDB skips empty lines, which would shift every later row number; keep them
        # as empty records instead (staging drops blank records) so rows match the file.
        text = _keep_blank_lines(text, delimiter, len(header))
        encoding_ok = False
    else:
        encoding_ok = encoding == "utf-8" and not data.startswith(b"\xef\xbb\xbf")
    if source is not None and encoding_ok:
        path = source
    else:
        fd, tmp = tempfile.mkstemp(suffix=".csv", dir=workdir)
        with open(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        path = Path(tmp)
    notes = [] if encoding == "utf-8" else [f"read as {encoding}"]
    return CsvText(name, path, encoding, delimiter, header, has_rows, notes)


# How much of a file is read at a time when it is checked in place (prepare_file).
CHUNK = 16 * 1024 * 1024
# A blank line, LF or CRLF: one regular expression, a third of the time of the two `in`
# tests it replaced (`b"\n\n"` and `b"\n\r\n"`).
_BLANK_LINE = re.compile(rb"\n\r?\n")
# Enough bytes for the first 65,536 characters prepare() looks at (4 bytes a character at most).
HEAD = 4 * 65536


def prepare_file(path: Path, name: str) -> CsvText | None:
    """prepare()'s checks for a file on disk, read in chunks, so DuckDB reads it in place and
    Python never holds it whole. None when the file needs prepare() itself: another
    encoding, a byte-order mark, a blank line, an odd number of quotes, more lines than rows
    allowed, or a header or first row beyond the head; prepare() then gives the same answer
    or the same error it always did."""
    with path.open("rb") as f:
        head = f.read(HEAD)
        if not head.strip() or head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            return None
        if any(head.startswith(magic) for magic in MAGIC):
            return None
        if _binary(head):
            return None
        decoder = codecs.getincrementaldecoder("utf-8")()
        quotes = lines = 0
        last = b""
        chunk = head
        try:
            while chunk:
                # Only checked, never kept. An all-ASCII chunk with no character cut short
                # before it is valid UTF-8 as it is: most files skip the decoding.
                if decoder.getstate()[0] or not chunk.isascii():
                    decoder.decode(chunk)
                # The rest works on the bytes: in UTF-8 a quote or a line break is one byte
                # and never part of another character, so counting bytes counts characters.
                # A blank line anywhere (even across chunks) is left to prepare().
                if _BLANK_LINE.search(last + chunk[:2]) or _BLANK_LINE.search(chunk):
                    return None
                quotes += chunk.count(b'"')
                lines += chunk.count(b"\n")
                last = (last + chunk[-2:])[-2:]  # never a copy of the whole chunk
                chunk = f.read(CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    if quotes % 2 or not last:
        return None
    lines += not last.endswith(b"\n")
    caps = limits.current()
    if lines - 1 > caps.rows:
        return None
    text = head.decode("utf-8", errors="ignore")
    if text.startswith(("\n", "\r\n")):
        return None
    if _controls(text):
        return None
    end = _header_end(text)
    if end >= len(text) and len(head) == HEAD:
        return None  # the header goes on past the head
    delimiter = _sniff_delimiter(_first_line(text))
    _check_width(text, name, delimiter, caps.columns)
    # Whole records of the head only: its last line may be cut short.
    complete = text[: text.rfind("\n") + 1] if len(head) == HEAD else text
    reader = csv.reader(_Lines(complete), delimiter=delimiter)
    try:
        header = next(reader)
        _check_header(header, name, caps)
        has_rows = any(any(cell.strip() for cell in row) for row in reader)
    except (csv.Error, StopIteration):
        return None
    if not has_rows and len(head) == HEAD:
        return None  # the first row with a value may lie beyond the head
    return CsvText(name, path, "utf-8", delimiter, header, has_rows)


def too_wide(name: str, columns: int, cap: int, is_csv: bool = False) -> InputError:
    """The refusal of a file or sheet with more columns than REACH_MAX_COLUMNS."""
    if is_csv:
        message = _(
            "has {columns} columns; Reach reads at most {cap} (REACH_MAX_COLUMNS). Check the "
            "delimiter (comma, semicolon or tab), or remove the columns Reach does not need."
        )
    else:
        message = _(
            "has {columns} columns; Reach reads at most {cap} (REACH_MAX_COLUMNS). Remove the "
            "columns Reach does not need."
        )
    return InputError(
        name, message.format(columns=i18n.number(columns), cap=i18n.number(cap)), row=1
    )


def too_long(name: str, rows: int) -> InputError:
    """The refusal of a file or sheet with more rows than REACH_MAX_ROWS."""
    message = _(
        "has more than {rows} rows below the header; Reach reads at most {rows} "
        "(REACH_MAX_ROWS). Split it into smaller files."
    )
    return InputError(name, message.format(rows=i18n.number(rows)))


def cell_too_long(name: str, row: int, column: str, chars: int, cap: int) -> InputError:
    """The refusal of an over-long cell, by row and column; its text is never shown."""
    if row == 1:
        message = _(
            "this header cell is {chars} characters long; Reach reads at most {cap} characters "
            "in a cell (REACH_MAX_CELL_CHARS). Shorten it, or check that this is the right file."
        )
    else:
        message = _(
            "this cell is {chars} characters long; Reach reads at most {cap} characters in a "
            "cell (REACH_MAX_CELL_CHARS). Shorten it, or check that this is the right file."
        )
    text = message.format(chars=i18n.number(chars), cap=i18n.number(cap))
    return InputError(name, text, row=row, column=column)


def _header_end(text: str) -> int:
    """Where the header record ends: the first line end outside quotes (len(text) if none)."""
    quotes = start = 0
    while (end := text.find("\n", start)) >= 0:
        quotes += text.count('"', start, end)
        if quotes % 2 == 0:
            return end + 1
        start = end + 1
    return len(text)


def _check_width(text: str, name: str, delimiter: str, cap: int) -> None:
    """Count the header's columns on its raw text, before csv builds a list of them."""
    header = text[: _header_end(text)]
    if header.count(delimiter) < cap:
        return
    # Delimiters inside quoted cells do not separate columns; quotes pair up from the start.
    columns = re.sub(r'"[^"]*"', "", header).count(delimiter) + 1
    if columns > cap:
        raise too_wide(name, columns, cap, is_csv=True)


def _check_quotes(text: str, name: str, delimiter: str) -> None:
    """Refuse a quoted cell whose closing quote is missing: it would swallow the file's rest."""
    if text.count('"') % 2 == 0:
        return  # every opening quote can be closed; a stray quote inside a cell is kept as is
    found = unclosed_quote(text, delimiter)
    if found is not None:
        raise _unclosed(name, text, delimiter, *found)


def unclosed_quote(text: str, delimiter: str) -> tuple[int, int] | None:
    """The row (header = 1) and column (from 1) of a quoted cell that is never closed."""
    row = start = 0
    while True:
        lines = _Lines(text, start)
        # strict: at the end of the text inside a quoted cell, raise rather than keep the cell.
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            for _record in reader:
                row += 1
                start = lines.pos
            return None
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                # Closing the quote at the very end ends that cell: its record shows the column.
                record = next(csv.reader(_Lines(text[start:] + '"'), delimiter=delimiter))
                return row + 1, len(record)
            # Another malformation (text after a closing quote), which DuckDB names with its
            # line: go on from the next line, so an unclosed quote further down is still found.
            row += 1
            start = lines.pos


def _unclosed(name: str, text: str, delimiter: str, row: int, column: int) -> InputError:
    label = str(column)
    if row > 1:
        header = next(csv.reader(_Lines(text), delimiter=delimiter))
        if column <= len(header) and _clean(header[column - 1]):
            label = _clean(header[column - 1])
    message = _(
        "a quoted cell starts here and its closing quote is missing, so the rest of the file "
        "would be read into that one cell. Add the closing quote (a quote inside a quoted cell "
        'is written twice: "").'
    )
    return InputError(name, message, row=row, column=label)


def _check_length(text: str, name: str, delimiter: str, cap: int) -> None:
    """Refuse more than `cap` rows below the header; count records only if lines exceed it."""
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines - 1 <= cap:
        return
    records = csv.reader(_Lines(text), delimiter=delimiter)
    try:
        # Quoted newlines make lines outnumber records: count records, and stop past the cap.
        counted = sum(1 for _record in itertools.islice(records, cap + 2))
    except csv.Error:
        counted = lines  # a file that does not parse is held to its lines
    if counted - 1 > cap:
        raise too_long(name, cap)


def _check_header(header: list[str], name: str, caps: limits.Limits) -> None:
    if len(header) > caps.columns:
        raise too_wide(name, len(header), caps.columns, is_csv=True)
    for i, cell in enumerate(header, start=1):
        if len(cell) > caps.cell_chars:
            raise cell_too_long(name, 1, str(i), len(cell), caps.cell_chars)


def find_long_cell(text: str, delimiter: str, cap: int) -> tuple[int, int, int] | None:
    """The row (header = 1), column (from 1) and length of the first cell over `cap` chars."""
    try:
        for row, record in enumerate(csv.reader(_Lines(text), delimiter=delimiter), start=1):
            if max(map(len, record), default=0) > cap:
                column = next(i for i, cell in enumerate(record, start=1) if len(cell) > cap)
                return row, column, len(record[column - 1])
    except csv.Error:
        return None
    return None


def _has_blank_line(text: str) -> bool:
    """True when an empty line stands before the last record (trailing ones do no harm)."""
    end = len(text.rstrip("\r\n"))
    for pattern in ("\n\n", "\n\r\n"):
        at = text.find(pattern)
        if 0 <= at < end - 1:
            return True
    return text.startswith(("\n", "\r\n"))


def _keep_blank_lines(text: str, delimiter: str, width: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in csv.reader(_Lines(text), delimiter=delimiter):
        writer.writerow(row if any(c.strip() for c in row) else [""] * max(width, 1))
    return out.getvalue()


def _clean(header: str) -> str:
    return re.sub(r"\s+", " ", header.replace("\ufeff", "")).strip().lower()


def header_names(csv_text: CsvText, rename: dict[str, str] | None = None) -> list[str]:
    """Header names trimmed and lower-cased, renamed by a column mapping; blanks by position."""
    renamed = {_clean(k): v for k, v in (rename or {}).items()}
    names = []
    for i, raw in enumerate(csv_text.header, start=1):
        clean = _clean(raw)
        names.append(renamed.get(clean, clean) or f"column {i}")
    seen: dict[str, int] = {}
    for i, n in enumerate(names, start=1):
        if n in seen:
            # Translators: {name} is a column name; {first} and {second} are column positions.
            message = _(
                "column '{name}' appears twice in the header (columns {first} and {second})."
            )
            text = message.format(name=n, first=seen[n], second=i)
            raise InputError(csv_text.name, text, row=1)
        seen[n] = i
    return names


_FOUND = re.compile(r"Line: (\d+).*?Expected Number of Columns: (\d+) Found: (\d+)", re.S)


def load_raw(
    con: duckdb.DuckDBPyConnection,
    csv_text: CsvText,
    table: str,
    rename: dict[str, str] | None = None,
    drop: Collection[int] = (),
) -> list[str]:
    """Read the CSV into temp table `table` (all text, one row per record); return its columns.

    drop: positions (from 0) of header columns to leave out: their cells are never put in a
    table. Returns [] and creates nothing when every column is dropped.
    Row r of the table (rowid r) is row r + 2 of the file as a spreadsheet shows it.
    """
    names = header_names(csv_text, rename)
    kept = [n for i, n in enumerate(names) if i not in drop]
    if not kept:
        return []
    target = f"create or replace temp table {quote_ident(table)} as "
    if not csv_text.has_rows:
        cols = ", ".join(f"null::varchar as {quote_ident(n)}" for n in kept)
        con.execute(f"{target} select {cols} where false")
        return kept
    # No sniffing: the dialect is already known, and the sniffer guesses wrong on tiny files.
    # Every column is declared so the file parses; only the kept ones are selected.
    select = f"{target} select {', '.join(quote_ident(n) for n in kept)} from read_csv("
    caps = limits.current()
    options = (
        "$path, header = true, auto_detect = false, columns = $columns, delim = $delim, "
        "quote = '\"', escape = '\"', max_line_size = $line"
    )
    params = {
        "path": str(csv_text.path),
        "delim": csv_text.delimiter,
        "columns": dict.fromkeys(names, "VARCHAR"),
        # Room for a record of the widest allowed row with every cell at the longest allowed
        # length (4 bytes a character at most), so only an over-long cell can exceed it.
        "line": max(2 * 1024 * 1024, 4 * caps.columns * (caps.cell_chars + 3)),
    }
    try:
        con.execute(f"{select}{options})", params)
    except duckdb.Error as exc:
        _raise_if_unreadable(csv_text, exc)
        # Short rows (trailing empty cells cut off) are padded; that needs the serial reader.
        try:
            con.execute(f"{select}{options}, null_padding = true, parallel = false)", params)
        except duckdb.Error as exc2:
            _raise_if_unreadable(csv_text, exc2)
            # Translators: {error} is the database's own explanation, in English.
            message = _("could not be read as CSV: {error}").format(error=_first(exc2))
            raise InputError(csv_text.name, message) from exc2
    _check_cells(con, csv_text, table, kept, caps.cell_chars)
    return kept


def _check_cells(
    con: duckdb.DuckDBPyConnection, csv_text: CsvText, table: str, kept: list[str], cap: int
) -> None:
    """Refuse the first cell over `cap` characters, by row and column."""
    # Checked on the table, not the text: a quoted cell may span many short lines. strlen
    # (bytes, never fewer than characters) is stored with each string: the longest in bytes
    # of every column, a quick scan, clears almost every file before any cell is measured.
    longest = ", ".join(f"max(strlen({quote_ident(n)}))" for n in kept)
    found = con.execute(f"select {longest} from {quote_ident(table)}").fetchall()[0]
    if all(size is None or size <= cap for size in found):
        return
    firsts = ", ".join(
        f"min(rowid) filter (where strlen({quote_ident(n)}) > $cap "
        f"and length({quote_ident(n)}) > $cap)"
        for n in kept
    )
    found = con.execute(f"select {firsts} from {quote_ident(table)}", {"cap": cap}).fetchall()[0]
    over = [(rowid, n) for rowid, n in zip(found, kept, strict=True) if rowid is not None]
    if not over:
        return
    rowid, column = min(over)
    chars = con.execute(
        f"select length({quote_ident(column)}) from {quote_ident(table)} where rowid = $r",
        {"r": rowid},
    ).fetchall()[0][0]
    raise cell_too_long(csv_text.name, rowid + 2, column, chars, cap)


def _raise_if_unreadable(csv_text: CsvText, exc: Exception) -> None:
    """Turn DuckDB's errors that have a plain explanation into one, naming row and column."""
    _raise_if_too_wide(csv_text, exc)
    message = str(exc).lower()
    if "unterminated quote" in message or "maximum line size" in message:
        text = csv_text.path.read_text(encoding="utf-8")
        if "unterminated quote" in message:
            found = unclosed_quote(text, csv_text.delimiter)
            if found is not None:
                raise _unclosed(csv_text.name, text, csv_text.delimiter, *found) from exc
        cap = limits.current().cell_chars
        long = find_long_cell(text, csv_text.delimiter, cap)
        if long is not None:
            row, column, chars = long
            names = header_names(csv_text)
            label = names[column - 1] if column <= len(names) else str(column)
            raise cell_too_long(csv_text.name, row, label, chars, cap) from exc


def _raise_if_too_wide(csv_text: CsvText, exc: Exception) -> None:
    found = _FOUND.search(str(exc))
    if found and int(found.group(3)) > int(found.group(2)):
        line, expected, got = (int(g) for g in found.groups())
        # Translators: {delimiter} is the character that separates cells (',', ';' or a tab).
        message = _(
            "line {line} has {got} fields but the header has {expected} columns; "
            "check the delimiter ('{delimiter}') and the quoting of that line."
        )
        text = message.format(line=line, got=got, expected=expected, delimiter=csv_text.delimiter)
        raise InputError(csv_text.name, text, row=line) from exc


def _first(exc: Exception) -> str:
    # DuckDB quotes the offending record ("Original Line: ...", maybe over several lines):
    # cells, maybe names, never shown. Only what comes before it is kept.
    head = re.split(r"original line", str(exc), maxsplit=1, flags=re.I)[0]
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    return " ".join(lines[:2])[:300]
