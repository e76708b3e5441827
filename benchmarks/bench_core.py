"""Core benchmark: load and summary times on a 1,000,000-row demo dataset, beside DuckDB's floor.

Run:  python benchmarks/bench_core.py [--rows 1000000] [--repeat 5]
Prints a Markdown table (also written to benchmarks/out/core.md). It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from peak import CHILD_PEAK

from reach import demo, metrics
from reach.metrics import Filters

OUT = Path(__file__).resolve().parent / "out"


def best_of(fn, repeat: int) -> tuple[float, float]:
    """(best, median) wall time of fn over `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def floor_read_and_count(data: Path) -> None:
    con = duckdb.connect()
    con.execute("select count(*) from read_csv($p)", {"p": str(data / "events.csv")}).fetchall()
    con.execute(
        "select count(distinct participant_id) from read_csv($p)",
        {"p": str(data / "participants.csv")},
    ).fetchall()
    con.close()


def child_load(data: Path, db: Path) -> dict:
    """Load in a fresh process, so its peak memory is the load's own."""
    code = (
        CHILD_PEAK + "import json, sys, time\n"
        "from pathlib import Path\n"
        "from reach import store\n"
        "t = time.perf_counter()\n"
        "r = store.load_dir(Path(sys.argv[2]), Path(sys.argv[1]))\n"
        "assert r.applied, r.to_text()\n"
        "print(json.dumps({'seconds': time.perf_counter() - t,"
        " 'peak_mb': peak_mb()}))\n"
    )
    for leftover in (db, Path(f"{db}.wal")):
        leftover.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", code, str(data), str(db)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loads", type=int, default=3)
    args = parser.parse_args()

    data = OUT / f"demo-{args.rows}"
    if not (data / "participants.csv").exists():
        t = time.perf_counter()
        demo.write(data, rows=args.rows, seed=1)
        print(f"demo data written in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    db = OUT / f"bench-{args.rows}.duckdb"

    floor, floor_med = best_of(lambda: floor_read_and_count(data), args.repeat)
    loads = [child_load(data, db) for _ in range(args.loads)]
    load_best = min(x["seconds"] for x in loads)
    load_med = statistics.median(x["seconds"] for x in loads)
    load_peak = max(x["peak_mb"] for x in loads)

    con = duckdb.connect(str(db), read_only=True)
    metrics.install_macros(con)
    one_program = con.execute(
        "select program from events group by 1 order by count(*) desc limit 1"
    ).fetchall()[0][0]
    filtered = Filters(
        programs=(one_program,),
        countries=("KAZ", "KGZ"),
        date_from=dt.date(2021, 1, 1),
        date_to=dt.date(2024, 12, 31),
    )
    metrics.summary(con)  # warm the file cache once
    bare, bare_med = best_of(
        lambda: con.execute("select count(distinct participant_id) from participants").fetchall(),
        args.repeat,
    )
    unf, unf_med = best_of(lambda: metrics.summary(con), args.repeat)
    fil, fil_med = best_of(lambda: metrics.summary(con, filtered), args.repeat)
    s = metrics.summary(con)
    con.close()
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        ("DuckDB floor: read both CSVs, count distinct participants", floor, floor_med, ""),
        ("Reach load (validate + merge into a new store, one transaction)", load_best, load_med,
         f"{load_best / floor:.1f}× floor (target ≤ 3×)"),
        ("DuckDB bare count distinct over the store", bare, bare_med, ""),
        ("Reach summary, unfiltered", unf, unf_med,
         f"{unf / bare:.1f}× bare (target ≤ 5×, < 0.5 s)"),
        ("Reach summary, filtered (program, 2 countries, 4 years)", fil, fil_med,
         f"{fil / bare:.1f}× bare (target ≤ 5×, < 0.5 s)"),
    ]  # fmt: skip
    lines = [
        f"Dataset: `demo --rows {args.rows} --seed 1` → {s.attendances:,} attendances, "
        f"{s.events:,} events; {os.cpu_count()} cores; DuckDB {duckdb.__version__}.",
        "",
        "| step | best (s) | median (s) | ratio |",
        "|---|---:|---:|---|",
        *[f"| {name} | {b:.3f} | {m:.3f} | {r} |" for name, b, m, r in rows],
        "",
        f"Peak memory (max RSS): load process {load_peak:.0f} MB; "
        f"summary process {self_peak:.0f} MB (target < 1 GB).",
    ]
    text = "\n".join(lines)
    OUT.mkdir(exist_ok=True)
    (OUT / "core.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
