"""The report's rendering layer: plotly charts as SVG, Great Tables as HTML, HTML as PDF.

Everything here works offline. Charts are drawn by Debian's chromium through kaleido, with the
plotly.js that ships inside the plotly package and MathJax turned off, so the browser loads
nothing from a CDN. WeasyPrint lays out the PDF with the system's fonts (DejaVu, found through
fontconfig), embeds them, and fetches no URL from the network.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import logging
import os
import re
import threading
from collections.abc import Coroutine
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
import pandas as pd
import plotly
import plotly.graph_objects as go
from great_tables import GT

from ..i18n import N_, _

T = TypeVar("T")

CHROMIUM = "/usr/bin/chromium"  # Debian's package; kaleido never downloads a browser here
PRINT_TEMPLATE = "plotly_white"  # close to the pages' look: white background, light grid
PRINT_FONT = "DejaVu Sans"  # Debian's fonts-dejavu-core: Latin, Cyrillic and Kazakh letters
START_SECONDS = 60.0  # starting chromium, first time in a process
CHART_SECONDS = 30.0  # drawing one chart
# Chromium sends every http(s) request through this proxy, which listens nowhere, so a figure
# that names a web image cannot reach the network. Files (plotly.js) are unaffected, and so is
# this machine's loopback, which chromium never proxies.
_NO_PROXY = "127.0.0.1:9"
_LOCAL_SCHEMES = frozenset({"data", "file"})


class ReportError(Exception):
    """The report cannot be made; the message says why and what to do, in a sentence.

    The sentence is marked with N_ where raised and worded when read (`str`), in the language
    of whoever reads it: the page's or the command line's, not the report's."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values))
        self.message, self.values = message, values

    def __str__(self) -> str:
        return _(self.message).format(**self.values)


# ---------------------------------------------------------------------------------------------
# Charts: plotly figure -> SVG text, through one chromium kept open for the whole process.


def chromium_path() -> str:
    """The browser kaleido draws with: BROWSER_PATH if set, else Debian's /usr/bin/chromium.

    Sets BROWSER_PATH when it was unset, so kaleido and choreographer look nowhere else (in
    particular not at a browser downloaded by `kaleido.get_chrome`, which Reach never calls).
    """
    path = os.environ.get("BROWSER_PATH") or CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        if os.environ.get("BROWSER_PATH"):
            message = N_(
                "Charts cannot be drawn: no chromium browser was found at {path} (BROWSER_PATH). "
                "Install Debian's chromium package (sudo apt-get install chromium) and try again."
            )
        else:
            message = N_(
                "Charts cannot be drawn: no chromium browser was found at {path} (the system). "
                "Install Debian's chromium package (sudo apt-get install chromium) and try again."
            )
        raise ReportError(message, path=path)
    os.environ.setdefault("BROWSER_PATH", path)
    return path


def _plotly_js() -> str:
    """file:// URI of the plotly.js bundled with the installed plotly package."""
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ReportError(
            N_(
                "Charts cannot be drawn: the plotly package has no plotly.min.js. "
                "Reinstall it with pip install -r requirements.txt and try again."
            )
        )
    return path.as_uri()


class _ChartBrowser:
    """One kaleido (one headless chromium) on an event loop in a background thread."""

    def __init__(self, browser: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="reach-report-charts", daemon=True
        )
        self._thread.start()
        try:
            self._kaleido = self._run(self._open(browser), START_SECONDS)
        except BaseException:
            self._stop_loop()
            raise

    async def _open(self, browser: str) -> Any:
        import kaleido  # imported when the first chart is drawn, not with this module

        k = kaleido.Kaleido(
            n=1,
            timeout=CHART_SECONDS,
            plotlyjs=_plotly_js(),
            mathjax=False,  # kaleido's default loads MathJax from a CDN
            path=browser,
            proxy_server=_NO_PROXY,
        )
        await k.open()
        return k

    def _run(self, coro: Coroutine[Any, Any, T], seconds: float) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(seconds)
        except TimeoutError:
            future.cancel()
            raise

    def svg(self, figure: dict[str, Any], width: int, height: int) -> bytes:
        opts = {"format": "svg", "width": width, "height": height}
        return self._run(self._kaleido.calc_fig(figure, opts=opts), CHART_SECONDS + 5)

    def close(self) -> None:
        try:
            self._run(self._kaleido.close(), 15)
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


_browser: _ChartBrowser | None = None
_browser_lock = threading.Lock()


def _chart_browser() -> _ChartBrowser:
    global _browser
    with _browser_lock:
        if _browser is None:
            path = chromium_path()
            try:
                _browser = _ChartBrowser(path)
            except ReportError:
                raise
            except Exception as exc:
                raise ReportError(
                    N_(
                        "Charts cannot be drawn: chromium at {path} did not start ({error}). "
                        "Check that Debian's chromium package is installed and runs "
                        "(chromium --headless --version), then try again."
                    ),
                    path=path,
                    error=type(exc).__name__,
                ) from exc
        return _browser


def close_charts() -> None:
    """Stop the chart browser; the next `figure_svg` starts a new one. Safe to call twice."""
    global _browser
    with _browser_lock:
        browser, _browser = _browser, None
    if browser is not None:
        try:
            browser.close()
        except Exception:  # noqa: BLE001 - best effort at exit; chromium dies with its group
            pass


atexit.register(close_charts)


def figure_svg(
    fig: go.Figure,
    width: int,
    height: int,
    *,
    template: str | None = PRINT_TEMPLATE,
    font_family: str | None = PRINT_FONT,
) -> str:
    """The figure drawn as standalone SVG text, `width` x `height` CSS pixels.

    The first call starts one headless chromium (about 1.5 s); later calls reuse it (about
    0.1 s a chart). Text stays text (<text> nodes), so the PDF keeps it selectable.

    The figure is not changed; a copy is drawn with `template` and `font_family` (None keeps
    the figure's own). The template matters: a figure made where Streamlit is imported carries
    Streamlit's template, whose colours (#000001, #000002, ...) are placeholders only
    Streamlit's web page replaces, so it would print in black. The font makes the browser
    measure labels in the font the PDF draws them with.
    """
    figure = go.Figure(fig)
    if template:
        figure.update_layout(template=template)
    if font_family:
        figure.update_layout(font_family=font_family)
    try:
        data = _chart_browser().svg(figure.to_dict(), width, height)
    except ReportError:
        raise
    except Exception as exc:
        close_charts()  # a browser that failed once is not trusted with the next chart
        raise ReportError(
            N_(
                "A chart could not be drawn ({error}); the report was not made. Try again; if "
                "it keeps failing, check that Debian's chromium package runs."
            ),
            error=type(exc).__name__,
        ) from exc
    return data.decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Tables: Great Tables -> HTML fragment with its own scoped <style>, nothing remote.

# Great Tables writes a Google Fonts @import when a table uses google_font(); the PDF must not
# fetch it (the fetcher would refuse anyway) and the HTML report must not either.
_REMOTE_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?\s*(?:https?:)?//[^;]*;", re.I)


_table_numbers = itertools.count(1)


def table_html(
    table: pd.DataFrame | GT,
    title: str | None = None,
    subtitle: str | None = None,
    *,
    font_family: str = PRINT_FONT,
) -> str:
    """A Great Tables table as an HTML fragment (a <div> with a scoped <style> and a <table>).

    Pass a DataFrame for a plain table, or a GT already formatted (fmt_number, cols_label, ...)
    for more; without an id (GT.with_id) it gets a unique one. `font_family` is put first in
    the table's font stack. Remote @import rules (Google Fonts) are removed; cell values are
    escaped by Great Tables.
    """
    gt = table if isinstance(table, GT) else GT(table)
    if gt._options.table_id.value is None:
        # Great Tables names header cells after their columns; the table's id prefixes those
        # names, so two tables with the same columns do not repeat an id (an anchor in the PDF).
        gt = gt.with_id(f"table-{next(_table_numbers)}")
    if title is not None or subtitle is not None:
        gt = gt.tab_header(title=title or "", subtitle=subtitle)
    gt = gt.opt_table_font(font=[font_family])
    # inline_css=True would need the css-inline package; WeasyPrint reads <style> in the body.
    html = gt.as_raw_html(inline_css=False)
    return _REMOTE_IMPORT.sub("", html)


# ---------------------------------------------------------------------------------------------
# Pages: Jinja2 template -> HTML -> PDF (A4 portrait, system fonts embedded, no network).

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("reach.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_template(name: str, **context: Any) -> str:
    """HTML from templates/<name> (autoescaped; mark figure_svg/table_html output `|safe`)."""
    return _templates.get_template(name).render(**context)


_REMOTE_URL = re.compile(r"\b(?!file:)[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.I)


def _redact_urls(text: str) -> str:
    return _REMOTE_URL.sub("<remote URL>", text)


# Inline SVG: WeasyPrint's HTML cascade also reads the SVG elements' style attributes and warns
# about SVG-only properties (dozens a chart), which its SVG renderer then draws correctly.
_SVG_ONLY_PROPERTY = re.compile(
    r"^Ignored `(?:fill|stroke|vector-effect|shape-rendering|paint-order|text-anchor|"
    r"dominant-baseline)[a-z-]*:.*unknown property\.$"
)


class _QuietLogs(logging.Filter):
    """WeasyPrint's log, without URLs (a refused URL may name someone: it is redacted) and
    without its warnings about the SVG-only properties of inline charts."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _SVG_ONLY_PROPERTY.match(message):
            return False
        redacted = _redact_urls(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def _weasyprint() -> Any:
    """Import WeasyPrint (it loads Pango at import) with a sentence, not a traceback, on failure."""
    try:
        import weasyprint
    except OSError as exc:
        raise ReportError(
            N_(
                "The PDF cannot be made: WeasyPrint could not load Pango. Install Debian's "
                "libpango-1.0-0, libpangoft2-1.0-0 and libharfbuzz-subset0 packages and try "
                "again."
            )
        ) from exc
    for name in ("weasyprint", "weasyprint.progress"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _QuietLogs) for f in logger.filters):
            logger.addFilter(_QuietLogs())
    return weasyprint


def _local_root(base_url: str | None) -> Path | None:
    """The folder local files may be read from: base_url's folder; none without base_url."""
    if not base_url:
        return None
    if base_url.lower().startswith("file:"):
        path = Path(url2pathname(unquote(urlsplit(base_url).path)))
    elif "://" in base_url:
        return None  # a remote base: nothing under it may be read
    else:
        path = Path(base_url)
    path = path.resolve()
    return path if path.is_dir() else path.parent


@cache
def _fetcher_class() -> type:
    weasyprint = _weasyprint()

    class OfflineFetcher(weasyprint.URLFetcher):
        """Reads data: URLs and files under `root`; refuses every other URL unopened."""

        def __init__(self, root: Path | None) -> None:
            super().__init__(allowed_protocols=_LOCAL_SCHEMES, allow_redirects=False)
            self.root = root
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file" and self.root is not None:
                path = Path(url2pathname(unquote(parts.path))).resolve()
                if path.is_relative_to(self.root):
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError("Reach makes reports offline: this resource was not fetched")

    return OfflineFetcher


def offline_fetcher(base_url: str | None = None) -> Any:
    """A WeasyPrint URL fetcher that reads data: URLs and files under base_url's folder only.

    Every other URL (http, https, ftp, files elsewhere) is refused without being opened: the
    PDF is still made, without that resource. Refused URLs are kept in `.refused` (in memory,
    never logged) so a caller or test can see what was asked.
    """
    return _fetcher_class()(_local_root(base_url))


def html_to_pdf(html: str, base_url: str | None = None, *, fetcher: Any = None) -> bytes:
    """The HTML laid out as an A4 portrait PDF, with its fonts (DejaVu, via fontconfig) embedded.

    Nothing is fetched from the network: `fetcher` defaults to `offline_fetcher(base_url)`.
    Relative URLs (images, stylesheets) resolve against `base_url`, a folder or file path.
    """
    weasyprint = _weasyprint()
    fetcher = fetcher if fetcher is not None else offline_fetcher(base_url)
    a4 = weasyprint.CSS(string="@page { size: A4 portrait; }", url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[a4])


def template_path() -> Path:
    """The folder of the report templates (for base_url, so templates may use relative files)."""
    return Path(str(resources.files("reach.report").joinpath("templates")))
