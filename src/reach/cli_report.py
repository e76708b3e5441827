"""`python -m reach report`: the impact report as a PDF or HTML file."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import cli_args, i18n, store
from .report import build, render

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction, db_help: str) -> None:
    """Add `report` to the command line."""
    p = sub.add_parser(
        "report",
        help="write the impact report (PDF or HTML) a donor can file",
        description="Write the impact report: headline numbers, reach over time, a map, "
        "cascades, gender, programs, targets, age, methodology and provenance. A donor "
        "report has the disclosure-controlled numbers `summary --audience donor` prints.",
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.html")
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--program", action="append", default=[], metavar="NAME")
    p.add_argument("--country", action="append", default=[], metavar="ISO3")
    p.add_argument("--year", type=cli_args.year, action="append", default=[], metavar="YYYY")
    p.add_argument("--audience", choices=("donor", "director"), default="donor")
    p.add_argument("--lang", choices=i18n.LANGUAGES, default=i18n.DEFAULT)


def run(args: argparse.Namespace) -> int:
    """Make the report and write it to --out (the file is written whole, or not at all)."""
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "html"):
        print("ERROR   --out must end in .pdf or .html", file=sys.stderr)
        return EXIT_USAGE
    if not args.out.parent.is_dir():
        print(f"ERROR   the folder {args.out.parent} does not exist", file=sys.stderr)
        return EXIT_ERRORS
    request = build.Request(
        audience=args.audience, programs=tuple(args.program), countries=tuple(args.country),
        years=tuple(args.year), lang=args.lang,
    )  # fmt: skip
    path = args.db or store.default_path()
    started = time.perf_counter()
    try:
        report = build.report_for(path, request)
        if report.empty:
            print("ERROR   no events match this scope, so no report was made", file=sys.stderr)
            return EXIT_ERRORS
        data = build.render(report, fmt)
    except build.ScopeError as exc:
        print(f"ERROR   {exc}", file=sys.stderr)
        return EXIT_USAGE
    except render.ReportError as exc:
        print(f"ERROR   {exc}", file=sys.stderr)
        return EXIT_ERRORS
    finally:
        render.close_charts()
    partial = args.out.with_name(args.out.name + ".part")
    partial.write_bytes(data)
    partial.replace(args.out)  # a reader never sees half a report
    seconds = time.perf_counter() - started
    print(f"Wrote the {args.audience} report to {args.out} ({len(data) / 1e6:.2f} MB, "
          f"{seconds:.1f} s).")  # fmt: skip
    return EXIT_OK
