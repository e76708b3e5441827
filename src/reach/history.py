"""The load history, and undo of the last load."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from . import extract, i18n, labels, review, sqlfiles, store
from .i18n import _, n_, p_


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
                "files": json.loads(files or "[]"),  # name, size, sha256 of each file
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


def _moment(value: object) -> str | None:
    return None if labels.blank(value) else i18n.datetime(pd.Timestamp(value))


def _count(value: Any) -> str | None:
    return None if labels.blank(value) else i18n.number(value)


def _share(value: Any) -> str | None:
    return None if labels.blank(value) else i18n.percent(value, 1)


def _files(files: list[dict[str, Any]]) -> str:
    """The files of one load: name, size and the start of the SHA-256 hash of each."""
    return "; ".join(
        # Translators: one file of a load: its name, its size and the start of its hash.
        n_(
            "{name} ({size} byte, sha256 {sha256}…)",
            "{name} ({size} bytes, sha256 {sha256}…)",
            int(f["size"]),
        ).format(name=f["name"], size=i18n.number(f["size"]), sha256=str(f["sha256"])[:12])
        for f in files
    )


def _titles() -> dict[str, str]:
    """The history table's column titles in the active language (loads() keeps English keys)."""
    return {
        # Translators: column of the load history: the load's number.
        "load": p_("load history column", "load"),
        "loaded at (UTC)": p_("load history column", "loaded at (UTC)"),
        # Translators: column of the load history: who made the load (an account name).
        "by": p_("load history column", "by"),
        # Translators: column of the load history: how the files were loaded (merge or replace).
        "mode": p_("load history column", "mode"),
        "files": p_("load history column", "files"),
        "events added": p_("load history column", "events added"),
        "events updated": p_("load history column", "events updated"),
        # Translators: column of the load history: participant rows (attendance) added.
        "rows added": p_("load history column", "rows added"),
        "rows replaced": p_("load history column", "rows replaced"),
        # Translators: column of the load history: attendance lists replaced.
        "lists replaced": p_("load history column", "lists replaced"),
        # Translators: column of the load history: how many warnings the check gave.
        "warnings": p_("load history column", "warnings"),
        "people reached before": p_("load history column", "people reached before"),
        "people reached after": p_("load history column", "people reached after"),
        "female share before": p_("load history column", "female share before"),
        "female share after": p_("load history column", "female share after"),
        "undone at (UTC)": p_("load history column", "undone at (UTC)"),
    }


def table(history: pd.DataFrame) -> pd.DataFrame:
    """loads() as a page shows it: titles, modes, times, numbers and shares in the active
    language (times to the minute, UTC)."""
    if history.empty:
        return history.rename(columns=_titles())
    modes = {
        # Translators: a load mode: update the files' events and replace their lists.
        "merge": p_("load mode", "merge"),
        # Translators: a load mode: replace everything stored with the files.
        "replace": p_("load mode", "replace"),
    }
    shown = history.astype(object).copy()
    for column in ("loaded at (UTC)", "undone at (UTC)"):
        shown[column] = [_moment(v) for v in history[column]]
    for column in (
        "events added",
        "events updated",
        "rows added",
        "rows replaced",
        "lists replaced",
        "warnings",
        "people reached before",
        "people reached after",
    ):
        shown[column] = [_count(v) for v in history[column]]
    for column in ("female share before", "female share after"):
        shown[column] = [_share(v) for v in history[column]]
    shown["mode"] = [modes.get(m, m) for m in history["mode"]]
    shown["files"] = [_files(f) for f in history["files"]]
    return shown.rename(columns=_titles())


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
        raise review.ReviewError(_("Unknown review action {action}.").format(action=repr(action)))
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
