"""The command line: python -m reach validate | load | summary | demo | accounts | backup | …"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from decimal import Decimal
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
    i18n,
    metrics,
    normalize,
    store,
)
from .i18n import N_, _, p_
from .metrics import Filters, Summary
from .validate import validate_dir

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: exit 2."""


DB_HELP = N_("store file (default $REACH_DB or data/reach.duckdb)")


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(_("'{path}' is not a folder").format(path=text))
    return path


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush finds no closed pipe."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file descriptor (a test's captured output): nothing will be flushed
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _error(message: str) -> None:
    """A sentence for the user on stderr, after the ERROR tag (kept as written, like validate's)."""
    print(f"ERROR   {message}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    """The command line, its help texts in the active language (built after activation)."""
    db_help = _(DB_HELP)
    parser = argparse.ArgumentParser(
        prog="python -m reach",
        description=_("Reach: people reached, cascades and gender balance from attendance lists."),
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help=_("check DIR/events.csv, participants.csv, countries.csv"))
    p.add_argument("dir", type=_folder)

    p = sub.add_parser("load", help=_("validate DIR's files, then load them into the store"))
    p.add_argument("dir", type=_folder)
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument(
        "--replace", action="store_true", help=_("replace everything instead of merging")
    )

    p = sub.add_parser("summary", help=_("print the headline numbers"))
    src = p.add_mutually_exclusive_group()
    src.add_argument("--data", type=_folder, help=_("read CSVs from DIR instead of the store"))
    src.add_argument("--db", type=Path, help=db_help)
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
        help=_("events that started in this year (the donor audience's period)"),
    )
    p.add_argument(
        "--audience",
        choices=("organisation", "donor"),
        default="organisation",
        help=_("donor: the disclosure-controlled numbers a donor sees"),
    )
    p.add_argument("--json", action="store_true", help=_("print one JSON object"))
    p.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help=_("spark: compute on Apache Spark from --data DIR, written by export-parquet"),
    )

    cli_accounts.add_parser(sub, db_help)

    p = sub.add_parser("backup", help=_("copy the store and the accounts into DIR (app may run)"))
    p.add_argument("dir", type=Path)
    p.add_argument("--db", type=Path, help=db_help)
    p = sub.add_parser("restore", help=_("put a backup made by `backup` back in place"))
    p.add_argument("dir", type=_folder)
    p.add_argument("--db", type=Path, help=db_help)

    p = sub.add_parser(
        "export-parquet",
        help=_("write the store as Parquet, partitioned by program and year, into a new OUT_DIR"),
    )
    p.add_argument("out_dir", type=Path)
    p.add_argument("--db", type=Path, help=db_help)

    cli_people.add_parsers(sub, db_help)
    cli_progress.add_parser(sub, db_help)
    cli_report.add_parser(sub, db_help)

    p = sub.add_parser("demo", help=_("write a synthetic dataset in the contract's format"))
    p.add_argument("out_dir", type=Path)
    # Translators: argparse help; "%%" is how argparse writes one "%": keep it doubled.
    p.add_argument("--rows", type=int, default=5000, help=_("participant rows (within 10%%)"))
    p.add_argument("--seed", type=int, default=7)
    return parser


def _has_files(directory: Path) -> bool:
    """True when DIR holds events.csv and participants.csv; otherwise says which are missing."""
    missing = [n for n in ("events.csv", "participants.csv") if not (directory / n).is_file()]
    if missing:
        # Translators: {files} is one or two file names, "events.csv, participants.csv".
        message = _("{files} not found in {folder}.")
        _error(message.format(files=", ".join(missing), folder=directory))
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
        print(_("Store: {path}").format(path=path))
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
            raise UsageError(_("--type '{value}' is not an event type").format(value=raw))
        types.append(etype)
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError(_("--from is after --to"))
    date_from, date_to = args.date_from, args.date_to
    if args.year:
        if len(args.year) > 1 or date_from or date_to:
            raise UsageError(_("give one --year, or --from/--to, not both"))
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
        raise UsageError(_("--audience donor takes --year, not --from/--to"))
    for name, values in (("--program", filters.programs), ("--country", filters.countries),
                         ("--type", filters.event_types)):  # fmt: skip
        if len(values) > 1:
            # Translators: {option} is --program, --country or --type.
            raise UsageError(_("--audience donor takes at most one {option}").format(option=name))
    return extract.DonorFilters(
        year=str(args.year[0]) if args.year else None,
        program=filters.programs[0] if filters.programs else None,
        country=filters.countries[0] if filters.countries else None,
        event_type=filters.event_types[0] if filters.event_types else None,
    )


def _percent(share: float, digits: int) -> str:
    """A share in the active language, rounded exactly as Python's '%' format rounds it (so the
    English text is the one it always was)."""
    return i18n.percent(Decimal(f"{share * 100:.{digits}f}") / 100, digits)


def _decimal(value: float, digits: int) -> str:
    """A number with `digits` decimals in the active language, rounded as Python's 'f' does."""
    return i18n.number(Decimal(f"{value:.{digits}f}"), digits)


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "–"
    return _percent(value, 1) if pct else _decimal(value, 2)


def _age(band: str) -> str:
    """The summary's row name for an age band: 'Age 15-19', 'Age unknown'."""
    if band == "unknown":
        return _("Age unknown")
    # Translators: {band} is an age band such as 15-19 or 50+.
    return _("Age {band}").format(band=band)


def _day(value: dt.date | None) -> str:
    return "…" if value is None else i18n.day(value)


def _rows_text(rows: list[tuple[str, str]]) -> str:
    """Names left-aligned, values right-aligned in 14 characters."""
    width = max(len(k) for k, _unused in rows)
    return "\n".join(f"{k:<{width}}  {v:>14}" for k, v in rows)


def _table(s: Summary, source: str, filters: Filters) -> str:
    scope = []
    if filters.programs:
        scope.append(_("programs: {names}").format(names=", ".join(filters.programs)))
    if filters.countries:
        scope.append(_("countries: {codes}").format(codes=", ".join(filters.countries)))
    if filters.event_types:
        scope.append(_("types: {types}").format(types=", ".join(filters.event_types)))
    if filters.date_from or filters.date_to:
        # Translators: a date range in the summary's scope line; "…" stands for an open end.
        dates = _("dates: {start} to {end}")
        scope.append(dates.format(start=_day(filters.date_from), end=_day(filters.date_to)))
    g, num = s.gender, i18n.number
    gender = (g["female"], g["male"], g["other"], g["undisclosed"])
    rows = [
        (_("People reached"), num(s.people_reached)),
        # Translators: a row under "People reached": people reached directly (not by cascades).
        ("  " + p_("people reached", "direct"), num(s.direct_reach)),
        ("  " + _("through cascades"), num(s.cascade_reach)),
        (_("Attendances"), num(s.attendances)),
        (_("Events"), num(s.events)),
        ("  " + _("step-down events"), num(s.step_down_events)),
        (_("Trainers"), num(s.trainers)),
        (_("Countries reached"), num(s.countries_reached)),
        (_("Gender (f / m / other / undisclosed)"), " / ".join(num(n) for n in gender)),
        *((_age(band), num(n)) for band, n in s.age.items()),
        (_("Female share"), _fmt(s.female_share, pct=True)),
        (_("Cascade multiplier"), _fmt(s.cascade_multiplier)),
        (_("Activation rate"), _fmt(s.activation_rate, pct=True)),
    ]
    head = [
        _("Reach summary: {source}").format(source=source),
        _("Scope: {scope}").format(scope="; ".join(scope) or _("all events")),
        "",
    ]
    return "\n".join(head) + "\n" + _rows_text(rows)


def _cmd_summary(args: argparse.Namespace) -> int:
    filters = _filters(args)
    if args.engine == "spark":
        if args.audience == "donor" or not args.data:
            raise UsageError(_("--engine spark takes --data DIR and the organisation audience"))
        tables = [f"{t}/" for t in ("events", "participants") if not (args.data / t).is_dir()]
        if tables:  # not an export-parquet folder: said before Spark starts
            _error(
                _("{files} not found in {folder}.").format(
                    files=", ".join(tables), folder=args.data
                )
            )
            return EXIT_ERRORS
        from .spark import engine

        try:
            with engine.connect(args.data) as spark:
                summary = metrics.summary(spark, filters)
        except engine.SparkUnavailable as exc:
            # Translators: {missing} is "java" or "pyspark", kept as written.
            message = _(
                "The Spark engine needs {missing}: install Java (Debian: "
                "openjdk-17-jre-headless) and pyspark (pip install -r requirements.txt)."
            )
            _error(message.format(missing=exc))
            return EXIT_ERRORS
        source = _("files in {folder}").format(folder=args.data)
        return _print_summary(summary, source, filters, args.json)
    if args.audience == "donor":
        return _donor_summary(args, _donor_filters(args, filters))
    if args.data:
        if not _has_files(args.data):
            return EXIT_ERRORS
        con, result = store.load_memory(args.data, publish=False)
        if not result.applied:
            print(result.report.to_text(), file=sys.stderr)
            return EXIT_ERRORS
        source = _("files in {folder}").format(folder=args.data)
    else:
        path = args.db or store.default_path()
        store.ensure(path)
        with store.connect(path, read_only=True) as con:
            summary = metrics.summary(con, filters)
        source = _("store {path}").format(path=path)
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
        source = _("files in {folder}").format(folder=args.data)
    else:
        path = args.db or store.default_path()
        con = store.published_snapshot(path)
        source = _("store {path}").format(path=path)
    try:
        published = donor.summary(con, f)
    finally:
        con.close()
    if args.json:
        print(json.dumps(published.as_dict(), ensure_ascii=False))
        return EXIT_OK
    d = published.as_dict()

    def count(v: int | str) -> str:  # a published count, or "<8" as it is
        return v if isinstance(v, str) else i18n.number(v)

    def pct(v: float | None) -> str:
        return "—" if v is None else _percent(v, 0)

    multiplier = d["cascade_multiplier"]
    rows = [
        (_("People reached"), count(d["people_reached"])),
        ("  " + p_("people reached", "direct"), count(d["direct_reach"])),
        ("  " + _("through cascades"), count(d["cascade_reach"])),
        (_("Events"), count(d["events"])),
        ("  " + _("step-down events"), count(d["step_down_events"])),
        (_("Trainers"), count(d["trainers"])),
        (_("Countries reached"), count(d["countries_reached"])),
        # Counts without group separators, as this line always showed them.
        (_("Gender (f / m / other / undisclosed)"),
         " / ".join(str(v) for v in d["gender"].values())),
        *((_age(band), count(n)) for band, n in d["age"].items()),
        (_("Female share"), pct(d["female_share"])),
        (_("Cascade multiplier"), "—" if multiplier is None else _decimal(multiplier, 1)),
        (_("Activation rate"), pct(d["activation_rate"])),
    ]  # fmt: skip
    head = [
        _("Reach summary for donors: {source}").format(source=source),
        _("Scope: {scope}").format(scope=f.describe()),
        _("Counts of people are rounded to 5; 0 to 7 show as <8."),
        "",
    ]
    print("\n".join(head))
    print(_rows_text(rows))
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    from . import accounts, backup

    path = args.db or store.default_path()
    try:
        done = backup.backup(path, accounts.default_path(path), args.dir)
    except backup.BackupError as exc:
        _error(str(exc))
        return EXIT_ERRORS
    accounts.audit(accounts.default_path(path), cli_accounts.actor(), "backup", str(args.dir))
    files = ", ".join(done.get("files", []))
    # Translators: {files} are file names inside the backup folder, kept as written.
    print(_("Backup written to {folder}: {files}").format(folder=args.dir, files=files))
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from . import accounts, backup

    path = args.db or store.default_path()
    try:
        done = backup.restore(args.dir, path, accounts.default_path(path))
    except backup.BackupError as exc:
        _error(str(exc))
        return EXIT_ERRORS
    accounts.audit(accounts.default_path(path), cli_accounts.actor(), "restore", str(args.dir))
    if done.get("accounts") is None:
        print(_("Restored the store from {folder}.").format(folder=args.dir))
    else:
        print(_("Restored the store and the accounts from {folder}.").format(folder=args.dir))
    return EXIT_OK


def _cmd_export_parquet(args: argparse.Namespace) -> int:
    from . import accounts, parquet, sqlfiles

    path = args.db or store.default_path()
    if not Path(path).exists():
        _error(_("There is no store at {path}.").format(path=path))
        return EXIT_ERRORS
    try:
        with store.connect(path, read_only=True) as con:
            rows = parquet.export(sqlfiles.quiet(con), args.out_dir)
    except parquet.ExportError as exc:
        _error(str(exc))
        return EXIT_ERRORS
    accounts.audit(accounts.default_path(path), cli_accounts.actor(), "export", str(args.out_dir))
    counts = ", ".join(f"{table} {i18n.number(n)}" for table, n in rows.items())
    # Translators: {counts} lists tables and their rows, "events 296, participants 5,000, …".
    print(
        _("Parquet written to {folder} (rows: {counts}).").format(
            folder=args.out_dir, counts=counts
        )
    )
    return EXIT_OK


def _print_summary(summary: Summary, source: str, filters: Filters, as_json: bool) -> int:
    if as_json:
        print(json.dumps(summary.as_dict()))
    else:
        print(_table(summary, source, filters))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    if args.rows < 1:
        raise UsageError(_("--rows must be at least 1"))
    counts = demo.write(args.out_dir, rows=args.rows, seed=args.seed)
    print(
        _("Wrote {events} events, {rows} participant rows and {countries} countries to {folder}")
        .format(events=i18n.number(counts["events"]), rows=i18n.number(counts["participants"]),
                countries=counts["countries"], folder=args.out_dir)
    )  # fmt: skip
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
    "export-parquet": _cmd_export_parquet,
}


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code; never lets a traceback reach the user.

    The command speaks the language of its environment (REACH_LANG, else the POSIX locale,
    else English), help texts included, and leaves the caller's language as it found it."""
    with i18n.using(i18n.from_environment(os.environ)):
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    """main, in the language already chosen."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except store.StoreBusy as exc:
        _error(str(exc))
        return EXIT_ERRORS
    except BrokenPipeError:
        # The reader of the output went away (`summary --json | head`): stop quietly, as
        # Unix tools do, with nothing more written to the closed pipe at exit.
        _drop_stdout()
        return EXIT_ERRORS
    except Exception as exc:  # noqa: BLE001 - the user gets a sentence, not a traceback
        if os.environ.get("REACH_DEBUG"):
            raise
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        # Translators: {command} is a subcommand (summary, load …); {error} is Python's own
        # error name and message, in English.
        message = _("Reach could not finish '{command}': {error}")
        _error(message.format(command=args.command, error=error))
        return EXIT_ERRORS
