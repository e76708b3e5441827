"""Run the named-CTE queries kept in src/reach/sql/*.sql with bound parameters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd


@cache
def sql_text(name: str) -> str:
    """Return the text of sql/<name>.sql."""
    path = resources.files("reach").joinpath("sql").joinpath(f"{name}.sql")
    return path.read_text(encoding="utf-8")


def run(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute sql/<name>.sql with $name parameters and return the cursor."""
    return con.execute(sql_text(name), params or {})


def run_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Execute every statement of sql/<name>.sql (statements end with ';' at a line end)."""
    for statement in sql_text(name).split(";\n"):
        body = "\n".join(ln for ln in statement.splitlines() if not ln.strip().startswith("--"))
        if body.strip():
            con.execute(statement)


def materialize(
    con: duckdb.DuckDBPyConnection, table: str, name: str, params: dict[str, Any] | None = None
) -> None:
    """Store the result of sql/<name>.sql as temp table `table`."""
    con.execute(
        f"create or replace temp table {quote_ident(table)} as {sql_text(name)}", params or {}
    )


def frame(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Execute sql/<name>.sql and return the result as a DataFrame."""
    return run(con, name, params).df()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> Any:
    """The single value of a one-row, one-column statement (None when it returns no row)."""
    rows = con.execute(sql, params or {}).fetchall()
    return rows[0][0] if rows else None


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The first row of a query as a dict (fetching it all, so the connection is free again)."""
    cur = con.execute(sql, params or {})
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    return dict(zip(names, rows[0], strict=True)) if rows else {}


def database_path(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file of the connection's current database (None for one in memory)."""
    return scalar(
        con, "select path from duckdb_databases() where database_name = current_database()"
    )


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when the database (not the temp schema) has a table of that name."""
    return bool(
        scalar(
            con,
            "select count(*) from duckdb_tables() where table_name = $name and not temporary",
            {"name": name},
        )
    )


def temp_kind(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """'table' or 'view' when the temp schema has an object of that name, else None."""
    return scalar(
        con,
        "select 'table' from duckdb_tables() where temporary and table_name = $name "
        "union all select 'view' from duckdb_views() where temporary and view_name = $name",
        {"name": name},
    )


def memory_size(text: str) -> str:
    """A memory size such as '600MB' or '1.5 GiB' (a setting, checked before it meets SQL)."""
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*[KMGT]i?B\s*", text, flags=re.IGNORECASE):
        raise ValueError(f"not a memory size: {text!r} (e.g. 600MB or 2GB)")
    return text.strip()


# The settings `settings` changes, each with how its value is written into SET (checked first).
_SETTINGS = {
    "memory_limit": lambda v: f"'{memory_size(str(v))}'",
    "threads": lambda v: str(int(v)),
    "enable_optimistic_write": lambda v: "true" if str(v).lower() in ("true", "1") else "false",
}


@contextmanager
def settings(con: duckdb.DuckDBPyConnection, **values: str | int) -> Iterator[None]:
    """DuckDB settings (memory_limit, threads, enable_optimistic_write) for the length of a
    block, then as they were (as DuckDB shows them: a memory limit to its shown precision,
    '2.7 GiB')."""
    before = {n: scalar(con, "select current_setting($n)", {"n": n}) for n in values}
    for name, value in values.items():
        con.execute(f"set {name} = {_SETTINGS[name](value)}")
    try:
        yield
    finally:
        try:
            for name, value in before.items():
                con.execute(f"set {name} = {_SETTINGS[name](value)}")
        except duckdb.TransactionException:
            pass  # an aborted transaction runs nothing; the error under way is the one to see


def quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The connection without DuckDB's progress bar: Reach's output is read by people and by
    scripts (`summary --json`), and DuckDB draws one on stdout for queries over 2 s."""
    con.execute("set enable_progress_bar = false")
    return con


def transfer(
    source: duckdb.DuckDBPyConnection,
    query: str,
    target: duckdb.DuckDBPyConnection,
    statement: str,
) -> None:
    """Run `statement` on target with the rows of `query` on source visible as `_copy`."""
    target.register("_copy", source.sql(query).to_arrow_table())
    try:
        target.execute(statement)
    finally:
        target.unregister("_copy")


def quote_ident(name: str) -> str:
    """Quote an identifier (never a value) for DuckDB."""
    return '"' + name.replace('"', '""') + '"'
