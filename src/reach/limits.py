"""Input limits: how much Reach reads from one file, checked before the heavy work starts.

A small file can still describe a huge table (a zip that unpacks a hundredfold, a CSV header
of 100,000 columns), so the upload size alone does not bound memory or time. Each cap below
is an environment variable with a default that fits real attendance lists with room to spare.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import i18n
from .i18n import _

MB = 1024 * 1024

# Excel itself stops at 16,384 columns; a row wider than that is not a real sheet.
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    """The caps in force, read from the environment."""

    upload_mb: int
    unpacked_mb: int
    rows: int
    columns: int
    cell_chars: int
    excel_cells: int

    def describe(self) -> str:
        """The caps in one sentence, as the Data page states them, in the active language."""
        # Translators: the Data page shows it after "Input limits: ". No full stop at the end.
        text = _(
            "at most {rows} rows below the header, {columns} columns and {cell_chars} characters "
            "in a cell per file; an Excel workbook may unpack to at most {unpacked_mb} MB and "
            "hold at most {excel_cells} cells (save a larger sheet as CSV)"
        )
        return text.format(
            rows=i18n.number(self.rows),
            columns=i18n.number(self.columns),
            cell_chars=i18n.number(self.cell_chars),
            unpacked_mb=i18n.number(self.unpacked_mb),
            excel_cells=i18n.number(self.excel_cells),
        )


def _setting(name: str, default: int) -> int:
    # A malformed value falls back to the default rather than lifting the cap.
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def current() -> Limits:
    """The caps now in force (read on each call, so a changed setting applies at once)."""
    upload_mb = _setting("REACH_MAX_UPLOAD_MB", 50)
    return Limits(
        upload_mb=upload_mb,
        # Spreadsheet XML packs about 5-10x, so 10x the upload limit unpacks any real workbook.
        unpacked_mb=_setting("REACH_MAX_UNPACKED_MB", 10 * upload_mb),
        # Twice the 1,000,000-row store Reach is benchmarked on (a load of 2.5 s, 810 MB).
        rows=_setting("REACH_MAX_ROWS", 2_000_000),
        # The contract has 12 event and 7 participant columns; survey exports add metadata.
        columns=_setting("REACH_MAX_COLUMNS", 200),
        cell_chars=_setting("REACH_MAX_CELL_CHARS", 10_000),
        # openpyxl reads about 60,000-100,000 cells a second, so this is 10-15 s at most;
        # longer lists read a hundred times faster as CSV.
        excel_cells=_setting("REACH_MAX_EXCEL_CELLS", 1_000_000),
    )
