"""The load history, and undo of the last load."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd

from . import extract, review, sqlfiles, store


def undoable(con: duckdb.DuckDBPyConnection) -> int | None:
    """The id of the load that undo would revert (the latest one, if not undone yet)."""
    if not sqlfiles.has_table(con, "undo_keys"):
        return None
    kept = sqlfiles.scalar(con, "select value from meta where key = 'undo_load_id'")
    latest = sqlfiles.scalar(con, "select max(load_id) from loads where undone_at is null")
    if kept is None or latest is None or int(kept) != int(latest):
        return None
    return int(latest)


def undo_last(path: Path | str, expected: int | None = None) -> int | None:
    """Restore the store exactly as it was before its last load; return that load's id.

    expected: the load the person confirmed; when another load has come since, nothing is
    undone and None is returned.
    """
    with store.connect(path) as con, store.WRITE_LOCK:
        load_id = undoable(con)
        if load_id is None or (expected is not None and load_id != expected):
            return None
        con.execute("begin transaction")
        try:
            sqlfiles.run_script(con, "undo")
            # Encodings and open review pairs the load brought go with it.
            con.execute("delete from person_encodings where load_id = $id", {"id": load_id})
            con.execute("delete from seen_at where load_id = $id", {"id": load_id})
            con.execute(
                "delete from link_pairs where found_in = $id and status = 'open'", {"id": load_id}
            )
            store.refresh_derived(con)
            con.execute(
                "update loads set undone_at = $at where load_id = $id",
                {"at": dt.datetime.now(dt.UTC).replace(tzinfo=None), "id": load_id},
            )
            con.execute("delete from meta where key = 'undo_load_id'")
            store.bump_version(con)  # so every cached number is recomputed
            extract.rebuild(con)  # the donor extract follows in the same transaction
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return load_id


def loads(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every load, newest first: when, files (name, size, SHA-256), mode, counts, numbers."""
    rows = con.execute(
        """
        select load_id, loaded_at, mode, files, events_added, events_updated,
            participant_rows_added, participant_rows_removed, attendance_lists_replaced,
            warnings, summary_before, summary_after, undone_at, loaded_by
        from loads order by load_id desc
        """
    ).fetchall()
    out = []
    for load_id, at, mode, files, ea, eu, pa, pr, lr, warnings, before, after, undone, by in rows:
        b = json.loads(before) if before else {}
        a = json.loads(after) if after else {}
        out.append(
            {
                "load": load_id,
                "loaded at (UTC)": at,
                "by": by or "—",
                "mode": mode,
                "files": "; ".join(
                    f"{f['name']} ({f['size']:,} bytes, sha256 {f['sha256'][:12]}…)"
                    for f in json.loads(files or "[]")
                ),
                "events added": ea,
                "events updated": eu,
                "rows added": pa,
                "rows replaced": pr,
                "lists replaced": lr,
                "warnings": warnings,
                "people reached before": b.get("people_reached"),
                "people reached after": a.get("people_reached"),
                "female share before": b.get("female_share"),
                "female share after": a.get("female_share"),
                "undone at (UTC)": undone,
            }
        )
    return pd.DataFrame(out)


def decide(path: Path | str, action: str, target: int, actor: str | None = None) -> str:
    """Merge or keep apart a review pair, or undo a decision, and refresh every number.

    action: 'merge' or 'apart' (target: a pair_id) or 'undo' (target: a decision_id); returns
    the action, or for an undo the kind of decision taken back. The
    decision, the rewritten rows, a new store version and the donor extract are one
    transaction. A merge changes rows the last load's undo would put back, so after it that
    load can no longer be undone (its rows are in the history, and the merge can be).
    """
    steps = {"merge": review.merge, "apart": review.keep_apart, "undo": review.undo}
    if action not in steps:
        raise review.ReviewError(f"Unknown review action {action!r}.")
    with store.connect(path) as con, store.WRITE_LOCK:
        store.init_schema(con)
        con.execute("begin transaction")
        try:
            done = steps[action](con, target, actor)
            if action == "merge" or done == "merge":
                con.execute("delete from meta where key = 'undo_load_id'")
            store.bump_version(con)
            extract.rebuild(con)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return str(done) if action == "undo" else action
