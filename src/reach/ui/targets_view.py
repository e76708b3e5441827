"""What the Targets page, its donor twin and the Overview share: the table, chart and tiles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import charts_targets, i18n, targets
from ..i18n import N_, _
from . import frames

# The targets table's headers, worded where shown (the download keeps the column names).
HEADERS = {
    "program": N_("Program"),
    "indicator": N_("Indicator"),
    "period": N_("Period"),
    # Translators: a column header: whom a target counts ('Female, age 15-19, Kyrgyzstan').
    "for": N_("For"),
    # Translators: a column header: the number a program promised.
    "target": N_("Target"),
    # Translators: a column header: the number actually reached.
    "actual": N_("Actual"),
    # Translators: a column header: the share of the target reached so far.
    "achieved": N_("Achieved"),
    # Translators: a column header: the share of the target due by today, pro rata.
    "expected by now": N_("Expected by now"),
    "status": N_("Status"),
}


def how() -> str:
    """How a status is decided, in the reader's language."""
    # Translators: keep the bold status words as the statuses are worded elsewhere; {behind}
    # is a percentage ('80%').
    return _(
        "**On track**: the actual is at least the target pro-rated by the share of the period "
        "gone by; **behind** from {behind} of that, **off track** below. **Achieved** once the "
        "target is reached; **missed** when the period ended short of it."
    ).format(behind=i18n.percent(targets.BEHIND))


def tiles(df: pd.DataFrame) -> None:
    """How many targets have each status."""
    counts = df["status"].value_counts()
    shown = [s for s in targets.STATUSES if counts.get(s)]
    for col, status in zip(st.columns(max(len(shown), 1)), shown, strict=False):
        name = targets.status_name(status)
        col.metric(name[:1].upper() + name[1:], i18n.number(int(counts[status])), border=True)


def table(df: pd.DataFrame) -> pd.DataFrame:
    """The table downloaded: one row per target (statuses as codes, as `progress --json`)."""
    return pd.DataFrame(
        {
            "program": df["program"],
            "indicator": df["indicator_name"],
            "period": df["period"],
            "for": [s or "—" for s in df["split"]],
            "target": df["target"],
            "actual": df["actual_text"],
            "achieved": [
                frames.rate(None if pd.isna(v) else float(v), pct=True)
                for v in df["achieved_share"]
            ],
            "expected by now": [i18n.percent(e) for e in df["elapsed"]],
            "status": df["status"],
        }
    )


def draw(df: pd.DataFrame, scope: str, donor: bool, name: str = "targets") -> None:
    """Chart and table of targets against actuals (or a note when there are none)."""
    if df.empty:
        st.info(
            _(
                "No targets for this scope. An analyst can load a targets file (targets.csv) on "
                "the Data page: program, indicator, period, target."
            )
        )
        return
    shown = targets.described(df, donor)
    # Translators: a chart title; {scope} is the filters in words.
    title = _("Targets: share achieved — {scope}").format(scope=scope)
    fig = charts_targets.progress_bars(shown, title)
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
    st.caption(how())
    out = table(shown)
    # On the page the statuses are words in the reader's language; the headers too.
    st.dataframe(
        out.assign(status=shown["status_text"].to_numpy()),
        hide_index=True,
        width="stretch",
        column_config=frames.headers(HEADERS),
    )
    frames.download(out, name, _("Download targets table (CSV)"))
