"""Reach: people and attendances over time, new vs returning, where, which programs, events."""

import streamlit as st

from reach import charts, labels
from reach.i18n import N_, _, n_
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

# Translators: the choices of 'Group by': how long each period of a time chart is.
GRAINS = {"month": N_("month"), "quarter": N_("quarter"), "year": N_("year")}
# Chart titles, one per grain ({scope} is the filters in words).
PEOPLE_VS_ATTENDANCES = {
    "month": N_("Unique people vs attendances per month — {scope}"),
    "quarter": N_("Unique people vs attendances per quarter — {scope}"),
    "year": N_("Unique people vs attendances per year — {scope}"),
}
NEW_VS_RETURNING = {
    "month": N_("New and returning people per month — {scope}"),
    "quarter": N_("New and returning people per quarter — {scope}"),
    "year": N_("New and returning people per year — {scope}"),
}

filters, scope, summary = frames.page_start(_("Reach"))

grain = (
    st.segmented_control(
        _("Group by"), list(GRAINS), default="quarter", key="reach_grain",
        format_func=lambda g: _(GRAINS[g]),
    )
    or "quarter"
)  # fmt: skip
over_time = frames.metric("reach_over_time", filters, grain=grain)

left, right = st.columns(2)
with left:
    frames.chart(
        charts.period_lines(
            over_time,
            {"unique_people": _("Unique people"), "attendances": _("Attendances")},
            _(PEOPLE_VS_ATTENDANCES[grain]).format(scope=scope),
            grain,
        ),
        over_time[["period", "unique_people", "attendances"]],
        "people-vs-attendances",
    )
with right:
    frames.chart(
        charts.stacked_periods(
            over_time,
            # Translators: legend entries: people seen for the first time, and seen before.
            {"new_people": _("New"), "returning_people": _("Returning")},
            _(NEW_VS_RETURNING[grain]).format(scope=scope),
            grain,
        ),
        over_time[["period", "new_people", "returning_people"]],
        "new-vs-returning",
    )
st.caption(
    _(
        "Unique people counts each person once per period; attendances counts every "
        "attendance. Headcount-only events count as new people in their period."
    )
)

st.subheader(_("Where"))
countries = frames.metric("by_country", filters)
countries["country"] = countries["country_code"].map(labels.country)
left, right = st.columns(2)
with left:
    frames.chart(
        charts.country_map(
            countries, _("People reached by event country — {scope}").format(scope=scope)
        ),
        countries,
        "reach-map",
    )
with right:
    per_capita = st.toggle(_("Per 100,000 inhabitants"), key="per_capita")
    value = "per_100k" if per_capita else "people_reached"
    shown = countries.dropna(subset=[value]) if per_capita else countries
    if per_capita:
        title = _("People reached per 100,000 inhabitants by event country — {scope}")
    else:
        title = _("People reached by event country — {scope}")
    frames.chart(
        charts.ranked_bar(
            shown.assign(per_100k=shown["per_100k"].round(2)),
            "country",
            value,
            title.format(scope=scope),
            # Translators: an axis title: people reached per 100,000 inhabitants.
            _("Per 100,000") if per_capita else _("People reached"),
        ),
        countries,
        "reach-countries",
    )
st.caption(_("A person who attended events in two countries counts in each."))

st.subheader(_("Programs and event types"))
left, right = st.columns(2)
with left:
    programs = frames.metric("by_group", filters, dim="program")
    frames.chart(
        charts.reach_split(
            programs, "group", _("People reached by program — {scope}").format(scope=scope)
        ),
        programs,
        "reach-programs",
    )
with right:
    types = frames.metric("by_group", filters, dim="event_type")
    frames.chart(
        charts.reach_split(
            types.assign(group=types["group"].map(labels.event_type)),
            "group",
            _("People reached by event type — {scope}").format(scope=scope),
        ),
        types,
        "reach-types",
    )

st.subheader(_("Events"))
# Translators: {rows} is how many rows the table shows, {n} how many events there are.
latest = n_(
    "The {rows} latest of {n} event; download for all.",
    "The {rows} latest of {n} events; download for all.",
    summary.events,
)
frames.event_table(
    "events_table", filters, summary.events, latest, "events", _("Download events (CSV)")
)
