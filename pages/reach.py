"""Reach: people and attendances over time, new vs returning, where, which programs, events."""

import streamlit as st

from reach import charts, labels
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

TABLE_ROWS = 1000  # rows sent to the browser; the download has them all

filters, scope, _ = frames.page_start("Reach")

grain = (
    st.segmented_control(
        "Group by", ["month", "quarter", "year"], default="quarter", key="reach_grain"
    )
    or "quarter"
)
over_time = frames.metric("reach_over_time", filters, grain=grain)

left, right = st.columns(2)
with left:
    frames.chart(
        charts.period_lines(
            over_time,
            {"unique_people": "Unique people", "attendances": "Attendances"},
            f"Unique people vs attendances per {grain} — {scope}",
            grain,
        ),
        over_time[["period", "unique_people", "attendances"]],
        "people-vs-attendances",
    )
with right:
    frames.chart(
        charts.stacked_periods(
            over_time,
            {"new_people": "New", "returning_people": "Returning"},
            f"New and returning people per {grain} — {scope}",
            grain,
        ),
        over_time[["period", "new_people", "returning_people"]],
        "new-vs-returning",
    )
st.caption(
    "Unique people counts each person once per period; attendances counts every attendance. "
    "Headcount-only events count as new people in their period."
)

st.subheader("Where")
countries = frames.metric("by_country", filters)
countries["country"] = countries["country_code"].map(labels.country)
left, right = st.columns(2)
with left:
    frames.chart(
        charts.country_map(countries, f"People reached by event country — {scope}"),
        countries,
        "reach-map",
    )
with right:
    per_capita = st.toggle("Per 100,000 inhabitants", key="per_capita")
    value = "per_100k" if per_capita else "people_reached"
    shown = countries.dropna(subset=[value]) if per_capita else countries
    frames.chart(
        charts.ranked_bar(
            shown.assign(per_100k=shown["per_100k"].round(2)),
            "country",
            value,
            ("People reached per 100,000 inhabitants" if per_capita else "People reached")
            + f" by event country — {scope}",
            "Per 100,000" if per_capita else "People reached",
        ),
        countries,
        "reach-countries",
    )
st.caption("A person who attended events in two countries counts in each.")

st.subheader("Programs and event types")
left, right = st.columns(2)
with left:
    programs = frames.metric("by_group", filters, dim="program")
    frames.chart(
        charts.reach_split(programs, "group", f"People reached by program — {scope}"),
        programs,
        "reach-programs",
    )
with right:
    types = frames.metric("by_group", filters, dim="event_type")
    frames.chart(
        charts.reach_split(
            types.assign(group=types["group"].map(labels.event_type)),
            "group",
            f"People reached by event type — {scope}",
        ),
        types,
        "reach-types",
    )

st.subheader("Events")
events = frames.metric("events_table", filters)
if len(events) > TABLE_ROWS:
    st.caption(f"The {TABLE_ROWS:,} latest of {len(events):,} events; download for all.")
frames.table(events.head(TABLE_ROWS), frames.EVENT_COLUMNS)
frames.download(events, "events", "Download events (CSV)")
