"""Overview for donors: the published headline numbers, growth, where and which programs."""

import streamlit as st

from reach import charts
from reach.ui import frames, session, targets_view
from reach.ui.router import guard

guard(__file__)

f, scope, now = frames.donor_page_start("How far the programs reach")
p, r = frames.published, frames.published_rate
frames.donor_tiles([
    ("People reached", p(now.people_reached), "Unique people, directly and through cascades."),
    ("Direct reach", p(now.direct_reach), "People reached at root events (cascade level 0)."),
    ("Cascade reach", p(now.cascade_reach), "People reached only through step-down events."),
    ("Events", f"{now.events:,}", "Events in scope."),
    ("Countries", f"{now.countries_reached:,}", "Countries where events in scope were held."),
    ("Female share", r(now.female_share, pct=True),
     "female / (female + male + other), from the rounded counts; — when one of them is <8."),
    ("Cascade multiplier", r(now.cascade_multiplier),
     "Cascade reach per person reached directly, from the rounded counts."),
])  # fmt: skip

left, right = st.columns(2)
with left:
    over_time = frames.donor_metric("over_time", f)
    grain = "quarter" if f.year else "year"
    frames.donor_chart(
        charts.published_stack(
            over_time, "period", {"direct_reach": "Direct", "cascade_reach": "Through cascades"},
            f"People reached per {grain} — {scope}",
        ),
        over_time, "reach-over-time", ("people_reached", "direct_reach", "cascade_reach"),
    )  # fmt: skip
with right:
    countries = frames.donor_metric("by_country", f)
    countries["country"] = countries["country_code"].map(labels.country)
    frames.donor_chart(
        charts.published_map(countries, f"People reached by event country — {scope}"),
        countries, "countries", ("people_reached",),
    )  # fmt: skip

programs = frames.donor_metric("by_group", f, dim="program").head(10)
frames.donor_chart(
    charts.published_bar(
        programs, "group", "people_reached", f"Top programs by people reached — {scope}",
        "People reached",
    ),
    programs, "programs", ("people_reached", "direct_reach", "cascade_reach"),
)  # fmt: skip

st.subheader("Targets")
progress = session.donor_progress(f, frames.viewer().programs)
targets_view.draw(progress, scope, donor=True, name="overview-targets")
