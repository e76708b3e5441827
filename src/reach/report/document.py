"""A report laid out: its figures drawn as SVG, its tables as HTML, the page as HTML or PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from great_tables import GT, loc, style

from .. import i18n
from ..i18n import _
from . import maps, render
from .model import Report, Section, Table

WIDTH = 672  # CSS px: the text width of an A4 page with 16 mm margins (178 mm at 96 px/in)
FORMATS = ("pdf", "html")
MONO = "'DejaVu Sans Mono', monospace"  # hashes in a fixed width: easier to compare by eye


def _table(table: Table) -> str:
    """A Great Tables table: numbers right-aligned, the header in bold, rows striped."""
    numbers = [c for c in table.data.columns if c not in table.text_columns]
    gt = (
        GT(table.data)
        .cols_align("right", columns=numbers)
        .cols_align("left", columns=list(table.text_columns))
        .tab_style(style.text(weight="bold"), loc.column_labels())
        .opt_row_striping()
        .tab_options(table_width="100%", table_font_size="8.5pt", data_row_padding="3px")
    )
    if table.code_columns:
        gt = gt.tab_style(
            style.css(f"word-break: break-all; white-space: normal; font-family: {MONO}"),
            loc.body(columns=list(table.code_columns)),
        )
    if table.note:
        gt = gt.tab_source_note(table.note)
    return render.table_html(gt)


def _figure_svg(section: Section) -> str:
    fig = section.figure
    if fig is None:
        return ""
    if fig.map_labels is not None:
        drawn = maps.vector_map(fig.fig, WIDTH, fig.height, fig.map_labels)
        return render.figure_svg(drawn, WIDTH, fig.height)
    return render.figure_svg(fig.fig, WIDTH, fig.height)


def html(report: Report, step: Callable[[str], None] = lambda _message: None) -> str:
    """The report as one self-contained HTML page: inline SVG charts and styles, no URL, in
    the report's language (its `lang` attribute too)."""
    with i18n.using(report.lang):
        return _html(report, step)


def _html(report: Report, step: Callable[[str], None]) -> str:
    drawn = []
    charts = [s for s in report.sections if s.figure is not None]
    done = 0
    for section in report.sections:
        if section.figure is not None:
            done += 1
            step(_("Drawing chart {n} of {total}").format(n=done, total=len(charts)))
        drawn.append(
            {
                "key": section.key,
                "heading": section.heading,
                "paragraphs": [p for p in section.text.split("\n\n") if p],
                "chart": _figure_svg(section),
                "tables": [_table(t) for t in section.tables],
            }
        )
    made = (
        i18n.date(report.made_at.date(), "long") if isinstance(report.made_at, dt.datetime) else ""
    )
    return render.render_template(
        "report.html.j2",
        lang=report.lang,
        title=report.title,
        subtitle=report.subtitle,
        scope=report.scope,
        made_label=_("Made"),
        made=made,
        headline=report.headline,
        headline_label=_("Headline numbers"),
        empty=report.empty,
        empty_text=_("No events match this scope, so there is nothing to report."),
        audience=report.audience,
        sections=drawn,
    )


def pdf(page: str) -> bytes:
    """The HTML page as an A4 portrait PDF with its fonts embedded."""
    return render.html_to_pdf(page, base_url=str(render.template_path()))
