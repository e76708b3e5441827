"""Gender and age for donors: gender among people reached and trainers, over time, by place;
the age of people reached by gender, over time and by program. Published counts only."""

import streamlit as st

from reach import ages, charts, charts_age, donor, labels
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

f, scope, summary = frames.donor_page_start("Gender and age")
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

st.subheader("Age")
st.caption(
    "Age is the start year of a person's first attendance in scope minus their birth year, in "
    "bands. Unknown (no birth year, or counted from a reported headcount): "
    f"{p(summary.age.get(ages.UNKNOWN))} people. Counts are rounded to 5; no bar means <8."
)
pyramid = frames.donor_metric("age_pyramid", f)
frames.donor_chart(
    charts_age.age_pyramid(pyramid, f"People reached by age and gender — {scope}", published=True),
    pyramid, "age-pyramid", ("people",),
)  # fmt: skip
age_periods = frames.donor_metric("age_by", f, dim="period")
frames.donor_chart(
    charts_age.published_age_stack(
        age_periods, f"People reached by age per {'quarter' if f.year else 'year'} — {scope}"
    ),
    age_periods, "age-over-time", ("people",),
)  # fmt: skip
age_programs = frames.donor_metric("age_by", f, dim="program")
frames.donor_chart(
    charts_age.published_age_stack(age_programs, f"Age by program — {scope}", horizontal=True),
    age_programs, "age-programs", ("people",),
)  # fmt: skip
