"""What every page shares: title and scope line, chart with its download, tiles, empty state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from .. import disclosure, i18n, labels
from ..export import safe_csv
from ..extract import DonorFilters
from ..i18n import N_, _, n_
from ..metrics import Filters, Summary
from . import session
from .auth import Viewer, audit

# Page CSS, injected once per run by the router (reach.ui.router.route).
# - A phone (narrower than Streamlit's 640 px breakpoint): tiles two to a row, smaller, and
#   less room above the title, so the first chart is on the first screen.
# - Print (A4): no sidebar, header, toolbar or buttons; the page flows onto as many sheets as
#   it needs (Streamlit scrolls inside a fixed-height box on screen, which would print only
#   the first screen); charts and tiles are not split across sheets. Charts keep the width
#   they were drawn at on screen, so the page is printed at 60%: a dashboard drawn on a
#   screen up to about 1,250 px wide fits the sheet's width.
STYLE = """<style>
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem !important; }
  [data-testid="stMain"] h1 { font-size: 1.9rem !important; padding-top: 0.5rem !important; }
  div[class*="st-key-tiles"] [data-testid="stHorizontalBlock"] {
    flex-wrap: wrap !important; gap: 0.5rem !important;
  }
  div[class*="st-key-tiles"] [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.25rem) !important; width: calc(50% - 0.25rem) !important;
    min-width: calc(50% - 0.25rem) !important; max-width: calc(50% - 0.25rem) !important;
  }
  div[class*="st-key-tiles"], div[class*="st-key-tiles"] [data-testid="stVerticalBlock"] {
    gap: 0.5rem !important;
  }
  div[class*="st-key-tiles"] [data-testid="stMetric"] { padding: 0 0.25rem !important; }
  div[class*="st-key-tiles"] [data-testid="stMetric"] > div { padding: 0.45rem 0.5rem !important; }
  div[class*="st-key-tiles"] [data-testid="stMetricValue"] {
    font-size: 1.4rem !important; line-height: 1.3 !important;
  }
  div[class*="st-key-tiles"] [data-testid="stMetricLabel"] { min-height: 0 !important; }
  div[class*="st-key-tiles"] [data-testid="stMetricLabel"] * {
    white-space: normal !important; overflow: visible !important; font-size: 0.8rem !important;
  }
  div[class*="st-key-tiles"] [data-testid="stMetricDelta"] { font-size: 0.75rem !important; }
}
@media print {
  @page { size: A4; margin: 12mm; }
  html { zoom: 0.6; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stElementToolbar"],
  [data-testid="stSkipLink"], .modebar-container { display: none !important; }
  [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    position: static !important; overflow: visible !important; height: auto !important;
  }
  [data-testid="stMainBlockContainer"] {
    padding: 0 !important; max-width: none !important;
  }
  [data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stHorizontalBlock"],
  [data-testid="stAlert"] { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  .reach-map-print { display: block !important; }
}
.reach-map-print { display: none; position: absolute; left: 0; top: 0; pointer-events: none; }
</style>"""

# A map is drawn with WebGL, which the browser does not keep for printing: it prints blank.
# When the page is about to print (print dialog, or print media), each map draws itself once
# more, synchronously, and a picture of it goes beside its canvas, shown only in print. Not on
# every draw: a picture of a 1,400-pixel map is ~0.4 s of the browser's time, and many
# viewers redrawing share the same cores. (Static code: it reads the maps' canvases, nothing
# from the data.)
PRINT_MAPS = """<script>
(() => {
  if (window.reachPrintMaps) return;
  window.reachPrintMaps = true;
  const keep = (m) => {
    m.redraw();  // a synchronous draw: the canvas holds it until this task ends
    const canvas = m.getCanvas();
    let img = canvas.parentElement.querySelector(":scope > img.reach-map-print");
    if (!img) {
      img = document.createElement("img");
      img.className = "reach-map-print";
      img.alt = "";
      canvas.parentElement.appendChild(img);
    }
    img.src = canvas.toDataURL();
    img.style.width = canvas.style.width;
    img.style.height = canvas.style.height;
  };
  const keepAll = () => {
    for (const g of document.querySelectorAll(".js-plotly-plot")) {
      const m = g._fullLayout && g._fullLayout.map && g._fullLayout.map._subplot
        && g._fullLayout.map._subplot.map;
      if (m) keep(m);
    }
  };
  window.addEventListener("beforeprint", keepAll);
  window.matchMedia("print").addEventListener("change", (e) => { if (e.matches) keepAll(); });
})();
</script>"""


def style() -> None:
    """The page CSS (phone and print) and the maps' print pictures: once per run."""
    st.html(STYLE + PRINT_MAPS, unsafe_allow_javascript=True)


def scope_label(filters: Filters) -> str:
    """'all events' or a short description of the filters, for chart titles."""
    parts = []
    if filters.programs:
        parts.append(", ".join(filters.programs))
    if filters.countries:
        parts.append(", ".join(labels.country(c) for c in filters.countries))
    if filters.event_types:
        parts.append(", ".join(labels.event_type(t) for t in filters.event_types))
    if filters.date_from or filters.date_to:
        # Translators: a date range in a scope line; an open end reads '…'.
        parts.append(_("{start} to {end}").format(start=_day(filters.date_from),
                                                   end=_day(filters.date_to)))  # fmt: skip
    # Translators: the scope of a page or chart when no filter narrows it.
    return "; ".join(parts) or _("all events")


def _day(value: dt.date | None) -> str:
    """A date in figures in the active language, or '…' for an open end."""
    return i18n.day(value) if value else "…"


def donor_scope_label(f: DonorFilters) -> str:
    """'all events' or the donor's choices, in words, for chart titles."""
    parts = [
        f.program,
        labels.country(f.country) if f.country else None,
        labels.event_type(f.event_type) if f.event_type else None,
        f.year,
    ]
    return "; ".join(p for p in parts if p) or _("all events")


def chart(fig: go.Figure, data: pd.DataFrame, name: str) -> None:
    """Draw a figure with a download of exactly the data behind it."""
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
    download(data, name)


def download(data: pd.DataFrame | Callable[[], bytes], name: str, label: str | None = None) -> None:
    """A CSV download of a table (or of what `data` writes when called), defused against
    spreadsheet formulas, recorded in the audit. `label` is already in the reader's language
    (default: 'Download data (CSV)')."""
    # The CSV is written when the button is pressed, not on every run: a page's table of every
    # event in scope took 0.6-0.7 s to write at a million rows, on each redraw, for nobody.
    write = data if callable(data) else partial(safe_csv, data)
    st.download_button(
        label or _("Download data (CSV)"), data=write,
        file_name=f"reach-{name}.csv", mime="text/csv", key=f"download-{name}", on_click=audit,
        args=("export", f"reach-{name}.csv"),
    )  # fmt: skip


def viewer() -> Viewer:
    """This session's viewer (the router has signed them in before any page runs)."""
    return st.session_state["viewer"]


def page_start(title: str) -> tuple[Filters, str, Summary]:
    """Title and scope line of an organisation page; stops with a note if nothing matches."""
    filters: Filters = st.session_state["filters"]
    scope = scope_label(filters)
    st.title(title)
    # Translators: {scope} is the filters in words, e.g. 'Kyrgyzstan; Step-down'.
    st.caption(_("Scope: {scope}").format(scope=labels.text(scope)))
    summary = session.metric("summary", filters, viewer().programs)
    if summary.events == 0:
        empty_state(scope)
        st.stop()
    return filters, scope, summary


def donor_page_start(title: str):
    """Title and scope line of a donor page; stops with a note if nothing matches."""
    from ..donor import DonorSummary

    f: DonorFilters = st.session_state["filters"]
    scope = donor_scope_label(f)
    st.title(title)
    st.caption(
        _("Scope: {scope} · counts of people rounded to 5, 0–7 shown as <8").format(
            scope=labels.text(scope)
        )
    )
    summary: DonorSummary = session.donor_metric("summary", f, viewer().programs)
    if summary.events == 0:
        empty_state(scope)
        st.stop()
    return f, scope, summary


def rate(value: float | None, pct: bool = False) -> str:
    """A rate for a tile: '58.8%' or '3.33×' ('58,8 %', '3,33×' in Russian), or '—' when it
    is undefined."""
    if value is None:
        return labels.BLANK
    return i18n.percent(value, 1) if pct else f"{i18n.number(value, 2)}×"


def change(new: float | None, old: float | None, pct: bool = False) -> str | None:
    """The change of a tile against the previous period: '+12', '−3', '+1.5 pp', '0'
    (None when either side is undefined)."""
    if new is None or old is None:
        return None
    diff = (new - old) * 100 if pct else new - old
    if round(diff, 1) == 0:
        return "0"  # Streamlit draws the string "0" grey, with no arrow
    # An ASCII "-": Streamlit reads it to draw the arrow down and the change red.
    sign = "-" if diff < 0 else "+"
    if pct:
        # Translators: a change of a share in percentage points ('+1.5 pp'); {change} is the
        # signed number.
        return _("{change} pp").format(change=sign + i18n.number(abs(diff), 1))
    return sign + i18n.number(abs(diff))


def comparison_note(before: Filters | None, first: dt.date | None) -> str:
    """The line under the tiles: which period the changes compare with, and whether that
    period starts (or lies wholly) before the first event in the data."""
    if before is None or before.date_from is None or before.date_to is None:
        return _("Narrow the dates in the sidebar to compare with the previous period.")
    period = _("{start} to {end}").format(start=_day(before.date_from), end=_day(before.date_to))
    if first is not None and before.date_to < first:
        # Translators: {period} is a date range ('2023-01-01 to 2023-12-31'), {first} a date.
        return _(
            "No changes shown: the previous period of equal length, {period}, is before the "
            "first event in the data ({first})."
        ).format(period=period, first=_day(first))
    # Translators: {period} is a date range ('2024-02-01 to 2024-02-29').
    text = _("Changes compare with {period}, the previous period of equal length.").format(
        period=period
    )
    if first is not None and before.date_from < first:
        days = (first - before.date_from).days
        # Translators: follows 'Changes compare with …'; {first} is a date.
        later = n_(
            "It starts {n} day before the first event in the data ({first}), so it holds fewer "
            "events than a full period would.",
            "It starts {n} days before the first event in the data ({first}), so it holds fewer "
            "events than a full period would.",
            days,
        )
        text += " " + later.format(n=i18n.number(days), first=_day(first))
    return text


Tile = tuple[str, str, str | None, str | None]  # label, value, change (or None), help


def tiles(items: list[Tile], per_row: int = 4, key: str = "tiles") -> None:
    """Metric tiles, `per_row` to a row; on a phone two to a row (see STYLE)."""
    with st.container(key=key):
        for start in range(0, len(items), per_row):
            row = items[start : start + per_row]
            for col, tile in zip(st.columns(per_row), row, strict=False):
                label, value, delta, help_text = tile
                zero = delta == "0"  # grey, with no arrow: nothing changed
                col.metric(
                    label, value, delta, help=help_text, border=True,
                    delta_color="off" if zero else "normal",
                    delta_arrow="off" if zero else "auto",
                )  # fmt: skip


def published(value: int | None) -> str:
    """A published count for a tile: '1,235' ('1 235' in Russian) or '<8'."""
    return disclosure.text(value)


def published_rate(value: float | None, pct: bool = False) -> str:
    """A published share as a whole percentage, a ratio with one decimal, or '—'."""
    if value is None:
        return labels.BLANK
    return i18n.percent(value) if pct else f"{i18n.number(value, 1)}×"


# Column headers for the event tables of the Reach, Cascade and Gender pages (worded in the
# reader's language by `event_columns`; the table itself keeps its code columns).
EVENT_HEADERS = {
    "event_id": N_("Event"),
    "title": N_("Title"),
    "program": N_("Program"),
    "event_type": N_("Type"),
    "start_date": N_("Start"),
    "city": N_("City"),
    "country_code": N_("Country"),
    # Translators: a column header: the cascade level of an event (0 = root event).
    "cascade_level": N_("Level"),
    "level": N_("Level"),
    # Translators: a column header: the ID of the event whose trainees ran this one.
    "parent_event_id": N_("Parent"),
    "parent_title": N_("Parent title"),
    "days_after_parent": N_("Days after parent"),
    # Translators: a column header: whether an event's people were counted from its attendance
    # list or from its reported headcount.
    "source": N_("Counted from"),
    # Translators: a column header: participants on the event's attendance list.
    "listed_participants": N_("Listed"),
    "reported_participants": N_("Reported headcount"),
    "participants_counted": N_("Participants counted"),
    "trainers": N_("Trainers"),
    "female": N_("Female"),
    "male": N_("Male"),
    "other": N_("Other"),
    "undisclosed": N_("Undisclosed"),
    "female_share": N_("Women's share"),
}


def date_format() -> str:
    """How a table or date picker writes a date: ISO in English, day first otherwise."""
    return "YYYY-MM-DD" if i18n.active() == i18n.DEFAULT else "DD.MM.YYYY"


def headers(names: dict[str, str]) -> dict[str, str]:
    """Column headers (English, marked with N_) in the reader's language, by column."""
    return {column: _(header) for column, header in names.items()}


def event_columns() -> dict:
    """The column configuration of an event table, its headers in the reader's language."""
    config: dict = headers(EVENT_HEADERS)
    config["title"] = st.column_config.TextColumn(config["title"], width="large")
    config["start_date"] = st.column_config.DateColumn(config["start_date"], format=date_format())
    config["female_share"] = st.column_config.NumberColumn(config["female_share"], format="percent")
    return config


# Columns holding codes, and the kind of code, for tables shown on a page.
CODE_COLUMNS = {"event_type": "event_type", "country_code": "country", "role": "role",
                "gender": "gender"}  # fmt: skip

# Where an event's people were counted from (the `source` column of the event tables).
SOURCES = {
    # Translators: a table cell: the event's people were counted from its attendance list.
    "attendance list": N_("attendance list"),
    # Translators: a table cell: the event's people were counted from its reported headcount.
    "reported headcount": N_("reported headcount"),
}


def labelled(data: pd.DataFrame) -> pd.DataFrame:
    """A table's codes in words for the page ('step_down' → 'Step-down', 'KGZ' →
    'Kyrgyzstan'); the download keeps the codes."""
    out = data.copy()
    for column, kind in CODE_COLUMNS.items():
        if column in out.columns:
            out[column] = [labels.label(kind, v) for v in out[column]]
    if "source" in out.columns:
        out["source"] = [_(SOURCES[v]) if v in SOURCES else v for v in out["source"]]
    return out


def table(data: pd.DataFrame, column_config: dict | None = None) -> None:
    """A table on the page: codes in words, blanks as '—'."""
    st.dataframe(
        labelled(data), hide_index=True, width="stretch", column_config=column_config,
        placeholder=labels.BLANK,
    )  # fmt: skip


EVENT_ROWS = 1000  # rows of an event table sent to the browser; the download has them all


def event_table(
    table_name: str, filters: Filters, total: int, latest: str, name: str, label: str
) -> None:
    """The EVENT_ROWS latest rows of an event table (events_table, step_downs), with a CSV
    download of every row, written when pressed: at 10M rows a page read 600,000 events to
    show a thousand, and kept them in the query cache.

    total: how many rows the whole table has (the page's summary counts them).
    latest: the caption shown when rows are left out, in the reader's language, with {rows}
    and {n} placeholders (the page words it with n_, so its noun agrees with the count)."""
    if total > EVENT_ROWS:
        st.caption(latest.format(rows=i18n.number(EVENT_ROWS), n=i18n.number(total)))
    table(metric(table_name, filters, limit=EVENT_ROWS), event_columns())
    download(session.table_file(table_name, filters, viewer().programs), name, label)


def empty_state(scope: str) -> None:
    """A friendly note when the filters match nothing."""
    st.info(
        # Translators: {scope} is the filters in words; **Reset filters** is the sidebar's
        # button, worded as it is there.
        _(
            "No events match these filters ({scope}). "
            "Widen the filters or press **Reset filters** in the sidebar."
        ).format(scope=labels.text(scope))
    )


def metric(name: str, filters: Filters, **kwargs):
    """An exact number or table for the filters, within this viewer's programs."""
    return session.metric(name, filters, viewer().programs, **kwargs)


def donor_metric(name: str, f: DonorFilters, **kwargs):
    """A published number or table for the donor filters, within this viewer's programs."""
    return session.donor_metric(name, f, viewer().programs, **kwargs)


def donor_chart(fig: go.Figure, data: pd.DataFrame, name: str, people: tuple[str, ...]) -> None:
    """Draw a donor figure with a download of its published data ('<8' written out)."""
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
    download(disclosure.frame_csv(data, people), name)


def donor_tiles(items: list[tuple[str, str, str]], per_row: int = 4) -> None:
    """Tiles of published numbers (label, value, help), `per_row` to a row."""
    tiles([(label, value, None, help_text) for label, value, help_text in items], per_row)
