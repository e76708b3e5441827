"""The store as the app sees it: snapshots per store version and the caches over them."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import streamlit as st

from .. import (
    donor,
    extract,
    history,
    i18n,
    mapping,
    metrics,
    readers,
    review,
    store,
    targets,
    upload,
)
from ..export import contract_counts, contract_file, safe_csv
from ..extract import DonorFilters
from ..i18n import _
from ..metrics import Filters
from ..validate import Source

if TYPE_CHECKING:
    from ..report.model import Report

Version = tuple[int, int]


# No spinner of their own: a decorator's text is fixed at import, before any language is
# known. _open() shows one in the reader's language.
# The organisation reads the version's read-only copy in place (reach.readers): nothing is
# copied into memory, and a load in progress never blocks it.
@st.cache_resource(max_entries=2, show_spinner=False)
def _snapshot(path: str, stamp: Version) -> duckdb.DuckDBPyConnection:
    return readers.connect(path)


@st.cache_resource(max_entries=2, show_spinner=False)
def _published(path: str, stamp: Version) -> duckdb.DuckDBPyConnection:
    # A donor session's only connection: the published extract, no person-level table.
    return readers.published(path)


# The versions already opened in this process: every metric call asks for its connection, and
# a spinner for each (a timer thread and two messages) was a tenth of a busy server's time.
_OPENED: set[tuple[bool, str, Version]] = set()


def _open(published: bool, path: str, version: Version) -> duckdb.DuckDBPyConnection:
    """The snapshot (or the published extract) of a store version, with a spinner the first
    time it opens (Streamlit shows it only when opening takes more than half a second)."""
    opener = _published if published else _snapshot
    key = (published, path, version)
    if key in _OPENED:
        return opener(path, version)
    text = _("Opening the published numbers…") if published else _("Opening the store…")
    with st.spinner(text):
        con = opener(path, version)
    if len(_OPENED) > 64:
        _OPENED.clear()
    _OPENED.add(key)
    return con


def store_path() -> str:
    """The store file the app shows."""
    return str(store.default_path())


def _on(published: bool, version: Version, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """fn(cursor, *args, **kwargs) on a cursor of the snapshot (or the published extract)."""
    con = (_published if published else _snapshot)(store_path(), version).cursor()
    try:
        return fn(con, *args, **kwargs)
    finally:
        con.close()


# The last store version each store path was read at, per audience: while a load holds the
# store, pages keep showing these numbers (with a note) instead of failing.
_LAST_GOOD: dict[tuple[str, bool], Version] = {}


def _is_donor() -> bool:
    viewer = st.session_state.get("viewer")
    return viewer is None or viewer.is_donor


def stamp() -> Version:
    """The store version to show: the current one, or while a load holds the store, the last
    one read (st.session_state["stale"] says so). Changes whenever a load commits."""
    path = store_path()
    if not Path(path).exists():
        store.ensure(path)
    current = store.file_version(path)
    donor = _is_donor()
    try:
        # Open (or find cached) the snapshot this audience reads: a busy store fails here.
        _open(donor, path, current)
    except store.StoreBusy:
        last = _LAST_GOOD.get((path, donor))
        if last is None:
            raise
        st.session_state["stale"] = True
        return last
    _LAST_GOOD[(path, donor)] = current
    st.session_state.pop("stale", None)
    return current


class NotForDonors(PermissionError):
    """A donor session asked for the store itself: refused, whatever the page does."""


def organisation_only() -> None:
    """Refuse person-level data to a session that is not signed in as the organisation."""
    viewer = st.session_state.get("viewer")
    if viewer is None or viewer.is_donor:
        raise NotForDonors("This session may read the published numbers only.")


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the in-memory snapshot of the current store version (organisation only)."""
    organisation_only()
    return _open(False, store_path(), stamp()).cursor()


def donor_connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the published extract of the current store version (what donors read)."""
    return _open(True, store_path(), stamp()).cursor()


@st.cache_data(max_entries=512, show_spinner=False)
def _exact(
    name: str, version: Version, filters: Filters, scope: tuple[str, ...], **kwargs: Any
) -> Any:
    return _on(False, version, getattr(metrics, name), metrics.within(filters, scope), **kwargs)


def metric(name: str, filters: Filters, scope: tuple[str, ...] = (), **kwargs: Any) -> Any:
    """An exact number or table (organisation audience) for the filters within `scope`."""
    organisation_only()
    return _exact(name, stamp(), filters, scope, **kwargs)


@st.cache_data(max_entries=512, show_spinner=False)
def _published_metric(
    name: str, version: Version, f: DonorFilters, scope: tuple[str, ...], **kwargs: Any
) -> Any:
    return _on(True, version, getattr(donor, name), f, scope, **kwargs)


def donor_metric(name: str, f: DonorFilters, scope: tuple[str, ...] = (), **kwargs: Any) -> Any:
    """A published number or table (donor audience) for the donor filters within `scope`."""
    return _published_metric(name, stamp(), f, scope, **kwargs)


def report(
    filters: Filters | DonorFilters,
    scope: tuple[str, ...],
    lang: str,
    step: Any = lambda _unused: None,
) -> Report:
    """The impact report of a page's filters within `scope`: published numbers for a donor's
    filters (read from the published extract), exact ones for the organisation's."""
    # Imported here: the report's libraries (tables, PDF) took 0.4 s of every server's first
    # page, and most sessions never make a report.
    from ..report import build as report_build

    if isinstance(filters, DonorFilters):
        return _on(True, stamp(), report_build.connection_report, filters, scope, lang, step)
    organisation_only()
    return _on(False, stamp(), report_build.connection_report, filters, scope, lang, step)


@st.cache_data(max_entries=64, show_spinner=False)
def _progress(
    version: Version, programs: tuple[str, ...], first: Any, last: Any, today: dt.date
) -> pd.DataFrame:
    return _on(False, version, targets.progress, programs, today, first, last)


def progress(filters: Filters, scope: tuple[str, ...] = ()) -> pd.DataFrame:
    """Targets against actuals (exact) for the programs and dates of the filters."""
    organisation_only()
    f = metrics.within(filters, scope)
    return _progress(stamp(), f.programs, f.date_from, f.date_to, dt.date.today())


@st.cache_data(max_entries=64, show_spinner=False)
def _donor_progress(
    version: Version, programs: tuple[str, ...], first: Any, last: Any, today: dt.date
) -> pd.DataFrame:
    return _on(
        True, version, targets.published_progress, extract.SCHEMA, programs, today, first, last
    )


def donor_progress(f: DonorFilters, scope: tuple[str, ...] = ()) -> pd.DataFrame:
    """Targets against published actuals for a donor's choice, within the account's programs."""
    programs, first, last = targets.donor_scope(f, scope)
    return _donor_progress(stamp(), programs, first, last, dt.date.today())


def _saved_mappings(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, dict[str, str]]]:
    return {kind: mapping.saved(con, kind) for kind in upload.KINDS}


# Store-wide facts that take no filters, by name (organisation audiences only).
PLAIN = {
    "store_facts": metrics.store_facts,
    "load_history": history.loads,
    "undoable_load": history.undoable,
    "export_counts": contract_counts,
    "saved_mappings": _saved_mappings,
    "review_pairs": review.pending,
    "review_decisions": review.decisions,
}


@st.cache_data(max_entries=32, show_spinner=False)
def _plain(name: str, version: Version) -> Any:
    return _on(False, version, PLAIN[name])


def plain(name: str) -> Any:
    """PLAIN[name](con) for the current store version (facts, history, exports)."""
    organisation_only()
    return _plain(name, stamp())


@st.cache_data(max_entries=32, show_spinner=False)
def _options(version: Version, scope: tuple[str, ...]) -> dict[str, Any]:
    return _on(False, version, metrics.options, scope)


def options(scope: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the organisation's filters can choose from, within the account's programs."""
    organisation_only()
    return _options(stamp(), scope)


@st.cache_data(max_entries=32, show_spinner=False)
def _donor_options(version: Version, scope: tuple[str, ...]) -> dict[str, list[str]]:
    return _on(True, version, extract.options, scope)


def donor_options(scope: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """What a donor's filters can choose from, within the account's programs."""
    return _donor_options(stamp(), scope)


def _per_session(
    slot: str, key: tuple, make: Any, keep: int = 4, spinner: str | None = None
) -> Any:
    """make() memoised in this session's memory only, for the last `keep` keys.

    An upload may hold names: it must not sit in a cache that outlives the session or is
    shared between sessions (st.cache_data is both), so it is kept here and nowhere else.
    A result that holds sentences must have the language in its key.
    """
    memo: dict[tuple, Any] = st.session_state.setdefault(f"_memo_{slot}", {})
    if key not in memo:
        while len(memo) >= keep:
            memo.pop(next(iter(memo)))
        with st.spinner(spinner or _("Reading the file…")):
            memo[key] = make()
    return memo[key]


def _written_on_press(
    make: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame],
) -> Callable[[], bytes]:
    """A CSV of make(cursor) on the store version shown, written when its button is pressed."""
    organisation_only()
    con = _snapshot(store_path(), stamp())

    # Called on a thread of its own when the button is pressed: no Streamlit in here.
    def write() -> bytes:
        cursor = con.cursor()
        try:
            return safe_csv(make(cursor))
        finally:
            cursor.close()

    return write


def export_file(name: str) -> Callable[[], bytes]:
    """The contract file `name` of the store version shown, written when it is downloaded
    (at a million rows participants.csv is 56 MB: written on every run of the Data page, it
    took 5 s and stayed in memory per session, downloaded or not)."""
    return _written_on_press(lambda cursor: contract_file(cursor, name))


def table_file(name: str, filters: Filters, scope: tuple[str, ...] = ()) -> Callable[[], bytes]:
    """Every row of the event table `name` (events_table, step_downs) for the filters within
    `scope`, written when it is downloaded: the page reads only the rows it shows."""
    f = metrics.within(filters, scope)
    return _written_on_press(lambda cursor: getattr(metrics, name)(cursor, f))


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def open_upload(kind: str, name: str, data: bytes, sheet: str | None) -> upload.Upload:
    """An uploaded file checked and its header read (kept in this session's memory)."""
    # The language is part of the key: an unreadable file's sentence is in it.
    return _per_session(
        "upload", (kind, name, _digest(data), sheet, i18n.active()),
        lambda: upload.open_upload(kind, name, data, sheet),
    )  # fmt: skip


def preview(sources: tuple[Source | None, ...], replace: bool) -> store.LoadResult:
    """The validation report and what a load would change, for the current store version."""
    organisation_only()
    # The language is part of the key: the validation report's messages are sentences.
    key = (stamp(), replace, i18n.active(),
           *((s.name, _digest(s.data), s.rename) if s else None for s in sources))  # fmt: skip
    return _per_session(
        "preview", key, lambda: store.preview(store_path(), *sources, replace=replace), keep=2,
        spinner=_("Checking the files against the store…"),
    )  # fmt: skip


def save_mapping(name: str, kind: str, columns: dict[str, str]) -> None:
    """Keep a column mapping in the store under a name."""
    path = store_path()
    store.ensure(path)
    with store.connect(path) as con:
        store.init_schema(con)
        mapping.save(con, name, kind, columns)
