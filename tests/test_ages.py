"""Ages: the bands, the age of each person by hand, the `age` object of the summary (exact and
published), the page groupings, the donor extract's age cells, and the Gender and age pages.

The fixture: program A runs training E1 (Kazakhstan, 2024) and its step-down E2 (Kyrgyzstan,
2025); program B's seminar E3 (Uzbekistan, 2025) reported a headcount of 12 (5 f, 4 m).
Participant rows (role participant) with birth years:
  E1: a 2015 (f), b 2014 (m), d 1974 (m), e none (other), g 2025 (blank gender)
  E2: a none, c 2015 (f), d 1975, f 2010 (f)
  trainer t (1990) at E1: trainers have no age band, only people reached do.
Whole scope, by hand (age = start year of the first attendance - latest birth year given):
  a 2024-2015 = 9 → 0-9; b 2024-2014 = 10 → 10-14; c 2025-2015 = 10 → 10-14;
  d 2024-1975 = 49 → 40-49 (E2's 1975 is the latest birth year, E1 the first attendance);
  e no birth year → unknown; f 2025-2010 = 15 → 15-19; g born after E1 → unknown;
  E3's 12 → unknown. People reached 19 = 1 + 2 + 1 + 1 + 14.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from reach import accounts, ages, charts_age, disclosure, donor, extract, metrics, sqlfiles, store
from reach.cli import main
from reach.extract import DonorFilters
from reach.metrics import Filters
from reach.ui.auth import Viewer
from reach.validate import Source

from .conftest import EVENTS_HEADER, load_into

ROOT = Path(__file__).resolve().parents[1]
BANDS = ["0-9", "10-14", "15-19", "20-24", "25-29", "30-39", "40-49", "50+", "unknown"]

EVENTS = (
    EVENTS_HEADER
    + """
E1,Training,A,training,2024-05-01,,Almaty,KAZ,,,,
E2,Step-down,A,step_down,2025-04-01,,Osh,KGZ,E1,,,
E3,Seminar,B,seminar,2025-06-01,,Tashkent,UZB,,12,5,4
"""
)

PARTICIPANTS = """
participant_id,event_id,gender,role,birth_year
a,E1,f,participant,2015
b,E1,m,participant,2014
d,E1,m,participant,1974
e,E1,other,participant,
g,E1,,participant,2025
t,E1,f,trainer,1990
a,E2,f,participant,
c,E2,f,participant,2015
d,E2,m,participant,1975
f,E2,f,participant,2010
"""


def band_counts(**counts: int) -> dict[str, int]:
    """Every band with 0, then the given counts (keyword names: b0_9, b50, unknown, …)."""
    names = {"b0_9": "0-9", "b10_14": "10-14", "b15_19": "15-19", "b40_49": "40-49",
             "b50": "50+", "unknown": "unknown"}  # fmt: skip
    out = dict.fromkeys(BANDS, 0)
    out.update({names[k]: v for k, v in counts.items()})
    return out


@pytest.fixture
def con(memory_con, write_dir):
    load_into(memory_con, write_dir(events=EVENTS, participants=PARTICIPANTS))
    return memory_con


# --- the bands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "0-9"), (9, "0-9"), (10, "10-14"), (14, "10-14"), (15, "15-19"), (19, "15-19"),
     (20, "20-24"), (24, "20-24"), (25, "25-29"), (29, "25-29"), (30, "30-39"), (39, "30-39"),
     (40, "40-49"), (49, "40-49"), (50, "50+"), (126, "50+"), (None, "unknown"),
     (-1, "unknown")],
)  # fmt: skip
def test_an_age_on_a_band_edge_falls_in_the_band_that_starts_there(age, band):
    assert ages.band(age) == band


def test_the_bands_are_one_named_setting_listed_in_order_with_unknown_last():
    assert ages.labels() == BANDS
    assert ages.BANDS.edges == (0, 10, 15, 20, 25, 30, 40, 50)
    assert ages.params()["age_bands"] == BANDS


@pytest.mark.parametrize("edges", [(), (5, 10), (0, 10, 10), (0, 20, 15)])
def test_a_band_setting_that_leaves_an_age_out_or_overlaps_is_refused(edges):
    with pytest.raises(ValueError):
        ages.AgeBands(edges=edges)


@given(age=st.integers(0, 200))
def test_every_age_is_in_exactly_one_band(age):
    edges = ages.BANDS.edges
    ranges = [(lo, hi) for lo, hi in zip(edges, [*edges[1:], None], strict=True)]
    holding = [
        label
        for (lo, hi), label in zip(ranges, ages.BANDS.known, strict=True)
        if lo <= age and (hi is None or age < hi)
    ]
    assert holding == [ages.band(age)]


@settings(deadline=None)
@given(edges=st.lists(st.integers(1, 90), max_size=8, unique=True), age=st.integers(-5, 130))
def test_any_band_setting_covers_every_age_once_in_python_and_in_sql(edges, age):
    bands = ages.AgeBands(edges=(0, *sorted(edges)))
    con = duckdb.connect()
    store.init_schema(con)  # the macros read the store's tables
    metrics.install_macros(con)
    params = bands.params()
    got = sqlfiles.scalar(
        con,
        "select age_band($age, $age_band_of, $age_unknown)",
        {"age": age, "age_band_of": params["age_band_of"], "age_unknown": params["age_unknown"]},
    )
    con.close()
    assert got == bands.band(age)
    assert (got == bands.unknown) == (age < 0)
    assert sum(1 for label in bands.known if label == got) == (age >= 0)


def test_no_sql_file_spells_out_a_band_the_bands_come_as_parameters():
    folder = ROOT / "src" / "reach" / "sql"
    for path in folder.glob("*.sql"):
        text = path.read_text(encoding="utf-8")
        assert not [b for b in ages.BANDS.known if f"'{b}'" in text], path.name


# --- the exact age object, by hand ---------------------------------------------------------

CASES = [
    pytest.param(
        Filters(),
        band_counts(b0_9=1, b10_14=2, b15_19=1, b40_49=1, unknown=14),
        id="everything",
    ),
    pytest.param(
        # E2 alone: a has no birth year there; d's first attendance is now E2 (2025 - 1975).
        Filters(countries=("KGZ",)),
        band_counts(b10_14=1, b15_19=1, b50=1, unknown=1),
        id="step-down-only",
    ),
    pytest.param(
        # E1 alone: d's only birth year is 1974 (2024 - 1974 = 50); g is born after it.
        Filters(date_to=dt.date(2024, 12, 31)),
        band_counts(b0_9=1, b10_14=1, b50=1, unknown=2),
        id="first-event-only",
    ),
    pytest.param(
        Filters(date_from=dt.date(2025, 1, 1)),
        band_counts(b10_14=1, b15_19=1, b50=1, unknown=13),
        id="with-a-headcount",
    ),
    pytest.param(Filters(programs=("B",)), band_counts(unknown=12), id="headcount-only"),
    pytest.param(Filters(programs=("Z",)), band_counts(), id="nothing-matches"),
]


@pytest.mark.parametrize(("filters", "expected"), CASES)
def test_each_persons_age_band_matches_the_hand_count(con, filters, expected):
    s = metrics.summary(con, filters)
    assert s.age == expected
    assert list(s.age) == BANDS
    assert sum(s.age.values()) == s.people_reached


def test_the_birth_year_is_the_latest_rows_that_has_one_and_the_age_is_at_the_first_event(con):
    # d: born 1974 on E1's list, 1975 on E2's (later): 1975 is kept, at E1's year 2024 = 49.
    # a: 2015 on E1, none on E2: the latest row that has a birth year is E1's, 2024 = 9.
    s = metrics.summary(con)
    assert s.age_gender["40-49"] == {"female": 0, "male": 1, "other": 0, "undisclosed": 0}
    assert s.age_gender["0-9"] == {"female": 1, "male": 0, "other": 0, "undisclosed": 0}


def test_people_from_a_headcount_are_of_unknown_age_split_by_their_reported_gender(con):
    s = metrics.summary(con)
    # e (other) and g (undisclosed) have no age; E3 adds 5 f, 4 m and 3 undisclosed.
    assert s.age_gender["unknown"] == {"female": 5, "male": 4, "other": 1, "undisclosed": 4}
    by_gender = {g: sum(s.age_gender[b][g] for b in BANDS) for g in metrics.GENDERS}
    assert by_gender == s.gender


def test_summary_json_gives_every_band_in_order_adding_up_to_people_reached(capsys, write_dir):
    folder = write_dir(events=EVENTS, participants=PARTICIPANTS)
    assert main(["summary", "--data", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["age"]) == BANDS
    assert data["age"] == band_counts(b0_9=1, b10_14=2, b15_19=1, b40_49=1, unknown=14)
    assert sum(data["age"].values()) == data["people_reached"] == 19
    assert main(["summary", "--data", str(folder)]) == 0
    assert "Age 40-49" in capsys.readouterr().out


# --- the page's groupings ------------------------------------------------------------------


def test_the_pyramid_holds_every_band_and_gender_and_adds_up_to_the_summary(con):
    pyramid = metrics.age_pyramid(con)
    assert list(pyramid["band"].unique()) == BANDS
    assert len(pyramid) == len(BANDS) * 4
    s = metrics.summary(con)
    for row in pyramid.itertuples():
        assert row.people == s.age_gender[row.band][row.gender]


@pytest.mark.parametrize(
    ("dim", "group", "filters"),
    [
        ("program", "A", Filters(programs=("A",))),
        ("program", "B", Filters(programs=("B",))),
        ("period", pd.Timestamp(2024, 1, 1), Filters(date_from=dt.date(2024, 1, 1),
                                                     date_to=dt.date(2024, 12, 31))),
        ("period", pd.Timestamp(2025, 1, 1), Filters(date_from=dt.date(2025, 1, 1),
                                                     date_to=dt.date(2025, 12, 31))),
    ],
)  # fmt: skip
def test_each_program_and_period_is_its_own_scope_as_in_summary(con, dim, group, filters):
    # d is 49 over both years (first seen 2024), but 50 in 2025 alone: his age there.
    rows = metrics.age_by(con, dim=dim)
    key = "period" if dim == "period" else "group"
    got = dict(zip(rows[rows[key] == group]["band"], rows[rows[key] == group]["people"],
                   strict=True))  # fmt: skip
    assert got == metrics.summary(con, filters).age


# --- the donor audience --------------------------------------------------------------------


def test_the_donor_age_object_follows_the_disclosure_rule(con):
    # Exact: 1, 2, 1, 0, 0, 0, 1, 0 and 14 unknown: every count of 0 to 7 is <8, 14 → 15.
    got = donor.summary(con, DonorFilters()).as_dict()["age"]
    assert got == {**dict.fromkeys(BANDS, "<8"), "unknown": 15}


def test_a_donors_bands_with_eight_or_more_people_are_rounded_to_five(memory_con, write_dir):
    rows = ["participant_id,event_id,gender,role,birth_year"]
    rows += [f"x{i},E1,f,participant,2000" for i in range(23)]  # 24 at a 2024 event
    rows += [f"y{i},E1,m,participant,1994" for i in range(8)]  # 30
    rows += [f"z{i},E1,f,participant,1984" for i in range(7)]  # 40
    rows += [f"w{i},E1,,participant," for i in range(12)]  # no birth year
    load_into(memory_con, write_dir(events=EVENTS, participants="\n".join(rows) + "\n"))
    exact = metrics.summary(memory_con, Filters(programs=("A",)))
    assert exact.age == {**dict.fromkeys(BANDS, 0), "20-24": 23, "30-39": 8, "40-49": 7,
                         "unknown": 12}  # fmt: skip
    published = donor.summary(memory_con, DonorFilters(program="A"))
    assert published.as_dict()["age"] == {
        **dict.fromkeys(BANDS, "<8"), "20-24": 25, "30-39": 10, "unknown": 10,
    }  # fmt: skip
    pyramid = donor.age_pyramid(memory_con, DonorFilters(program="A"))
    by = {(b, g): (None if pd.isna(n) else int(n)) for b, g, n in pyramid.itertuples(index=False)}
    assert (by[("20-24", "female")], by[("30-39", "male")], by[("40-49", "female")]) == (
        25, 10, None,
    )  # fmt: skip


def test_the_donor_summary_on_the_command_line_has_the_published_age_object(capsys, write_dir):
    folder = write_dir(events=EVENTS, participants=PARTICIPANTS)
    assert main(["summary", "--data", str(folder), "--audience", "donor", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["age"] == {**dict.fromkeys(BANDS, "<8"), "unknown": 15}


def test_the_extract_has_every_band_and_gender_of_every_cell_so_no_row_tells_a_zero(con):
    cells = con.execute("select cell_id from published.cells where level = -1").fetchall()
    found = con.execute(
        "select cell_id, count(*), count(distinct band), count(distinct gender) "
        "from published.ages group by cell_id"
    ).fetchall()
    assert {c for (c,) in cells} == {c for c, *_ in found}
    assert {tuple(r[1:]) for r in found} == {(len(BANDS) * 5, len(BANDS), 5)}
    levels = con.execute("select cell_id from published.cells where level >= 0").fetchall()
    assert levels and not {c for (c,) in levels} & {c for c, *_ in found}


@pytest.mark.parametrize("scopes", [[], [("A", "B")]])
def test_before_disclosure_each_cells_ages_add_up_to_its_people_reached(con, scopes):
    extract.sync_scopes(con, scopes)
    metrics.install_macros(con)
    exact = extract.exact_cells(con)
    aged = exact[exact["level"] == -1]
    assert len(aged) and exact[exact["level"] >= 0]["ages"].isna().all()
    for row in aged.itertuples():
        by_gender = {g: sum(a["people"] for a in row.ages if a["gender"] == g)
                     for g in (*metrics.GENDERS, "*")}  # fmt: skip
        assert by_gender["*"] == sum(by_gender[g] for g in metrics.GENDERS) == row.people_reached
        assert {g: by_gender[g] for g in metrics.GENDERS} == {
            "female": row.female, "male": row.male, "other": row.other,
            "undisclosed": row.undisclosed,
        }  # fmt: skip


def test_a_donor_age_breakdown_lists_every_band_of_every_group(con):
    programs = donor.age_by(con, DonorFilters(), dim="program")
    assert sorted(programs["group"].unique()) == ["A", "B"]
    assert all(list(rows["band"]) == BANDS for _, rows in programs.groupby("group"))
    quarters = donor.age_by(con, DonorFilters(year="2025"), dim="period")
    assert sorted(quarters["group"].unique()) == ["2025-Q2"]
    with pytest.raises(ValueError):
        extract.age_cells(con, DonorFilters(), by="level")


def test_an_extract_built_before_ages_reads_every_age_as_suppressed(con):
    con.execute("drop table published.ages")
    con.execute("alter table published.cells drop column cell_id")
    got = donor.summary(con, DonorFilters()).as_dict()
    assert got["age"] == dict.fromkeys(BANDS, "<8")
    assert got["people_reached"] == 20  # the rest of the extract is read as before


# Random stores with birth years: every donor cell's ages are the exact ages published.
PROGRAMS = ("P1", "P2")


@st.composite
def datasets(draw):
    """Events over two programs, two years and cascades; attendance with birth years."""
    n_events = draw(st.integers(1, 8))
    events = []
    for i in range(n_events):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        events.append(
            f"E{i},Event {i},{draw(st.sampled_from(PROGRAMS))},"
            f"{'step_down' if parent is not None else 'training'},"
            f"{draw(st.sampled_from([2022, 2023]))}-{draw(st.integers(1, 12)):02d}-01,,,"
            f"{draw(st.sampled_from(['KAZ', 'KGZ']))},{'' if parent is None else f'E{parent}'},"
            f"{draw(st.sampled_from(['', '', '9']))},,"
        )
    people = draw(st.integers(1, 30))
    rows = {}
    for _ in range(draw(st.integers(0, 80))):
        key = (f"p{draw(st.integers(0, people - 1))}", f"E{draw(st.integers(0, n_events - 1))}")
        year = draw(st.sampled_from(["", "", "2013", "2012", "2008", "1973", "1972", "2023"]))
        rows[key] = (draw(st.sampled_from(["f", "m", ""])), year)
    participants = "participant_id,event_id,gender,role,birth_year\n" + "".join(
        f"{p},{e},{g},participant,{y}\n" for (p, e), (g, y) in sorted(rows.items())
    )
    return EVENTS_HEADER + "\n" + "\n".join(events) + "\n", participants


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=datasets(),
    year=st.sampled_from([None, "2022", "2023"]),
    program=st.sampled_from([None, *PROGRAMS, "both"]),
)
def test_every_donor_cells_ages_are_the_exact_ages_of_its_scope_published(data, year, program):
    events, participants = data
    con = duckdb.connect()
    files = Source("events.csv", events.encode()), Source("participants.csv", participants.encode())
    result = store.load(con, *files, None)
    assert result.applied, result.report.to_text()
    # "both": a donor account limited to both programs reads its own scope's cells.
    scope = PROGRAMS if program == "both" else ()
    if scope:
        extract.sync_scopes(con, [scope])
    f = DonorFilters(year=year, program=None if program == "both" else program)
    exact = metrics.summary(
        con,
        Filters(
            programs=scope or ((program,) if program else ()),
            date_from=dt.date(int(year), 1, 1) if year else None,
            date_to=dt.date(int(year), 12, 31) if year else None,
        ),
    )
    published = donor.summary(con, f, scope)
    if exact.events:
        assert published.age == {b: disclosure.count(n) for b, n in exact.age.items()}
        pyramid = donor.age_pyramid(con, f, scope)
        for b, g, n in pyramid.itertuples(index=False):
            want = disclosure.count(exact.age_gender[b][g])
            assert (None if pd.isna(n) else int(n)) == want, (b, g)
    con.close()


# --- charts and pages ----------------------------------------------------------------------


def test_the_pyramid_puts_women_left_men_right_the_rest_beside_and_writes_unknown(con):
    fig = charts_age.age_pyramid(metrics.age_pyramid(con), "Ages")
    traces = {t.name: t for t in fig.data}
    assert list(traces) == ["Female", "Male", "Other", "Undisclosed"]
    assert list(traces["Female"].y) == BANDS[:-1]  # youngest first: at the bottom
    assert max(traces["Female"].x) <= 0 <= min(traces["Male"].x)
    assert traces["Other"].xaxis == "x2" and traces["Undisclosed"].xaxis == "x2"
    # One person is as long in both panels.
    (left, right), (w1, w2) = fig.layout.xaxis.range, (fig.layout.xaxis.domain,
                                                       fig.layout.xaxis2.domain)  # fmt: skip
    per_person = [(w1[1] - w1[0]) / (right - left), (w2[1] - w2[0]) / fig.layout.xaxis2.range[1]]
    assert per_person[0] == pytest.approx(per_person[1], rel=0.02)
    # e (other), g (undisclosed) and E3's headcount (5 f, 4 m, 3 undisclosed) have no age.
    note = fig.layout.annotations[0].text
    assert note == "Unknown age, not drawn:<br>5 female · 4 male · 1 other · 4 undisclosed"


def test_a_published_pyramid_says_less_than_eight_and_draws_no_bar(con):
    fig = charts_age.age_pyramid(donor.age_pyramid(con, DonorFilters()), "Ages", published=True)
    female = next(t for t in fig.data if t.name == "Female")
    assert set(female.customdata) == {"<8"} and set(female.x) == {0}
    # Written as entities, so plotly shows "<8" rather than reading a tag.
    assert fig.layout.annotations[0].text.endswith("&lt;8 female · &lt;8 male · &lt;8 other · "
                                                   "&lt;8 undisclosed")  # fmt: skip


@pytest.fixture
def age_db(tmp_path, monkeypatch, write_dir):
    """A store of this module's fixture, with a director and a donor account."""
    path = tmp_path / "reach.duckdb"
    assert store.load_dir(path, write_dir(events=EVENTS, participants=PARTICIPANTS)).applied
    monkeypatch.setenv("REACH_DB", str(path))
    monkeypatch.delenv("REACH_ACCOUNTS", raising=False)
    for name, role in (("dir", "director"), ("don", "donor")):
        accounts.add(accounts.default_path(path), name, role, "correct horse battery", ())
    return path


@pytest.mark.parametrize(("who", "role"), [("dir", "director"), ("don", "donor")])
def test_the_gender_and_age_page_draws_the_age_charts_for_each_audience(age_db, who, role):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["viewer"] = Viewer(who, role, ())
    at.switch_page("pages/gender.py")  # the router gives a donor the donor page
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title][-1] == "Gender and age"
    assert "Age" in [s.value for s in at.subheader]
    captions = " ".join(c.value for c in at.caption)
    # 14 of 19 people have no known age; a donor reads it published (15).
    assert ("14 of 19 people reached" if role == "director" else "Unknown") in captions
    if role == "donor":
        assert "15 people" in captions
    assert len(at.get("plotly_chart")) >= 7
