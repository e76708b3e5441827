"""Overview for donors: the published headline numbers, growth, where and which programs."""

import streamlit as st

from reach import charts, i18n, labels
from reach.i18n import _
from reach.ui import frames, session, targets_view
from reach.ui.router import guard

guard(__file__)

f, scope, now = frames.donor_page_start(_("How far the programs reach"))
p, r = frames.published, frames.published_rate
frames.donor_tiles([
    (_("People reached"), p(now.people_reached),
     _("Unique people, directly and through cascades.")),
    (_("Direct reach"), p(now.direct_reach),
     _("People reached at root events (cascade level 0).")),
    (_("Cascade reach"), p(now.cascade_reach),
     _("People reached only through step-down events.")),
    (_("Events"), i18n.number(now.events), _("Events in scope.")),
    (_("Countries"), i18n.number(now.countries_reached),
     _("Countries where events in scope were held.")),
    (_("Female share"), r(now.female_share, pct=True),
     _("female / (female + male + other), from the rounded counts; — when one of them is <8.")),
    (_("Cascade multiplier"), r(now.cascade_multiplier),
     _("Cascade reach per person reached directly, from the rounded counts.")),
])  # fmt: skip

# Chart titles per period: a year shows its quarters, all years show years.
PER_GRAIN = {
    "quarter": _("People reached per quarter — {scope}"),
    "year": _("People reached per year — {scope}"),
}
SPLIT = {
    "direct_reach": _("Direct"),
    # Translators: a legend entry: people reached through step-down events.
    "cascade_reach": _("Through cascades"),
}

left, right = st.columns(2)
with left:
    over_time = frames.donor_metric("over_time", f)
    grain = "quarter" if f.year else "year"
    frames.donor_chart(
        charts.published_stack(
            over_time, "period", SPLIT, PER_GRAIN[grain].format(scope=scope),
        ),
        over_time, "reach-over-time", ("people_reached", "direct_reach", "cascade_reach"),
    )  # fmt: skip
with right:
    countries = frames.donor_metric("by_country", f)
    countries["country"] = countries["country_code"].map(labels.country)
    frames.donor_chart(
        charts.published_map(
            countries, _("People reached by event country — {scope}").format(scope=scope)
        ),
        countries, "countries", ("people_reached",),
    )  # fmt: skip

programs = frames.donor_metric("by_group", f, dim="program").head(10)
frames.donor_chart(
    charts.published_bar(
        programs, "group", "people_reached",
        _("Top programs by people reached — {scope}").format(scope=scope), _("People reached"),
    ),
    programs, "programs", ("people_reached", "direct_reach", "cascade_reach"),
)  # fmt: skip

st.subheader(_("Targets"))
progress = session.donor_progress(f, frames.viewer().programs)
targets_view.draw(progress, scope, donor=True, name="overview-targets")
