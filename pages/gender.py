"""Gender and age: gender among people reached and trainers, over time, by place and event;
the age of people reached by gender, over time and by program."""

import streamlit as st

from reach import ages, charts, charts_age, i18n, labels, metrics
from reach.i18n import N_, _, n_
from reach.ui import frames
from reach.ui.router import guard

guard(__file__)

TABLE_ROWS = 500  # rows sent to the browser; the download has them all
# Translators: the choices of 'Group by': how long each period of a time chart is.
GRAINS = {"quarter": N_("quarter"), "year": N_("year")}
# Chart titles, one per grain ({scope} is the filters in words).
GENDER_PER = {
    "quarter": N_("People reached by gender per quarter — {scope}"),
    "year": N_("People reached by gender per year — {scope}"),
}
AGE_PER = {
    "quarter": N_("People reached by age per quarter — {scope}"),
    "year": N_("People reached by age per year — {scope}"),
}

filters, scope, summary = frames.page_start(_("Gender and age"))

# One query gives every grouping on this page; the charts take slices of it.
groups = frames.metric("gender_groups", filters, grain="year")
breakdown = metrics.breakdown_of(groups)
parity = metrics.parity(breakdown)


def _ratio(value: float | None) -> str:
    """A parity index with two decimals, or '–' when it is undefined."""
    return "–" if value is None else i18n.number(value, 2)


cols = st.columns(4)
share = summary.female_share
cols[0].metric(
    _("Female share, people reached"),
    "–" if share is None else i18n.percent(share, 1),
    border=True,
    help=_("female / (female + male + other)"),
)
cols[1].metric(
    _("Parity index, people reached"),
    _ratio(parity["People reached"]),
    border=True,
    help=_("female / male; 1 = parity"),
)
cols[2].metric(
    _("Parity index, trainers"),
    _ratio(parity["Trainers"]),
    border=True,
    help=_("female / male; 1 = parity"),
)
undisclosed = summary.gender["undisclosed"]
cols[3].metric(
    _("Undisclosed, people reached"),
    i18n.number(undisclosed),
    border=True,
    help=_("No gender given (or a headcount without a split); never dropped."),
)

frames.chart(
    charts.gender_bars(
        breakdown,
        "group",
        _("Gender of people reached and of trainers — {scope}").format(scope=scope),
        percent=True,
    ),
    breakdown,
    "gender-groups",
)

grain = (
    st.segmented_control(
        _("Group by"), list(GRAINS), default="year", key="gender_grain",
        format_func=lambda g: _(GRAINS[g]),
    )
    or "year"
)  # fmt: skip
periods = groups if grain == "year" else frames.metric("gender_groups", filters, grain=grain)
over_time = metrics.gender_slice(periods, "period")
frames.chart(
    charts.gender_periods(over_time, _(GENDER_PER[grain]).format(scope=scope), grain),
    over_time,
    "gender-over-time",
)

left, right = st.columns(2)
with left:
    by_country = metrics.gender_slice(groups, "country")
    by_country["group"] = by_country["group"].map(labels.country)  # names, not ISO codes
    frames.chart(
        charts.gender_bars(
            by_country, "group", _("Gender by event country — {scope}").format(scope=scope), True
        ),
        by_country,
        "gender-countries",
    )
with right:
    by_program = metrics.gender_slice(groups, "program")
    frames.chart(
        charts.gender_bars(
            by_program, "group", _("Gender by program — {scope}").format(scope=scope), True
        ),
        by_program,
        "gender-programs",
    )

st.subheader(_("Age"))
unknown = summary.age[ages.UNKNOWN]
st.caption(
    # Translators: {unknown} and {n} are numbers of people.
    n_(
        "Age is the start year of a person's first attendance in scope minus their birth year "
        "(from their latest row that gives one), in bands. {unknown} of {n} person reached "
        "has an unknown age: no birth year, or counted from a reported headcount.",
        "Age is the start year of a person's first attendance in scope minus their birth year "
        "(from their latest row that gives one), in bands. {unknown} of {n} people reached "
        "have an unknown age: no birth year, or counted from a reported headcount.",
        summary.people_reached,
    ).format(unknown=i18n.number(unknown), n=i18n.number(summary.people_reached))
)
# One query gives the age charts; the over-time chart follows the grain chosen above.
age_groups = frames.metric("age_groups", filters, grain=grain)
pyramid = metrics.age_slice(age_groups, "reached")
frames.chart(
    charts_age.age_pyramid(
        pyramid, _("People reached by age and gender — {scope}").format(scope=scope)
    ),
    pyramid,
    "age-pyramid",
)
age_periods = metrics.age_slice(age_groups, "period")
frames.chart(
    charts_age.age_periods(age_periods, _(AGE_PER[grain]).format(scope=scope), grain),
    age_periods,
    "age-over-time",
)
age_programs = metrics.age_slice(age_groups, "program")
frames.chart(
    charts_age.age_shares(age_programs, _("Age by program — {scope}").format(scope=scope)),
    age_programs,
    "age-programs",
)

st.subheader(_("Women's share per event"))
threshold = (
    st.slider(
        # Translators: a slider's label; the slider's value, a percentage, follows it.
        _("Flag events where women are less than"), 0, 100, 40, 5, format="%d%%",
        key="threshold",
    )
    / 100
)  # fmt: skip
events = frames.metric("event_gender", filters, threshold=threshold)
flagged = events[events["below_threshold"]].sort_values("female_share")
bands = metrics.share_histogram(events, threshold)
frames.chart(
    charts.share_histogram(
        bands,
        threshold,
        # Translators: a chart title; {threshold} is a percentage ('40%').
        _("Events by women's share (flagged below {threshold}) — {scope}").format(
            threshold=i18n.percent(threshold), scope=scope
        ),
    ),
    bands,
    "gender-event-shares",
)
below = n_(
    "{flagged} of {n} event is below {threshold}.",
    "{flagged} of {n} events are below {threshold}.",
    len(events),
).format(
    flagged=i18n.number(len(flagged)), n=i18n.number(len(events)),
    threshold=i18n.percent(threshold),
)  # fmt: skip
unshared = _(
    "Events with no disclosed gender (e.g. a headcount without a split) have no share and are "
    "not flagged."
)
st.caption(f"{below} {unshared}")
if not flagged.empty:
    shown = flagged.head(TABLE_ROWS)
    if len(flagged) > TABLE_ROWS:
        st.caption(
            _("The {rows} events with the lowest share; download for all.").format(
                rows=i18n.number(TABLE_ROWS)
            )
        )
    frames.table(
        shown[["event_id", "title", "program", "start_date", "country_code", "female", "male",
               "other", "undisclosed", "female_share", "source"]],
        frames.event_columns(),
    )  # fmt: skip
    frames.download(flagged, "events-below-threshold", _("Download flagged events (CSV)"))
