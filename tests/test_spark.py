"""The metrics on Apache Spark: the same SQL, transpiled, gives DuckDB's tables to the row.

Each store is loaded into DuckDB from CSV, exported as Parquet (export-parquet) and read by
one local Spark session shared by the module; every metric table is computed on both engines
and compared. Skipped, saying why, where pyspark or Java is missing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from reach import metrics, parquet, store
from reach.cli import main
from reach.metrics import Filters
from reach.spark import engine, portable, session

from . import test_ages, test_metrics
from .conftest import EVENTS_HEADER, csv, sources

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

# Program names a folder must carry intact: Cyrillic, a slash, a plus, one that looks like a
# year, and none at all. Trainer tr is both trainer and facilitator at K1, as f and as m.
HARD_EVENTS = (
    EVENTS_HEADER
    + """
K1,Лидеры,Школа лидеров 50+ / Алматы,school,2023-11-20,,Almaty,KAZ,,,,
K2,Каскад,Школа лидеров 50+ / Алматы,step_down,2024-02-10,,Taraz,KAZ,K1,,,
N1,Seminar,,seminar,2024-02-10,,Bishkek,KGZ,,5,2,2
Y1,Camp,2024,camp,2024-07-01,,Osh,KGZ,,,,
"""
)
HARD_PARTICIPANTS = """
participant_id,event_id,gender,role,birth_year
q1,K1,f,participant,2000
q2,K1,m,participant,1990
q3,K1,,participant,
tr,K1,f,trainer,1980
tr,K1,m,facilitator,1980
q1,K2,f,trainer,2000
q4,K2,f,participant,2005
q5,K2,m,participant,2006
q2,Y1,m,participant,1990
q6,Y1,other,participant,
"""
HARD_COUNTRIES = """
country_code,name,region,population
KGZ,Kyrgyz Republic,Central Asia,7000000
"""

STORES: dict[str, tuple[str, str, str | None] | Path] = {
    "cascade": (test_metrics.EVENTS, test_metrics.PARTICIPANTS, None),
    "ages": (test_ages.EVENTS, test_ages.PARTICIPANTS, None),
    "hard": (HARD_EVENTS, HARD_PARTICIPANTS, HARD_COUNTRIES),
    "sample": SAMPLE,
}

# Every SQL-backed metric table, with a grain or dimension where it takes one (every grain of
# reach_over_time: each steps through its periods by another interval).
TABLES: list[tuple[str, dict[str, str | int]]] = [
    ("by_country", {}),
    ("by_group", {"dim": "program"}),
    ("by_group", {"dim": "event_type"}),
    ("cascade_levels", {}),
    ("cascade_by_program", {}),
    ("events_table", {}),
    ("events_table", {"limit": 2}),
    ("step_downs", {}),
    ("step_downs", {"limit": 1}),
    ("event_gender", {}),
    ("gender_groups", {"grain": "quarter"}),
    ("age_groups", {"grain": "year"}),
    ("reach_over_time", {"grain": "month"}),
    ("reach_over_time", {"grain": "quarter"}),
    ("reach_over_time", {"grain": "year"}),
    ("first_reached", {"grain": "month"}),
    ("first_reached", {"grain": "quarter"}),
    ("first_reached", {"grain": "year"}),
]
# The ages store has little but ages to tell.
AGE_TABLES = [("age_groups", {"grain": "year"}), ("age_groups", {"grain": "month"})]


def _id(name: str, kwargs: dict[str, str | int]) -> str:
    return "-".join([name, *map(str, kwargs.values())])


EVERY_TABLE = [
    pytest.param(store_name, name, kwargs, id=f"{store_name}-{_id(name, kwargs)}")
    for store_name in STORES
    for name, kwargs in (AGE_TABLES if store_name == "ages" else TABLES)
]

SCOPES = [
    Filters(
        programs=("Women's Leadership Institutes", "Young Trainers Peer-to-Peer School"),
        date_from=dt.date(2020, 3, 1),
        date_to=dt.date(2024, 6, 30),
    ),
    Filters(countries=("KAZ", "KGZ"), event_types=("step_down", "training")),
    Filters(programs=("No such program",)),
]
SCOPE_IDS = ["two-programs-and-dates", "countries-and-types", "nothing"]
# Each table in one of the scopes, in turn (the scope is one CTE all of them share).
SCOPED_TABLES = [
    pytest.param(SCOPES[i % 3], name, kwargs, id=f"{SCOPE_IDS[i % 3]}-{_id(name, kwargs)}")
    for i, (name, kwargs) in enumerate(TABLES)
]


class Pair:
    """One store on both engines: DuckDB in memory, and Spark over its Parquet export."""

    def __init__(self, folder: Path, out: Path, spark: Any) -> None:
        self.folder = folder
        self.out = out
        self.duck = duckdb.connect()
        result = store.load(self.duck, *sources(folder), publish=False)
        assert result.applied, result.report.to_text()
        parquet.export(self.duck, out)
        self.spark = engine.SparkEngine(out, spark)

    def close(self) -> None:
        self.spark.close()
        self.duck.close()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local Spark session for the module: two cores, two shuffle partitions, no UI. No
    adaptive planning and no broadcast joins: for tables this small they only add Spark jobs
    (a third of the time of this module)."""
    lacking = engine.missing()
    if lacking:
        pytest.skip(
            f"{lacking} is not installed: the Spark tests need Java (Debian: "
            "openjdk-17-jre-headless) and pyspark (requirements.txt)"
        )
    conf = {
        "spark.sql.shuffle.partitions": "2",
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.autoBroadcastJoinThreshold": "-1",
    }
    local = engine.session("local[2]", conf)
    yield local
    local.stop()


@pytest.fixture(scope="module")
def pairs(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Pair]]:
    """A store by name (STORES), built on first use and kept for the module."""
    built: dict[str, Pair] = {}

    def pair(name: str) -> Pair:
        if name not in built:
            given = STORES[name]
            if isinstance(given, Path):
                folder = given
            else:
                folder = tmp_path_factory.mktemp(f"{name}-csv")
                for file, text in zip(("events", "participants", "countries"), given, strict=True):
                    if text is not None:
                        (folder / f"{file}.csv").write_text(csv(text), encoding="utf-8")
            out = tmp_path_factory.mktemp(f"{name}-parquet") / "export"
            built[name] = Pair(folder, out, spark)
        return built[name]

    with pytest.MonkeyPatch.context() as mp:  # a linkage key of the module's own
        mp.setenv("REACH_KEY_FILE", str(tmp_path_factory.mktemp("key") / "reach.key"))
        yield pair
    for p in built.values():
        p.close()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def assert_same_table(pair: Pair, name: str, filters: Filters, **kwargs: str) -> None:
    function = getattr(metrics, name)
    on_duckdb = function(pair.duck, filters, **kwargs)
    on_spark = function(pair.spark, filters, **kwargs)
    pd.testing.assert_frame_equal(_sorted(on_spark), _sorted(on_duckdb))


# --- the same tables on both engines ---------------------------------------------------------


@pytest.mark.parametrize("store_name", list(STORES))
def test_the_summary_on_spark_is_the_summary_on_duckdb(pairs, store_name):
    pair = pairs(store_name)
    assert metrics.summary(pair.spark) == metrics.summary(pair.duck)


@pytest.mark.parametrize(("store_name", "name", "kwargs"), EVERY_TABLE)
def test_every_metric_table_on_spark_is_the_table_on_duckdb(pairs, store_name, name, kwargs):
    assert_same_table(pairs(store_name), name, Filters(), **kwargs)


@pytest.mark.parametrize("filters", SCOPES, ids=SCOPE_IDS)
def test_a_filtered_summary_is_the_same_on_both_engines(pairs, filters):
    pair = pairs("sample")
    assert metrics.summary(pair.spark, filters) == metrics.summary(pair.duck, filters)


@pytest.mark.parametrize(("filters", "name", "kwargs"), SCOPED_TABLES)
def test_a_filtered_table_is_the_same_on_both_engines(pairs, filters, name, kwargs):
    assert_same_table(pairs("sample"), name, filters, **kwargs)


# --- numbers worked out by hand, on Spark ----------------------------------------------------


@pytest.mark.parametrize(("filters", "expected"), test_metrics.CASES)
def test_each_summary_number_on_spark_matches_the_hand_count(pairs, filters, expected):
    got = metrics.summary(pairs("cascade").spark, filters).as_dict()
    flat = {**{k: v for k, v in got.items() if k != "gender"}, **got["gender"]}
    keys = test_metrics.KEYS
    assert {k: flat[k] for k in keys} == dict(zip(keys, expected, strict=True))


def test_the_hard_store_on_spark_matches_the_hand_count(pairs):
    # Listed: q1 q2 q3 at K1, q4 q5 at step-down K2, q2 q6 at Y1 (7 rows); N1 reports 5
    # (2 f, 2 m, 1 undisclosed). Direct: q1 q2 q3 q6 and N1's 5; cascade: q4 q5.
    # Trainers: tr (f and m at one event: the tie goes to m) and q1 (f).
    # Activation: q1 q2 q3 attended K1, which has a step-down; q1 trained it.
    # Ages at the first attendance: q1 2023-2000=23, q2 2023-1990=33 (birth year of the
    # latest row, Y1), q4 2024-2005=19, q5 2024-2006=18; q3, q6 and N1's 5 unknown.
    got = metrics.summary(pairs("hard").spark).as_dict()
    assert got == {
        "people_reached": 11,
        "direct_reach": 9,
        "cascade_reach": 2,
        "attendances": 12,
        "events": 4,
        "step_down_events": 1,
        "trainers": 2,
        "countries_reached": 2,
        "gender": {"female": 4, "male": 4, "other": 1, "undisclosed": 2},
        "age": {**dict.fromkeys(test_ages.BANDS, 0), "15-19": 2, "20-24": 1, "30-39": 1,
                "unknown": 7},
        "female_share": round(4 / 9, 4),
        "cascade_multiplier": round(2 / 9, 4),
        "activation_rate": round(1 / 3, 4),
    }  # fmt: skip


def test_program_names_come_back_from_their_folders_as_written(pairs):
    groups = metrics.by_group(pairs("hard").spark)
    got = {row.group: (row.people_reached, row.direct_reach, row.events)
           for row in groups.itertuples()}  # fmt: skip
    assert got == {"Школа лидеров 50+ / Алматы": (5, 3, 2), "2024": (2, 2, 1), "(none)": (5, 5, 1)}


def test_a_trainer_listed_twice_at_one_event_has_the_same_gender_on_both_engines(pairs):
    pair = pairs("hard")
    for con in (pair.duck, pair.spark):
        trainers = metrics.gender_slice(metrics.gender_groups(con), "trainers")
        assert dict(zip(trainers["gender"], trainers["people"], strict=True)) == {
            "female": 1, "male": 1, "other": 0, "undisclosed": 0,
        }  # fmt: skip


# --- the command line --------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_summary_with_engine_spark_prints_what_duckdb_prints(pairs, capsys, as_json):
    pair = pairs("hard")
    extra = ["--json"] if as_json else []
    assert main(["summary", "--data", str(pair.folder), *extra]) == 0
    on_duckdb = capsys.readouterr().out
    assert main(["summary", "--engine", "spark", "--data", str(pair.out), *extra]) == 0
    on_spark = capsys.readouterr().out
    if as_json:
        assert json.loads(on_spark) == json.loads(on_duckdb)
        assert json.loads(on_spark)["people_reached"] == 11
    # Only the first line differs: it names the folder read.
    assert on_spark.splitlines()[1:] == on_duckdb.splitlines()[1:]
    assert on_spark.count(str(pair.out)) == (0 if as_json else 1)


@pytest.mark.parametrize(
    "argv",
    [["--engine", "spark"], ["--engine", "spark", "--data", ".", "--audience", "donor"]],
    ids=["without-data", "donor-audience"],
)
def test_engine_spark_needs_a_parquet_folder_and_the_organisation_audience(argv, capsys):
    assert main(["summary", *argv]) == 2
    assert "--engine spark takes --data DIR" in capsys.readouterr().err


def test_spark_runs_locally_unless_reach_spark_master_names_a_cluster(monkeypatch):
    monkeypatch.delenv("REACH_SPARK_MASTER", raising=False)
    assert session.master() == "local[2]"
    monkeypatch.setenv("REACH_SPARK_MASTER", "spark://spark-master:7077")
    assert session.master() == "spark://spark-master:7077"


def test_a_folder_that_is_no_parquet_export_is_named_before_spark_starts(
    monkeypatch, capsys, tmp_path
):
    monkeypatch.setattr(engine, "connect", None)  # never reached
    assert main(["summary", "--engine", "spark", "--data", str(tmp_path)]) == 1
    assert f"events/, participants/ not found in {tmp_path}." in capsys.readouterr().err


def test_without_java_the_command_says_what_to_install(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(engine, "missing", lambda: "java")
    for table in ("events", "participants"):
        (tmp_path / table).mkdir()
    assert main(["summary", "--engine", "spark", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "needs java" in err and "openjdk-17-jre-headless" in err


# --- the rendering, without Spark --------------------------------------------------------------

METRIC_SQL = [
    "summary", "by_country", "by_group", "cascade_levels", "cascade_by_program", "step_downs",
    "events_table", "event_gender", "gender_groups", "age_groups", "reach_over_time",
    "first_reached",
]  # fmt: skip


@pytest.mark.parametrize("name", METRIC_SQL)
def test_every_metric_query_reaches_spark_without_a_duckdb_macro_or_parameter(name):
    text = portable.spark_sql(name, "v_")
    tree = sqlglot.parse_one(text, read="spark")
    unknown = {f.name.lower() for f in tree.find_all(exp.Anonymous)}  # functions Spark must know
    assert not unknown & set(portable.macros())
    assert "$" not in text and "MATERIALIZED" not in text.upper()
    assert all(f":{p}" in text for p in portable.parameters(name))


def test_a_macro_parameter_passed_as_a_truncation_unit_is_bound_not_read_as_a_word():
    # period_series truncates by its `grain` parameter: date_trunc(grain, start_date), which
    # SQLGlot reads as the unit word GRAIN unless the renderer binds it.
    for name in ("reach_over_time", "first_reached"):
        text = portable.spark_sql(name, "v_")
        assert "'GRAIN'" not in text.upper()
        assert "MIN(DATE_TRUNC(:grain, start_date))" in text
