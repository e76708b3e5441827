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
from babel import Locale

from . import i18n
from .i18n import N_, _

BLANK = "—"  # what an empty value, or a rate that is not defined, reads as

# Characters that let text in a sentence become a link, an image, HTML, emphasis, code, a
# table, maths or a coloured span (":red[...]") in Streamlit's markdown. ("." and "-" only
# matter at the start of a line, and data is never put there.)
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#!|<>~$"})

# The name of every code a page shows, in English; `label` reads it in the active language.
_NAMES: dict[str, dict[str, str]] = {
    "event_type": {
        "training": N_("Training"), "workshop": N_("Workshop"), "seminar": N_("Seminar"),
        "school": N_("School"), "camp": N_("Camp"), "conference": N_("Conference"),
        "step_down": N_("Step-down"), "other": N_("Other"),
    },
    "role": {
        "participant": N_("Participant"), "trainer": N_("Trainer"),
        "facilitator": N_("Facilitator"), "staff": N_("Staff"),
    },
    "gender": {
        "female": N_("Female"), "male": N_("Male"), "other": N_("Other"),
        "undisclosed": N_("Undisclosed"),
    },
    "indicator": {
        "people_reached": N_("People reached"), "direct_reach": N_("Direct reach"),
        "cascade_reach": N_("Cascade reach"), "trainers": N_("Trainers"),
        "step_down_events": N_("Step-down events"), "events": N_("Events"),
        "female_reached": N_("Women reached"),
    },
    # Translators: the age band of people whose birth year is not known.
    "age_band": {"unknown": N_("Unknown age")},
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
def _country(code: str, lang: str) -> str:
    found = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
    if found is None:
        return code
    # CLDR's names (Babel) in the reader's language; ISO's English name where CLDR has none.
    local = Locale.parse(lang).territories.get(found.alpha_2)
    if local and lang != i18n.DEFAULT:
        return local
    return getattr(found, "common_name", None) or found.name


def label(kind: str, code: object) -> str:
    """A code as people read it, in the active language: 'step_down' → 'Step-down' (en),
    'Каскадный тренинг' (ru); 'KGZ' → 'Kyrgyzstan', 'Киргизия'; a blank → '—'; an unknown
    code as written (capitalised, '_' as '-')."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if blank(code):
        return BLANK
    value = str(code).strip()
    if kind == "country":
        return _country(value, i18n.active())
    name = _NAMES.get(kind, {}).get(value)
    if name:
        return _(name)
    if kind in ("year", "program", "age_band"):
        return value  # names and numbers as written: '2025', 'Almaty school', '18-24'
    return value.replace("_", "-").capitalize()


def event_type(code: str) -> str:
    """'step_down' → 'Step-down'."""
    return label("event_type", code)


def country(code: str) -> str:
    """An ISO alpha-3 code as the country's name in the active language (the code if unknown)."""
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
    """An English count with its noun agreeing in number: '1 event', '2 events', '1,204 people'.

    For text in other languages use i18n.n_, whose catalogs have each language's plural forms.
    """
    n = int(n)
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def spellings(kind: str) -> dict[str, str]:
    """How a code's name is written in every language Reach speaks, folded to lower case, and
    the code: {'тренинг': 'training', 'каскадтық тренинг': 'step_down', …}. Files written in
    Russian, Kazakh or Kyrgyz are read with the same words the pages show."""
    out: dict[str, str] = {}
    for lang in i18n.LANGUAGES:
        with i18n.using(lang):
            for code, name in _NAMES[kind].items():
                out.setdefault(_(name).strip().lower(), code)
    return out


def or_blank(value: object) -> str:
    """A value as written, or '—' when it is blank."""
    return BLANK if blank(value) else str(value)
