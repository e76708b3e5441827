"""The impact report: its numbers, what a donor's holds, and the files (issue 10).

Headline numbers are checked in the PDF's own text (pdftotext), against values worked out by
hand on the cascade of test_metrics and against `summary --audience donor` on the sample data.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reach import accounts, store
from reach.cli import main
from reach.i18n import Formats
from reach.report import build, render

from .test_report_render import _poppler, _text, needs_chromium

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
VALUE = re.compile(r"^(<8|—|[\d,.\u00a0]+%?|[\d.,]+×)$")

pytestmark = needs_chromium


def headline(text: str) -> list[str]:
    """The tile values of the first page, in order: between the title block and the first
    section's heading."""
    block = text.split("Reach over time", 1)[0]
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    after_made = lines[lines.index("Made") + 2 :]  # "Made", then the date
    return [line for line in after_made if VALUE.match(line)]


@pytest.fixture(scope="module", autouse=True)
def _one_chart_browser() -> Iterator[None]:
    yield
    render.close_charts()


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    """The bundled sample data in a store of its own, shared by this module's tests."""
    path = tmp_path_factory.mktemp("sample") / "reach.duckdb"
    assert store.load_dir(path, SAMPLE).applied
    return path


def report(db: Path, out: Path, *args: str) -> str:
    assert main(["report", "--db", str(db), "--out", str(out), *args]) == 0
    return _text(out) if out.suffix == ".pdf" else out.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Numbers worked out by hand (the cascade of test_metrics: 26 people, 6 direct, 20 through
# cascades, 5 events, 3 countries; female 10, male 6, other 1 of those who said).


def test_the_director_report_has_the_exact_headline_numbers(hand_db, tmp_path):
    text = report(hand_db, tmp_path / "r.pdf", "--audience", "director")
    # 10 / (10 + 6 + 1) = 58.8%; 20 / 6 = 3.33.
    assert headline(text) == ["26", "6", "20", "5", "3", "58.8%", "3.33×"]
    assert "Exact numbers, for use inside the organisation." in text


def test_the_donor_report_rounds_and_hides_small_counts_by_hand(hand_db, tmp_path):
    text = report(hand_db, tmp_path / "r.pdf")
    # 26 → 25, 6 → <8, 20 → 20; events and countries are exact; male 6 is <8, so the female
    # share is blank, and the multiplier too (direct reach is <8).
    assert headline(text) == ["25", "<8", "20", "5", "3", "—", "—"]


def test_a_donor_report_names_no_event(hand_db, tmp_path):
    for out in (tmp_path / "r.pdf", tmp_path / "r.html"):
        text = report(hand_db, out)
        for event in ("Leaders school", "Step-down Shymkent", "Step-down Osh",
                      "Communications seminar", "Peer session", "Almaty", "Shymkent", "Osh",
                      "Tashkent", "Samarkand"):  # fmt: skip
            assert event not in text
        assert not re.search(r"\bE[1-5]\b", text)


# ---------------------------------------------------------------------------------------------
# The donor report equals `summary --audience donor` for the same scope.


def _summary(db: Path, capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main(["summary", "--db", str(db), "--audience", "donor", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _written(value: object, kind: str = "count") -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value  # "<8"
    if kind == "share":
        return f"{round(value * 100)}%"
    if kind == "ratio":
        return f"{value:.1f}×"
    return f"{value:,}"


@pytest.mark.parametrize(
    "scope",
    [
        (),
        ("--program", "Women's Leadership Institutes"),
        ("--year", "2023", "--country", "KGZ"),
    ],
    ids=["everything", "one-program", "one-year-one-country"],
)
def test_the_donor_reports_headline_equals_the_donor_summary(sample_store, tmp_path, capsys,
                                                             scope):  # fmt: skip
    s = _summary(sample_store, capsys, *scope)
    text = report(sample_store, tmp_path / "r.pdf", *scope)
    assert headline(text) == [
        _written(s["people_reached"]), _written(s["direct_reach"]),
        _written(s["cascade_reach"]), _written(s["events"]), _written(s["countries_reached"]),
        _written(s["female_share"], "share"), _written(s["cascade_multiplier"], "ratio"),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# What a donor's report holds: every count of people published.

PEOPLE_COLUMNS = {
    "People reached", "Directly", "Through cascades", "Directly (level 0)", "Female", "Male",
    "Other", "Undisclosed", "All",
}  # fmt: skip
PEOPLE_TILES = {"People reached", "Reached directly", "Reached through cascades"}


class _Cells(HTMLParser):
    """Each table's header cells and body rows, and each tile's (label, value)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.tiles: list[list[str]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._tile: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "table" and "gt_table" in cls:
            self.tables.append({"head": [], "rows": []})
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "div" and cls == "tile":
            self._tile = []

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            kind = "head" if self._in_head else "rows"
            if kind == "head" and self._row:
                self.tables[-1]["head"] = self._row
            elif self._row:
                self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._tile is not None and data.strip():
            self._tile.append(data.strip())
            if len(self._tile) == 2:
                self.tiles.append(self._tile)
                self._tile = None


def _published(text: str) -> bool:
    """'<8', or a count rounded to 5 that is at least 10 (a blank '—' for no such row)."""
    if text in ("<8", "—"):
        return True
    n = int(text.replace(",", ""))
    return n >= 8 and n % 5 == 0


@pytest.mark.parametrize(
    "scope",
    [(), ("--program", "Regional Communications Seminar"), ("--year", "2025")],
    ids=["everything", "a-small-program", "a-small-year"],
)
def test_a_donor_report_holds_no_count_of_people_from_0_to_7(sample_store, tmp_path, scope):
    page = report(sample_store, tmp_path / "r.html", *scope)
    cells = _Cells()
    cells.feed(page)
    checked = 0
    for value, label in cells.tiles:
        if label in PEOPLE_TILES:
            assert _published(value), (label, value)
            checked += 1
    for table in cells.tables:
        for i, column in enumerate(table["head"]):
            if column not in PEOPLE_COLUMNS:
                continue
            for row in table["rows"]:
                if i < len(row):
                    assert _published(row[i]), (column, row)
                    checked += 1
    assert checked > 50  # the check saw the tables, not nothing
    assert "&lt;8" in page  # and the scopes do have small counts, which show as <8


def test_a_director_report_keeps_small_counts_exact(hand_db, tmp_path):
    page = report(hand_db, tmp_path / "r.html", "--audience", "director")
    cells = _Cells()
    cells.feed(page)
    assert ["6", "Reached directly"] in cells.tiles
    assert "&lt;8" not in page


# ---------------------------------------------------------------------------------------------
# The files.


def test_the_pdf_is_a4_with_every_section_and_embedded_fonts(sample_store, tmp_path):
    out = tmp_path / "r.pdf"
    text = report(sample_store, out, "--program", "Young Trainers Peer-to-Peer School")
    for heading in ("Reach over time", "People reached by country", "Cascades per program",
                    "Gender balance", "Per program", "Targets against actuals",
                    "People reached by age and sex", "Methodology", "Provenance"):  # fmt: skip
        assert heading in text
    positions = [text.index(h) for h in ("Reach over time", "Methodology", "Provenance")]
    assert positions == sorted(positions)
    info = subprocess.run([_poppler("pdfinfo"), str(out)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    fonts = subprocess.run([_poppler("pdffonts"), str(out)], capture_output=True, text=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in r for r in rows)  # every font embedded
    assert out.stat().st_size < 2_000_000
    # Provenance: the sample load's files by SHA-256, never by name.
    digest = __import__("hashlib").sha256((SAMPLE / "events.csv").read_bytes()).hexdigest()
    assert digest[:16] in text.replace("\n", "")
    assert "events.csv" not in text


def test_every_page_of_the_pdf_renders(sample_store, tmp_path):
    out = tmp_path / "r.pdf"
    report(sample_store, out)
    info = subprocess.run([_poppler("pdfinfo"), str(out)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    subprocess.run([_poppler("pdftoppm"), "-r", "30", "-png", str(out), str(tmp_path / "p")],
                   check=True)  # fmt: skip
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == pages >= 5
    assert all(p.stat().st_size > 2_000 for p in pngs)  # not blank


def test_the_html_report_opens_in_chromium_without_a_single_request(sample_store, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    out = tmp_path / "r.html"
    report(sample_store, out)
    asked, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=render.CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"],
        )  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.on("request", lambda r: asked.append(r.url))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto(out.as_uri())
            expect(page.locator("h1")).to_have_text("Impact report")
            # Reach over time, map, cascade, gender, targets, age: every one drawn inline.
            expect(page.locator("figure.chart svg")).to_have_count(6)
            page.wait_for_load_state("networkidle")
        finally:
            browser.close()
    assert failed == []
    assert asked == [out.as_uri()]  # the page itself, nothing else


# ---------------------------------------------------------------------------------------------
# Scope and language.


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2023", "--year", "2024"], "one --year"),
        (["--country", "KAZ", "--country", "KGZ"], "one --country"),
        (["--country", "Atlantis"], "not a known country"),
        (["--program", "A", "--program", "B"], "programs of a donor account"),
        (["--audience", "director", "--year", "2021", "--year", "2023"], "follow one another"),
    ],
)
def test_a_scope_that_cannot_be_reported_gets_one_sentence(hand_db, tmp_path, capsys, args,
                                                          message):  # fmt: skip
    out = tmp_path / "r.pdf"
    assert main(["report", "--db", str(hand_db), "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_the_output_must_be_pdf_or_html(hand_db, tmp_path, capsys):
    assert main(["report", "--db", str(hand_db), "--out", str(tmp_path / "r.docx")]) == 2
    assert "--out must end in .pdf or .html" in capsys.readouterr().err


def test_two_programs_make_a_donor_report_when_an_account_has_that_scope(hand_db, tmp_path):
    accounts.add(accounts.default_path(hand_db), "donab", "donor", "a long password!",
                 ("A", "B"))  # fmt: skip
    # The extract learns the new scope when the accounts change (as the app does).
    with store.connect(hand_db) as con:
        from reach import extract

        extract.sync_scopes(con, [("A", "B")])
    text = report(hand_db, tmp_path / "r.pdf", "--program", "A", "--program", "B")
    assert headline(text) == ["25", "<8", "20", "5", "3", "—", "—"]


def test_a_russian_report_writes_numbers_and_dates_the_russian_way(sample_store, tmp_path):
    args = ("--lang", "ru", "--audience", "director")
    page = report(sample_store, tmp_path / "r.html", *args)
    # 5,374 people in English is 5 374 in Russian, with a no-break space; dates "15 января".
    assert "5\u00a0374" in page and "5,374" not in page
    assert "15 января 2019\u202fг." in page
    text = report(sample_store, tmp_path / "r.pdf", *args)
    assert "5 374" in text  # pdftotext writes the no-break space as a space
    assert re.search(r"15 января 2019\s+г\.", text)


@pytest.mark.parametrize(
    ("lang", "number", "share", "ratio", "day"),
    [
        ("en", "5,374", "69.4%", "3.9", "November 24, 2026"),
        ("ru", "5\u00a0374", "69,4\u00a0%", "3,9", "24 ноября 2026\u202fг."),
    ],
)
def test_numbers_and_dates_follow_the_language(lang, number, share, ratio, day):
    import datetime as dt

    fm = Formats(lang)
    assert fm.number(5374) == number
    assert fm.percent(0.694, 1) == share
    assert fm.number(3.94, 1) == ratio
    assert fm.date(dt.date(2026, 11, 24)) == day


def test_an_unknown_language_is_refused():
    with pytest.raises(build.ScopeError):
        build.Request(lang="xx").checked()
