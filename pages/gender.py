"""Gender and age: gender among people reached and trainers, over time, by place and event;
the age of people reached by gender, over time and by program."""

import streamlit as st

from reach import ages, charts, charts_age, metrics
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

TABLE_ROWS = 500  # rows sent to the browser; the download has them all

filters, scope, summary = frames.page_start("Gender and age")

# One query gives every grouping on this page; the charts take slices of it.
groups = frames.metric("gender_groups", filters, grain="year")
breakdown = metrics.breakdown_of(groups)
parity = metrics.parity(breakdown)
cols = st.columns(4)
share = summary.female_share
cols[0].metric(
    "Female share, people reached",
    "–" if share is None else f"{share:.1%}",
    border=True,
    help="female / (female + male + other)",
)
cols[1].metric(
    "Parity index, people reached",
    "–" if parity["People reached"] is None else f"{parity['People reached']:.2f}",
    border=True,
    help="female / male; 1 = parity",
)
cols[2].metric(
    "Parity index, trainers",
    "–" if parity["Trainers"] is None else f"{parity['Trainers']:.2f}",
    border=True,
    help="female / male; 1 = parity",
)
undisclosed = summary.gender["undisclosed"]
cols[3].metric("Undisclosed, people reached", f"{undisclosed:,}", border=True,
               help="No gender given (or a headcount without a split); never dropped.")  # fmt: skip

frames.chart(
    charts.gender_bars(
        breakdown, "group", f"Gender of people reached and of trainers — {scope}", percent=True
    ),
    breakdown,
    "gender-groups",
)

grain = (
    st.segmented_control("Group by", ["quarter", "year"], default="year", key="gender_grain")
    or "year"
)
periods = groups if grain == "year" else frames.metric("gender_groups", filters, grain=grain)
over_time = metrics.gender_slice(periods, "period")
frames.chart(
    charts.gender_periods(over_time, f"People reached by gender per {grain} — {scope}", grain),
    over_time,
    "gender-over-time",
)

left, right = st.columns(2)
with left:
    by_country = metrics.gender_slice(groups, "country")
    frames.chart(
        charts.gender_bars(by_country, "group", f"Gender by event country — {scope}", True),
        by_country,
        "gender-countries",
    )
with right:
    by_program = metrics.gender_slice(groups, "program")
    frames.chart(
        charts.gender_bars(by_program, "group", f"Gender by program — {scope}", True),
        by_program,
        "gender-programs",
    )

st.subheader("Age")
unknown = summary.age[ages.UNKNOWN]
st.caption(
    "Age is the start year of a person's first attendance in scope minus their birth year "
    "(from their latest row that gives one), in bands. "
    f"{unknown:,} of {summary.people_reached:,} people reached have an unknown age: no birth "
    "year, or counted from a reported headcount."
)
# One query gives the age charts; the over-time chart follows the grain chosen above.
age_groups = frames.metric("age_groups", filters, grain=grain)
pyramid = metrics.age_slice(age_groups, "reached")
frames.chart(
    charts_age.age_pyramid(pyramid, f"People reached by age and gender — {scope}"),
    pyramid,
    "age-pyramid",
)
age_periods = metrics.age_slice(age_groups, "period")
frames.chart(
    charts_age.age_periods(age_periods, f"People reached by age per {grain} — {scope}", grain),
    age_periods,
    "age-over-time",
)
age_programs = metrics.age_slice(age_groups, "program")
frames.chart(
    charts_age.age_shares(age_programs, f"Age by program — {scope}"),
    age_programs,
    "age-programs",
)

st.subheader("Women's share per event")
threshold = (
    st.slider(
        "Flag events where women are less than", 0, 100, 40, 5, format="%d%%", key="threshold"
    )
    / 100
)
events = frames.metric("event_gender", filters, threshold=threshold)
flagged = events[events["below_threshold"]].sort_values("female_share")
bands = metrics.share_histogram(events, threshold)
frames.chart(
    charts.share_histogram(
        bands, threshold, f"Events by women's share (flagged below {threshold:.0%}) — {scope}"
    ),
    bands,
    "gender-event-shares",
)
st.caption(
    f"{len(flagged):,} of {len(events):,} events are below {threshold:.0%}. Events with no "
    "disclosed gender (e.g. a headcount without a split) have no share and are not flagged."
)
if not flagged.empty:
    shown = flagged.head(TABLE_ROWS)
    if len(flagged) > TABLE_ROWS:
        st.caption(f"The {TABLE_ROWS:,} events with the lowest share; download for all.")
    st.dataframe(
        shown[["event_id", "title", "program", "start_date", "country_code", "female", "male",
               "other", "undisclosed", "female_share", "source"]],
        hide_index=True,
        width="stretch",
        column_config=frames.EVENT_COLUMNS,
    )  # fmt: skip
    frames.download(flagged, "events-below-threshold", "Download flagged events (CSV)")
