"""The published numbers. Every figure Reach shows comes from a function here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import duckdb
import numpy as np
import pandas as pd

from . import ages, sqlfiles
from .i18n import N_

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


# A program no event can have: an account scope that shares nothing with the filters
# selects no event, rather than falling back to "every program".
NO_PROGRAM = "\x00(outside this account's programs)"


def within(filters: Filters, scope: tuple[str, ...]) -> Filters:
    """The filters limited to an account's programs (empty scope: every program)."""
    if not scope:
        return filters
    if not filters.programs:
        return replace(filters, programs=tuple(sorted(scope)))
    kept = tuple(p for p in filters.programs if p in scope)
    return replace(filters, programs=kept or (NO_PROGRAM,))


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
    age: dict[str, int] = field(default_factory=dict)  # band → people, every band in order
    age_gender: dict[str, dict[str, int]] = field(default_factory=dict)  # band → gender → people

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
            "age": dict(self.age),
            "female_share": rnd(self.female_share),
            "cascade_multiplier": rnd(self.cascade_multiplier),
            "activation_rate": rnd(self.activation_rate),
        }


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


class Engine(Protocol):
    """Another engine running the same metric SQL (reach.spark.SparkEngine: transpiled),
    its result typed and held by DuckDB."""

    def run(self, name: str, params: dict[str, Any]) -> duckdb.DuckDBPyRelation:
        """sql/<name>.sql with these parameters."""
        ...


# What a metric function computes on: a DuckDB store, or another engine.
Connection = duckdb.DuckDBPyConnection | Engine
Result = duckdb.DuckDBPyConnection | duckdb.DuckDBPyRelation


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the shared table macros on this connection."""
    sqlfiles.run_script(con, "macros")
    sqlfiles.run_script(con, "age_macros")


def _run(con: Connection, name: str, params: dict[str, Any]) -> Result:
    """sql/<name>.sql on DuckDB (with the macros) or on another engine."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        install_macros(con)
        return sqlfiles.run(con, name, params)
    return con.run(name, params)


def query(con: Connection, name: str, filters: Filters, **extra: Any) -> Result:
    """Run a metric query for a scope."""
    return _run(con, name, {**filters.params(), **extra})


def summary(con: Connection, filters: Filters | None = None) -> Summary:
    """People reached, cascade, gender and age numbers for the events in scope: as the store's
    exact donor extract holds them when the scope is one of its cells, else worked out."""
    return summaries(con, [filters or Filters()])[0]


def summaries(con: Connection, scopes: list[Filters]) -> list[Summary]:
    """summary() of each scope, the kept ones read from the extract in one query (a load's
    targets ask for a dozen scopes at once)."""
    kept = kept_summaries(con, scopes)
    return [
        k if k is not None else worked_out_summary(con, f)
        for f, k in zip(scopes, kept, strict=True)
    ]


# The extract files events without a program under this name (published_cells.sql); a
# filter naming it selects nothing, so it never reads that cell.
NO_PROGRAM_CELL = "(no program)"


def _kept_cell(f: Filters) -> dict[str, str] | None:
    """The donor extract's cell that holds exactly the events of `f`, if one does: at most
    one program, country and event type, and all dates or one whole calendar year."""
    if any(len(v) > 1 for v in (f.programs, f.countries, f.event_types)):
        return None
    if f.programs == (NO_PROGRAM_CELL,):  # the extract's cell of events without a program
        return None
    if f.date_from is None and f.date_to is None:
        period = "*"
    elif (
        f.date_from is not None
        and f.date_to is not None
        and (f.date_from.month, f.date_from.day, f.date_to.month, f.date_to.day) == (1, 1, 12, 31)
        and f.date_from.year == f.date_to.year
    ):
        period = str(f.date_from.year)
    else:
        return None
    return {
        "period": period,
        "program": f.programs[0] if f.programs else "*",
        "country": f.countries[0] if f.countries else "*",
        "event_type": f.event_types[0] if f.event_types else "*",
    }


def exact_extract_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store's exact donor extract was made for the store as it is now."""
    if not sqlfiles.has_table(con, "extract_exact_cells") or not sqlfiles.has_table(con, "meta"):
        return False
    return bool(con.execute(sqlfiles.sql_text("extract_fresh")).fetchall())


def _current_cell(con: Connection, filters: Filters) -> dict[str, str] | None:
    """The exact extract's cell of `filters` (_kept_cell) when this DuckDB store's extract is
    its current one, else None: what every read of kept cells checks first."""
    cell = _kept_cell(filters)
    if cell is None or not isinstance(con, duckdb.DuckDBPyConnection):
        return None
    return cell if exact_extract_is_current(con) else None


def kept_summary(con: Connection, filters: Filters) -> Summary | None:
    """The summary of `filters` from the exact donor extract (summary.sql's definitions,
    worked out cell by cell by the load that made this store version), or None when the
    extract has no such cell or belongs to another version. A whole store of ten million rows
    is read in milliseconds instead of grouped again."""
    return kept_summaries(con, [filters])[0]


def kept_summaries(con: Connection, scopes: list[Filters]) -> list[Summary | None]:
    """kept_summary() of each scope, in one query over the extract."""
    cells = [_kept_cell(f) for f in scopes]
    wanted = [(i, c) for i, c in enumerate(cells) if c is not None]
    out: list[Summary | None] = [None] * len(scopes)
    if not wanted or not isinstance(con, duckdb.DuckDBPyConnection):
        return out
    if not exact_extract_is_current(con):
        return out
    params = {
        plural: [c[key] for _, c in wanted]
        for key, plural in (
            ("period", "periods"), ("program", "programs"), ("country", "countries"),
            ("event_type", "event_types"),
        )
    }  # fmt: skip
    cur = con.execute(sqlfiles.sql_text("summary_kept"), {**params, "age_bands": ages.labels()})
    names = [d[0] for d in cur.description]
    for values in cur.fetchall():
        row = dict(zip(names, values, strict=True))
        out[wanted[row["pos"] - 1][0]] = summary_of(row)
    return out


def worked_out_summary(con: Connection, filters: Filters | None = None) -> Summary:
    """summary(), always worked out from the events and attendance (summary.sql)."""
    params = {**(filters or Filters()).params(), **ages.params()}
    result = _run(con, "summary", params)
    names = [d[0] for d in result.description]
    return summary_of(dict(zip(names, result.fetchall()[0], strict=True)))  # one row, always


def summary_of(row: dict[str, Any]) -> Summary:
    """The Summary of one row shaped as summary.sql's (summary_kept.sql reads one from an
    exact extract cell): counts by name, and `age` listing every band and gender in order."""
    gender = {g: int(row[g]) for g in ("female", "male", "other", "undisclosed")}
    age_gender: dict[str, dict[str, int]] = {}
    for cell in row["age"]:  # every band and gender, in order
        age_gender.setdefault(cell["band"], {})[cell["gender"]] = int(cell["people"])
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
        age={band: sum(by_gender.values()) for band, by_gender in age_gender.items()},
        age_gender=age_gender,
    )


GRAINS = ("month", "quarter", "year")


def reach_over_time(
    con: Connection, filters: Filters | None = None, grain: str = "month"
) -> pd.DataFrame:
    """Per period: new people, running total, unique people, attendances, returning people."""
    _check(grain, GRAINS, "grain")
    return query(con, "reach_over_time", filters or Filters(), grain=grain).df()


def first_reached(
    con: Connection, filters: Filters | None = None, grain: str = "month"
) -> pd.DataFrame:
    """Per period: people reached for the first time and the running total (reach_over_time's
    new_people and cumulative_people, without its per-period unique people)."""
    _check(grain, GRAINS, "grain")
    return query(con, "first_reached", filters or Filters(), grain=grain).df()


def _kept_table(con: Connection, name: str, filters: Filters, **extra: Any) -> pd.DataFrame | None:
    """sql/<name>_kept.sql: <name>.sql's table read from the exact donor extract's cells, or
    None when the filters are no cell of it or it belongs to another store version."""
    cell = _current_cell(con, filters)
    return None if cell is None else _run(con, f"{name}_kept", {**cell, **extra}).df()


def by_country(con: Connection, filters: Filters | None = None) -> pd.DataFrame:
    """People reached, attendances, events and reach per 100,000 per event country."""
    f = filters or Filters()
    kept = _kept_table(con, "by_country", f)
    return kept if kept is not None else query(con, "by_country", f).df()


DIMENSIONS = ("program", "event_type", "country_code")


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}")


def by_group(con: Connection, filters: Filters | None = None, dim: str = "program") -> pd.DataFrame:
    """People reached (direct, cascade), attendances and events per program or event type."""
    _check(dim, DIMENSIONS[:2], "dim")
    f = filters or Filters()
    kept = _kept_table(con, "by_group", f, dim=dim)
    return kept if kept is not None else query(con, "by_group", f, dim=dim).df()


# A LIMIT that keeps every row: an integer, as every engine takes (Spark no null, nor one
# past a 32-bit integer). No store holds two billion events.
EVERY_ROW = 2**31 - 1


def events_table(
    con: Connection, filters: Filters | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Every in-scope event (or the `limit` latest) with its counts, saying whether they come
    from a list or a headcount."""
    rows = EVERY_ROW if limit is None else limit
    return query(con, "events_table", filters or Filters(), limit=rows).df()


def cascade_levels(con: Connection, filters: Filters | None = None) -> pd.DataFrame:
    """Per program and cascade level: events, people, and how many of them are headcounts."""
    return query(con, "cascade_levels", filters or Filters()).df()


def cascade_by_program(con: Connection, filters: Filters | None = None) -> pd.DataFrame:
    """Per program: reach, multiplier, activation rate, depth, median days to step-downs."""
    df = query(con, "cascade_by_program", filters or Filters()).df()
    direct = df["direct_reach"].astype("float64")
    df["cascade_multiplier"] = (df["cascade_reach"] / direct.where(direct > 0)).round(RATE_DIGITS)
    base = df["activation_base"].astype("float64")
    df["activation_rate"] = (df["activated"] / base.where(base > 0)).round(RATE_DIGITS)
    return df


def step_downs(
    con: Connection, filters: Filters | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Step-down events in scope (or the `limit` latest) with their parent event and days
    after it."""
    rows = EVERY_ROW if limit is None else limit
    return query(con, "step_downs", filters or Filters(), limit=rows).df()


GENDERS = ("female", "male", "other", "undisclosed")


def gender_groups(
    con: Connection, filters: Filters | None = None, grain: str = "year"
) -> pd.DataFrame:
    """People by gender for every grouping at once: dim reached, trainers, period, program,
    country (one pass over the scope; slice it with gender_slice)."""
    _check(grain, GRAINS, "grain")
    return query(con, "gender_groups", filters or Filters(), grain=grain).df()


def gender_slice(groups: pd.DataFrame, dim: str) -> pd.DataFrame:
    """One grouping of a gender_groups frame, in the shape its chart takes."""
    rows = groups[groups["dim"] == dim].drop(columns="dim")
    if dim in ("reached", "trainers"):
        # The group is a key (parity["People reached"]), worded where shown: _(group).
        label = N_("People reached") if dim == "reached" else N_("Trainers")
        counts = dict(zip(rows["gender"], rows["people"], strict=True))
        return pd.DataFrame(
            {
                "group": label,
                "gender": list(GENDERS),
                "people": [int(counts.get(g, 0)) for g in GENDERS],
            }
        )
    rows = rows[rows["people"] > 0].reset_index(drop=True)
    if dim == "period":
        rows = rows.rename(columns={"group": "period"})
        rows["period"] = pd.to_datetime(rows["period"])
    return rows


def gender_breakdown(con: Connection, filters: Filters | None = None) -> pd.DataFrame:
    """People by gender among people reached and among trainers, with shares."""
    return breakdown_of(gender_groups(con, filters))


def breakdown_of(groups: pd.DataFrame) -> pd.DataFrame:
    """The reached-vs-trainers table of a gender_groups frame, with each gender's share."""
    df = pd.concat(
        [gender_slice(groups, "reached"), gender_slice(groups, "trainers")], ignore_index=True
    )
    totals = df.groupby("group")["people"].transform("sum").astype("float64")
    df["share"] = (df["people"] / totals.where(totals > 0)).round(RATE_DIGITS)
    return df


def parity(breakdown: pd.DataFrame) -> dict[str, float | None]:
    """Gender parity index (female / male) per group of a gender_breakdown frame."""
    out: dict[str, float | None] = {}
    for group, rows in breakdown.groupby("group", sort=False):
        counts = dict(zip(rows["gender"], rows["people"], strict=True))
        male = int(counts.get("male", 0))
        out[str(group)] = None if male == 0 else round(int(counts.get("female", 0)) / male, 2)
    return out


def gender_over_time(
    con: Connection, filters: Filters | None = None, grain: str = "year"
) -> pd.DataFrame:
    """People reached per period and gender."""
    return gender_slice(gender_groups(con, filters, grain), "period")


def gender_by(
    con: Connection, filters: Filters | None = None, dim: str = "program"
) -> pd.DataFrame:
    """People reached by gender per program or per event country."""
    _check(dim, ("program", "country_code"), "dim")
    return gender_slice(gender_groups(con, filters), "program" if dim == "program" else "country")


AGE_DIMS = ("reached", "period", "program")


def age_groups(
    con: Connection, filters: Filters | None = None, grain: str = "year"
) -> pd.DataFrame:
    """People by age band for every grouping at once: band and gender among people reached,
    per period, per program (one pass over the scope; slice it with age_slice)."""
    _check(grain, GRAINS, "grain")
    return query(con, "age_groups", filters or Filters(), grain=grain, **ages.params()).df()


def age_slice(groups: pd.DataFrame, dim: str) -> pd.DataFrame:
    """One grouping of an age_groups frame with every band, empty ones as 0: for 'reached'
    (band, gender, people) over every gender; else (group or period, band, people)."""
    _check(dim, AGE_DIMS, "dim")
    rows = groups[groups["dim"] == dim]
    bands = ages.labels()
    if dim == "reached":
        counts = {(b, g): int(n) for b, g, n in zip(rows["band"], rows["gender"], rows["people"],
                                                      strict=True)}  # fmt: skip
        grid = [(b, g) for b in bands for g in GENDERS]
        return pd.DataFrame(
            {
                "band": [b for b, _ in grid],
                "gender": [g for _, g in grid],
                "people": [counts.get(key, 0) for key in grid],
            }
        )
    totals = rows.groupby("group")["people"].sum()
    kept = [str(g) for g in totals.index if totals[g] > 0]
    counts = {(g, b): int(n) for g, b, n in zip(rows["group"], rows["band"], rows["people"],
                                                  strict=True)}  # fmt: skip
    out = pd.DataFrame(
        {
            "group": [g for g in kept for _ in bands],
            "band": [b for _ in kept for b in bands],
            "people": [counts.get((g, b), 0) for g in kept for b in bands],
        }
    )
    if dim == "period":
        out = out.rename(columns={"group": "period"})
        out["period"] = pd.to_datetime(out["period"])
    return out


def age_pyramid(con: Connection, filters: Filters | None = None) -> pd.DataFrame:
    """People reached by age band and gender (every band and gender, empty ones as 0)."""
    return age_slice(age_groups(con, filters), "reached")


def age_by(
    con: Connection,
    filters: Filters | None = None,
    dim: str = "program",
    grain: str = "year",
) -> pd.DataFrame:
    """People reached by age band per period or per program (each group its own scope)."""
    _check(dim, ("period", "program"), "dim")
    return age_slice(age_groups(con, filters, grain), dim)


def event_gender(
    con: Connection, filters: Filters | None = None, threshold: float = 0.4
) -> pd.DataFrame:
    """Per event: people by gender, women's share, and whether it is below `threshold`."""
    df = query(con, "event_gender", filters or Filters()).df()
    df["female_share"] = df["female_share"].astype("float64").round(RATE_DIGITS)
    df["below_threshold"] = df["female_share"] < threshold
    return df


def share_histogram(events: pd.DataFrame, threshold: float, width: float = 0.05) -> pd.DataFrame:
    """Events per band of women's share (an event_gender frame), marking bands below threshold."""
    shares = events["female_share"].dropna()
    edges = [round(i * width, 6) for i in range(round(1 / width) + 1)]
    # Each band holds shares from its lower edge up to (not including) the next; 100% is last.
    band = np.floor(shares / width + 1e-9).astype(int).clip(upper=len(edges) - 2)
    counts = band.value_counts().reindex(range(len(edges) - 1), fill_value=0)
    out = pd.DataFrame(
        {
            "share_from": [edges[i] for i in counts.index],
            "share_to": [edges[i + 1] for i in counts.index],
            "events": counts.to_numpy(),
        }
    )
    out["below_threshold"] = out["share_to"] <= threshold + 1e-9
    return out


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


def options(con: duckdb.DuckDBPyConnection, scope: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the filters can choose from within an account's programs (empty: all)."""
    rows = sqlfiles.run(con, "filter_options", {"programs": list(scope)}).fetchall()
    found: dict[str, list[Any]] = {"program": [], "country": [], "event_type": []}
    names: dict[str, str] = {}
    bounds: tuple[Any, Any] = (None, None)
    for kind, value, label, first, last in rows:
        if kind == "dates":
            bounds = (first, last)
        else:
            found[kind].append(value)
            if kind == "country":
                names[value] = label
    programs = found["program"]
    countries = sorted(((c, names[c]) for c in found["country"]), key=lambda x: x[1])
    types = found["event_type"]
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
