"""Extract benchmark: what the published donor extract adds to a load, at N participant rows.

Run:  python benchmarks/bench_extract.py [--rows 1000000] [--repeat 3]
Loads a demo dataset into a fresh store (the extract is rebuilt inside the load's
transaction), then rebuilds the extract alone, and reads donor summaries from it. It
measures; it asserts nothing. Prints a Markdown table (also benchmarks/out/extract.md).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from reach import demo, donor, extract, store
from reach.extract import DonorFilters

OUT = Path(__file__).resolve().parent / "out"


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    demo.write(tmp / "data", rows=args.rows, seed=7)
    path = tmp / "reach.duckdb"
    load = timed(lambda: store.load_dir(path, tmp / "data"))
    rebuilds = []
    with store.connect(path) as con:
        cells = con.execute("select count(*) from published.cells").fetchone()[0]
        for _ in range(args.repeat):
            con.execute("begin transaction")
            rebuilds.append(timed(lambda con=con: extract.rebuild(con)))
            con.execute("commit")
    snap = timed(lambda: store.published_snapshot(path).close())
    con = store.published_snapshot(path)
    reads = [timed(lambda: donor.summary(con, DonorFilters())) for _ in range(args.repeat)]
    programs = extract.options(con)["programs"]
    breakdown = timed(lambda: donor.by_country(con, DonorFilters(program=programs[0])))
    size = path.stat().st_size / 1e6
    table = "\n".join(
        [
            f"Store: {args.rows:,} participant rows; {cells:,} published cells; store "
            f"{size:.0f} MB.",
            "",
            "| step | seconds |",
            "|---|---:|",
            f"| full load (extract included) | {load:.2f} |",
            f"| extract rebuild alone (median of {args.repeat}) | "
            f"{statistics.median(rebuilds):.2f} |",
            f"| donor session snapshot (published schema only) | {snap:.3f} |",
            f"| donor summary read (median) | {statistics.median(reads):.4f} |",
            f"| donor breakdown by country | {breakdown:.4f} |",
        ]
    )
    print(table)
    OUT.mkdir(exist_ok=True)
    (OUT / "extract.md").write_text(table + "\n", encoding="utf-8")
    duckdb.connect().close()


if __name__ == "__main__":
    main()
