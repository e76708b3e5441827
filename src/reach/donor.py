"""The donor audience's numbers: read from the published extract, never from person rows.

Every function takes a connection that holds the `published` schema (a donor session's
connection holds nothing else), a DonorFilters and the account's program scope, and returns
published counts: nullable integers where NA means "<8", with shares and ratios worked out
by reach.disclosure from the published counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from . import ages, disclosure, extract
from .extract import DonorFilters
from .i18n import N_

GENDERS = ("female", "male", "other", "undisclosed")
Scope = tuple[str, ...]


def _value(v: Any) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


@dataclass(frozen=True)
class DonorSummary:
    """The headline numbers for one donor view; None in a count means '<8'."""

    people_reached: int | None = None
    direct_reach: int | None = None
    cascade_reach: int | None = None
    attendances: int | None = None
    events: int = 0
    step_down_events: int = 0
    trainers: int | None = None
    countries_reached: int = 0
    gender: dict[str, int | None] = field(default_factory=dict)
    female_share: float | None = None
    cascade_multiplier: float | None = None
    activation_rate: float | None = None
    age: dict[str, int | None] = field(default_factory=dict)  # band → published people

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `summary --json`, with '<8' for a suppressed count."""
        j = disclosure.json_value
        return {
            "people_reached": j(self.people_reached),
            "direct_reach": j(self.direct_reach),
            "cascade_reach": j(self.cascade_reach),
            "attendances": j(self.attendances),
            "events": self.events,
            "step_down_events": self.step_down_events,
            "trainers": j(self.trainers),
            "countries_reached": self.countries_reached,
            "gender": {g: j(self.gender.get(g)) for g in GENDERS},
            "age": {b: j(self.age.get(b)) for b in ages.labels()},
            "female_share": self.female_share,
            "cascade_multiplier": self.cascade_multiplier,
            "activation_rate": self.activation_rate,
        }


def summary(con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = ()) -> DonorSummary:
    """The published headline numbers of a donor view (all zero when nothing matches)."""
    rows = extract.cells(con, f, scope)
    if rows.empty:
        return DonorSummary()
    r = rows.iloc[0]
    gender = {g: _value(r[g]) for g in GENDERS}
    direct, cascade = _value(r["direct_reach"]), _value(r["cascade_reach"])
    return DonorSummary(
        people_reached=_value(r["people_reached"]),
        direct_reach=direct,
        cascade_reach=cascade,
        attendances=_value(r["attendances"]),
        events=int(r["events"]),
        step_down_events=int(r["step_down_events"]),
        trainers=_value(r["trainers"]),
        countries_reached=int(r["countries_reached"]),
        gender=gender,
        female_share=disclosure.share(
            gender["female"], [gender["female"], gender["male"], gender["other"]]
        ),
        cascade_multiplier=disclosure.ratio(cascade, direct),
        activation_rate=disclosure.share(_value(r["activated"]), [_value(r["activation_base"])]),
        age=_age_totals(con, f, scope),
    )


def _age_totals(con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope) -> dict:
    """Published people per age band of a donor view (every band; None means '<8')."""
    rows = extract.age_cells(con, f, scope)
    found = {b: _value(n) for b, g, n in zip(rows["band"], rows["gender"], rows["people"],
                                             strict=True) if g == "*"}  # fmt: skip
    return {b: found.get(b) for b in ages.labels()}


def over_time(con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = ()) -> pd.DataFrame:
    """People reached per year (or per quarter of the chosen year), every period from the
    first to the last: one without events has 0 events and no published count."""
    rows = extract.cells(con, f, scope, by="period")
    cols = ["period", "people_reached", "direct_reach", "cascade_reach", "events"]
    rows = rows[cols].set_index("period")
    out = rows.reindex(period_grid(list(rows.index))).rename_axis("period").reset_index()
    out["events"] = out["events"].fillna(0).astype("int64")
    return out[cols]


def period_grid(periods: list[str]) -> list[str]:
    """Every year ('2021') or quarter ('2021-Q3') from the first to the last of `periods`."""
    if not periods:
        return []
    first, last = min(periods), max(periods)
    if "-Q" not in first:
        return [str(y) for y in range(int(first), int(last) + 1)]
    (y0, q0), (y1, q1) = ((int(p[:4]), int(p[-1])) for p in (first, last))
    return [f"{n // 4}-Q{n % 4 + 1}" for n in range(y0 * 4 + q0 - 1, y1 * 4 + q1)]


def by_country(con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = ()) -> pd.DataFrame:
    """People reached and events per event country."""
    rows = extract.cells(con, f, scope, by="country")
    out = rows.rename(columns={"country": "country_code"})
    return out[["country_code", "people_reached", "events"]]


def by_group(
    con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = (), dim: str = "program"
) -> pd.DataFrame:
    """People reached (direct, through cascades) and events per program or event type."""
    if dim not in ("program", "event_type"):
        raise ValueError("dim must be program or event_type")
    rows = extract.cells(con, f, scope, by=dim).rename(columns={dim: "group"})
    cols = ["group", "people_reached", "direct_reach", "cascade_reach", "events"]
    return rows[cols].sort_values("people_reached", ascending=False, na_position="last")


def cascade_levels(
    con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = ()
) -> pd.DataFrame:
    """People reached and events per program and cascade level."""
    rows = extract.cells(con, f, scope, by="level")
    return rows[["program", "level", "people_reached", "events"]].reset_index(drop=True)


def cascade_by_program(
    con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = ()
) -> pd.DataFrame:
    """Per program: direct and cascade reach, multiplier, activation, depth, step-downs."""
    rows = extract.cells(con, f, scope, by="program")
    out = rows[["program", "direct_reach", "cascade_reach", "depth", "events",
                "step_down_events"]].copy()  # fmt: skip
    out["cascade_multiplier"] = [
        disclosure.ratio(_value(c), _value(d))
        for c, d in zip(rows["cascade_reach"], rows["direct_reach"], strict=True)
    ]
    out["activation_rate"] = [
        disclosure.share(_value(a), [_value(b)])
        for a, b in zip(rows["activated"], rows["activation_base"], strict=True)
    ]
    return out.reset_index(drop=True)


def _gender_long(rows: pd.DataFrame, key: str, prefix: str = "") -> pd.DataFrame:
    parts = []
    for g in GENDERS:
        parts.append(
            pd.DataFrame({"group": rows[key], "gender": g, "people": rows[f"{prefix}{g}"]})
        )
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    out["people"] = out["people"].astype("Int64")
    return out


def gender_breakdown(
    con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = ()
) -> pd.DataFrame:
    """People by gender among people reached and among trainers, with published shares."""
    rows = extract.cells(con, f, scope)
    out = []
    # The group is a key (parity["People reached"]), worded where shown: _(group).
    for group, prefix in ((N_("People reached"), ""), (N_("Trainers"), "trainers_")):
        counts = {g: (_value(rows.iloc[0][f"{prefix}{g}"]) if len(rows) else None) for g in GENDERS}
        for g in GENDERS:
            out.append(
                {
                    "group": group,
                    "gender": g,
                    "people": counts[g],
                    "share": disclosure.share(counts[g], list(counts.values())),
                }
            )
    df = pd.DataFrame(out)
    df["people"] = df["people"].astype("Int64")
    return df


def parity(breakdown: pd.DataFrame) -> dict[str, float | None]:
    """Female / male per group of a gender_breakdown frame, from published counts."""
    out: dict[str, float | None] = {}
    for group, rows in breakdown.groupby("group", sort=False):
        counts = dict(zip(rows["gender"], rows["people"], strict=True))
        out[str(group)] = disclosure.ratio(_value(counts["female"]), _value(counts["male"]))
    return out


def gender_by(
    con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = (), dim: str = "program"
) -> pd.DataFrame:
    """People reached by gender per program, event country or period (long form)."""
    if dim not in ("program", "country", "period"):
        raise ValueError("dim must be program, country or period")
    rows = extract.cells(con, f, scope, by=dim)
    return _gender_long(rows, dim)


def age_pyramid(con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = ()) -> pd.DataFrame:
    """Published people reached by age band and gender (every band and gender, NA = '<8')."""
    rows = extract.age_cells(con, f, scope)
    rows = rows[rows["gender"] != "*"]
    out = pd.DataFrame(
        {
            "band": [b for b in ages.labels() for _ in GENDERS],
            "gender": [g for _ in ages.labels() for g in GENDERS],
        }
    )
    out = out.merge(rows[["band", "gender", "people"]], on=["band", "gender"], how="left")
    out["people"] = out["people"].astype("Int64")
    return out


def age_by(
    con: duckdb.DuckDBPyConnection, f: DonorFilters, scope: Scope = (), dim: str = "period"
) -> pd.DataFrame:
    """Published people reached by age band per period (years, or the chosen year's quarters)
    or per program: (group, band, people), every band of each group, NA = '<8'."""
    if dim not in ("period", "program"):
        raise ValueError("dim must be period or program")
    rows = extract.age_cells(con, f, scope, by=dim)
    rows = rows[rows["gender"] == "*"].rename(columns={dim: "group"})
    out = rows[["group", "band", "people"]].reset_index(drop=True)
    out["people"] = out["people"].astype("Int64")
    return out
