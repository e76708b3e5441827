"""How codes and data values are written on the page: one place for every label."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pycountry

# Characters that let text in a sentence become a link, an image, HTML, emphasis, code, a
# table, maths or a coloured span (":red[...]") in Streamlit's markdown. ("." and "-" only
# matter at the start of a line, and data is never put there.)
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#!|<>~$"})


def text(value: object) -> str:
    """A data value made safe for markdown captions: shown as written, never interpreted."""
    return str(value).translate(_MARKDOWN)


def event_type(code: str) -> str:
    """'step_down' → 'Step-down'."""
    return str(code).replace("_", "-").capitalize()


@cache
def country(code: str) -> str:
    """An ISO alpha-3 code as its English name (the code itself when unknown)."""
    found = pycountry.countries.get(alpha_3=str(code))
    return getattr(found, "common_name", None) or getattr(found, "name", None) or str(code)


def year(value: str) -> str:
    """A year as written."""
    return str(value)


def for_kind(kind: str) -> Callable[[str], str]:
    """The labelling function for a donor filter's kind of value."""
    return {"countries": country, "event_types": event_type}.get(kind, str)
