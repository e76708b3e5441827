"""Age bands: the one named setting for how ages are grouped, in Python and in SQL alike.

A person's age is the start year of their first in-scope attendance as participant minus
their birth year (README, "The metrics"). The bands are set here once: SQL receives them as
bound parameters (`params`), never formatted into its text, and the `age_band` macro
(sql/age_macros.sql) looks an age up in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UNKNOWN = "unknown"


@dataclass(frozen=True)
class AgeBands:
    """Bands by their lower edges: each runs up to the next edge (exclusive), the last is open.

    The first edge must be 0, so every age from 0 up has exactly one band; a missing age, or
    a birth year after the event (a negative age), is `unknown`.
    """

    edges: tuple[int, ...] = (0, 10, 15, 20, 25, 30, 40, 50)
    unknown: str = UNKNOWN

    def __post_init__(self) -> None:
        if not self.edges or self.edges[0] != 0:
            raise ValueError("the first age band must start at 0")
        if any(b <= a for a, b in zip(self.edges, self.edges[1:], strict=False)):
            raise ValueError("age band edges must increase")

    @property
    def known(self) -> tuple[str, ...]:
        """The labels of the bands of known ages, youngest first: '0-9', …, '50+'."""
        upper = [f"-{b - 1}" for b in self.edges[1:]] + ["+"]
        return tuple(f"{a}{u}" for a, u in zip(self.edges, upper, strict=True))

    @property
    def labels(self) -> tuple[str, ...]:
        """Every band a count is given for, in order: the known bands, then unknown."""
        return (*self.known, self.unknown)

    def band(self, age: int | None) -> str:
        """The label of the band an age falls in (unknown for None or a negative age)."""
        if age is None or age < 0:
            return self.unknown
        index = sum(1 for edge in self.edges if edge <= age) - 1
        return self.known[index]

    def by_age(self) -> list[str]:
        """The band of each age 0, 1, …, last edge: the lookup SQL indexes (the last entry
        stands for every older age too)."""
        return [self.band(age) for age in range(self.edges[-1] + 1)]

    def params(self) -> dict[str, Any]:
        """The $-parameters an age query takes: the lookup, the unknown label, every label."""
        return {
            "age_band_of": self.by_age(),
            "age_unknown": self.unknown,
            "age_bands": list(self.labels),
        }


# The bands Reach uses everywhere (the default).
BANDS = AgeBands()


def band(age: int | None, bands: AgeBands = BANDS) -> str:
    """The band label of an age under the named setting."""
    return bands.band(age)


def labels(bands: AgeBands = BANDS) -> list[str]:
    """Every band of the named setting in order, unknown last (the keys of `age` objects)."""
    return list(bands.labels)


def params(bands: AgeBands = BANDS) -> dict[str, Any]:
    """The SQL parameters of the named setting."""
    return bands.params()
