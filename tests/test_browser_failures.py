"""Chromium against a damaged and a busy store: one sentence, never a traceback or a path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import duckdb
import pytest

from .test_browser import CHROMIUM, ROOT, _free_port, _launch, _page

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (see README)"
)

# What a traceback or an internal path looks like on a page.
LEAKS = re.compile(r"Traceback|File \"|\.py\b|/tmp/|/work/|site-packages|Error:", re.I)


def _serve(tmp: Path, store: Path, **env: str):
    port = _free_port()
    log = (tmp / "streamlit.log").open("w")
    env = {**os.environ, "REACH_DB": str(store), "REACH_KEY_FILE": str(tmp / "k"), **env}
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    # The health address answers once the server is up (bounded: about 60 s).
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            proc.poll()
            if proc.returncode is not None:
                raise RuntimeError("the server did not start") from None
            try:
                proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
    return proc, log, url


def _main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def test_a_damaged_store_shows_one_sentence_on_every_page(tmp_path):
    store = tmp_path / "reach.duckdb"
    store.write_bytes(b"not a database " * 1000)
    proc, log, url = _serve(tmp_path, store)
    try:
        with playwright.sync_playwright() as p:
            browser = _launch(p)
            for path in ("", "gender", "data"):
                page = _page(browser, 1400, 900)
                page.goto(f"{url}/{path}")
                expect(page.get_by_text("Reach cannot read its data store")).to_be_visible(
                    timeout=60_000
                )
                expect(page.get_by_test_id("stException")).to_have_count(0)
                assert not LEAKS.search(_main_text(page)), _main_text(page)
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    # The log names the error's type and place, never its message.
    text = (tmp_path / "streamlit.log").read_text(encoding="utf-8")
    assert "not a database" not in text


def test_a_busy_store_shows_the_last_good_numbers_with_a_note(tmp_path):
    store = tmp_path / "reach.duckdb"
    subprocess.run(
        [sys.executable, "-m", "reach", "load", str(ROOT / "data" / "sample"), "--db", str(store)],
        check=True, capture_output=True,
    )  # fmt: skip
    proc, log, url = _serve(tmp_path, store, REACH_BUSY_WAIT="0.5")
    try:
        with playwright.sync_playwright() as p:
            browser = _launch(p)
            page = _page(browser, 1400, 900)
            page.goto(url)
            tile = page.get_by_test_id("stMetric").filter(has_text="People reached")
            expect(tile).to_contain_text("5,374", timeout=60_000)
            # A load in another process: the store changes and stays locked while we look.
            con = duckdb.connect(str(store))
            try:
                con.execute("insert or replace into meta values ('busy-test', 'x')")
                con.execute("checkpoint")
                page.reload()
                expect(page.get_by_text("A load is being written to the store")).to_be_visible(
                    timeout=60_000
                )
                expect(tile).to_contain_text("5,374")
                expect(page.get_by_test_id("stException")).to_have_count(0)
                assert not LEAKS.search(_main_text(page)), _main_text(page)
            finally:
                con.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
