"""The dashboard in Streamlit's AppTest: every page renders, numbers match the CLI, URL filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reach import store
from reach.cli import main

from .test_metrics import EVENTS, PARTICIPANTS

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def app(db: Path, **query: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(query)
    return at


@pytest.fixture
def sample_db(tmp_path, monkeypatch):
    path = tmp_path / "sample.duckdb"
    monkeypatch.setenv("REACH_DB", str(path))
    return path


@pytest.fixture
def small_db(tmp_path, monkeypatch, write_dir):
    path = tmp_path / "small.duckdb"
    assert store.load_dir(path, write_dir(events=EVENTS, participants=PARTICIPANTS)).applied
    monkeypatch.setenv("REACH_DB", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    with store.connect(path) as con:
        store.init_schema(con)
    monkeypatch.setenv("REACH_DB", str(path))
    return path


def test_every_file_in_pages_is_routed():
    router = (ROOT / "src" / "reach" / "ui" / "router.py").read_text(encoding="utf-8")
    assert PAGES and all(f'"{page}"' in router for page in PAGES)


ORGANISATION_PAGES = [p for p in PAGES if not p.startswith("pages/donor_")]


@pytest.mark.parametrize("page", ORGANISATION_PAGES)
@pytest.mark.parametrize("db", ["sample_db", "empty_db"])
def test_every_page_renders_without_exception_in_open_mode(request, page, db):
    path = request.getfixturevalue(db)
    at = app(path)
    at.run()
    if page in ("pages/accounts.py", "pages/audit.py"):
        return  # admin pages: open mode acts as analyst (tests/test_roles.py covers them)
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception


def test_a_new_store_opens_on_the_sample_data(sample_db, capsys):
    at = app(sample_db)
    at.run()
    assert main(["summary", "--db", str(sample_db), "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["People reached"] == f"{expected['people_reached']:,}"


def test_an_empty_store_shows_a_friendly_note(empty_db):
    at = app(empty_db)
    at.run()
    assert not at.exception
    assert any("No events match" in i.value for i in at.info)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"country": "KAZ"},
        {"program": "B"},
        {"type": "step_down"},
        {"from": "2024-01-10", "to": "2024-03-01"},
        {"program": ["A", "B"], "country": ["UZB", "KGZ"]},
    ],
)
def test_kpi_tiles_equal_the_cli_summary_for_the_same_url_filters(small_db, capsys, query):
    at = app(small_db, **query)
    at.run()
    assert not at.exception
    argv = ["summary", "--db", str(small_db), "--json"]
    names = {"program": "--program", "country": "--country", "type": "--type"}
    for key, values in query.items():
        for value in values if isinstance(values, list) else [values]:
            argv += [names.get(key, f"--{key}"), value]
    assert main(argv) == 0
    s = json.loads(capsys.readouterr().out)
    tiles = {m.label: m.value for m in at.metric}
    # An undefined rate reads "—", as every blank does.
    share = "—" if s["female_share"] is None else f"{s['female_share']:.1%}"
    multiplier = "—" if s["cascade_multiplier"] is None else f"{s['cascade_multiplier']:.2f}×"
    assert tiles == {
        "People reached": f"{s['people_reached']:,}",
        "Direct reach": f"{s['direct_reach']:,}",
        "Cascade reach": f"{s['cascade_reach']:,}",
        "Events": f"{s['events']:,}",
        "Countries": f"{s['countries_reached']:,}",
        "Female share": share,
        "Cascade multiplier": multiplier,
    }


def test_url_filters_fill_the_sidebar_and_the_kpis_by_hand(small_db):
    # The hand count of test_metrics, "one-program": program B reaches 11 people, 3 directly.
    at = app(small_db, program="B")
    at.run()
    assert at.multiselect(key="f_programs").value == ["B"]
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["People reached"], tiles["Direct reach"], tiles["Cascade reach"]) == (
        "11", "3", "8",
    )  # fmt: skip


def test_a_date_range_compares_with_the_previous_period(small_db):
    # From 2024-03-01 to the last event (E3, 2024-04-01): 32 days holding E2 and E3.
    # The 32 days before, 2024-01-29..2024-02-29, hold only E5 (a headcount of 8).
    at = app(small_db, **{"from": "2024-03-01"})
    at.run()
    events = next(m for m in at.metric if m.label == "Events")
    assert (events.value, events.delta) == ("2", "+1")
    people = next(m for m in at.metric if m.label == "People reached")
    # now: E2's list p5 p6 p2 p3 + E3's headcount 10 = 14; before: 8.
    assert (people.value, people.delta) == ("14", "+6")
    assert any("2024-01-29 to 2024-02-29" in c.value for c in at.caption)


def _on_page(db: Path, page: str, **query) -> AppTest:
    at = app(db, **query)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def test_cascade_page_numbers_by_hand(small_db):
    at = _on_page(small_db, "pages/cascade.py")
    tiles = {m.label: m.value for m in at.metric}
    # test_metrics "everything": multiplier 20/6, activation 2/8, 3 step-downs, 20 via cascades.
    assert tiles == {
        "Cascade multiplier": "3.33×",
        "Activation rate": "25.0%",
        "Step-down events": "3",
        "Reached through cascades": "20",
    }
    # E3 and E5 are headcount-only: 10 + 8 people cannot be de-duplicated.
    assert any("18 of the people shown" in i.value for i in at.info)


def test_gender_page_numbers_by_hand(small_db):
    at = _on_page(small_db, "pages/gender.py")
    tiles = {m.label: m.value for m in at.metric}
    # People reached: f10 m6 o1 u9; trainers t1 f, p1 f, t2 m, p7 m.
    assert tiles == {
        "Female share, people reached": "58.8%",
        "Parity index, people reached": "1.67",
        "Parity index, trainers": "1.00",
        "Undisclosed, people reached": "9",
    }
    at.slider(key="threshold").set_value(55).run()
    assert any("2 of 5 events are below 55%" in c.value for c in at.caption)


def test_reach_page_lists_every_event_in_scope(small_db):
    at = _on_page(small_db, "pages/reach.py", program="A")
    table = at.dataframe[0].value
    assert sorted(table["event_id"]) == ["E1", "E2", "E3"]
    sources = dict(zip(table["event_id"], table["source"], strict=True))
    assert sources["E3"] == "reported headcount" and sources["E1"] == "attendance list"


@pytest.mark.parametrize(
    ("page", "shown", "caption", "every"),
    [
        # Latest first: E3 (Apr 2024), E2 (Mar); five events in all.
        ("pages/reach.py", ["E3", "E2"], "The 2 latest of 5 events", ["E1", "E2", "E3", "E4",
                                                                      "E5"]),
        ("pages/cascade.py", ["E3", "E2"], "The 2 latest of 3 step-downs", ["E2", "E3", "E5"]),
    ],
)  # fmt: skip
def test_an_event_table_shows_its_latest_rows_and_downloads_every_one(
    small_db, monkeypatch, page, shown, caption, every
):
    from reach.ui import frames, session

    written = []

    def spy(*args, **kwargs):
        written.append(table_file(*args, **kwargs))
        return written[-1]

    table_file = session.table_file
    monkeypatch.setattr(frames, "EVENT_ROWS", 2)
    monkeypatch.setattr(session, "table_file", spy)
    at = _on_page(small_db, page)
    assert list(at.dataframe[-1].value["event_id"]) == shown
    assert any(c.value.startswith(caption) for c in at.caption)
    # The download is written when pressed, from every row of the table.
    csv = written[-1]().decode("utf-8-sig")
    assert sorted(line.split(",")[0] for line in csv.splitlines()[1:]) == every
