"""Cascade for donors: how trainings multiply through step-downs (published counts)."""

import streamlit as st

from reach import charts, disclosure, i18n
from reach.i18n import _
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

f, scope, summary = frames.donor_page_start(_("Cascade"))
p, r = frames.published, frames.published_rate
frames.donor_tiles([
    (_("Cascade multiplier"), r(summary.cascade_multiplier),
     _("People reached through cascades per person reached directly (rounded counts).")),
    (_("Activation rate"), r(summary.activation_rate, pct=True),
     _("Share of trainees of events with step-downs who trained at one of them.")),
    (_("Step-down events"), i18n.number(summary.step_down_events),
     _("Events at cascade level 1 or deeper.")),
    (_("Reached through cascades"), p(summary.cascade_reach),
     _("People reached only via step-downs.")),
])  # fmt: skip

levels = frames.donor_metric("cascade_levels", f)
frames.donor_chart(
    charts.published_cascade(
        levels,
        _("People reached at each cascade level, per program — {scope}").format(scope=scope),
    ),
    levels, "cascade-levels", ("people_reached",),
)  # fmt: skip

st.subheader(_("Per program"))
programs = frames.donor_metric("cascade_by_program", f)
shown = disclosure.frame_text(programs, ("direct_reach", "cascade_reach")).assign(
    cascade_multiplier=[r(v) for v in programs["cascade_multiplier"]],
    activation_rate=[r(v, pct=True) for v in programs["activation_rate"]],
)
frames.table(
    shown[["program", "direct_reach", "cascade_reach", "cascade_multiplier", "activation_rate",
           "depth", "step_down_events"]],
    {
        "program": _("Program"), "direct_reach": _("Direct reach"),
        "cascade_reach": _("Cascade reach"), "cascade_multiplier": _("Multiplier"),
        "activation_rate": _("Activation rate"),
        # Translators: a column header: how many cascade levels a program's cascades have.
        "depth": _("Depth (levels)"), "step_down_events": _("Step-down events"),
    },
)  # fmt: skip
frames.download(shown, "cascade-programs", _("Download per-program table (CSV)"))
