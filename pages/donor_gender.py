"""Gender and age for donors: gender among people reached and trainers, over time, by place;
the age of people reached by gender, over time and by program. Published counts only."""

import streamlit as st

from reach import ages, charts, charts_age, donor, labels
from reach.i18n import _
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

f, scope, summary = frames.donor_page_start(_("Gender and age"))
p, r = frames.published, frames.published_rate
breakdown = frames.donor_metric("gender_breakdown", f)
parity = donor.parity(breakdown)
frames.donor_tiles([
    (_("Female share, people reached"), r(summary.female_share, pct=True),
     _("female / (female + male + other), from the rounded counts; — when one of them is <8.")),
    (_("Parity index, people reached"), r(parity["People reached"]).rstrip("×"),
     _("female / male; 1 = parity.")),
    (_("Parity index, trainers"), r(parity["Trainers"]).rstrip("×"),
     _("female / male; 1 = parity.")),
    (_("Undisclosed, people reached"), p(summary.gender.get("undisclosed")),
     _("No gender given (or a headcount without a split); never dropped.")),
])  # fmt: skip

# A year shows its quarters, all years show years ({scope} is the filters in words).
if f.year:
    gender_title = _("Gender of people reached per quarter — {scope}")
    age_title = _("People reached by age per quarter — {scope}")
else:
    gender_title = _("Gender of people reached per year — {scope}")
    age_title = _("People reached by age per year — {scope}")

frames.donor_chart(
    charts.published_gender(
        breakdown, _("Gender of people reached and of trainers — {scope}").format(scope=scope)
    ),
    breakdown, "gender-groups", ("people",),
)  # fmt: skip

over_time = frames.donor_metric("gender_by", f, dim="period")
frames.donor_chart(
    charts.published_gender(over_time, gender_title.format(scope=scope)),
    over_time, "gender-over-time", ("people",),
)  # fmt: skip

left, right = st.columns(2)
with left:
    countries = frames.donor_metric("gender_by", f, dim="country")
    countries["group"] = countries["group"].map(labels.country)
    frames.donor_chart(
        charts.published_gender(
            countries, _("Gender by event country — {scope}").format(scope=scope)
        ),
        countries, "gender-countries", ("people",),
    )  # fmt: skip
with right:
    programs = frames.donor_metric("gender_by", f, dim="program")
    frames.donor_chart(
        charts.published_gender(programs, _("Gender by program — {scope}").format(scope=scope)),
        programs, "gender-programs", ("people",),
    )  # fmt: skip

st.subheader(_("Age"))
st.caption(
    # Translators: {unknown} is a published count of people ('15' or '<8').
    _(
        "Age is the start year of a person's first attendance in scope minus their birth year, "
        "in bands. Unknown (no birth year, or counted from a reported headcount): {unknown} "
        "people. Counts are rounded to 5; no bar means <8."
    ).format(unknown=p(summary.age.get(ages.UNKNOWN)))
)
pyramid = frames.donor_metric("age_pyramid", f)
frames.donor_chart(
    charts_age.age_pyramid(
        pyramid, _("People reached by age and gender — {scope}").format(scope=scope),
        published=True,
    ),
    pyramid, "age-pyramid", ("people",),
)  # fmt: skip
age_periods = frames.donor_metric("age_by", f, dim="period")
frames.donor_chart(
    charts_age.published_age_stack(age_periods, age_title.format(scope=scope)),
    age_periods, "age-over-time", ("people",),
)  # fmt: skip
age_programs = frames.donor_metric("age_by", f, dim="program")
frames.donor_chart(
    charts_age.published_age_stack(
        age_programs, _("Age by program — {scope}").format(scope=scope), horizontal=True
    ),
    age_programs, "age-programs", ("people",),
)  # fmt: skip
