"""Overview: the headline numbers, growth over time, where and which programs."""

import streamlit as st

from reach import charts, metrics
from reach.ui import frames, session
from reach.ui.router import guard

guard(__file__)

filters, scope, now = frames.page_start("How far the programs reach")

opts = session.options(frames.viewer().programs)
before_filters = metrics.previous_period(filters, opts["first_date"], opts["last_date"])
before = frames.metric("summary", before_filters) if before_filters else None


def delta(attr: str, pct: bool = False):
    """Change against the previous period of equal length (None without a date range)."""
    if before is None:
        return None
    new, old = getattr(now, attr), getattr(before, attr)
    if new is None or old is None:
        return None
    return f"{(new - old) * 100:+.1f} pp" if pct else f"{new - old:+,}"


tiles = [
    ("People reached", f"{now.people_reached:,}", delta("people_reached"),
     "Unique people, directly and through cascades (headcounts included)."),
    ("Direct reach", f"{now.direct_reach:,}", delta("direct_reach"),
     "People reached at root events (cascade level 0)."),
    ("Cascade reach", f"{now.cascade_reach:,}", delta("cascade_reach"),
     "People reached only through step-down events."),
    ("Events", f"{now.events:,}", delta("events"), "Events in scope."),
    ("Countries", f"{now.countries_reached:,}", delta("countries_reached"),
     "Countries where events in scope were held."),
    ("Female share", frames.rate(now.female_share, pct=True), delta("female_share", pct=True),
     "female / (female + male + other); undisclosed left out."),
    ("Cascade multiplier", frames.rate(now.cascade_multiplier), None,
     "Cascade reach per person reached directly."),
]  # fmt: skip
if before is not None and before_filters is not None:
    st.caption(
        f"Changes compare with {before_filters.date_from} to {before_filters.date_to}, "
        "the previous period of equal length."
    )
else:
    st.caption("Narrow the dates in the sidebar to compare with the previous period.")
for row in (tiles[:4], tiles[4:]):
    for col, (label, value, change, help_text) in zip(st.columns(4), row, strict=False):
        col.metric(label, value, change, help=help_text, border=True)

left, right = st.columns(2)
with left:
    over_time = frames.metric("reach_over_time", filters, grain="month")
    frames.chart(
        charts.cumulative_reach(over_time, f"Unique people reached over time — {scope}"),
        over_time,
        "cumulative-reach",
    )
with right:
    countries = frames.metric("by_country", filters)
    frames.chart(
        charts.country_map(countries, f"People reached by event country — {scope}"),
        countries,
        "countries",
    )

programs = frames.metric("by_group", filters, dim="program").head(10)
frames.chart(
    charts.ranked_bar(
        programs, "group", "people_reached", f"Top programs by people reached — {scope}",
        "People reached",
    ),
    programs,
    "programs",
)  # fmt: skip
