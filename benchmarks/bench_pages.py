"""Dashboard benchmark: how long each page takes to redraw after a filter change.

Run after bench_core.py (it reuses its 1,000,000-row store):
    python benchmarks/bench_pages.py [--db benchmarks/out/bench-1000000.duckdb]
Each page runs in Streamlit's AppTest through the router, with its filters in the URL:
every query and every chart of a real redraw, with the store version's read-only connection
already open and the query caches cold for each new filter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from reach.metrics import Filters

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
PAGES = ["overview", "reach", "cascade", "gender"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=OUT / "bench-1000000.duckdb")
    args = parser.parse_args()
    os.environ["REACH_DB"] = str(args.db)
    with duckdb.connect(str(args.db), read_only=True) as con:
        programs = [r[0] for r in con.execute(
            "select program from events group by 1 order by count(*) desc"
        ).fetchall()]  # fmt: skip
        rows = con.execute("select count(*) from participants").fetchall()[0][0]
    changes = [
        ("no filter", Filters()),
        ("one program", Filters(programs=(programs[0],))),
        ("two countries", Filters(countries=("KAZ", "KGZ"))),
        (
            "program, country and years",
            Filters(
                programs=(programs[1],),
                countries=("UZB",),
                date_from=dt.date(2021, 1, 1),
                date_to=dt.date(2024, 12, 31),
            ),
        ),
    ]
    # Open the store version's read-only connection once (opened when the store changes, not
    # per filter), with the first Overview of the process.
    t = time.perf_counter()
    warm = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    warm.switch_page("pages/overview.py")
    warm.run()
    first = time.perf_counter() - t
    del warm
    table = []
    for page in PAGES:
        times = []
        for _, filters in changes:
            # The app as the router runs it (open mode: no accounts), filters from the URL.
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
            at.query_params.update(_query(filters))
            at.switch_page(f"pages/{page}.py")
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
            assert not at.exception, at.exception
        table.append((page, max(times), statistics.median(times)))
    lines = [
        f"Store: {rows:,} participant rows; the first Overview after a store change (opening "
        f"the version's read-only connection, then drawing the page): {first:.2f} s.",
        "",
        "| page | slowest redraw after a filter change (s) | median (s) |",
        "|---|---:|---:|",
        *[f"| {p} | {worst:.2f} | {med:.2f} |" for p, worst, med in table],
        "",
        "Filters: " + "; ".join(name for name, _ in changes) + " (each with cold query caches).",
    ]
    text = "\n".join(lines)
    OUT.mkdir(exist_ok=True)
    (OUT / "pages.md").write_text(text + "\n", encoding="utf-8")
    print(text)


def _query(filters: Filters) -> dict[str, list[str] | str]:
    """The URL query a shared link would carry for these filters."""
    query: dict[str, list[str] | str] = {}
    for attr, key in (("programs", "program"), ("countries", "country"), ("event_types", "type")):
        if getattr(filters, attr):
            query[key] = list(getattr(filters, attr))
    if filters.date_from:
        query["from"] = filters.date_from.isoformat()
    if filters.date_to:
        query["to"] = filters.date_to.isoformat()
    return query


if __name__ == "__main__":
    main()
