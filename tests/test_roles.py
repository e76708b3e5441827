"""Roles in AppTest: which pages each role gets, sign-in, donors' published view, scopes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reach import accounts, store
from reach.cli import main
from reach.ui import auth, router, session
from reach.ui.auth import Viewer

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"
PEOPLE = {
    "ada": ("admin", ()),
    "ana": ("analyst", ()),
    "dir": ("director", ()),
    "don": ("donor", ()),
    "dirb": ("director", ("B",)),
    "donb": ("donor", ("B",)),
}


@pytest.fixture
def db(hand_db):
    """The hand-counted store of test_metrics, with one account of each kind."""
    apath = accounts.default_path(hand_db)
    for name, (role, programs) in PEOPLE.items():
        accounts.add(apath, name, role, PASSWORD, programs)
    return hand_db


def viewer(name: str) -> Viewer:
    role, programs = PEOPLE[name]
    return Viewer(name, role, programs)


def app(who: str | None = None, page: str | None = None, **query) -> AppTest:
    """The app as `who` (signed in) or anonymous, opened at `page` (a file of pages/)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(query)
    if who:
        at.session_state["viewer"] = viewer(who)
    if page:
        # Before the first run, like a deep link on a fresh server.
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "markdown", "caption", "info", "warning", "error",
                                  "subheader") for e in getattr(at, kind)]  # fmt: skip
    parts += [m.label + " " + m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        ("donor", ["overview", "reach", "cascade", "gender", "targets", "report",
                   "methodology"]),
        ("director", ["overview", "reach", "cascade", "gender", "targets", "report",
                      "methodology"]),
        ("analyst", ["overview", "reach", "cascade", "gender", "targets", "report", "data",
                     "methodology"]),
        ("admin", ["overview", "reach", "cascade", "gender", "targets", "report", "data",
                   "accounts", "audit", "methodology"]),
    ],
)  # fmt: skip
def test_each_role_gets_its_pages_and_those_of_the_roles_below(role, pages):
    assert router.allowed(Viewer("x", role)) == pages


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/gender.py", "pages/data.py",
                                  "pages/accounts.py", "pages/methodology.py"])  # fmt: skip
def test_an_anonymous_visitor_gets_only_the_sign_in_page_at_every_address(db, page):
    at = app(page=page)
    assert [t.value for t in at.title] == ["Sign in to Reach"]
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe
    assert "A" not in {s.value for s in at.sidebar.get("multiselect")}
    assert at.text_input(key="signin_name") and at.button(key="signin_submit")
    # No program name and no number of the store is served before sign-in.
    assert "Leaders school" not in texts(at) and "26" not in texts(at)


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button(key="signin_submit").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_wrong_password_and_an_unknown_name_get_the_same_one_sentence(db):
    wrong = sign_in(app(), "don", "not the password")
    unknown = sign_in(app(), "nobody", "not the password")
    assert [e.value for e in wrong.error] == ["The username or password is not right."]
    assert [e.value for e in unknown.error] == [e.value for e in wrong.error]
    log = accounts.audit_log(accounts.default_path(db))
    # The log names real accounts only: a password typed into the name field is never kept.
    assert list(log["actor"]) == ["(unknown name)", "don"]
    assert set(log["action"]) == {"sign in failed"}


def test_signing_in_opens_the_page_asked_for_and_signing_out_closes_it(db):
    at = app(page="pages/gender.py")
    sign_in(at, "dir", PASSWORD)
    assert [t.value for t in at.title][-1] == "Gender and age"
    assert any("Signed in as" in c.value for c in at.sidebar.caption)
    at.button(key="sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in to Reach"]
    actions = list(accounts.audit_log(accounts.default_path(db))["action"])
    assert actions[:2] == ["sign out", "sign in"]


def test_five_failures_make_the_name_wait(db):
    at = app()
    for _ in range(accounts.FREE_FAILURES):
        sign_in(at, "ana", "wrong password!")
    sign_in(at, "ana", PASSWORD)  # even the right password waits now
    assert "Too many failed sign-ins" in at.error[0].value
    assert [t.value for t in at.title] == ["Sign in to Reach"]


def test_an_idle_session_expires(db, monkeypatch):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["viewer"] = viewer("dir")
    at.session_state["last_seen"] = 0.0  # 1970: long idle
    at.run()
    assert [t.value for t in at.title] == ["Sign in to Reach"]
    assert "expired" in at.info[0].value


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_page_a_role_may_open_renders(db, who):
    v = viewer(who)
    files = {
        path: (donor_file if v.is_donor else org_file)
        for path, (org_file, donor_file, _, _) in router.PAGES.items()
    }
    for path in router.allowed(v):
        at = app(who, files[path])
        titles = [t.value for t in at.title]
        assert titles and titles[-1] != "Not available", (path, titles)
        if v.is_donor:
            assert "Exact numbers" not in texts(at)
            assert not at.dataframe or path == "cascade"  # the per-program table only
        elif path in (*router.FILTERED, "data"):  # pages that show numbers carry the mark
            assert "Exact numbers, for use inside the organisation" in texts(at)


@pytest.mark.parametrize("who", ["don", "dir"])
def test_opening_the_data_pages_address_without_the_role_shows_no_upload_widget(db, who):
    at = app(who, "pages/data.py")
    assert [t.value for t in at.title][-1] == "Not available"
    assert not at.get("file_uploader")
    assert not at.get("download_button")


def test_an_analyst_gets_the_upload_widgets(db):
    at = app("ana", "pages/data.py")
    assert len(at.get("file_uploader")) == 4  # events, participants, countries, targets


def cli_json(capsys, *argv: str) -> dict:
    assert main(["summary", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_donors_tiles_equal_the_donor_summary_and_are_published(db, capsys):
    s = cli_json(capsys, "--db", str(db), "--audience", "donor")
    got = tiles(app("don", "pages/donor_overview.py"))
    # By hand (tests/test_disclosure.py): 25 people, direct <8, cascade 20, 5 events, 3 countries.
    assert got == {
        "People reached": "25", "Direct reach": "<8", "Cascade reach": "20", "Events": "5",
        "Countries": "3", "Female share": "—", "Cascade multiplier": "—",
    }  # fmt: skip
    assert (s["people_reached"], s["direct_reach"]) == (25, "<8")


def test_a_program_scoped_director_sees_only_that_programs_exact_numbers(db, capsys):
    s = cli_json(capsys, "--db", str(db), "--program", "B")
    got = tiles(app("dirb", "pages/overview.py"))
    # Program B by hand: p7 p8 p1 at E4 + E5's headcount 8 = 11; direct 3; cascade 8.
    assert (got["People reached"], got["Direct reach"], got["Cascade reach"]) == ("11", "3", "8")
    assert got["People reached"] == f"{s['people_reached']:,}"
    at = app("dirb", "pages/overview.py", program="A")  # a link to another program
    assert tiles(at)["People reached"] != "16"  # never program A's numbers
    assert at.multiselect(key="f_programs").options == ["B"]


def test_a_program_scoped_donor_sees_that_programs_published_numbers(db, capsys):
    s = cli_json(capsys, "--db", str(db), "--audience", "donor", "--program", "B")
    got = tiles(app("donb", "pages/donor_overview.py"))
    assert got["People reached"] == str(s["people_reached"]) == "10"  # 11 → 10
    assert at_options(app("donb", "pages/donor_overview.py")) == ["All programs", "B"]


def at_options(at: AppTest) -> list[str]:
    return list(at.selectbox(key="d_program").options)


def test_a_donor_session_connection_holds_no_person_level_table(db):
    app("don", "pages/donor_overview.py")
    con = session._published(str(db), store.file_version(db))
    tables = {
        (schema, name)
        for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables()"
        ).fetchall()
    }
    # Counts per cell, facts of the extract, targets with their published actuals, and the
    # loads behind them (no file name, no account).
    assert tables == {("published", "cells"), ("published", "ages"), ("published", "facts"),
                      ("published", "progress"), ("published", "sources")}  # fmt: skip
    columns = {r[0] for r in con.execute("describe published.progress").fetchall()}
    assert columns == {"program", "indicator", "period", "gender", "age_band", "country_code",
                       "period_start", "period_end", "target", "actual"}  # fmt: skip
    columns = {r[0] for r in con.execute("describe published.sources").fetchall()}
    assert columns == {"load_id", "loaded_at", "mode", "size", "sha256"}
    views = con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0]
    assert views == 0


def test_a_donor_session_is_refused_the_store_even_if_a_page_asks(db, monkeypatch):
    import streamlit as st

    monkeypatch.setattr(st, "session_state", {"viewer": viewer("don")})
    with pytest.raises(session.NotForDonors):
        session.connection()
    with pytest.raises(session.NotForDonors):
        session.metric("summary", __import__("reach").metrics.Filters())


@pytest.mark.parametrize(
    ("ip", "headers", "local"),
    [
        (None, {}, True),
        ("127.0.0.1", {}, True),
        ("::1", {}, True),
        ("10.0.0.5", {}, False),
        ("203.0.113.9", {}, False),
        (None, {"X-Forwarded-For": "203.0.113.9"}, False),
        (None, {"Forwarded": "for=203.0.113.9"}, False),
        (None, {"X-Real-IP": "203.0.113.9"}, False),
        ("not an address", {}, False),
    ],
)
def test_open_mode_serves_data_only_to_a_browser_on_this_machine(ip, headers, local):
    assert auth.is_local(ip, headers) is local


def test_without_accounts_the_app_runs_in_open_mode_with_a_banner(tmp_path, monkeypatch):
    monkeypatch.setenv("REACH_DB", str(tmp_path / "fresh.duckdb"))
    monkeypatch.delenv("REACH_ACCOUNTS", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert any("open mode" in w.value and "accounts add" in w.value for w in at.warning)
    assert at.metric  # the analyst view of the sample data


def test_a_remote_browser_in_open_mode_sees_only_the_banner(tmp_path, monkeypatch):
    monkeypatch.setenv("REACH_DB", str(tmp_path / "fresh.duckdb"))
    monkeypatch.delenv("REACH_ACCOUNTS", raising=False)
    monkeypatch.setattr(auth, "_request_is_local", lambda: False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception
    assert not at.metric and not at.get("plotly_chart")
    assert any("python -m reach accounts add" in c.value for c in at.code)


def test_an_admin_adds_a_donor_on_the_accounts_page_and_the_audit_log_says_so(db):
    at = app("ada", "pages/accounts.py")
    at.text_input(key="acc_name").input("new-donor")
    at.selectbox(key="acc_role").set_value("donor")
    at.multiselect(key="acc_programs").set_value(["A", "B"])
    at.text_input(key="acc_password").input("a password long enough")
    at.button(key="acc_add").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Saved: add new-donor."]
    path = accounts.default_path(db)
    assert accounts.get(path, "new-donor") == accounts.Account("new-donor", "donor", ("A", "B"))
    log = accounts.audit_log(path)
    assert (log.iloc[0]["actor"], log.iloc[0]["action"]) == ("ada", "account add")
    # The extract now has cells for the two programs together.
    with store.connect(db, read_only=True) as con:
        keys = {
            r[0] for r in con.execute("select distinct scope_key from published.cells").fetchall()
        }
    assert '["A", "B"]' in keys


def test_the_donor_connection_cannot_open_any_file(db):
    con = store.published_snapshot(db)
    for sql in (f"attach '{db}' as s (read_only)", f"select * from read_csv('{db}')"):
        with pytest.raises(Exception, match="(?i)disabled|external"):
            con.execute(sql)
    with pytest.raises(Exception, match="(?i)lock"):  # and the lock cannot be lifted
        con.execute("set enable_external_access = true")
    con.close()


def test_a_scoped_director_does_not_see_parents_outside_the_programs(db, write_dir):
    from reach import metrics

    # E5 (program B) steps down from E4 (B): its parent is shown to a B-only director.
    with store.connect(db, read_only=True) as con:
        steps = metrics.step_downs(con, metrics.within(metrics.Filters(), ("B",)))
        assert steps.set_index("event_id").loc["E5", "parent_title"] == "Communications seminar"
        # Seen from program A only, a parent in B stays unnamed (none here: E2, E3 are in A).
        steps_a = metrics.step_downs(con, metrics.within(metrics.Filters(), ("A",)))
    assert set(steps_a["parent_title"].dropna()) == {"Leaders school", "Step-down Shymkent"}
