"""How codes and data values are written on the page: one place for every label.

Every code a page shows (event types, countries, roles, genders) goes through `label`, and
every count with its noun through `count`, so a code never leaks as written in the store
("step_down", "KGZ"), a blank never shows as "None", and "1 event" agrees in number.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pandas as pd
import pycountry

BLANK = "—"  # what an empty value, or a rate that is not defined, reads as

# Characters that let text in a sentence become a link, an image, HTML, emphasis, code, a
# table, maths or a coloured span (":red[...]") in Streamlit's markdown. ("." and "-" only
# matter at the start of a line, and data is never put there.)
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#!|<>~$"})

# Codes whose plain capitalised form would read wrong.
_SPECIAL = {
    "event_type": {"step_down": "Step-down"},
    "indicator": {
        "people_reached": "People reached", "direct_reach": "Direct reach",
        "cascade_reach": "Cascade reach", "trainers": "Trainers",
        "step_down_events": "Step-down events", "events": "Events",
        "female_reached": "Women reached",
    },
}  # fmt: skip
KINDS = ("event_type", "country", "role", "gender", "year", "program", "indicator", "age_band")


def text(value: object) -> str:
    """A data value made safe for markdown captions: shown as written, never interpreted."""
    return str(value).translate(_MARKDOWN)


def blank(value: object) -> bool:
    """True for a value that holds nothing: None, NaN, NA or empty text."""
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array is not blank
        return False


@cache
def _country(code: str) -> str:
    found = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
    return getattr(found, "common_name", None) or getattr(found, "name", None) or code


def label(kind: str, code: object) -> str:
    """A code as people read it: 'step_down' → 'Step-down', 'KGZ' → 'Kyrgyzstan',
    'trainer' → 'Trainer'; a blank → '—'; an unknown code as written."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if blank(code):
        return BLANK
    value = str(code).strip()
    if kind == "country":
        return _country(value)
    if kind in ("year", "program", "age_band"):
        return value
    special = _SPECIAL.get(kind, {}).get(value)
    return special or value.replace("_", "-").capitalize()


def event_type(code: str) -> str:
    """'step_down' → 'Step-down'."""
    return label("event_type", code)


def country(code: str) -> str:
    """An ISO alpha-3 code as its English name (the code itself when unknown)."""
    return label("country", code)


def role(code: str) -> str:
    """'facilitator' → 'Facilitator'."""
    return label("role", code)


def gender(code: str) -> str:
    """'undisclosed' → 'Undisclosed'."""
    return label("gender", code)


def year(value: str) -> str:
    """A year as written."""
    return label("year", value)


def for_kind(kind: str) -> Callable[[str], str]:
    """The labelling function for a donor filter's kind of value (plural: 'countries')."""
    singular = {"countries": "country", "event_types": "event_type", "years": "year"}
    return lambda code: label(singular.get(kind, "program"), code)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun agreeing in number: '1 event', '2 events', '1,204 people'."""
    n = int(n)
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def or_blank(value: object) -> str:
    """A value as written, or '—' when it is blank."""
    return BLANK if blank(value) else str(value)
