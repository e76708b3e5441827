"""What every page shares: title and scope line, chart with its download, tiles, empty state."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from .. import disclosure
from ..export import safe_csv
from ..extract import DonorFilters
from ..metrics import Filters, Summary
from . import labels, session
from .auth import Viewer, audit


def scope_label(filters: Filters) -> str:
    """'all events' or a short description of the filters, for chart titles."""
    parts = []
    if filters.programs:
        parts.append(", ".join(filters.programs))
    if filters.countries:
        parts.append(", ".join(filters.countries))
    if filters.event_types:
        parts.append(", ".join(labels.event_type(t) for t in filters.event_types))
    if filters.date_from or filters.date_to:
        parts.append(f"{filters.date_from or '…'} to {filters.date_to or '…'}")
    return "; ".join(parts) or "all events"


def chart(fig: go.Figure, data: pd.DataFrame, name: str) -> None:
    """Draw a figure with a download of exactly the data behind it."""
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
    download(data, name)


def download(data: pd.DataFrame, name: str, label: str = "Download data (CSV)") -> None:
    """A CSV download of a table, defused against spreadsheet formulas, recorded in the audit."""
    st.download_button(
        label, data=safe_csv(data), file_name=f"reach-{name}.csv", mime="text/csv",
        key=f"download-{name}", on_click=audit, args=("export", f"reach-{name}.csv"),
    )  # fmt: skip


def viewer() -> Viewer:
    """This session's viewer (the router has signed them in before any page runs)."""
    return st.session_state["viewer"]


def page_start(title: str) -> tuple[Filters, str, Summary]:
    """Title and scope line of an organisation page; stops with a note if nothing matches."""
    filters: Filters = st.session_state["filters"]
    scope = scope_label(filters)
    st.title(title)
    st.caption(f"Scope: {labels.text(scope)}")
    summary = session.metric("summary", filters, viewer().programs)
    if summary.events == 0:
        empty_state(scope)
        st.stop()
    return filters, scope, summary


def donor_page_start(title: str):
    """Title and scope line of a donor page; stops with a note if nothing matches."""
    from ..donor import DonorSummary

    f: DonorFilters = st.session_state["filters"]
    scope = f.describe()
    st.title(title)
    st.caption(f"Scope: {labels.text(scope)} · counts of people rounded to 5, 0–7 shown as <8")
    summary: DonorSummary = session.donor_metric("summary", f, viewer().programs)
    if summary.events == 0:
        empty_state(scope)
        st.stop()
    return f, scope, summary


def rate(value: float | None, pct: bool = False) -> str:
    """A rate for a tile: '58.8%' or '3.33×', or '–' when it is undefined."""
    if value is None:
        return "–"
    return f"{value:.1%}" if pct else f"{value:.2f}×"


def published(value: int | None) -> str:
    """A published count for a tile: '1,235' or '<8'."""
    return disclosure.text(value)


def published_rate(value: float | None, pct: bool = False) -> str:
    """A published share as a whole percentage, a ratio with one decimal, or '—'."""
    if value is None:
        return "—"
    return f"{value:.0%}" if pct else f"{value:.1f}×"


# Column labels for the event tables of the Reach, Cascade and Gender pages.
EVENT_COLUMNS = {
    "event_id": "Event",
    "title": st.column_config.TextColumn("Title", width="large"),
    "program": "Program",
    "event_type": "Type",
    "start_date": st.column_config.DateColumn("Start", format="YYYY-MM-DD"),
    "city": "City",
    "country_code": "Country",
    "cascade_level": "Level",
    "level": "Level",
    "parent_event_id": "Parent",
    "parent_title": "Parent title",
    "days_after_parent": "Days after parent",
    "source": "Counted from",
    "listed_participants": "Listed",
    "reported_participants": "Reported headcount",
    "participants_counted": "Participants counted",
    "trainers": "Trainers",
    "female": "Female",
    "male": "Male",
    "other": "Other",
    "undisclosed": "Undisclosed",
    "female_share": st.column_config.NumberColumn("Women's share", format="percent"),
}


def empty_state(scope: str) -> None:
    """A friendly note when the filters match nothing."""
    st.info(
        f"No events match these filters ({labels.text(scope)}). "
        "Widen the filters or press **Reset filters** in the sidebar."
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
    download(disclosure.frame_text(data, people), name)


def donor_tiles(tiles: list[tuple[str, str, str]], per_row: int = 4) -> None:
    """Tiles of published numbers (label, value, help), `per_row` to a row."""
    for start in range(0, len(tiles), per_row):
        row = tiles[start : start + per_row]
        for col, (label, value, help_text) in zip(st.columns(per_row), row, strict=False):
            col.metric(label, value, help=help_text, border=True)
