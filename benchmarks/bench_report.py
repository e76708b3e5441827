"""Report benchmark: how long `python -m reach report` takes, and how big its file is.

Run:  python benchmarks/bench_report.py [--rows 1000000] [--seed 7] [--repeat 3] [--db STORE]
Builds (once, then reuses while it is current) a store from `python -m reach demo OUT --rows N
--seed S` and `python -m reach load OUT --db STORE`, under benchmarks/out/. Each report is made
by a fresh `python -m reach report` process, as a user runs it, and timed by the wall clock
(median of --repeat runs): a donor report of the program with the most events as PDF and HTML,
the director report of that program, the donor report of everything, and the program's donor
report in Russian. Each PDF report is then made once more in one process with its phases timed
(reading the numbers, drawing the charts, laying out the pages). Requirement measured: a report
of one program is under 2 MB and builds in under 15 s on the 1,000,000-row store.
Prints a Markdown table (also benchmarks/out/report.md, and report.json beside it). It
measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from peak import RUN_REACH

from reach import extract, sqlfiles, store

OUT = Path(__file__).resolve().parent / "out"
LIMIT_MB = 2.0  # a report of one program (MB = 10^6 bytes, as the command prints it)
LIMIT_S = 15.0  # seconds to build it, on the 1,000,000-row store

# Times a report's phases in one process: the same calls `reach report` makes, with the
# report's own progress steps (`step`) marking where each phase ends.
PHASES = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from reach.report import build, document, render
t1 = time.perf_counter()
steps = []
step = lambda text: steps.append((time.perf_counter(), text))
request = build.Request(**json.loads(sys.argv[2]))
try:
    report = build.report_for(Path(sys.argv[1]), request, step=step)
    t2 = time.perf_counter()
    page = document.html(report, step)
    t3 = time.perf_counter()
    data = document.pdf(page)
    t4 = time.perf_counter()
finally:
    render.close_charts()
print(json.dumps({
    "import": t1 - t0, "numbers": t2 - t1, "charts": t3 - t2, "layout": t4 - t3,
    "charts_count": sum(1 for s in report.sections if s.figure is not None),
    "bytes": len(data), "steps": [[round(t - t1, 3), s] for t, s in steps],
}))
"""


@dataclass
class Case:
    name: str
    ext: str
    args: list[str]
    request: dict  # build.Request's fields, for the phase timing
    one_program: bool
    runs: list[dict] = field(default_factory=list)
    phases: dict | None = None


def reach(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`python -m reach ARGS` in a fresh process (this interpreter, this environment)."""
    return subprocess.run(
        [sys.executable, "-m", "reach", *args], capture_output=True, text=True, check=check
    )


def run_measured(args: list[str]) -> dict:
    """Run `python -m reach ARGS` as its own process: wall time, exit code, output, and its
    own peak memory (VmHWM: children apart, and not the benchmark's, see peak.py)."""
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.TemporaryDirectory() as tmp,
    ):
        peak_file = Path(tmp) / "peak"
        env = {**os.environ, "REACH_BENCH_PEAK_FILE": str(peak_file)}
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", RUN_REACH, *args], stdout=out, stderr=err, env=env
        )
        seconds = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        return {
            "seconds": seconds,
            "rc": proc.returncode,
            "stdout": out.read(),
            "stderr": err.read(),
            "peak_mb": float(peak_file.read_text()) if peak_file.exists() else float("nan"),
        }


def is_current(db: Path) -> bool:
    """True when `reach report` will read this store as it is (no extract rebuilt first)."""
    if not db.exists() or Path(f"{db}.wal").exists():
        return False
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return (
                store.is_initialised(con)
                and extract.is_current(con)
                and all(sqlfiles.has_table(con, t) for t in store.TABLES)
            )
    except duckdb.Error:
        return False


def ensure_store(rows: int, seed: int) -> tuple[Path, dict[str, float]]:
    """The store of `demo --rows ROWS --seed SEED` under benchmarks/out (made if missing or
    stale); with the seconds its demo and load steps took when made by this run."""
    data = OUT / f"report-demo-{rows}-seed{seed}"
    db = OUT / f"report-{rows}-seed{seed}.duckdb"
    made: dict[str, float] = {}
    if is_current(db):
        return db, made
    if not all((data / n).is_file() for n in ("events.csv", "participants.csv")):
        print(f"writing demo data to {data} …", file=sys.stderr)
        t = time.perf_counter()
        reach("demo", str(data), "--rows", str(rows), "--seed", str(seed))
        made["demo"] = time.perf_counter() - t
    for leftover in (db, Path(f"{db}.wal"), db.with_name(f"{db.stem}-accounts.sqlite")):
        leftover.unlink(missing_ok=True)
    print(f"loading it into {db} …", file=sys.stderr)
    t = time.perf_counter()
    reach("load", str(data), "--db", str(db))
    made["load"] = time.perf_counter() - t
    return db, made


def cases(db: Path, program: str, reports: Path) -> list[Case]:
    def case(name: str, slug: str, ext: str, extra: list[str], request: dict, one: bool) -> Case:
        out = reports / f"{slug}.{ext}"
        return Case(name, ext, ["report", "--out", str(out), "--db", str(db), *extra], request, one)

    prog = ["--program", program]
    return [
        case("donor, one program", "donor-program", "pdf", prog, {"programs": [program]}, True),
        case("donor, one program", "donor-program", "html", prog, {"programs": [program]}, True),
        case("director, one program", "director-program", "pdf",
             [*prog, "--audience", "director"],
             {"programs": [program], "audience": "director"}, True),
        case("donor, everything", "donor-all", "pdf", [], {}, False),
        case("donor, one program, --lang ru", "donor-program-ru", "pdf", [*prog, "--lang", "ru"],
             {"programs": [program], "lang": "ru"}, True),
    ]  # fmt: skip


def pdf_pages(path: Path) -> int | None:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)", out.stdout, re.M)
    return int(found.group(1)) if found else None


def phases(db: Path, request: dict) -> dict | None:
    request = {k: tuple(v) if isinstance(v, list) else v for k, v in request.items()}
    out = subprocess.run(
        [sys.executable, "-c", PHASES, str(db), json.dumps(request)],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def said_seconds(stdout: str) -> float | None:
    """The seconds the command itself reports ('… (0.41 MB, 6.2 s).'): start-up excluded."""
    found = re.search(r"MB, ([\d.]+) s\)", stdout)
    return float(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, help="an existing store to use as it is")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.db:
        db, made = args.db, {}
        if not is_current(db):
            print(f"warning: {db} is not current; the first report will rebuild its extract",
                  file=sys.stderr)  # fmt: skip
    else:
        db, made = ensure_store(args.rows, args.seed)
    with duckdb.connect(str(db), read_only=True) as con:
        programs = con.execute(
            "select program, count(*) from events group by 1 order by 2 desc, 1"
        ).fetchall()
        people = con.execute("select count(*) from participants").fetchone()[0]
        events = con.execute("select count(*) from events").fetchone()[0]
    program = programs[0][0]
    reports = OUT / "reports"
    reports.mkdir(exist_ok=True)

    start = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        reach("--help")
        start.append(time.perf_counter() - t)

    load_before = os.getloadavg()[0]
    todo = cases(db, program, reports)
    for _ in range(args.repeat):  # interleaved, so a busy moment does not hit one case alone
        for c in todo:
            c.runs.append(run_measured(c.args))
            print(f"{c.name} ({c.ext}): {c.runs[-1]['seconds']:.1f} s", file=sys.stderr)
    for c in todo:
        if c.ext == "pdf":
            c.phases = phases(db, c.request)
    load_after = os.getloadavg()[0]

    rows, problems = [], []
    for c in todo:
        path = Path(c.args[2])
        ok = all(r["rc"] == 0 for r in c.runs) and path.exists()
        for r in c.runs:
            noise = r["stderr"].strip()
            if r["rc"] or noise:
                problems.append(f"{c.name} ({c.ext}): exit {r['rc']}: {noise[-800:]}")
        seconds = statistics.median(r["seconds"] for r in c.runs)
        said = [s for r in c.runs if (s := said_seconds(r["stdout"])) is not None]
        size = path.stat().st_size / 1e6 if ok else None
        row = {
            "report": c.name,
            "format": c.ext,
            "args": c.args,
            "ok": ok,
            "seconds_median": seconds,
            "seconds_all": [r["seconds"] for r in c.runs],
            "seconds_in_command_median": statistics.median(said) if said else None,
            "mb": size,
            "pages": pdf_pages(path) if ok and c.ext == "pdf" else None,
            "peak_mb": max(r["peak_mb"] for r in c.runs),
            "one_program": c.one_program,
            "phases": c.phases,
        }
        if c.one_program and ok:
            row["under_limits"] = size < LIMIT_MB and seconds < LIMIT_S
        rows.append(row)

    def cell(v: float | None, fmt: str) -> str:
        return "—" if v is None else format(v, fmt)

    def phase_cell(p: dict | None) -> str:
        if not p:
            return "—"
        if "error" in p:
            return "error"
        return f"{p['numbers']:.1f} / {p['charts']:.1f} ({p['charts_count']}) / {p['layout']:.1f}"

    def verdict(r: dict) -> str:
        if not r["ok"]:
            return "**failed**"
        if not r["one_program"]:
            return "(no limit)"
        mb = "< 2 MB" if r["mb"] < LIMIT_MB else "**≥ 2 MB**"
        s = "< 15 s" if r["seconds_median"] < LIMIT_S else "**≥ 15 s**"
        return f"{mb}, {s}"

    cpu = os.cpu_count()
    lines = [
        f"Store: `demo --rows {args.rows} --seed {args.seed}` → {people:,} participant rows, "
        f"{events:,} events; {cpu} cores; DuckDB {duckdb.__version__}; "
        f"{dt.datetime.now():%Y-%m-%d %H:%M}."
        + (f" Store made by this run: demo {made['demo']:.0f} s, " if "demo" in made else "")
        + (f"load {made['load']:.0f} s." if "load" in made else ""),
        f"Program: {program} ({programs[0][1]:,} events, the most of {len(programs)}).",
        f"Interpreter start-up (`python -m reach --help`, median of {args.repeat}): "
        f"{statistics.median(start):.2f} s. Load average (1 min) before / after the runs: "
        f"{load_before:.1f} / {load_after:.1f} on {cpu} cores.",
        "",
        f"| report | format | wall time, median of {args.repeat} (s) | in the command (s) "
        "| size (MB) | PDF pages | peak RSS (MB) | phases: numbers / charts (n) / layout (s) "
        "| one-program limits |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
        *[
            f"| {r['report']} | {r['format'].upper()} | {cell(r['seconds_median'], '.2f')} "
            f"| {cell(r['seconds_in_command_median'], '.1f')} | {cell(r['mb'], '.3f')} "
            f"| {cell(r['pages'], 'd')} | {r['peak_mb']:.0f} | {phase_cell(r['phases'])} "
            f"| {verdict(r)} |"
            for r in rows
        ],
        "",
        "Wall time: a fresh `python -m reach report` process, start-up included. In the "
        "command: the time it prints (reading the store to writing the file). Phases: one more "
        "run in one process (reach.report.build.report_for; document.html, which draws the "
        "charts through chromium; document.pdf). Peak RSS is the report process's own "
        "(chromium's apart).",
    ]
    if problems:
        lines += ["", "Errors or warnings printed:", *[f"- {p}" for p in problems]]
    text = "\n".join(lines)
    (OUT / "report.md").write_text(text + "\n", encoding="utf-8")
    summary = {
        "rows": args.rows,
        "seed": args.seed,
        "store": str(db),
        "participants": people,
        "events": events,
        "program": program,
        "startup_seconds": start,
        "store_made": made,
        "load_average": [load_before, load_after],
        "limits": {"mb": LIMIT_MB, "seconds": LIMIT_S},
        "reports": rows,
        "problems": problems,
    }
    (OUT / "report.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
