"""Logging an unexpected error without the data in it.

An exception's message can quote a value from the data (a name in a failed conversion, a
row of an upload), so the log gets the exception's type and where it was raised, never its
message or the values of any variable.
"""

from __future__ import annotations

import logging
import traceback

LOG = logging.getLogger("reach")


def where(exc: BaseException) -> str:
    """'file.py:12 in function' for each frame of the traceback, innermost last."""
    frames = traceback.extract_tb(exc.__traceback__)
    return " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in frames)


def log(exc: BaseException) -> None:
    """Record an unexpected error by type and place only."""
    LOG.error("unexpected %s at %s", type(exc).__name__, where(exc) or "?")
