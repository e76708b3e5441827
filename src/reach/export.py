"""CSV downloads that a spreadsheet cannot mistake for formulas."""

from __future__ import annotations

import csv
import re

import pandas as pd

from . import sqlfiles

# A cell starting with one of these runs as a formula in Excel and LibreOffice; CR and LF
# start a new row in importers that do not honour quotes.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# The same characters right after a line break inside a field: an importer that splits on
# the break would start a row, and a cell, with them.
_AFTER_BREAK = re.compile(r"(\r\n|\r|\n)(?=[=+\-@\t])")


def defuse(value: object) -> object:
    """A text cell made inert for spreadsheets: "'" before a formula start, also after breaks."""
    if not isinstance(value, str):
        return value
    value = _AFTER_BREAK.sub(lambda m: m.group(1) + "'", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_csv(df: pd.DataFrame) -> bytes:
    """The one CSV writer of Reach: UTF-8 with BOM (for Excel), every text cell defused, and
    every field holding CR or LF quoted, so a line break never starts a new row."""
    clean = df.copy()
    for col in clean.columns:
        if clean[col].dtype == object or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(defuse)
    clean.columns = [defuse(str(c)) for c in clean.columns]
    # With CRLF as the line terminator, the csv module quotes any field holding CR or LF
    # (QUOTE_MINIMAL quotes fields that contain a terminator character).
    text = clean.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    return text.encode("utf-8-sig")


# The contract's files, in the order an analyst uploads them, and the table each is made from.
_TABLES = {"events.csv": "events", "participants.csv": "participants",
           "countries.csv": "countries", "targets.csv": "targets"}  # fmt: skip


def contract_counts(con) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The contract's files of the stored data with how many rows each holds, without
    reading them (the Data page shows them; a file is written when it is downloaded)."""
    counts = {
        name: int(con.execute(f"select count(*) from {table}").fetchall()[0][0])
        for name, table in _TABLES.items()
    }
    return {name: n for name, n in counts.items() if n or name != "targets.csv"}


def contract_file(con, name: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """One of the stored data's contract files (sql/export_*.sql; dates as YYYY-MM-DD)."""
    frame = sqlfiles.run(con, f"export_{_TABLES[name]}").df()
    for col in frame.columns:
        # Whole numbers stay whole when a blank makes pandas read the column as floats.
        if str(frame[col].dtype).startswith(("Int", "int", "float")):
            frame[col] = frame[col].astype("Int64")
    return frame


def contract_files(con) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """The stored data as the contract's files (dates as YYYY-MM-DD; targets if any)."""
    return {name: contract_file(con, name) for name in contract_counts(con)}
