"""Disclosure control: the rule by hand, the donor numbers by hand, and properties over
random datasets and random donor scopes (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach import disclosure, donor, extract, i18n, metrics, store
from reach.extract import DonorFilters
from reach.validate import Source

from .conftest import load_into
from .test_metrics import EVENTS, PARTICIPANTS


@pytest.mark.parametrize(
    ("true", "published"),
    [(0, None), (1, None), (7, None), (8, 10), (9, 10), (10, 10), (12, 10), (13, 15),
     (14, 15), (15, 15), (17, 15), (18, 20), (1234, 1235), (1232, 1230)],
)  # fmt: skip
def test_a_count_is_suppressed_up_to_seven_and_rounded_to_five_above(true, published):
    assert disclosure.count(true) == published


def test_suppressed_counts_read_as_less_than_eight_in_text_and_json():
    assert disclosure.text(None) == "<8"
    assert disclosure.text(1235) == "1,235"
    assert disclosure.json_value(None) == "<8"


def test_a_share_needs_every_count_in_it_published():
    assert disclosure.share(10, [10, 15, 5]) == 0.33
    assert disclosure.share(10, [10, 15, None]) is None
    assert disclosure.share(None, [None, 15]) is None
    assert disclosure.ratio(25, 10) == 2.5
    assert disclosure.ratio(25, None) is None


def test_a_rule_that_fails_the_difference_check_is_refused():
    with pytest.raises(ValueError):
        disclosure.Rule(suppress_max=9, round_base=5)


def test_publishing_a_frame_matches_publishing_each_count():
    df = pd.DataFrame({"n": [0, 7, 8, 12, 13, 1234]})
    out = disclosure.frame(df, ["n"])
    assert [None if pd.isna(v) else int(v) for v in out["n"]] == [
        disclosure.count(int(v)) for v in df["n"]
    ]


@pytest.fixture
def small(memory_con, write_dir):
    load_into(memory_con, write_dir(events=EVENTS, participants=PARTICIPANTS))
    return memory_con


def test_the_donor_summary_by_hand(small):
    # Exact (test_metrics "everything"): people 26 = direct 6 + cascade 20; attendances 11 rows
    # + headcounts 18 = 29; trainers 4; gender f10 m6 o1 u9; activation 2 of 8.
    got = donor.summary(small, DonorFilters()).as_dict()
    assert got == {
        "people_reached": 25, "direct_reach": "<8", "cascade_reach": 20, "attendances": 30,
        "events": 5, "step_down_events": 3, "trainers": "<8", "countries_reached": 3,
        "gender": {"female": 10, "male": "<8", "other": "<8", "undisclosed": 10},
        # No row gives a birth year: all 26 are of unknown age (0 in every other band: <8).
        "age": {"0-9": "<8", "10-14": "<8", "15-19": "<8", "20-24": "<8", "25-29": "<8",
                "30-39": "<8", "40-49": "<8", "50+": "<8", "unknown": 25},
        # male and other are <8, direct is <8, activation's counts are <8: no share at all.
        "female_share": None, "cascade_multiplier": None, "activation_rate": None,
    }  # fmt: skip


def test_one_programs_donor_numbers_by_hand(small):
    # Program A: listed p1..p6 = 6 people + E3's headcount 10 = 16; direct = E1's 4.
    got = donor.summary(small, DonorFilters(program="A")).as_dict()
    assert (got["people_reached"], got["direct_reach"], got["cascade_reach"]) == (15, "<8", 10)
    assert (got["events"], got["countries_reached"]) == (3, 2)


def test_a_donor_scope_of_two_programs_counts_each_person_once(small):
    # p1 attended programs A and B: A has 16 people, B has p7 p8 p1 + headcount 8 = 11, both
    # together 26 (p1 once), not 27. Rounded: 25.
    extract.sync_scopes(small, [("A", "B")])
    got = donor.summary(small, DonorFilters(), scope=("A", "B"))
    assert got.people_reached == 25
    one = donor.summary(small, DonorFilters(), scope=("B",))
    assert one.people_reached == 10  # 11 → 10
    with pytest.raises(extract.OutOfScope):
        donor.summary(small, DonorFilters(program="A"), scope=("B",))


SCOPES = [
    DonorFilters(),
    DonorFilters(program="A"),
    DonorFilters(country="UZB"),
    DonorFilters(year="2024"),
    DonorFilters(event_type="step_down"),
    DonorFilters(program="B", year="2023"),
]


@pytest.mark.parametrize("f", SCOPES, ids=lambda f: f.describe())
def test_every_donor_cell_is_the_exact_summary_published(small, f):
    exact = metrics.summary(small, _as_filters(f))
    cell = donor.summary(small, f)
    pub = disclosure.count
    assert (cell.people_reached, cell.direct_reach, cell.cascade_reach, cell.trainers) == (
        pub(exact.people_reached), pub(exact.direct_reach), pub(exact.cascade_reach),
        pub(exact.trainers),
    )  # fmt: skip
    assert cell.gender == {g: pub(n) for g, n in exact.gender.items()}
    assert (cell.events, cell.step_down_events) == (exact.events, exact.step_down_events)


def _as_filters(f: DonorFilters) -> metrics.Filters:
    year = int(f.year) if f.year else None
    return metrics.Filters(
        programs=(f.program,) if f.program else (),
        countries=(f.country,) if f.country else (),
        event_types=(f.event_type,) if f.event_type else (),
        date_from=dt.date(year, 1, 1) if year else None,
        date_to=dt.date(year, 12, 31) if year else None,
    )


# --- Properties over random datasets and random donor scopes ----------------------------

PROGRAMS = ("P1", "P2", "P3")
COUNTRIES = ("KAZ", "KGZ", "UZB")


@st.composite
def datasets(draw):
    """A random store: events over programs, countries, years and cascades; attendance."""
    n_events = draw(st.integers(1, 12))
    events = []
    for i in range(n_events):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        events.append(
            {
                "event_id": f"E{i}",
                "title": f"Event {i}",
                "program": draw(st.sampled_from(PROGRAMS)),
                "event_type": "step_down" if parent is not None else "training",
                "start_date": f"{draw(st.sampled_from([2022, 2023]))}-"
                f"{draw(st.integers(1, 12)):02d}-01",
                "country_code": draw(st.sampled_from(COUNTRIES)),
                "parent_event_id": "" if parent is None else f"E{parent}",
                "reported_participants": draw(st.sampled_from(["", "", "3", "9", "14"])),
            }
        )
    people = draw(st.integers(1, 40))
    rows = set()
    for _ in range(draw(st.integers(0, 120))):
        rows.add(
            (
                f"p{draw(st.integers(0, people - 1))}",
                f"E{draw(st.integers(0, n_events - 1))}",
                draw(st.sampled_from(["f", "m", "other", ""])),
                draw(st.sampled_from(["participant", "participant", "participant", "trainer"])),
            )
        )
    return pd.DataFrame(events), sorted(rows)


def _store(data) -> duckdb.DuckDBPyConnection:
    events, rows = data
    ev = events.to_csv(index=False).encode()
    part = "participant_id,event_id,gender,role\n" + "".join(
        f"{p},{e},{g},{r}\n" for p, e, g, r in rows
    )
    con = duckdb.connect()
    result = store.load(
        con, Source("events.csv", ev), Source("participants.csv", part.encode()), None
    )
    assert result.applied, result.report.to_text()
    return con


filter_choices = st.fixed_dictionaries(
    {
        "year": st.sampled_from([None, "2022", "2023"]),
        "program": st.sampled_from([None, *PROGRAMS]),
        "country": st.sampled_from([None, *COUNTRIES]),
        "event_type": st.sampled_from([None, "training", "step_down"]),
    }
)
scopes = st.sampled_from([(), ("P1",), ("P1", "P2"), ("P2", "P3")])
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=datasets(), choice=filter_choices, scope=scopes)
def test_every_published_count_of_people_is_suppressed_or_a_multiple_of_five_from_ten(
    data, choice, scope
):
    con, f = _scoped(data, choice, scope)
    for by in extract.BREAKDOWNS:
        cells = extract.cells(con, f, scope, by=by)
        for column in extract.PEOPLE:
            for value in cells[column]:
                assert pd.isna(value) or (int(value) % 5 == 0 and int(value) >= 10), (
                    by,
                    column,
                    value,
                )
    con.close()


def _scoped(data, choice: dict, scope: tuple[str, ...]):
    """A random store with the donor scope in its extract, and donor filters within it."""
    con = _store(data)
    extract.sync_scopes(con, [scope] if scope else [])
    if choice["program"] and scope and choice["program"] not in scope:
        choice = {**choice, "program": None}
    return con, DonorFilters(**choice)


def _interval(value) -> tuple[int, int]:
    return disclosure.possible(None if pd.isna(value) else int(value))


# A cell and the cells nested in it: a breakdown of the same view by one more dimension.
NESTED = ("program", "country", "event_type", "period", "level")


@SETTINGS
@given(data=datasets(), choice=filter_choices, scope=scopes)
def test_no_difference_of_nested_published_counts_pins_a_count_from_one_to_seven(
    data, choice, scope
):
    con, f = _scoped(data, choice, scope)
    whole = extract.cells(con, f, scope)
    if whole.empty:
        con.close()
        return
    total = whole.iloc[0]
    pairs = []
    for by in NESTED:
        for _, part in extract.cells(con, f, scope, by=by).iterrows():
            for column in ("people_reached", "female", "male", "other", "trainers"):
                pairs.append((total[column], part[column]))
    # A total and its breakdowns by gender: every person has one gender.
    for g in ("female", "male", "other", "undisclosed"):
        pairs.append((total["people_reached"], total[g]))
    pairs.append((total["people_reached"], total["direct_reach"]))
    for outer, inner in pairs:
        (olo, ohi), (ilo, ihi) = _interval(outer), _interval(inner)
        lo, hi = max(0, olo - ihi), ohi - ilo
        assert not (lo >= 1 and hi <= 7), (outer, inner, lo, hi)
    con.close()


def test_the_extract_is_rebuilt_in_the_same_transaction_as_a_load(memory_con, write_dir):
    first = load_into(memory_con, write_dir(events=EVENTS, participants=PARTICIPANTS))
    assert first.applied
    before = donor.summary(memory_con, DonorFilters()).people_reached
    more = "participant_id,event_id,gender\n" + "".join(f"n{i},E4,f\n" for i in range(20))
    result = store.load(
        memory_con, None, Source("participants.csv", more.encode()), None, require_events=False
    )
    assert result.applied, result.report.to_text()
    after = donor.summary(memory_con, DonorFilters()).people_reached
    # E4's list (p7 p8 p1) is replaced by 20 new people; p1 stays through program A.
    # People = A's 16 + E5's headcount 8 + the 20 new = 44, published as 45.
    assert (before, after) == (25, 45)


def test_the_cube_has_a_cell_for_every_combination_with_events(small):
    cells = small.execute("select period, program, country, event_type from published.cells "
                          "where scope_key = '*' and level = -1").fetchall()  # fmt: skip
    years, programs = {"*", "2023", "2024"}, {"*", "A", "B"}
    have = {(p, g) for p, g, _, _ in cells if "Q" not in p}
    assert have >= set(itertools.product(years, programs)) - {("2023", "A")}
    assert ("2023", "A") not in have  # program A had no event in 2023


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_published_csv_writes_plain_numbers_and_the_suppression_mark_in_every_language(lang):
    frame = pd.DataFrame({"group": ["A", "B", "C"], "people": [1235, None, 10]})
    with i18n.using(lang):
        shown = disclosure.frame_text(frame, ["people"])["people"].tolist()
        csv = disclosure.frame_csv(frame, ["people"])["people"].tolist()
    assert csv == [1235, "<8", 10]
    assert shown == (["1,235", "<8", "10"] if lang == "en" else ["1\u00a0235", "<8", "10"])
