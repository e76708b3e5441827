"""Accounts in a real browser: sign-in, what each role sees, and what never reaches the log.

One `streamlit run` per module on a store with five accounts (admin, analyst, director, donor,
and a donor limited to one program), all made with the command line before the server
starts. One headless Chromium per module; each test opens its own browser context (its own
Streamlit sessions). Every wait is an `expect` on a locator: no sleeps.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from reach.ui import router
from reach.ui.auth import Viewer

from .test_browser import ALL_DRAWN, FRESH, trim

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "tests" / "artifacts"
SAMPLE = ROOT / "data" / "sample"
WAIT = 60_000  # ms: a first page draw on a loaded machine can take many seconds
LIMITED_PROGRAM = "Women's Leadership Institutes"
WRONG = "The username or password is not right."


def _menu(role: str) -> list[str]:
    """The page links a role's sidebar shows, in order (titles from the router)."""
    return [router.PAGES[path][2] for path in router.allowed(Viewer("x", role))]


DONOR_PAGES = _menu("donor")  # a director's menu is the same: no Data page
ORGANISATION_PAGES = _menu("analyst")
ADMIN_PAGES = _menu("admin")
GENDER = router.PAGES["gender"][2]

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
expect.set_options(timeout=WAIT)
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (see README)"
)

# Streamlit's client probes each path prefix for its own endpoints (/gender/_stcore/health):
# a 404 there is how it finds the app's base path, not an error of Reach.
STREAMLIT_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")


@dataclass(frozen=True)
class Server:
    url: str
    store: Path
    log: Path
    passwords: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reach(*args: str, stdin: str | None = None, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "reach", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, (args[:2], done.stdout, done.stderr)
    return done.stdout


def _env() -> dict[str, str]:
    # The accounts file must be the one beside the store, for the CLI and the server alike.
    return {k: v for k, v in os.environ.items() if k not in ("REACH_ACCOUNTS", "REACH_DEBUG")}


def _sample_programs() -> set[str]:
    with (SAMPLE / "events.csv").open(encoding="utf-8") as f:
        return {row["program"] for row in csv.DictReader(f) if row["program"]}


def _wait_until_serving(proc: subprocess.Popen, url: str, log: Path) -> None:
    """Poll the health endpoint; between tries, wait on the process (it must not exit)."""
    for _ in range(200):  # about a minute
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        try:
            proc.wait(timeout=0.3)
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
    raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roles")
    store = tmp / "reach.duckdb"
    env = {**_env(), "REACH_DB": str(store), "REACH_KEY_FILE": str(store.with_suffix(".key"))}
    _reach("load", str(SAMPLE), "--db", str(store), env=env)
    passwords: dict[str, str] = {}
    for name, role, programs in (
        ("admin", "admin", ()),
        ("analyst", "analyst", ()),
        ("director", "director", ()),
        ("donor", "donor", ()),
        ("donor-wli", "donor", (LIMITED_PROGRAM,)),
    ):
        passwords[name] = f"{name}-pw-{secrets.token_hex(8)}"
        scope = [a for p in programs for a in ("--programs", p)]
        _reach("accounts", "add", name, "--role", role, *scope, "--password-stdin",
               "--db", str(store), stdin=passwords[name] + "\n", env=env)  # fmt: skip
    assert (tmp / "reach-accounts.sqlite").exists()
    port = _free_port()
    log_path = tmp / "streamlit.log"
    log = log_path.open("w")  # a file, not a pipe: an unread pipe stalls the server
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(proc, url, log_path)
        yield Server(url, store, log_path, passwords)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


class Tab:
    """One browser context and page, collecting page errors and failed responses."""

    def __init__(self, browser, server: Server, width: int = 1400, height: int = 2400) -> None:
        # Streamlit scrolls inside its own container, so a tall window shows a whole page.
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.set_default_timeout(WAIT)
        self.page = self.context.new_page()
        self.server = server
        self.problems: list[str] = []
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("response", self._response)

    def _response(self, r) -> None:
        if r.status >= 400 and not (r.status == 404 and STREAMLIT_PROBE.search(r.url)):
            self.problems.append(f"HTTP {r.status}: {r.url}")

    def close(self) -> None:
        self.context.close()
        assert not self.problems, self.problems

    def idle(self) -> None:
        """Wait until the script run has finished (Streamlit marks its root element)."""
        expect(self.page.get_by_test_id("stApp")).to_have_attribute(
            "data-test-script-state", "notRunning"
        )

    def open(self, path: str = "/") -> None:
        self.page.goto(self.server.url + path)

    def expect_sign_in_page(self) -> None:
        expect(self.page.get_by_role("heading", name="Sign in to Reach")).to_be_visible()
        self.idle()

    def sign_in(self, name: str, password: str | None = None) -> None:
        """Sign in on the sign-in page that is showing."""
        self.expect_sign_in_page()
        page = self.page
        page.get_by_role("textbox", name="Username").fill(name)
        page.get_by_role("textbox", name="Password").fill(
            self.server.passwords[name] if password is None else password
        )
        page.get_by_role("button", name="Sign in").click()

    def heading(self, text: str) -> None:
        """Wait for the page with this title to be drawn, without an error box."""
        expect(self.page.locator("h1", has_text=text)).to_be_visible()
        self.idle()
        expect(self.page.get_by_test_id("stException")).to_have_count(0)

    def expect_nav(self, titles: list[str]) -> None:
        """Wait until the sidebar's page links are exactly these, in this order."""
        expect(self.page.get_by_test_id("stSidebarNavLink")).to_have_text(titles)

    def tile(self, label: str):
        """The value of the (current, not stale) metric tile with exactly this label."""
        tile = self.page.locator(FRESH).filter(
            has=self.page.get_by_test_id("stMetricLabel").filter(
                has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
            )
        )
        return tile.get_by_test_id("stMetricValue")

    def charts_drawn(self, count: int) -> None:
        """Wait until `count` plotly charts are on the page, each with its drawing."""
        charts = self.page.get_by_test_id("stPlotlyChart")
        expect(charts).to_have_count(count)
        for i in range(count):
            expect(charts.nth(i).locator(".main-svg").first).to_be_visible()
        self.idle()
        self.page.wait_for_function(ALL_DRAWN, timeout=WAIT)  # maps paint after their SVG


def _donor_people_reached(server: Server, *args: str) -> str:
    """`summary --audience donor --json`'s people_reached as a tile shows it."""
    out = _reach("summary", "--db", str(server.store), "--audience", "donor", *args, "--json",
                 env=_env())  # fmt: skip
    value = json.loads(out)["people_reached"]
    return f"{value:,}" if isinstance(value, int) else value


def _assert_log_clean(server: Server, secrets_: list[str]) -> None:
    text = server.log.read_text(encoding="utf-8", errors="replace")
    assert server.url in text, "not the server's log"  # Streamlit prints its URL at start
    leaked = [s for s in secrets_ if s.lower() in text.lower()]
    assert not leaked, f"the server log holds {leaked}"


# --- tests ---------------------------------------------------------------------------------


def test_an_anonymous_browser_sees_only_the_sign_in_page_at_every_address(server, browser):
    programs = _sample_programs()
    assert len(programs) >= 3
    tab = Tab(browser, server)
    page = tab.page
    for path in ("/", "/reach", "/gender", "/data", "/accounts"):
        tab.open(path)
        tab.expect_sign_in_page()
        expect(page.get_by_text("Sign in to Reach")).to_have_count(1)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
        expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(page.get_by_test_id("stSidebar").get_by_role("link")).to_have_count(0)
        # All text of the document, hidden elements included.
        text = page.evaluate("document.documentElement.textContent")
        assert not [p for p in programs if p in text], path
        assert "Exact numbers" not in text, path
    tab.close()


def test_a_donor_who_opens_gender_signs_in_lands_there_and_sees_only_published_numbers(
    server, browser
):
    tab = Tab(browser, server)
    page = tab.page
    tab.open("/gender")
    tab.sign_in("donor")
    tab.heading(GENDER)
    expect(page).to_have_url(re.compile(r"/gender$"))
    tab.expect_nav(DONOR_PAGES)
    expect(page.get_by_text("Signed in as donor (donor)")).to_be_visible()

    page.get_by_role("link", name="Overview").click()
    tab.heading("How far the programs reach")
    expect(tab.tile("People reached")).to_have_text(_donor_people_reached(server))
    expect(page.get_by_text("counts of people rounded to 5", exact=False)).to_be_visible()
    expect(page.get_by_text("Exact numbers")).to_have_count(0)
    # One table only: the targets of the programs in scope (no event or person rows).
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    tab.charts_drawn(4)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "donor-overview.png"), full_page=True)

    # A link to the Data page: a donor signs in there and gets a sentence, no uploader.
    tab.open("/data")
    tab.sign_in("donor")
    tab.heading("Not available")
    expect(page.get_by_text("This page is not available to your account.")).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    expect(page.get_by_role("heading", name="Data", exact=True)).to_have_count(0)
    tab.expect_nav(DONOR_PAGES)
    tab.close()

    phone = Tab(browser, server, width=390, height=3200)
    phone.open("/")
    phone.sign_in("donor")
    phone.heading("How far the programs reach")
    expect(phone.tile("People reached")).to_have_text(_donor_people_reached(server))
    phone.charts_drawn(4)  # reach over time, map, programs, targets
    phone.page.screenshot(path=str(SHOTS / "donor-overview-phone.png"), full_page=True)
    phone.close()
    if os.environ.get("REACH_SAVE_SCREENSHOTS"):
        docs = ROOT / "docs" / "screenshots"
        trim(SHOTS / "donor-overview.png", docs / "donor-overview.png")
        trim(SHOTS / "donor-overview-phone.png", docs / "donor-overview-phone.png")


def test_a_donor_limited_to_one_program_sees_that_programs_published_numbers(server, browser):
    tab = Tab(browser, server)
    page = tab.page
    tab.open("/")
    tab.sign_in("donor-wli")
    tab.heading("How far the programs reach")
    expected = _donor_people_reached(server, "--program", LIMITED_PROGRAM)
    assert expected != _donor_people_reached(server)
    expect(tab.tile("People reached")).to_have_text(expected)
    expect(page.get_by_text(f"Your account shows: {LIMITED_PROGRAM}")).to_be_visible()
    tab.expect_nav(DONOR_PAGES)
    tab.close()


def test_an_analyst_uploads_and_commits_and_the_server_log_holds_no_person_data(
    server, browser, tmp_path
):
    ids = [f"zz-secret-{i:04d}" for i in range(1, 4)]
    rows = ["Zzq Secret Gathering Alpha", "Zzq Secret Gathering Beta", "Zzqcity", "Zzq Org One"]
    events = tmp_path / "zz-events.csv"
    events.write_text(
        "event_id,title,program,event_type,start_date,city,country_code,organizer\n"
        f"ZZQ-EV-0001,{rows[0]},Zzq Program,training,2025-03-01,{rows[2]},KAZ,{rows[3]}\n"
        f"ZZQ-EV-0002,{rows[1]},Zzq Program,seminar,2025-04-01,{rows[2]},KGZ,{rows[3]}\n",
        encoding="utf-8",
    )
    people = tmp_path / "zz-participants.csv"
    people.write_text(
        "participant_id,event_id,gender,role,birth_year,organization\n"
        f"{ids[0]},ZZQ-EV-0001,female,participant,1991,{rows[3]}\n"
        f"{ids[1]},ZZQ-EV-0001,male,trainer,1987,{rows[3]}\n"
        f"{ids[2]},ZZQ-EV-0002,other,participant,2001,{rows[3]}\n",
        encoding="utf-8",
    )
    tab = Tab(browser, server)
    page = tab.page
    tab.open("/")
    tab.sign_in("analyst")
    tab.heading("How far the programs reach")
    tab.expect_nav(ORGANISATION_PAGES)
    expect(page.get_by_text("Exact numbers, for use inside the organisation")).to_be_visible()
    page.get_by_role("link", name="Data").click()
    tab.heading("Data")
    inputs = page.get_by_test_id("stFileUploaderDropzoneInput")
    inputs.nth(0).set_input_files(str(events))
    expect(tab.tile("Events added")).to_have_text("2")
    inputs.nth(1).set_input_files(str(people))
    # The preview of both files, not the one of the events file alone.
    expect(tab.tile("Participant rows added")).to_have_text("3")
    expect(tab.tile("Errors")).to_have_text("0")
    tab.idle()
    page.get_by_role("button", name="Commit").click()
    expect(
        page.get_by_text(
            re.compile(r"Load \d+ committed: 2 events added, 0 updated; 3 participant rows added")
        )
    ).to_be_visible()
    tab.idle()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    tab.close()
    _assert_log_clean(
        server, [*ids, *server.passwords.values(), *rows, "ZZQ-EV-0001", "Zzq Program"]
    )


def test_signing_out_returns_to_sign_in_and_a_wrong_password_gets_one_sentence(server, browser):
    tab = Tab(browser, server)
    page = tab.page
    tab.open("/")
    tab.sign_in("admin")
    tab.heading("How far the programs reach")
    tab.expect_nav(ADMIN_PAGES)
    expect(page.get_by_text("Signed in as admin (admin)")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    tab.expect_sign_in_page()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)

    # A wrong password for an account that exists, then (in a new session, so no earlier
    # message is on screen) for a name that does not: the same page, the same sentence.
    wrong = f"wrong-pw-{secrets.token_hex(8)}"
    unknown = Tab(browser, server)
    unknown.open("/")
    shown = []
    for t, name in ((tab, "director"), (unknown, "nobody-here")):
        t.sign_in(name, wrong)
        error = t.page.get_by_test_id("stAlertContentError")
        expect(error).to_have_text(WRONG)
        t.idle()
        expect(error).to_have_count(1)
        expect(t.page.get_by_test_id("stSidebarNav")).to_have_count(0)
        shown.append(t.page.get_by_test_id("stMain").inner_text())
    unknown.close()
    assert shown[0] == shown[1]  # nothing tells an existing name from an unknown one
    # After the failure the right password still signs in; a director sees exact numbers
    # and no Data page.
    tab.sign_in("director")
    tab.heading("How far the programs reach")
    tab.expect_nav(DONOR_PAGES)
    expect(page.get_by_text("Exact numbers, for use inside the organisation")).to_be_visible()
    tab.close()
    _assert_log_clean(server, [wrong, *server.passwords.values()])
