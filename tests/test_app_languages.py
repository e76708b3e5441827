"""Every page in Russian, Kazakh and Kyrgyz (AppTest): every tile, header, button, tab, widget,
table header and chart title in Cyrillic; numbers written the Russian way; the language kept
across pages, chosen in the sidebar, and taken from the account."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reach import accounts, store
from reach.ui import router
from reach.ui.auth import Viewer

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"
CYRILLIC = re.compile("[\u0400-\u04ff]")
# Words that read the same in every language: formats, standards, and data values shown in
# chart titles' scope (the sample's programs are named in English by their organisations).
ALLOWED = {"CSV", "PDF", "HTML", "ISO", "XLSX", "UTC", "SHA", "Reach"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The bundled sample data (people reached: 5,374), with an admin and a donor."""
    path = tmp_path_factory.mktemp("sample") / "reach.duckdb"
    store.ensure(path)
    apath = accounts.default_path(path)
    accounts.add(apath, "ada", "admin", "correct horse battery")
    accounts.add(apath, "don", "donor", "correct horse battery")
    accounts.add(apath, "kat", "director", "correct horse battery", language="kk")
    return path


@pytest.fixture
def db(sample, monkeypatch) -> Path:
    monkeypatch.setenv("REACH_DB", str(sample))
    return sample


def app(viewer: Viewer, page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    at.query_params.update(query)
    at.session_state["viewer"] = viewer
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _chart_words(at: AppTest) -> list[tuple[str, str]]:
    out = []
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec).get("layout", {})
        for name in ("title", "xaxis", "yaxis", "legend"):
            part = layout.get(name) or {}
            title = part if name == "title" else part.get("title") or {}
            text = title.get("text") if isinstance(title, dict) else title
            if text:
                out.append((f"chart {name}", text))
    return out


def _headers(at: AppTest) -> list[tuple[str, str]]:
    out = []
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        for column in frame.value.columns:
            label = (config.get(str(column)) or {}).get("label") or str(column)
            out.append(("table header", label))
    return out


def shown(at: AppTest) -> list[tuple[str, str]]:
    """(kind, text) of every word a person reads as a label on the page and its sidebar."""
    out = [("metric", m.label) for m in at.metric]
    out += [(kind, e.value) for kind in ("title", "header", "subheader") for e in getattr(at, kind)]
    out += [("button", b.label) for b in at.button]
    out += [("download", d.proto.label) for d in at.get("download_button")]
    out += [("tab", t.label) for t in at.tabs]
    out += [("expander", e.label) for e in at.expander]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "number_input",
                 "date_input", "checkbox", "toggle", "text_area"):  # fmt: skip
        out += [(kind, w.label) for w in getattr(at, kind)]
    return out + _chart_words(at) + _headers(at)


def untranslated(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The items with Latin words but no Cyrillic letter, beyond the allow-list."""
    left = []
    for kind, text in items:
        latin = [w for w in re.findall(r"[A-Za-z]{2,}", str(text)) if w not in ALLOWED]
        if latin and not CYRILLIC.search(str(text)):
            left.append((kind, text))
    return left


ADMIN = Viewer("ada", "admin")
DONOR = Viewer("don", "donor")


def _pages(viewer: Viewer) -> list[str]:
    # A page is opened by its organisation file's address; the router serves a donor the
    # donor version of it.
    return [org for path, (org, *_) in router.PAGES.items() if path in router.allowed(viewer)]


@pytest.mark.parametrize(
    ("viewer", "page"),
    [(v, p) for v in (ADMIN, DONOR) for p in _pages(v)],
    ids=lambda x: x.name if isinstance(x, Viewer) else x,
)
def test_every_page_reads_in_russian(db, viewer, page):
    at = app(viewer, page, lang="ru")
    items = shown(at)
    assert len(items) >= 3, items  # the page drew its words: tiles, titles, widgets
    assert untranslated(items) == []


def test_the_russian_headline_is_written_with_a_no_break_space(db):
    at = app(ADMIN, lang="ru")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Охвачено людей"] == f"5{NBSP}374"
    assert tiles["Доля женщин"].endswith(f"{NBSP}%") and "," in tiles["Доля женщин"]


@pytest.mark.parametrize(
    ("lang", "people"),
    [("en", "People reached"), ("kk", "Қамтылған адамдар"), ("ky", "Камтылган адамдар")],
)
def test_the_overview_reads_in_each_language(db, lang, people):
    at = app(ADMIN, lang=lang)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[people] == ("5,374" if lang == "en" else f"5{NBSP}374")
    if lang != "en":
        assert untranslated(shown(at)) == []


def test_choosing_a_language_in_the_sidebar_keeps_the_filters_and_the_url(db):
    at = app(ADMIN, program="Regional Communications Seminar")
    chosen = at.multiselect(key="f_programs").value
    at.selectbox(key="language_choice").select("ru").run()
    assert not at.exception
    assert at.query_params["lang"] == "ru"
    assert at.multiselect(key="f_programs").value == chosen
    assert at.title[-1].value and CYRILLIC.search(at.title[-1].value)


def test_an_accounts_default_language_is_used_until_the_url_says_otherwise(db):
    kat = Viewer("kat", "director", language="kk")
    assert {m.label for m in app(kat).metric} >= {"Қамтылған адамдар"}
    assert {m.label for m in app(kat, lang="en").metric} >= {"People reached"}
