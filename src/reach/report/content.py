"""What a report holds, from the metrics layer: exact for directors, published for donors.

Two builders, one per audience, gather the same sections from the same functions the pages
call (reach.metrics for the organisation, reach.donor for donors, which reads the published
extract only), and the same chart builders the pages draw with. Nothing here counts people:
every number is the metrics layer's, written in the report's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb
import pandas as pd

from .. import (
    __version__,
    ages,
    charts,
    charts_age,
    charts_targets,
    disclosure,
    donor,
    extract,
    i18n,
    labels,
    metrics,
    sqlfiles,
    targets,
)
from ..extract import DonorFilters
from ..i18n import N_, _
from ..metrics import Filters
from .model import Figure, Report, Section, Table

GENDERS = ("female", "male", "other", "undisclosed")
TARGET_BARS = 8  # targets drawn in the chart; the table lists them all
DASH = labels.BLANK
# How a load was applied (reach.store), worded where shown.
LOAD_MODES = {"merge": N_("merge"), "replace": N_("replace")}


class Words:
    """How this report writes numbers: exact for directors, published (<8, rounded) for donors,
    in the active language (reach.i18n), which the report's builders set to its own."""

    def __init__(self, published: bool) -> None:
        self.published = published

    def count(self, value: object) -> str:
        """A count of people (or of events): '<8' when suppressed."""
        if value is None or pd.isna(value):
            return disclosure.RULE.suppressed_text if self.published else i18n.number(0)
        return i18n.number(int(value))

    def share(self, value: float | None) -> str:
        """A share: whole percent for donors (as published), one decimal for directors."""
        if value is None or pd.isna(value):
            return DASH
        return i18n.percent(float(value), 0 if self.published else 1)

    def ratio(self, value: float | None) -> str:
        """A multiplier or parity index: one decimal for donors, two for directors."""
        if value is None or pd.isna(value):
            return DASH
        return i18n.number(float(value), 1 if self.published else 2) + "×"


def _plain(fig, height: int | None = None, top: int = 36) -> Figure:
    """A page's figure for print: no title (the section's heading says it), less room above."""
    fig.update_layout(title_text="", margin_t=top)
    return Figure(fig, height or int(fig.layout.height or 320))


# ---------------------------------------------------------------------------------------------
# The parts both audiences share, from frames in one shape.


def _scope_lines(
    programs: list[str],
    countries: list[str],
    types: list[str],
    period: str,
    organisation: str | None,
    account: tuple[str, ...],
) -> list[tuple[str, str]]:
    every = _("All programs") if not account else _("All programs of this account")
    lines = [
        (_("Programs"), ", ".join(programs) or every),
        (_("Countries"), ", ".join(labels.country(c) for c in countries) or _("All countries")),
    ]
    if types:
        lines.append((_("Event types"), ", ".join(labels.event_type(t) for t in types)))
    lines.append((_("Period"), period))
    if organisation:
        lines.append((_("Organisation"), organisation))
    return lines


def _headline(w: Words, s: metrics.Summary | donor.DonorSummary) -> list[tuple[str, str]]:
    return [
        (_("People reached"), w.count(s.people_reached)),
        (_("Reached directly"), w.count(s.direct_reach)),
        (_("Reached through cascades"), w.count(s.cascade_reach)),
        (_("Events"), w.count(s.events)),
        (_("Countries"), w.count(s.countries_reached)),
        (_("Female share"), w.share(s.female_share)),
        (_("Cascade multiplier"), w.ratio(s.cascade_multiplier)),
    ]


def _countries_table(w: Words, rows: pd.DataFrame) -> Table:
    rows = rows.sort_values("country_code")
    data = pd.DataFrame(
        {
            _("Country"): [labels.country(c) for c in rows["country_code"]],
            _("People reached"): [w.count(v) for v in rows["people_reached"]],
            _("Events"): [w.count(v) for v in rows["events"]],
        }
    )
    return Table(data, text_columns=(_("Country"),))


def _map_labels(w: Words, rows: pd.DataFrame) -> dict[str, str]:
    return {
        str(c): f"{labels.country(c)}\n{w.count(v)}"
        for c, v in zip(rows["country_code"], rows["people_reached"], strict=True)
    }


def _cascade_table(w: Words, levels: pd.DataFrame, people: str, programs: pd.DataFrame) -> Table:
    """Per program: people reached at each level, the multiplier and the activation rate."""
    depth = int(levels["level"].max()) if len(levels) else 0
    at = {(p, int(lv)): v for p, lv, v in zip(levels["program"], levels["level"], levels[people],
                                              strict=True)}  # fmt: skip
    cols: dict[str, list[str]] = {_("Program"): list(programs["program"])}
    for lv in range(depth + 1):
        name = _("Directly (level 0)") if lv == 0 else _("Level {n}").format(n=lv)
        cols[name] = [w.count(at[(p, lv)]) if (p, lv) in at else DASH for p in programs["program"]]
    cols[_("Multiplier")] = [w.ratio(v) for v in programs["cascade_multiplier"]]
    cols[_("Activation rate")] = [w.share(v) for v in programs["activation_rate"]]
    return Table(pd.DataFrame(cols), text_columns=(_("Program"),))


def _female_share(w: Words, counts: dict[str, object]) -> float | None:
    """female / (female + male + other) of one group's counts: from the published counts
    (none when one is <8) for donors, exact for directors (none when nobody said)."""
    n = {g: None if pd.isna(counts.get(g)) else int(counts[g]) for g in GENDERS}
    if w.published:
        return disclosure.share(n["female"], [n[g] for g in GENDERS[:3]])
    known = sum(n[g] or 0 for g in GENDERS[:3])
    return None if known == 0 else (n["female"] or 0) / known


def _female_by_program(w: Words, by_program: pd.DataFrame) -> dict[str, float | None]:
    """The female share of each program of a (group, gender, people) frame."""
    return {
        str(program): _female_share(w, dict(zip(part["gender"], part["people"], strict=True)))
        for program, part in by_program.groupby("group")
    }


def _place_cascade_gender(
    w: Words,
    countries: pd.DataFrame,
    map_fig,
    levels: pd.DataFrame,
    people: str,
    cascade: pd.DataFrame,
    cascade_fig,
    breakdown: pd.DataFrame,
    parity: dict[str, float | None],
    gender_fig,
) -> list[Section]:
    """The map, cascade and gender sections, from either audience's frames and figures."""
    return [
        Section("map", _("People reached by country"), _("Where the events were held."),
                Figure(_no_title(map_fig), 370, _map_labels(w, countries)),
                (_countries_table(w, countries),)),
        Section("cascade", _("Cascades per program"),
                _("People reached at each cascade level: directly at root trainings, then at "
                  "the step-down events their trainees ran."),
                _plain(cascade_fig), (_cascade_table(w, levels, people, cascade),)),
        Section("gender", _("Gender balance"), _("Among people reached and among trainers."),
                _plain(gender_fig, top=60), (_gender_table(w, breakdown, parity),)),
    ]  # fmt: skip


def _gender_table(w: Words, breakdown: pd.DataFrame, parity: dict[str, float | None]) -> Table:
    rows = []
    for group, part in breakdown.groupby("group", sort=False):
        counts = dict(zip(part["gender"], part["people"], strict=True))
        row = {_("Among"): charts.group_name(group)}
        for g in GENDERS:
            row[labels.gender(g)] = w.count(counts.get(g))
        row[_("Female share")] = w.share(_female_share(w, counts))
        row[_("Parity index")] = w.ratio(parity.get(str(group))).rstrip("×")
        rows.append(row)
    return Table(pd.DataFrame(rows), text_columns=(_("Among"),))


def _programs_table(
    w: Words, groups: pd.DataFrame, cascade: pd.DataFrame, female: dict[str, float | None]
) -> Table:
    by = cascade.set_index("program")
    rows = []
    for r in groups.itertuples(index=False):
        c = by.loc[r.group] if r.group in by.index else None
        rows.append(
            {
                _("Program"): str(r.group),
                _("People reached"): w.count(r.people_reached),
                _("Directly"): w.count(r.direct_reach),
                _("Through cascades"): w.count(r.cascade_reach),
                _("Events"): w.count(r.events),
                _("Step-down events"): w.count(c["step_down_events"]) if c is not None else DASH,
                _("Female share"): w.share(female.get(str(r.group))),
                _("Multiplier"): w.ratio(c["cascade_multiplier"]) if c is not None else DASH,
            }
        )
    return Table(pd.DataFrame(rows), text_columns=(_("Program"),))


def _targets_section(w: Words, progress: pd.DataFrame) -> Section:
    heading = _("Targets against actuals")
    if progress.empty:
        return Section("targets", heading, _("No targets were loaded for this scope."))
    shown = targets.described(progress, donor=w.published)
    drawn = shown.head(TARGET_BARS)
    fig = charts_targets.progress_bars(drawn, "")
    # WeasyPrint leaves out what follows a bold part of an SVG line (the "(45%, 90 of 200)"
    # after the status): the printed labels are plain.
    for note in fig.layout.annotations:
        note.text = note.text.replace("<b>", "").replace("</b>", "")
    text = _(
        "A target is on track when its actual is at least the target pro-rated by the share of "
        "its period gone by; behind from {behind} of that, off track below."
    ).format(behind=i18n.percent(targets.BEHIND))
    if len(shown) > TARGET_BARS:
        more = _("The chart shows the first {n} targets; the table lists all {total}.")
        text += " " + more.format(n=TARGET_BARS, total=len(shown))
    table = pd.DataFrame(
        {
            _("Program"): shown["program"],
            _("Indicator"): shown["indicator_name"],
            _("Period"): shown["period"],
            _("For"): [s or DASH for s in shown["split"]],
            _("Target"): [i18n.number(int(v)) for v in shown["target"]],
            _("Actual"): [w.count(v) for v in shown["actual"]],
            _("Achieved"): [w.share(v) for v in shown["achieved_share"]],
            _("Due by now"): [i18n.percent(float(v)) for v in shown["elapsed"]],
            _("Status"): [targets.status_name(s) for s in shown["status"]],
        }
    )
    texts = (_("Program"), _("Indicator"), _("Period"), _("For"), _("Status"))
    return Section("targets", heading, text, _plain(fig, top=20), (Table(table, texts),))


def _age_section(w: Words, pyramid: pd.DataFrame, totals: dict[str, object], fig) -> Section:
    at = {(b, g): v for b, g, v in zip(pyramid["band"], pyramid["gender"], pyramid["people"],
                                       strict=True)}  # fmt: skip
    rows = []
    for band in ages.labels():
        row = {_("Age"): labels.label("age_band", band)}
        for g in GENDERS:
            row[labels.gender(g)] = w.count(at.get((band, g)))
        row[_("All")] = w.count(totals.get(band))
        rows.append(row)
    text = _(
        "Age is the start year of a person's first attendance in scope minus their birth year. "
        "Unknown: no birth year given, or counted from a reported headcount."
    )
    return Section(
        "age", _("People reached by age and sex"), text, _plain(fig, top=40),
        (Table(pd.DataFrame(rows), text_columns=(_("Age"),)),),
    )  # fmt: skip


def _methodology(published: bool) -> Section:
    parts = [
        _(
            "People reached counts each person once, whatever the number of events they "
            "attended: distinct pseudonymous IDs on the attendance lists of events in scope. "
            "Reached directly: people at root events (trainings that no other event led to). "
            "Reached through cascades: people reached only at step-down events, run by "
            "trainees of an earlier event. The cascade multiplier is people reached through "
            "cascades per person reached directly."
        ),
        _(
            "An event without an attendance list counts its reported headcount. Those people "
            "cannot be told apart from people on lists, so they are added as they are; their "
            "reported women and men count as female and male, the rest as undisclosed, and "
            "their age as unknown."
        ),
        _(
            "Female share is female / (female + male + other); people who did not give their "
            "gender are shown as undisclosed and left out of the share. The parity index is "
            "female / male."
        ),
    ]
    if published:
        rule = disclosure.RULE
        parts.append(
            _(
                "Disclosure control: so that no number can single out a person, every count "
                "of people is rounded to the nearest {base}, and a count from 0 to {k} is "
                "shown as {text}. Shares and multipliers are worked out from the rounded "
                "counts and left blank (—) when one of them is shown as {text}. Counts of "
                "events and countries are exact. Totals may differ from the sum of their "
                "rounded parts."
            ).format(base=rule.round_base, k=rule.suppress_max, text=rule.suppressed_text)
        )
    else:
        parts.append(
            _(
                "These are exact numbers, for use inside the organisation. Do not pass this "
                "report on: the version for donors, with counts rounded and small counts "
                "hidden, is made with the donor audience."
            )
        )
    return Section("methodology", _("Methodology"), "\n\n".join(parts))


def _provenance(loads: pd.DataFrame, scope: list[tuple[str, str]], built: str | None) -> Section:
    rows = pd.DataFrame(
        {
            _("Load"): [str(int(v)) for v in loads["load_id"]],
            _("Loaded (UTC)"): [
                i18n.datetime(pd.Timestamp(v).to_pydatetime()) for v in loads["loaded_at"]
            ],  # fmt: skip
            _("Mode"): [_(LOAD_MODES[m]) if m in LOAD_MODES else str(m) for m in loads["mode"]],
            _("File SHA-256"): [DASH if pd.isna(s) else str(s) for s in loads["sha256"]],
            _("Bytes"): [DASH if pd.isna(n) else i18n.number(int(n)) for n in loads["size"]],
        }
    )
    filters = "; ".join(f"{what}: {which}" for what, which in scope)
    text = _("Made with Reach {version}. Filters: {filters}.").format(
        version=__version__, filters=filters
    )
    if built:
        when = i18n.datetime(dt.datetime.fromisoformat(built).replace(tzinfo=None))
        text += " " + _("Published numbers built {when} (UTC).").format(when=when)
    note = "" if len(rows) else _("No load is recorded for these numbers.")
    table = Table(
        rows, text_columns=(_("Mode"), _("File SHA-256")), note=note,
        code_columns=(_("File SHA-256"),),
    )  # fmt: skip
    return Section("provenance", _("Provenance"), text, tables=(table,))


def _title(published: bool) -> tuple[str, str]:
    if published:
        return _("Impact report"), _(
            "Counts of people rounded to the nearest 5; 0 to 7 shown as <8."
        )
    return _("Impact report"), _("Exact numbers, for use inside the organisation.")


def _period_text(first: dt.date | None, last: dt.date | None) -> str:
    if first is None and last is None:
        return _("All dates")
    left = i18n.date(first, "long") if first else "…"
    right = i18n.date(last, "long") if last else "…"
    return f"{left} – {right}"


# ---------------------------------------------------------------------------------------------
# The organisation's report: exact numbers from reach.metrics.


def for_director(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    account: tuple[str, ...] = (),
    *,
    lang: str = "en",
    organisation: str | None = None,
    today: dt.date | None = None,
    step: Callable[[str], None] = lambda _message: None,
) -> Report:
    """The director's report for the filters within the account's programs (exact numbers),
    every word of it (charts, labels, countries) in `lang`."""
    with i18n.using(lang):
        return _director(con, filters, account, lang, organisation, today, step)


def _director(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    account: tuple[str, ...],
    lang: str,
    organisation: str | None,
    today: dt.date | None,
    step: Callable[[str], None],
) -> Report:
    w = Words(published=False)
    f = metrics.within(filters, account)
    s = metrics.summary(con, f)
    opts = metrics.options(con, account)
    first = filters.date_from or opts["first_date"]
    last = filters.date_to or opts["last_date"]
    scope = _scope_lines(
        list(filters.programs), list(filters.countries), list(filters.event_types),
        _period_text(first, last), organisation, account,
    )  # fmt: skip
    title, subtitle = _title(published=False)
    made = dt.datetime.now()
    if s.events == 0:
        return Report("director", lang, title, subtitle, scope, made, [], empty=True)
    step(_("Reach over time"))
    over = metrics.first_reached(con, f, grain="month")
    countries = metrics.by_country(con, f)
    countries["country"] = countries["country_code"].map(labels.country)
    step(_("Cascades"))
    levels = metrics.cascade_levels(con, f)
    cascade = metrics.cascade_by_program(con, f)
    step(_("Gender and age"))
    groups = metrics.gender_groups(con, f, grain="year")
    breakdown = metrics.breakdown_of(groups)
    by_program = metrics.gender_slice(groups, "program")
    female = _female_by_program(w, by_program)
    age_groups = metrics.age_groups(con, f, grain="year")
    pyramid = metrics.age_slice(age_groups, "reached")
    step(_("Targets"))
    progress = targets.progress(con, f.programs, today or dt.date.today(), f.date_from, f.date_to)
    loads = sqlfiles.run(con, "load_sources", {}).df()
    groups_table = metrics.by_group(con, f, dim="program")
    sections = [
        Section("over-time", _("Reach over time"),
                _("Unique people reached so far, month by month."),
                _plain(charts.cumulative_reach(over, ""), 300)),
        *_place_cascade_gender(
            w, countries, charts.country_map(countries, ""), levels, "people", cascade,
            charts.cascade_sankey(levels, ""), breakdown, metrics.parity(breakdown),
            charts.gender_bars(breakdown, "group", "", percent=True),
        ),
        Section("programs", _("Per program"), "",
                tables=(_programs_table(w, groups_table, cascade, female),)),
        _targets_section(w, progress),
        _age_section(w, pyramid, s.age, charts_age.age_pyramid(pyramid, "")),
        _methodology(published=False),
        _provenance(loads, scope, None),
    ]  # fmt: skip
    return Report("director", lang, title, subtitle, scope, made, _headline(w, s), sections)


def _no_title(fig):
    """A map for print: no title, and no room kept above for one."""
    fig.update_layout(title_text="", margin_t=10)
    return fig


# ---------------------------------------------------------------------------------------------
# The donors' report: published numbers from reach.donor, read from the extract alone.


def for_donor(
    con: duckdb.DuckDBPyConnection,
    f: DonorFilters,
    account: tuple[str, ...] = (),
    *,
    lang: str = "en",
    organisation: str | None = None,
    today: dt.date | None = None,
    step: Callable[[str], None] = lambda _message: None,
) -> Report:
    """The donor's report for one donor view within the account's programs (published),
    every word of it (charts, labels, countries) in `lang`."""
    with i18n.using(lang):
        return _donor(con, f, account, lang, organisation, today, step)


def _donor(
    con: duckdb.DuckDBPyConnection,
    f: DonorFilters,
    account: tuple[str, ...],
    lang: str,
    organisation: str | None,
    today: dt.date | None,
    step: Callable[[str], None],
) -> Report:
    w = Words(published=True)
    s = donor.summary(con, f, account)
    years = extract.options(con, account)["years"]
    if f.year:
        first, last = dt.date(int(f.year), 1, 1), dt.date(int(f.year), 12, 31)
    elif years:
        first, last = dt.date(int(years[0]), 1, 1), dt.date(int(years[-1]), 12, 31)
    else:
        first = last = None
    programs = [f.program] if f.program else list(account)
    scope = _scope_lines(
        programs, [f.country] if f.country else [], [f.event_type] if f.event_type else [],
        _period_text(first, last), organisation, account,
    )  # fmt: skip
    title, subtitle = _title(published=True)
    made = dt.datetime.now()
    if s.events == 0:
        return Report("donor", lang, title, subtitle, scope, made, [], empty=True)
    step(_("Reach over time"))
    over = donor.over_time(con, f, account)
    countries = donor.by_country(con, f, account)
    countries["country"] = countries["country_code"].map(labels.country)
    step(_("Cascades"))
    levels = donor.cascade_levels(con, f, account)
    cascade = donor.cascade_by_program(con, f, account)
    step(_("Gender and age"))
    breakdown = donor.gender_breakdown(con, f, account)
    by_program = donor.gender_by(con, f, account, dim="program")
    female = _female_by_program(w, by_program)
    pyramid = donor.age_pyramid(con, f, account)
    step(_("Targets"))
    programs_in, t_first, t_last = targets.donor_scope(f, account)
    progress = targets.published_progress(
        con, extract.SCHEMA, programs_in, today or dt.date.today(), t_first, t_last
    )
    if f.year:
        over_text = _("People reached per quarter, directly and through cascades.")
    else:
        over_text = _("People reached per year, directly and through cascades.")
    split = {"direct_reach": _("Directly"), "cascade_reach": _("Through cascades")}
    sections = [
        Section("over-time", _("Reach over time"), over_text,
                _plain(charts.published_stack(over, "period", split, ""), 300, top=60)),
        *_place_cascade_gender(
            w, countries, charts.published_map(countries, ""), levels, "people_reached",
            cascade, charts.published_cascade(levels, ""), breakdown, donor.parity(breakdown),
            charts.published_gender(breakdown, ""),
        ),
        Section("programs", _("Per program"), "",
                tables=(_programs_table(w, donor.by_group(con, f, account, dim="program"),
                                        cascade, female),)),
        _targets_section(w, progress),
        _age_section(w, pyramid, s.age,
                     charts_age.age_pyramid(pyramid, "", published=True)),
        _methodology(published=True),
        _provenance(extract.sources(con), scope, extract.facts(con).get("built_at")),
    ]  # fmt: skip
    return Report("donor", lang, title, subtitle, scope, made, _headline(w, s), sections)
