"""The published extract: disclosure-controlled counts for every donor filter combination.

It lives in the store's `published` schema and is rebuilt in the same transaction as every
load and undo, so it never disagrees with the store. A donor session reads a copy of this
schema alone (see published_snapshot), so even a bug in a page cannot reach a person-level
row: the donor's connection has none.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from . import ages, disclosure, metrics, sqlfiles, targets
from .i18n import _

SCHEMA = "published"
ALL = "*"
PEOPLE = (
    "people_reached", "direct_reach", "cascade_reach", "attendances", "female", "male",
    "other", "undisclosed", "trainers", "trainers_female", "trainers_male", "trainers_other",
    "trainers_undisclosed", "activation_base", "activated",
)  # fmt: skip
EVENTS = ("events", "step_down_events", "countries_reached", "depth")
# published.ages: per cell (not the cascade-level ones), people per age band and gender
# ('*': every gender).
AGE_PEOPLE = ("people",)
GENDERS = ("female", "male", "other", "undisclosed")
DIMENSIONS = ("period", "program", "country", "event_type", "level")
BREAKDOWNS = ("none", *DIMENSIONS)
TABLES = ("cells", "ages", "facts", "progress", "sources")  # the published schema, whole


def scope_key(programs: Iterable[str]) -> str:
    """The key of a multi-program account scope in the extract."""
    return json.dumps(sorted(set(programs)), ensure_ascii=False)


def set_scopes(con: duckdb.DuckDBPyConnection, scopes: Iterable[Iterable[str]]) -> None:
    """Record the multi-program scopes of donor accounts (the extract builds cells for them)."""
    con.execute("delete from donor_scopes")
    rows = []
    for programs in scopes:
        progs = sorted(set(programs))
        if len(progs) > 1:
            rows += [(scope_key(progs), p) for p in progs]
    if rows:
        con.executemany("insert into donor_scopes values (?, ?)", sorted(set(rows)))


# Past this many attendance rows the extract's memory grows with the store, on one thread.
LARGE = 3_000_000


def memory_limit(rows: int = 0) -> str:
    """DuckDB's memory limit while the extract of a store of `rows` attendance rows is rebuilt:
    $REACH_EXTRACT_MEMORY, else 600MB or 200 bytes a row, whichever is more. Measured: 600MB
    holds a million-row load under 1 GB; inside the transaction of a ten-million-row load,
    which holds its new rows (and with --replace the old ones and their undo copy), 600MB and
    then 1GB ran out."""
    return os.environ.get("REACH_EXTRACT_MEMORY") or f"{max(600, rows // 5_000)}MB"


def keep_events(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the events as a merge finds them, so rebuild(lists=…) can tell what it changed."""
    con.execute("create or replace temp table _events_before as select * from main.events")


def rebuild(con: duckdb.DuckDBPyConnection, lists: list[str] | None = None) -> int:
    """Recompute the extract from the store (inside the caller's transaction); return its cells.

    lists: after a merge that began with keep_events(), the events whose attendance list it
    added or replaced; then only the cells that may hold an event the merge changed are
    worked out again (each cell's numbers are its own), the rest kept. None: every cell.
    """
    incremental = (
        lists is not None
        and is_current(con)
        and sqlfiles.temp_kind(con, "_events_before") == "table"
    )
    rows = int(sqlfiles.scalar(con, "select count(*) from main.participants"))
    # Left to itself DuckDB fills its hash tables up to most of the machine's memory (2 GB at
    # 1M rows); bounded, it spills what it must and, measured, runs as fast.
    bounds: dict[str, str | int] = {"memory_limit": memory_limit(rows)}
    if rows > LARGE:
        # Each thread keeps hash tables of its own: past a few million rows one thread stays
        # inside the limit where two ran out (a ten-million-row merge, measured).
        bounds["threads"] = 1
    metrics.install_macros(con)  # the age macros
    with sqlfiles.settings(con, **bounds):
        _touched(con, lists if incremental else None)
        # One pass gives the cells and, per cell, its age counts (a list): kept as a temp
        # table, then read as two frames.
        sqlfiles.materialize(
            con, "_exact_cells", "published_cells", {**ages.params(), "incremental": incremental}
        )
        exact = con.execute("select * exclude (ages) from _exact_cells order by cell_id").df()
        exact_ages = con.execute(
            "select cell_id, unnest(ages, recursive := true) from _exact_cells "
            "where ages is not null order by cell_id"
        ).df()
        con.execute("drop table _exact_cells")
    con.execute("drop table if exists temp._events_before")
    published = disclosure.frame(exact, PEOPLE)
    published_ages = disclosure.frame(exact_ages, AGE_PEOPLE)
    con.execute(f"create schema if not exists {SCHEMA}")
    if incremental:
        _replace_changed_cells(con, published, published_ages)
    else:
        for table, frame in (("cells", published), ("ages", published_ages)):
            con.register("_published", frame)
            try:
                con.execute(f"create or replace table {SCHEMA}.{table} as select * from _published")
            finally:
                con.unregister("_published")
    con.execute(f"create or replace table {SCHEMA}.facts (key varchar primary key, value varchar)")
    last = sqlfiles.scalar(con, "select max(loaded_at) from loads where undone_at is null")
    con.execute(
        f"insert into {SCHEMA}.facts values ('built_at', $at), ('last_load', $last)",
        {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "last": str(last or "")},
    )
    # Targets with their actuals under the same rule, for the donors' Targets page.
    targets.publish(con, SCHEMA)
    # The loads behind these numbers (when, and each file's SHA-256), for a report's provenance.
    con.execute(f"create or replace table {SCHEMA}.sources as {sqlfiles.sql_text('load_sources')}")
    return int(sqlfiles.scalar(con, f"select count(*) from {SCHEMA}.cells"))


def _touched(con: duckdb.DuckDBPyConnection, lists: list[str] | None) -> None:
    """The changed events' dimensions after a merge (none: every cell is worked out)."""
    if lists is not None:
        sqlfiles.materialize(con, "_extract_touched", "extract_touched", {"lists": lists})
    else:
        con.execute(
            "create or replace temp table _extract_touched (ev_program varchar, "
            "ev_country varchar, ev_type varchar, ev_level integer, ev_year varchar, "
            "ev_quarter varchar)"
        )
    sqlfiles.run_script(con, "extract_macros")


def exact_cells(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every donor cell's exact counts, before disclosure control (for checks, never shown)."""
    metrics.install_macros(con)
    _touched(con, None)
    return sqlfiles.run(con, "published_cells", {**ages.params(), "incremental": False}).df()


def _replace_changed_cells(
    con: duckdb.DuckDBPyConnection, cells: pd.DataFrame, cell_ages: pd.DataFrame
) -> None:
    """Swap the cells a merge may have changed for their new numbers (new cell IDs)."""
    changed = "changed_cell(c.scope_key, c.period, c.program, c.country, c.event_type, c.level)"
    con.execute(
        f"delete from {SCHEMA}.ages where cell_id in "
        f"(select c.cell_id from {SCHEMA}.cells as c where {changed})"
    )
    con.execute(f"delete from {SCHEMA}.cells as c where {changed}")
    # New IDs above every kept one: a cell ID only pairs a cell with its ages.
    offset = int(sqlfiles.scalar(con, f"select coalesce(max(cell_id), 0) from {SCHEMA}.cells"))
    for table, frame in (("cells", cells), ("ages", cell_ages)):
        con.register("_published", frame.assign(cell_id=frame["cell_id"] + offset))
        try:
            con.execute(f"insert into {SCHEMA}.{table} by name select * from _published")
        finally:
            con.unregister("_published")


def copy_into(source: duckdb.DuckDBPyConnection, target: duckdb.DuckDBPyConnection) -> None:
    """Copy the published schema of `source` into `target` (and nothing else)."""
    target.execute(f"create schema if not exists {SCHEMA}")
    for table in TABLES:
        exists = sqlfiles.scalar(
            source,
            "select count(*) from duckdb_tables() where schema_name = $s and table_name = $t",
            {"s": SCHEMA, "t": table},
        )
        if not exists:
            continue
        sqlfiles.transfer(
            source, f"select * from {SCHEMA}.{table}",
            target, f"create or replace table {SCHEMA}.{table} as select * from _copy",
        )  # fmt: skip


@dataclass(frozen=True)
class DonorFilters:
    """A donor's choice: one whole year or all, one program, country, event type or all."""

    year: str | None = None
    program: str | None = None
    country: str | None = None
    event_type: str | None = None

    def describe(self) -> str:
        """A short description for titles, in the active language: 'all events' or the
        choices (codes as written)."""
        parts = [v for v in (self.program, self.country, self.event_type, self.year) if v]
        # Translators: the scope of a donor's view when no program, country, event type or
        # year is chosen.
        return "; ".join(p.replace("_", "-") for p in parts) or _("all events")


class OutOfScope(ValueError):
    """A donor asked for a program outside their account's scope."""


def _cell_params(f: DonorFilters, scope: tuple[str, ...], by: str) -> dict[str, Any]:
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {', '.join(BREAKDOWNS)}")
    if f.program and scope and f.program not in scope:
        raise OutOfScope("that program is outside this account's scope")
    if f.program:
        key, program, programs = ALL, f.program, [f.program]
    elif len(scope) == 1:
        key, program, programs = ALL, scope[0], list(scope)
    elif scope:
        key, program, programs = scope_key(scope), ALL, list(scope)
    else:
        key, program, programs = ALL, ALL, []
    if by in ("program", "level"):
        key = ALL  # one program's cells are kept once, under the '*' scope
    return {
        "scope_key": key,
        "period": f.year or ALL,
        "program": program,
        "programs": programs,
        "country": f.country or ALL,
        "event_type": f.event_type or ALL,
        "by": by,
    }


def cells(
    con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: tuple[str, ...] = (), by: str = "none"
) -> pd.DataFrame:
    """The published cell of a donor view, or the cells breaking it down by one dimension."""
    return sqlfiles.run(con, "published_slice", _cell_params(f, scope, by)).df()


def age_cells(
    con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: tuple[str, ...] = (), by: str = "none"
) -> pd.DataFrame:
    """The published age counts of a donor view's cell, or of the cells breaking it down by
    one dimension: the cells' keys with band, gender ('*': every gender) and people."""
    if by == "level":
        raise ValueError("ages are not broken down by cascade level")
    keys = cells(con, f, scope, by)
    if not has_ages(con):
        # An extract from before ages were published: every count reads as suppressed.
        keys = keys.assign(cell_id=range(len(keys)))
        grid = [(b, g) for b in ages.labels() for g in (*GENDERS, ALL)]
        rows = pd.DataFrame(
            [(i, b, g) for i in keys["cell_id"] for b, g in grid],
            columns=["cell_id", "band", "gender"],
        )
        rows["people"] = pd.array([pd.NA] * len(rows), dtype="Int64")
    else:
        params = {"cell_ids": [int(i) for i in keys["cell_id"]], "age_bands": ages.labels()}
        rows = sqlfiles.run(con, "age_published", params).df()
    keys = keys[["cell_id", "period", "program", "country", "event_type"]]
    return keys.merge(rows, on="cell_id", how="inner")


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        sqlfiles.scalar(
            con,
            "select count(*) from duckdb_tables() where schema_name = $s and table_name = $t",
            {"s": SCHEMA, "t": table},
        )
    )


def has_extract(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the connection holds a published extract."""
    return _has_table(con, "cells")


def has_ages(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the extract has its age counts (one built by an older Reach has none until
    the next load, undo or account change rebuilds it)."""
    return _has_table(con, "ages")


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the extract has every table this Reach publishes (ages and targets came
    later, then the loads behind them: a store built before them is rebuilt once when opened)."""
    return all(_has_table(con, t) for t in TABLES)


def options(con: duckdb.DuckDBPyConnection, scope: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """What a donor's filters can choose from, within their account's scope."""
    if not has_extract(con):
        return {"years": [], "programs": [], "countries": [], "event_types": []}
    rows = sqlfiles.run(con, "published_options", {"programs": list(scope)}).fetchall()
    out: dict[str, list[str]] = {"years": [], "programs": [], "countries": [], "event_types": []}
    for kind, value in rows:
        out[kind].append(value)
    return out


def facts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """When the extract was built and the last load behind it."""
    if not has_extract(con):
        return {}
    return dict(con.execute(f"select key, value from {SCHEMA}.facts").fetchall())


def sync_scopes(con: duckdb.DuckDBPyConnection, scopes: Iterable[Iterable[str]]) -> bool:
    """Bring donor_scopes (and the extract) in line with the accounts; True when it changed."""
    wanted = sorted({(scope_key(s), p) for s in scopes if len(set(s)) > 1 for p in set(s)})
    have = sorted(con.execute("select scope_key, program from donor_scopes").fetchall())
    if have == wanted and has_extract(con):
        return False
    con.execute("begin transaction")
    try:
        set_scopes(con, scopes)
        rebuild(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return True


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The loads behind the published numbers: load_id, loaded_at, mode, size, sha256."""
    if not _has_table(con, "sources"):
        return pd.DataFrame(columns=["load_id", "loaded_at", "mode", "size", "sha256"])
    return con.execute(f"select * from {SCHEMA}.sources order by load_id").df()


def has_scope(con: duckdb.DuckDBPyConnection, programs: Iterable[str]) -> bool:
    """True when the extract has cells for this set of programs taken together (one program,
    or the multi-program scope of a donor account)."""
    progs = sorted(set(programs))
    if len(progs) <= 1:
        return True
    return bool(
        sqlfiles.scalar(
            con,
            f"select count(*) from {SCHEMA}.cells where scope_key = $k",
            {"k": scope_key(progs)},
        )
    )
