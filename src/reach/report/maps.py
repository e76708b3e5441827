"""Maps for the printed report: a MapLibre choropleth redrawn as plain SVG shapes.

A `go.Choroplethmap` is drawn with WebGL, so kaleido's SVG of it holds a blurry raster image.
`vector_map` draws the same view with filled cartesian scatter traces instead, in Web Mercator
(x = longitude in degrees, y = the Mercator ordinate scaled to degrees, so one unit is as long
on both axes), which print as sharp paths and keep their text as text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from reach import charts, i18n

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # the outer ring first, then its holes

# MapLibre's world ends here (the latitude where Web Mercator is square); shapes reaching past
# it (Antarctica) are flattened onto it, as on the map.
MAX_LAT = 85.0511287798
# Plotly's margins when a figure sets none: the plot area, and so the view, depends on them.
DEFAULT_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}
LABEL_TEXT = "#1f2328"
LABEL_HALO = "rgba(255,255,255,0.8)"  # light box behind a label: legible on the darkest blue
LABEL_SIZE = 11  # px
LABEL_CHAR = 0.62  # a DejaVu Sans character's width, in font sizes (a little over the average)
LABEL_PAD = 2  # px between a label's text and the edge of its box


def mercator(lat: float) -> float:
    """The Web Mercator ordinate of a latitude, in degrees-equivalent (the equator is 0)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def vector_map(
    fig: go.Figure, width: int, height: int, labels: dict[str, str] | None = None
) -> go.Figure:
    """The map figure `fig` (choroplethmap traces) redrawn as vector shapes for a report."""
    layout = fig.layout
    given = layout.margin.to_plotly_json()
    margin = {**given, **{side: given.get(side, px) for side, px in DEFAULT_MARGIN.items()}}
    plot = (width - margin["l"] - margin["r"], height - margin["t"] - margin["b"])
    centre = {
        "lat": layout.map.center.lat if layout.map.center.lat is not None else 0.0,
        "lon": layout.map.center.lon if layout.map.center.lon is not None else 0.0,
    }
    zoom = layout.map.zoom if layout.map.zoom is not None else 1.0
    west, east, south, north = charts.view_bounds(centre, zoom, plot)
    view = (west, east, mercator(south), mercator(north))

    out = go.Figure()
    axes: dict[str, tuple[list, float, float]] = {}  # colour axis -> scale, cmin, cmax
    shapes: dict[str, list[Polygon]] = {}  # ISO3 -> its polygons as drawn, for the labels
    for trace in fig.data:
        if not isinstance(trace, go.Choroplethmap):
            continue
        scale, low, high, reverse = _scale(fig, trace)
        if trace.coloraxis:
            axes[trace.coloraxis] = (scale, low, high)
        features = _features(trace)
        fills: dict[str, list[str]] = {}  # colour -> ISO3 codes
        rings: dict[str, list[Ring]] = {}  # ISO3 -> rings in view
        locations = trace.locations if trace.locations is not None else ()
        for code, z in zip(locations, trace.z if trace.z is not None else (), strict=False):
            feature = features.get(code)
            if feature is None or z is None or math.isnan(z):
                continue  # plotly draws no location without an outline or without a value
            polygons = _project(feature["geometry"], centre["lon"])
            shapes[code] = polygons
            rings[code] = [c for p in polygons for r in p for c in _copies(r, view)]
            share = (z - low) / (high - low) if high > low else 0.0
            share = min(1.0, max(0.0, 1.0 - share if reverse else share))
            fills.setdefault(sample_colorscale(scale, [share])[0], []).append(code)
        # MapLibre fills every country of a trace, then draws their borders on top: so do the
        # traces here, or a neighbour's fill would cover half of each shared border. Fills are
        # opaque: the map's 0.95 opacity over white only paled them a little, and the colour
        # bar shows the scale's own colours.
        for colour, codes in fills.items():
            x, y = _path(r for c in codes for r in rings[c])
            out.add_scatter(
                x=x, y=y, fill="toself", fillcolor=colour, mode="none", name=trace.name, meta=codes
            )
        line = trace.marker.line  # plotly's defaults: #444, 1 px
        border = {
            "color": line.color or "#444444",
            "width": 1 if line.width is None else line.width,
        }
        x, y = _path(r for codes in fills.values() for c in codes for r in rings[c])
        out.add_scatter(x=x, y=y, mode="lines", line=border, name=f"{trace.name} (borders)")

    # The colour bar, drawn as a row of small rectangles: WeasyPrint does not paint SVG
    # gradients, and plotly's colour bar is one.
    for name, (scale, low, high) in axes.items():
        title = layout[name].colorbar.title.text or ""
        for shape in _colour_bar(scale, low, high, title, margin["b"] / plot[1]):
            (out.add_shape if shape.pop("_kind") == "shape" else out.add_annotation)(shape)
    out.update_traces(hoverinfo="skip", showlegend=False)

    for label in _labels(labels or {}, shapes, view, plot):
        out.add_annotation(label)

    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": True}
    out.update_layout(
        title=layout.title,
        font=layout.font,
        # No room is added for the colour bar or title: the plot area, and with it the view,
        # stays the size the view was computed for.
        margin={**margin, "autoexpand": False},
        width=width,
        height=height,
        xaxis={**hidden, "range": [view[0], view[1]]},
        # One degree of longitude is one unit of Mercator ordinate: the aspect is true.
        yaxis={**hidden, "range": [view[2], view[3]], "scaleanchor": "x", "scaleratio": 1},
        showlegend=False,
        hovermode=False,
        separators=layout.separators,
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    return out


BAR_STEPS = 48  # rectangles in the printed colour bar: smooth at print size
BAR_SPAN = (0.05, 0.95)  # of the plot's width


def _nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values from low to high (1, 2 or 5 times a power of ten apart)."""
    if high <= low:
        return [low]
    raw = (high - low) / (most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) // step) + 1)]


def _colour_bar(
    scale: list, low: float, high: float, title: str, below: float
) -> list[dict[str, Any]]:
    """Shapes and annotations of a horizontal colour bar under the plot (paper coordinates;
    `below` is the bottom margin as a share of the plot's height)."""
    left, right = BAR_SPAN
    top, bottom = -below * 0.38, -below * 0.55
    items: list[dict[str, Any]] = []
    colours = sample_colorscale(scale, [i / (BAR_STEPS - 1) for i in range(BAR_STEPS)])
    width = (right - left) / BAR_STEPS
    for i, colour in enumerate(colours):
        x0 = left + i * width
        items.append({
            "_kind": "shape", "type": "rect", "xref": "paper", "yref": "paper",
            "x0": x0, "x1": x0 + width * 1.02, "y0": bottom, "y1": top,
            "fillcolor": colour, "line": {"width": 0}, "layer": "above",
        })  # fmt: skip
    if title:
        items.append({
            "_kind": "annotation", "text": title, "xref": "paper", "yref": "paper",
            "x": (left + right) / 2, "y": top, "yanchor": "bottom", "showarrow": False,
        })  # fmt: skip
    for tick in _nice_ticks(low, high):
        share = (tick - low) / (high - low) if high > low else 0.0
        items.append({
            "_kind": "annotation", "text": i18n.number(tick), "xref": "paper", "yref": "paper",
            "x": left + share * (right - left), "y": bottom, "yanchor": "top",
            "showarrow": False, "font": {"size": 10},
        })  # fmt: skip
    return items


def _scale(fig: go.Figure, trace: go.Choroplethmap) -> tuple[list, float, float, bool]:
    """The trace's colorscale, the z at its two ends, and whether it is reversed."""
    source = fig.layout[trace.coloraxis] if trace.coloraxis else trace
    low, high = (source.cmin, source.cmax) if trace.coloraxis else (trace.zmin, trace.zmax)
    if low is None or high is None:
        # Unset, plotly spans the values of every trace sharing the scale.
        values = [
            float(z)
            for t in fig.data
            if t is trace or (trace.coloraxis and getattr(t, "coloraxis", None) == trace.coloraxis)
            for z in (t.z if t.z is not None else ())
            if z is not None and not math.isnan(z)
        ] or [0.0]
        low = min(values) if low is None else low
        high = max(values) if high is None else high
    # Unset, the scale is Reach's map scale (plotly's own default depends on the template).
    scale = [list(stop) for stop in source.colorscale or charts.MAP_SCALE]
    return scale, float(low), float(high), bool(source.reversescale)


def _features(trace: go.Choroplethmap) -> dict[str, dict]:
    """The trace's outlines keyed as its `locations` name them."""
    geojson = trace.geojson if isinstance(trace.geojson, dict) else charts.world_geojson()
    path = (trace.featureidkey or "id").split(".")
    out = {}
    for feature in geojson.get("features", []):
        key = feature
        for part in path:
            key = key.get(part) if isinstance(key, dict) else None
        if key is not None and feature.get("geometry"):
            out[str(key)] = feature
    return out


def _project(geometry: dict, centre_lon: float) -> list[Polygon]:
    """A Polygon or MultiPolygon in map coordinates: each ring whole on the side of the
    antimeridian nearest the view, outer rings anticlockwise and holes clockwise."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    elif geometry["type"] != "MultiPolygon":
        return []
    out = []
    for polygon in polygons:
        rings = [_ring(ring, centre_lon) for ring in polygon]
        if not rings or rings[0] is None:
            continue
        # Holes are cut by winding (plotly fills with SVG's nonzero rule): the outer ring and
        # its holes must turn opposite ways, whatever the GeoJSON's convention.
        out.append([_wind(r, hole=i > 0) for i, r in enumerate(rings) if r is not None])
    return out


def _ring(ring: Sequence[Sequence[float]], centre_lon: float) -> Ring | None:
    """One ring in map coordinates, or None when it encloses nothing."""
    if len(ring) < 3:
        return None
    # Each step takes the short way round: a ring crossing the antimeridian stays in one piece
    # (179.9 then 180.1, not 179.9 then -179.9, which would streak across the whole map).
    lons = [float(ring[0][0])]
    for lon, *_ in ring[1:]:
        lons.append(lon + 360.0 * round((lons[-1] - lon) / 360.0))
    points = [(x, mercator(p[1])) for x, p in zip(lons, ring, strict=True)]
    if abs(lons[-1] - lons[0]) > 180:
        # It goes round a pole (Antarctica): close it along the edge of the world instead.
        edge = mercator(math.copysign(90.0, sum(p[1] for p in ring)))
        points += [(lons[-1], edge), (lons[0], edge), points[0]]
    elif points[0] != points[-1]:
        points.append(points[0])
    # The whole ring on the side of the antimeridian nearest the view's centre.
    xs = [x for x, _ in points]
    shift = 360.0 * round((centre_lon - (min(xs) + max(xs)) / 2) / 360.0)
    points = [(x + shift, y) for x, y in points]
    if len(set(points)) < 3 or _area(points) == 0:
        return None
    return points


def _area(ring: Ring) -> float:
    """Signed area (shoelace): positive when the ring turns anticlockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _wind(ring: Ring, hole: bool) -> Ring:
    return ring[::-1] if (_area(ring) < 0) != hole else ring


def _copies(ring: Ring, view: tuple[float, float, float, float]) -> list[Ring]:
    """The ring as often as the view shows it: once, or none when it is out of sight (the SVG
    carries nothing unseen). A view wider than the world shows a second copy too, as MapLibre
    repeats the world side by side."""
    xs = [x for x, _ in ring]
    ys = [y for _, y in ring]
    if min(ys) > view[3] or max(ys) < view[2]:
        return []
    return [
        [(x + shift, y) for x, y in ring]
        for shift in (-360.0, 0.0, 360.0)
        if min(xs) + shift <= view[1] and max(xs) + shift >= view[0]
    ]


def _path(rings: Iterable[Ring]) -> tuple[list[float | None], list[float | None]]:
    """Rings as one trace's x and y, split by None so each is filled on its own."""
    x: list[float | None] = []
    y: list[float | None] = []
    for ring in rings:
        x += [round(p[0], 4) for p in ring] + [None]
        y += [round(p[1], 4) for p in ring] + [None]
    return x, y


def _label_point(polygons: list[Polygon]) -> Point | None:
    """A point inside the largest polygon, near its centroid: the middle of its widest stretch
    along the line of latitude through the centroid (a centroid can fall outside a crescent)."""
    if not polygons:
        return None
    polygon = max(polygons, key=lambda p: abs(_area(p[0])))
    outer = polygon[0]
    area = _area(outer)
    pairs = list(zip(outer, outer[1:], strict=False))
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    # Where the line y = cy crosses the polygon's edges (holes too), west to east: inside
    # between the first and second crossing, the third and fourth, and so on.
    crossings = sorted(
        x0 + (cy - y0) * (x1 - x0) / (y1 - y0)
        for ring in polygon
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)
        if (y0 <= cy) != (y1 <= cy)
    )
    spans = list(zip(crossings[::2], crossings[1::2], strict=False))
    if not spans:
        return None
    start, end = max(spans, key=lambda s: s[1] - s[0])
    return (start + end) / 2, cy


def _labels(
    labels: dict[str, str],
    shapes: dict[str, list[Polygon]],
    view: tuple[float, float, float, float],
    plot: tuple[int, int],
) -> list[dict]:
    """Annotations writing each label on its country; a label that would cover one already
    placed (small neighbours: Kyrgyzstan beside Uzbekistan) moves up or down and points back
    at its country with a thin line. Bigger countries are labelled first and never move."""
    per_unit = plot[0] / (view[1] - view[0])  # px per degree, the same on both axes
    wanted = []
    for code, text in labels.items():
        point = _label_point(shapes[code]) if code in shapes else None
        if point is None or not (view[0] <= point[0] <= view[1] and view[2] <= point[1] <= view[3]):
            continue  # not drawn, or out of sight
        size = max(abs(_area(p[0])) for p in shapes[code])
        wanted.append((size, code, point, str(text).split("\n")))
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for _, code, point, lines in sorted(wanted, key=lambda w: -w[0]):
        # The label's box in px from the plot's top left, estimated: the SVG is not drawn yet.
        w = LABEL_SIZE * LABEL_CHAR * max(len(line) for line in lines) + 2 * LABEL_PAD + 2
        h = LABEL_SIZE * 1.3 * len(lines) + 2 * LABEL_PAD + 2
        px = (point[0] - view[0]) * per_unit
        py = (view[3] - point[1]) * per_unit
        cx = min(max(px, w / 2), plot[0] - w / 2)  # the whole box inside the plot
        box = (cx - w / 2, py - h / 2, cx + w / 2, py + h / 2)
        for dy in (0, h + 2, -h - 2, 2 * h + 4, -2 * h - 4, 3 * h + 6, -3 * h - 6):
            moved = (box[0], box[1] + dy, box[2], box[3] + dy)
            inside = 0 <= moved[1] and moved[3] <= plot[1]
            if inside and not any(_overlap(moved, other) for other in placed):
                box = moved
                break
        placed.append(box)
        dx, dy = (box[0] + box[2]) / 2 - px, (box[1] + box[3]) / 2 - py
        arrow = abs(dx) > w / 2 or abs(dy) > h / 2  # the box no longer covers its country
        out.append(
            {
                "x": point[0], "y": point[1], "xref": "x", "yref": "y", "name": code,
                "text": "<br>".join(charts.plain(line) for line in lines),
                "font": {"size": LABEL_SIZE, "color": LABEL_TEXT}, "bgcolor": LABEL_HALO,
                "borderpad": LABEL_PAD, "showarrow": arrow,
                # A box moved off its country hangs on a thin line (ax, ay: its offset); one
                # nudged a little, to stay inside the plot, is just shifted.
                **({"ax": dx, "ay": dy, "arrowhead": 0, "arrowwidth": 0.8,
                    "arrowcolor": LABEL_TEXT, "standoff": 0} if arrow
                   else {"xshift": dx, "yshift": -dy}),
            }
        )  # fmt: skip
    return out


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
