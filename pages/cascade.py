"""Cascade: how trainings multiply through step-downs, level by level, per program."""

import pandas as pd
import streamlit as st

from reach import charts, i18n
from reach.i18n import _, n_
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)


filters, scope, summary = frames.page_start(_("Cascade"))


frames.tiles([
    (_("Cascade multiplier"), frames.rate(summary.cascade_multiplier), None,
     _("People reached through cascades per person reached directly.")),
    (_("Activation rate"), frames.rate(summary.activation_rate, pct=True), None,
     _("Share of trainees of events with step-downs who trained at one of them.")),
    (_("Step-down events"), i18n.number(summary.step_down_events), None, None),
    (_("Reached through cascades"), i18n.number(summary.cascade_reach), None, None),
])  # fmt: skip

levels = frames.metric("cascade_levels", filters)
frames.chart(
    charts.cascade_sankey(
        levels,
        _("People reached at each cascade level, per program — {scope}").format(scope=scope),
    ),
    levels,
    "cascade-levels",
)
headcount_people = int(levels["headcount_people"].sum())
if headcount_people:
    st.info(
        n_(
            "{n} of the people shown comes from **reported headcounts** of events whose "
            "attendance list was never collected: they cannot be de-duplicated, so a person "
            "counted there may also be counted elsewhere.",
            "{n} of the people shown come from **reported headcounts** of events whose "
            "attendance list was never collected: they cannot be de-duplicated, so a person "
            "counted there may also be counted elsewhere.",
            headcount_people,
        ).format(n=i18n.number(headcount_people))
    )

st.subheader(_("Per program"))
programs = frames.metric("cascade_by_program", filters)
shown = programs[
    [
        "program",
        "direct_reach",
        "cascade_reach",
        "cascade_multiplier",
        "activation_rate",
        "depth",
        "median_days",
        "step_down_events",
        "headcount_step_downs",
    ]
].copy()
# Written in the reader's language ("3,90×"); a column format would always write "3.90×".
shown["cascade_multiplier"] = [
    frames.rate(None if pd.isna(v) else float(v)) for v in shown["cascade_multiplier"]
]
frames.table(
    shown,
    {
        "program": _("Program"),
        "direct_reach": _("Direct reach"),
        "cascade_reach": _("Cascade reach"),
        "cascade_multiplier": _("Multiplier"),
        "activation_rate": st.column_config.NumberColumn(_("Activation rate"), format="percent"),
        # Translators: a column header: how many cascade levels a program's cascades have.
        "depth": _("Depth (levels)"),
        "median_days": st.column_config.NumberColumn(
            _("Median days to step-down"), format="%d"
        ),
        "step_down_events": _("Step-downs"),
        # Translators: a column header after 'Step-downs': how many of them were counted from
        # a reported headcount only.
        "headcount_step_downs": _("…of which headcount only"),
    },
)  # fmt: skip
frames.download(programs, "cascade-programs", _("Download per-program table (CSV)"))

st.subheader(_("Step-down events"))
steps = summary.step_down_events
if not steps:
    st.info(_("No step-down events in this scope."))
else:
    # Translators: {rows} is how many rows the table shows, {n} how many step-downs there are.
    latest = n_(
        "The {rows} latest of {n} step-down; download for all.",
        "The {rows} latest of {n} step-downs; download for all.",
        steps,
    )
    frames.event_table(
        "step_downs", filters, steps, latest, "step-downs", _("Download step-down events (CSV)")
    )
