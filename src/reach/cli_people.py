"""The command line for named lists: `pseudonymize` and `duplicates` (issue 8)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import cli_accounts, history, linkkey, pseudonymize, read, review, store

EXIT_OK, EXIT_ERRORS = 0, 1


def add_parsers(sub: argparse._SubParsersAction, db_help: str) -> None:
    """Add `pseudonymize` and `duplicates` to the command line."""
    p = sub.add_parser(
        "pseudonymize",
        help="replace names, phones and e-mails in an attendance list by pseudonymous IDs",
    )
    p.add_argument("file", type=Path, metavar="IN.csv")
    p.add_argument("--out", type=Path, required=True, metavar="OUT.csv")
    p.add_argument("--db", type=Path, help="link to the people in this store (it is not changed)")

    p = sub.add_parser("duplicates", help="list (or decide) pairs that may be one person")
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    act = p.add_mutually_exclusive_group()
    act.add_argument("--merge", type=int, metavar="PAIR", help="count the pair as one person")
    act.add_argument("--apart", type=int, metavar="PAIR", help="keep the pair as two people")
    act.add_argument("--undo", type=int, metavar="DECISION", help="take a decision back")


def run_pseudonymize(args: argparse.Namespace) -> int:
    """`pseudonymize IN.csv --out OUT.csv [--db PATH]`."""
    if not args.file.is_file():
        print(f"ERROR   '{args.file}' is not a file", file=sys.stderr)
        return EXIT_ERRORS
    try:
        counts = pseudonymize.run(args.file, args.out, args.db)
    except (pseudonymize.PseudonymizeError, linkkey.KeyFileError, read.InputError) as exc:
        print(f"ERROR   {exc}", file=sys.stderr)
        return EXIT_ERRORS
    against = f" ({counts['matched']:,} rows matched people in {args.db})" if args.db else ""
    print(
        f"Wrote {args.out}: {counts['rows']:,} rows in the same order, {counts['people']:,} "
        f"people{against}, {counts['columns_removed']} identifying column(s) removed; "
        f"{counts['review_pairs']:,} pair(s) may be one person (given separate IDs)."
    )
    return EXIT_OK


def run_duplicates(args: argparse.Namespace) -> int:
    """`duplicates [--db PATH] [--json] [--merge N | --apart N | --undo N]`."""
    path = args.db or store.default_path()
    if not Path(path).is_file():
        print(f"ERROR   {path}: there is no store here.", file=sys.stderr)
        return EXIT_ERRORS
    for action in ("merge", "apart", "undo"):
        target = getattr(args, action)
        if target is not None:
            try:
                history.decide(path, action, target, cli_accounts.actor())
            except review.ReviewError as exc:
                print(f"ERROR   {exc}", file=sys.stderr)
                return EXIT_ERRORS
            print(f"Done: {action} {target}. The numbers are updated.")
    with store.connect(path, read_only=True) as con:
        pairs = review.pending(con)
    if args.json:
        print(json.dumps(pairs.to_dict(orient="records"), default=str, ensure_ascii=False))
        return EXIT_OK
    if pairs.empty:
        print("No possible duplicates to review.")
        return EXIT_OK
    print(f"{len(pairs)} pair(s) may be one person (IDs only; decide with --merge or --apart):")
    for p in pairs.itertuples():
        print(
            f"  pair {p.pair_id}: {p.a} and {p.b}, score {p.score:.0%}: {p.evidence}; "
            f"{p.events_in_common} event(s) in common ({p.events_a} and {p.events_b} in all)"
            + (f"; organisations: {p.organisations_a or '—'} / {p.organisations_b or '—'}")
        )
    return EXIT_OK
