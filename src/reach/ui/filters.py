"""The shared sidebar filters, kept in the session and the URL so a link shows the same view.

The organisation filters any programs, countries, types and dates; a donor chooses one whole
year, program, country and event type (or all), never narrower than the account's scope.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import streamlit as st

from .. import i18n, labels
from ..extract import DonorFilters
from ..i18n import N_, _, n_, p_
from ..metrics import Filters
from . import frames, language, session
from .auth import Viewer

FILTER_KEYS = {"programs": "program", "countries": "country", "event_types": "type"}
ALL = "__all__"  # the "all" choice of a donor's select boxes


def _reset() -> None:
    for key in ("f_programs", "f_countries", "f_event_types"):
        st.session_state[key] = []
    for key in ("d_year", "d_program", "d_country", "d_type"):
        st.session_state[key] = ALL
    bounds = st.session_state.get("_bounds")
    if bounds:
        st.session_state["f_dates"] = bounds
    _set_url({})


WIDGET_KEYS = ("f_programs", "f_countries", "f_event_types", "f_dates", "d_year", "d_program",
               "d_country", "d_type")  # fmt: skip


def keep() -> None:
    """Keep the filters' choices through a run that does not draw them (a page they do not
    act on): Streamlit forgets a widget's value after a run without the widget."""
    for key in WIDGET_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


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


def organisation(viewer: Viewer) -> Filters:
    """Draw the organisation's filters; keep them in the session and the URL; return them."""
    opts = session.options(viewer.programs)
    _from_url(opts)
    side = st.sidebar
    side.header(_("Filters"))
    # Translators: what an empty filter menu shows; empty means every value.
    every = p_("empty filter", "All")
    programs = side.multiselect(
        _("Programs"), opts["programs"], key="f_programs", placeholder=every
    )
    countries = side.multiselect(
        _("Event countries"),
        list(opts["countries"]),
        format_func=labels.country,
        placeholder=every,
        key="f_countries",
    )
    types = side.multiselect(
        _("Event types"), opts["event_types"], format_func=labels.event_type,
        key="f_event_types", placeholder=every,
    )  # fmt: skip
    first, last = opts["first_date"], opts["last_date"]
    _follow_bounds(first, last)
    date_from = date_to = None
    if first and last:
        # The value comes from session state (seeded from the URL); passing it too warns.
        if "f_dates" not in st.session_state:
            st.session_state["f_dates"] = (first, last)
        # The format is part of the widget's identity, but the key keeps the chosen dates
        # when a change of language changes the format.
        dates = side.date_input(
            _("Event start dates"), min_value=first, max_value=last, key="f_dates",
            format=frames.date_format(),
        )  # fmt: skip
        if isinstance(dates, tuple) and len(dates) == 2:
            # The full range means "all dates": then no date filter at all.
            date_from = dates[0] if dates[0] > first else None
            date_to = dates[1] if dates[1] < last else None
    side.button(_("Reset filters"), on_click=_reset, width="stretch", key="reset")
    filters = Filters(
        programs=tuple(programs),
        countries=tuple(countries),
        event_types=tuple(types),
        date_from=date_from,
        date_to=date_to,
    )
    _to_url(filters)
    facts = session.plain("store_facts")
    last_load = facts["last_load"]
    if last_load:
        when = f"{i18n.day(last_load)} {last_load:%H:%M} UTC"
    else:
        # Translators: when the last load was, in 'Last load never'.
        when = _("never")
    if viewer.programs:
        # Store-wide counts would tell about programs outside the account's scope.
        side.caption(_("Your account shows: {programs}").format(
            programs=labels.text(", ".join(viewer.programs))))  # fmt: skip
        # Translators: {when} is a date and time ('2026-11-24 14:05 UTC') or 'never'.
        side.caption(_("Last load {when}").format(when=when))
    else:
        events = n_("{n} event", "{n} events", facts["events"])
        rows = n_("{n} participant row", "{n} participant rows", facts["participant_rows"])
        side.caption(
            # Translators: the store's file, then '12 events', '340 participant rows', and
            # when the last load was ('2026-11-24 14:05 UTC' or 'never').
            _("Data: **{file}** · {events} · {rows} · last load {when}").format(
                file=Path(session.store_path()).name,
                events=events.format(n=i18n.number(facts["events"])),
                rows=rows.format(n=i18n.number(facts["participant_rows"])),
                when=when,
            )
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
    _set_url(wanted)


def _set_url(wanted: dict[str, Any]) -> None:
    # The filters own the URL's parameters but the language's, which a shared link keeps too.
    lang = st.query_params.get(language.PARAM)
    if lang:
        wanted = {**wanted, language.PARAM: lang}
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    normal = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != normal:
        st.query_params.from_dict(wanted)


# A donor's select boxes: key, URL parameter, kind of value, label and the "all" choice (the
# words are worded in the reader's language where they are shown).
DONOR_CHOICES = (
    ("d_year", "year", "years", N_("Year"), N_("All years")),
    ("d_program", "program", "programs", N_("Program"), N_("All programs")),
    ("d_country", "country", "countries", N_("Event country"), N_("All countries")),
    ("d_type", "type", "event_types", N_("Event type"), N_("All event types")),
)


def donor(viewer: Viewer) -> DonorFilters:
    """Draw a donor's filters (whole years; one program, country, type or all); return them."""
    opts = session.donor_options(viewer.programs)
    if not st.session_state.get("_seeded"):
        for key, param, kind, _label, _all in DONOR_CHOICES:
            raw = st.query_params.get(param)
            st.session_state[key] = raw if raw in opts[kind] else ALL
        st.session_state["_seeded"] = True
    side = st.sidebar
    side.header(_("Filters"))
    chosen: dict[str, str | None] = {}
    for key, param, kind, label, everything in DONOR_CHOICES:
        choices = [ALL, *opts[kind]]
        if st.session_state.get(key) not in choices:
            st.session_state[key] = ALL
        fmt = labels.for_kind(kind)
        value = side.selectbox(
            _(label),
            choices,
            key=key,
            format_func=lambda v, e=everything, f=fmt: _(e) if v == ALL else f(v),
        )
        chosen[param] = None if value == ALL else value
    side.button(_("Reset filters"), on_click=_reset, width="stretch", key="reset")
    _set_url({k: v for k, v in chosen.items() if v})
    if viewer.programs:
        side.caption(_("Your account shows: {programs}").format(
            programs=labels.text(", ".join(viewer.programs))))  # fmt: skip
    side.caption(
        _(
            "Counts of people are rounded to the nearest 5, and counts from 0 to 7 show as <8, "
            "so that no one can be singled out. See Methodology."
        )
    )
    return DonorFilters(
        year=chosen["year"], program=chosen["program"], country=chosen["country"],
        event_type=chosen["type"],
    )  # fmt: skip
