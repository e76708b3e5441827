"""The breakdowns behind the charts, on the hand-counted cascade of test_metrics."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reach import metrics
from reach.metrics import Filters

from .conftest import EVENTS_HEADER, load_into
from .test_metrics import CASES, cascade_con  # noqa: F401 - the fixture


def rows(df, *cols):
    return [tuple(r) for r in df[list(cols)].itertuples(index=False)]


def test_by_program_splits_reach_into_direct_and_cascade(cascade_con):  # noqa: F811
    df = metrics.by_group(cascade_con, dim="program")
    # A: p1-p4 direct, p5 p6 through E2, E3's headcount of 10; B: p7 p8 p1 direct, E5's 8.
    assert rows(df, "group", "people_reached", "direct_reach", "cascade_reach", "attendances",
                "events", "step_down_events") == [
        ("A", 16, 4, 12, 18, 3, 2),
        ("B", 11, 3, 8, 11, 2, 1),
    ]  # fmt: skip


def test_by_event_type(cascade_con):  # noqa: F811
    df = metrics.by_group(cascade_con, dim="event_type")
    assert rows(df, "group", "people_reached", "events") == [
        ("step_down", 22, 3),
        ("school", 4, 1),
        ("seminar", 3, 1),
    ]


def test_cascade_levels_keep_lists_and_headcounts_apart(cascade_con):  # noqa: F811
    df = metrics.cascade_levels(cascade_con)
    assert rows(
        df, "program", "level", "events", "people", "listed_people", "headcount_people"
    ) == [
        ("A", 0, 1, 4, 4, 0),
        ("A", 1, 1, 4, 4, 0),
        ("A", 2, 1, 10, 0, 10),
        ("B", 0, 1, 3, 3, 0),
        ("B", 1, 1, 8, 0, 8),
    ]


def test_cascade_by_program(cascade_con):  # noqa: F811
    df = metrics.cascade_by_program(cascade_con)
    got = rows(df, "program", "depth", "direct_reach", "cascade_reach", "cascade_multiplier",
               "activation_rate", "median_days", "headcount_step_downs")  # fmt: skip
    # A: E1→E2 51 days, E2→E3 31 days (median 41); p1 of six candidates trains. B: E4→E5 245.
    assert got == [
        ("A", 2, 4, 12, 3.0, 0.1667, 41.0, 1),
        ("B", 1, 3, 8, 2.6667, 0.3333, 245.0, 1),
    ]


def test_step_downs_list_parent_and_days(cascade_con):  # noqa: F811
    df = metrics.step_downs(cascade_con)
    assert sorted(rows(df, "event_id", "level", "parent_event_id", "days_after_parent", "source",
                       "participants_counted")) == [
        ("E2", 1, "E1", 51, "attendance list", 4),
        ("E3", 2, "E2", 31, "reported headcount", 10),
        ("E5", 1, "E4", 245, "reported headcount", 8),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("table", "limit", "latest"),
    [
        # By start date, latest first: E3 (Apr 2024), E2 (Mar), E5 (Feb), E1 (Jan), E4 (2023).
        ("events_table", 2, ["E3", "E2"]),
        ("events_table", 5, ["E3", "E2", "E5", "E1", "E4"]),
        # The step-downs alone: E3, E2, E5.
        ("step_downs", 1, ["E3"]),
        ("step_downs", 2, ["E3", "E2"]),
    ],
)
def test_an_event_table_limited_to_its_latest_rows(cascade_con, table, limit, latest):  # noqa: F811
    whole = getattr(metrics, table)(cascade_con)
    first = getattr(metrics, table)(cascade_con, limit=limit)
    assert list(first["event_id"]) == latest
    pd.testing.assert_frame_equal(first, whole.head(limit))


@pytest.mark.parametrize("filters", [c.values[0] for c in CASES], ids=[c.id for c in CASES])
def test_the_event_tables_have_as_many_rows_as_the_summary_counts(cascade_con, filters):  # noqa: F811
    # A page words "the 1,000 latest of N" from the summary: N must be the table's length.
    s = metrics.summary(cascade_con, filters)
    assert len(metrics.events_table(cascade_con, filters)) == s.events
    assert len(metrics.step_downs(cascade_con, filters)) == s.step_down_events


def test_events_table_says_where_each_count_comes_from(cascade_con):  # noqa: F811
    df = metrics.events_table(cascade_con).set_index("event_id")
    assert tuple(df.loc["E2", ["source", "listed_participants", "participants_counted",
                               "trainers"]]) == ("attendance list", 4, 4, 1)  # fmt: skip
    assert tuple(df.loc["E5", ["source", "listed_participants", "participants_counted",
                               "trainers"]]) == ("reported headcount", 0, 8, 1)  # fmt: skip


@pytest.mark.parametrize("table", ["events_table", "step_downs"])
def test_event_tables_count_listed_people_and_each_trainer_once(memory_con, write_dir, table):
    # E2 (a step-down of E1): a, b and c listed; t trains and facilitates it (one trainer,
    # two rows); u only trains. E3 (a step-down too): a trainer alone, nobody listed.
    folder = write_dir(
        events=EVENTS_HEADER + "\n"
        "E1,School,A,training,2024-05-01,,Almaty,KAZ,,,,\n"
        "E2,Step-down,A,training,2024-06-01,,Almaty,KAZ,E1,,,\n"
        "E3,Step-down,A,training,2024-07-01,,Almaty,KAZ,E1,,,\n",
        participants="""
            participant_id,event_id,gender,role
            a,E1,f,participant
            a,E2,f,participant
            b,E2,m,participant
            c,E2,f,participant
            t,E2,f,trainer
            t,E2,f,facilitator
            u,E2,m,trainer
            v,E3,m,trainer
        """,
    )
    assert load_into(memory_con, folder).applied
    df = getattr(metrics, table)(memory_con).set_index("event_id")
    assert tuple(df.loc["E2", ["participants_counted", "trainers"]]) == (3, 2)
    assert tuple(df.loc["E3", ["participants_counted", "trainers"]]) == (0, 1)


def test_gender_of_people_reached_and_of_trainers(cascade_con):  # noqa: F811
    df = metrics.gender_breakdown(cascade_con)
    assert rows(df, "group", "gender", "people") == [
        ("People reached", "female", 10),
        ("People reached", "male", 6),
        ("People reached", "other", 1),
        ("People reached", "undisclosed", 9),
        ("Trainers", "female", 2),
        ("Trainers", "male", 2),
        ("Trainers", "other", 0),
        ("Trainers", "undisclosed", 0),
    ]
    assert metrics.parity(df) == {"People reached": 1.67, "Trainers": 1.0}


def test_a_returning_person_counts_once_per_group_with_their_latest_gender(memory_con, write_dir):
    # a: E1 (2023, A, KAZ) as male, then E2 (2024, A, KAZ) as female: female everywhere.
    # b: E2 as female, then E3 (2024, B, KGZ) with no gender: female, in both programs and
    # countries. c and d have one row each: c male at E3, d at E1 with no gender.
    folder = write_dir(
        events=EVENTS_HEADER + "\n"
        "E1,School,A,training,2023-05-01,,Almaty,KAZ,,,,\n"
        "E2,School,A,training,2024-05-01,,Almaty,KAZ,,,,\n"
        "E3,Seminar,B,seminar,2024-06-01,,Osh,KGZ,,,,\n",
        participants="""
            participant_id,event_id,gender,role
            a,E1,m,participant
            a,E2,f,participant
            b,E2,f,participant
            b,E3,,participant
            c,E3,m,participant
            d,E1,,participant
        """,
    )
    assert load_into(memory_con, folder).applied
    df = metrics.gender_groups(memory_con, grain="year")
    got = {tuple(r) for r in df[df["dim"] != "trainers"].itertuples(index=False) if r[3]}
    assert got == {
        ("reached", "People reached", "female", 2),
        ("reached", "People reached", "male", 1),
        ("reached", "People reached", "undisclosed", 1),
        ("period", "2023-01-01", "female", 1),
        ("period", "2023-01-01", "undisclosed", 1),
        ("period", "2024-01-01", "female", 2),
        ("period", "2024-01-01", "male", 1),
        ("program", "A", "female", 2),
        ("program", "A", "undisclosed", 1),
        ("program", "B", "female", 1),
        ("program", "B", "male", 1),
        ("country", "KAZ", "female", 2),
        ("country", "KAZ", "undisclosed", 1),
        ("country", "KGZ", "female", 1),
        ("country", "KGZ", "male", 1),
    }


def test_gender_over_time(cascade_con):  # noqa: F811
    df = metrics.gender_over_time(cascade_con, grain="year")
    assert rows(df, "period", "gender", "people") == [
        (pd.Timestamp(2023, 1, 1), "female", 2),
        (pd.Timestamp(2023, 1, 1), "male", 1),
        (pd.Timestamp(2024, 1, 1), "female", 9),
        (pd.Timestamp(2024, 1, 1), "male", 5),
        (pd.Timestamp(2024, 1, 1), "other", 1),
        (pd.Timestamp(2024, 1, 1), "undisclosed", 9),
    ]


def test_gender_by_country(cascade_con):  # noqa: F811
    df = metrics.gender_by(cascade_con, dim="country_code")
    assert rows(df, "group", "gender", "people") == [
        ("KAZ", "female", 3),
        ("KAZ", "male", 2),
        ("KAZ", "other", 1),
        ("KGZ", "female", 6),
        ("KGZ", "male", 3),
        ("KGZ", "undisclosed", 1),
        ("UZB", "female", 2),
        ("UZB", "male", 1),
        ("UZB", "undisclosed", 8),
    ]


@pytest.mark.parametrize(
    ("threshold", "below"),
    [(0.4, []), (0.55, ["E1", "E2"]), (0.7, ["E1", "E2", "E3", "E4"])],
)
def test_events_below_the_womens_share_threshold(cascade_con, threshold, below):  # noqa: F811
    df = metrics.event_gender(cascade_con, threshold=threshold)
    shares = dict(zip(df["event_id"], df["female_share"], strict=True))
    assert shares["E1"] == 0.5 and shares["E3"] == 0.6667
    assert shares["E5"] != shares["E5"]  # NaN: a headcount without a split has no share
    assert sorted(df.loc[df["below_threshold"], "event_id"]) == below


def test_running_total_over_time_ends_at_people_reached(cascade_con):  # noqa: F811
    for grain in metrics.GRAINS:
        df = metrics.reach_over_time(cascade_con, grain=grain)
        assert df["cumulative_people"].iloc[-1] == 26
        assert df["attendances"].sum() == 29


def test_reach_by_month(cascade_con):  # noqa: F811
    df = metrics.reach_over_time(cascade_con, Filters(programs=("A",)), grain="month")
    # Jan: p1-p4 new; Feb: no event of A, a row of zeros; Mar: E2 brings p5 p6 new, p2 p3
    # back; Apr: E3's headcount of 10.
    assert rows(df, "period", "new_people", "unique_people", "returning_people") == [
        (pd.Timestamp(2024, 1, 1), 4, 4, 0),
        (pd.Timestamp(2024, 2, 1), 0, 0, 0),
        (pd.Timestamp(2024, 3, 1), 2, 4, 2),
        (pd.Timestamp(2024, 4, 1), 10, 10, 0),
    ]


def test_first_reached_by_month_counts_each_person_in_their_first_month(cascade_con):  # noqa: F811
    df = metrics.first_reached(cascade_con, Filters(programs=("A",)), grain="month")
    # The months of test_reach_by_month: Jan p1-p4; Feb nothing; Mar p5 p6 (p2 p3 came back:
    # not new); Apr E3's headcount of 10.
    assert rows(df, "period", "new_people", "cumulative_people") == [
        (pd.Timestamp(2024, 1, 1), 4, 4),
        (pd.Timestamp(2024, 2, 1), 0, 4),
        (pd.Timestamp(2024, 3, 1), 2, 6),
        (pd.Timestamp(2024, 4, 1), 10, 16),
    ]


@pytest.mark.parametrize("grain", metrics.GRAINS)
@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(programs=("A",)),
        Filters(countries=("KGZ",)),
        Filters(event_types=("step_down",)),
        Filters(date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 3, 31)),
        Filters(programs=("No such program",)),
    ],
    ids=["all", "program", "country", "step-downs", "dates", "nothing"],
)
def test_first_reached_is_reach_over_time_without_its_per_period_columns(
    cascade_con,  # noqa: F811
    filters,
    grain,
):
    whole = metrics.reach_over_time(cascade_con, filters, grain=grain)
    pd.testing.assert_frame_equal(
        metrics.first_reached(cascade_con, filters, grain=grain),
        whole[["period", "new_people", "cumulative_people"]],
    )


def test_by_country_counts_per_100k_from_the_population(cascade_con):  # noqa: F811
    df = metrics.by_country(cascade_con).set_index("country_code")
    assert tuple(df.loc["KGZ", ["people_reached", "events"]]) == (10, 1)
    expected = 10 * 100_000 / df.loc["KGZ", "population"]
    assert df.loc["KGZ", "per_100k"] == pytest.approx(expected)
    assert df.loc["KAZ", "country"] == "Kazakhstan"


def test_share_histogram_bands_events_and_marks_those_below():
    events = pd.DataFrame({"female_share": [0.0, 0.35, 0.4, 0.5, 1.0, float("nan")]})
    bands = metrics.share_histogram(events, threshold=0.4, width=0.1)
    counts = dict(zip(bands["share_from"], bands["events"], strict=True))
    # 0.35 falls in 30–40%, 0.4 in 40–50% (bands include their lower edge), 1.0 in 90–100%.
    assert counts == {0.0: 1, 0.1: 0, 0.2: 0, 0.3: 1, 0.4: 1, 0.5: 1, 0.6: 0, 0.7: 0, 0.8: 0,
                      0.9: 1}  # fmt: skip
    below = bands.loc[bands["below_threshold"], "share_from"].tolist()
    assert below == [0.0, 0.1, 0.2, 0.3]
