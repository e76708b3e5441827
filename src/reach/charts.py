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
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "y": -0.15},
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
