"""Logging an unexpected error without the data in it.

An exception's message can quote a value from the data (a name in a failed conversion, a
row of an upload), so the log gets the exception's type and where it was raised, never its
message or the values of any variable.
"""

from __future__ import annotations

import logging
import os
import traceback

LOG = logging.getLogger("reach")


def where(exc: BaseException) -> str:
    """'file.py:12 in function' for each frame of the traceback, innermost last."""
    frames = traceback.extract_tb(exc.__traceback__)
    return " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in frames)


def log(exc: BaseException) -> None:
    """Record an unexpected error by type and place only."""
    LOG.error("unexpected %s at %s", type(exc).__name__, where(exc) or "?")


def slow_run_seconds() -> float | None:
    """Page runs at least this long are logged ($REACH_SLOW_RUN_SECONDS; unset: none)."""
    value = os.environ.get("REACH_SLOW_RUN_SECONDS", "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        return None  # a mistyped setting must not stop the pages; nothing is logged


def log_run(path: str, seconds: float, threshold: float | None) -> None:
    """Log one page run that took `threshold` seconds or more: the page and the time only."""
    # An operator's view of how long people wait on this server (and what the many-viewers
    # benchmark reads), without a browser: never who ran it, their filters or any number.
    if threshold is not None and seconds >= threshold:
        LOG.warning("page run: %s in %.3f s", path or "-", seconds)
