"""The command line for named lists: `pseudonymize` and `duplicates` (issue 8)."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

from . import cli_accounts, history, i18n, link, linkkey, pseudonymize, read, review, store
from .i18n import _

EXIT_OK, EXIT_ERRORS = 0, 1


def add_parsers(sub: argparse._SubParsersAction, db_help: str) -> None:
    """Add `pseudonymize` and `duplicates` to the command line."""
    p = sub.add_parser(
        "pseudonymize",
        help=_("replace names, phones and e-mails in an attendance list by pseudonymous IDs"),
    )
    p.add_argument("file", type=Path, metavar="IN.csv")
    p.add_argument("--out", type=Path, required=True, metavar="OUT.csv")
    p.add_argument(
        "--db", type=Path, help=_("link to the people in this store (it is not changed)")
    )

    p = sub.add_parser("duplicates", help=_("list (or decide) pairs that may be one person"))
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
    act = p.add_mutually_exclusive_group()
    act.add_argument("--merge", type=int, metavar="PAIR", help=_("count the pair as one person"))
    act.add_argument("--apart", type=int, metavar="PAIR", help=_("keep the pair as two people"))
    act.add_argument("--undo", type=int, metavar="DECISION", help=_("take a decision back"))


def run_pseudonymize(args: argparse.Namespace) -> int:
    """`pseudonymize IN.csv --out OUT.csv [--db PATH]`."""
    if not args.file.is_file():
        _error(_("'{path}' is not a file").format(path=args.file))
        return EXIT_ERRORS
    try:
        counts = pseudonymize.run(args.file, args.out, args.db)
    except (pseudonymize.PseudonymizeError, linkkey.KeyFileError, read.InputError) as exc:
        _error(str(exc))
        return EXIT_ERRORS
    num = i18n.number
    if args.db:
        message = _(
            "Wrote {file}: {rows} rows in the same order, {people} people ({matched} rows "
            "matched people in {store}), {columns} identifying column(s) removed; {pairs} "
            "pair(s) may be one person (given separate IDs)."
        )
    else:
        message = _(
            "Wrote {file}: {rows} rows in the same order, {people} people, {columns} "
            "identifying column(s) removed; {pairs} pair(s) may be one person (given separate "
            "IDs)."
        )
    print(
        message.format(
            file=args.out, rows=num(counts["rows"]), people=num(counts["people"]),
            matched=num(counts.get("matched", 0)), store=args.db,
            columns=counts["columns_removed"], pairs=num(counts["review_pairs"]),
        )
    )  # fmt: skip
    return EXIT_OK


def _error(message: str) -> None:
    """A sentence for the user on stderr, after the ERROR tag (kept as written)."""
    print(f"ERROR   {message}", file=sys.stderr)


def _done(action: str, target: int) -> str:
    """What a decision did: one whole sentence per action."""
    if action == "merge":
        return _("Done: merge {pair}. The numbers are updated.").format(pair=target)
    if action == "apart":
        return _("Done: apart {pair}. The numbers are updated.").format(pair=target)
    return _("Done: undo {decision}. The numbers are updated.").format(decision=target)


def run_duplicates(args: argparse.Namespace) -> int:
    """`duplicates [--db PATH] [--json] [--merge N | --apart N | --undo N]`."""
    path = args.db or store.default_path()
    if not Path(path).is_file():
        _error(_("{path}: there is no store here.").format(path=path))
        return EXIT_ERRORS
    for action in ("merge", "apart", "undo"):
        target = getattr(args, action)
        if target is not None:
            try:
                history.decide(path, action, target, cli_accounts.actor())
            except review.ReviewError as exc:
                _error(str(exc))
                return EXIT_ERRORS
            print(_done(action, target))
    with store.connect(path, read_only=True) as con:
        pairs = review.pending(con)
    if args.json:
        print(json.dumps(pairs.to_dict(orient="records"), default=str, ensure_ascii=False))
        return EXIT_OK
    if pairs.empty:
        print(_("No possible duplicates to review."))
        return EXIT_OK
    print(
        _("{n} pair(s) may be one person (IDs only; decide with --merge or --apart):").format(
            n=len(pairs)
        )
    )
    # Translators: one pair of pseudonymous IDs ({a}, {b}); {evidence} is what agrees between
    # them ("names 93% alike; same phone"); {score} is a percentage.
    line = _(
        "pair {pair}: {a} and {b}, score {score}: {evidence}; {common} event(s) in common "
        "({events_a} and {events_b} in all); organisations: {org_a} / {org_b}"
    )
    for p in pairs.itertuples():
        print(
            "  "
            + line.format(
                pair=p.pair_id, a=p.a, b=p.b, score=_percent(p.score),
                evidence=link.evidence_text(p.evidence),
                common=p.events_in_common, events_a=p.events_a, events_b=p.events_b,
                org_a=p.organisations_a or "—", org_b=p.organisations_b or "—",
            )
        )  # fmt: skip
    return EXIT_OK


def _percent(share: float) -> str:
    """A whole percentage in the active language, rounded as Python's '%' format rounds it."""
    return i18n.percent(Decimal(f"{share * 100:.0f}") / 100)
