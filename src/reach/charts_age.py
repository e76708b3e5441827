"""Plotly figures for ages: the age-by-sex pyramid, age bands over time and by program.

Each figure takes a frame with a `band` column holding reach.ages' labels. Exact frames hold
counts; published (donor) frames hold nullable counts where NA means "<8": a suppressed count
draws no bar and says "<8" in its hover, as every donor chart does (reach.charts).
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from . import (
    ages,
    disclosure,
    i18n,
    labels,  # no Streamlit in it: how codes are worded
)
from .charts import (
    GENDER_COLORS,
    _style,
    category_periods,
    group_name,
    people_text,
    period_label,
    plain,
    share_axis,
    time_axis,
)
from .i18n import _, n_

# Ages are ordered, so their colours run along one colour-blind-safe scale (viridis, short
# of its pale yellow end, which fades on white); unknown is the grey undisclosed has.
_KNOWN = ages.BANDS.known
BAND_COLORS = {
    **dict(
        zip(
            _KNOWN,
            sample_colorscale("Viridis", [0.9 * i / max(len(_KNOWN) - 1, 1) for i in
                                          range(len(_KNOWN))]),
            strict=True,
        )
    ),
    ages.BANDS.unknown: GENDER_COLORS["undisclosed"],
}  # fmt: skip
BAND_ORDER = list(BAND_COLORS)
# Nine bands: narrow legend entries across the whole width keep the legend to one row on a
# screen and three on a phone, and the top margin leaves room for those under a title of two.
BAND_LEGEND = {
    "legend": {"entrywidth": 50, "entrywidthmode": "pixels"},
    "margin": {"t": 135},
}
GROUP_CHARS = 48  # a group name longer than this goes on two lines
ROW_PX = 54  # the height of one group's row in a horizontal chart


def _wrapped(name: str) -> str:
    """A group name as plain text, in lines of at most GROUP_CHARS."""
    lines = textwrap.wrap(group_name(name), GROUP_CHARS) or [""]
    return "<br>".join(plain(line) for line in lines)


def band_name(band: str) -> str:
    """An age band as a legend shows it: '15-19', or 'Unknown age' in the active language."""
    return labels.label("age_band", band)


def _band_hover(band: str) -> str:
    """An age band as a hover names it: 'Age 15-19', 'Unknown age'."""
    if band == ages.BANDS.unknown:
        return band_name(band)
    # Translators: an age band in a hover; {band} is '15-19' or '50+'.
    return _("Age {band}").format(band=band)


def _people(values: pd.Series, published: bool) -> list[str]:
    """Counts with their noun, as hovers write them: '12 people'; for published counts
    '<8 people' where suppressed (an exact count that is missing is 0)."""
    return [
        people_text(None if published else 0) if pd.isna(v) else people_text(int(v)) for v in values
    ]


def _names_above_bars(fig: go.Figure, groups: list[str]) -> go.Figure:
    """Write each group's name above its bar instead of beside it: on a phone a column of
    names would leave the bars (and the legend, which spans the plot) no room."""
    fig.update_yaxes(
        type="category", categoryorder="array", categoryarray=groups[::-1], showticklabels=False
    )
    for group in groups:
        fig.add_annotation(
            text=group, x=0, xref="paper", xanchor="left", y=group, yanchor="bottom",
            yshift=ROW_PX * 0.25, showarrow=False, align="left", font={"size": 12},
        )  # fmt: skip
    fig.update_layout(bargap=0.5, height=max(260, 190 + ROW_PX * len(groups)))
    return fig


# The pyramid's two sides; people of other and undisclosed gender get a panel of their own
# beside it (never dropped).
SIDES = ("female", "male")
BESIDE = ("other", "undisclosed")


def _labels(values: pd.Series, published: bool) -> list[str]:
    """Counts as hovers show them: '1,234', or for published counts '<8' where suppressed."""
    if published:
        return [disclosure.text(None if pd.isna(v) else int(v)) for v in values]
    return [i18n.number(int(v)) for v in values]


def _lengths(values: pd.Series) -> pd.Series:
    """Counts as bar lengths (a suppressed count draws no bar)."""
    return pd.to_numeric(values, errors="coerce").astype("float64").fillna(0)


def _nice_step(top: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about four ticks up to top."""
    raw = max(top, 1.0) / 4
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def age_pyramid(df: pd.DataFrame, title: str, published: bool = False) -> go.Figure:
    """People by age band and gender: women to the left, men to the right, youngest at the
    bottom; other and undisclosed in a panel beside it on the same scale. People of unknown
    age are not drawn (they would dwarf the bands) but written under the chart."""
    data = df.set_index(["band", "gender"])["people"]
    known = list(_KNOWN)
    counts = {g: data.xs(g, level="gender").reindex(known) for g in (*SIDES, *BESIDE)}
    half = max(float(_lengths(counts[g]).max()) for g in SIDES)
    step = _nice_step(half)
    half = max(math.ceil(half / step), 1) * step
    beside = float(sum(_lengths(counts[g]) for g in BESIDE).max())
    # One person is as long in both panels: the side panel's width follows its own range
    # (at least a third of one side, so it stays readable on a phone).
    side = max(beside * 1.05, half / 3)
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
        column_widths=[2 * half / (2 * half + side), side / (2 * half + side)],
    )  # fmt: skip
    for gender in (*SIDES, *BESIDE):
        lengths = _lengths(counts[gender])
        fig.add_bar(
            name=labels.gender(gender), y=known, x=-lengths if gender == "female" else lengths,
            orientation="h", marker_color=GENDER_COLORS[gender],
            customdata=_labels(counts[gender], published),
            hovertext=[f"{_band_hover(b)}<br>{labels.gender(gender)}: {p}"
                       for b, p in zip(known, _people(counts[gender], published), strict=True)],
            hovertemplate="%{hovertext}<extra></extra>", row=1, col=1 if gender in SIDES else 2,
        )  # fmt: skip
    # The ends stay unlabelled: on a phone their labels would run into the side panel's.
    ticks = [i * step for i in range(1 - round(half / step), round(half / step))]
    fig.update_xaxes(
        tickvals=ticks, ticktext=[i18n.number(abs(t)) for t in ticks], range=[-half, half],
        # Translators: the axis under the age pyramid: women to the left, men to the right.
        title=_("◀ Female · people · Male ▶"), row=1, col=1,
    )  # fmt: skip
    # Translators: the axis of the panel beside the pyramid; <br> breaks the line.
    other = _("Other,<br>undisclosed")
    fig.update_xaxes(range=[0, side], dtick=step, title=other, row=1, col=2)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=known)
    unknown = data.xs(ages.BANDS.unknown, level="band").reindex(list((*SIDES, *BESIDE)))
    written = _labels(unknown, published)
    note = " · ".join(
        plain(_unknown_age(g, n, v))
        for g, n, v in zip(unknown.index, written, unknown, strict=True)
    )
    fig.add_annotation(
        text=_("Unknown age, not drawn:") + f"<br>{note}", showarrow=False, xref="paper",
        yref="paper",
        x=0, xanchor="left", y=-0.22, yanchor="top", align="left", font={"size": 12},
    )  # fmt: skip
    fig.update_layout(barmode="relative", height=440, bargap=0.15, legend_traceorder="normal")
    fig = _style(fig, title)
    fig.update_layout(margin={"b": 105})  # room for the note on unknown ages
    return fig


def _unknown_age(gender: str, written: str, value: object) -> str:
    """'5 female', '<8 male' … of the note on people of unknown age, in the active language."""
    n = 8 if pd.isna(value) else int(value)  # '<8' agrees as eight does
    if gender == "female":
        return n_("{n} female", "{n} female", n).format(n=written)
    if gender == "male":
        return n_("{n} male", "{n} male", n).format(n=written)
    if gender == "other":
        # Translators: people of another gender (not female or male), in a list of counts.
        return n_("{n} other", "{n} other", n).format(n=written)
    # Translators: people who did not give their gender, in a list of counts.
    return n_("{n} undisclosed", "{n} undisclosed", n).format(n=written)


def age_periods(df: pd.DataFrame, title: str, grain: str) -> go.Figure:
    """Exact people reached per period, stacked by age band (a frame of period, band, people)."""
    fig = go.Figure()
    for band in BAND_ORDER:
        rows = df[df["band"] == band]
        hover = [
            f"{period_label(p, grain)}<br>{_band_hover(band)}: {people_text(int(n))}"
            for p, n in zip(rows["period"], rows["people"], strict=True)
        ]
        fig.add_bar(
            name=band_name(band), x=rows["period"], y=rows["people"],
            marker_color=BAND_COLORS[band], hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )  # fmt: skip
    fig.update_layout(
        barmode="stack", yaxis_title=_("People"), legend_traceorder="normal", height=460
    )
    time_axis(fig, df["period"], grain)
    return _style(fig, title).update_layout(**BAND_LEGEND)


def age_shares(df: pd.DataFrame, title: str) -> go.Figure:
    """Exact people reached per group (program), as shares of each age band, stacked."""
    data = df.copy()
    data["group"] = data["group"].map(_wrapped)
    totals = data.groupby("group")["people"].transform("sum")
    data["share"] = data["people"] / totals.where(totals > 0)
    groups = list(dict.fromkeys(data["group"]))
    fig = go.Figure()
    for band in BAND_ORDER:
        rows = data[data["band"] == band].set_index("group").reindex(groups)
        hover = [
            f"{g}<br>{_band_hover(band)}: {people_text(int(n))} ({i18n.percent(float(s), 1)})"
            for g, n, s in zip(groups, rows["people"].fillna(0), rows["share"].fillna(0),
                               strict=True)
        ]  # fmt: skip
        fig.add_bar(
            name=band_name(band), y=groups, x=rows["share"].fillna(0), orientation="h",
            marker_color=BAND_COLORS[band], hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )  # fmt: skip
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(**share_axis(), title=_("Share of people"))
    return _style(_names_above_bars(fig, groups), title).update_layout(**BAND_LEGEND)


def published_age_stack(
    df: pd.DataFrame, title: str, horizontal: bool = False, name: str | None = None
) -> go.Figure:
    """Published people per group (periods, or programs if horizontal), stacked by age band;
    a suppressed count draws no bar and says '<8' in its hover. `name` names the axis of
    counts ('People' when None)."""
    name = name or _("People")
    data = df.copy()
    periods = list(dict.fromkeys(data["group"].map(str)))  # as stored: '2024', '2024-Q3'
    data["group"] = data["group"].map(_wrapped if horizontal else plain)
    groups = list(dict.fromkeys(data["group"]))
    fig = go.Figure()
    for band in BAND_ORDER:
        rows = data[data["band"] == band].set_index("group").reindex(groups)
        values = _lengths(rows["people"])
        axis = {"x": values, "y": groups} if horizontal else {"x": groups, "y": values}
        written = groups if horizontal else [plain(group_name(p)) for p in periods]
        hover = [
            f"{g}<br>{_band_hover(band)}: {p}"
            for g, p in zip(written, _people(rows["people"], True), strict=True)
        ]
        fig.add_bar(
            name=band_name(band), orientation="h" if horizontal else "v",
            marker_color=BAND_COLORS[band], customdata=_labels(rows["people"], True),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", **axis,
        )  # fmt: skip
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    if horizontal:
        fig.update_layout(xaxis_title=name)
        _names_above_bars(fig, groups)
    else:
        fig.update_layout(yaxis_title=name, height=460)
        fig.update_xaxes(type="category")
        category_periods(fig, groups)
    return _style(fig, title).update_layout(**BAND_LEGEND)
