"""Accepted spellings as DuckDB lookup tables, and the same rules for single values."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from . import countries
from .contract import EVENT_TYPE_SPELLINGS, GENDER_SPELLINGS, ROLE_SPELLINGS


def _pairs(mapping: dict[str, str], key: str, value: str) -> pd.DataFrame:
    return pd.DataFrame({key: list(mapping), value: list(mapping.values())})


def install_lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp lookup tables the staging SQL joins against."""
    tables = {
        "gender_spelling": _pairs(GENDER_SPELLINGS, "spelling", "gender"),
        "role_spelling": _pairs(ROLE_SPELLINGS, "spelling", "role"),
        "event_type_spelling": _pairs(EVENT_TYPE_SPELLINGS, "spelling", "event_type"),
        "country_spelling": countries.spellings(),
        "country_reference": countries.reference(),
    }
    for name, df in tables.items():
        con.register("_lookup_df", df)
        con.execute(f"create or replace temp table {name} as select * from _lookup_df")
        con.unregister("_lookup_df")


def event_type_key(value: str) -> str:
    """Fold case, spaces and hyphens the way the staging SQL does."""
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def event_type(value: str) -> str | None:
    """The contract's event type for a spelling, or None."""
    return EVENT_TYPE_SPELLINGS.get(event_type_key(value))


def country(value: str) -> str | None:
    """The alpha-3 code for a code or English name, or None."""
    return countries.resolve(value)
