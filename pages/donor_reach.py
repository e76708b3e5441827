"""Reach for donors: when, where, which programs and event types (published counts)."""

import streamlit as st

from reach import charts, labels
from reach.i18n import _
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

f, scope, _summary = frames.donor_page_start(_("Reach"))
PEOPLE = ("people_reached", "direct_reach", "cascade_reach")
SPLIT = {
    "direct_reach": _("Direct"),
    # Translators: a legend entry: people reached through step-down events.
    "cascade_reach": _("Through cascades"),
}

over_time = frames.donor_metric("over_time", f)
if f.year:  # a year shows its quarters, all years show years
    over_time_title = _("People reached per quarter — {scope}")
else:
    over_time_title = _("People reached per year — {scope}")
frames.donor_chart(
    charts.published_stack(over_time, "period", SPLIT, over_time_title.format(scope=scope)),
    over_time, "reach-over-time", PEOPLE,
)  # fmt: skip
st.caption(
    _(
        "A person reached in two periods counts in each; the total counts them once. "
        "Counts are rounded to 5, so the parts need not add up to the total exactly."
    )
)

st.subheader(_("Where"))
countries = frames.donor_metric("by_country", f)
countries["country"] = countries["country_code"].map(labels.country)
by_country = _("People reached by event country — {scope}").format(scope=scope)
left, right = st.columns(2)
with left:
    frames.donor_chart(
        charts.published_map(countries, by_country),
        countries, "reach-map", ("people_reached",),
    )  # fmt: skip
with right:
    frames.donor_chart(
        charts.published_bar(
            countries, "country", "people_reached", by_country, _("People reached"),
        ),
        countries, "reach-countries", ("people_reached",),
    )  # fmt: skip

st.subheader(_("Programs and event types"))
left, right = st.columns(2)
with left:
    programs = frames.donor_metric("by_group", f, dim="program")
    frames.donor_chart(
        charts.published_stack(
            programs.iloc[::-1], "group", SPLIT,
            _("People reached by program — {scope}").format(scope=scope), True,
        ),
        programs, "reach-programs", PEOPLE,
    )  # fmt: skip
with right:
    types = frames.donor_metric("by_group", f, dim="event_type")
    types["group"] = types["group"].map(labels.event_type)
    frames.donor_chart(
        charts.published_stack(
            types.iloc[::-1], "group", SPLIT,
            _("People reached by event type — {scope}").format(scope=scope), True,
        ),
        types, "reach-types", PEOPLE,
    )  # fmt: skip
