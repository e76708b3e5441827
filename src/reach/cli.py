"""The command line: python -m reach validate | load | summary | demo | accounts | backup | …"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from . import (
    cli_accounts,
    cli_args,
    cli_people,
    cli_progress,
    cli_report,
    demo,
    donor,
    extract,
    metrics,
    normalize,
    store,
)
from .metrics import Filters, Summary
from .validate import validate_dir

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: exit 2."""


DB_HELP = "store file (default $REACH_DB or data/reach.duckdb)"


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"'{text}' is not a folder")
    return path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reach",
        description="Reach: people reached, cascades and gender balance from attendance lists.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check DIR/events.csv, participants.csv, countries.csv")
    p.add_argument("dir", type=_folder)

    p = sub.add_parser("load", help="validate DIR's files, then load them into the store")
    p.add_argument("dir", type=_folder)
    p.add_argument("--db", type=Path, help="store file (default $REACH_DB or data/reach.duckdb)")
    p.add_argument("--replace", action="store_true", help="replace everything instead of merging")

    p = sub.add_parser("summary", help="print the headline numbers")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--data", type=_folder, help="read CSVs from DIR instead of the store")
    src.add_argument("--db", type=Path, help="store file (default $REACH_DB or data/reach.duckdb)")
    p.add_argument("--program", action="append", default=[], metavar="NAME")
    p.add_argument("--country", action="append", default=[], metavar="ISO3")
    p.add_argument("--type", action="append", default=[], metavar="TYPE", dest="event_type")
    p.add_argument("--from", type=cli_args.date, dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", type=cli_args.date, dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument(
        "--year",
        type=cli_args.year,
        action="append",
        default=[],
        metavar="YYYY",
        help="events that started in this year (the donor audience's period)",
    )
    p.add_argument(
        "--audience",
        choices=("organisation", "donor"),
        default="organisation",
        help="donor: the disclosure-controlled numbers a donor sees",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")

    cli_accounts.add_parser(sub, DB_HELP)

    p = sub.add_parser("backup", help="copy the store and the accounts into DIR (app may run)")
    p.add_argument("dir", type=Path)
    p.add_argument("--db", type=Path, help=DB_HELP)
    p = sub.add_parser("restore", help="put a backup made by `backup` back in place")
    p.add_argument("dir", type=_folder)
    p.add_argument("--db", type=Path, help=DB_HELP)

    cli_people.add_parsers(sub, DB_HELP)
    cli_progress.add_parser(sub, DB_HELP)
    cli_report.add_parser(sub, DB_HELP)

    p = sub.add_parser("demo", help="write a synthetic dataset in the contract's format")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--rows", type=int, default=5000, help="participant rows (within 10%%)")
    p.add_argument("--seed", type=int, default=7)
    return parser


def _has_files(directory: Path) -> bool:
    """True when DIR holds events.csv and participants.csv; otherwise says which are missing."""
    missing = [n for n in ("events.csv", "participants.csv") if not (directory / n).is_file()]
    if missing:
        print(f"ERROR   {', '.join(missing)} not found in {directory}.", file=sys.stderr)
    return not missing


def _cmd_validate(args: argparse.Namespace) -> int:
    if not _has_files(args.dir):
        return EXIT_ERRORS
    report = validate_dir(args.dir)
    print(report.to_text())
    return EXIT_OK if report.ok else EXIT_ERRORS


def _cmd_load(args: argparse.Namespace) -> int:
    if not _has_files(args.dir):
        return EXIT_ERRORS
    path = args.db or store.default_path()
    who = cli_accounts.actor()
    result = store.load_dir(path, args.dir, replace=args.replace, actor=who)
    print(result.to_text())
    if result.applied:
        print(f"Store: {path}")
        from . import accounts

        accounts.audit(
            accounts.default_path(path), who, "load",
            f"load {result.load_id} ({result.mode}) from {args.dir}",
        )  # fmt: skip
    return EXIT_OK if result.applied else EXIT_ERRORS


def _filters(args: argparse.Namespace) -> Filters:
    try:
        countries = normalize.country_codes(args.country)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    types = []
    for raw in args.event_type:
        etype = normalize.event_type(raw)
        if etype is None:
            raise UsageError(f"--type '{raw}' is not an event type")
        types.append(etype)
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError("--from is after --to")
    date_from, date_to = args.date_from, args.date_to
    if args.year:
        if len(args.year) > 1 or date_from or date_to:
            raise UsageError("give one --year, or --from/--to, not both")
        date_from, date_to = dt.date(args.year[0], 1, 1), dt.date(args.year[0], 12, 31)
    return Filters(
        programs=tuple(args.program),
        countries=tuple(countries),
        event_types=tuple(types),
        date_from=date_from,
        date_to=date_to,
    )


def _donor_filters(args: argparse.Namespace, filters: Filters) -> extract.DonorFilters:
    """The donor audience's filters: one whole year, one program, country, type, or all."""
    if args.date_from or args.date_to:
        raise UsageError("--audience donor takes --year, not --from/--to")
    for name, values in (("--program", filters.programs), ("--country", filters.countries),
                         ("--type", filters.event_types)):  # fmt: skip
        if len(values) > 1:
            raise UsageError(f"--audience donor takes at most one {name}")
    return extract.DonorFilters(
        year=str(args.year[0]) if args.year else None,
        program=filters.programs[0] if filters.programs else None,
        country=filters.countries[0] if filters.countries else None,
        event_type=filters.event_types[0] if filters.event_types else None,
    )


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:.1%}" if pct else f"{value:.2f}"


def _table(s: Summary, source: str, filters: Filters) -> str:
    scope = []
    if filters.programs:
        scope.append("programs: " + ", ".join(filters.programs))
    if filters.countries:
        scope.append("countries: " + ", ".join(filters.countries))
    if filters.event_types:
        scope.append("types: " + ", ".join(filters.event_types))
    if filters.date_from or filters.date_to:
        scope.append(f"dates: {filters.date_from or '…'} to {filters.date_to or '…'}")
    g = s.gender
    rows = [
        ("People reached", f"{s.people_reached:,}"),
        ("  direct", f"{s.direct_reach:,}"),
        ("  through cascades", f"{s.cascade_reach:,}"),
        ("Attendances", f"{s.attendances:,}"),
        ("Events", f"{s.events:,}"),
        ("  step-down events", f"{s.step_down_events:,}"),
        ("Trainers", f"{s.trainers:,}"),
        ("Countries reached", f"{s.countries_reached:,}"),
        ("Gender (f / m / other / undisclosed)",
         f"{g['female']:,} / {g['male']:,} / {g['other']:,} / {g['undisclosed']:,}"),
        *((f"Age {band}", f"{n:,}") for band, n in s.age.items()),
        ("Female share", _fmt(s.female_share, pct=True)),
        ("Cascade multiplier", _fmt(s.cascade_multiplier)),
        ("Activation rate", _fmt(s.activation_rate, pct=True)),
    ]  # fmt: skip
    width = max(len(k) for k, _ in rows)
    head = [f"Reach summary: {source}", "Scope: " + ("; ".join(scope) or "all events"), ""]
    return "\n".join(head + [f"{k:<{width}}  {v:>14}" for k, v in rows])


def _cmd_summary(args: argparse.Namespace) -> int:
    filters = _filters(args)
    if args.audience == "donor":
        return _donor_summary(args, _donor_filters(args, filters))
    if args.data:
        if not _has_files(args.data):
            return EXIT_ERRORS
        con, result = store.load_memory(args.data, publish=False)
        if not result.applied:
            print(result.report.to_text(), file=sys.stderr)
            return EXIT_ERRORS
        source = f"files in {args.data}"
    else:
        path = args.db or store.default_path()
        store.ensure(path)
        with store.connect(path, read_only=True) as con:
            summary = metrics.summary(con, filters)
        source = f"store {path}"
        return _print_summary(summary, source, filters, args.json)
    try:
        return _print_summary(metrics.summary(con, filters), source, filters, args.json)
    finally:
        con.close()


def _donor_summary(args: argparse.Namespace, f: extract.DonorFilters) -> int:
    """The disclosure-controlled numbers, read from the published extract only."""
    if args.data:
        if not _has_files(args.data):
            return EXIT_ERRORS
        con, result = store.load_memory(args.data)
        if not result.applied:
            con.close()
            print(result.report.to_text(), file=sys.stderr)
            return EXIT_ERRORS
        source = f"files in {args.data}"
    else:
        path = args.db or store.default_path()
        con = store.published_snapshot(path)
        source = f"store {path}"
    try:
        published = donor.summary(con, f)
    finally:
        con.close()
    if args.json:
        print(json.dumps(published.as_dict(), ensure_ascii=False))
        return EXIT_OK
    d = published.as_dict()
    pct = lambda v: "—" if v is None else f"{v:.0%}"  # noqa: E731 - one line, one use
    rows = [
        ("People reached", d["people_reached"]), ("  direct", d["direct_reach"]),
        ("  through cascades", d["cascade_reach"]), ("Events", d["events"]),
        ("  step-down events", d["step_down_events"]), ("Trainers", d["trainers"]),
        ("Countries reached", d["countries_reached"]),
        ("Gender (f / m / other / undisclosed)", " / ".join(str(v) for v in d["gender"].values())),
        *((f"Age {band}", n) for band, n in d["age"].items()),
        ("Female share", pct(d["female_share"])),
        ("Cascade multiplier", "—" if d["cascade_multiplier"] is None
         else f"{d['cascade_multiplier']:.1f}"),
        ("Activation rate", pct(d["activation_rate"])),
    ]  # fmt: skip
    width = max(len(k) for k, _ in rows)
    print(f"Reach summary for donors: {source}\nScope: {f.describe()}\n"
          "Counts of people are rounded to 5; 0 to 7 show as <8.\n")  # fmt: skip
    print("\n".join(f"{k:<{width}}  {v if isinstance(v, str) else f'{v:,}':>14}" for k, v in rows))
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    from . import accounts, backup

    path = args.db or store.default_path()
    try:
        done = backup.backup(path, accounts.default_path(path), args.dir)
    except backup.BackupError as exc:
        print(f"ERROR   {exc}", file=sys.stderr)
        return EXIT_ERRORS
    accounts.audit(accounts.default_path(path), cli_accounts.actor(), "backup", str(args.dir))
    print(f"Backup written to {args.dir}: {', '.join(done.get('files', []))}")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from . import accounts, backup

    path = args.db or store.default_path()
    try:
        done = backup.restore(args.dir, path, accounts.default_path(path))
    except backup.BackupError as exc:
        print(f"ERROR   {exc}", file=sys.stderr)
        return EXIT_ERRORS
    accounts.audit(accounts.default_path(path), cli_accounts.actor(), "restore", str(args.dir))
    what = "the store" if done.get("accounts") is None else "the store and the accounts"
    print(f"Restored {what} from {args.dir}.")
    return EXIT_OK


def _print_summary(summary: Summary, source: str, filters: Filters, as_json: bool) -> int:
    if as_json:
        print(json.dumps(summary.as_dict()))
    else:
        print(_table(summary, source, filters))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    if args.rows < 1:
        raise UsageError("--rows must be at least 1")
    counts = demo.write(args.out_dir, rows=args.rows, seed=args.seed)
    print(
        f"Wrote {counts['events']:,} events, {counts['participants']:,} participant rows and "
        f"{counts['countries']} countries to {args.out_dir}"
    )
    return EXIT_OK


COMMANDS = {
    "validate": _cmd_validate,
    "load": _cmd_load,
    "summary": _cmd_summary,
    "demo": _cmd_demo,
    "accounts": cli_accounts.run,
    "pseudonymize": cli_people.run_pseudonymize,
    "duplicates": cli_people.run_duplicates,
    "progress": cli_progress.run,
    "report": cli_report.run,
    "backup": _cmd_backup,
    "restore": _cmd_restore,
}


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code; never lets a traceback reach the user."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except store.StoreBusy as exc:
        print(f"ERROR   {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except Exception as exc:  # noqa: BLE001 - the user gets a sentence, not a traceback
        if os.environ.get("REACH_DEBUG"):
            raise
        print(
            f"ERROR   Reach could not finish '{args.command}': {type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}",
            file=sys.stderr,
        )
        return EXIT_ERRORS
