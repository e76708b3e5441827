"""`python -m reach report`: the impact report as a PDF or HTML file."""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

from . import cli_args, i18n, store
from .i18n import _
from .report import build, render

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction, db_help: str) -> None:
    """Add `report` to the command line."""
    p = sub.add_parser(
        "report",
        help=_("write the impact report (PDF or HTML) a donor can file"),
        description=_(
            "Write the impact report: headline numbers, reach over time, a map, "
            "cascades, gender, programs, targets, age, methodology and provenance. A donor "
            "report has the disclosure-controlled numbers `summary --audience donor` prints."
        ),
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.html")
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--program", action="append", default=[], metavar="NAME")
    p.add_argument("--country", action="append", default=[], metavar="ISO3")
    p.add_argument("--year", type=cli_args.year, action="append", default=[], metavar="YYYY")
    p.add_argument("--audience", choices=("donor", "director"), default="donor")
    p.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=i18n.active(),  # the parser is built after the CLI took its environment's language
        help=_("the report's language (default: the language of the command line)"),
    )


def run(args: argparse.Namespace) -> int:
    """Make the report and write it to --out (the file is written whole, or not at all)."""
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "html"):
        _error(_("--out must end in .pdf or .html"))
        return EXIT_USAGE
    if not args.out.parent.is_dir():
        _error(_("the folder {folder} does not exist").format(folder=args.out.parent))
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
            _error(_("no events match this scope, so no report was made"))
            return EXIT_ERRORS
        data = build.render(report, fmt)
    except build.ScopeError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except render.ReportError as exc:
        _error(str(exc))
        return EXIT_ERRORS
    finally:
        render.close_charts()
    partial = args.out.with_name(args.out.name + ".part")
    partial.write_bytes(data)
    partial.replace(args.out)  # a reader never sees half a report
    seconds = time.perf_counter() - started
    if args.audience == "donor":
        message = _("Wrote the donor report to {file} ({size} MB, {seconds} s).")
    else:
        message = _("Wrote the director report to {file} ({size} MB, {seconds} s).")
    size = _decimal(len(data) / 1e6, 2)
    print(message.format(file=args.out, size=size, seconds=_decimal(seconds, 1)))
    return EXIT_OK


def _error(message: str) -> None:
    """A sentence for the user on stderr, after the ERROR tag (kept as written)."""
    print(f"ERROR   {message}", file=sys.stderr)


def _decimal(value: float, digits: int) -> str:
    """A number with `digits` decimals in the active language, rounded as Python's 'f' does."""
    return i18n.number(Decimal(f"{value:.{digits}f}"), digits)
