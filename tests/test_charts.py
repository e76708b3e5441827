"""Charts that tell the truth, on data worked out by hand: the cascade flow, the fitted map,
the period grid, the labels, and the tiles' changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from reach import charts, labels, metrics, store
from reach.metrics import Filters
from reach.ui import frames

from .conftest import EVENTS_HEADER, load_into
from .test_metrics import cascade_con  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[1]

# Program P: root training R1 (a b c), its step-down S1 (d e f g h, and b again) led by a, and
# S1's step-down S2 that only reported a headcount of 2. Program Q: one root training (x y)
# and no cascade. By hand, people reached per level: P 3, 6, 2 (direct reach 3: a b c; b at
# S1 counts once, as direct); Q 2.
TINY_EVENTS = (
    EVENTS_HEADER
    + """
R1,Root training,P,training,2024-01-10,,Almaty,KAZ,,,,
S1,Step-down,P,step_down,2024-02-10,,Bishkek,KGZ,R1,,,
S2,Step-down 2,P,step_down,2024-03-10,,Osh,KGZ,S1,2,1,1
Q1,Camp,Q,camp,2024-01-20,,Tashkent,UZB,,,,
"""
)
TINY_PARTICIPANTS = "participant_id,event_id,gender,role\n" + "".join(
    f"{pid},{event},f,{role}\n"
    for pid, event, role in [
        ("a", "R1", "participant"), ("b", "R1", "participant"), ("c", "R1", "participant"),
        ("a", "S1", "trainer"), ("b", "S1", "participant"), ("d", "S1", "participant"),
        ("e", "S1", "participant"), ("f", "S1", "participant"), ("g", "S1", "participant"),
        ("h", "S1", "participant"), ("x", "Q1", "participant"), ("y", "Q1", "participant"),
    ]
)  # fmt: skip
BY_HAND = {("P", 0): 3, ("P", 1): 6, ("P", 2): 2, ("Q", 0): 2}


@pytest.fixture
def tiny_con(memory_con, write_dir):
    load_into(memory_con, write_dir(events=TINY_EVENTS, participants=TINY_PARTICIPANTS))
    return memory_con


def _trace(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def _nodes(fig) -> dict[tuple[str, int], float]:
    bars = _trace(fig, "nodes")
    out = {}
    for key, height in zip(bars.ids, bars.y, strict=True):
        program, level = key.rsplit(" · ", 1)
        out[(program, int(level))] = height
    return out


def test_each_cascade_node_is_as_tall_as_the_people_reached_at_its_level(tiny_con):
    levels = metrics.cascade_levels(tiny_con)
    fig = charts.cascade_sankey(levels, "Cascade")
    assert _nodes(fig) == BY_HAND
    # Direct reach at the root: the same number the per-program table gives.
    direct = dict(metrics.cascade_by_program(tiny_con)[["program", "direct_reach"]].values)
    assert {p: _nodes(fig)[(p, 0)] for p in direct} == direct == {"P": 3, "Q": 2}
    # Every bar spans exactly its height on one scale: base to base + people.
    bars = _trace(fig, "nodes")
    layout = charts.flow_layout(levels)
    assert list(layout["y1"] - layout["y0"]) == list(bars.y)
    # The hover agrees in number and names the root's people as reached directly.
    hovers = dict(zip(bars.ids, bars.customdata, strict=True))
    assert "3 people reached directly, in 1 event" in hovers["P · 0"]
    assert "6 people reached at this level, in 1 event" in hovers["P · 1"]
    assert "2 of them from reported headcounts" in hovers["P · 2"]


def test_a_program_without_a_cascade_is_drawn_and_a_ribbon_joins_each_level_to_the_next(
    tiny_con,
):
    fig = charts.cascade_sankey(metrics.cascade_levels(tiny_con), "Cascade")
    assert ("Q", 0) in _nodes(fig)
    names = [a.text for a in fig.layout.annotations]
    assert "<b>Q</b>" in names and "<b>P</b>" in names
    ribbons = _trace(fig, "ribbons")
    # Two ribbons (P: 0→1, 1→2), each a closed outline ended by a gap; none for Q.
    assert list(ribbons.x).count(None) == 2
    # The first ribbon leaves the root at the root's full height and reaches level 1's.
    layout = charts.flow_layout(metrics.cascade_levels(tiny_con)).set_index(["program", "level"])
    first = list(ribbons.y[: list(ribbons.y).index(None)])
    half = len(first) // 2
    assert first[0] == layout.loc[("P", 0), "y1"] and first[-1] == layout.loc[("P", 0), "y0"]
    assert first[half - 1] == pytest.approx(layout.loc[("P", 1), "y1"])
    assert first[half] == pytest.approx(layout.loc[("P", 1), "y0"])


def test_the_donor_cascade_flow_shows_suppressed_levels_as_lt8():
    levels = pd.DataFrame(
        {
            "program": ["P", "P", "Q"],
            "level": [0, 1, 0],
            "people_reached": pd.array([10, None, 15], dtype="Int64"),
            "events": [1, 1, 1],
        }
    )
    fig = charts.published_cascade(levels, "Cascade")
    assert _nodes(fig) == {("P", 0): 10, ("P", 1): 0, ("Q", 0): 15}
    assert list(_trace(fig, "values").text) == ["10", "<8", "15"]
    assert "1 event" in _trace(fig, "nodes").customdata[0]


def test_cascade_labels_are_dark_and_readable_on_white_and_on_the_ribbons():
    levels = pd.DataFrame(
        {"program": ["P", "P"], "level": [0, 1], "people": [3, 6], "events": [1, 1],
         "headcount_people": [0, 0]}
    )  # fmt: skip
    fig = charts.cascade_sankey(levels, "Cascade")
    colours = {_trace(fig, "values").textfont.color}
    colours |= {a.font.color for a in fig.layout.annotations}
    assert colours == {charts.FLOW_TEXT}
    # A value label sits on white or on a ribbon (translucent, over white): both pass WCAG AA.
    for background in ("#ffffff", charts.over(charts.FLOW_RIBBON)):
        assert charts.contrast(charts.FLOW_TEXT, background) >= 4.5
    # The check itself, on known pairs: black on white is 21:1; the old white on light blue
    # labels failed.
    assert charts.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert charts.contrast("#ffffff", charts.SECOND) < 4.5


SCOPE = ["KAZ", "KGZ", "UZB", "TJK", "ARM", "MNG"]


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (
        outer[0] <= inner[0] and inner[1] <= outer[1] and outer[2] <= inner[2]
        and inner[3] <= outer[3]
    )  # fmt: skip


@pytest.mark.parametrize(
    "codes", [SCOPE, ["KAZ"], ["MNG"], ["ARM"], ["KGZ", "MNG"], ["RUS", "KAZ"]], ids=str
)
def test_the_map_view_holds_every_country_in_scope(codes):
    centre, zoom = charts.map_view(codes)
    view = charts.view_bounds(centre, zoom)
    bounds = charts.country_bounds()
    for code in codes:
        assert _inside(bounds[code], view), code


def test_the_map_is_fitted_for_a_phone():
    # A 390 px phone: Streamlit's 1rem padding each side, then the figure's margins.
    assert charts.MAP_FIT[0] <= 390 - 2 * 16 - charts.MAP_MARGIN["l"] - charts.MAP_MARGIN["r"]
    assert charts.MAP_FIT[1] == charts.MAP_HEIGHT - charts.MAP_MARGIN["t"] - charts.MAP_MARGIN["b"]


@pytest.mark.parametrize("code", ["KAZ", "KGZ", "MNG", "ARM", "TJK"])
def test_one_country_fills_the_view(code):
    west, east, south, north = charts.country_bounds()[code]
    centre, zoom = charts.map_view([code])
    v = charts.view_bounds(centre, zoom)
    across = (east - west) / (v[1] - v[0])
    merc = charts._merc
    down = (merc(north) - merc(south)) / (merc(v[3]) - merc(v[2]))
    # The country spans the view in one direction, up to the margin left around it.
    assert max(across, down) == pytest.approx(1 / charts.MAP_PAD, rel=0.01)


def test_the_map_draws_neighbours_in_grey_and_centres_on_the_countries_in_scope():
    df = pd.DataFrame(
        {"country_code": ["KGZ"], "country": ["Kyrgyzstan"], "people_reached": [10.0],
         "events": [1]}
    )  # fmt: skip
    fig = charts.country_map(df, "Map")
    context, data = fig.data
    assert list(data.locations) == ["KGZ"] and "KGZ" not in context.locations
    assert {"KAZ", "TJK", "UZB", "CHN"} <= set(context.locations)
    assert context.hoverinfo == "skip" and context.colorscale[0][1] == charts.MAP_CONTEXT
    centre, zoom = charts.map_view(["KGZ"])
    assert fig.layout.map.zoom == zoom and fig.layout.map.center.lon == centre["lon"]
    assert fig.layout.map.style == "white-bg"
    # Only the countries drawn travel to the browser, not the whole world.
    features = {f["id"] for f in data.geojson["features"]}
    context_features = {f["id"] for f in context.geojson["features"]}
    # Each layer carries its own shapes only, none twice.
    assert features == {"KGZ"} and context_features == set(context.locations)


def test_the_donor_map_is_fitted_too_and_says_lt8():
    df = pd.DataFrame(
        {"country_code": ["KAZ", "MNG"], "country": ["Kazakhstan", "Mongolia"],
         "people_reached": pd.array([1235, None], dtype="Int64"), "events": [12, 1]}
    )  # fmt: skip
    fig = charts.published_map(df, "Map")
    data = fig.data[1]
    assert [row[0] for row in data.customdata] == ["1,235", "<8"]
    centre, zoom = charts.map_view(["KAZ", "MNG"])
    assert (fig.layout.map.center.lat, fig.layout.map.zoom) == (centre["lat"], zoom)


def test_an_empty_quarter_has_a_row_of_zeros(cascade_con):  # noqa: F811
    # Program B: E4 in 2023-Q2 (p7 p8 p1), E5 in 2024-Q1 (a headcount of 8); nothing between.
    df = metrics.reach_over_time(cascade_con, Filters(programs=("B",)), grain="quarter")
    got = [
        (r.period.date(), r.unique_people, r.attendances, r.cumulative_people)
        for r in df.itertuples()
    ]
    assert got == [
        (dt.date(2023, 4, 1), 3, 3, 3),
        (dt.date(2023, 7, 1), 0, 0, 3),
        (dt.date(2023, 10, 1), 0, 0, 3),
        (dt.date(2024, 1, 1), 8, 8, 11),
    ]
    # The line chart draws those zeros: no straight line across the empty quarters.
    fig = charts.period_lines(df, {"unique_people": "Unique people"}, "t", "quarter")
    assert list(fig.data[0].y) == [3, 0, 0, 8]


def test_a_scope_with_no_events_has_no_periods(cascade_con):  # noqa: F811
    assert metrics.reach_over_time(cascade_con, Filters(countries=("ARM",))).empty


def test_labels_come_from_one_function():
    assert labels.label("event_type", "step_down") == labels.event_type("step_down") == "Step-down"
    assert labels.label("event_type", "training") == "Training"
    assert labels.label("country", "KGZ") == labels.country("KGZ") == "Kyrgyzstan"
    assert labels.label("country", "XXX") == "XXX"  # unknown: as written
    assert labels.label("role", "facilitator") == labels.role("facilitator") == "Facilitator"
    assert labels.label("gender", "undisclosed") == labels.gender("undisclosed") == "Undisclosed"
    assert labels.for_kind("countries")("KAZ") == "Kazakhstan"
    assert labels.for_kind("event_types")("step_down") == "Step-down"
    with pytest.raises(ValueError):
        labels.label("colour", "red")


@pytest.mark.parametrize("blank", [None, float("nan"), pd.NA, pd.NaT, "", "  "])
def test_a_blank_reads_as_a_dash(blank):
    assert labels.label("country", blank) == labels.or_blank(blank) == "—"
    assert frames.rate(None) == frames.published_rate(None) == "—"


def test_counts_agree_in_number():
    assert labels.count(1, "event") == "1 event"
    assert labels.count(2, "event") == "2 events"
    assert labels.count(0, "event") == "0 events"
    assert labels.count(1, "person", "people") == "1 person"
    assert labels.count(1204, "person", "people") == "1,204 people"


def test_tables_show_names_not_codes():
    table = pd.DataFrame(
        {"event_type": ["step_down"], "country_code": ["KGZ"], "role": ["trainer"],
         "gender": [None], "city": [None]}
    )  # fmt: skip
    shown = frames.labelled(table)
    assert shown.iloc[0].to_dict() == {
        "event_type": "Step-down", "country_code": "Kyrgyzstan", "role": "Trainer",
        "gender": "—", "city": None,
    }  # fmt: skip


def test_a_change_of_zero_is_zero_and_signs_are_kept():
    assert frames.change(5, 5) == "0"
    assert frames.change(0.5, 0.5, pct=True) == "0"
    assert frames.change(7, 5) == "+2"
    assert frames.change(5, 1_205) == "-1,200"
    assert frames.change(0.55, 0.5, pct=True) == "+5.0 pp"
    assert frames.change(None, 5) is None


def test_scope_lines_use_names():
    f = Filters(countries=("KGZ",), event_types=("step_down",))
    assert frames.scope_label(f) == "Kyrgyzstan; Step-down"
    from reach.extract import DonorFilters

    d = DonorFilters(year="2024", country="KAZ", event_type="step_down")
    assert frames.donor_scope_label(d) == "Kazakhstan; Step-down; 2024"


def test_the_comparison_note_says_when_the_previous_period_starts_before_the_data():
    first = dt.date(2024, 1, 10)
    inside = Filters(date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 2, 29))
    assert frames.comparison_note(inside, first) == (
        "Changes compare with 2024-02-01 to 2024-02-29, the previous period of equal length."
    )
    partly = Filters(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 1, 31))
    assert "It starts 9 days before the first event in the data (2024-01-10)" in (
        frames.comparison_note(partly, first)
    )
    before = Filters(date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 12, 31))
    assert frames.comparison_note(before, first).startswith("No changes shown")
    assert "Narrow the dates" in frames.comparison_note(None, first)


# --- the Overview in AppTest: tiles, arrows, the note --------------------------------------

FLAT_EVENTS = (
    EVENTS_HEADER
    + """
X0,School,A,school,2023-11-01,,Almaty,KAZ,,,,
X1,School,A,school,2024-01-05,,Almaty,KAZ,,,,
X2,School,A,school,2024-02-05,,Almaty,KAZ,,,,
"""
)
FLAT_PARTICIPANTS = "participant_id,event_id,gender\np1,X0,f\np2,X1,f\np3,X2,m\n"


@pytest.fixture
def flat_db(tmp_path, monkeypatch, write_dir):
    path = tmp_path / "flat.duckdb"
    assert store.load_dir(path, write_dir(events=FLAT_EVENTS, participants=FLAT_PARTICIPANTS))
    monkeypatch.setenv("REACH_DB", str(path))
    monkeypatch.delenv("REACH_ACCOUNTS", raising=False)
    return path


def _overview(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_change_of_zero_shows_no_arrow(flat_db):
    # From 2024-01-20 to the last event (X2, 2024-02-05): 17 days holding X2; the 17 days
    # before, 2024-01-03..2024-01-19, hold X1: one event, one person, one country each time.
    at = _overview(**{"from": "2024-01-20"})
    tiles = {m.label: m for m in at.metric}
    for label in ("Events", "Countries", "People reached"):
        assert tiles[label].delta == "0", label
        assert tiles[label].proto.direction == tiles[label].proto.MetricDirection.NONE
        assert tiles[label].proto.color == tiles[label].proto.MetricColor.GRAY
    # Female share: 100% before, 0% now.
    assert tiles["Female share"].delta == "-100.0 pp"
    assert tiles["Female share"].proto.direction == tiles["Female share"].proto.MetricDirection.DOWN


def test_a_comparison_period_before_the_data_is_named_in_a_caption(flat_db):
    # 2023-12-01..2024-02-05 (67 days); the 67 days before, 2023-09-25..2023-11-30, start
    # 37 days before the first event (X0, 2023-11-01).
    at = _overview(**{"from": "2023-12-01"})
    captions = " ".join(c.value for c in at.caption)
    assert "Changes compare with 2023-09-25 to 2023-11-30" in captions
    assert "starts 37 days before the first event in the data (2023-11-01)" in captions
    tiles = {m.label: m.delta for m in at.metric}
    assert tiles["Events"] == "+1"  # X1, X2 against X0


# --- the sidebar -----------------------------------------------------------------------------


def test_the_filters_show_only_on_pages_they_act_on_and_wait_for_the_next_one(flat_db):
    at = _overview(country="KAZ")
    assert at.sidebar.multiselect(key="f_countries").value == ["KAZ"]
    for page in ("pages/methodology.py", "pages/data.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
        assert not at.sidebar.get("multiselect") and not at.sidebar.get("date_input"), page
    at.switch_page("pages/reach.py")
    at.run()
    assert at.sidebar.multiselect(key="f_countries").value == ["KAZ"]
    assert any(c.value == "Scope: Kazakhstan" for c in at.caption)


def test_a_donor_year_without_events_keeps_its_place_and_says_so():
    from reach.donor import period_grid

    assert period_grid(["2019", "2022"]) == ["2019", "2020", "2021", "2022"]
    assert period_grid(["2023-Q3", "2024-Q2"]) == ["2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"]
    assert period_grid([]) == []
    df = pd.DataFrame(
        {"period": ["2019", "2020"], "direct_reach": pd.array([10, None], dtype="Int64"),
         "events": [2, 0]}
    )  # fmt: skip
    fig = charts.published_stack(df, "period", {"direct_reach": "Direct"}, "t")
    assert list(fig.data[0].text) == ["10", "no events"]
