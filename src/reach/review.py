"""Possible duplicates: pairs of people who may be one, and an analyst's merge or keep-apart.

Linking (reach.people) sends pairs it is unsure of here instead of merging them. A decision is
kept in link_decisions and applied again on every later load: a merged person's encodings now
belong to the person kept, and rows that still carry the merged ID are rewritten at the door.
Every decision can be undone. These functions run inside the caller's transaction
(reach.history.decide opens it and refreshes the numbers).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from . import sqlfiles
from .i18n import _, p_


class ReviewError(ValueError):
    """A decision that cannot be taken: a sentence for the analyst."""


def merged_into(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each merged participant_id and the ID it now counts as (chains resolved)."""
    if not sqlfiles.has_table(con, "link_decisions"):
        return {}
    rows = con.execute(
        "select b, a from link_decisions where decision = 'merge' and undone_at is null "
        "order by decision_id"
    ).fetchall()
    into = dict(rows)
    resolved = {}
    for gone in into:
        target, seen = into[gone], {gone}
        while target in into and target not in seen:  # a merged into b, b later into c
            seen.add(target)
            target = into[target]
        resolved[gone] = target
    return resolved


def kept_apart(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """The pairs an analyst decided are different people, each as (smaller, larger) ID."""
    if not sqlfiles.has_table(con, "link_decisions"):
        return set()
    rows = con.execute(
        "select least(a, b), greatest(a, b) from link_decisions "
        "where decision = 'apart' and undone_at is null"
    ).fetchall()
    return {(a, b) for a, b in rows}


def apply_merges(con: duckdb.DuckDBPyConnection, table: str = "stg_participants") -> int:
    """Rewrite merged IDs in a staged table to the IDs they count as; return rows changed."""
    into = merged_into(con)
    if not into:
        return 0
    con.register("merges", pd.DataFrame({"gone": list(into), "kept": list(into.values())}))
    target = sqlfiles.quote_ident(table)
    changed = sqlfiles.scalar(
        con, f"select count(*) from {target} where participant_id in (select gone from merges)"
    )
    if changed:
        con.execute(
            f"update {target} set participant_id = m.kept from merges as m "
            "where participant_id = m.gone"
        )
    con.unregister("merges")
    return int(changed or 0)


def pending(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Open pairs, best first, with their evidence: score, what agrees, events in common."""
    columns = ["pair_id", "a", "b", "score", "evidence", "events_in_common", "events_a",
               "events_b", "organisations_a", "organisations_b"]  # fmt: skip
    if not sqlfiles.has_table(con, "link_pairs"):
        return pd.DataFrame(columns=columns)
    into = merged_into(con)
    present = {
        r[0]
        for r in con.execute(
            "select distinct participant_id from participants where participant_id in "
            "(select unnest([a, b]) from link_pairs where status = 'open')"
        ).fetchall()
    }

    def attends(pid: str) -> bool:  # a person whose every list was replaced is no one to merge
        return pid in present

    apart = kept_apart(con)
    rows, seen = [], set()
    for pair_id, a, b, score, evidence in con.execute(
        "select pair_id, a, b, score, evidence from link_pairs where status = 'open' "
        "order by score desc, pair_id"
    ).fetchall():
        a, b = into.get(a, a), into.get(b, b)
        pair = (min(a, b), max(a, b))
        if a == b or pair in seen or pair in apart or not (attends(a) and attends(b)):
            continue  # merged since, or shown already under the IDs they count as now
        seen.add(pair)
        rows.append((pair_id, *pair, score, evidence))
    review_open = pd.DataFrame(rows, columns=["pair_id", "a", "b", "score", "evidence"])
    con.register("review_open", review_open.astype({"pair_id": "int64", "score": "float64"}))
    try:
        return sqlfiles.frame(con, "review_pairs")[columns]
    finally:
        con.unregister("review_open")


def decisions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every decision, newest first, with whether it still holds."""
    columns = ["decision_id", "decision", "a", "b", "decided_at", "decided_by", "undone_at"]
    if not sqlfiles.has_table(con, "link_decisions"):
        return pd.DataFrame(columns=columns)
    return con.execute(
        f"select {', '.join(columns)} from link_decisions order by decision_id desc"
    ).df()


def _pair(con: duckdb.DuckDBPyConnection, pair_id: int) -> tuple[str, str]:
    row = con.execute(
        "select a, b, status from link_pairs where pair_id = $id", {"id": pair_id}
    ).fetchall()
    if not row:
        raise ReviewError(_("There is no review pair {pair}.").format(pair=pair_id))
    a, b, status = row[0]
    if status != "open":
        words = {
            # Translators: a review pair's status: its two people were merged into one.
            "merged": p_("review pair status", "merged"),
            # Translators: a review pair's status: its two people were kept as two people.
            "apart": p_("review pair status", "apart"),
        }
        raise ReviewError(
            # Translators: {status} is "merged" or "apart" (kept as two people).
            _("Pair {pair} was already decided ({status}); undo that first.").format(
                pair=pair_id, status=words.get(status, status)
            )
        )
    into = merged_into(con)
    a, b = into.get(a, a), into.get(b, b)
    if a == b:
        raise ReviewError(
            _("The two people of pair {pair} were already merged.").format(pair=pair_id)
        )
    return a, b


def _record(
    con: duckdb.DuckDBPyConnection, pair_id: int, a: str, b: str, decision: str, actor: str | None
) -> int:
    decision_id = int(
        sqlfiles.scalar(con, "select coalesce(max(decision_id), 0) + 1 from link_decisions")
    )
    con.execute(
        "insert into link_decisions values ($id, $pair, $a, $b, $d, $at, $by, null, null)",
        {"id": decision_id, "pair": pair_id, "a": a, "b": b, "d": decision, "at": _now(),
         "by": actor},
    )  # fmt: skip
    status = "merged" if decision == "merge" else "apart"
    con.execute(
        "update link_pairs set status = $s where pair_id = $id", {"s": status, "id": pair_id}
    )
    return decision_id


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def merge(con: duckdb.DuckDBPyConnection, pair_id: int, actor: str | None = None) -> int:
    """Count the pair as one person (the one with more attendance keeps its ID)."""
    a, b = _pair(con, pair_id)
    rows = dict(
        con.execute(
            "select participant_id, count(*) from participants "
            "where participant_id in ($a, $b) group by all",
            {"a": a, "b": b},
        ).fetchall()
    )
    keep, gone = (b, a) if rows.get(b, 0) > rows.get(a, 0) else (a, b)
    decision_id = _record(con, pair_id, keep, gone, "merge", actor)
    params = {"d": decision_id, "keep": keep, "gone": gone}
    con.execute(
        """
        insert into merged_rows
        select $d, not exists (
            select 1 from participants as k
            where k.participant_id = $keep and k.event_id = p.event_id and k.role = p.role
        ), p.*
        from participants as p where p.participant_id = $gone
        """,
        params,
    )
    con.execute("delete from participants where participant_id = $gone", {"gone": gone})
    con.execute(
        "insert into participants select $keep, event_id, gender, role, birth_year, "
        "country_code, organization from merged_rows where decision_id = $d and inserted",
        {"keep": keep, "d": decision_id},
    )
    con.execute(
        """
        insert into merged_encodings
        select $d, not exists (
            select 1 from person_encodings as k
            where k.participant_id = $keep and k.digest = e.digest
        ), e.*
        from person_encodings as e where e.participant_id = $gone
        """,
        params,
    )
    con.execute("delete from person_encodings where participant_id = $gone", {"gone": gone})
    con.execute(
        "insert into person_encodings select $keep, digest, bloom, phone, email, uic, "
        "birth_year, gender, blocks, load_id from merged_encodings "
        "where decision_id = $d and inserted",
        {"keep": keep, "d": decision_id},
    )
    con.execute(
        "insert into merged_seen select $d, event_id, digest from seen_at "
        "where participant_id = $gone",
        {"d": decision_id, "gone": gone},
    )
    con.execute(
        "update seen_at set participant_id = $keep where participant_id = $gone",
        {"keep": keep, "gone": gone},
    )
    return decision_id


def keep_apart(con: duckdb.DuckDBPyConnection, pair_id: int, actor: str | None = None) -> int:
    """Keep the pair as two people; the pair is not proposed again."""
    a, b = _pair(con, pair_id)
    return _record(con, pair_id, a, b, "apart", actor)


def undo(con: duckdb.DuckDBPyConnection, decision_id: int, actor: str | None = None) -> str:
    """Take a decision back; a merge gives the merged person their rows and encodings again."""
    row = con.execute(
        "select pair_id, a, b, decision, undone_at from link_decisions where decision_id = $id",
        {"id": decision_id},
    ).fetchall()
    if not row:
        raise ReviewError(_("There is no decision {decision}.").format(decision=decision_id))
    pair_id, keep, gone, decision, undone = row[0]
    if undone is not None:
        raise ReviewError(_("Decision {decision} was already undone.").format(decision=decision_id))
    later = sqlfiles.scalar(
        con,
        "select count(*) from link_decisions where decision = 'merge' and undone_at is null "
        "and decision_id > $id and (a = $gone or b = $gone or a = $keep or b = $keep)",
        {"id": decision_id, "gone": gone, "keep": keep},
    )
    if decision == "merge" and later:
        raise ReviewError(
            _("A later merge involves these people; undo it before decision {decision}.").format(
                decision=decision_id
            )
        )
    if decision == "merge":
        params = {"d": decision_id, "keep": keep, "gone": gone}
        # Only rows whose event still lists the kept person come back: a list replaced since
        # the merge says who attended now.
        con.execute(
            """
            create or replace temp table back as
            select m.* from merged_rows as m
            where m.decision_id = $d and exists (
                select 1 from participants as k
                where k.participant_id = $keep and k.event_id = m.event_id and k.role = m.role
            )
            """,
            {"d": decision_id, "keep": keep},
        )
        con.execute(
            "delete from participants as p using back as m where m.inserted "
            "and p.participant_id = $keep and p.event_id = m.event_id and p.role = m.role",
            {"keep": keep},
        )
        con.execute(
            "insert into participants select participant_id, event_id, gender, role, "
            "birth_year, country_code, organization from back"
        )
        con.execute(
            "delete from person_encodings where participant_id = $keep and digest in "
            "(select digest from merged_encodings where decision_id = $d and inserted)",
            {"keep": keep, "d": decision_id},
        )
        con.execute(
            "insert into person_encodings select participant_id, digest, bloom, phone, email, "
            "uic, birth_year, gender, blocks, load_id from merged_encodings "
            "where decision_id = $d",
            {"d": decision_id},
        )
        # The events where the merged person was seen (a list loaded since links there too).
        con.execute(
            "update seen_at as s set participant_id = $gone from merged_seen as m "
            "where m.decision_id = $d and s.participant_id = $keep "
            "and s.event_id = m.event_id and s.digest = m.digest",
            params,
        )
        for table in ("merged_rows", "merged_encodings", "merged_seen"):
            con.execute(f"delete from {table} where decision_id = $d", {"d": decision_id})
    con.execute(
        "update link_decisions set undone_at = $at, undone_by = $by where decision_id = $id",
        {"at": _now(), "by": actor, "id": decision_id},
    )
    con.execute("update link_pairs set status = 'open' where pair_id = $id", {"id": pair_id})
    return decision
