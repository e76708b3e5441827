"""One real browser: `streamlit run` on a free port, headless Chromium visits every page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "tests" / "artifacts"
PAGES = {
    "overview": ("Overview", "How far the programs reach"),
    "reach": ("Reach", "Reach"),
    "cascade": ("Cascade", "Cascade"),
    "gender": ("Gender balance", "Gender balance"),
    "data": ("Data", "Data"),
    "methodology": ("Methodology", "Methodology"),
}

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (see README)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _save_for_readme(shot: Path, name: str) -> None:
    """Copy a screenshot into docs/, cut below the last drawn row (the window is tall)."""
    from PIL import Image, ImageChops

    image = Image.open(shot).convert("RGB")
    # Look at the main area only: the sidebar runs the full height.
    main = image.crop((image.width // 3, 0, image.width, image.height))
    background = Image.new("RGB", main.size, main.getpixel((main.width - 5, main.height - 5)))
    box = ImageChops.difference(main, background).getbbox()
    bottom = min(image.height, (box[3] if box else image.height) + 40)
    image.crop((0, 0, image.width, bottom)).save(ROOT / "docs" / "screenshots" / f"{name}.png")


def _launch(p):
    return p.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    tmp = tmp_path_factory.mktemp("server")
    env = {**os.environ, "REACH_DB": str(tmp / "reach.duckdb")}
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
        page = browser.new_page(viewport={"width": 1500, "height": 2800})
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
            page.locator(f"h1:has-text('{heading}')").wait_for(timeout=60_000)
            # Let charts finish drawing before the screenshot.
            page.wait_for_load_state("networkidle")
            time.sleep(2)
            assert page.locator("[data-testid='stException']").count() == 0, name
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        # A link with filters shows the filtered view; Reset filters returns to everything.
        page.goto(f"{server}/?country=KGZ")
        page.wait_for_selector("[data-testid='stMetric']", timeout=60_000)
        page.wait_for_load_state("networkidle")
        filtered = page.locator("[data-testid='stMetricValue']").first.inner_text()
        # The filters follow the person to another page, and stay in its link.
        page.get_by_role("link", name="Gender balance").click()
        page.locator("h1:has-text('Gender balance')").wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle")
        assert "country=KGZ" in page.url
        assert page.get_by_text("Scope: KGZ").count() == 1
        page.get_by_role("link", name="Overview").click()
        page.locator("h1:has-text('How far the programs reach')").wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-testid='stMetricValue']").first.inner_text() == filtered
        page.get_by_role("button", name="Reset filters").click()
        page.wait_for_function(
            "v => document.querySelector(\"[data-testid='stMetricValue']\").innerText !== v",
            arg=filtered,
            timeout=30_000,
        )
        assert "country" not in page.url
        browser.close()
    assert not problems, problems
    if os.environ.get("REACH_SAVE_SCREENSHOTS"):
        for name in PAGES:
            _save_for_readme(SHOTS / f"{name}.png", name)


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
        page = browser.new_page(viewport={"width": 1500, "height": 2800})
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(server)
        page.get_by_role("link", name="Overview").wait_for(timeout=60_000)
        before = page.locator("[data-testid='stMetricValue']").first.inner_text()
        page.get_by_role("link", name="Data").click()
        page.locator("h1:has-text('Data')").wait_for(timeout=60_000)
        inputs = page.locator("[data-testid='stFileUploaderDropzoneInput']")
        inputs.nth(0).set_input_files(str(events))
        page.get_by_text("Events added").wait_for(timeout=60_000)
        inputs.nth(1).set_input_files(str(people))
        page.get_by_text("Participant rows added").wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle")
        time.sleep(1)
        page.screenshot(path=str(SHOTS / "data-preview.png"), full_page=True)
        page.get_by_role("button", name="Commit").click()
        page.get_by_text("Load 2 committed").wait_for(timeout=60_000)
        time.sleep(1)
        page.screenshot(path=str(SHOTS / "data-committed.png"), full_page=True)
        assert page.locator("[data-testid='stException']").count() == 0
        page.get_by_role("link", name="Overview").click()
        page.locator("h1:has-text('How far the programs reach')").wait_for(timeout=60_000)
        # Two new people (N1, N2) reached: the tile shows it as soon as the page redraws.
        expected = f"{int(before.replace(',', '')) + 2:,}"
        page.wait_for_function(
            "v => document.querySelector(\"[data-testid='stMetricValue']\").innerText === v",
            arg=expected,
            timeout=30_000,
        )
        browser.close()
    assert not problems, problems
    if os.environ.get("REACH_SAVE_SCREENSHOTS"):
        _save_for_readme(SHOTS / "data-preview.png", "data")
