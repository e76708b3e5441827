"""Cascade: how trainings multiply through step-downs, level by level, per program."""

import streamlit as st

from reach import charts
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

TABLE_ROWS = 1000  # rows sent to the browser; the download has them all

filters, scope, summary = frames.page_start("Cascade")


frames.tiles([
    ("Cascade multiplier", frames.rate(summary.cascade_multiplier), None,
     "People reached through cascades per person reached directly."),
    ("Activation rate", frames.rate(summary.activation_rate, pct=True), None,
     "Share of trainees of events with step-downs who trained at one of them."),
    ("Step-down events", f"{summary.step_down_events:,}", None, None),
    ("Reached through cascades", f"{summary.cascade_reach:,}", None, None),
])  # fmt: skip

levels = frames.metric("cascade_levels", filters)
frames.chart(
    charts.cascade_sankey(levels, f"People reached at each cascade level, per program — {scope}"),
    levels,
    "cascade-levels",
)
headcount_people = int(levels["headcount_people"].sum())
if headcount_people:
    st.info(
        f"{headcount_people:,} of the people shown come from **reported headcounts** of events "
        "whose attendance list was never collected: they cannot be de-duplicated, so a person "
        "counted there may also be counted elsewhere."
    )

st.subheader("Per program")
programs = frames.metric("cascade_by_program", filters)
frames.table(
    programs[
        ["program", "direct_reach", "cascade_reach", "cascade_multiplier", "activation_rate",
         "depth", "median_days", "step_down_events", "headcount_step_downs"]
    ],
    {
        "program": "Program",
        "direct_reach": "Direct reach",
        "cascade_reach": "Cascade reach",
        "cascade_multiplier": st.column_config.NumberColumn("Multiplier", format="%.2f×"),
        "activation_rate": st.column_config.NumberColumn("Activation rate", format="percent"),
        "depth": "Depth (levels)",
        "median_days": st.column_config.NumberColumn("Median days to step-down", format="%d"),
        "step_down_events": "Step-downs",
        "headcount_step_downs": "…of which headcount only",
    },
)  # fmt: skip
frames.download(programs, "cascade-programs", "Download per-program table (CSV)")

st.subheader("Step-down events")
steps = frames.metric("step_downs", filters)
if steps.empty:
    st.info("No step-down events in this scope.")
else:
    if len(steps) > TABLE_ROWS:
        st.caption(f"The {TABLE_ROWS:,} latest of {len(steps):,} step-downs; download for all.")
    frames.table(steps.head(TABLE_ROWS), frames.EVENT_COLUMNS)
    frames.download(steps, "step-downs", "Download step-down events (CSV)")
