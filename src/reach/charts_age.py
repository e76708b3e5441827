"""Plotly figures for ages: the age-by-sex pyramid, age bands over time and by program.

Each figure takes a frame with a `band` column holding reach.ages' labels. Exact frames hold
counts; published (donor) frames hold nullable counts where NA means "<8": a suppressed count
draws no bar and says "<8" in its hover, as every donor chart does (reach.charts).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from . import ages, disclosure
from .charts import GENDER_COLORS, PERIOD_FORMATS, _style, plain

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
# The pyramid's two sides; people of other and undisclosed gender get a panel of their own
# beside it (never dropped).
SIDES = ("female", "male")
BESIDE = ("other", "undisclosed")


def _labels(values: pd.Series, published: bool) -> list[str]:
    """Counts as hovers show them: '1,234', or for published counts '<8' where suppressed."""
    if published:
        return [disclosure.text(None if pd.isna(v) else int(v)) for v in values]
    return [f"{int(v):,}" for v in values]


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
    bottom (unknown below a line); other and undisclosed in a panel beside it."""
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, column_widths=[0.74, 0.26], horizontal_spacing=0.03,
        subplot_titles=("Female ◀ ▶ Male", "Other, undisclosed"),
    )  # fmt: skip
    # Youngest at the bottom, as a population pyramid reads; unknown (no age) below them.
    order = [ages.BANDS.unknown, *_KNOWN]
    data = df.set_index(["band", "gender"])["people"]
    top = 0.0
    for gender in (*SIDES, *BESIDE):
        values = data.xs(gender, level="gender").reindex(order)
        lengths = _lengths(values)
        top = max(top, float(lengths.max())) if gender in SIDES else top
        fig.add_bar(
            name=gender, y=order, x=-lengths if gender == "female" else lengths,
            orientation="h", marker_color=GENDER_COLORS[gender],
            customdata=_labels(values, published), legendgroup=gender,
            hovertemplate="Age %{y}<br>" + gender + ": %{customdata} people<extra></extra>",
            row=1, col=1 if gender in SIDES else 2,
        )  # fmt: skip
    step = _nice_step(top)
    ticks = [i * step for i in range(-math.ceil(top / step), math.ceil(top / step) + 1)]
    fig.update_xaxes(
        tickvals=ticks, ticktext=[f"{abs(t):,.0f}" for t in ticks], zeroline=True,
        range=[-(ticks[-1] or 1) * 1.04, (ticks[-1] or 1) * 1.04], title="People",
        row=1, col=1,
    )  # fmt: skip
    fig.update_xaxes(title="People", rangemode="tozero", row=1, col=2)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order)
    fig.update_layout(barmode="relative", height=460, bargap=0.12)
    # A line between unknown and the youngest band: unknown is no age.
    fig.add_hline(y=0.5, line={"color": "#bbbbbb", "width": 1, "dash": "dot"})
    fig = _style(fig, title)
    fig.update_layout(margin={"t": 110})  # room for the legend above the panel titles
    if published:
        fig.update_xaxes(title="People (rounded; no bar: <8)")
    return fig


def age_periods(df: pd.DataFrame, title: str, grain: str) -> go.Figure:
    """Exact people reached per period, stacked by age band (a frame of period, band, people)."""
    fig = go.Figure()
    for band in BAND_ORDER:
        rows = df[df["band"] == band]
        fig.add_bar(
            name=band, x=rows["period"], y=rows["people"], marker_color=BAND_COLORS[band],
            hovertemplate=f"%{{x|{PERIOD_FORMATS[grain]}}}<br>Age {band}: %{{y:,}} people"
            "<extra></extra>",
        )  # fmt: skip
    fig.update_layout(barmode="stack", yaxis_title="People", legend_traceorder="normal")
    return _style(fig, title)


def age_shares(df: pd.DataFrame, title: str) -> go.Figure:
    """Exact people reached per group (program), as shares of each age band, stacked."""
    data = df.copy()
    data["group"] = data["group"].map(plain)
    totals = data.groupby("group")["people"].transform("sum")
    data["share"] = data["people"] / totals.where(totals > 0)
    groups = list(dict.fromkeys(data["group"]))
    fig = go.Figure()
    for band in BAND_ORDER:
        rows = data[data["band"] == band].set_index("group").reindex(groups)
        fig.add_bar(
            name=band, y=groups, x=rows["share"].fillna(0), orientation="h",
            marker_color=BAND_COLORS[band],
            customdata=list(zip(_labels(rows["people"].fillna(0), False), rows["share"].fillna(0),
                                strict=True)),
            hovertemplate="%{y}<br>Age " + band + ": %{customdata[0]} people"
            " (%{customdata[1]:.1%})<extra></extra>",
        )  # fmt: skip
    fig.update_layout(barmode="stack", height=max(240, 110 + 36 * len(groups)))
    fig.update_xaxes(tickformat=".0%", range=[0, 1], title="Share of people")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=groups[::-1])
    return _style(fig, title)


def published_age_stack(
    df: pd.DataFrame, title: str, horizontal: bool = False, name: str = "People"
) -> go.Figure:
    """Published people per group (periods, or programs if horizontal), stacked by age band;
    a suppressed count draws no bar and says '<8' in its hover."""
    data = df.copy()
    data["group"] = data["group"].map(plain)
    groups = list(dict.fromkeys(data["group"]))
    fig = go.Figure()
    for band in BAND_ORDER:
        rows = data[data["band"] == band].set_index("group").reindex(groups)
        values = _lengths(rows["people"])
        axis = {"x": values, "y": groups} if horizontal else {"x": groups, "y": values}
        fig.add_bar(
            name=band, orientation="h" if horizontal else "v", marker_color=BAND_COLORS[band],
            customdata=_labels(rows["people"], True),
            hovertemplate=("%{y}" if horizontal else "%{x}") + "<br>Age " + band
            + ": %{customdata} people<extra></extra>", **axis,
        )  # fmt: skip
    fig.update_layout(barmode="stack")
    if horizontal:
        fig.update_layout(height=max(260, 110 + 40 * len(groups)), xaxis_title=name)
        fig.update_yaxes(type="category", categoryorder="array", categoryarray=groups[::-1])
    else:
        fig.update_layout(yaxis_title=name)
        fig.update_xaxes(type="category")
    return _style(fig, title)
