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


def contract_files(con) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """The stored data as the contract's three files (dates as YYYY-MM-DD)."""
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
    for frame in (events, participants, countries):
        for col in frame.columns:
            if str(frame[col].dtype).startswith(("Int", "int", "float")):
                frame[col] = frame[col].astype("Int64")
    return {
        "events.csv": events,
        "participants.csv": participants,
        "countries.csv": countries,
    }
