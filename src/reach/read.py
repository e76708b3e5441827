"""Turn an uploaded or on-disk CSV into a raw all-text DuckDB table, whatever its spelling."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
import duckdb

from .sqlfiles import quote_ident

DELIMITERS = (",", ";", "\t")

# Signatures of files people rename to .csv by mistake.
MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a zip archive or Excel workbook",
    b"\xd0\xcf\x11\xe0": "an old Excel or Word document",
}


class InputError(Exception):
    """A file that cannot be read at all; the message names the file."""

    def __init__(self, file: str, message: str, row: int | None = None):
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message
        self.row = row


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
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise InputError(name, f"is not a text file (it looks like {what}).")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(name, "is not a readable UTF-16 text file.") from exc
    if b"\x00" in data[:65536] or charset_normalizer.is_binary(data[:65536]):
        raise InputError(name, "is not a text file (it contains binary data).")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # The contract's other encoding: Windows-1251, as Cyrillic Excel exports are written.
    try:
        return data.decode("cp1251"), "windows-1251"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:500_000]).best()
    if best is None:
        raise InputError(name, "is not a text file in UTF-8 or Windows-1251.")
    try:
        return data.decode(best.encoding), best.encoding
    except UnicodeDecodeError as exc:
        raise InputError(name, "is not a text file in UTF-8 or Windows-1251.") from exc


def _first_line(text: str) -> str:
    end = text.find("\n")
    return text if end < 0 else text[:end]


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def prepare(data: bytes, name: str, workdir: Path, source: Path | None = None) -> CsvText:
    """Check, decode and sniff one CSV; write it as UTF-8 to workdir unless it already is."""
    if not data.strip():
        raise InputError(name, "is empty.")
    text, encoding = _decode(data, name)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(name, "is empty.")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > 0.01 * min(len(text), 65536):
        raise InputError(name, "is not a text file (it contains binary data).")
    delimiter = _sniff_delimiter(_first_line(text))
    reader = csv.reader(io.StringIO(text[:1_000_000]), delimiter=delimiter)
    try:
        header = next(reader)
        has_rows = any(any(cell.strip() for cell in row) for row in reader)
    except (csv.Error, StopIteration) as exc:
        raise InputError(name, f"has no readable header row ({exc}).") from exc
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
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
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
            raise InputError(
                csv_text.name,
                f"column '{n}' appears twice in the header (columns {seen[n]} and {i}).",
                row=1,
            )
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
    options = (
        "$path, header = true, auto_detect = false, columns = $columns, delim = $delim, "
        "quote = '\"', escape = '\"'"
    )
    params = {
        "path": str(csv_text.path),
        "delim": csv_text.delimiter,
        "columns": dict.fromkeys(names, "VARCHAR"),
    }
    try:
        con.execute(f"{select}{options})", params)
        return kept
    except duckdb.Error as exc:
        _raise_if_too_wide(csv_text, exc)
    # Short rows (trailing empty cells cut off) are padded; that needs the serial reader.
    try:
        con.execute(f"{select}{options}, null_padding = true, parallel = false)", params)
    except duckdb.Error as exc:
        _raise_if_too_wide(csv_text, exc)
        raise InputError(csv_text.name, f"could not be read as CSV: {_first(exc)}") from exc
    return kept


def _raise_if_too_wide(csv_text: CsvText, exc: Exception) -> None:
    found = _FOUND.search(str(exc))
    if found and int(found.group(3)) > int(found.group(2)):
        line, expected, got = (int(g) for g in found.groups())
        raise InputError(
            csv_text.name,
            f"line {line} has {got} fields but the header has {expected} columns; "
            f"check the delimiter ('{csv_text.delimiter}') and the quoting of that line.",
            row=line,
        ) from exc


def _first(exc: Exception) -> str:
    # DuckDB quotes the offending line ("Original Line: ..."): cells, maybe names, never shown.
    lines = [
        ln.strip()
        for ln in str(exc).splitlines()
        if ln.strip() and not ln.strip().lower().startswith("original line")
    ]
    return " ".join(lines[:2])[:300]
