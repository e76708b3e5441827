"""Reach for donors: when, where, which programs and event types (published counts)."""

import streamlit as st

from reach import charts, labels
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

f, scope, _ = frames.donor_page_start("Reach")
PEOPLE = ("people_reached", "direct_reach", "cascade_reach")
SPLIT = {"direct_reach": "Direct", "cascade_reach": "Through cascades"}

over_time = frames.donor_metric("over_time", f)
grain = "quarter" if f.year else "year"
frames.donor_chart(
    charts.published_stack(over_time, "period", SPLIT, f"People reached per {grain} — {scope}"),
    over_time, "reach-over-time", PEOPLE,
)  # fmt: skip
st.caption(
    "A person reached in two periods counts in each; the total counts them once. "
    "Counts are rounded to 5, so the parts need not add up to the total exactly."
)

st.subheader("Where")
countries = frames.donor_metric("by_country", f)
countries["country"] = countries["country_code"].map(labels.country)
left, right = st.columns(2)
with left:
    frames.donor_chart(
        charts.published_map(countries, f"People reached by event country — {scope}"),
        countries, "reach-map", ("people_reached",),
    )  # fmt: skip
with right:
    frames.donor_chart(
        charts.published_bar(
            countries, "country", "people_reached", f"People reached by event country — {scope}",
            "People reached",
        ),
        countries, "reach-countries", ("people_reached",),
    )  # fmt: skip

st.subheader("Programs and event types")
left, right = st.columns(2)
with left:
    programs = frames.donor_metric("by_group", f, dim="program")
    frames.donor_chart(
        charts.published_stack(
            programs.iloc[::-1], "group", SPLIT, f"People reached by program — {scope}", True
        ),
        programs, "reach-programs", PEOPLE,
    )  # fmt: skip
with right:
    types = frames.donor_metric("by_group", f, dim="event_type")
    types["group"] = types["group"].map(labels.event_type)
    frames.donor_chart(
        charts.published_stack(
            types.iloc[::-1], "group", SPLIT, f"People reached by event type — {scope}", True
        ),
        types, "reach-types", PEOPLE,
    )  # fmt: skip
