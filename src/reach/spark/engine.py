"""The metric queries on Spark over the Parquet export (reach.parquet).

The export's folders become views named like the store's tables. Results come back as DuckDB
relations typed as DuckDB types the same query, so every metric function reads them as it
reads DuckDB's own, and both engines give equal frames.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from .. import countries, metrics, sqlfiles, store
from . import portable
from .session import SparkUnavailable, missing, quiet, session

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkEngine", "SparkUnavailable", "connect", "missing", "session", "store_views"]

# The store's columns in the store's order (sql/schema_rows.sql): the views have exactly these,
# so `select *` means the same on both engines.
EVENT_COLUMNS = (
    "event_id", "title", "program", "event_type", "start_date", "end_date", "city",
    "country_code", "organizer", "parent_event_id", "reported_participants",
    "reported_female", "reported_male", "cascade_level", "root_event_id",
)  # fmt: skip
PARTICIPANT_COLUMNS = (
    "participant_id", "event_id", "gender", "role", "birth_year", "country_code", "organization",
)  # fmt: skip
COUNTRY_SCHEMA = "country_code string, name string, region string, population bigint"
# Each engine's views have a prefix of their own, so several exports can share one session.
_views = itertools.count(1)


def _partition_text(column: str) -> Any:
    """A partition column as written: DuckDB percent-encodes a folder name's UTF-8 bytes and
    Spark decodes each byte as one character, so the bytes are put back together."""
    from pyspark.sql import functions as F

    return F.decode(F.encode(F.col(column), "ISO-8859-1"), "UTF-8").alias(column)


def _read(spark: SparkSession, folder: str) -> DataFrame:
    """One table's folder, its partition folders (program=…/year=…) read as columns."""
    return spark.read.option("basePath", str(folder)).parquet(str(folder))


def store_views(spark: SparkSession, data_dir: Path | str, prefix: str) -> None:
    """The Parquet export as the store's tables, views named <prefix><table>: the derived
    columns the export leaves out (event_order, has_attendance) are derived as the store
    derives them (sql/event_derived.sql)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    data = str(data_dir).rstrip("/")  # a local folder, or a URL every executor reads (s3a://…)
    participants = _read(spark, f"{data}/participants").select(*PARTICIPANT_COLUMNS)
    events = _read(spark, f"{data}/events")
    if any("/program=" in f for f in events.inputFiles()):  # a folder per program
        events = events.withColumn("program", _partition_text("program"))
    attending = (
        participants.where(F.col("role") == "participant")
        .select("event_id")
        .distinct()
        .withColumn("has_attendance", F.lit(True))
    )
    # The events are few (one row each) and every query reads them: kept in memory once.
    order = Window.orderBy("start_date", "event_id")
    events = (
        events.select(*EVENT_COLUMNS)
        .join(attending, "event_id", "left")
        .select(
            *EVENT_COLUMNS,
            F.row_number().over(order).alias("event_order"),
            F.coalesce(F.col("has_attendance"), F.lit(False)).alias("has_attendance"),
        )
        .cache()
    )
    reference = countries.reference()
    rows = [
        (r.country_code, r.name, r.region, None if r.population is None else int(r.population))
        for r in reference.astype(object).where(reference.notna(), None).itertuples()
    ]
    views = {
        "events": events,
        "participants": participants,
        "countries": _read(spark, f"{data}/countries"),
        "country_reference": spark.createDataFrame(rows, COUNTRY_SCHEMA),
    }
    for table, frame in views.items():
        frame.createOrReplaceTempView(prefix + table)


class SparkEngine:
    """The metric queries on Spark over one Parquet export (metrics.Engine)."""

    def __init__(self, data_dir: Path | str, spark: SparkSession | None = None) -> None:
        """Register the export's views on `spark` (a new local or $REACH_SPARK_MASTER one)."""
        self.spark = spark or session()
        self.prefix = f"reach{next(_views)}_"
        store_views(self.spark, data_dir, self.prefix)
        # An empty store of the same schema, in memory: DuckDB types each query on it
        # (no rows to read) and holds the Spark rows for the caller in those types.
        self.local = duckdb.connect()
        store.create_tables(self.local)
        metrics.install_macros(self.local)

    def run(self, name: str, params: dict[str, Any]) -> duckdb.DuckDBPyRelation:
        """sql/<name>.sql on Spark with bound parameters, as a DuckDB relation."""
        text = portable.spark_sql(name, self.prefix)
        used = portable.parameters(name)  # Spark is given the markers its text holds, bound
        rows = self.spark.sql(text, args={k: v for k, v in params.items() if k in used})
        typed = self.local.sql(sqlfiles.sql_text(name), params=params)
        with quiet():
            result = self.local.from_arrow(rows.toArrow())
        if result.columns != typed.columns:
            raise portable.NotPortable(f"{name}: Spark gave columns {result.columns}")
        return result.project(
            ", ".join(
                f"cast({sqlfiles.quote_ident(c)} as {t}) as {sqlfiles.quote_ident(c)}"
                for c, t in zip(typed.columns, typed.types, strict=True)
            )
        )

    def close(self) -> None:
        """Drop this engine's views (the session stays, for whoever else uses it)."""
        for table in portable.STORE_TABLES:
            if table == "events":
                self.spark.table(self.prefix + table).unpersist()
            self.spark.catalog.dropTempView(self.prefix + table)
        self.local.close()


@contextmanager
def connect(data_dir: Path | str) -> Iterator[SparkEngine]:
    """An engine over one export, on the active Spark session or a new one (stopped after,
    only if it was made here: a test's or a notebook's session stays)."""
    lacking = missing()
    if lacking:
        raise SparkUnavailable(lacking)
    with quiet():
        from pyspark.sql import SparkSession
    active = SparkSession.getActiveSession()
    spark = active or session()
    try:
        engine = SparkEngine(data_dir, spark)
        try:
            yield engine
        finally:
            engine.close()
    finally:
        if active is None:
            spark.stop()
