"""Shared dashboard code: the store snapshot, caches, the sidebar filters and chart frames.

This is the one module of src/reach that imports Streamlit; pages call it to read filters
and to draw, and every number still comes from reach.metrics.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import history, mapping, metrics, store, upload
from .export import contract_files, safe_csv
from .metrics import Filters
from .validate import Source

FILTER_KEYS = {"programs": "program", "countries": "country", "event_types": "type"}


@st.cache_resource(max_entries=2, show_spinner="Opening the store…")
def _snapshot(path: str, stamp: tuple[int, int]) -> duckdb.DuckDBPyConnection:
    return store.snapshot(path)


def store_path() -> str:
    """The store file the app shows."""
    return str(store.default_path())


def stamp() -> tuple[int, int]:
    """Changes whenever a load commits, so every cache below sees new data at once."""
    path = store_path()
    if not Path(path).exists():
        store.ensure(path)
    return store.file_version(path)


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the in-memory snapshot of the current store version (one per call)."""
    return _snapshot(store_path(), stamp()).cursor()


@st.cache_data(max_entries=512, show_spinner=False)
def cached(name: str, version: tuple[int, int], filters: Filters, **kwargs: Any) -> Any:
    """reach.metrics.<name>(con, filters, **kwargs), cached on store version and filters."""
    con = _snapshot(store_path(), version).cursor()
    try:
        return getattr(metrics, name)(con, filters, **kwargs)
    finally:
        con.close()


def _saved_mappings(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, dict[str, str]]]:
    return {kind: mapping.saved(con, kind) for kind in upload.KINDS}


# Store-wide facts that take no filters, by name.
PLAIN = {
    "options": metrics.options,
    "store_facts": metrics.store_facts,
    "load_history": history.loads,
    "undoable_load": history.undoable,
    "export_files": contract_files,
    "saved_mappings": _saved_mappings,
}


@st.cache_data(max_entries=32, show_spinner=False)
def cached_plain(name: str, version: tuple[int, int]) -> Any:
    """PLAIN[name](con) for the current store version (options, facts, history, exports)."""
    con = _snapshot(store_path(), version).cursor()
    try:
        return PLAIN[name](con)
    finally:
        con.close()


@st.cache_data(max_entries=16, show_spinner="Reading the file…")
def open_upload(kind: str, name: str, data: bytes, sheet: str | None) -> upload.Upload:
    """An uploaded file checked and its header read (cached on its bytes)."""
    return upload.open_upload(kind, name, data, sheet)


@st.cache_data(max_entries=8, show_spinner="Checking the files against the store…")
def _preview(
    version: tuple[int, int], sources: tuple[Source | None, ...], replace: bool
) -> store.LoadResult:
    return store.preview(store_path(), *sources, replace=replace)


def preview(sources: tuple[Source | None, ...], replace: bool) -> store.LoadResult:
    """The validation report and what a load would change, for the current store version."""
    return _preview(stamp(), sources, replace)


def save_mapping(name: str, kind: str, columns: dict[str, str]) -> None:
    """Keep a column mapping in the store under a name."""
    path = store_path()
    store.ensure(path)
    with store.connect(path) as con:
        store.init_schema(con)
        mapping.save(con, name, kind, columns)


def metric(name: str, filters: Filters, **kwargs: Any) -> Any:
    """One published number or table for the current store and filters."""
    return cached(name, stamp(), filters, **kwargs)


def _reset() -> None:
    for key in ("f_programs", "f_countries", "f_event_types"):
        st.session_state[key] = []
    bounds = st.session_state.get("_bounds")
    if bounds:
        st.session_state["f_dates"] = bounds
    st.query_params.clear()


def _from_url(opts: dict[str, Any]) -> None:
    """Seed the widgets from the URL once per session, so a shared link shows its view."""
    if st.session_state.get("_seeded"):
        return
    qp = st.query_params
    st.session_state["f_programs"] = [p for p in qp.get_all("program") if p in opts["programs"]]
    st.session_state["f_countries"] = [c for c in qp.get_all("country") if c in opts["countries"]]
    st.session_state["f_event_types"] = [t for t in qp.get_all("type") if t in opts["event_types"]]
    first, last = opts["first_date"], opts["last_date"]
    start, end = first, last
    for key, default in (("from", first), ("to", last)):
        raw = qp.get(key)
        if raw:
            try:
                value = dt.date.fromisoformat(raw)
            except ValueError:
                value = default
            if key == "from":
                start = value
            else:
                end = value
    if first and last:
        st.session_state["f_dates"] = (max(min(start, last), first), max(min(end, last), first))
    st.session_state["_seeded"] = True


def _follow_bounds(first: dt.date | None, last: dt.date | None) -> None:
    """Keep the date range open-ended when a load or an undo moves the data's first/last date.

    A range that ran to the old last date runs to the new one (so new events show at once),
    and a range is clamped into the new bounds (so an undo never leaves it out of range).
    """
    new = (first, last) if first and last else None
    old = st.session_state.get("_bounds")
    dates = st.session_state.get("f_dates")
    if new and old and old != new and isinstance(dates, tuple) and len(dates) == 2:
        start, end = dates
        start = first if start <= old[0] or start < first else min(start, last)
        end = last if end >= old[1] or end > last else max(end, first)
        st.session_state["f_dates"] = (start, max(start, end))
    st.session_state["_bounds"] = new


def sidebar() -> Filters:
    """Draw the shared filters; keep them in the session and the URL; return the scope."""
    version = stamp()
    opts = cached_plain("options", version)
    _from_url(opts)
    side = st.sidebar
    side.header("Filters")
    programs = side.multiselect("Programs", opts["programs"], key="f_programs")
    countries = side.multiselect(
        "Event countries",
        list(opts["countries"]),
        format_func=lambda c: f"{opts['countries'][c]} ({c})",
        key="f_countries",
    )
    types = side.multiselect(
        "Event types",
        opts["event_types"],
        format_func=lambda t: t.replace("_", "-"),
        key="f_event_types",
    )
    first, last = opts["first_date"], opts["last_date"]
    _follow_bounds(first, last)
    date_from = date_to = None
    if first and last:
        # The value comes from session state (seeded from the URL); passing it too warns.
        if "f_dates" not in st.session_state:
            st.session_state["f_dates"] = (first, last)
        dates = side.date_input(
            "Event start dates",
            min_value=first,
            max_value=last,
            key="f_dates",
            format="YYYY-MM-DD",
        )
        if isinstance(dates, tuple) and len(dates) == 2:
            # The full range means "all dates": then no date filter at all.
            date_from = dates[0] if dates[0] > first else None
            date_to = dates[1] if dates[1] < last else None
    side.button("Reset filters", on_click=_reset, width="stretch", key="reset")
    filters = Filters(
        programs=tuple(programs),
        countries=tuple(countries),
        event_types=tuple(types),
        date_from=date_from,
        date_to=date_to,
    )
    _to_url(filters)
    facts = cached_plain("store_facts", version)
    last_load = facts["last_load"]
    when = f"{last_load:%Y-%m-%d %H:%M} UTC" if last_load else "never"
    side.caption(
        f"Data: **{Path(store_path()).name}** · {facts['events']:,} events · "
        f"{facts['participant_rows']:,} participant rows · last load {when}"
    )
    return filters


def _to_url(filters: Filters) -> None:
    wanted: dict[str, Any] = {}
    for attr, key in FILTER_KEYS.items():
        values = list(getattr(filters, attr))
        if values:
            wanted[key] = values
    if filters.date_from:
        wanted["from"] = filters.date_from.isoformat()
    if filters.date_to:
        wanted["to"] = filters.date_to.isoformat()
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    normal = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != normal:
        st.query_params.from_dict(wanted)


def scope_label(filters: Filters) -> str:
    """'all events' or a short description of the filters, for chart titles."""
    parts = []
    if filters.programs:
        parts.append(", ".join(filters.programs))
    if filters.countries:
        parts.append(", ".join(filters.countries))
    if filters.event_types:
        parts.append(", ".join(t.replace("_", "-") for t in filters.event_types))
    if filters.date_from or filters.date_to:
        parts.append(f"{filters.date_from or '…'} to {filters.date_to or '…'}")
    return "; ".join(parts) or "all events"


def chart(fig: go.Figure, data: pd.DataFrame, name: str) -> None:
    """Draw a figure with a download of exactly the data behind it."""
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
    download(data, name)


def download(data: pd.DataFrame, name: str, label: str = "Download data (CSV)") -> None:
    """A CSV download of a table, defused against spreadsheet formulas."""
    st.download_button(
        label, data=safe_csv(data), file_name=f"reach-{name}.csv", mime="text/csv",
        key=f"download-{name}",
    )  # fmt: skip


def page_start(title: str) -> tuple[Filters, str, metrics.Summary]:
    """Title and scope line of a dashboard page; stops with a friendly note if nothing matches."""
    filters: Filters = st.session_state["filters"]
    scope = scope_label(filters)
    st.title(title)
    st.caption(f"Scope: {scope}")
    summary = metric("summary", filters)
    if summary.events == 0:
        empty_state(filters)
        st.stop()
    return filters, scope, summary


def rate(value: float | None, pct: bool = False) -> str:
    """A rate for a tile: '58.8%' or '3.33×', or '–' when it is undefined."""
    if value is None:
        return "–"
    return f"{value:.1%}" if pct else f"{value:.2f}×"


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


def empty_state(filters: Filters) -> None:
    """A friendly note when the filters match nothing."""
    st.info(
        f"No events match these filters ({scope_label(filters)}). "
        "Widen the filters or press **Reset filters** in the sidebar."
    )
