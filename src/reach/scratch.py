"""Scratch space for the copies of an upload that DuckDB reads while checking it.

Those copies hold what the file holds (names too, before they are dropped), so they live in a
folder only this user can open, are removed when the check ends, and leftovers of a process
that was killed mid-check are swept away the next time scratch space is used.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STALE_SECONDS = 3600  # a check takes seconds; an hour-old workspace belongs to a dead process


def base() -> Path:
    """$REACH_TMP or the system temp folder, then reach-<uid>, private to this user (0700)."""
    root = Path(os.environ.get("REACH_TMP") or tempfile.gettempdir())
    folder = root / f"reach-{os.getuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def sweep(now: float | None = None) -> int:
    """Remove workspaces left by processes that died mid-check; return how many."""
    now = time.time() if now is None else now
    removed = 0
    for entry in base().iterdir():
        try:
            if entry.stat().st_mtime < now - STALE_SECONDS:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another process swept it first
    return removed


@contextmanager
def workspace(prefix: str = "check-") -> Iterator[Path]:
    """A private folder for one check, removed when the check ends."""
    sweep()
    with tempfile.TemporaryDirectory(prefix=prefix, dir=base()) as tmp:
        yield Path(tmp)
