"""Languages: the gettext catalog of a language, and numbers and dates written its way (Babel).

Catalogs are the `.po` files in reach/locale/<lang>/LC_MESSAGES/reach.po, read with Babel and
compiled in memory, so the repository holds no compiled `.mo` file to fall out of date. A
translator is an object, never installed as a global `_`: two people in one process (two
browser sessions, or a report made while a page is drawn) may read two languages.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("en", "ru", "kk", "ky")
DEFAULT = "en"
DOMAIN = "reach"


# Dates in figures. English keeps ISO order, which nobody misreads; Russian, Kazakh and Kyrgyz
# write day.month.year. (CLDR's Kyrgyz numeric pattern is 'y-dd-MM', which is nobody's usage.)
_NUMERIC_DATE = {"en": "y-MM-dd"}


class UnknownLanguage(ValueError):
    """A language Reach has no catalog for."""


def known(code: object) -> str | None:
    """The language Reach speaks for a code such as 'ru', 'ru-RU' or 'ru_RU.UTF-8', or None."""
    if not isinstance(code, str) or not code.strip():
        return None
    base = code.strip().replace("-", "_").split("_")[0].split(".")[0].lower()
    return base if base in LANGUAGES else None


def pick(*candidates: object) -> str:
    """The first candidate Reach speaks (URL, choice, account, setting, browser), else English."""
    for candidate in candidates:
        lang = known(candidate)
        if lang:
            return lang
    return DEFAULT


def from_environment(env: Mapping[str, str]) -> str:
    """The language of a command line: REACH_LANG, else the POSIX locale (LANGUAGE, LC_ALL,
    LC_MESSAGES, LANG, as gettext reads them), else English."""
    languages = (env.get("LANGUAGE") or "").split(":")
    return pick(env.get("REACH_LANG"), *languages, env.get("LC_ALL"), env.get("LC_MESSAGES"),
                env.get("LANG"))  # fmt: skip


def name(lang: str) -> str:
    """A language's name in itself, as a language menu shows it: 'Русский', 'Қазақ тілі'."""
    return Locale.parse(check(lang)).get_display_name(lang).capitalize()


def check(lang: str) -> str:
    """The language code if Reach speaks it; raises UnknownLanguage otherwise."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"'{lang}' is not a language Reach speaks ({', '.join(LANGUAGES)})")
    return lang


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (English is the source language: it needs none)."""
    check(lang)
    po = resources.files("reach").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    if lang == DEFAULT or not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy entry is a guess: English instead
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


# The language of the work under way: one per thread. Each Streamlit script run has a thread
# of its own (and a CLI run has one), so a session's language never leaks into another's, as
# a process-wide `gettext.install()` would. New threads start with the default, English.
_ACTIVE: ContextVar[str] = ContextVar("reach_language", default=DEFAULT)


def active() -> str:
    """The language the current run speaks."""
    return _ACTIVE.get()


def activate(lang: str) -> None:
    """Speak `lang` for the rest of this run (this thread only)."""
    _ACTIVE.set(check(lang))


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Speak `lang` inside the block, then the language spoken before."""
    token = _ACTIVE.set(check(lang))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def _(message: str) -> str:
    """The message in the active language (as written when the catalog has none)."""
    return translations(active()).gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    """The form of the message that agrees with n, in the active language."""
    return translations(active()).ngettext(singular, plural, n)


def p_(context: str, message: str) -> str:
    """A short message whose meaning depends on `context` ("Reach" the page, not the verb)."""
    return translations(active()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a message for the catalog without translating it yet (translated where shown)."""
    return message


def number(n: float, digits: int = 0) -> str:
    """A number in the active language: 5,374 (en), 5 374 (ru, with a no-break space)."""
    return Formats(active()).number(n, digits)


def percent(share: float, digits: int = 0) -> str:
    """A share in the active language: 69.4% (en), 69,4 % (ru)."""
    return Formats(active()).percent(share, digits)


def date(day: dt.date, style: str = "medium") -> str:
    """A date in the active language: 'Nov 24, 2026' (en), '24 нояб. 2026 г.' (ru)."""
    return Formats(active()).date(day, style)


def day(value: dt.date) -> str:
    """A date in figures, four-digit year: 2026-11-24 (en), 24.11.2026 (ru, kk, ky)."""
    return Formats(active()).day(value)


def month(value: dt.date, quarter: bool = False) -> str:
    """A month (or its quarter) as a time axis reads it: 'Jan 2024', 'янв. 2024 г.', 'Q1 2024'."""
    return Formats(active()).month(value, quarter)


def datetime(moment: dt.datetime) -> str:
    """A moment to the minute in the active language: 'Nov 24, 2026 14:05' (en)."""
    return Formats(active()).datetime(moment)


@dataclass(frozen=True)
class Formats:
    """Numbers, shares and dates as people of one language write them."""

    lang: str = field(default_factory=active)

    def number(self, n: float, digits: int = 0) -> str:
        """1234 → '1,234' (en), '1 234' (ru, with a no-break space)."""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(n, format=pattern, locale=self.lang)

    def percent(self, share: float, digits: int = 0) -> str:
        """0.694 → '69%' (en), '69 %' (ru), in the language's own pattern."""
        pattern = Locale.parse(self.lang).percent_formats[None].pattern
        if digits:  # decimals go after the pattern's last digit: '#,##0 %' → '#,##0.0 %'
            last = pattern.rindex("0") + 1
            pattern = pattern[:last] + "." + "0" * digits + pattern[last:]
        return format_percent(share, format=pattern, locale=self.lang)

    def date(self, day: dt.date, style: str = "long") -> str:
        """24 November 2026 (en), 24 ноября 2026 г. (ru); style short: 24/11/2026, 24.11.2026."""
        return format_date(day, format=style, locale=self.lang)

    def day(self, value: dt.date) -> str:
        """A date in figures with a four-digit year, day first outside English."""
        return format_date(value, format=_NUMERIC_DATE.get(self.lang, "dd.MM.y"), locale=self.lang)

    def month(self, value: dt.date, quarter: bool = False) -> str:
        """A month or quarter with its year, in the language's own abbreviations."""
        return format_skeleton("yQQQ" if quarter else "yMMM", value, locale=self.lang)

    def datetime(self, moment: dt.datetime) -> str:
        """A moment to the minute, 24-hour: 'Nov 24, 2026 14:05' (en), '24 нояб. 2026 г. 14:05'."""
        day = format_date(moment, format="medium", locale=self.lang)
        return f"{day} {format_time(moment, format='HH:mm', locale=self.lang)}"
