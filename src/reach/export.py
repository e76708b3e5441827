"""CSV downloads that a spreadsheet cannot mistake for formulas."""

from __future__ import annotations

import csv
import re

import pandas as pd

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


def contract_files(con) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """The stored data as the contract's files (dates as YYYY-MM-DD; targets if any)."""
    events = con.execute(
        """
        select event_id, title, program, event_type, strftime(start_date, '%Y-%m-%d')
            as start_date, strftime(end_date, '%Y-%m-%d') as end_date, city, country_code,
            organizer, parent_event_id, reported_participants, reported_female, reported_male
        from events order by start_date, event_id
        """
    ).df()
    participants = con.execute(
        """
        select p.participant_id, p.event_id, p.gender, p.role, p.birth_year, p.country_code,
            p.organization
        from participants as p
        left join events as e on e.event_id = p.event_id
        order by e.start_date, p.event_id, p.participant_id, p.role
        """
    ).df()
    countries = con.execute(
        "select country_code, name, region, population from countries order by 1"
    ).df()
    targets = con.execute(
        "select program, indicator, period, target, nullif(gender, '') as gender, "
        "nullif(age_band, '') as age_band, nullif(country_code, '') as country_code "
        "from targets order by program, period_start, indicator, gender, age_band, country_code"
    ).df()
    for frame in (events, participants, countries, targets):
        for col in frame.columns:
            if str(frame[col].dtype).startswith(("Int", "int", "float")):
                frame[col] = frame[col].astype("Int64")
    files = {
        "events.csv": events,
        "participants.csv": participants,
        "countries.csv": countries,
    }
    if len(targets):
        files["targets.csv"] = targets
    return files
