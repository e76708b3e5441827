"""Scale benchmark (issue 12): each cost of a load beside its floor, measured in the same run.

Run:  python benchmarks/bench_scale.py [--rows 1000000] [--repeat 3]
Prints a Markdown table (also written to benchmarks/out/scale-<rows>.md). It measures; it
asserts nothing. Every step runs in a fresh process, so its peak memory (max RSS) is its own;
loads are timed inside their process (start-up excluded); the interpreter's start-up
(`python -m reach --help`) is measured too, to be taken off the whole-process summary.

- floor: DuckDB alone reads the same CSVs into tables (no validation, no derived columns);
- load: `store.load_dir` into a new store; replace: `--replace` over that store;
- store only: the same load without the donor extract (`publish=False`), to show what the
  extract (every donor cell, disclosure-controlled) adds;
- merge: a 5,000-row upload of new events (demo data with its event IDs renamed) into it,
  spread over every program, country, type and year (every donor cell changes);
- merge, one program: the same upload as one NGO sends it, one program's events of one year
  (only the donor cells that can hold them are worked out again);
- preview: the Data page's preview of the merge upload (the load worked out on the store in
  a transaction that is rolled back; the store file is not written);
- summary: `metrics.summary` on the store, in process (time and peak memory): the whole
  store's cell of the exact extract the load made; the same summary worked out from the rows
  (`metrics.worked_out_summary`); and `python -m reach summary --db` as a whole process.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
from peak import CHILD_PEAK

from reach import demo

OUT = Path(__file__).resolve().parent / "out"

FLOOR = (
    CHILD_PEAK
    + """
import json, os, sys, time, duckdb
t = time.perf_counter()
con = duckdb.connect(sys.argv[2])
for name in ("events", "participants", "countries", "targets"):
    path = f"{sys.argv[1]}/{name}.csv"
    if not os.path.exists(path):  # the files the load reads, no more
        continue
    con.execute(f"create table {name} as select * from read_csv($p)", {"p": path})
con.close()
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_mb": peak_mb()}))
"""
)

LOAD = (
    CHILD_PEAK
    + """
import json, sys, time
from pathlib import Path
from reach import store
from reach.validate import sources_in
t = time.perf_counter()
if sys.argv[3] == "store-only":  # the store without the donor extract (publish=False)
    with store.connect(sys.argv[2]) as con:
        r = store.load(con, *sources_in(Path(sys.argv[1])), publish=False)
elif sys.argv[3] == "preview":  # the Data page's preview: the load worked out, rolled back
    r = store.preview(Path(sys.argv[2]), *sources_in(Path(sys.argv[1])))
else:
    r = store.load_dir(Path(sys.argv[2]), Path(sys.argv[1]), replace=sys.argv[3] == "replace")
assert r.applied, r.to_text()
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_mb": peak_mb()}))
"""
)


SUMMARY = (
    CHILD_PEAK
    + """
import json, sys, time
import duckdb
from reach import metrics
t = time.perf_counter()
with duckdb.connect(sys.argv[1], read_only=True) as con:
    if sys.argv[2] == "kept":  # the whole store's cell of the exact extract
        metrics.summary(con)
    else:  # grouped again from the attendance rows
        metrics.worked_out_summary(con)
    seconds = time.perf_counter() - t
    # Checked after the clock stops: the kept step must have read the extract's cell.
    assert sys.argv[2] != "kept" or metrics.kept_summary(con, metrics.Filters()) is not None
print(json.dumps({"seconds": seconds,
                  "peak_mb": peak_mb()}))
"""
)

# The row cap is a guard for uploads; a benchmark of N rows lifts it to N.
ENV: dict[str, str] = dict(os.environ)


def _child(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=ENV
    )
    if out.returncode:
        # A step that fails (out of memory, say) is reported in the table, not hidden.
        errors = [line for line in out.stderr.splitlines() if "Error" in line]
        print(f"a benchmark step failed ({args}):\n{out.stderr[-2000:]}", file=sys.stderr)
        return {"seconds": math.nan, "peak_mb": math.nan, "error": (errors or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fresh(db: Path) -> None:
    for leftover in (db, Path(f"{db}.wal")):
        leftover.unlink(missing_ok=True)


def _whole_process(*argv: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "reach", *argv], capture_output=True, check=True, env=ENV)
    return time.perf_counter() - t


def merge_upload(folder: Path, rows: int = 5000) -> dict[str, int]:
    """A small upload of new events: demo data whose event IDs cannot meet the store's."""
    counts = demo.write(folder, rows=rows, seed=99)
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    for column in ("event_id", "parent_event_id"):
        events[column] = events[column].map(lambda v: f"NEW-{v}" if v else v)
    events.to_csv(folder / "events.csv", index=False)
    people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    people["event_id"] = "NEW-" + people["event_id"]
    people.to_csv(folder / "participants.csv", index=False)
    (folder / "targets.csv").unlink()  # the store's targets stay as they are
    return counts


def one_program(source: Path, folder: Path) -> None:
    """The merge upload as one NGO sends it: one program's events, all in one year."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder)
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    events["program"] = events["program"].mode()[0]
    for column in ("start_date", "end_date"):
        events[column] = events[column].map(lambda v: f"2025{v[4:]}" if v else v)
    events.to_csv(folder / "events.csv", index=False)


def _seconds(value: float) -> str:
    return "failed" if math.isnan(value) else f"{value:.2f}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ENV["REACH_MAX_ROWS"] = str(max(2_000_000, args.rows))

    data = OUT / f"demo-{args.rows}"
    if not (data / "participants.csv").exists():
        demo.write(data, rows=args.rows, seed=1)
    small = OUT / "merge-5000"
    shutil.rmtree(small, ignore_errors=True)
    added = merge_upload(small)
    single = OUT / "merge-5000-one-program"
    one_program(small, single)
    db = OUT / f"scale-{args.rows}.duckdb"
    floor_db = OUT / f"scale-floor-{args.rows}.duckdb"

    startup = median([_whole_process("--help") for _ in range(args.repeat)])
    floors, loads, replaces, merges, singles, summaries, in_process = [], [], [], [], [], [], []
    previews = []
    worked_out = []
    bare = []
    for _ in range(args.repeat):
        _fresh(floor_db)
        floors.append(_child(FLOOR, str(data), str(floor_db)))
        _fresh(db)
        bare.append(_child(LOAD, str(data), str(db), "store-only"))
        _fresh(db)
        loads.append(_child(LOAD, str(data), str(db), "merge"))
        replaces.append(_child(LOAD, str(data), str(db), "replace"))
        # The merge goes into a store just loaded whole, as a weekly upload would.
        _fresh(db)
        _child(LOAD, str(data), str(db), "merge")
        previews.append(_child(LOAD, str(small), str(db), "preview"))
        merges.append(_child(LOAD, str(small), str(db), "merge"))
        summaries.append(_whole_process("summary", "--db", str(db)))
        in_process.append(_child(SUMMARY, str(db), "kept"))
        worked_out.append(_child(SUMMARY, str(db), "worked-out"))
        _fresh(db)
        _child(LOAD, str(data), str(db), "merge")
        singles.append(_child(LOAD, str(single), str(db), "merge"))
    _fresh(floor_db)

    steps = [floors, bare, loads, replaces, merges, singles, previews, in_process, worked_out]
    failures = {x["error"] for step in steps for x in step if "error" in x}
    floor = median([x["seconds"] for x in floors])
    load = median([x["seconds"] for x in loads])
    replace = median([x["seconds"] for x in replaces])
    store_only = median([x["seconds"] for x in bare])
    merge = median([x["seconds"] for x in merges])
    single_merge = median([x["seconds"] for x in singles])
    preview = median([x["seconds"] for x in previews])
    summary = median(summaries)
    summary_in = median([x["seconds"] for x in in_process])
    summary_worked = median([x["seconds"] for x in worked_out])
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            stored = con.execute("select count(*) from participants").fetchall()[0][0]
    except duckdb.Error:
        stored = args.rows  # the last load failed; the files hold this many rows

    rows = [
        ("floor: DuckDB reads the four CSVs into tables", floor, "1.00×", "≤ 1×",
         max(x["peak_mb"] for x in floors)),
        ("load into a new store", load, f"{load / floor:.2f}× floor", "≤ 2× floor",
         max(x["peak_mb"] for x in loads)),
        ("… of which the store alone (the load without the donor extract)", store_only,
         f"{store_only / floor:.2f}× floor", "", max(x["peak_mb"] for x in bare)),
        ("`--replace` over that store", replace, f"{replace / floor:.2f}× floor",
         "≤ a fresh load + the undo copy", max(x["peak_mb"] for x in replaces)),
        (f"merge of {added['participants']:,} rows ({added['events']} new events)", merge,
         f"{merge / load:.0%} of a full load",
         "≤ 10% of a full load", max(x["peak_mb"] for x in merges)),
        ("the same merge as one NGO's upload (one program, one year)", single_merge,
         f"{single_merge / load:.0%} of a full load", "≤ 10% of a full load",
         max(x["peak_mb"] for x in singles)),
        ("the Data page's preview of that merge (worked out, then rolled back)", preview,
         f"{preview / load:.0%} of a full load", "", max(x["peak_mb"] for x in previews)),
        ("`summary` in process, read from the load's exact extract (`metrics.summary`)",
         summary_in, "", "< 1 s, < 1 GB (10M)", max(x["peak_mb"] for x in in_process)),
        ("`summary` in process, worked out from the rows (`metrics.worked_out_summary`)",
         summary_worked, "", "", max(x["peak_mb"] for x in worked_out)),
        ("`summary --db`, whole process", summary, "", "", None),
        ("interpreter start-up (`python -m reach --help`)", startup, "", "", None),
    ]  # fmt: skip
    lines = [
        f"Dataset: `demo --rows {args.rows} --seed 1` → {stored:,} participant rows stored; "
        f"{os.cpu_count()} cores; DuckDB {duckdb.__version__}; median of {args.repeat} runs, "
        "each ratio from the same run's medians.",
        "",
        "| step | median (s) | ratio | issue 12's target | peak memory (MB) |",
        "|---|---:|---|---|---:|",
        *[
            f"| {name} | {_seconds(s)} | {'—' if math.isnan(s) else ratio} | {target} | "
            f"{'' if mb is None or math.isnan(mb) else f'{mb:.0f}'} |"
            for name, s, ratio, target, mb in rows
        ],
        *[f"\nFailed: {e}" for e in sorted(failures)],
    ]
    text = "\n".join(lines)
    OUT.mkdir(exist_ok=True)
    (OUT / f"scale-{args.rows}.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
