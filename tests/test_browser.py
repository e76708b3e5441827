"""One real browser: `streamlit run` on a free port, headless Chromium visits every page."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reach.ui import router
from reach.ui.auth import Viewer

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "tests" / "artifacts"
OVERVIEW = "How far the programs reach"  # the Overview's heading; other pages: their title
# The pages an analyst (open mode) sees, in menu order: url path → (menu link, heading).
PAGES = {
    path: (router.PAGES[path][2], OVERVIEW if path == "overview" else router.PAGES[path][2])
    for path in router.allowed(Viewer("open mode", "analyst", open_mode=True))
}

WAIT = 60_000  # ms: a first page draw on a loaded machine can take many seconds
NUMBER = re.compile(r"^\s*\d[\d,]*\s*$")  # a tile's value once it is drawn: "5,374"

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
expect.set_options(timeout=WAIT)
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (see README)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def trim(shot: Path, target: Path) -> None:
    """Save a screenshot to target, cut below the last drawn row (the window is tall)."""
    from PIL import Image, ImageChops

    image = Image.open(shot).convert("RGB")
    # Look at the main area only: the sidebar runs the full height.
    main = image.crop((image.width // 3, 0, image.width, image.height))
    background = Image.new("RGB", main.size, main.getpixel((main.width - 5, main.height - 5)))
    box = ImageChops.difference(main, background).getbbox()
    bottom = min(image.height, (box[3] if box else image.height) + 40)
    image.crop((0, 0, image.width, bottom)).save(target)


def _save_for_readme(shot: Path, name: str) -> None:
    """Copy a screenshot into docs/screenshots/, trimmed."""
    trim(shot, ROOT / "docs" / "screenshots" / f"{name}.png")


def _idle(page) -> None:
    """Wait until the script run has finished (Streamlit marks its root element)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


# True once nothing is left to draw: no skeleton placeholders, every plotly chart has its
# SVG, and every map has painted (maps draw on their own canvas after the SVG).
ALL_DRAWN = """() => {
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    if (!charts.every(c => c.querySelector('.main-svg'))) return false;
    return [...document.querySelectorAll('.js-plotly-plot')]
        .filter(g => g._fullLayout && g._fullLayout.map)
        .every(g => {
            const m = g._fullLayout.map._subplot && g._fullLayout.map._subplot.map;
            return m && m.loaded() && m.areTilesLoaded() && !m.isMoving();
        });
}"""


def _drawn(page, charts: bool = False) -> None:
    """Wait until the run has finished and everything has drawn (at least one chart if
    `charts`: a page with charts must not count as drawn before the first one exists)."""
    _idle(page)
    if charts:
        expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    page.wait_for_function(ALL_DRAWN, timeout=WAIT)


# Elements of the script run before, still shown while a new run draws: while a page redraws,
# the old tile and the new one are both on the page for a moment.
FRESH = '[data-testid="stElementContainer"]:not([data-stale="true"])'


def _tile(page, label: str):
    """The value of the (current, not stale) metric tile with exactly this label."""
    name = page.get_by_test_id("stMetricLabel").filter(
        has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
    )
    return page.locator(FRESH).filter(has=name).get_by_test_id("stMetricValue")


def _tile_number(page, label: str) -> int:
    """The number a tile shows, read once the tile is drawn (an `expect` waits for it: a
    plain read right after a run would race the tile into existence)."""
    tile = _tile(page, label)
    expect(tile).to_have_text(NUMBER)
    return int(tile.inner_text().replace(",", ""))


def _launch(p):
    return p.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def _page(browser, width: int = 1500, height: int = 2800, **options):
    """A new page whose every wait (clicks and reads too, not only `expect`) allows WAIT."""
    page = browser.new_page(viewport={"width": width, "height": height}, **options)
    page.set_default_timeout(WAIT)
    return page


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    tmp = tmp_path_factory.mktemp("server")
    env = {**os.environ, "REACH_DB": str(tmp / "reach.duckdb"), "REACH_KEY_FILE": str(tmp / "k")}
    # A file, not a pipe: an unread pipe fills up and stalls the server.
    log = (tmp / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


def test_every_page_loads_in_chromium_without_errors(server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        # Streamlit scrolls inside its own container, so a tall window shows a whole page.
        page = _page(browser)
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on(
            "console",
            lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
        page.on(
            "response",
            lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
        )
        page.goto(server)
        for name, (link, heading) in PAGES.items():
            if name != "overview":  # the first page is open already
                # Navigate as a person does, through the sidebar.
                page.get_by_role("link", name=link).click()
            expect(page.locator("h1", has_text=heading)).to_be_visible()
            # Let charts finish drawing before the screenshot.
            _drawn(page, charts=name in router.FILTERED and name != "report")
            expect(page.get_by_test_id("stException")).to_have_count(0)
            if name == "report":
                # The report is made on request, with a progress bar, then offered twice.
                page.get_by_role("button", name="Make the report").click()
                expect(page.get_by_role("button", name=re.compile(r"Download PDF"))).to_be_visible()
                expect(page.get_by_role("button", name="Download HTML")).to_be_visible()
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        # No accounts yet: a browser on this computer is an analyst, told so by a banner.
        expect(page.get_by_text("Reach is in open mode")).to_be_visible()
        # A link with filters shows the filtered view; Reset filters returns to everything.
        page.goto(f"{server}/?country=KGZ")
        expect(page.get_by_text("Scope: Kyrgyzstan")).to_be_visible()
        filtered = f"{_tile_number(page, 'People reached'):,}"
        # The filters follow the person to another page, and stay in its link.
        link, heading = PAGES["gender"]
        page.get_by_role("link", name=link).click()
        expect(page.locator("h1", has_text=heading)).to_be_visible()
        _idle(page)
        expect(page).to_have_url(re.compile(r"country=KGZ"))
        expect(page.get_by_text("Scope: Kyrgyzstan")).to_have_count(1)
        # A page the filters do not act on shows none of them, and keeps them for the next.
        page.get_by_role("link", name="Methodology").click()
        expect(page.locator("h1", has_text="Methodology")).to_be_visible()
        _idle(page)
        expect(page.get_by_test_id("stSidebar").get_by_text("Event countries")).to_have_count(0)
        page.get_by_role("link", name="Overview").click()
        expect(page.locator("h1", has_text=OVERVIEW)).to_be_visible()
        expect(page.get_by_text("Scope: Kyrgyzstan")).to_be_visible()
        expect(_tile(page, "People reached")).to_have_text(filtered)
        page.get_by_role("button", name="Reset filters").click()
        expect(page.get_by_text("Scope: all events")).to_be_visible()
        expect(_tile(page, "People reached")).not_to_have_text(filtered)
        _idle(page)
        assert "country" not in page.url
        browser.close()
    assert not problems, problems
    if os.environ.get("REACH_SAVE_SCREENSHOTS"):
        for name in PAGES:
            _save_for_readme(SHOTS / f"{name}.png", name)


def test_choosing_russian_in_the_sidebar_translates_the_pages_and_keeps_them_russian(server):
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        page = _page(browser, width=1400, height=1600)
        page.goto(server)
        expect(page.locator("h1", has_text=OVERVIEW)).to_be_visible()
        _drawn(page, charts=True)
        page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(
            has_text="Language"
        ).click()
        page.get_by_role("option", name="Русский").click()
        # The headline in Russian: 5 374 with a no-break space (\s matches it).
        expect(_tile(page, "Охвачено людей")).to_have_text(re.compile(r"^\s*5\s374\s*$"))
        expect(page.locator("h1", has_text="Охват программ")).to_be_visible()
        expect(page).to_have_url(re.compile(r"lang=ru"))
        # The next page, opened through the sidebar, is in Russian too, and so is its link.
        page.get_by_role("link", name="Каскадное обучение").click()
        expect(page.locator("h1", has_text="Каскадное обучение")).to_be_visible()
        _drawn(page, charts=True)
        expect(page).to_have_url(re.compile(r"lang=ru"))
        expect(page.get_by_test_id("stException")).to_have_count(0)
        browser.close()


def test_a_browser_set_to_kazakh_opens_reach_in_kazakh(server):
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        page = _page(browser, width=1400, height=1600, locale="kk-KZ")
        page.goto(server)
        expect(_tile(page, "Қамтылған адамдар")).to_have_text(re.compile(r"^\s*5\s374\s*$"))
        expect(page.get_by_test_id("stException")).to_have_count(0)
        browser.close()


def test_downloads_are_written_when_pressed_and_hold_the_stored_rows(server):
    # Before the upload test below: the store is still the bundled sample. A CSV is written
    # only when its button is pressed (on a thread of its own, with no script run), so the
    # file must still arrive whole.
    sample = (ROOT / "data" / "sample" / "countries.csv").read_text(encoding="utf-8")
    header, *rows = sample.strip().splitlines()
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        page = _page(browser, width=1400, height=1600, accept_downloads=True)
        page.goto(server)
        expect(page.locator("h1", has_text=OVERVIEW)).to_be_visible()
        _drawn(page, charts=True)
        with page.expect_download() as chart_file:
            page.get_by_role("button", name="Download data (CSV)").first.click()
        assert chart_file.value.suggested_filename == "reach-cumulative-reach.csv"
        chart = Path(chart_file.value.path()).read_bytes().decode("utf-8-sig")
        # Exactly what the chart draws: the month, the people new in it, the running total.
        assert chart.splitlines()[0] == "period,new_people,cumulative_people"
        page.get_by_role("link", name="Data").click()
        expect(page.locator("h1", has_text="Data")).to_be_visible()
        _idle(page)
        with page.expect_download() as export:
            page.get_by_role("button", name=f"countries.csv ({len(rows)} rows)").click()
        assert export.value.suggested_filename == "countries.csv"
        got = Path(export.value.path()).read_bytes()
        # The stored countries are the sample's, in code order: UTF-8 with a BOM, CRLF lines.
        expected = "\r\n".join([header, *sorted(rows)]) + "\r\n"
        assert got == b"\xef\xbb\xbf" + expected.encode("utf-8")
        expect(page.get_by_test_id("stException")).to_have_count(0)
        browser.close()


def test_an_analyst_uploads_and_commits_a_file_in_chromium(server, tmp_path):
    events = tmp_path / "new-events.csv"
    events.write_text(
        "event_id;title;event_type;start_date;country_code\n"
        "NEW-1;Школа лидеров;school;01.09.2025;KZ\n",
        encoding="cp1251",
    )
    people = tmp_path / "attendance.csv"
    people.write_text("ID,Event,Sex,_uuid\nN1,NEW-1,Ж,a\nN2,NEW-1,м,b\n", encoding="utf-8")
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        page = _page(browser)
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(server)
        expect(page.locator("h1", has_text=OVERVIEW)).to_be_visible()
        before = _tile_number(page, "People reached")
        page.get_by_role("link", name="Data").click()
        expect(page.locator("h1", has_text="Data")).to_be_visible()
        inputs = page.get_by_test_id("stFileUploaderDropzoneInput")
        inputs.nth(0).set_input_files(str(events))
        expect(_tile(page, "Events added")).to_have_text("1")
        inputs.nth(1).set_input_files(str(people))
        # The preview of both files, not the one of the events file alone (which also has a
        # "Participant rows added" tile, showing 0).
        expect(_tile(page, "Participant rows added")).to_have_text("2")
        _drawn(page)
        page.screenshot(path=str(SHOTS / "data-preview.png"), full_page=True)
        page.get_by_role("button", name="Commit").click()
        expect(page.get_by_text(re.compile(r"Load \d+ committed: 1 event added"))).to_be_visible()
        _idle(page)
        page.screenshot(path=str(SHOTS / "data-committed.png"), full_page=True)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        page.get_by_role("link", name="Overview").click()
        expect(page.locator("h1", has_text=OVERVIEW)).to_be_visible()
        # Two new people (N1, N2) reached: the tile shows it as soon as the page redraws.
        expect(_tile(page, "People reached")).to_have_text(f"{before + 2:,}")
        browser.close()
    assert not problems, problems
    if os.environ.get("REACH_SAVE_SCREENSHOTS"):
        _save_for_readme(SHOTS / "data-preview.png", "data")


def test_an_analyst_links_two_named_lists_and_merges_the_pair_the_review_shows(server, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,title,event_type,start_date,country_code\n"
        "NAMED-1,School,school,2025-10-01,KAZ\nNAMED-2,Seminar,seminar,2025-11-01,KGZ\n",
        encoding="utf-8",
    )
    first = tmp_path / "first.csv"
    first.write_text(
        "ФИО;Телефон;Мероприятие;Пол;Год рождения\n"
        "Жумабаева Жанар Ериковна;+7 774 000 12 34;NAMED-1;Ж;1990\n"
        "Назарбаева Айгуль;;NAMED-1;Ж;\n",
        encoding="cp1251",
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "Full name,Phone,Event,Sex\n"
        "Janar Zhumabaeva,87740001234,NAMED-2,f\nAigul Nazarbayeva,,NAMED-2,f\n",
        encoding="utf-8",
    )
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        page = _page(browser, 1400)
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(server)
        expect(page.locator("h1", has_text=OVERVIEW)).to_be_visible()
        before = _tile_number(page, "People reached")
        page.get_by_role("link", name="Data").click()
        inputs = page.get_by_test_id("stFileUploaderDropzoneInput")
        inputs.nth(0).set_input_files(str(events))
        expect(_tile(page, "Events added")).to_have_text("2")
        inputs.nth(1).set_input_files(str(first))
        expect(_tile(page, "Participant rows added")).to_have_text("2")
        page.get_by_role("button", name="Commit").click()
        expect(page.get_by_text(re.compile(r"Load \d+ committed: 2 events added"))).to_be_visible()
        # The second list, in Latin letters: Zhumabaeva is matched by her phone, Aigul (a name
        # and nothing else) is new and a pair to review.
        page.get_by_test_id("stFileUploader").nth(1).get_by_role("button").last.click()
        inputs.nth(1).set_input_files(str(second))
        linked = page.get_by_test_id("stDataFrame").filter(has_text="matched people already")
        expect(linked).to_be_visible()
        _drawn(page)
        page.screenshot(path=str(SHOTS / "data-named-preview.png"), full_page=True)
        page.get_by_role("button", name="Commit").click()
        expect(page.get_by_text(re.compile(r"Load \d+ committed"))).to_be_visible()
        _drawn(page)
        page.screenshot(path=str(SHOTS / "data-review.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 2800})
        _drawn(page)
        page.screenshot(path=str(SHOTS / "data-review-390.png"), full_page=True)
        page.set_viewport_size({"width": 1400, "height": 2800})
        page.get_by_role("button", name="Merge").click()
        expect(page.get_by_text(re.compile(r"Done: merge \d+"))).to_be_visible()
        expect(page.get_by_text("No possible duplicates to review.")).to_be_visible()
        page.get_by_role("link", name="Overview").click()
        # Zhumabaeva and Aigul, each counted once.
        expect(_tile(page, "People reached")).to_have_text(f"{before + 2:,}")
        expect(page.get_by_test_id("stException")).to_have_count(0)
        browser.close()
    assert not problems, problems
    if os.environ.get("REACH_SAVE_SCREENSHOTS"):
        _save_for_readme(SHOTS / "data-review.png", "data-review")


PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_overview_shows_tiles_two_to_a_row_and_a_chart_on_the_first_screen(
    server,
):
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        page = _page(browser, **PHONE)
        page.goto(server)
        expect(page.locator("h1", has_text=OVERVIEW)).to_be_visible()
        _drawn(page, charts=True)
        first, second, third = (
            _tile(page, label).bounding_box()
            for label in ("People reached", "Direct reach", "Cascade reach")
        )
        assert first["y"] == second["y"] and second["x"] > first["x"]  # side by side
        assert third["y"] > first["y"] + first["height"]  # the third starts the next row
        # The first chart starts on the first screen (even under the open-mode banner).
        chart = page.get_by_test_id("stPlotlyChart").first.bounding_box()
        assert chart["y"] < PHONE["height"], chart
        page.screenshot(path=str(SHOTS / "overview-390-first-screen.png"))
        # The cascade flow fits the phone's width: nothing to scroll sideways.
        page.goto(f"{server}/cascade")
        expect(page.locator("h1", has_text="Cascade")).to_be_visible()
        _drawn(page, charts=True)
        flow = page.get_by_test_id("stPlotlyChart").first.bounding_box()
        assert flow["x"] >= 0 and flow["x"] + flow["width"] <= PHONE["width"], flow
        browser.close()


def test_the_overview_prints_on_a4_without_the_sidebar_and_buttons(server):
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        page = _page(browser, 1400, 1200)
        page.goto(server)
        expect(page.locator("h1", has_text=OVERVIEW)).to_be_visible()
        _drawn(page, charts=True)
        # A map draws with WebGL, which prints blank: when the page prints, it keeps a picture
        # of itself for print. Not before: a picture on every draw costs the browser's time.
        picture = page.locator("img.reach-map-print")
        expect(picture).to_have_count(0)
        page.emulate_media(media="print")
        expect(picture).to_have_count(1)
        # A drawn map, not a blank canvas (that would encode to a few hundred bytes).
        expect(picture).to_have_attribute("src", re.compile(r"^data:image/png;base64,.{10000}"))
        expect(page.get_by_test_id("stSidebar")).to_be_hidden()
        expect(page.get_by_test_id("stDownloadButton").first).to_be_hidden()
        expect(page.get_by_test_id("stHeader")).to_be_hidden()
        expect(picture).to_be_visible()
        expect(page.get_by_test_id("stMetric").first).to_be_visible()
        page.emulate_media(media="screen")
        expect(picture).to_be_hidden()
        pdf = page.pdf(format="A4", print_background=True)
        (SHOTS / "overview.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF")
        browser.close()


def test_in_open_mode_a_request_through_a_proxy_sees_only_the_banner(server):
    # The server has no accounts. A header a reverse proxy adds marks the browser as not on
    # this computer (Streamlit passes the websocket's request headers to st.context).
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        context = browser.new_context(
            viewport={"width": 1500, "height": 1600},
            extra_http_headers={"X-Forwarded-For": "203.0.113.9"},
        )
        context.set_default_timeout(WAIT)
        page = context.new_page()
        for path in ("/", "/gender", "/data"):
            page.goto(server + path)
            expect(page.get_by_text("This Reach server has no accounts yet")).to_be_visible()
            _idle(page)
            expect(page.get_by_test_id("stCode")).to_contain_text(
                "python -m reach accounts add NAME --role admin"
            )
            expect(page.get_by_test_id("stMetric")).to_have_count(0)
            expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
            expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
            expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
            expect(page.get_by_text("Scope:")).to_have_count(0)
        browser.close()
