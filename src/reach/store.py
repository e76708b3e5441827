"""The DuckDB store: opening it safely, loading files into it in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import __version__, countries, extract, metrics, normalize, people, sqlfiles
from .i18n import _
from .validate import Report, Source, sources_in, stage

DEFAULT_DB = Path("data") / "reach.duckdb"
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
SCHEMA_VERSION = "1"

# Threads of one process (the dashboard's sessions) would clash opening the same file with
# different modes, so this process opens the store one connection at a time; other
# processes are kept out by DuckDB's file lock (and told the store is busy).
_FILE_LOCK = threading.RLock()
# Loads into any connection (a file or an in-memory preview) run one at a time.
WRITE_LOCK = threading.RLock()


class StoreBusy(Exception):
    """Another process holds the store; the message says to try again."""


def default_path() -> Path:
    """The store file: $REACH_DB, else data/reach.duckdb."""
    return Path(os.environ.get("REACH_DB") or DEFAULT_DB)


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflict" in text


@contextmanager
def connect(
    path: Path | str, read_only: bool = False, wait: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the store file, waiting up to `wait` seconds (default $REACH_BUSY_WAIT or 10)."""
    wait = float(os.environ.get("REACH_BUSY_WAIT", "10")) if wait is None else wait
    deadline = time.monotonic() + wait
    if not _FILE_LOCK.acquire(timeout=max(wait, 0.01)):
        # Translators: {path} is the store's file name (data/reach.duckdb).
        message = _("The store {path} is busy (a load is running); try again in a moment.")
        raise StoreBusy(message.format(path=path))
    try:
        with _open(path, read_only, deadline) as con:
            yield con
    finally:
        _FILE_LOCK.release()


@contextmanager
def _open(
    path: Path | str, read_only: bool, deadline: float
) -> Iterator[duckdb.DuckDBPyConnection]:
    while True:
        try:
            con = sqlfiles.quiet(duckdb.connect(str(path), read_only=read_only))
            break
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                # Translators: {path} is the store's file name (data/reach.duckdb).
                message = _(
                    "The store {path} is busy (another program is writing to it); "
                    "try again in a moment."
                )
                raise StoreBusy(message.format(path=path)) from exc
            time.sleep(0.1)
    try:
        yield con
    finally:
        con.close()


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the store's tables if they are not there (the stored rows' first)."""
    sqlfiles.run_script(con, "schema_rows")
    sqlfiles.run_script(con, "schema")


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables if they are not there, and the library's country reference."""
    create_tables(con)
    if not sqlfiles.scalar(con, "select count(*) from country_reference"):
        con.register("_ref", countries.reference())
        con.execute("insert into country_reference select * from _ref")
        con.unregister("_ref")
    con.execute("insert or replace into meta values ('schema_version', $v)", {"v": SCHEMA_VERSION})


def is_initialised(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store has its tables."""
    return sqlfiles.has_table(con, "meta")


def version(con: duckdb.DuckDBPyConnection) -> int:
    """How many loads the store has taken; changes with every commit."""
    value = sqlfiles.scalar(con, "select value from meta where key = 'version'")
    return int(value) if value else 0


def bump_version(con: duckdb.DuckDBPyConnection) -> int:
    """Count one more change to the store (a load or an undo); return the new version."""
    new = version(con) + 1
    con.execute("insert or replace into meta values ('version', $v)", {"v": str(new)})
    return new


# The headline numbers of the store as its last load left it, kept in meta with the store
# version and Reach version they belong to: the next load's "before" for the history, so a
# load works out the whole store's numbers once (after), not twice. An undo or a review
# decision bumps the version, and then the next load works "before" out afresh.
SUMMARY_KEY = "summary_after_load"


def current_summary(con: duckdb.DuckDBPyConnection) -> dict:
    """The store's headline numbers now (summary --json shape): kept ones when still current."""
    raw = sqlfiles.scalar(con, "select value from meta where key = $k", {"k": SUMMARY_KEY})
    kept = json.loads(raw) if raw else {}
    if kept.get("version") == version(con) and kept.get("reach") == __version__:
        return kept["summary"]
    return metrics.summary(con).as_dict()


def _keep_summary(con: duckdb.DuckDBPyConnection, summary: dict) -> None:
    value = json.dumps({"version": version(con), "reach": __version__, "summary": summary})
    con.execute("insert or replace into meta values ($k, $v)", {"k": SUMMARY_KEY, "v": value})


Version = tuple[int, int]


def file_version(path: Path | str) -> Version:
    """A cheap stamp of the store file that changes when a load commits (no lock needed)."""
    stamps = []
    for p in (Path(path), Path(f"{path}.wal")):
        try:
            st = p.stat()
            stamps.append(st.st_mtime_ns ^ st.st_size)
        except FileNotFoundError:
            stamps.append(0)
    return stamps[0], stamps[1]


@dataclass
class LoadResult:
    """What a load did, or why it did not."""

    report: Report
    applied: bool = False
    mode: str = "merge"
    counts: dict[str, int] = field(default_factory=dict)
    load_id: int | None = None
    before: dict | None = None  # headline numbers before and after (summary --json shape)
    after: dict | None = None

    def to_text(self) -> str:
        """A readable account of the load, in the active language."""
        if not self.applied:
            return self.report.to_text() + "\n" + _("Nothing was loaded; the store is unchanged.")
        c = self.counts
        # Counts as the command line always wrote them (no thousands separator).
        # Translators: "merge" updates the events given; "replace" replaces everything stored.
        loaded = _("Loaded (replace):") if self.mode == "replace" else _("Loaded (merge):")
        # Translators: a line of a load's account; it may read "label: number" pairs so that no
        # noun has to agree with a number.
        events = _("events: {added} added, {updated} updated, {unchanged} unchanged")
        # Translators: a line of a load's account (see "events: {added} added, …").
        lists = _("attendance lists: {added} added, {replaced} replaced, {unchanged} unchanged")
        # Translators: a line of a load's account (see "events: {added} added, …").
        rows = _("participant rows: {added} added, {removed} removed")
        # Translators: a line of a load's account (see "events: {added} added, …").
        countries_line = _("countries: {loaded} added or updated")
        lines = [
            loaded,
            "  " + events.format(
                added=c["events_added"], updated=c["events_updated"],
                unchanged=c["events_unchanged"],
            ),
            "  " + lists.format(
                added=c["lists_added"], replaced=c["lists_replaced"],
                unchanged=c["lists_unchanged"],
            ),
            "  " + rows.format(
                added=c["participant_rows_added"], removed=c["participant_rows_removed"]
            ),
            "  " + countries_line.format(loaded=c["countries_loaded"]),
        ]  # fmt: skip
        if c.get("targets_loaded"):
            # Translators: a line of a load's account (see "events: {added} added, …").
            targets = _("targets: {loaded} loaded")
            lines.append("  " + targets.format(loaded=c["targets_loaded"]))
        if self.report.warnings:
            lines.insert(0, self.report.to_text())
        return "\n".join(lines)


def _describe(sources: list[Source | None]) -> str:
    files = []
    for s in sources:
        if s is not None:
            size, sha256 = s.digest()
            files.append({"name": s.name, "size": size, "sha256": sha256})
    return json.dumps(files)


def _apply(
    con: duckdb.DuckDBPyConnection, replace: bool, dedupe: bool, fresh: bool = False
) -> dict[str, int]:
    """Write the staged tables into the store (inside the caller's transaction).

    dedupe: the upload lists someone twice at one event in one role (the row is kept once).
    fresh: the store had no tables before this load.
    """
    params = {"replace": replace}
    incremental = not replace and not fresh
    if incremental:
        # The trees this merge touches, from the roots stored before it writes anything.
        sqlfiles.materialize(con, "_touched_roots", "touched_roots")
    columns = "participant_id, event_id, gender, role, birth_year, country_code, organization"
    # An earlier load on this connection may have left it as the other kind (table or view).
    kind = sqlfiles.temp_kind(con, "stg_attendance")
    if kind:
        con.execute(f"drop {kind} temp.stg_attendance")
    if dedupe:
        con.execute(
            f"""
            create or replace temp table stg_attendance as
            select {columns} from stg_participants
            qualify row_number() over (
                partition by event_id, participant_id, role order by _row
            ) = 1
            """
        )
    else:
        con.execute(
            f"create or replace temp view stg_attendance as select {columns} from stg_participants"
        )
    sqlfiles.materialize(con, "plan_events", "plan_events", params)
    sqlfiles.materialize(con, "plan_attendance", "plan_attendance", params)
    counts = {
        k: int(v) for k, v in sqlfiles.first_row(con, sqlfiles.sql_text("load_counts")).items()
    }
    targets_given = bool(sqlfiles.scalar(con, "select count(*) from stg_targets"))
    _save_undo(con, replace, targets_given)
    if replace:
        # The stored rows are now the undo copy, and events and participants new, empty
        # tables (see _save_undo).
        stored = sqlfiles.scalar(con, "select count(*) from undo_participants")
        counts["participant_rows_removed"] = int(stored)
        con.execute("delete from countries")
        if targets_given:
            con.execute("delete from targets")
    else:
        con.execute(
            "delete from participants where event_id in "
            "(select event_id from plan_attendance where action = 'replace')"
        )
        con.execute(
            "delete from events where event_id in "
            "(select event_id from plan_events where action = 'update')"
        )
    con.execute(
        """
        insert into events
        select event_id, title, program, event_type, start_date, end_date, city, country_code,
            organizer, parent_event_id, reported_participants, reported_female, reported_male,
            null, null, null, null
        from plan_events where action <> 'same'
        """
    )
    con.execute(
        """
        insert into participants
        select a.* from stg_attendance as a
        where a.event_id in (select event_id from plan_attendance where action <> 'same')
        """
    )
    con.execute(
        """
        insert or replace into countries
        select country_code, name, region, population from stg_countries
        """
    )
    # A targets file replaces the targets of the programs it lists.
    con.execute("delete from targets where program in (select program from stg_targets)")
    con.execute(
        """
        insert into targets
        select program, indicator, period, period_start, period_end, target,
            coalesce(gender, ''), coalesce(age_band, ''), coalesce(country_code, '')
        from stg_targets
        """
    )
    counts["targets_loaded"] = int(
        targets_given and sqlfiles.scalar(con, "select count(*) from stg_targets")
    )
    # A merge works levels out only in the cascade trees it touches (found above).
    refresh_derived(con, incremental=incremental)
    return counts


def refresh_derived(con: duckdb.DuckDBPyConnection, incremental: bool = False) -> None:
    """Recompute every event's level, root, order and has-a-list flag (incremental: levels
    and roots only in the trees of temp._touched_roots, made by _apply from the roots stored
    before the merge, and of events with none yet)."""
    if not incremental:
        # event_derived.sql names the table even when it works every event out: an empty one.
        con.execute("create or replace temp table _touched_roots (root_event_id varchar)")
    sqlfiles.materialize(con, "event_derived", "event_derived", {"incremental": incremental})
    con.execute(
        """
        update events set
            cascade_level = n.cascade_level,
            root_event_id = n.root_event_id,
            event_order = n.event_order,
            has_attendance = n.has_attendance
        from event_derived as n
        where events.event_id = n.event_id
            and (events.cascade_level is distinct from n.cascade_level
                 or events.root_event_id is distinct from n.root_event_id
                 or events.event_order is distinct from n.event_order
                 or events.has_attendance is distinct from n.has_attendance)
        """
    )


def _save_undo(con: duckdb.DuckDBPyConnection, replace: bool, targets_given: bool) -> None:
    """Keep what the planned load will overwrite, so undo can put it back exactly."""
    # The undo copies of the stored rows are made anew, not emptied row by row: after a
    # replace-all load they hold every row, and deleting them all is slow to commit.
    for table in ("events", "participants"):
        con.execute(f"drop table undo_{table}")
        if replace:
            # The stored rows become the undo copy by renaming their table. Copying every row,
            # then deleting every row (the events' key index most of all) made a replace-all
            # load 0.75 s slower than a fresh one at a million rows, mostly in the commit.
            con.execute(f"alter table {table} rename to undo_{table}")
        else:
            con.execute(f"create table undo_{table} as select * from {table} limit 0")
    for table in ("undo_countries", "undo_targets", "undo_keys"):
        con.execute(f"delete from {table}")
    if replace:
        sqlfiles.run_script(con, "schema_rows")  # events and participants, new and empty
        con.execute("insert into undo_countries select * from countries")
        con.execute("insert into undo_keys values ('all', null)")
        if targets_given:
            # Replacing everything with a targets file replaces every target too.
            con.execute("insert into undo_targets select * from targets")
            con.execute("insert into undo_keys values ('all-targets', null)")
        return
    sqlfiles.run_script(con, "save_undo")


def load_memory_limit() -> str:
    """DuckDB's memory limit while a load runs ($REACH_LOAD_MEMORY, '1GB'): left to itself it
    would take most of the machine's memory, 5 GB for ten million rows; bounded, it spills."""
    return os.environ.get("REACH_LOAD_MEMORY", "1GB")


def _bounded(con: duckdb.DuckDBPyConnection, dry_run: bool = False) -> AbstractContextManager[None]:
    """The load's settings on a store file: its memory limit and, for a dry run, its rows kept
    in memory until the end (DuckDB writes a large insert into the file before its commit, and
    a rollback would leave the file grown and its stamp changed, so every reader would copy
    the store again). An in-memory store (`summary --data`'s, or a test's) holds its tables in
    that memory and is left alone."""
    if not sqlfiles.database_path(con):
        return nullcontext()
    values: dict[str, str | int] = {"memory_limit": load_memory_limit()}
    if dry_run:
        values["enable_optimistic_write"] = False
    return sqlfiles.settings(con, **values)


def load(
    con: duckdb.DuckDBPyConnection,
    events: Source | None,
    participants: Source | None,
    countries_src: Source | None = None,
    targets_src: Source | None = None,
    replace: bool = False,
    require_events: bool = True,
    actor: str | None = None,
    publish: bool = True,
    dry_run: bool = False,
) -> LoadResult:
    """Validate the files, then merge (or replace) them into the store in one transaction.

    actor: who loads (an account name), kept in the load history. publish: rebuild the
    donor extract too (a store always does; a preview or an exact in-memory summary need not).
    dry_run: work the whole load out, then roll it back (a preview): the result reads as the
    load's would, and nothing is written, to the tables or to the file.
    """
    mode = "replace" if replace else "merge"
    with WRITE_LOCK, _bounded(con, dry_run):
        report = stage(
            con, events, participants, countries_src, targets_src, merge=not replace,
            require_events=require_events,
        )  # fmt: skip
        result = LoadResult(report=report, mode=mode)
        if not report.ok:
            return result
        con.execute("begin transaction")
        try:
            fresh = not is_initialised(con)
            init_schema(con)
            normalize.keep_lookups(con)
            before = None if fresh else current_summary(con)
            dedupe = any(i.code == "duplicate_attendance" for i in report.warnings)
            # A merge into a store whose exact extract is current rebuilds only the donor
            # cells it changes, from their exact counts.
            incremental = (
                publish and not replace and not fresh and metrics.exact_extract_is_current(con)
            )
            if incremental:
                extract.keep_events(con)
            counts = _apply(con, replace, dedupe, fresh)
            load_id = bump_version(con)
            for found in report.linking.values():
                people.save(con, found, load_id)
            if report.key_check and not sqlfiles.scalar(
                con, "select value from meta where key = 'link_key_check'"
            ):
                con.execute(
                    "insert into meta values ('link_key_check', $v)", {"v": report.key_check}
                )
            con.execute(
                "insert into loads values ($id, $at, $mode, $files, $ea, $eu, $es, $pa, $pr, "
                "$lr, $cl, $w, $before, null, null, $by)",
                {
                    "id": load_id,
                    "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    "mode": mode,
                    "files": _describe([events, participants, countries_src, targets_src]),
                    "ea": counts["events_added"],
                    "eu": counts["events_updated"],
                    "es": counts["events_unchanged"],
                    "pa": counts["participant_rows_added"],
                    "pr": counts["participant_rows_removed"],
                    "lr": counts["lists_replaced"],
                    "cl": counts["countries_loaded"],
                    "w": len(report.warnings),
                    "before": None if before is None else json.dumps(before),
                    "by": actor,
                },
            )
            # The donor extract changes in the same transaction, so it never lags the store.
            if publish:
                lists = (
                    [r[0] for r in con.execute(
                        "select event_id from plan_attendance where action <> 'same'"
                    ).fetchall()]
                    if incremental
                    else None
                )  # fmt: skip
                extract.rebuild(con, lists)
            # The history's numbers after the load: the extract just made holds them (its
            # exact cell of every event); without an extract they are worked out here.
            after = metrics.summary(con).as_dict()
            con.execute(
                "update loads set summary_after = $after where load_id = $id",
                {"after": json.dumps(after), "id": load_id},
            )
            _keep_summary(con, after)
            con.execute(
                "insert or replace into meta values ('undo_load_id', $v)", {"v": str(load_id)}
            )
            con.execute("rollback" if dry_run else "commit")
        except BaseException:
            con.execute("rollback")
            raise
    result.applied, result.counts, result.load_id = True, counts, load_id
    result.before, result.after = before, after
    return result


def load_dir(
    path: Path | str, directory: Path, replace: bool = False, actor: str | None = None
) -> LoadResult:
    """Load DIR's contract files into the store at `path` (created if missing)."""
    path = Path(path)
    existed = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with connect(path) as con:
        result = load(con, *sources_in(directory), replace=replace, actor=actor)
    if not result.applied and not existed:
        # A refused load into a new store leaves no store behind, as before.
        for leftover in (path, Path(f"{path}.wal")):
            leftover.unlink(missing_ok=True)
    return result


def ensure(path: Path | str, sample: Path = SAMPLE_DIR) -> None:
    """Create the store from the bundled sample data if it does not exist yet."""
    path = Path(path)
    if path.exists():
        with connect(path, read_only=True) as con:
            if is_initialised(con) and extract.is_current(con):
                return
            stale = is_initialised(con)
            had_extract = stale and extract.has_extract(con)
        if stale:
            with connect(path) as con:
                init_schema(con)
                if not had_extract:
                    # A store written before the published extract existed: build it once.
                    extract.sync_scopes(con, [])
                else:
                    # An extract from before age bands or targets: rebuild it once, keeping
                    # the donor scopes it was built for.
                    con.execute("begin transaction")
                    try:
                        extract.rebuild(con)
                        con.execute("commit")
                    except BaseException:
                        con.execute("rollback")
                        raise
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    with connect(path) as con:
        # Another process may have filled it while we waited for the lock.
        if is_initialised(con):
            return
        result = load(con, *sources_in(sample))
        if not result.applied:
            raise RuntimeError("the bundled sample data does not validate:\n" + result.to_text())


def load_memory(
    directory: Path, publish: bool = True
) -> tuple[duckdb.DuckDBPyConnection, LoadResult]:
    """An in-memory store holding just DIR's files (for `summary --data`); publish: with
    the donor extract, which only the donor audience reads."""
    con = sqlfiles.quiet(duckdb.connect())
    result = load(con, *sources_in(directory), publish=publish)
    return con, result


# The tables of a store made by this Reach (one written by an older Reach may lack some).
TABLES = (
    "events", "participants", "countries", "country_reference", "loads", "meta", "mappings",
    "undo_events", "undo_participants", "undo_countries", "undo_keys", "donor_scopes",
    "link_pairs", "link_decisions", "targets", "undo_targets", "person_encodings", "seen_at",
)  # fmt: skip


def published_snapshot(path: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory copy of the published extract alone: what a donor session reads.

    It holds no events, participants or load rows, so no page bug can show a donor a
    person-level row.
    """
    ensure(path)
    with connect(path, read_only=True) as src:
        return published_copy(src)


def published_copy(src: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """An in-memory connection holding src's published extract alone, locked down."""
    mem = sqlfiles.quiet(duckdb.connect())
    extract.copy_into(src, mem)
    # Nothing run on this connection may open a file (ATTACH, read_csv, COPY): it can reach
    # the published tables and nothing else. The setting is locked so it cannot be undone.
    mem.execute("set enable_external_access = false")
    mem.execute("set lock_configuration = true")
    return mem


def preview(
    path: Path | str,
    events: Source | None,
    participants: Source | None,
    countries_src: Source | None = None,
    targets_src: Source | None = None,
    replace: bool = False,
) -> LoadResult:
    """What a load would do: worked out on the store itself in a transaction that is then
    rolled back, so the store is not touched and nothing is copied (a copy of the whole
    store in memory, as before, cost more than the load it previewed)."""
    ensure(path)
    with connect(path) as con:
        # The preview's numbers are the exact ones; the donor extract is not needed for them.
        return load(
            con, events, participants, countries_src, targets_src, replace=replace,
            require_events=False, publish=False, dry_run=True,
        )  # fmt: skip


def load_sources(
    path: Path | str,
    events: Source | None,
    participants: Source | None,
    countries_src: Source | None = None,
    targets_src: Source | None = None,
    replace: bool = False,
    actor: str | None = None,
) -> LoadResult:
    """Load uploaded files (any of the three) into the store at `path` in one transaction."""
    ensure(path)
    with connect(path) as con:
        return load(
            con, events, participants, countries_src, targets_src, replace=replace,
            require_events=False, actor=actor,
        )  # fmt: skip
