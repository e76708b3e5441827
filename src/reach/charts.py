"""Plotly figures for the dashboard: one look, one colour per gender, exact hover numbers."""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
import textwrap
from functools import cache

import countryinfo
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from babel.numbers import get_decimal_symbol, get_group_symbol

from . import (
    disclosure,
    i18n,
    labels,  # no Streamlit in it: the one place codes and counts are worded
)
from .i18n import N_, _, n_

# Okabe-Ito: distinguishable with every common kind of colour blindness.
GENDER_COLORS = {
    "female": "#E69F00",
    "male": "#0072B2",
    "other": "#009E73",
    "undisclosed": "#999999",
}
ACCENT = "#0072B2"
SECOND = "#56B4E9"


def _rgb(colour: str) -> tuple[float, float, float, float]:
    """'#1f2328' or 'rgba(86,180,233,0.35)' as (r, g, b, alpha), channels 0-255."""
    colour = colour.strip()
    if colour.startswith("#"):
        r, g, b = (float(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
        return r, g, b, 1.0
    parts = [float(v) for v in colour[colour.index("(") + 1 : colour.index(")")].split(",")]
    return parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0


def over(colour: str, background: str = "#ffffff") -> str:
    """The opaque colour a translucent `colour` shows as over `background`."""
    r, g, b, a = _rgb(colour)
    br, bg, bb, _alpha = _rgb(background)
    mixed = (round(a * c + (1 - a) * d) for c, d in ((r, br), (g, bg), (b, bb)))
    return "#" + "".join(f"{v:02x}" for v in mixed)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 to 21; text wants at least 4.5)."""

    def luminance(colour: str) -> float:
        channels = []
        for c in _rgb(colour)[:3]:
            c /= 255.0
            channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def plain(value: object) -> str:
    """Data text for a chart: plotly reads tags and entities in text, so '<', '>' and '&' are
    written as entities and show as themselves (no link, image or style from the data)."""
    return html.escape(str(value), quote=False)


def _plain_column(df: pd.DataFrame, column: str) -> pd.DataFrame:
    out = df.copy()
    out[column] = out[column].map(plain)
    return out


TITLE_CHARS = 42  # a title line a 390 px phone shows whole (plotly does not wrap titles)


def title_lines(title: str) -> str:
    """A chart title broken into lines that fit a phone, each written as plain text."""
    lines = textwrap.wrap(title, TITLE_CHARS, break_long_words=False) or [""]
    return "<br>".join(plain(line) for line in lines)


def separators() -> str:
    """Plotly's `separators` for the active language: the decimal mark, then the thousands
    separator ('.,' in English; ',' and a no-break space in Russian, Kazakh and Kyrgyz), so
    that the numbers plotly writes itself (ticks, hovers) read as the rest of the page."""
    lang = i18n.active()
    return get_decimal_symbol(lang) + get_group_symbol(lang)


def _style(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        separators=separators(),
        title={
            "text": title_lines(title),
            "font": {"size": 15},
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 16},
        },
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


# The map is drawn offline (no tiles) and fitted on the server, which cannot know how wide the
# browser is: the view is fitted to the narrowest place a map is drawn, a 390 px phone (about
# 330 px of plot), so it never cuts a country off; a wider screen shows more of the grey
# neighbours around it. MapLibre draws the world 512 px wide at zoom 0.
MAP_HEIGHT = 440  # px, the whole figure
MAP_MARGIN = {"l": 10, "r": 10, "t": 80, "b": 60}  # title above, colour bar below
MAP_FIT = (320, MAP_HEIGHT - 80 - 60)  # px of plot the countries must fit in (width, height)
MAP_PAD = 1.12  # room around the countries, as a factor of their extent
MAP_MAX_ZOOM = 7.0
MAP_CONTEXT = "#e6e6e6"  # neighbouring countries, for orientation only
MAP_SCALE = [[0.0, "#c6dbef"], [0.5, "#4292c6"], [1.0, "#08306b"]]  # light end still a colour
_WORLD_PX = 512.0
_MAX_LAT = 80.0


def _points(geometry: dict) -> list[tuple[float, float]]:
    """Every (lon, lat) of a Polygon or MultiPolygon, with long edges filled in every 5°."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    out: list[tuple[float, float]] = []
    for polygon in polygons:
        for ring in polygon:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
                out.append((x0, y0))
                steps = int(abs(x1 - x0) // 5) if abs(x1 - x0) < 180 else 0
                out += [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps)
                        for i in range(1, steps)]  # fmt: skip
    return out


def _lon_arc(lons: list[float]) -> tuple[float, float]:
    """The shortest arc of longitude holding every one of `lons`, as (west, east) with
    west in [-180, 180) and east ≥ west (east past 180 when it crosses the antimeridian)."""
    xs = sorted({x % 360.0 for x in lons})
    if len(xs) == 1:
        return _wrap(xs[0]), _wrap(xs[0])
    # The arc is what is left of the circle outside its largest empty gap.
    gaps = [(xs[i + 1] - xs[i], i + 1) for i in range(len(xs) - 1)]
    gaps.append((xs[0] + 360.0 - xs[-1], 0))
    _gap, start = max(gaps)
    west = xs[start]
    east = xs[start - 1] if start else xs[-1]
    if east < west:
        east += 360.0
    return _wrap(west), _wrap(west) + (east - west)


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


@cache
def country_bounds() -> dict[str, tuple[float, float, float, float]]:
    """(west, east, south, north) of every country outline, keyed by ISO alpha-3."""
    out = {}
    for feature in world_geojson()["features"]:
        points = _points(feature["geometry"])
        west, east = _lon_arc([x for x, _y in points])
        lats = [y for _x, y in points]
        out[feature["id"]] = (west, east, min(lats), max(lats))
    return out


def _merc(lat: float) -> float:
    lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unmerc(y: float) -> float:
    return math.degrees(math.atan(math.sinh(y)))


def map_view(
    codes: list[str], size: tuple[int, int] = MAP_FIT
) -> tuple[dict[str, float], float] | None:
    """The centre and zoom that fit these countries' outlines in a plot of `size` px (width,
    height); None when none of them has an outline."""
    bounds = country_bounds()
    boxes = [bounds[c] for c in dict.fromkeys(codes) if c in bounds]
    if not boxes:
        return None
    west, east = _lon_arc([x for b in boxes for x in _arc_ends(b[0], b[1])])
    south, north = min(b[2] for b in boxes), max(b[3] for b in boxes)
    width, height = size
    span_x = max(east - west, 0.5) * MAP_PAD / 360.0  # share of the world's width
    span_y = max(_merc(north) - _merc(south), 0.01) * MAP_PAD / (2 * math.pi)
    zoom = min(
        math.log2(width / (_WORLD_PX * span_x)),
        math.log2(height / (_WORLD_PX * span_y)),
        MAP_MAX_ZOOM,
    )
    centre = {"lat": _unmerc((_merc(south) + _merc(north)) / 2), "lon": _wrap((west + east) / 2)}
    return centre, round(max(zoom, 0.0), 3)


def _arc_ends(west: float, east: float) -> list[float]:
    """Points along an arc of longitude, so that the arc of many arcs keeps each one whole."""
    steps = max(1, int((east - west) // 10))
    return [west + (east - west) * i / steps for i in range(steps + 1)]


def view_bounds(
    centre: dict[str, float], zoom: float, size: tuple[int, int] = MAP_FIT
) -> tuple[float, float, float, float]:
    """(west, east, south, north) that a plot of `size` px shows at this centre and zoom."""
    world = _WORLD_PX * 2**zoom
    half_x = size[0] / 2 * 360.0 / world
    half_y = size[1] / 2 * 2 * math.pi / world
    mid = _merc(centre["lat"])
    return (
        centre["lon"] - half_x,
        centre["lon"] + half_x,
        _unmerc(mid - half_y),
        _unmerc(mid + half_y),
    )


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two (west, east, south, north) boxes meet, across the antimeridian too."""
    if a[3] < b[2] or b[3] < a[2]:
        return False
    return any(a[0] + shift <= b[1] and b[0] <= a[1] + shift for shift in (-360.0, 0.0, 360.0))


def _map(
    data: pd.DataFrame, values: pd.Series, hover: str, custom: list[str], title: str
) -> go.Figure:
    """A choropleth of `values` per data["country_code"], fitted to those countries, with the
    neighbours in view drawn in grey for orientation."""
    codes = [str(c) for c in data["country_code"]]
    view = map_view(codes)
    centre, zoom = view or ({"lat": 44.0, "lon": 68.0}, 2.0)
    # Neighbours: every country a wide desktop plot would show around the fitted view.
    seen = view_bounds(centre, zoom, (1000, MAP_FIT[1] * 2))
    bounds = country_bounds()
    context = [c for c, box in bounds.items() if c not in codes and _overlaps(box, seen)]

    # Each layer carries only its own shapes: a figure is copied, checked and sent on every
    # draw, and one shared collection was all of them twice.
    def shapes(wanted: list[str]) -> dict:
        keep = set(wanted)
        features = [f for f in world_geojson()["features"] if f["id"] in keep]
        return {"type": "FeatureCollection", "features": features}

    fig = go.Figure()
    fig.add_trace(
        go.Choroplethmap(
            geojson=shapes(context), locations=context, z=[0] * len(context),
            colorscale=[[0, MAP_CONTEXT], [1, MAP_CONTEXT]], showscale=False,
            marker={"line": {"color": "#ffffff", "width": 0.8}}, hoverinfo="skip",
            name=_("Neighbouring countries"), text=[labels.country(c) for c in context],
        )
    )  # fmt: skip
    top = float(values.max()) if len(values) and values.notna().any() else 1.0
    fig.add_trace(
        go.Choroplethmap(
            geojson=shapes(codes), locations=codes, z=values.fillna(0), coloraxis="coloraxis",
            marker={"line": {"color": "#ffffff", "width": 1}, "opacity": 0.95},
            hovertext=data["country"], customdata=data[custom].to_numpy(),
            hovertemplate=hover, name=_("People reached"),
        )
    )  # fmt: skip
    fig.update_layout(
        map={"style": "white-bg", "center": centre, "zoom": zoom},
        coloraxis={
            "colorscale": MAP_SCALE, "cmin": 0, "cmax": max(top, 1.0),
            "colorbar": {
                "orientation": "h", "title": {"text": _("People reached"), "side": "top"},
                "x": 0.5, "xanchor": "center", "y": -0.02, "yanchor": "top",
                "thickness": 10, "len": 0.9, "tickformat": ",d", "outlinewidth": 0,
            },
        },
        height=MAP_HEIGHT,
    )  # fmt: skip
    _style(fig, title)
    fig.update_layout(margin=MAP_MARGIN)
    return fig


# Time axes: plotly would write month names in English ("Jan 2024"), so every chart over
# periods gets its ticks, and its hovers, written here in the active language.
TIME_TICKS = 8  # at most this many period labels on a time axis
TICK_CHARS = 72  # and no more characters in all of them: long labels ("1-й кв. 2024 г.") fewer
_TICK_STEPS = {
    "month": (1, 2, 3, 6, 12, 24, 60),
    "quarter": (1, 2, 4, 8, 20),
    "year": (1, 2, 5, 10),
}
_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def period_label(period: object, grain: str) -> str:
    """A period (its first day) as a time axis writes it: 'Jan 2024' / 'янв. 2024 г.' for a
    month, 'Q1 2024' / '1-й кв. 2024 г.' for a quarter, '2024' for a year."""
    day = pd.Timestamp(period).date()
    if grain == "year":
        return str(day.year)
    return i18n.month(day, quarter=grain == "quarter")


def period_name(period: object) -> str:
    """A published period as written: a year ('2024') as it is, a quarter ('2024-Q3') in the
    active language ('Q3 2024', '3-й кв. 2024 г.'); anything else as it is."""
    text = str(period)
    found = _QUARTER.match(text)
    if not found:
        return text
    year, quarter = int(found.group(1)), int(found.group(2))
    return i18n.month(dt.date(year, 3 * quarter - 2, 1), quarter=True)


def _index(day: dt.date, grain: str) -> int:
    """A period's place in a count of periods since year 0 (months, quarters or years)."""
    per = _PER_YEAR[grain]
    return day.year * per + (day.month - 1) * per // 12


def _most_ticks(labels: list[str]) -> int:
    """How many of these labels an axis has room for: TIME_TICKS short ones, fewer long ones."""
    longest = max((len(label) for label in labels), default=1)
    return max(3, min(TIME_TICKS, TICK_CHARS // (longest + 2)))


def _every_nth(count: int, steps: tuple[int, ...], most: int = TIME_TICKS) -> int:
    """The smallest step that leaves at most `most` of `count` ticks."""
    return next((s for s in steps if math.ceil(count / s) <= most), steps[-1])


def time_axis(fig: go.Figure, periods: pd.Series, grain: str) -> go.Figure:
    """Write a date x axis's ticks in the active language: at most TIME_TICKS of the periods
    (fewer when their labels are long), on round ones (every other quarter, every January…),
    each as `period_label` writes it, or as its year when the ticks are a year or more apart."""
    days = sorted({pd.Timestamp(p).date() for p in periods if not pd.isna(p)})
    if not days:
        return fig
    steps = _TICK_STEPS[grain]
    step = _every_nth(len(days), steps, _most_ticks([period_label(d, grain) for d in days[:2]]))
    label = grain
    if step >= _PER_YEAR[grain]:
        # A tick every January (or every other…): the year alone says it, and is short.
        label = "year"
        step = _every_nth(len(days), tuple(s for s in steps if s >= _PER_YEAR[grain]))
    shown = [d for d in days if _index(d, grain) % step == 0] or days[:1]
    fig.update_xaxes(
        tickmode="array",
        tickvals=[dt.datetime(d.year, d.month, d.day) for d in shown],
        ticktext=[period_label(d, label) for d in shown],
    )
    return fig


def _with_period_labels(df: pd.DataFrame, grain: str) -> pd.DataFrame:
    """The frame with `_period`, each row's period as hovers and ticks write it."""
    out = df.copy()
    out["_period"] = [period_label(p, grain) for p in out["period"]]
    return out


def category_periods(fig: go.Figure, values: list[str], axis: str = "x") -> go.Figure:
    """Published periods ('2023', '2023-Q3') on a category axis, written as `period_name`
    does, at most TIME_TICKS of them."""
    most = _most_ticks([period_name(v) for v in values[:2]])
    step = _every_nth(len(values), (1, 2, 3, 4, 5, 10), most)
    shown = values[::step]
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(tickmode="array", tickvals=shown, ticktext=[period_name(v) for v in shown])
    return fig


def share_axis(top: float = 1.0, step: float = 0.2) -> dict:
    """An axis of shares from 0 to `top`, its ticks written as percentages the active
    language's way ('40%', '40 %')."""
    ticks = [round(i * step, 6) for i in range(int(round(top / step)) + 1)]
    return {
        "range": [0, top],
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [i18n.percent(t) for t in ticks],
    }


def people_text(n: int | None) -> str:
    """A count of people with its noun, in the active language: '1 person', '1,204 people';
    a suppressed count '<8 people'."""
    if n is None or pd.isna(n):
        # '<8' reads as the plural of eight.
        return n_("{n} person", "{n} people", 8).format(n=disclosure.RULE.suppressed_text)
    return n_("{n} person", "{n} people", int(n)).format(n=i18n.number(int(n)))


def events_text(n: int) -> str:
    """A count of events with its noun, in the active language: '1 event', '12 events'."""
    return n_("{n} event", "{n} events", int(n)).format(n=i18n.number(int(n)))


def _period_hover() -> str:
    return "%{customdata[0]}<br>%{fullData.name}: %{y:,}<extra></extra>"


def cumulative_reach(df: pd.DataFrame, title: str) -> go.Figure:
    """Running total of unique people reached."""
    fig = px.area(
        _with_period_labels(df, "month"),
        x="period",
        y="cumulative_people",
        labels={"period": "", "cumulative_people": _("People reached (cumulative)")},
        custom_data=["_period", "new_people"],
        color_discrete_sequence=[ACCENT],
    )
    fig.update_traces(
        hovertemplate="%{customdata[0]}<br>"
        + _("People reached so far")
        + ": %{y:,}<br>"
        # Translators: in a hover, people reached for the first time in the month.
        + _("New")
        + ": %{customdata[1]:,}<extra></extra>"
    )
    return _style(time_axis(fig, df["period"], "month"), title)


def country_map(df: pd.DataFrame, title: str) -> go.Figure:
    """People reached per event country on an offline map fitted to those countries."""
    data = _plain_column(df, "country")
    hover = (
        "<b>%{hovertext}</b><br>"
        + _("People reached")
        + ": %{z:,}<br>"
        + _("Events")
        + ": %{customdata[0]:,}<extra></extra>"
    )
    return _map(data, data["people_reached"].astype("float64"), hover, ["events"], title)


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


def gender_names() -> list[str]:
    """The genders as a legend shows them ("Female"), in order, in the active language."""
    return [labels.gender(g) for g in GENDER_ORDER]


def gender_name_colors() -> dict[str, str]:
    """The gender colours keyed by the words a legend shows, in the active language."""
    return {labels.gender(g): c for g, c in GENDER_COLORS.items()}


# The two groups of a gender breakdown (reach.metrics, reach.donor) are keys in English,
# worded where shown.
BREAKDOWN_GROUPS = (N_("People reached"), N_("Trainers"))


def group_name(group: object) -> str:
    """A group of a gender or age chart as written: the breakdown's 'People reached' and
    'Trainers' and published quarters ('2024-Q3') in the active language, the rest as is."""
    text = str(group)
    return _(text) if text in BREAKDOWN_GROUPS else period_name(text)


def _gender_words(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["gender"] = out["gender"].map(labels.gender)
    return out


def _long(df: pd.DataFrame, series: dict[str, str], grain: str) -> pd.DataFrame:
    """Columns of `series` ({column: label}) stacked into (period, measure, n) rows, with
    each period as written (`_period`)."""
    long = df.melt(id_vars="period", value_vars=list(series), var_name="measure", value_name="n")
    long["measure"] = long["measure"].map(series)
    return _with_period_labels(long, grain)


def period_lines(df: pd.DataFrame, series: dict[str, str], title: str, grain: str) -> go.Figure:
    """One line per column of `series` ({column: label}) over `period`."""
    long = _long(df, series, grain)
    fig = px.line(
        long,
        x="period",
        y="n",
        color="measure",
        markers=True,
        labels={"period": "", "n": "", "measure": ""},
        color_discrete_sequence=[ACCENT, "#E69F00", "#009E73"],
        line_dash="measure",
        custom_data=["_period"],
    )
    fig.update_traces(hovertemplate=_period_hover())
    return _style(time_axis(fig, df["period"], grain), title)


def stacked_periods(df: pd.DataFrame, series: dict[str, str], title: str, grain: str) -> go.Figure:
    """Stacked bars per period, one colour per column of `series`."""
    long = _long(df, series, grain)
    fig = px.bar(
        long,
        x="period",
        y="n",
        color="measure",
        labels={"period": "", "n": _("People"), "measure": ""},
        color_discrete_sequence=[ACCENT, SECOND],
        custom_data=["_period"],
    )
    fig.update_traces(hovertemplate=_period_hover())
    return _style(time_axis(fig, df["period"], grain), title)


def reach_split(df: pd.DataFrame, label: str, title: str) -> go.Figure:
    """Direct and cascade reach per group, stacked, largest on top."""
    data = _plain_column(df, label).sort_values("people_reached")
    long = data.melt(
        id_vars=label,
        value_vars=["direct_reach", "cascade_reach"],
        var_name="kind",
        value_name="people",
    )
    kinds = {
        # Translators: a legend entry: people reached directly (at root trainings).
        "direct_reach": _("Direct"),
        "cascade_reach": _("Through cascades"),
    }
    long["kind"] = long["kind"].map(kinds)
    fig = px.bar(
        long,
        x="people",
        y=label,
        color="kind",
        orientation="h",
        labels={"people": _("People reached"), label: "", "kind": ""},
        color_discrete_sequence=[ACCENT, SECOND],
    )
    fig.update_traces(hovertemplate="%{y}<br>%{fullData.name}: %{x:,}<extra></extra>")
    fig.update_layout(height=max(260, 80 + 40 * len(df)))
    return _style(fig, title)


def gender_bars(df: pd.DataFrame, group: str, title: str, percent: bool = False) -> go.Figure:
    """People by gender per group, stacked in the fixed gender colours (shares if percent)."""
    data = _gender_words(df)
    data[group] = [plain(group_name(g)) for g in data[group]]
    totals = data.groupby(group)["people"].transform("sum")
    data["share"] = data["people"] / totals.where(totals > 0)
    data["_people"] = [people_text(n) for n in data["people"]]
    data["_share"] = [i18n.percent(0.0 if pd.isna(s) else float(s), 1) for s in data["share"]]
    fig = px.bar(
        data,
        x="share" if percent else "people",
        y=group,
        color="gender",
        orientation="h",
        category_orders={"gender": gender_names()},
        color_discrete_map=gender_name_colors(),
        custom_data=["_people", "_share"],
        labels={"share": _("Share of people"), "people": _("People"), group: "", "gender": ""},
    )
    fig.update_traces(
        hovertemplate="%{y}<br>%{fullData.name}: %{customdata[0]} (%{customdata[1]})<extra></extra>"
    )
    if percent:
        fig.update_xaxes(**share_axis())
    fig.update_layout(height=max(240, 90 + 36 * data[group].nunique()))
    return _style(fig, title)


def gender_periods(df: pd.DataFrame, title: str, grain: str) -> go.Figure:
    """People reached by gender per period, stacked."""
    fig = px.bar(
        _with_period_labels(_gender_words(df), grain),
        x="period",
        y="people",
        color="gender",
        category_orders={"gender": gender_names()},
        color_discrete_map=gender_name_colors(),
        labels={"period": "", "people": _("People"), "gender": ""},
        custom_data=["_period"],
    )
    fig.update_traces(hovertemplate=_period_hover())
    return _style(time_axis(fig, df["period"], grain), title)


def share_histogram(bands: pd.DataFrame, threshold: float, title: str) -> go.Figure:
    """How many events fall in each band of women's share; bands below the threshold stand out."""
    data = bands.copy()
    data["band"] = [
        f"{i18n.percent(lo)}–{i18n.percent(hi)}"
        for lo, hi in zip(data["share_from"], data["share_to"], strict=True)
    ]
    below, above = _("Below threshold"), _("At or above")
    data["flag"] = data["below_threshold"].map({True: below, False: above})
    data["_events"] = [events_text(n) for n in data["events"]]
    fig = px.bar(
        data,
        x="band",
        y="events",
        color="flag",
        color_discrete_map={below: "#D55E00", above: ACCENT},
        labels={
            "band": _("Women's share of the event's participants"),
            "events": _("Events"),
            "flag": "",
        },
        custom_data=["_events"],
    )
    fig.update_traces(
        # Translators: a hover: "Women's share 40%–50%: 3 events".
        hovertemplate=_("Women's share") + " %{x}: %{customdata[0]}<extra></extra>"
    )
    fig.update_xaxes(categoryorder="array", categoryarray=list(data["band"]))
    return _style(fig, title)


# Donor charts: published counts (nullable, NA = "<8"). A suppressed count draws no bar and
# says "<8" in its label and hover; nothing on a donor chart shows an exact small number.


def _published_labels(values: pd.Series) -> list[str]:
    return [disclosure.text(None if pd.isna(v) else int(v)) for v in values]


def _numbers(values: pd.Series) -> pd.Series:
    """Published counts as floats for plotting (NaN where suppressed)."""
    return pd.to_numeric(values, errors="coerce").astype("float64")


# The cascade flow: one row per program, one column per cascade level. Plotly's Sankey sizes a
# node by the larger of the flows in and out of it, so a root of 677 people feeding a level of
# 1,801 is drawn 1,801 tall, and a program with no step-down (no flow) is not drawn at all.
# People reached at successive levels are not a conserved flow, so the chart is drawn here
# instead: each node is a bar exactly as tall as the people reached at its level (direct reach
# at the root), on one scale for every program, and a ribbon joins it to the next level,
# widening or narrowing as the cascade multiplies or thins out.
FLOW_TEXT = "#1f2328"  # labels: dark text on white and on the pale ribbons
FLOW_NODE = ACCENT
FLOW_RIBBON = "rgba(86,180,233,0.35)"
FLOW_NODE_WIDTH = 0.14  # of the distance between two levels
FLOW_TALLEST_PX = 190  # the largest node, in px
FLOW_ROW_PX = 30  # room above each program's nodes for its name
FLOW_GAP_PX = 18  # between one program's nodes and the next program's name
FLOW_TOP_PX = 110  # title and the level names above the first program
FLOW_NAME_CHARS = 48  # a longer program name is cut (in full on hover)


def level_name(level: int) -> str:
    """'Root trainings' for level 0, else 'Level N', in the active language."""
    # Translators: the first column of the cascade flow: the trainings a cascade starts from.
    return _("Root trainings") if level == 0 else _("Level {n}").format(n=level)


def flow_layout(levels: pd.DataFrame, value: str = "people") -> pd.DataFrame:
    """Where each node of the cascade flow goes: `levels` (program, level, `value`, in any
    order) with the node's `value`, the bottom and top of its bar (`y0`, `y1`) on a scale of
    people, and `name_y`, the foot of the program's name above its nodes. Programs are stacked
    top down, the one reaching the most people first. A suppressed (NA) value is 0 tall."""
    out = levels.reset_index(drop=True).copy()
    out["value"] = _numbers(out[value]).fillna(0.0)
    # The program that reaches the most people on top (ties: in the order given).
    totals = out.groupby("program", sort=False)["value"].sum()
    programs = list(totals.sort_values(ascending=False, kind="stable").index)
    tallest = max(float(out["value"].max()) if len(out) else 0.0, 1.0)
    per_px = tallest / FLOW_TALLEST_PX  # people per px: one scale for every program
    for column in ("y0", "y1", "name_y"):
        out[column] = 0.0
    top = 0.0
    for program in programs:
        rows = out["program"] == program
        height = float(out.loc[rows, "value"].max())
        top -= FLOW_ROW_PX * per_px  # the program's name sits in this strip
        middle = top - height / 2
        out.loc[rows, "y0"] = middle - out.loc[rows, "value"] / 2
        out.loc[rows, "y1"] = middle + out.loc[rows, "value"] / 2
        out.loc[rows, "name_y"] = top + 4 * per_px
        top -= height + FLOW_GAP_PX * per_px
    out.attrs["bottom"] = top
    out.attrs["per_px"] = per_px
    return out


def _ribbon(x0: float, a: tuple[float, float], x1: float, b: tuple[float, float]) -> tuple:
    """A smooth band from the span `a` at x0 to the span `b` at x1, as a closed outline."""
    steps = [i / 16 for i in range(17)]
    ease = [(1 - math.cos(math.pi * t)) / 2 for t in steps]
    xs = [x0 + (x1 - x0) * t for t in steps]
    upper = [a[1] + (b[1] - a[1]) * e for e in ease]
    lower = [a[0] + (b[0] - a[0]) * e for e in ease]
    return xs + xs[::-1] + [None], upper + lower[::-1] + [None]


def _flow(levels: pd.DataFrame, value: str, shown: list[str], hover: list[str], title: str):
    """The cascade flow of `levels` (program, level, `value`), labelled with `shown`."""
    layout = flow_layout(levels.assign(shown=shown, hover=hover), value)
    w = FLOW_NODE_WIDTH
    depth = int(layout["level"].max()) if len(layout) else 0
    fig = go.Figure()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for _program, part in layout.sort_values("y1", ascending=False).groupby("program", sort=False):
        part = part.sort_values("level")
        for a, b in zip(part.iloc[:-1].itertuples(), part.iloc[1:].itertuples(), strict=True):
            x, y = _ribbon(a.level + w / 2, (a.y0, a.y1), b.level - w / 2, (b.y0, b.y1))
            xs += x
            ys += y
    fig.add_trace(
        go.Scatter(x=xs, y=ys, fill="toself", fillcolor=FLOW_RIBBON, mode="lines",
                   line={"width": 0}, hoverinfo="skip", showlegend=False, name="ribbons")
    )  # fmt: skip
    fig.add_trace(
        go.Bar(
            x=layout["level"], y=layout["value"], base=layout["y0"], width=w, name="nodes",
            ids=[f"{p} · {lv}" for p, lv in zip(layout["program"], layout["level"], strict=True)],
            marker={"color": FLOW_NODE, "line": {"color": FLOW_NODE, "width": 1}},
            customdata=layout["hover"], hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=layout["level"] + w / 2 + 0.03, y=(layout["y0"] + layout["y1"]) / 2,
            text=layout["shown"], mode="text", textposition="middle right",
            textfont={"color": FLOW_TEXT, "size": 13}, hoverinfo="skip", showlegend=False,
            name="values",
        )
    )  # fmt: skip
    for program, part in layout.sort_values("y1", ascending=False).groupby("program", sort=False):
        name = str(program)
        if len(name) > FLOW_NAME_CHARS:
            name = name[: FLOW_NAME_CHARS - 1].rstrip() + "…"
        fig.add_annotation(
            x=-w / 2, y=part["name_y"].iloc[0], text=f"<b>{plain(name)}</b>", showarrow=False,
            xanchor="left", yanchor="bottom", xref="x", yref="y",
            font={"color": FLOW_TEXT, "size": 13},
        )  # fmt: skip
    per_px = layout.attrs["per_px"]
    # Level names as annotations at each column's left edge, not axis ticks: a tick centred on
    # the first column is cut in half on a phone (and then hidden).
    for lv in range(depth + 1):
        fig.add_annotation(
            x=lv - w / 2, y=1, xref="x", yref="paper", yanchor="bottom", xanchor="left",
            text=level_name(lv), showarrow=False, font={"color": FLOW_TEXT, "size": 12},
        )  # fmt: skip
    fig.update_xaxes(range=[-w / 2 - 0.02, depth + 0.62], visible=False, fixedrange=True)
    fig.update_yaxes(range=[layout.attrs["bottom"] + 4 * per_px, 0], visible=False, fixedrange=True)
    height = FLOW_TOP_PX + (-layout.attrs["bottom"]) / per_px
    _style(fig, title)
    fig.update_layout(
        height=round(height), margin={"l": 10, "r": 10, "t": FLOW_TOP_PX - 10, "b": 10},
        bargap=0, plot_bgcolor="#ffffff", hovermode="closest",
    )  # fmt: skip
    return fig


def cascade_sankey(levels: pd.DataFrame, title: str) -> go.Figure:
    """Per program, people reached at each cascade level (direct reach at the root), each
    node as tall as its people, joined level to level; programs without cascades too."""
    hover = []
    for row in levels.itertuples(index=False):
        n = int(row.people)
        if row.level == 0:
            reached = n_("{n} person reached directly", "{n} people reached directly", n)
        else:
            reached = n_("{n} person reached at this level", "{n} people reached at this level", n)
        # Translators: follows "6 people reached at this level, " in a hover.
        held = n_("in {n} event", "in {n} events", int(row.events))
        lines = [
            f"<b>{plain(row.program)}</b> · {level_name(row.level)}",
            reached.format(n=i18n.number(n)) + ", " + held.format(n=i18n.number(int(row.events))),
        ]
        if row.headcount_people:
            # Translators: {n} of the people reached at a cascade level were counted from the
            # headcounts events reported (no attendance list).
            heads = _("{n} of them from reported headcounts")
            lines.append(heads.format(n=i18n.number(int(row.headcount_people))))
        hover.append("<br>".join(lines))
    shown = [i18n.number(int(v)) for v in levels["people"]]
    return _flow(levels, "people", shown, hover, title)


def published_cascade(levels: pd.DataFrame, title: str) -> go.Figure:
    """The cascade flow of published counts: '<8' where a level's count is suppressed (drawn
    as a line)."""
    shown = _published_labels(levels["people_reached"])
    reached = _("People reached")
    hover = [
        f"<b>{plain(p)}</b> · {level_name(lv)}<br>{reached}: {s}<br>{events_text(int(e))}"
        for p, lv, s, e in zip(levels["program"], levels["level"], shown, levels["events"],
                               strict=True)
    ]  # fmt: skip
    return _flow(levels, "people_reached", shown, hover, title)


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
    """Stacked bars of published counts per category (periods, programs), one per series.
    Periods ('2024', '2024-Q3') are written in the active language on the axis and hovers."""
    fig = go.Figure()
    periods = x == "period"
    written = [plain(period_name(v) if periods else v) for v in df[x]]
    df = _plain_column(df, x)
    # A period without events (kept so the axis shows the gap) says so, not "<8".
    empty = (df["events"] == 0).tolist() if "events" in df.columns else [False] * len(df)
    for (column, name), colour in zip(series.items(), [ACCENT, SECOND, "#E69F00"], strict=False):
        shown = [
            _("no events") if none else text
            for none, text in zip(empty, _published_labels(df[column]), strict=True)
        ]
        values = _numbers(df[column]).fillna(0)
        axis = {"x": values, "y": df[x]} if horizontal else {"x": df[x], "y": values}
        fig.add_bar(
            name=name, orientation="h" if horizontal else "v", marker_color=colour,
            customdata=list(zip(written, shown, strict=True)), text=shown,
            textposition="inside", **axis,
            hovertemplate="%{customdata[0]}" + f"<br>{plain(name)}: %{{customdata[1]}}"
            "<extra></extra>",
        )  # fmt: skip
    fig.update_layout(barmode="stack")
    if horizontal:
        fig.update_layout(height=max(260, 80 + 40 * len(df)))
        fig.update_yaxes(type="category")
    else:
        fig.update_xaxes(type="category")
        if periods:
            category_periods(fig, list(df[x]))
    return _style(fig, title)


def published_gender(df: pd.DataFrame, title: str) -> go.Figure:
    """People by gender per group as shares of the published counts; '<8' where suppressed."""
    fig = go.Figure()
    df = df.copy()
    df["group"] = [plain(group_name(g)) for g in df["group"]]
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
        counts = [None if pd.isna(n) else int(n) for n in rows["people"]]
        fig.add_bar(
            name=labels.gender(gender), y=groups, x=share.fillna(0), orientation="h",
            marker_color=GENDER_COLORS[gender], customdata=_published_labels(rows["people"]),
            hovertext=[people_text(n) for n in counts],
            hovertemplate="%{y}<br>%{fullData.name}: %{hovertext}<extra></extra>",
        )  # fmt: skip
    fig.update_layout(barmode="stack", height=max(240, 90 + 36 * len(groups)))
    fig.update_xaxes(**share_axis(), title=_("Share of people (blank: a count is <8)"))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=groups[::-1])
    return _style(fig, title)


def published_map(df: pd.DataFrame, title: str) -> go.Figure:
    """Published people reached per event country on the offline map; '<8' in the hover."""
    data = _plain_column(df, "country")
    data["label"] = _published_labels(data["people_reached"])
    hover = (
        "<b>%{hovertext}</b><br>"
        + _("People reached")
        + ": %{customdata[0]}<br>"
        + _("Events")
        + ": %{customdata[1]:,}<extra></extra>"
    )
    return _map(data, _numbers(data["people_reached"]), hover, ["label", "events"], title)
