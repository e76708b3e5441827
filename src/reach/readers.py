"""Read-only copies of the store, one per store version, that the app reads in place.

DuckDB lets one process write a file or many processes read it, never both at once. A
reader that kept the store itself open would stop every load, so a reader works on a copy
made once per store version:

- the copy is taken under a read-only connection to the store (its shared lock), so no
  writer is part-way through it; a load in progress makes the copy wait, never a reader
  of an earlier copy (the app keeps showing the last version it read);
- it is written beside the store under a temporary name, its write-ahead log folded in,
  then renamed into place: a reader opens a whole version or none;
- every process on the machine (each app replica, each CLI run) shares the same copies, and
  opens them read-only, so DuckDB reads them from disk as queries need them instead of
  holding the whole store in memory per version.

The copies hold what the store holds (pseudonymous IDs, no names), next to it, and the
oldest are removed as new versions come.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from . import sqlfiles, store

KEEP = 3  # copies kept: the current version and the two before it (sessions may still read them)


def folder(path: Path | str) -> Path:
    """Where the store at `path` keeps its read-only copies (data/reach.duckdb.readers/)."""
    return Path(f"{path}.readers")


def _name(stamp: store.Version) -> str:
    return f"{stamp[0]:x}-{stamp[1]:x}.duckdb"


def copy_for(path: Path | str) -> tuple[Path, store.Version]:
    """The read-only copy of the store's current version, made now if it is not there yet.

    Raises store.StoreBusy while a load holds the store for longer than the wait.
    """
    path = Path(path)
    store.ensure(path)
    where = folder(path)
    where.mkdir(exist_ok=True)
    # The shared lock: no writer can be part-way through the file (or its log) while it is
    # read, and the stamp taken under it is the version being copied.
    with store.connect(path, read_only=True):
        stamp = store.file_version(path)
        target = where / _name(stamp)
        if target.exists():
            return target, stamp
        scratch = where / f".{os.getpid()}-{_name(stamp)}"
        shutil.copyfile(path, scratch)
        wal = Path(f"{path}.wal")
        if wal.exists():
            shutil.copyfile(wal, Path(f"{scratch}.wal"))
    try:
        # Outside the lock: fold the log into the copy and add any table a store written by an
        # older Reach lacks, so every reader finds the schema it expects.
        with duckdb.connect(str(scratch)) as con:
            store.init_schema(sqlfiles.quiet(con))
            con.execute("checkpoint")
        os.replace(scratch, target)
    finally:
        for leftover in (scratch, Path(f"{scratch}.wal")):
            leftover.unlink(missing_ok=True)
    _prune(where, keep=target)
    return target, stamp


def _prune(where: Path, keep: Path) -> None:
    """Remove all but the newest KEEP copies (an open copy stays readable until closed)."""
    made: dict[Path, int] = {}
    for copy in where.glob("*.duckdb"):
        try:
            made[copy] = copy.stat().st_mtime_ns
        except FileNotFoundError:
            continue  # another process (an app replica) removed it just now
    copies = sorted((p for p in made if p != keep), key=made.__getitem__, reverse=True)
    for old in copies[KEEP - 1 :]:
        for leftover in (old, Path(f"{old}.wal")):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass  # another process may be removing it too


def memory_limit() -> str:
    """DuckDB's memory limit for reading a copy ($REACH_READ_MEMORY, '1GB'). Every session of
    a process reading one version shares one database, and so this limit; past it a query
    spills to disk. Left to itself DuckDB took 2.4 GB for one viewer of ten million rows."""
    return os.environ.get("REACH_READ_MEMORY", "1GB")


def _open(target: Path) -> duckdb.DuckDBPyConnection:
    # One configuration for every connection to a copy: DuckDB refuses a second connection
    # to an open database with other settings. Spill files go to a folder of this process
    # (two processes spilling into one folder could take each other's file names).
    spill = Path(tempfile.gettempdir()) / f"reach-spill-{os.getpid()}"
    config = {"memory_limit": memory_limit(), "temp_directory": str(spill)}
    return sqlfiles.quiet(duckdb.connect(str(target), read_only=True, config=config))


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection on the current version's copy of the store."""
    target, _stamp = copy_for(path)
    return _open(target)


def published(path: Path | str) -> duckdb.DuckDBPyConnection:
    """The published extract of the current version, copied from its read-only copy into
    memory and locked down: what a donor session reads (small, and never person-level)."""
    target, _stamp = copy_for(path)
    with _open(target) as src:
        return store.published_copy(sqlfiles.quiet(src))
