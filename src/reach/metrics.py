"""The published numbers. Every figure Reach shows comes from a function here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

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
