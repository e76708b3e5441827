"""Spark benchmark (issue 12): the summary on DuckDB and on Spark local, for the same data.

Run:  python benchmarks/bench_spark.py [--rows 100000 1000000] [--repeat 3]
Prints a Markdown table per size (also written to benchmarks/out/spark-<rows>.md). It
measures; it asserts nothing about time. It checks that both engines give the same numbers.

For each size: demo data (`demo --rows N --seed 1`, shared with bench_scale), loaded into a
store (without the donor extract, which no metric reads), exported with export-parquet.
Then, each in a fresh process:
- DuckDB: `metrics.summary` on the store, the first call and warm calls (median);
- Spark: start-up of a local session (`local[2]`, the JVM), the Parquet export as views,
  the first summary (it reads the events into memory) and warm ones (median); then every
  other SQL-backed metric table once, for the time a page of breakdowns would take;
- each engine's whole `python -m reach summary --json` process, compared for equality.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from peak import CHILD_PEAK

from reach import demo

OUT = Path(__file__).resolve().parent / "out"

PREPARE = """
import sys
from pathlib import Path
import duckdb
from reach import parquet, store
from reach.validate import sources_in
with duckdb.connect(sys.argv[2]) as con:
    result = store.load(con, *sources_in(Path(sys.argv[1])), publish=False)
    assert result.applied, result.to_text()
    parquet.export(con, sys.argv[3])
"""

TABLES = """
TABLES = [("by_country", {}), ("by_group", {"dim": "program"}), ("cascade_levels", {}),
          ("cascade_by_program", {}), ("step_downs", {}), ("events_table", {}),
          ("event_gender", {}), ("gender_groups", {"grain": "year"}),
          ("age_groups", {"grain": "year"}), ("reach_over_time", {"grain": "month"})]
def tables(con):
    t = time.perf_counter()
    for name, kwargs in TABLES:
        getattr(metrics, name)(con, **kwargs)
    return time.perf_counter() - t
def summaries(con, repeat):
    t = time.perf_counter()
    numbers = metrics.summary(con).as_dict()
    first = time.perf_counter() - t
    warm = []
    for _ in range(repeat):
        t = time.perf_counter()
        metrics.summary(con)
        warm.append(time.perf_counter() - t)
    return numbers, first, warm
"""

DUCKDB = (
    CHILD_PEAK
    + """
import json, sys, time
import duckdb
from reach import metrics
"""
    + TABLES
    + """
with duckdb.connect(sys.argv[1], read_only=True) as con:
    numbers, first, warm = summaries(con, int(sys.argv[2]))
    every = tables(con)
print(json.dumps({"first": first, "warm": warm, "tables": every, "numbers": numbers,
                  "peak_mb": peak_mb()}))
"""
)

SPARK = (
    """
import json, sys, time
from reach import metrics
from reach.spark import engine
"""
    + TABLES
    + """
t = time.perf_counter()
spark = engine.session()
started = time.perf_counter() - t
t = time.perf_counter()
con = engine.SparkEngine(sys.argv[1], spark)
views = time.perf_counter() - t
numbers, first, warm = summaries(con, int(sys.argv[2]))
every = tables(con)
con.close()
spark.stop()
print(json.dumps({"start": started, "views": views, "first": first, "warm": warm,
                  "tables": every, "numbers": numbers}))
"""
)

ENV: dict[str, str] = dict(os.environ)


def _child(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=ENV
    )
    if out.returncode:
        raise SystemExit(f"a benchmark step failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else {}


def _whole_process(*argv: str) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "reach", *argv], capture_output=True, text=True, check=True, env=ENV
    )
    return time.perf_counter() - t, out.stdout


def prepare(rows: int) -> tuple[Path, Path, int]:
    """The demo data of `rows` rows as a store and as its Parquet export (made once)."""
    data = OUT / f"demo-{rows}"
    if not (data / "participants.csv").exists():
        demo.write(data, rows=rows, seed=1)
    db = OUT / f"spark-{rows}.duckdb"
    pq = OUT / f"spark-{rows}-parquet"
    if not (db.exists() and pq.exists()):
        for leftover in (db, Path(f"{db}.wal")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(pq, ignore_errors=True)
        _child(PREPARE, str(data), str(db), str(pq))
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("select count(*) from participants").fetchall()[0][0]
    return db, pq, int(stored)


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench(rows: int, repeat: int) -> str:
    """The table for one size."""
    db, pq, stored = prepare(rows)
    warm = str(repeat)
    duck = [_child(DUCKDB, str(db), warm) for _ in range(repeat)]
    spark = [_child(SPARK, str(pq), warm) for _ in range(repeat)]
    same = all(run["numbers"] == duck[0]["numbers"] for run in duck + spark)
    cli_duck, cli_spark = [], []
    for _ in range(repeat):
        seconds, duck_out = _whole_process("summary", "--db", str(db), "--json")
        cli_duck.append(seconds)
        seconds, spark_out = _whole_process(
            "summary", "--engine", "spark", "--data", str(pq), "--json"
        )
        cli_spark.append(seconds)
        same = same and json.loads(duck_out) == json.loads(spark_out)

    def med(runs: list[dict], key: str) -> float:
        return median([median(r[key]) if isinstance(r[key], list) else r[key] for r in runs])

    d_warm, s_warm = med(duck, "warm"), med(spark, "warm")
    d_tables, s_tables = med(duck, "tables"), med(spark, "tables")
    rows_md = [
        ("DuckDB: `metrics.summary` on the store, first call", med(duck, "first"), ""),
        ("DuckDB: `metrics.summary`, warm", d_warm, "1.00×"),
        ("Spark local[2]: session start-up (JVM)", med(spark, "start"), ""),
        ("Spark: the Parquet export as views", med(spark, "views"), ""),
        ("Spark: `metrics.summary`, first call (reads the events into memory)",
         med(spark, "first"), ""),
        ("Spark: `metrics.summary`, warm", s_warm, f"{s_warm / d_warm:.0f}× DuckDB"),
        ("DuckDB: 10 breakdown tables (by_country … reach_over_time)", d_tables, "1.00×"),
        ("Spark: the same 10 tables", s_tables, f"{s_tables / d_tables:.0f}× DuckDB"),
        ("`summary --db --json`, whole process (DuckDB)", median(cli_duck), "1.00×"),
        ("`summary --engine spark --data --json`, whole process", median(cli_spark),
         f"{median(cli_spark) / median(cli_duck):.0f}× DuckDB"),
    ]  # fmt: skip
    lines = [
        f"Dataset: `demo --rows {rows} --seed 1` → {stored:,} participant rows; "
        f"{os.cpu_count()} cores; DuckDB {duckdb.__version__}; Spark local[2]; median of "
        f"{repeat} processes (each its own median of {repeat} warm calls). Same numbers on "
        f"both engines: {'yes' if same else 'NO'}.",
        "",
        "| step | median (s) | ratio |",
        "|---|---:|---|",
        *[f"| {name} | {s:.2f} | {ratio} |" for name, s, ratio in rows_md],
        f"| DuckDB peak memory (MB) | {max(r['peak_mb'] for r in duck):.0f} | |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ENV["REACH_MAX_ROWS"] = str(max(2_000_000, *args.rows))
    OUT.mkdir(exist_ok=True)
    for rows in args.rows:
        text = bench(rows, args.repeat)
        (OUT / f"spark-{rows}.md").write_text(text + "\n", encoding="utf-8")
        print(text, end="\n\n", flush=True)


if __name__ == "__main__":
    main()
