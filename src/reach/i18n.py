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
from dataclasses import dataclass
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("en", "ru")
DEFAULT = "en"
DOMAIN = "reach"


class UnknownLanguage(ValueError):
    """A language Reach has no catalog for."""


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


@dataclass(frozen=True)
class Formats:
    """Numbers, shares and dates as people of one language write them."""

    lang: str = DEFAULT

    def _(self, message: str) -> str:
        """The message in this language (as written when the catalog has none)."""
        return translations(self.lang).gettext(message)

    def n_(self, singular: str, plural: str, n: int) -> str:
        """The form of the message that agrees with n (Russian has three)."""
        return translations(self.lang).ngettext(singular, plural, n)

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

    def datetime(self, moment: dt.datetime) -> str:
        """A moment to the minute, 24-hour: 'Nov 24, 2026 14:05' (en), '24 нояб. 2026 г. 14:05'."""
        day = format_date(moment, format="medium", locale=self.lang)
        return f"{day} {format_time(moment, format='HH:mm', locale=self.lang)}"
