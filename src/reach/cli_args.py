"""Argument types the command line's subcommands share: a date and a year."""

from __future__ import annotations

import argparse
import datetime as dt

from .i18n import _


def date(text: str) -> dt.date:
    """A YYYY-MM-DD argument, or a usage error that says so."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        message = _("'{value}' is not a date in YYYY-MM-DD form").format(value=text)
        raise argparse.ArgumentTypeError(message) from exc


def year(text: str) -> int:
    """A YYYY argument, or a usage error that says so."""
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a year in YYYY form").format(value=text)
        )
    return int(text)
