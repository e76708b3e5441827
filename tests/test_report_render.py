"""The report's rendering layer, offline: plotly -> SVG (kaleido + Debian's chromium), Great
Tables -> HTML, Jinja2 HTML -> PDF (WeasyPrint, DejaVu embedded), checked with poppler's tools."""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pandas as pd
import plotly.graph_objects as go
import pytest
from great_tables import GT, google_font

from reach.report import render

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "tests" / "artifacts"
WORDS = ["Жумабаева", "Қазақстан", "әғқңөұүі"]  # Russian, Kazakh, and every Kazakh-only letter
TITLE = "Охват: Қазақстан"
BAR_COLOUR = (0x63, 0x6E, 0xFA)  # plotly's first trace colour, #636efa
# The only URLs an SVG may name are its XML namespaces, which are never fetched.
SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}

needs_chromium = pytest.mark.skipif(
    not Path(render.CHROMIUM).exists() and not render.os.environ.get("BROWSER_PATH"),
    reason="Debian's chromium is not installed (apt-get install chromium; see README)",
)


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is missing: install Debian's poppler-utils to check the PDF")
    return path


def _text(pdf: Path) -> str:
    return subprocess.run(
        [_poppler("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture(scope="module", autouse=True)
def _one_chart_browser() -> Iterator[None]:
    """The module's charts share one chromium; it is stopped when the module is done."""
    yield
    render.close_charts()


def _bar() -> go.Figure:
    return go.Figure(go.Bar(x=WORDS, y=[3, 5, 2]), layout={"title": {"text": TITLE}})


def _near(rgb: tuple[int, int, int], target: tuple[int, int, int]) -> bool:
    """The same colour, give or take anti-aliasing and colour management."""
    return all(abs(a - b) < 12 for a, b in zip(rgb, target, strict=True))


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(node.itertext()) for node in root.iter() if node.tag.endswith("}text")]


@needs_chromium
def test_a_bar_chart_with_russian_and_kazakh_labels_becomes_svg_with_those_words_as_text():
    fig = _bar()
    svg = render.figure_svg(fig, 600, 320)
    assert svg.lstrip().startswith("<svg")
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("600", "320")
    texts = _svg_texts(svg)
    for word in [*WORDS, TITLE]:
        assert word in texts, f"{word!r} is not a <text> node of the SVG"
    # Labels are measured and drawn in the print font; the caller's figure is left as it was.
    assert "font-family: 'DejaVu Sans'" in svg
    assert fig.layout.font.family is None


@needs_chromium
def test_a_chart_made_where_streamlit_is_imported_prints_in_colour_not_placeholder_black(
    monkeypatch: pytest.MonkeyPatch,
):
    import plotly.io as pio
    import streamlit  # noqa: F401 - importing it registers its plotly template

    monkeypatch.setattr(pio.templates, "default", "streamlit")  # what the app's process has
    fig = _bar()
    assert fig.layout.template.layout.colorway[0] == "#000001"  # Streamlit's placeholder
    svg = render.figure_svg(fig, 600, 320)
    fills = set(re.findall(r"fill: (rgb\(\d+, \d+, \d+\))", svg))
    assert "rgb(0, 0, 1)" not in fills
    assert "rgb(99, 110, 250)" in fills  # plotly's first colour, from the print template


@needs_chromium
def test_a_chart_svg_names_no_url_but_its_xml_namespaces():
    svg = render.figure_svg(_bar(), 600, 320)
    urls = set(re.findall(r"(?:https?|ftp)://[^\s\"')<>]+", svg))
    assert urls <= SVG_NAMESPACES, f"the SVG names {urls - SVG_NAMESPACES}"
    assert "@import" not in svg and "mathjax" not in svg.lower()


@needs_chromium
def test_the_page_chromium_draws_charts_in_loads_only_local_scripts_and_no_mathjax():
    render.figure_svg(_bar(), 300, 200)
    index = Path(url2pathname(urlsplit(render._browser._kaleido._index).path))  # kaleido 1.5.0
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", index.read_text(encoding="utf-8"))
    assert scripts and all(s.startswith("file://") for s in scripts), scripts
    assert any(s.endswith("/plotly/package_data/plotly.min.js") for s in scripts)
    assert not any("mathjax" in s.lower() for s in scripts)


def _own_address() -> str:
    """This machine's address on its network (not loopback, which chromium never proxies)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # UDP: picks the outgoing interface, sends nothing
            address = probe.getsockname()[0]
        except OSError:
            address = "127.0.0.1"
    if address.startswith("127."):
        pytest.skip("this machine has no network address besides loopback")
    return address


@needs_chromium
def test_a_chart_that_names_a_web_image_is_drawn_without_fetching_it():
    asked: list[str] = []
    handler = type("Handler", (_Recorder,), {"asked": asked})
    server = http.server.ThreadingHTTPServer((_own_address(), 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        fig = _bar()
        image = {"source": f"http://{host}:{port}/logo.png", "xref": "paper", "yref": "paper"}
        fig.add_layout_image(image | {"x": 0, "y": 1, "sizex": 0.2, "sizey": 0.2})
        svg = render.figure_svg(fig, 600, 320)
    finally:
        server.shutdown()
        server.server_close()
    assert "<svg" in svg and TITLE in _svg_texts(svg)
    assert asked == [], "chromium fetched the image from the web server"


@needs_chromium
def test_every_chart_of_a_report_is_drawn_by_the_same_browser():
    render.figure_svg(_bar(), 300, 200)
    first = render._browser
    render.figure_svg(_bar(), 400, 200)
    assert first is not None and render._browser is first


def test_without_chromium_a_chart_fails_with_a_sentence_that_says_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setattr(render, "_browser", None)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium-here"))
    with pytest.raises(render.ReportError) as caught:
        render.figure_svg(_bar(), 600, 320)
    message = str(caught.value)
    assert "apt-get install chromium" in message and "no-chromium-here" in message
    assert "\n" not in message and "Traceback" not in message
    assert render._browser is None


def test_a_pdf_of_russian_and_kazakh_text_gives_the_words_back_with_its_fonts_embedded(
    tmp_path: Path,
):
    html = render.render_template(
        "base.html.j2", lang="kk", title=TITLE, subtitle=" ".join(WORDS), sections=[]
    )
    pdf = tmp_path / "words.pdf"
    pdf.write_bytes(render.html_to_pdf(html))

    text = _text(pdf)
    for word in [*WORDS, TITLE]:
        assert word in text
    assert re.search(r"\b1\s*/\s*1\b", text)  # the footer's page number: page 1 of 1

    fonts = subprocess.run(
        [_poppler("pdffonts"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts, "the PDF has no fonts"
    assert all(row.split()[-5] == "yes" for row in fonts), "a font is not embedded:\n" + "\n".join(
        fonts
    )
    assert any("DejaVu" in row for row in fonts)

    info = subprocess.run(
        [_poppler("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)


class _Recorder(http.server.BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.asked.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[tuple[str, list[str]]]:
    """A web server on this machine that notes every request it gets."""
    asked: list[str] = []
    handler = type("Handler", (_Recorder,), {"asked": asked})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def test_http_urls_in_the_html_are_refused_unopened_and_the_pdf_is_still_made(
    web_server: tuple[str, list[str]], caplog: pytest.LogCaptureFixture
):
    base, asked = web_server
    image, sheet = f"{base}/secret-logo.png", f"{base}/fonts.css"
    html = f'<link rel="stylesheet" href="{sheet}"><p>{WORDS[0]}</p><img src="{image}">'
    fetcher = render.offline_fetcher()

    pdf = render.html_to_pdf(html, fetcher=fetcher)

    assert pdf.startswith(b"%PDF-")
    assert sorted(fetcher.refused) == sorted([sheet, image])
    assert asked == [], "a request reached the web server"
    # WeasyPrint says a resource was not loaded, without naming it.
    assert "<remote URL>" in caplog.text
    assert "secret-logo" not in caplog.text and base not in caplog.text


def test_local_files_are_read_only_from_the_base_folder(tmp_path: Path):
    from PIL import Image

    inside = tmp_path / "report"
    inside.mkdir()
    Image.new("RGB", (4, 4), "red").save(inside / "logo.png")
    for name in ("private.png", "other.png"):
        Image.new("RGB", (4, 4), "blue").save(tmp_path / name)
    fetcher = render.offline_fetcher(str(inside))

    html = f'<img src="logo.png"><img src="{(tmp_path / "other.png").as_uri()}">'
    html += '<img src="../private.png">'  # a relative path that climbs out of the folder
    render.html_to_pdf(html, base_url=str(inside), fetcher=fetcher)

    refused = [(tmp_path / name).as_uri() for name in ("other.png", "private.png")]
    assert sorted(fetcher.refused) == refused


def test_a_great_tables_table_is_html_with_no_web_address():
    table = pd.DataFrame({"Участник": WORDS, "Мероприятия": [12, 3, 1]})
    html = render.table_html(table, title=TITLE)
    assert "<table" in html
    for word in [*WORDS, TITLE, "Мероприятия"]:
        assert word in html
    assert not re.search(r"https?://", html)


def test_a_google_font_in_a_great_tables_table_is_not_imported_from_the_web():
    table = GT(pd.DataFrame({"Участник": WORDS})).opt_table_font(font=google_font("Roboto"))
    assert "fonts.googleapis.com" in table.as_raw_html()  # what Great Tables itself writes
    html = render.table_html(table)
    assert not re.search(r"https?://", html) and "@import" not in html
    assert "DejaVu Sans" in html


def test_two_tables_with_the_same_columns_share_no_html_id(caplog: pytest.LogCaptureFixture):
    table = pd.DataFrame({"Участник": WORDS, "Мероприятия": [12, 3, 1]})
    html = render.table_html(table, title=TITLE) + render.table_html(table, title=TITLE)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) > 4 and len(ids) == len(set(ids))
    render.html_to_pdf(html)
    assert "defined twice" not in caplog.text


@needs_chromium
def test_an_inline_chart_leaves_no_warnings_about_svg_properties_in_the_log(
    caplog: pytest.LogCaptureFixture,
):
    svg = render.figure_svg(_bar(), 600, 320)
    assert 'style="' in svg and "fill: rgb(" in svg  # what WeasyPrint's HTML cascade sees
    render.html_to_pdf(f"<figure>{svg}</figure>")
    assert "Ignored `fill" not in caplog.text and "Ignored `stroke" not in caplog.text


def test_a_table_cell_cannot_inject_html():
    html = render.table_html(pd.DataFrame({"name": ['<img src="http://example.org/x">']}))
    assert "<img" not in html and "&lt;img" in html


@needs_chromium
def test_page_one_of_the_demo_report_renders_to_a_png_with_the_chart_drawn(tmp_path: Path):
    from PIL import Image

    table = pd.DataFrame({"Участник": WORDS, "Мероприятия": [12, 3, 1]})
    sections = [
        {
            "heading": WORDS[1],
            "text": " ".join(WORDS),
            "chart": render.figure_svg(_bar(), 660, 360),
            "table": render.table_html(table, title=TITLE),
        }
    ]
    html = render.render_template(
        "base.html.j2", lang="ru", title="Отчёт о воздействии", sections=sections
    )
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render.html_to_pdf(html, base_url=str(render.template_path())))
    assert all(word in _text(pdf) for word in [*WORDS, TITLE, "Мероприятия"])

    out = tmp_path / "page"
    subprocess.run(
        [_poppler("pdftoppm"), "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
        + [str(pdf), str(out)],
        check=True,
    )
    png = out.with_suffix(".png")
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(png, SHOTS / "report-page1.png")
    image = Image.open(png).convert("RGB")
    assert abs(image.height / image.width - 297 / 210) < 0.01  # A4 portrait
    colours = image.getcolors(maxcolors=1 << 20) or []
    bars = sum(n for n, rgb in colours if _near(rgb, BAR_COLOUR))
    assert bars > 2000, "the chart's bars are not drawn on page one"
