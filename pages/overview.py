"""Overview: the headline numbers, growth over time, where and which programs."""

import streamlit as st

from reach import charts, i18n, labels, metrics
from reach.i18n import _
from reach.ui import frames, session, targets_view
from reach.ui.router import guard

guard(__file__)

filters, scope, now = frames.page_start(_("How far the programs reach"))

opts = session.options(frames.viewer().programs)
before_filters = metrics.previous_period(filters, opts["first_date"], opts["last_date"])
note = frames.comparison_note(before_filters, opts["first_date"])
if before_filters is not None and before_filters.date_to < opts["first_date"]:
    before_filters = None  # the whole previous period is before the data: nothing to compare
before = frames.metric("summary", before_filters) if before_filters else None


def delta(attr: str, pct: bool = False) -> str | None:
    """Change against the previous period of equal length (None without a date range)."""
    if before is None:
        return None
    return frames.change(getattr(now, attr), getattr(before, attr), pct)


num = i18n.number
frames.tiles([
    (_("People reached"), num(now.people_reached), delta("people_reached"),
     _("Unique people, directly and through cascades (headcounts included).")),
    (_("Direct reach"), num(now.direct_reach), delta("direct_reach"),
     _("People reached at root events (cascade level 0).")),
    (_("Cascade reach"), num(now.cascade_reach), delta("cascade_reach"),
     _("People reached only through step-down events.")),
    (_("Events"), num(now.events), delta("events"), _("Events in scope.")),
    (_("Countries"), num(now.countries_reached), delta("countries_reached"),
     _("Countries where events in scope were held.")),
    (_("Female share"), frames.rate(now.female_share, pct=True), delta("female_share", pct=True),
     _("female / (female + male + other); undisclosed left out.")),
    (_("Cascade multiplier"), frames.rate(now.cascade_multiplier), None,
     _("Cascade reach per person reached directly.")),
])  # fmt: skip
st.caption(note)

left, right = st.columns(2)
with left:
    over_time = frames.metric("first_reached", filters, grain="month")
    frames.chart(
        charts.cumulative_reach(
            over_time, _("Unique people reached over time — {scope}").format(scope=scope)
        ),
        over_time,
        "cumulative-reach",
    )
with right:
    countries = frames.metric("by_country", filters)
    countries["country"] = countries["country_code"].map(labels.country)
    frames.chart(
        charts.country_map(
            countries, _("People reached by event country — {scope}").format(scope=scope)
        ),
        countries,
        "countries",
    )

programs = frames.metric("by_group", filters, dim="program").head(10)
frames.chart(
    charts.ranked_bar(
        programs, "group", "people_reached",
        _("Top programs by people reached — {scope}").format(scope=scope), _("People reached"),
    ),
    programs,
    "programs",
)  # fmt: skip

st.subheader(_("Targets"))
progress = session.progress(filters, frames.viewer().programs)
targets_view.draw(progress, scope, donor=False, name="overview-targets")
