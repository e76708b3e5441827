"""Disclosure control: the one place where a count of people becomes safe to show a donor.

The rule is OpenSAFELY's output rule. A count of people from 0 to SUPPRESS_MAX is published
as the text "<8"; every other count is rounded to the nearest ROUND_BASE. With rounding base b
and threshold k, the difference of two published counts can pin a small count unless
2b - 1 > k: suppressing <= 7 and rounding to 5 passes (9 > 7). Zero is masked too, because
"female 0, male 0, other <8" would tell that everyone at a place was transgender.

Shares and ratios are worked out from the published counts, and only when none of them is
suppressed. Everything a donor sees (tiles, charts, hovers, tables, maps, downloads, the
report) is published through this module; nothing else rounds or suppresses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from . import i18n


@dataclass(frozen=True)
class Rule:
    """The named settings of the output rule (OpenSAFELY's defaults)."""

    suppress_max: int = 7  # counts 0..suppress_max are published as "<8"
    round_base: int = 5  # every other count is rounded to the nearest multiple of this
    share_digits: int = 2  # shares as fractions with two decimals: whole percentages
    ratio_digits: int = 1  # multipliers and parity with one decimal

    def __post_init__(self) -> None:
        # Differences of two published counts must not pin a small count (see module doc).
        if 2 * self.round_base - 1 <= self.suppress_max:
            raise ValueError("round_base and suppress_max fail the 2b - 1 > k check")

    @property
    def suppressed_text(self) -> str:
        """How a suppressed count is written: '<8' with the default rule."""
        return f"<{self.suppress_max + 1}"


RULE = Rule()


def count(n: int | None, rule: Rule = RULE) -> int | None:
    """A published count of people: None means suppressed (shown as '<8')."""
    if n is None or n <= rule.suppress_max:
        return None
    # Round half up (12.5 never occurs for integers with base 5, but stay explicit).
    return int(math.floor(n / rule.round_base + 0.5)) * rule.round_base


def text(published: int | None, rule: Rule = RULE) -> str:
    """A published count as people read it, in the active language: '<8', '1,235' (en) or
    '1 235' (ru). The '<8' is a symbol, the same in every language."""
    return rule.suppressed_text if published is None else i18n.number(published)


def json_value(published: int | None, rule: Rule = RULE) -> int | str:
    """A published count for JSON: an int, or the string '<8'."""
    return rule.suppressed_text if published is None else published


def share(part: int | None, parts: Iterable[int | None], rule: Rule = RULE) -> float | None:
    """part / sum(parts) of published counts, or None when any of them is suppressed."""
    values = list(parts)
    if part is None or any(v is None for v in values):
        return None
    total = sum(values)  # type: ignore[arg-type]
    return None if total == 0 else round(part / total, rule.share_digits)


def ratio(num: int | None, den: int | None, rule: Rule = RULE) -> float | None:
    """num / den of published counts with one decimal, or None when either is suppressed."""
    if num is None or den is None or den == 0:
        return None
    return round(num / den, rule.ratio_digits)


def frame(df: pd.DataFrame, people: Iterable[str], rule: Rule = RULE) -> pd.DataFrame:
    """A copy of `df` with each column of `people` published (nullable Int64, NA = '<8')."""
    out = df.copy()
    for column in people:
        values = pd.to_numeric(out[column], errors="coerce")
        rounded = (values / rule.round_base + 0.5).floordiv(1) * rule.round_base
        out[column] = rounded.where(values > rule.suppress_max).astype("Int64")
    return out


def frame_text(df: pd.DataFrame, columns: Iterable[str], rule: Rule = RULE) -> pd.DataFrame:
    """A copy of a published frame with `columns` written for people ('<8' for suppressed),
    numbers in the active language."""
    out = df.copy()
    for column in columns:
        out[column] = [text(None if pd.isna(v) else int(v), rule) for v in out[column]]
    return out


def frame_csv(df: pd.DataFrame, columns: Iterable[str], rule: Rule = RULE) -> pd.DataFrame:
    """A copy of a published frame for a CSV file: counts as plain numbers, '<8' where
    suppressed; the same in every language, so a spreadsheet reads them as numbers."""
    out = df.copy()
    for column in columns:
        out[column] = [json_value(None if pd.isna(v) else int(v), rule) for v in out[column]]
    return out


def possible(published: int | None, rule: Rule = RULE) -> tuple[int, int]:
    """The interval of true counts a published value allows (for checks and tests)."""
    if published is None:
        return 0, rule.suppress_max
    half = rule.round_base // 2
    return max(published - half, rule.suppress_max + 1), published + half
