"""The Report page in AppTest: each role makes the report of its filters and downloads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reach import accounts
from reach.report import render
from reach.ui.auth import Viewer

ROOT = Path(__file__).resolve().parents[1]
ROLES = ("donor", "director", "analyst")

pytestmark = pytest.mark.skipif(
    not Path(render.CHROMIUM).exists(), reason="Debian's chromium is not installed (see README)"
)


@pytest.fixture(autouse=True)
def _one_chart_browser():
    yield
    render.close_charts()


@pytest.fixture
def db(hand_db):
    """The hand-counted store of test_metrics, with an account of each role the page serves."""
    for role in ROLES:
        accounts.add(accounts.default_path(hand_db), role, role, "a long password!", ())
    return hand_db


def _report_page(role: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    at.session_state["viewer"] = Viewer(role, role)
    at.switch_page("pages/report.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _downloads(at: AppTest) -> dict[str, bytes]:
    out = {}
    for element in at.get("download_button"):
        proto = element.proto
        out[proto.label] = proto
    return out


@pytest.mark.parametrize(
    ("role", "people", "direct", "note"),
    [
        # By hand (test_metrics): 26 people, 6 directly; a donor sees 25 and <8.
        ("donor", "25", "&lt;8", "rounded to 5"),
        ("director", "26", "6", "Exact numbers"),
        ("analyst", "26", "6", "Exact numbers"),
    ],
)
def test_each_role_makes_the_report_of_its_view_and_gets_two_downloads(db, role, people,
                                                                       direct, note):  # fmt: skip
    at = _report_page(role)
    assert [t.value for t in at.title][-1] == "Impact report"
    assert any(note in c.value for c in at.caption)
    assert not _downloads(at)  # nothing is made before the button is pressed
    at.button(key="report_make").click().run()
    assert not at.exception, at.exception
    assert not at.error
    labels = sorted(_downloads(at))
    assert len(labels) == 2
    assert labels[0].startswith("Download HTML") and labels[1].startswith("Download PDF (")
    files = at.session_state["report_files"]
    assert files["pdf"].startswith(b"%PDF-")
    page = files["html"].decode("utf-8")
    tiles = page.split('class="tiles"', 1)[1].split("</section>", 1)[0]
    assert f'<div class="value">{people}</div><div class="label">People reached</div>' in tiles
    assert f'<div class="value">{direct}</div><div class="label">Reached directly</div>' in tiles
