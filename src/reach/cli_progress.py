"""`python -m reach progress`: targets against actuals, as the Targets page shows them."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import cli_args, disclosure, extract, i18n, store, targets
from .i18n import N_, _

EXIT_OK, EXIT_ERRORS = 0, 1

# A target's status as people read it (targets.STATUSES; --json keeps the code).
_STATUS = {
    "achieved": N_("achieved"), "on track": N_("on track"), "behind": N_("behind"),
    "off track": N_("off track"), "missed": N_("missed"), "not started": N_("not started"),
    "too few to tell": N_("too few to tell"),
}  # fmt: skip


def add_parser(sub: argparse._SubParsersAction, db_help: str) -> None:
    """Add `progress` to the command line."""
    p = sub.add_parser("progress", help=_("targets against actuals, with on-track status"))
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--program", action="append", default=[], metavar="NAME")
    p.add_argument(
        "--year", type=cli_args.year, metavar="YYYY", help=_("targets whose period overlaps it")
    )
    p.add_argument("--from", type=cli_args.date, dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", type=cli_args.date, dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--audience", choices=("organisation", "donor"), default="organisation")
    p.add_argument("--today", type=cli_args.date, metavar="YYYY-MM-DD",
                   help=_("work out the status as on this day (default: today)"))  # fmt: skip
    p.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))


def _rows(frame: pd.DataFrame, donor: bool) -> list[dict]:
    out = []
    for t in frame.itertuples(index=False):
        actual = None if pd.isna(t.actual) else int(t.actual)
        share = None if t.achieved_share is None or pd.isna(t.achieved_share) else t.achieved_share
        out.append(
            {
                "program": t.program, "indicator": t.indicator, "period": t.period,
                "gender": t.gender or None, "age_band": t.age_band or None,
                "country_code": t.country_code or None, "target": int(t.target),
                "actual": disclosure.json_value(actual) if donor else actual,
                "achieved_share": None if share is None else round(float(share), 4),
                "expected_share": round(float(t.elapsed), 4), "status": t.status,
            }
        )  # fmt: skip
    return out


def run(args: argparse.Namespace) -> int:
    """Print every target in scope with its actual, share achieved and status."""
    path = args.db or store.default_path()
    date_from, date_to = args.date_from, args.date_to
    if args.year:
        if date_from or date_to:
            print("ERROR   " + _("give --year, or --from/--to, not both"), file=sys.stderr)
            return EXIT_ERRORS
        date_from, date_to = dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    donor = args.audience == "donor"
    programs = tuple(args.program)
    today = args.today or dt.date.today()
    if donor:
        con = store.published_snapshot(path)
        try:
            frame = targets.published_progress(
                con, extract.SCHEMA, programs, today, date_from, date_to
            )
        finally:
            con.close()
    else:
        store.ensure(path)
        with store.connect(path, read_only=True) as con:
            frame = targets.progress(con, programs, today, date_from, date_to)
    rows = _rows(frame, donor)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print(_("No targets in this scope. Load a targets.csv (see README, The data contract)."))
        return EXIT_OK
    if donor:
        heading = _("Targets as on {day} (counts of people rounded to 5; 0 to 7 show as <8):")
    else:
        heading = _("Targets as on {day}:")
    print(heading.format(day=i18n.day(today)))
    # Translators: one target; {actual} and {target} are counts, {share} and {expected}
    # percentages, {status} a word such as "on track".
    line = _("{actual} of {target} ({share}; {expected} expected by now) — {status}")
    for r in rows:
        split = ", ".join(str(v) for v in (r["gender"], r["age_band"], r["country_code"]) if v)
        share = "–" if r["achieved_share"] is None else _percent(r["achieved_share"])
        actual = r["actual"] if isinstance(r["actual"], str) else i18n.number(r["actual"])
        word = _STATUS.get(r["status"])  # an unknown status is shown as the code it is
        status = _(word) if word else r["status"]
        what = f"  {r['program']} · {r['indicator']} · {r['period']}"
        print(
            what
            + (f" · {split}" if split else "")
            + ": "
            + line.format(
                actual=actual, target=i18n.number(r["target"]), share=share,
                expected=_percent(r["expected_share"]), status=status,
            )
        )  # fmt: skip
    return EXIT_OK


def _percent(share: float) -> str:
    """A whole percentage in the active language, rounded as Python's '%' format rounds it."""
    return i18n.percent(Decimal(f"{share * 100:.0f}") / 100)
