"""What a report says, before it is laid out: its scope, numbers, tables and figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

AUDIENCES = ("donor", "director")


@dataclass(frozen=True)
class Figure:
    """A plotly figure for the report, with the height to draw it at (CSS px) and, for a
    map, the words to write on each country (ISO3 → text)."""

    fig: go.Figure
    height: int
    map_labels: dict[str, str] | None = None


@dataclass(frozen=True)
class Table:
    """A table of text cells, columns named in the report's language; the first column names
    the row, the others hold numbers (right-aligned) unless listed in `text_columns`."""

    data: pd.DataFrame
    text_columns: tuple[str, ...] = ()
    note: str = ""
    code_columns: tuple[str, ...] = ()  # long codes (SHA-256) that may break anywhere


@dataclass(frozen=True)
class Section:
    """A heading with an optional sentence, figure and tables."""

    key: str  # a stable name: the HTML id of the section, and what tests look for
    heading: str
    text: str = ""
    figure: Figure | None = None
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Report:
    """A whole report: the title block, the headline numbers and the sections in order."""

    audience: str
    lang: str
    title: str
    subtitle: str
    scope: list[tuple[str, str]]  # the title block: (what, which), e.g. ("Programs", "All")
    made_at: dt.datetime
    headline: list[tuple[str, str]]  # (label, value as written)
    sections: list[Section] = field(default_factory=list)
    empty: bool = False  # no event in scope: the report says so instead of numbers
