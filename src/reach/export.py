"""CSV downloads that a spreadsheet cannot mistake for formulas."""

from __future__ import annotations

import pandas as pd

# A cell starting with one of these runs as a formula in Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv(df: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with BOM, for Excel), text cells defused against formulas."""
    clean = df.copy()
    for col in clean.columns:
        if clean[col].dtype == object or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(_defuse)
    clean.columns = [_defuse(str(c)) for c in clean.columns]
    return clean.to_csv(index=False).encode("utf-8-sig")
