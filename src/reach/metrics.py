"""The published numbers. Every figure Reach shows comes from a function here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd

from . import sqlfiles

RATE_DIGITS = 4


@dataclass(frozen=True)
class Filters:
    """The scope: which events count. Empty tuples and None mean no restriction."""

    programs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def params(self) -> dict[str, Any]:
        """The $-parameters every metric query takes."""
        return {
            "programs": list(self.programs),
            "countries": list(self.countries),
            "event_types": list(self.event_types),
            "date_from": self.date_from,
            "date_to": self.date_to,
        }


@dataclass(frozen=True)
class Summary:
    """The headline numbers for one scope."""

    people_reached: int
    direct_reach: int
    cascade_reach: int
    attendances: int
    events: int
    step_down_events: int
    trainers: int
    countries_reached: int
    gender: dict[str, int] = field(default_factory=dict)
    female_share: float | None = None
    cascade_multiplier: float | None = None
    activation_rate: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `summary --json`: rates rounded to four decimals."""

        def rnd(x: float | None) -> float | None:
            return None if x is None else round(x, RATE_DIGITS)

        return {
            "people_reached": self.people_reached,
            "direct_reach": self.direct_reach,
            "cascade_reach": self.cascade_reach,
            "attendances": self.attendances,
            "events": self.events,
            "step_down_events": self.step_down_events,
            "trainers": self.trainers,
            "countries_reached": self.countries_reached,
            "gender": dict(self.gender),
            "female_share": rnd(self.female_share),
            "cascade_multiplier": rnd(self.cascade_multiplier),
            "activation_rate": rnd(self.activation_rate),
        }


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the shared table macros on this connection."""
    con.execute(sqlfiles.sql_text("macros"))


def query(
    con: duckdb.DuckDBPyConnection, name: str, filters: Filters, **extra: Any
) -> duckdb.DuckDBPyConnection:
    """Run a metric query for a scope."""
    install_macros(con)
    return sqlfiles.run(con, name, {**filters.params(), **extra})


def summary(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> Summary:
    """People reached, cascade and gender numbers for the events in scope."""
    install_macros(con)
    row = sqlfiles.first_row(con, sqlfiles.sql_text("summary"), (filters or Filters()).params())
    gender = {g: int(row[g]) for g in ("female", "male", "other", "undisclosed")}
    return Summary(
        people_reached=int(row["people_reached"]),
        direct_reach=int(row["direct_reach"]),
        cascade_reach=int(row["cascade_reach"]),
        attendances=int(row["attendances"]),
        events=int(row["events"]),
        step_down_events=int(row["step_down_events"]),
        trainers=int(row["trainers"]),
        countries_reached=int(row["countries_reached"]),
        gender=gender,
        female_share=_ratio(gender["female"], gender["female"] + gender["male"] + gender["other"]),
        cascade_multiplier=_ratio(int(row["cascade_reach"]), int(row["direct_reach"])),
        activation_rate=_ratio(int(row["activated"]), int(row["activation_base"])),
    )


GRAINS = ("month", "quarter", "year")


def reach_over_time(
    con: duckdb.DuckDBPyConnection, filters: Filters | None = None, grain: str = "month"
) -> pd.DataFrame:
    """Per period: new people, running total, unique people, attendances, returning people."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    return query(con, "reach_over_time", filters or Filters(), grain=grain).df()


def by_country(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pd.DataFrame:
    """People reached, attendances, events and reach per 100,000 per event country."""
    return query(con, "by_country", filters or Filters()).df()


def by_program(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pd.DataFrame:
    """People reached (direct, cascade), attendances and events per program."""
    return query(con, "by_program", filters or Filters()).df()


def previous_period(filters: Filters, first: dt.date, last: dt.date) -> Filters | None:
    """The same scope moved back by its own length (None without a date range to move)."""
    start = filters.date_from or first
    end = filters.date_to or last
    if filters.date_from is None and filters.date_to is None:
        return None
    length = (end - start).days + 1
    return replace(
        filters,
        date_from=start - dt.timedelta(days=length),
        date_to=start - dt.timedelta(days=1),
    )


def options(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the filters can choose from: programs, countries, event types, date bounds."""
    programs = [r[0] for r in con.execute(
        "select distinct program from events where program is not null order by 1"
    ).fetchall()]  # fmt: skip
    countries = con.execute(
        """
        select e.country_code, coalesce(c.name, r.name, e.country_code)
        from (select distinct country_code from events) as e
        left join countries as c on c.country_code = e.country_code
        left join country_reference as r on r.country_code = e.country_code
        order by 2
        """
    ).fetchall()
    types = [r[0] for r in con.execute(
        "select distinct event_type from events order by 1"
    ).fetchall()]  # fmt: skip
    bounds = con.execute("select min(start_date), max(start_date) from events").fetchall()[0]
    return {
        "programs": programs,
        "countries": dict(countries),
        "event_types": types,
        "first_date": bounds[0],
        "last_date": bounds[1],
    }


def store_facts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Events, participant rows and the last load time, for the 'which data' line."""
    events, rows = con.execute(
        "select (select count(*) from events), (select count(*) from participants)"
    ).fetchall()[0]
    last = con.execute("select max(loaded_at) from loads").fetchall()[0][0]
    return {"events": int(events), "participant_rows": int(rows), "last_load": last}
