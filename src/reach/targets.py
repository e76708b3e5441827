"""Targets against actuals: what each program promised, what it reached, and whether it is on
track, pro-rated by the time elapsed in the period (issue 9).

The actual of a target is a number of the metrics layer for the target's program, period and
(when given) country, gender and age band, so the Targets page, the Overview and
`python -m reach progress` agree with every other page. Donors get the same table with the
actual counted under the disclosure rule and the status worked out from that published count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from . import (
    disclosure,
    i18n,
    labels,  # no Streamlit in it: how codes are worded
    metrics,
    sqlfiles,
)
from .i18n import N_, _
from .metrics import Filters

if TYPE_CHECKING:  # extract imports this module: the donor's filters are named for types only
    from . import extract

# A period in progress is on track when its actual is at least the target pro-rated by the
# time elapsed, behind from BEHIND of that, and off track below.
BEHIND = 0.8
# Indicators that count people: published under the disclosure rule (events are not people).
PEOPLE = ("people_reached", "direct_reach", "cascade_reach", "trainers", "female_reached")
# The statuses are codes (the JSON of `progress --json`, chart colours), and also the English
# words a person reads: `status_name` words one in the active language.
STATUSES = (
    # Translators: a target's status: its actual has reached the target.
    N_("achieved"),
    # Translators: a target's status: the actual is at least what is due by now.
    N_("on track"),
    # Translators: a target's status: the actual is a little short of what is due by now.
    N_("behind"),
    # Translators: a target's status: the actual is far short of what is due by now.
    N_("off track"),
    # Translators: a target's status: its period ended short of the target.
    N_("missed"),
    # Translators: a target's status: its period has not begun.
    N_("not started"),
    # Translators: a target's status for donors: the count is shown as <8, and what it may
    # hide (0 to 7) does not settle the status.
    N_("too few to tell"),
)
COLUMNS = [
    "program", "indicator", "period", "gender", "age_band", "country_code", "period_start",
    "period_end", "target", "actual", "achieved_share", "elapsed", "expected", "status",
]  # fmt: skip


@dataclass(frozen=True)
class Progress:
    """Where one target stands on a day."""

    achieved_share: float  # actual / target
    elapsed: float  # share of the period's days gone by (0 before it, 1 after it)
    expected: float  # the target pro-rated by elapsed
    status: str


def elapsed(start: dt.date, end: dt.date, today: dt.date) -> float:
    """The share of the period's days that have passed by the end of `today` (0 to 1)."""
    days = (end - start).days + 1
    gone = (min(today, end) - start).days + 1
    return min(max(gone / days, 0.0), 1.0)


def status(actual: int, target: int, start: dt.date, end: dt.date, today: dt.date) -> Progress:
    """Achieved, on track, behind, off track, missed or not started, for one target."""
    share = actual / target
    gone = elapsed(start, end, today)
    expected = target * gone
    if actual >= target:
        verdict = "achieved"
    elif today > end:
        verdict = "missed"
    elif today < start:
        verdict = "not started"
    elif actual >= expected:
        verdict = "on track"
    elif actual >= BEHIND * expected:
        verdict = "behind"
    else:
        verdict = "off track"
    return Progress(share, gone, expected, verdict)


def _overlaps(
    rows: pd.DataFrame, date_from: dt.date | None, date_to: dt.date | None
) -> pd.DataFrame:
    """The targets whose period overlaps [date_from, date_to] (open ends: no bound)."""
    keep = [
        (date_to is None or start <= date_to) and (date_from is None or end >= date_from)
        for start, end in zip(rows["period_start"], rows["period_end"], strict=True)
    ]
    return rows[pd.Series(keep, index=rows.index, dtype=bool)]


def stored(
    con: duckdb.DuckDBPyConnection,
    programs: tuple[str, ...] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    table: str = "targets",
) -> pd.DataFrame:
    """The targets (of these programs, or all; overlapping the dates), in a stable order."""
    extra = ", actual" if table != "targets" else ""
    rows = con.execute(
        "select program, indicator, period, gender, age_band, country_code, period_start, "
        f"period_end, target{extra} from {table} "
        "where len($programs) = 0 or list_contains($programs, program) "
        "order by program, period_start, period_end, indicator, gender, age_band, country_code",
        {"programs": list(programs)},
    ).fetchall()
    return _overlaps(pd.DataFrame(rows, columns=COLUMNS[:9] + (["actual"] if extra else [])),
                     date_from, date_to)  # fmt: skip


def _actual(summary: metrics.Summary, indicator: str, gender: str, age_band: str) -> int:
    """The indicator's value in a scope's summary (people_reached narrowed by gender or age)."""
    if indicator == "female_reached":
        return summary.gender["female"]
    if gender and age_band:
        return summary.age_gender.get(age_band, {}).get(gender, 0)
    if gender:
        return summary.gender.get(gender, 0)
    if age_band:
        return summary.age.get(age_band, 0)
    return int(getattr(summary, indicator))


def actuals(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> list[int]:
    """The exact actual of each target row, from the metrics layer."""
    # One summary per program, period and country: a file's indicators share it.
    scopes = list(
        dict.fromkeys(
            (t.program, t.period_start, t.period_end, t.country_code)
            for t in rows.itertuples(index=False)
        )
    )
    found = metrics.summaries(
        con,
        [
            Filters(
                programs=(program,),
                countries=(country,) if country else (),
                date_from=start,
                date_to=end,
            )
            for program, start, end, country in scopes
        ],
    )
    by_scope = dict(zip(scopes, found, strict=True))
    return [
        _actual(
            by_scope[(t.program, t.period_start, t.period_end, t.country_code)],
            t.indicator,
            t.gender,
            t.age_band,
        )
        for t in rows.itertuples(index=False)
    ]


UNCLEAR = STATUSES[-1]  # a suppressed count whose status depends on what it hides


def _published_status(value: int | None, target: int, start, end, today) -> Progress:
    """The status a published count supports: from the count itself, or for a suppressed one
    the status every count it may hide (0 to 7) agrees on, else UNCLEAR."""
    if value is not None:
        return status(value, target, start, end, today)
    low, high = disclosure.possible(None)
    lowest, highest = (status(n, target, start, end, today) for n in (low, high))
    verdict = lowest.status if lowest.status == highest.status else UNCLEAR
    return Progress(float("nan"), lowest.elapsed, lowest.expected, verdict)


def _with_status(rows: pd.DataFrame, today: dt.date, published: bool) -> pd.DataFrame:
    """Share, elapsed, expected and status from each row's actual (for donors, from the
    published count alone, so they say nothing the count does not)."""
    out = []
    for t in rows.itertuples(index=False):
        value = None if pd.isna(t.actual) else int(t.actual)
        if published:
            p = _published_status(value, int(t.target), t.period_start, t.period_end, today)
            digits = disclosure.RULE.share_digits
            share = None if value is None else round(value / int(t.target), digits)
        else:
            p = status(int(value or 0), int(t.target), t.period_start, t.period_end, today)
            share = p.achieved_share
        out.append({**t._asdict(), "achieved_share": share, "elapsed": p.elapsed,
                    "expected": p.expected, "status": p.status})  # fmt: skip
    frame = pd.DataFrame(out, columns=COLUMNS)
    if published:
        frame["actual"] = pd.array(list(rows["actual"]), dtype="Int64")
    return frame


def progress(
    con: duckdb.DuckDBPyConnection,
    programs: tuple[str, ...] = (),
    today: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> pd.DataFrame:
    """Every target of these programs (all when empty) whose period overlaps the dates, with
    its exact actual, share achieved, time elapsed and status on `today`."""
    rows = stored(con, programs, date_from, date_to)
    rows = rows.assign(actual=actuals(con, rows))
    return _with_status(rows, today or dt.date.today(), published=False)


def publish(con: duckdb.DuckDBPyConnection, schema: str) -> int:
    """Write every target with its actual under the disclosure rule into schema.progress (the
    donors' extract); statuses are worked out when read, for the day they are read."""
    rows = stored(con)
    published = [
        disclosure.count(a) if i in PEOPLE else a
        for a, i in zip(actuals(con, rows), rows["indicator"], strict=True)
    ]
    frame = rows.assign(actual=pd.array(published, dtype="Int64"))
    con.register("_progress", frame)
    try:
        con.execute(f"create or replace table {schema}.progress as select * from _progress")
    finally:
        con.unregister("_progress")
    return len(frame)


def published_progress(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    programs: tuple[str, ...] = (),
    today: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> pd.DataFrame:
    """The donors' progress table: published actuals, shares and statuses from them."""
    if not sqlfiles.has_table(con, "progress"):
        return pd.DataFrame(columns=COLUMNS)
    rows = stored(con, programs, date_from, date_to, table=f"{schema}.progress")
    return _with_status(rows, today or dt.date.today(), published=True)


def donor_scope(
    f: extract.DonorFilters, scope: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], dt.date | None, dt.date | None]:
    """The programs and dates whose targets a donor's choice shows, within the account's
    programs: (programs, first day, last day)."""
    if f.program:
        programs = (f.program,) if not scope or f.program in scope else (metrics.NO_PROGRAM,)
    else:
        programs = tuple(sorted(scope))
    first = dt.date(int(f.year), 1, 1) if f.year else None
    last = dt.date(int(f.year), 12, 31) if f.year else None
    return programs, first, last


def status_name(code: str) -> str:
    """A status as people read it in the active language: 'on track', 'по плану'."""
    return _(code) if code in STATUSES else code


def _split(row: pd.Series) -> str:
    """Whom a target is for, in the active language: 'Female, age 15-19, Kyrgyzstan'."""
    if row["age_band"]:
        # Translators: whom a target counts: {band} is an age band, '15-19', '50+' or 'Unknown
        # age'.
        age = _("age {band}").format(band=labels.label("age_band", row["age_band"]))
    else:
        age = ""
    parts = [
        labels.gender(row["gender"]) if row["gender"] else "",
        age,
        labels.country(row["country_code"]) if row["country_code"] else "",
    ]
    return ", ".join(p for p in parts if p)


def described(df: pd.DataFrame, donor: bool) -> pd.DataFrame:
    """The progress rows with readable labels and texts (published counts for donors):
    indicator_name, split, what, label, actual_text and status_text, as the page, chart and
    report show, worded in the active language. The words are made here, when shown, so a
    cached progress frame (codes and numbers) serves every language."""
    out = df.copy()
    out["indicator_name"] = [labels.label("indicator", i) for i in out["indicator"]]
    out["split"] = [_split(r) for _unused, r in out.iterrows()]
    out["what"] = [
        f"{r.indicator_name} · {r.period}" + (f" · {r.split}" if r.split else "")
        for r in out.itertuples()
    ]
    out["label"] = [f"{r.program} · {r.what}" for r in out.itertuples()]
    if donor:
        out["actual_text"] = [
            disclosure.text(None if pd.isna(a) else int(a)) for a in out["actual"]
        ]
    else:
        out["actual_text"] = [i18n.number(int(a)) for a in out["actual"]]
    out["status_text"] = [status_name(s) for s in out["status"]]
    return out
