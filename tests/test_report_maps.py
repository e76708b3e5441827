"""The report's maps: a MapLibre choropleth redrawn as plain SVG shapes, same view and colours."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from reach import charts
from reach.report import render
from reach.report.maps import vector_map

needs_chromium = pytest.mark.skipif(
    not Path(render.CHROMIUM).exists() and not render.os.environ.get("BROWSER_PATH"),
    reason="Debian's chromium is not installed (apt-get install chromium; see README)",
)

WIDTH, HEIGHT = 700, 440
# The plot inside charts.MAP_MARGIN (l 10, r 10, t 80, b 60): 700 - 20 by 440 - 140 px.
PLOT = (680, 300)


@pytest.fixture(scope="module", autouse=True)
def _one_chart_browser() -> Iterator[None]:
    """The module's charts share one chromium; it is stopped when the module is done."""
    yield
    render.close_charts()


def _map(reached: dict[str, float]) -> go.Figure:
    df = pd.DataFrame(
        {"country_code": list(reached), "country": list(reached),
         "people_reached": list(reached.values()), "events": [1] * len(reached)}
    )  # fmt: skip
    return charts.country_map(df, "People reached by event country")


def _central_asia() -> go.Figure:
    # cmin is 0 and cmax the largest value, 1000: KAZ at the dark end, KGZ at the light end,
    # UZB half way, on the middle stop of charts.MAP_SCALE.
    return _map({"KAZ": 1000.0, "KGZ": 0.0, "UZB": 500.0})


def _fill(fig: go.Figure, code: str) -> str:
    (colour,) = [t.fillcolor for t in fig.data if t.fill == "toself" and code in (t.meta or ())]
    return colour


def _rings(fig: go.Figure) -> list[list[float]]:
    """The longitudes of every ring drawn (traces split rings with None)."""
    rings: list[list[float]] = [[]]
    for trace in fig.data:
        for x in [*trace.x, None]:
            if x is None:
                rings.append([])
            else:
                rings[-1].append(x)
    return [ring for ring in rings if ring]


def _mercator(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


@needs_chromium
def test_the_vector_map_has_no_map_subplot_and_prints_as_paths_not_an_image():
    fig = vector_map(_central_asia(), WIDTH, HEIGHT, {"KGZ": "Kyrgyzstan <8"})
    assert not any(isinstance(t, go.Choroplethmap) for t in fig.data)
    assert "map" not in fig.to_dict()["layout"]
    svg = render.figure_svg(fig, WIDTH, HEIGHT)
    assert "<image" not in svg
    assert svg.count("<path") > 10
    # The label is text, and '<8' is written as itself, not read as a tag.
    texts = ["".join(n.itertext()) for n in ET.fromstring(svg).iter() if n.tag.endswith("}text")]
    assert "Kyrgyzstan <8" in texts


def test_the_top_of_the_scale_gets_the_last_colour_and_the_bottom_the_first():
    fig = vector_map(_central_asia(), WIDTH, HEIGHT)
    # charts.MAP_SCALE: #c6dbef at 0, #4292c6 at 0.5, #08306b at 1.
    assert _fill(fig, "KAZ") == "rgb(8, 48, 107)"  # z = cmax = 1000
    assert _fill(fig, "KGZ") == "rgb(198, 219, 239)"  # z = cmin = 0
    assert _fill(fig, "UZB") == "rgb(66, 146, 198)"  # z = 500, half way
    assert _fill(fig, "CHN") == "rgb(230, 230, 230)"  # a neighbour: charts.MAP_CONTEXT


def test_the_view_is_the_original_centre_and_zoom_over_the_plot_inside_the_margins():
    original = _central_asia()
    centre = {"lat": original.layout.map.center.lat, "lon": original.layout.map.center.lon}
    west, east, south, north = charts.view_bounds(centre, original.layout.map.zoom, PLOT)
    fig = vector_map(original, WIDTH, HEIGHT)
    assert fig.layout.xaxis.range == pytest.approx((west, east))
    assert fig.layout.yaxis.range == pytest.approx((_mercator(south), _mercator(north)))
    # True aspect: as many px per unit across as down, and plotly holds it so.
    x0, x1 = fig.layout.xaxis.range
    y0, y1 = fig.layout.yaxis.range
    assert (x1 - x0) / PLOT[0] == pytest.approx((y1 - y0) / PLOT[1])
    assert (fig.layout.yaxis.scaleanchor, fig.layout.yaxis.scaleratio) == ("x", 1)
    assert not fig.layout.xaxis.visible and not fig.layout.yaxis.visible
    assert fig.layout.margin.l == 10 and fig.layout.margin.b == 60


def test_the_title_colour_bar_and_white_page_are_kept_and_there_is_no_legend():
    original = _central_asia()
    fig = vector_map(original, WIDTH, HEIGHT)
    assert fig.layout.title.text == original.layout.title.text
    # The bar is drawn as rectangles (WeasyPrint paints no SVG gradient): the first in the
    # scale's first colour, the last in its last, with its title and round ticks 0 to 1,000.
    bar = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(bar) == 48
    assert bar[0].fillcolor == "rgb(198, 219, 239)" and bar[-1].fillcolor == "rgb(8, 48, 107)"
    words = [a.text for a in fig.layout.annotations if a.name is None]
    assert words == ["People reached", "0", "200", "400", "600", "800", "1,000"]
    assert fig.layout.showlegend is False
    assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == "#ffffff"


def test_labels_are_written_on_exactly_the_countries_given():
    labels = {"KAZ": "Kazakhstan 1,235", "KGZ": "Kyrgyzstan <8", "BRA": "Brazil 3"}
    fig = vector_map(_central_asia(), WIDTH, HEIGHT, labels)
    # Brazil is not on this map; Uzbekistan is, but has no label.
    written = {a.name: a.text for a in fig.layout.annotations if a.name}
    assert written == {"KAZ": "Kazakhstan 1,235", "KGZ": "Kyrgyzstan &lt;8"}
    for note in (a for a in fig.layout.annotations if a.name):
        west, east, south, north = charts.country_bounds()[note.name]
        assert west <= note.x <= east
        assert _mercator(south) <= note.y <= _mercator(north)
        assert note.bgcolor  # a light box keeps the text legible on dark blue


def test_the_input_figure_is_not_changed():
    original = _central_asia()
    before = original.to_json()  # to_dict() holds numpy arrays, which == cannot compare
    vector_map(original, WIDTH, HEIGHT, {"KAZ": "Kazakhstan 1,000"})
    assert original.to_json() == before


def test_no_ring_streaks_across_the_map_at_the_antimeridian():
    # Russia's outline is cut at 180°: Chukotka lies at -180 to -170, the rest up to +180.
    fig = vector_map(_map({"RUS": 10.0, "KAZ": 5.0}), WIDTH, HEIGHT)
    rings = _rings(fig)
    assert rings and all(max(ring) - min(ring) <= 180 for ring in rings)
    # Fiji's piece at -180 to -179.8 is drawn at +180 to +180.2, beside the rest of Fiji.
    fiji = vector_map(_map({"FJI": 10.0}), WIDTH, HEIGHT)
    xs = [x for trace in fiji.data if "FJI" in (trace.meta or ()) for x in trace.x if x is not None]
    assert xs and 177 < min(xs) and 180 < max(xs) < 181
