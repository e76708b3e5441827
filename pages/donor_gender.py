"""Gender balance for donors: among people reached and trainers, over time, by place."""

import streamlit as st

from reach import charts, donor
from reach.ui import frames, labels
from reach.ui.router import guard

guard(__file__)

f, scope, summary = frames.donor_page_start("Gender balance")
p, r = frames.published, frames.published_rate
breakdown = frames.donor_metric("gender_breakdown", f)
parity = donor.parity(breakdown)
frames.donor_tiles([
    ("Female share, people reached", r(summary.female_share, pct=True),
     "female / (female + male + other), from the rounded counts; — when one of them is <8."),
    ("Parity index, people reached", r(parity["People reached"]).rstrip("×"),
     "female / male; 1 = parity."),
    ("Parity index, trainers", r(parity["Trainers"]).rstrip("×"), "female / male; 1 = parity."),
    ("Undisclosed, people reached", p(summary.gender.get("undisclosed")),
     "No gender given (or a headcount without a split); never dropped."),
])  # fmt: skip

frames.donor_chart(
    charts.published_gender(breakdown, f"Gender of people reached and of trainers — {scope}"),
    breakdown, "gender-groups", ("people",),
)  # fmt: skip

over_time = frames.donor_metric("gender_by", f, dim="period")
frames.donor_chart(
    charts.published_gender(
        over_time, f"Gender of people reached per {'quarter' if f.year else 'year'} — {scope}"
    ),
    over_time, "gender-over-time", ("people",),
)  # fmt: skip

left, right = st.columns(2)
with left:
    countries = frames.donor_metric("gender_by", f, dim="country")
    countries["group"] = countries["group"].map(labels.country)
    frames.donor_chart(
        charts.published_gender(countries, f"Gender by event country — {scope}"),
        countries, "gender-countries", ("people",),
    )  # fmt: skip
with right:
    programs = frames.donor_metric("gender_by", f, dim="program")
    frames.donor_chart(
        charts.published_gender(programs, f"Gender by program — {scope}"),
        programs, "gender-programs", ("people",),
    )  # fmt: skip
