"""Cascade for donors: how trainings multiply through step-downs (published counts)."""

import streamlit as st

from reach import charts, disclosure
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

f, scope, summary = frames.donor_page_start("Cascade")
p, r = frames.published, frames.published_rate
frames.donor_tiles([
    ("Cascade multiplier", r(summary.cascade_multiplier),
     "People reached through cascades per person reached directly (rounded counts)."),
    ("Activation rate", r(summary.activation_rate, pct=True),
     "Share of trainees of events with step-downs who trained at one of them."),
    ("Step-down events", f"{summary.step_down_events:,}", "Events at cascade level 1 or deeper."),
    ("Reached through cascades", p(summary.cascade_reach), "People reached only via step-downs."),
])  # fmt: skip

levels = frames.donor_metric("cascade_levels", f)
frames.donor_chart(
    charts.published_cascade(
        levels, f"People reached at each cascade level, per program — {scope}"
    ),
    levels, "cascade-levels", ("people_reached",),
)  # fmt: skip

st.subheader("Per program")
programs = frames.donor_metric("cascade_by_program", f)
shown = disclosure.frame_text(programs, ("direct_reach", "cascade_reach")).assign(
    cascade_multiplier=[r(v) for v in programs["cascade_multiplier"]],
    activation_rate=[r(v, pct=True) for v in programs["activation_rate"]],
)
frames.table(
    shown[["program", "direct_reach", "cascade_reach", "cascade_multiplier", "activation_rate",
           "depth", "step_down_events"]],
    {
        "program": "Program", "direct_reach": "Direct reach", "cascade_reach": "Cascade reach",
        "cascade_multiplier": "Multiplier", "activation_rate": "Activation rate",
        "depth": "Depth (levels)", "step_down_events": "Step-down events",
    },
)  # fmt: skip
frames.download(shown, "cascade-programs", "Download per-program table (CSV)")
