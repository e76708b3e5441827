"""The store as Parquet, partitioned by program and year: what Spark, Trino or BigQuery read as is.

Only what the store holds is written: pseudonymous IDs, never a name, phone or e-mail (none
is ever stored). Hive-style folders (`program=…/year=…/`) let an engine skip the programs and
years a query does not ask for.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from . import sqlfiles
from .i18n import _

# Table → (query in sql/, partition columns).
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "events": ("parquet_events", ("program", "year")),
    "participants": ("parquet_participants", ("program", "year")),
    "targets": ("parquet_targets", ("program",)),
    "countries": ("parquet_countries", ()),
}


class ExportError(ValueError):
    """A sentence for the person: the folder cannot take the export."""


def export(con: duckdb.DuckDBPyConnection, out_dir: Path | str) -> dict[str, int]:
    """Write every table of the store under out_dir/<table>/; returns the rows per table.

    The folder must be new or empty. The files are written to a sibling folder first and
    moved into place at the end, so a failed export leaves no half-written tables.
    """
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(
            _("{folder} already exists and is not an empty folder; choose a new one.").format(
                folder=out
            )
        )
    work = out.with_name(out.name + ".part")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    rows: dict[str, int] = {}
    try:
        for table, (query, partitions) in TABLES.items():
            relation = con.sql(sqlfiles.sql_text(query))
            rows[table] = int(relation.aggregate("count(*)").fetchall()[0][0])
            target = work / table
            if partitions and rows[table]:
                relation.write_parquet(str(target), partition_by=list(partitions))
            else:  # no partitions, or none to make: one file keeps the columns for readers
                target.mkdir()
                relation.write_parquet(str(target / "data_0.parquet"))
        if out.exists():
            out.rmdir()
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return rows
