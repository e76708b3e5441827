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


# Past this many attendance rows the extract's memory grows with the store: it runs on at most
# LARGE_THREADS threads (each keeps hash tables of its own), the most measured within its limit.
LARGE = 3_000_000
LARGE_THREADS = 2


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
    worked out again, from their exact counts kept in the store and the people the merge
    touched (each cell's numbers are its own), the rest kept. None: every cell, from scratch.
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
        # Each thread keeps hash tables of its own, so a large store gets no more threads than
        # were measured inside the limit: two load, replace and merge 10M rows at a peak of
        # 2.3 GB (the whole-store query 14-15 s against 20 s on one; a merge 4.9 s against 7.3).
        # One thread used to be the rule, from when two ran out joining every event to every
        # cell; the cells are now reached through sets of dimensions.
        bounds["threads"] = min(
            LARGE_THREADS, int(sqlfiles.scalar(con, "select current_setting('threads')"))
        )
    metrics.install_macros(con)  # the age macros
    with sqlfiles.settings(con, **bounds):
        if incremental:
            exact, exact_ages = _changed_cells(con, lists or [])
        else:
            exact, exact_ages = _every_cell(con)
    con.execute("drop table if exists temp._events_before")
    published = disclosure.frame(exact, PEOPLE)
    published_ages = disclosure.frame(exact_ages, AGE_PEOPLE)
    con.execute(f"create schema if not exists {SCHEMA}")
    tables = {
        f"main.{EXACT[0]}": exact,
        f"main.{EXACT[1]}": exact_ages,
        f"{SCHEMA}.cells": published,
        f"{SCHEMA}.ages": published_ages,
    }
    if incremental:
        _replace_changed_cells(con, tables)
    else:
        for table, frame in tables.items():
            con.register("_published", frame)
            try:
                con.execute(f"create or replace table {table} as select * from _published")
            finally:
                con.unregister("_published")
    con.execute(f"create or replace table {SCHEMA}.facts (key varchar primary key, value varchar)")
    last = sqlfiles.scalar(con, "select max(loaded_at) from loads where undone_at is null")
    con.execute(
        f"insert into {SCHEMA}.facts values ('built_at', $at), ('last_load', $last)",
        {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "last": str(last or "")},
    )
    # The store version these exact counts belong to: metrics.kept_summary reads them only
    # while the store is at that version.
    con.execute(
        "insert or replace into main.meta select 'extract_version', value from main.meta "
        "where key = 'version'"
    )
    # Targets with their actuals under the same rule, for the donors' Targets page.
    targets.publish(con, SCHEMA)
    # The loads behind these numbers (when, and each file's SHA-256), for a report's provenance.
    con.execute(f"create or replace table {SCHEMA}.sources as {sqlfiles.sql_text('load_sources')}")
    return int(sqlfiles.scalar(con, f"select count(*) from {SCHEMA}.cells"))


# The extract's exact counts, kept in the store beside the published ones (same cell IDs) so
# that a merge can add what it changed to them. Never in the published schema: a donor's
# connection copies that schema alone.
EXACT = ("extract_exact_cells", "extract_exact_ages")


def _count_over(
    con: duckdb.DuckDBPyConnection, events: str, rows: str | None, only: str | None = None
) -> None:
    """Point published_cells.sql at the table `events` (or, with `only`, those of its events
    listed in that temp table) and at the attendance rows to count: the temp table `rows`, or
    (None) every row in the store."""
    for name in ("_cells_events", "_cells_participants"):
        kind = sqlfiles.temp_kind(con, name)
        if kind:
            con.execute(f"drop {kind} temp.{name}")
    listed = f" semi join temp.{only} using (event_id)" if only else ""
    con.execute(f"create temp view _cells_events as select * from {events}{listed}")
    source = f"temp.{rows}" if rows else "main.participants"
    con.execute(f"create temp view _cells_participants as select * from {source}")


def _frames(con: duckdb.DuckDBPyConnection, table: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A published_cells result kept as `table`, read as its cells and their age counts."""
    exact = con.execute(f"select * exclude (ages) from {table} order by cell_id").df()
    exact_ages = con.execute(
        f"select cell_id, unnest(ages, recursive := true) from {table} "
        "where ages is not null order by cell_id"
    ).df()
    return exact, exact_ages


def _over_the_store(con: duckdb.DuckDBPyConnection) -> None:
    """Point published_cells.sql at every cell, every event and every attendance row."""
    _touched(con, None)
    _count_over(con, "main.events", None)


def _every_cell(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every donor cell's exact counts, from the whole store."""
    _over_the_store(con)
    params = {**ages.params(), "incremental": False}
    # One pass gives the cells and, per cell, its age counts (a list): kept as a temp table,
    # then read as two frames.
    sqlfiles.materialize(con, "_exact_cells", "published_cells", params)
    try:
        return _frames(con, "_exact_cells")
    finally:
        con.execute("drop table _exact_cells")


def _changed_cells(
    con: duckdb.DuckDBPyConnection, lists: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The exact counts of the cells a merge may have changed: kept counts, plus its people
    and events counted as they are now, less the same counted as they were; the numbers of
    events and countries and the depth, over every event (extract_delta.sql)."""
    _touched(con, lists)
    # Kept until _replace_changed_cells has taken these cells out.
    sqlfiles.materialize(con, "_changed_cell_ids", "extract_changed_cells")
    sqlfiles.materialize(con, "_delta_people", "extract_people")
    sqlfiles.materialize(con, "_delta_events", "extract_delta_events")
    params = {**ages.params(), "incremental": True}
    sqlfiles.materialize(con, "_delta_rows", "extract_rows_after")
    _count_over(con, "main.events", "_delta_rows", only="_delta_events")
    sqlfiles.materialize(con, "_exact_after", "published_cells", params)
    sqlfiles.materialize(con, "_delta_rows", "extract_rows_before", {"lists": lists})
    _count_over(con, "temp._events_before", "_delta_rows", only="_delta_events")
    sqlfiles.materialize(con, "_exact_before", "published_cells", params)
    # Every event, nobody's rows: the changed cells as they stand, for what is not a sum.
    con.execute("create or replace temp table _delta_rows as from main.participants limit 0")
    _count_over(con, "main.events", "_delta_rows")
    sqlfiles.materialize(con, "_exact_events", "published_cells", params)
    try:
        return (
            sqlfiles.frame(con, "extract_delta"),
            sqlfiles.frame(con, "extract_delta_ages"),
        )
    finally:
        _count_over(con, "main.events", None)  # the views must not outlive the temp tables
        for table in ("_exact_after", "_exact_before", "_exact_events", "_delta_rows",
                      "_delta_people", "_delta_events"):  # fmt: skip
            con.execute(f"drop table if exists temp.{table}")


def _touched(con: duckdb.DuckDBPyConnection, lists: list[str] | None) -> None:
    """The changed events and their dimensions after a merge (none: every cell is worked
    out), and the macro that tells a cell holding one of them."""
    if lists is not None:
        sqlfiles.materialize(con, "_extract_changed", "extract_changed", {"lists": lists})
        sqlfiles.materialize(con, "_extract_touched", "extract_touched")
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
    _over_the_store(con)
    return sqlfiles.run(con, "published_cells", {**ages.params(), "incremental": False}).df()


def _replace_changed_cells(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> None:
    """Swap the cells a merge may have changed for their new numbers (new cell IDs), in the
    exact and the published tables alike: `tables` maps each table to its new rows."""
    # New IDs above every kept one, the same in every table: a cell ID pairs a cell with its
    # ages, and a published cell with its exact counts (disclosure.frame keeps every row). So
    # the changed cells found once (temp._changed_cell_ids, by _changed_cells) go from all four.
    offset = int(sqlfiles.scalar(con, f"select coalesce(max(cell_id), 0) from {SCHEMA}.cells"))
    try:
        for table in (f"main.{EXACT[1]}", f"main.{EXACT[0]}", f"{SCHEMA}.ages", f"{SCHEMA}.cells"):
            con.execute(f"delete from {table} where cell_id in (from temp._changed_cell_ids)")
    finally:
        con.execute("drop table temp._changed_cell_ids")
    for table, frame in tables.items():
        con.register("_published", frame.assign(cell_id=frame["cell_id"] + offset))
        try:
            con.execute(f"insert into {table} by name select * from _published")
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
    """True when the extract has every table this Reach publishes and keeps (ages and targets
    came later, then the loads behind them, then the exact counts: a store built before them
    is rebuilt once when opened)."""
    return all(_has_table(con, t) for t in TABLES) and all(
        sqlfiles.has_table(con, t) for t in EXACT
    )


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
