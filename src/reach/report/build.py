"""Making a report: the scope asked for, the numbers for its audience, the file."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .. import extract, i18n, metrics, normalize, store
from ..i18n import _
from . import content, document
from .model import AUDIENCES, Report

Step = Callable[[str], None]


class ScopeError(ValueError):
    """The scope asked for cannot be reported for this audience; the message says why."""


def organisation() -> str | None:
    """The organisation named in every report's title block ($REACH_ORGANISATION)."""
    return os.environ.get("REACH_ORGANISATION", "").strip() or None


@dataclass(frozen=True)
class Request:
    """What the command line asks for: an audience, a language and a scope."""

    audience: str = "donor"
    programs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO alpha-3, or names normalize.country reads
    years: tuple[int, ...] = ()
    lang: str = "en"

    def checked(self) -> Request:
        """The request with countries as codes; ScopeError when it cannot be made (in the
        language of whoever asked: the active one, not the report's)."""
        if self.audience not in AUDIENCES:
            raise ScopeError(
                _("the audience must be one of {audiences}").format(audiences=", ".join(AUDIENCES))
            )
        try:
            i18n.check(self.lang)
        except i18n.UnknownLanguage as exc:
            raise ScopeError(str(exc)) from exc
        try:
            codes = list(normalize.country_codes(self.countries))
        except ValueError as exc:
            raise ScopeError(str(exc)) from exc
        years = sorted(set(self.years))
        if self.audience == "donor":
            # The donor numbers are published for one year, one country (or all) at a time.
            if len(years) > 1:
                raise ScopeError(_("a donor report covers one --year (or all years)"))
            if len(codes) > 1:
                raise ScopeError(_("a donor report covers one --country (or all countries)"))
        elif years and years != list(range(years[0], years[-1] + 1)):
            raise ScopeError(_("the --year values must follow one another (e.g. 2023 and 2024)"))
        return Request(self.audience, tuple(self.programs), tuple(codes), tuple(years), self.lang)

    def filters(self) -> metrics.Filters:
        """The organisation's filters for this scope."""
        first = dt.date(self.years[0], 1, 1) if self.years else None
        last = dt.date(self.years[-1], 12, 31) if self.years else None
        return metrics.Filters(
            programs=self.programs, countries=self.countries, date_from=first, date_to=last
        )

    def donor(self) -> tuple[extract.DonorFilters, tuple[str, ...]]:
        """The donor view and program scope for this request: one program is a filter, two or
        more are read as one account's scope, published only when such an account exists."""
        programs = tuple(dict.fromkeys(self.programs))
        f = extract.DonorFilters(
            year=str(self.years[0]) if self.years else None,
            program=programs[0] if len(programs) == 1 else None,
            country=self.countries[0] if self.countries else None,
        )
        return f, programs if len(programs) > 1 else ()


def _no_step(message: str) -> None:
    """A builder's progress, told to nobody."""


def director_report(
    path: Path | str, request: Request, today: dt.date | None = None, step: Step = _no_step
) -> Report:
    """The organisation's report (exact numbers) for a request, read from the store, in the
    request's language."""
    store.ensure(path)
    with store.connect(path, read_only=True) as con:
        return content.for_director(
            con, request.filters(), lang=request.lang, organisation=organisation(),
            today=today, step=step,
        )  # fmt: skip


def donor_report(
    path: Path | str, request: Request, today: dt.date | None = None, step: Step = _no_step
) -> Report:
    """The donors' report (published numbers) for a request, read from the extract alone, in
    the request's language."""
    f, scope = request.donor()
    con = store.published_snapshot(path)
    try:
        if scope and not extract.has_scope(con, scope):
            raise ScopeError(
                _(
                    "donor numbers for several programs together are published only for the "
                    "programs of a donor account; give one --program, or make such an account"
                )
            )
        return content.for_donor(
            con, f, scope, lang=request.lang, organisation=organisation(), today=today,
            step=step,
        )  # fmt: skip
    finally:
        con.close()


def report_for(
    path: Path | str, request: Request, today: dt.date | None = None, step: Step = _no_step
) -> Report:
    """The report a request asks for, for its audience."""
    request = request.checked()
    make = donor_report if request.audience == "donor" else director_report
    return make(path, request, today, step)


def render(report: Report, fmt: str, step: Step = _no_step) -> bytes:
    """The report as a file: 'pdf' (A4, fonts embedded) or 'html' (one self-contained page),
    in the report's language."""
    if fmt not in document.FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(document.FORMATS)}")
    with i18n.using(report.lang):
        page = document.html(report, step)
        if fmt == "html":
            return page.encode("utf-8")
        step(_("Laying out the pages"))
        return document.pdf(page)


def both(report: Report, step: Step = _no_step) -> tuple[bytes, bytes]:
    """The report as (HTML, PDF), its charts drawn once for both, in the report's language."""
    with i18n.using(report.lang):
        page = document.html(report, step)
        step(_("Laying out the pages"))
        return page.encode("utf-8"), document.pdf(page)


def connection_report(
    con: duckdb.DuckDBPyConnection,
    filters: metrics.Filters | extract.DonorFilters,
    account: tuple[str, ...],
    lang: str = "en",
    step: Step = _no_step,
) -> Report:
    """The report of a page's filters on the page's own connection (the app's snapshot, or a
    donor's published extract), for the account's programs, in `lang`."""
    if isinstance(filters, extract.DonorFilters):
        return content.for_donor(
            con, filters, account, lang=lang, organisation=organisation(), step=step
        )
    return content.for_director(
        con, filters, account, lang=lang, organisation=organisation(), step=step
    )
