"""Plotly figures for the dashboard: one look, one colour per gender, exact hover numbers."""

from __future__ import annotations

import html
import json
from functools import cache

import countryinfo
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from . import disclosure

# Okabe-Ito: distinguishable with every common kind of colour blindness.
GENDER_COLORS = {
    "female": "#E69F00",
    "male": "#0072B2",
    "other": "#009E73",
    "undisclosed": "#999999",
}
ACCENT = "#0072B2"
SECOND = "#56B4E9"


def plain(value: object) -> str:
    """Data text for a chart: plotly reads tags and entities in text, so '<', '>' and '&' are
    written as entities and show as themselves (no link, image or style from the data)."""
    return html.escape(str(value), quote=False)


def _plain_column(df: pd.DataFrame, column: str) -> pd.DataFrame:
    out = df.copy()
    out[column] = out[column].map(plain)
    return out


def _style(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": plain(title), "font": {"size": 15}},
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
        _plain_column(df, "country"),
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
        _plain_column(df, label).sort_values(value),
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
    data = _plain_column(df, label).sort_values("people_reached")
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
    data = _plain_column(df, group)
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
        labels.append(f"{plain(row.program)} · {name}")
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


# Donor charts: published counts (nullable, NA = "<8"). A suppressed count draws no bar and
# says "<8" in its label and hover; nothing on a donor chart shows an exact small number.


def _published_labels(values: pd.Series) -> list[str]:
    return [disclosure.text(None if pd.isna(v) else int(v)) for v in values]


def _numbers(values: pd.Series) -> pd.Series:
    """Published counts as floats for plotting (NaN where suppressed)."""
    return pd.to_numeric(values, errors="coerce").astype("float64")


def published_bar(
    df: pd.DataFrame, label: str, value: str, title: str, name: str, ranked: bool = True
) -> go.Figure:
    """A horizontal bar per row of published counts ('<8' where suppressed): largest on top
    when `ranked`, else in the frame's order from the top."""
    data = _plain_column(df, label)
    data["_label"] = _published_labels(data[value])
    data["_value"] = _numbers(data[value]).fillna(0)
    data = data.sort_values("_value") if ranked else data.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=data["_value"], y=data[label], orientation="h", text=data["_label"],
            textposition="auto", marker_color=ACCENT, customdata=data["_label"],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(height=max(260, 60 + 40 * len(data)), xaxis_title=name)
    fig.update_yaxes(type="category")
    return _style(fig, title)


def published_stack(
    df: pd.DataFrame, x: str, series: dict[str, str], title: str, horizontal: bool = False
) -> go.Figure:
    """Stacked bars of published counts per category (periods, programs), one per series."""
    fig = go.Figure()
    df = _plain_column(df, x)
    for (column, name), colour in zip(series.items(), [ACCENT, SECOND, "#E69F00"], strict=False):
        labels = _published_labels(df[column])
        values = _numbers(df[column]).fillna(0)
        axis = {"x": values, "y": df[x]} if horizontal else {"x": df[x], "y": values}
        fig.add_bar(
            name=name, orientation="h" if horizontal else "v", marker_color=colour,
            customdata=labels, text=labels, textposition="inside",
            hovertemplate=("%{y}" if horizontal else "%{x}") + f"<br>{name}: %{{customdata}}"
            "<extra></extra>", **axis,
        )  # fmt: skip
    fig.update_layout(barmode="stack")
    if horizontal:
        fig.update_layout(height=max(260, 80 + 40 * len(df)))
        fig.update_yaxes(type="category")
    else:
        fig.update_xaxes(type="category")
    return _style(fig, title)


def published_gender(df: pd.DataFrame, title: str) -> go.Figure:
    """People by gender per group as shares of the published counts; '<8' where suppressed."""
    fig = go.Figure()
    df = _plain_column(df, "group")
    groups = list(dict.fromkeys(df["group"]))
    # Shares come from disclosure.share: none for a group with any suppressed count.
    published = {
        group: {
            g: None if pd.isna(n) else int(n)
            for g, n in zip(rows["gender"], rows["people"], strict=True)
        }
        for group, rows in df.groupby("group", sort=False)
    }
    for gender in GENDER_ORDER:
        rows = df[df["gender"] == gender].set_index("group").reindex(groups)
        # disclosure.share decides whether a group may show shares at all; the bar length is
        # the unrounded fraction of the published counts, so each shown row fills 100%.
        share = pd.Series(
            [
                published[g][gender] / sum(published[g].values())
                if disclosure.share(published[g].get(gender), published[g].values()) is not None
                else None
                for g in groups
            ],
            dtype="float64",
        )
        labels = _published_labels(rows["people"])
        fig.add_bar(
            name=gender, y=groups, x=share.fillna(0), orientation="h",
            marker_color=GENDER_COLORS[gender], customdata=labels,
            hovertemplate="%{y}<br>" + gender + ": %{customdata} people<extra></extra>",
        )  # fmt: skip
    fig.update_layout(barmode="stack", height=max(240, 90 + 36 * len(groups)))
    fig.update_xaxes(tickformat=".0%", range=[0, 1], title="Share of people (blank: a count is <8)")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=groups[::-1])
    return _style(fig, title)


def published_map(df: pd.DataFrame, title: str) -> go.Figure:
    """Published people reached per event country on the offline map; '<8' in the hover."""
    data = _plain_column(df, "country")
    data["label"] = _published_labels(data["people_reached"])
    data["people"] = pd.to_numeric(data["people_reached"], errors="coerce").astype("float64")
    data["shown"] = data["people"].fillna(0)
    fig = px.choropleth_map(
        data,
        geojson=world_geojson(),
        locations="country_code",
        color="shown",
        hover_name="country",
        custom_data=["label", "events"],
        color_continuous_scale="Blues",
        range_color=(0, max(float(data["shown"].max()), 1.0)) if len(data) else None,
        map_style="white-bg",
        center={"lat": 44, "lon": 68},
        zoom=2.0,
        opacity=0.85,
        labels={"shown": "People reached"},
    )
    fig.update_traces(
        hovertemplate="%{hovertext}<br>People reached: %{customdata[0]}"
        "<br>Events: %{customdata[1]:,}<extra></extra>"
    )
    fig.update_layout(height=420)
    return _style(fig, title)
