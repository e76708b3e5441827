"""Plotly figures for the dashboard: one look, one colour per gender, exact hover numbers."""

from __future__ import annotations

import json
from functools import cache

import countryinfo
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

# Okabe-Ito: distinguishable with every common kind of colour blindness.
GENDER_COLORS = {
    "female": "#E69F00",
    "male": "#0072B2",
    "other": "#009E73",
    "undisclosed": "#999999",
}
ACCENT = "#0072B2"
SECOND = "#56B4E9"


def _style(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 15}},
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "title": None},
        hoverlabel={"namelength": -1},
    )
    return fig


@cache
def world_geojson() -> dict:
    """Country outlines from countryinfo, keyed by ISO alpha-3 (shipped, works offline)."""
    features = []
    for c in countryinfo.all_countries():
        geo = c.info().get("geoJSON") or {}
        for feature in geo.get("features", []):
            if feature.get("id"):
                features.append(feature)
    return json.loads(json.dumps({"type": "FeatureCollection", "features": features}))


def cumulative_reach(df: pd.DataFrame, title: str) -> go.Figure:
    """Running total of unique people reached."""
    fig = px.area(
        df,
        x="period",
        y="cumulative_people",
        labels={"period": "", "cumulative_people": "People reached (cumulative)"},
        custom_data=["new_people"],
        color_discrete_sequence=[ACCENT],
    )
    fig.update_traces(
        hovertemplate="%{x|%b %Y}<br>People reached so far: %{y:,}<br>New: %{customdata[0]:,}"
        "<extra></extra>"
    )
    return _style(fig, title)


def country_map(df: pd.DataFrame, title: str) -> go.Figure:
    """People reached per event country on an offline map."""
    fig = px.choropleth_map(
        df,
        geojson=world_geojson(),
        locations="country_code",
        color="people_reached",
        hover_name="country",
        hover_data={"people_reached": ":,", "events": ":,", "country_code": False},
        color_continuous_scale="Blues",
        range_color=(0, max(int(df["people_reached"].max()), 1)) if len(df) else None,
        map_style="white-bg",
        center={"lat": 44, "lon": 68},
        zoom=2.0,
        opacity=0.85,
        labels={"people_reached": "People reached", "events": "Events"},
    )
    fig.update_layout(height=420)
    return _style(fig, title)


def ranked_bar(df: pd.DataFrame, label: str, value: str, title: str, value_name: str) -> go.Figure:
    """A horizontal bar per row, largest on top."""
    fig = px.bar(
        df.sort_values(value),
        x=value,
        y=label,
        orientation="h",
        labels={value: value_name, label: ""},
        color_discrete_sequence=[ACCENT],
        text=value,
    )
    fig.update_traces(texttemplate="%{text:,}", hovertemplate="%{y}: %{x:,}<extra></extra>")
    fig.update_layout(height=max(260, 60 + 40 * len(df)))
    return _style(fig, title)


GENDER_ORDER = list(GENDER_COLORS)
PERIOD_FORMATS = {"month": "%b %Y", "quarter": "Q%q %Y", "year": "%Y"}


def _long(df: pd.DataFrame, series: dict[str, str]) -> pd.DataFrame:
    """Columns of `series` ({column: label}) stacked into (period, measure, n) rows."""
    long = df.melt(id_vars="period", value_vars=list(series), var_name="measure", value_name="n")
    long["measure"] = long["measure"].map(series)
    return long


def _period_hover(grain: str) -> str:
    return f"%{{x|{PERIOD_FORMATS[grain]}}}<br>%{{fullData.name}}: %{{y:,}}<extra></extra>"


def period_lines(df: pd.DataFrame, series: dict[str, str], title: str, grain: str) -> go.Figure:
    """One line per column of `series` ({column: label}) over `period`."""
    long = _long(df, series)
    fig = px.line(
        long,
        x="period",
        y="n",
        color="measure",
        markers=True,
        labels={"period": "", "n": "", "measure": ""},
        color_discrete_sequence=[ACCENT, "#E69F00", "#009E73"],
        line_dash="measure",
    )
    fig.update_traces(hovertemplate=_period_hover(grain))
    return _style(fig, title)


def stacked_periods(df: pd.DataFrame, series: dict[str, str], title: str, grain: str) -> go.Figure:
    """Stacked bars per period, one colour per column of `series`."""
    long = _long(df, series)
    fig = px.bar(
        long,
        x="period",
        y="n",
        color="measure",
        labels={"period": "", "n": "People", "measure": ""},
        color_discrete_sequence=[ACCENT, SECOND],
    )
    fig.update_traces(hovertemplate=_period_hover(grain))
    return _style(fig, title)


def reach_split(df: pd.DataFrame, label: str, title: str) -> go.Figure:
    """Direct and cascade reach per group, stacked, largest on top."""
    data = df.sort_values("people_reached")
    long = data.melt(
        id_vars=label,
        value_vars=["direct_reach", "cascade_reach"],
        var_name="kind",
        value_name="people",
    )
    long["kind"] = long["kind"].map({"direct_reach": "Direct", "cascade_reach": "Through cascades"})
    fig = px.bar(
        long,
        x="people",
        y=label,
        color="kind",
        orientation="h",
        labels={"people": "People reached", label: "", "kind": ""},
        color_discrete_sequence=[ACCENT, SECOND],
    )
    fig.update_traces(hovertemplate="%{y}<br>%{fullData.name}: %{x:,}<extra></extra>")
    fig.update_layout(height=max(260, 80 + 40 * len(df)))
    return _style(fig, title)


def gender_bars(df: pd.DataFrame, group: str, title: str, percent: bool = False) -> go.Figure:
    """People by gender per group, stacked in the fixed gender colours (shares if percent)."""
    data = df.copy()
    totals = data.groupby(group)["people"].transform("sum")
    data["share"] = data["people"] / totals.where(totals > 0)
    fig = px.bar(
        data,
        x="share" if percent else "people",
        y=group,
        color="gender",
        orientation="h",
        category_orders={"gender": GENDER_ORDER},
        color_discrete_map=GENDER_COLORS,
        custom_data=["people", "share"],
        labels={"share": "Share of people", "people": "People", group: "", "gender": ""},
    )
    fig.update_traces(
        hovertemplate="%{y}<br>%{fullData.name}: %{customdata[0]:,} people"
        " (%{customdata[1]:.1%})<extra></extra>"
    )
    if percent:
        fig.update_xaxes(tickformat=".0%")
    fig.update_layout(height=max(240, 90 + 36 * data[group].nunique()))
    return _style(fig, title)


def gender_periods(df: pd.DataFrame, title: str, grain: str) -> go.Figure:
    """People reached by gender per period, stacked."""
    fig = px.bar(
        df,
        x="period",
        y="people",
        color="gender",
        category_orders={"gender": GENDER_ORDER},
        color_discrete_map=GENDER_COLORS,
        labels={"period": "", "people": "People", "gender": ""},
    )
    fig.update_traces(hovertemplate=_period_hover(grain))
    return _style(fig, title)


def share_histogram(bands: pd.DataFrame, threshold: float, title: str) -> go.Figure:
    """How many events fall in each band of women's share; bands below the threshold stand out."""
    data = bands.copy()
    data["band"] = [
        f"{lo:.0%}–{hi:.0%}" for lo, hi in zip(data["share_from"], data["share_to"], strict=True)
    ]
    data["flag"] = data["below_threshold"].map({True: "Below threshold", False: "At or above"})
    fig = px.bar(
        data,
        x="band",
        y="events",
        color="flag",
        color_discrete_map={"Below threshold": "#D55E00", "At or above": ACCENT},
        labels={
            "band": "Women's share of the event's participants",
            "events": "Events",
            "flag": "",
        },
    )
    fig.update_traces(hovertemplate="Women's share %{x}: %{y:,} events<extra></extra>")
    fig.update_xaxes(categoryorder="array", categoryarray=list(data["band"]))
    return _style(fig, title)


def cascade_sankey(levels: pd.DataFrame, title: str) -> go.Figure:
    """Per program, people reached at each cascade level, flowing from the root trainings."""
    labels: list[str] = []
    index: dict[tuple[str, int], int] = {}
    customdata = []
    for row in levels.itertuples(index=False):
        index[(row.program, row.level)] = len(labels)
        name = "Root trainings" if row.level == 0 else f"Level {row.level}"
        labels.append(f"{row.program} · {name}")
        note = f"{row.headcount_people:,} from reported headcounts" if row.headcount_people else ""
        customdata.append(f"{row.people:,} people in {row.events:,} events<br>{note}")
    sources, targets, values = [], [], []
    for row in levels.itertuples(index=False):
        parent = index.get((row.program, row.level - 1))
        if row.level > 0 and parent is not None:
            sources.append(parent)
            targets.append(index[(row.program, row.level)])
            values.append(row.people)
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": labels,
                "customdata": customdata,
                "hovertemplate": "%{label}<br>%{customdata}<extra></extra>",
                "pad": 18,
                "color": ACCENT,
            },
            link={
                "source": sources,
                "target": targets,
                "value": values,
                "hovertemplate": "%{target.label}: %{value:,} people<extra></extra>",
                "color": "rgba(86,180,233,0.45)",
            },
        )
    )
    fig.update_layout(height=max(320, 70 * levels["program"].nunique() + 120))
    return _style(fig, title)
