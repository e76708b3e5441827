"""A merge rebuilds only the donor cells it changes, and they equal a whole rebuild's."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reach import extract, metrics, sqlfiles, store
from reach.validate import Source

from .test_disclosure import COUNTRIES, PROGRAMS, _store, datasets

KEYS = ["scope_key", "period", "program", "country", "event_type", "level"]
SCOPES = st.sampled_from([(), ("P1", "P2"), ("P2", "P3")])


@pytest.fixture
def exact_cells(monkeypatch):
    """Publish exact counts, so a comparison sees every difference rounding would hide; and
    count the incremental rebuilds."""
    monkeypatch.setattr(extract.disclosure, "frame", lambda df, people, rule=None: df.copy())
    calls: list[str] = []
    real = sqlfiles.materialize

    def materialize(con, table, name, params=None):
        calls.append(name)
        return real(con, table, name, params)

    monkeypatch.setattr(extract.sqlfiles, "materialize", materialize)
    return calls


def _published(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The extract's cells and ages keyed by the cell's dimensions, not its internal ID."""
    cells = con.execute("select * from published.cells").df()
    ages = con.execute("select * from published.ages").df()
    ages = ages.merge(cells[["cell_id", *KEYS]], on="cell_id").drop(columns="cell_id")
    cells = cells.drop(columns="cell_id")
    order = list(cells.columns)
    cells = cells.sort_values(KEYS).reset_index(drop=True)[order]
    age_keys = [*KEYS, "band", "gender"]
    ages = ages.sort_values(age_keys).reset_index(drop=True)[sorted(ages.columns)]
    return cells, ages


@st.composite
def merges(draw, data):
    """An upload into the store `data` makes: some events moved (year, country, program),
    new events (some under existing ones), and new or replaced attendance lists."""
    events, _rows = data
    n = len(events)
    moved = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=3))
    out = []
    for i in moved:
        row = events.iloc[i].to_dict()
        row["start_date"] = f"{draw(st.sampled_from([2022, 2023, 2024]))}-06-01"
        row["country_code"] = draw(st.sampled_from(COUNTRIES))
        row["program"] = draw(st.sampled_from(PROGRAMS))
        out.append(row)
    new = draw(st.integers(0, 3))
    for j in range(new):
        parent = draw(st.one_of(st.none(), st.integers(0, n - 1)))
        out.append(
            {
                "event_id": f"N{j}",
                "title": f"New {j}",
                "program": draw(st.sampled_from(PROGRAMS)),
                "event_type": "step_down" if parent is not None else "training",
                "start_date": f"{draw(st.sampled_from([2023, 2024]))}-09-01",
                "country_code": draw(st.sampled_from(COUNTRIES)),
                "parent_event_id": "" if parent is None else f"E{parent}",
                "reported_participants": draw(st.sampled_from(["", "7"])),
            }
        )
    ids = [f"E{i}" for i in range(n)] + [f"N{j}" for j in range(new)]
    listed = draw(st.lists(st.sampled_from(ids), unique=True, max_size=3))
    rows = set()
    for event_id in listed:
        for _ in range(draw(st.integers(1, 8))):
            rows.add(
                (
                    f"p{draw(st.integers(0, 45))}",
                    event_id,
                    draw(st.sampled_from(["f", "m", ""])),
                    draw(st.sampled_from(["participant", "participant", "trainer"])),
                )
            )
    return pd.DataFrame(out, columns=events.columns), sorted(rows)


def _merge(con: duckdb.DuckDBPyConnection, upload) -> store.LoadResult:
    events, rows = upload
    ev = Source("events.csv", events.to_csv(index=False).encode()) if len(events) else None
    people = None
    if rows:
        text = "participant_id,event_id,gender,role\n" + "".join(
            f"{p},{e},{g},{r}\n" for p, e, g, r in rows
        )
        people = Source("participants.csv", text.encode())
    return store.load(con, ev, people, require_events=False)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), base=datasets(), scope=SCOPES)
def test_a_merges_rebuilt_cells_equal_a_whole_rebuild(exact_cells, data, base, scope):
    con = _store(base)
    extract.sync_scopes(con, [scope] if scope else [])
    upload = data.draw(merges(base))
    assume(len(upload[0]) or upload[1])
    exact_cells.clear()
    result = _merge(con, upload)
    assume(result.applied)  # an upload the validator refuses changes nothing
    assert "extract_touched" in exact_cells  # the merge took the incremental way
    # The history's numbers come from the extract's cell of every event: the summary's own.
    assert result.after == metrics.worked_out_summary(con).as_dict()
    merged = _published(con)
    extract.rebuild(con)  # every cell, from scratch
    whole = _published(con)
    pd.testing.assert_frame_equal(merged[0], whole[0], check_dtype=False)
    pd.testing.assert_frame_equal(merged[1], whole[1], check_dtype=False)
    con.close()


EVENTS = """event_id,title,program,event_type,start_date,country_code,parent_event_id
A1,School,P1,training,2023-03-01,KAZ,
A2,Step-down,P1,step_down,2023-05-01,KAZ,A1
B1,Seminar,P2,seminar,2023-04-01,KGZ,
"""
PEOPLE = (
    "participant_id,event_id,gender,role\n"
    + "".join(f"a{i},A1,f,participant\n" for i in range(12))
    + "".join(f"b{i},B1,m,participant\n" for i in range(12))
)


def test_a_merge_into_one_program_keeps_the_other_programs_cells_as_they_were(exact_cells):
    con = duckdb.connect()
    assert store.load(
        con, Source("events.csv", EVENTS.encode()), Source("participants.csv", PEOPLE.encode())
    ).applied
    before = con.execute(
        "select cell_id, people_reached from published.cells "
        "where program = 'P2' and period = '*' and country = '*' and event_type = '*' "
        "and level = -1"
    ).fetchall()
    upload = EVENTS.splitlines()[0] + "\nA3,Camp,P1,camp,2024-07-01,KAZ,\n"
    people = "participant_id,event_id,gender,role\n" + "".join(
        f"c{i},A3,f,participant\n" for i in range(5)
    )
    assert store.load(
        con,
        Source("events.csv", upload.encode()),
        Source("participants.csv", people.encode()),
    ).applied
    # P2's cell is untouched (same internal ID); the all-programs cell counts the 5 new people.
    after = con.execute(
        "select cell_id, people_reached from published.cells "
        "where program = 'P2' and period = '*' and country = '*' and event_type = '*' "
        "and level = -1"
    ).fetchall()
    assert after == before == [(before[0][0], 12)]
    everyone = con.execute(
        "select people_reached from published.cells where scope_key = '*' and period = '*' "
        "and program = '*' and country = '*' and event_type = '*' and level = -1"
    ).fetchall()
    assert everyone == [(12 + 12 + 5,)]
    con.close()


def test_a_merge_after_a_load_without_an_extract_works_every_cell_out_again(exact_cells):
    con = duckdb.connect()
    assert store.load(
        con, Source("events.csv", EVENTS.encode()), Source("participants.csv", PEOPLE.encode())
    ).applied
    # B1's list grows from 12 to 20 people in a load that leaves the extract as it was.
    bigger = "participant_id,event_id,gender,role\n" + "".join(
        f"b{i},B1,m,participant\n" for i in range(20)
    )
    assert store.load(
        con, None, Source("participants.csv", bigger.encode()), require_events=False,
        publish=False,
    ).applied  # fmt: skip
    upload = EVENTS.splitlines()[0] + "\nA3,Camp,P1,camp,2024-07-01,KAZ,\n"
    people = "participant_id,event_id,gender,role\n" + "".join(
        f"c{i},A3,f,participant\n" for i in range(5)
    )
    exact_cells.clear()
    assert store.load(
        con, Source("events.csv", upload.encode()), Source("participants.csv", people.encode())
    ).applied
    assert "extract_touched" not in exact_cells  # the kept counts were a load behind
    everyone = con.execute(
        "select people_reached from published.cells where scope_key = '*' and period = '*' "
        "and program = '*' and country = '*' and event_type = '*' and level = -1"
    ).fetchall()
    assert everyone == [(12 + 20 + 5,)]  # added to the stale counts it would be 12 + 12 + 5
    con.close()


@pytest.mark.parametrize(
    ("rows", "setting", "limit"),
    [
        (0, None, "600MB"),
        (1_000_000, None, "600MB"),  # a million rows: under 1 GB for the whole load
        (3_000_000, None, "600MB"),
        (10_000_000, None, "2000MB"),  # 200 bytes a row
        (10_000_000, "2GB", "2GB"),  # the setting wins
    ],
)
def test_the_extracts_memory_limit_grows_with_the_store_past_three_million_rows(
    monkeypatch, rows, setting, limit
):
    if setting:
        monkeypatch.setenv("REACH_EXTRACT_MEMORY", setting)
    else:
        monkeypatch.delenv("REACH_EXTRACT_MEMORY", raising=False)
    assert extract.memory_limit(rows) == limit


def test_a_trainer_listed_twice_at_one_event_has_the_same_gender_in_the_extract_and_summary(
    exact_cells,
):
    # tr is trainer (f) and facilitator (m) at one event: one event_order, two genders. The
    # metrics' trainer_gender gives the tie to the greater gender, m; so must the extract.
    events = "event_id,title,program,event_type,start_date,country_code\n"
    events += "A1,School,P1,training,2023-03-01,KAZ\n"
    people = "participant_id,event_id,gender,role\ntr,A1,f,trainer\ntr,A1,m,facilitator\n"
    con = duckdb.connect()
    assert store.load(
        con, Source("events.csv", events.encode()), Source("participants.csv", people.encode())
    ).applied
    trainers = metrics.gender_slice(metrics.gender_groups(con), "trainers")
    cell = con.execute(
        "select trainers, trainers_female, trainers_male from published.cells "
        "where scope_key = '*' and period = '*' and program = '*' and country = '*' "
        "and event_type = '*' and level = -1"
    ).fetchall()
    assert cell == [(1, 0, 1)]
    assert dict(zip(trainers["gender"], trainers["people"], strict=True)) == {
        "female": 0, "male": 1, "other": 0, "undisclosed": 0,
    }  # fmt: skip
    con.close()


def test_a_blocks_settings_are_put_back_after_it_even_when_it_fails():
    con = duckdb.connect()
    # DuckDB shows a limit rounded ('3GB' reads back as '2.7 GiB'), and that is what is put
    # back: a limit it shows exactly is restored exactly.
    con.execute("set memory_limit = '2GiB'")
    con.execute("set threads = 2")
    before = con.execute("select current_setting('memory_limit'), current_setting('threads')")
    before = before.fetchall()
    with sqlfiles.settings(con, memory_limit="600MB", threads=1):
        inside = con.execute(
            "select current_setting('memory_limit'), current_setting('threads')"
        ).fetchall()
    assert inside[0][1] == 1 and inside[0][0] != before[0][0]
    with pytest.raises(RuntimeError), sqlfiles.settings(con, memory_limit="600MB", threads=1):
        raise RuntimeError("a failing block")
    after = con.execute("select current_setting('memory_limit'), current_setting('threads')")
    assert after.fetchall() == before
    with pytest.raises(ValueError, match="not a memory size"):
        with sqlfiles.settings(con, memory_limit="600; drop table x"):
            pass
    con.close()


@pytest.mark.parametrize(("threads", "rows_past_large", "expected"), [
    (4, True, 2),  # a large store: no more threads than were measured within the limit
    (1, True, 1),  # never more than the connection has
    (4, False, 4),  # a store under LARGE keeps every thread
])  # fmt: skip
def test_a_large_stores_extract_runs_on_at_most_two_threads(
    monkeypatch, threads, rows_past_large, expected
):
    con = _store(
        (
            pd.DataFrame(
                [
                    {
                        "event_id": "E0",
                        "title": "T",
                        "program": "P1",
                        "event_type": "training",
                        "start_date": "2023-01-01",
                        "country_code": "KAZ",
                        "parent_event_id": "",
                        "reported_participants": "",
                    }
                ]
            ),  # fmt: skip
            [("p1", "E0", "f", "participant"), ("p2", "E0", "m", "participant")],
        )
    )
    con.execute(f"set threads = {threads}")
    monkeypatch.setattr(extract, "LARGE", 1 if rows_past_large else 10)  # the store has 2 rows
    seen: list[int] = []
    real = sqlfiles.materialize

    def materialize(con, table, name, params=None):
        seen.append(int(con.execute("select current_setting('threads')").fetchone()[0]))
        return real(con, table, name, params)

    monkeypatch.setattr(extract.sqlfiles, "materialize", materialize)
    con.execute("begin transaction")
    extract.rebuild(con)
    con.execute("commit")
    assert seen and set(seen) == {expected}
    assert int(con.execute("select current_setting('threads')").fetchone()[0]) == threads
