"""What the Targets page, its donor twin and the Overview share: the table, chart and tiles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import charts_targets, targets
from . import frames

HOW = (
    "**On track**: the actual is at least the target pro-rated by the share of the period gone "
    f"by; **behind** from {targets.BEHIND:.0%} of that, **off track** below. **Achieved** once "
    "the target is reached; **missed** when the period ended short of it."
)


def tiles(df: pd.DataFrame) -> None:
    """How many targets have each status."""
    counts = df["status"].value_counts()
    shown = [s for s in targets.STATUSES if counts.get(s)]
    for col, status in zip(st.columns(max(len(shown), 1)), shown, strict=False):
        col.metric(status.capitalize(), f"{int(counts[status]):,}", border=True)


def table(df: pd.DataFrame) -> pd.DataFrame:
    """The table shown and downloaded: one row per target."""
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
            "expected by now": [f"{e:.0%}" for e in df["elapsed"]],
            "status": df["status"],
        }
    )


def draw(df: pd.DataFrame, scope: str, donor: bool, name: str = "targets") -> None:
    """Chart and table of targets against actuals (or a note when there are none)."""
    if df.empty:
        st.info(
            "No targets for this scope. An analyst can load a targets file (targets.csv) on "
            "the Data page: program, indicator, period, target."
        )
        return
    shown = targets.described(df, donor)
    fig = charts_targets.progress_bars(shown, f"Targets: share achieved — {scope}")
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
    st.caption(HOW)
    out = table(shown)
    st.dataframe(out, hide_index=True, width="stretch")
    frames.download(out, name, "Download targets table (CSV)")
