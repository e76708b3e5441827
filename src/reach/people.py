"""Linking at the door: named rows get pseudonymous participant_ids, against the store's people.

A participants file may name people (ФИО, phone, e-mail, UIC) instead of giving IDs. Each row
is encoded with the linkage key as it is read (reach.link), linked to the people the store
already knows by their kept encodings, or given a new random ID. Only the keyed encodings are
kept (table person_encodings); uncertain pairs go to review (reach.review).
"""

from __future__ import annotations

import csv
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import encode, idcolumns, link, read, review, sqlfiles
from .contract import GENDER_SPELLINGS

KEY_CHECK = "reach linkage key check"  # encoded into meta, to notice a replaced key

Seen = dict[tuple[str, str], set[str]]


@dataclass
class Assignment:
    """What linking one file did: an ID per row, counts, encodings to keep, pairs to review."""

    ids: list[str | None]  # by data row (0 = the first row under the header)
    rows: int = 0  # rows with a name, phone, e-mail or UIC to link on
    matched: int = 0  # of those, rows linked to a person the store already had
    new_people: int = 0  # people seen for the first time
    review: list[tuple[str, str, float, str]] = field(default_factory=list)
    encodings: list[dict[str, object]] = field(default_factory=list, repr=False)
    seen: list[tuple[str, str, str]] = field(default_factory=list, repr=False)  # event, digest, id

    @property
    def new_rows(self) -> int:
        """Rows linked to new people."""
        return self.rows - self.matched


def new_ids(count: int, taken: Iterable[str] = ()) -> list[str]:
    """Fresh pseudonymous IDs (random, so they say nothing about the person or the order)."""
    used, out = set(taken), []
    while len(out) < count:
        candidate = "R" + secrets.token_hex(5).upper()
        if candidate not in used:
            used.add(candidate)
            out.append(candidate)
    return out


def key_check(key: bytes) -> str:
    """A fingerprint of the key, kept in the store to notice when the key file was replaced."""
    return encode.hmac_id(key, "check", KEY_CHECK)


def _gender(raw: object) -> str | None:
    return GENDER_SPELLINGS.get(str(raw or "").strip().lower())


def row_fields(
    rows: Iterable[list[str]], names: list[str], roles: Mapping[int, str]
) -> list[dict[str, object]]:
    """The identifying cells of each record (and its ID, event, gender and birth year).

    names: the header as the reader names it (after a column mapping or the synonyms);
    roles: positions of the identifying columns. One dict per record, blank ones included.
    """
    wanted = dict(roles)
    for i, name in enumerate(names):
        if name in ("participant_id", "event_id", "gender", "birth_year") and i not in wanted:
            wanted[i] = name
    out: list[dict[str, object]] = []
    for record in rows:
        fields: dict[str, object] = {}
        for i, what in wanted.items():
            value = record[i].strip() if i < len(record) else ""
            if not value:
                continue
            if what == "full_name" and "full_name" in fields:
                fields[what] = f"{fields[what]} {value}"  # two name columns: one name
            else:
                fields[what] = value
        out.append(fields)
    return out


def read_rows(
    path: Path, delimiter: str, names: list[str], roles: Mapping[int, str]
) -> list[dict[str, object]]:
    """row_fields() of a prepared CSV on disk: row n is rowid n of the table DuckDB reads."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader, None)
        return row_fields(reader, names, roles)


def names_for(data: bytes, name: str, ids: list[str | None]) -> dict[str, list[str]]:
    """The names each ID was written with in an uploaded file, from its bytes in memory.

    For the analyst who has the list open (the Data page's review); never stored or cached.
    """
    rows = read.records(data, name)
    roles = idcolumns.roles(rows[0] if rows else [])
    found: dict[str, list[str]] = {}
    for pid, fields in zip(ids, row_fields(rows[1:], [], roles), strict=False):
        written = " ".join(link.row_name(fields).split())
        if pid and written and written not in found.setdefault(str(pid), []):
            found[str(pid)].append(written)
    return found


def _has_identifier(fields: Mapping[str, object]) -> bool:
    return any(fields.get(k) for k in ("full_name", "last_name", "first_name", "phone",
                                       "email", "uic"))  # fmt: skip


def _digest(row: link.Encoded) -> str:
    parts = (row.bloom.hex(), row.phone, row.email, row.uic, row.birth_year, row.gender)
    return hashlib.sha256("|".join(str(p or "") for p in parts).encode()).hexdigest()


def stored(con: duckdb.DuckDBPyConnection) -> list[link.Encoded]:
    """The encodings the store keeps, one per distinct way each person was written."""
    if not sqlfiles.has_table(con, "person_encodings"):
        return []
    rows = con.execute(
        "select participant_id, bloom, phone, email, uic, birth_year, gender, blocks "
        "from person_encodings"
    ).fetchall()
    return [
        link.Encoded(
            ref=("stored", n),
            bloom=bytes(bloom),
            phone=phone,
            email=email,
            uic=uic,
            birth_year=year,
            gender=gender,
            blocks=tuple(blocks or ()),
            person=pid,
            stored=True,
        )  # fmt: skip
        for n, (pid, bloom, phone, email, uic, year, gender, blocks) in enumerate(rows)
    ]


def known_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every participant_id the store holds or has encodings for (new IDs must differ)."""
    ids: set[str] = set()
    for table in ("participants", "person_encodings"):
        if sqlfiles.has_table(con, table):
            ids.update(
                r[0] for r in con.execute(f"select distinct participant_id from {table}").fetchall()
            )
    return ids


def seen_at(con: duckdb.DuckDBPyConnection, rows: list[dict[str, object]]) -> Seen:
    """Who each way of writing someone was at the events of these rows, in earlier loads."""
    events = sorted({str(r["event_id"]) for r in rows if r.get("event_id")})
    if not events or not sqlfiles.has_table(con, "seen_at"):
        return {}
    found: Seen = {}
    for event, digest, pid in con.execute(
        "select event_id, digest, participant_id from seen_at where event_id in "
        "(select unnest($events))",
        {"events": events},
    ).fetchall():
        found.setdefault((event, digest), set()).add(pid)
    return found


def assign(
    key: bytes,
    rows: list[dict[str, object]],
    kept: list[link.Encoded] | None = None,
    taken: set[str] | None = None,
    seen: Seen | None = None,
) -> Assignment:
    """Link a file's rows to the kept people or to new ones; a row's own ID is kept.

    seen: (event, encoding) → people from earlier loads; a row written exactly as before at
    the same event is that person again, so loading a list twice changes nothing.
    """
    kept = kept or []
    taken = set(taken or ()) | {e.person for e in kept if e.person}
    seen = seen or {}
    fresh: list[link.Encoded] = []
    events: dict[object, str] = {}
    for n, fields in enumerate(rows):
        if not _has_identifier(fields):
            continue
        own = str(fields.get("participant_id") or "").strip() or None
        fields = {**fields, "gender": _gender(fields.get("gender"))}
        row = link.encode_row(key, ("row", n), fields)
        event = str(fields.get("event_id") or "")
        before = seen.get((event, _digest(row)), set())
        if not own and len(before) == 1:
            own = next(iter(before))
        events[row.ref] = event
        fresh.append(_with_person(row, own) if own else row)
    result = link.link([*kept, *fresh])
    by_ref = {e.ref: e for e in [*kept, *fresh]}
    ids: list[str | None] = [None] * len(rows)
    pid_of: dict[object, str] = {e.ref: e.person for e in kept if e.person}
    unnamed = [c for c in result.clusters if not any(by_ref[r].person for r in c)]
    minted = iter(new_ids(len(unnamed), taken))
    for cluster in result.clusters:
        people = {by_ref[r].person for r in cluster if by_ref[r].person}
        pid = next(iter(people)) if people else next(minted)
        for ref in cluster:
            pid_of[ref] = by_ref[ref].person or pid
    out = Assignment(ids=ids)
    fresh_people: set[str] = set()
    have = {(e.person, _digest(e)) for e in kept}
    for row in fresh:
        pid = pid_of[row.ref]
        ids[row.ref[1]] = pid
        out.rows += 1
        if pid in taken:
            out.matched += 1
        else:
            fresh_people.add(pid)
        digest = _digest(row)
        if events[row.ref]:
            out.seen.append((events[row.ref], digest, pid))
        if (pid, digest) not in have:
            have.add((pid, digest))
            out.encodings.append(
                {"participant_id": pid, "digest": digest, "bloom": row.bloom,
                 "phone": row.phone, "email": row.email, "uic": row.uic,
                 "birth_year": row.birth_year, "gender": row.gender, "blocks": list(row.blocks)}
            )  # fmt: skip
    out.new_people = len(fresh_people)
    pairs: dict[tuple[str, str], tuple[float, str]] = {}
    for a, b, decision in result.review:
        pa, pb = pid_of.get(a), pid_of.get(b)
        if not pa or not pb or pa == pb:
            continue
        pair = (min(pa, pb), max(pa, pb))
        if pair not in pairs or decision.score > pairs[pair][0]:
            pairs[pair] = (decision.score, "; ".join(decision.evidence))
    out.review = [(a, b, score, why) for (a, b), (score, why) in sorted(pairs.items())]
    return out


def _with_person(row: link.Encoded, person: str) -> link.Encoded:
    return link.Encoded(
        ref=row.ref, bloom=row.bloom, phone=row.phone, email=row.email, uic=row.uic,
        birth_year=row.birth_year, gender=row.gender, blocks=row.blocks, person=person,
    )  # fmt: skip


def write_ids(con: duckdb.DuckDBPyConnection, table: str, found: Assignment) -> None:
    """Fill the raw table's blank participant_id cells with the linked IDs, row by row."""
    target = sqlfiles.quote_ident(table)
    con.execute(f"alter table {target} add column if not exists participant_id varchar")
    pairs = [(n, pid) for n, pid in enumerate(found.ids) if pid]
    links = pd.DataFrame(pairs, columns=["k", "pid"]).astype({"k": "int64"})  # noqa: F841
    con.execute(
        f"update {target} set participant_id = links.pid from links "
        f"where {target}.rowid = links.k and nullif(trim({target}.participant_id), '') is null"
    )


def unknown_pairs(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str, float, str]]
) -> list[tuple[str, str, float, str]]:
    """The review pairs not yet listed or decided (merged IDs resolved)."""
    if not sqlfiles.has_table(con, "link_pairs"):
        return pairs
    merged = review.merged_into(con)
    known = {tuple(r) for r in con.execute("select a, b from link_pairs").fetchall()}
    known |= review.kept_apart(con)
    fresh = []
    for a, b, score, why in pairs:
        a, b = merged.get(a, a), merged.get(b, b)
        pair = (min(a, b), max(a, b))
        if a != b and pair not in known:
            known.add(pair)
            fresh.append((*pair, round(score, 4), why))
    return fresh


def save(con: duckdb.DuckDBPyConnection, found: Assignment, load_id: int) -> None:
    """Keep a file's new encodings and review pairs (inside the caller's transaction)."""
    if found.encodings:
        encodings = pd.DataFrame(found.encodings).assign(load_id=load_id)  # noqa: F841
        con.execute(
            "insert into person_encodings select participant_id, digest, bloom, phone, email, "
            "uic, birth_year::integer, gender, blocks, load_id::integer from encodings"
        )
    if found.seen:
        con.register(
            "_seen", pd.DataFrame(found.seen, columns=["event_id", "digest", "participant_id"])
        )
        con.execute(
            "delete from seen_at as s using _seen as n "
            "where s.event_id = n.event_id and s.digest = n.digest"
        )
        con.execute(
            "insert into seen_at select distinct event_id, digest, participant_id, $load "
            "from _seen",
            {"load": load_id},
        )
        con.unregister("_seen")
    fresh = unknown_pairs(con, found.review)
    if fresh:
        start = sqlfiles.scalar(con, "select coalesce(max(pair_id), 0) from link_pairs") or 0
        pairs = pd.DataFrame(  # noqa: F841
            [(start + n, a, b, s, why) for n, (a, b, s, why) in enumerate(fresh, start=1)],
            columns=["pair_id", "a", "b", "score", "evidence"],
        )
        con.execute(
            "insert into link_pairs select pair_id::integer, a, b, score, evidence, "
            "$load, 'open' from pairs",
            {"load": load_id},
        )
