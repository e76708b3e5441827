"""Local accounts, sign-in throttling and the audit log, in a small SQLite file beside the store.

SQLite rather than the DuckDB store: sign-ins and audit rows are written by the app and the
command line at the same time, and SQLite's locking is made for many small writers, while
DuckDB lets one process at a time open a file for writing. Passwords are hashed with argon2id
(argon2-cffi) and never stored or logged in plain. The audit log holds who did what and when,
never participant data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import i18n
from .i18n import N_, _, n_

ROLES = ("donor", "director", "analyst", "admin")  # each can do what the one before can
# How a role is named to a person (the codes above are what the command line takes).
ROLE_NAMES = {
    # Translators: an account's role, as in "Signed in as ann (donor)": lowercase.
    "donor": N_("donor"),
    # Translators: an account's role: the director of a program; lowercase.
    "director": N_("director"),
    # Translators: an account's role: a data analyst; lowercase.
    "analyst": N_("analyst"),
    # Translators: an account's role: the administrator of Reach; lowercase.
    "admin": N_("admin"),
}
MIN_PASSWORD = 10
FREE_FAILURES = 5  # sign-in failures before a wait starts
FIRST_WAIT = 15.0  # seconds; doubles with every further failure
MAX_WAIT = 3600.0
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

T = TypeVar("T")

_HASHER = PasswordHasher()
# Each Argon2 hash or check holds 64 MiB while it runs (the hasher's memory cost, which is what
# makes guessing passwords dear): twenty people signing in at the same moment took 1.3 GB of
# the server. At most this many run at once and the rest wait their turn: each takes about a
# tenth of a second of the machine, which more at once would not finish sooner.
_CHECKS = threading.BoundedSemaphore(max(2, min(4, os.cpu_count() or 2)))
# Verified when the name is unknown, so a wrong name costs as long as a wrong password. Written
# out, not hashed at import: hashing took 0.2 s of every server's start (a test keeps it on the
# hasher's own parameters, so verifying it costs what verifying a real hash does).
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$+A5XPq1f/J8Ga8a5WOAK4g"
    "$9k5KmZKtwav3idmWhZzXZ7b4i/Y9oZGajaEWq497zHw"
)


def _argon2(fn: Callable[..., T], *args: str) -> T:
    """Run an Argon2 hash or check when a place among the _CHECKS is free."""
    with _CHECKS:
        return fn(*args)


SCHEMA = """
create table if not exists accounts (
    name text primary key,
    role text not null,
    programs text not null default '[]',
    password_hash text not null,
    language text,
    created_at text not null,
    updated_at text not null
);
create table if not exists settings (
    key text primary key,
    value text not null
);
-- Keyed by a salted hash of the typed name (see _throttle_key), never the name itself.
create table if not exists sign_in_failures (
    name text primary key,
    failures integer not null,
    wait_until real not null
);
create table if not exists audit (
    id integer primary key autoincrement,
    at text not null,
    actor text not null,
    action text not null,
    detail text not null default ''
);
"""


class AccountError(ValueError):
    """A sentence for the person: bad name, role, password, or an unknown account."""


class Throttled(Exception):
    """Too many failed sign-ins for this name: wait `seconds` before trying again.

    The message is a sentence in the language active when it is raised."""

    def __init__(self, seconds: float) -> None:
        wait = int(seconds) + 1
        super().__init__(
            n_(
                "Too many failed sign-ins. Try again in {n} second.",
                "Too many failed sign-ins. Try again in {n} seconds.",
                wait,
            ).format(n=wait)
        )
        self.seconds = seconds


@dataclass(frozen=True)
class Account:
    """A signed-in person: name, role and the programs they may see (empty = all)."""

    name: str
    role: str
    programs: tuple[str, ...] = ()
    language: str | None = None

    def can(self, role: str) -> bool:
        """True when this account's role includes `role`'s rights."""
        return at_least(self.role, role)


def role_name(role: str) -> str:
    """A role as a person reads it, in the active language ('donor' → 'донор')."""
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def at_least(role: str, needed: str) -> bool:
    """True when `role` is `needed` or above it (donor < director < analyst < admin)."""
    return ROLES.index(role) >= ROLES.index(needed)


def default_path(store_path: Path | str | None = None) -> Path:
    """$REACH_ACCOUNTS, else <store dir>/<store stem>-accounts.sqlite beside the store."""
    if os.environ.get("REACH_ACCOUNTS"):
        return Path(os.environ["REACH_ACCOUNTS"])
    store = Path(store_path or os.environ.get("REACH_DB") or Path("data") / "reach.duckdb")
    return store.with_name(f"{store.stem}-accounts.sqlite")


@contextmanager
def connect(path: Path | str, write: bool = True) -> Iterator[sqlite3.Connection]:
    """Open (creating if needed) the accounts file; commit on success, roll back on error.

    write=False takes no write lock, so reads on every page never queue behind sign-ins.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with closing(sqlite3.connect(path, timeout=10, isolation_level=None)) as con:
        if new:
            os.chmod(path, 0o600)  # password hashes: readable by the service user only
        con.execute("pragma journal_mode=wal")
        con.execute("pragma busy_timeout=10000")
        con.executescript(SCHEMA)
        con.execute("begin immediate" if write else "begin")
        try:
            yield con
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise AccountError(
            _(
                "A user name is 1 to 64 letters, digits or . _ @ - and starts with a letter or "
                "digit."
            )
        )
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        # Translators: {roles} is the list of role codes as typed: donor, director, analyst, admin.
        raise AccountError(_("The role must be one of: {roles}.").format(roles=", ".join(ROLES)))
    return role


def _check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(
            n_(
                "A password needs at least {n} character.",
                "A password needs at least {n} characters.",
                MIN_PASSWORD,
            ).format(n=MIN_PASSWORD)
        )
    return password


WHOLE_STORE_ROLES = ("analyst", "admin")  # Data, history, export and accounts span every program


def _check_scope(role: str, programs: tuple[str, ...] | list[str]) -> None:
    if role in WHOLE_STORE_ROLES and any(p.strip() for p in programs):
        raise AccountError(
            _(
                "Analysts and admins work on the whole store (uploads, load history, export, "
                "accounts), so they cannot be limited to programs. Use a director or donor "
                "account."
            )
        )


def _check_language(language: str | None) -> str | None:
    """A language code Reach speaks, or None (no default: the browser's language is used)."""
    if language is None:
        return None
    try:
        return i18n.check(language)
    except i18n.UnknownLanguage:
        # Translators: {language} is what was typed; {languages} the codes: en, ru, kk, ky.
        message = _("Reach does not speak {language}: use one of {languages}, or none.")
        raise AccountError(
            message.format(language=language, languages=", ".join(i18n.LANGUAGES))
        ) from None


def _programs(programs: tuple[str, ...] | list[str]) -> str:
    return json.dumps(sorted({p.strip() for p in programs if p.strip()}), ensure_ascii=False)


def exists_any(path: Path | str) -> bool:
    """True once at least one account exists (then sign-in is required everywhere)."""
    if not Path(path).exists():
        return False
    with connect(path, write=False) as con:
        return con.execute("select count(*) from accounts").fetchone()[0] > 0


def add(
    path: Path | str,
    name: str,
    role: str,
    password: str,
    programs: tuple[str, ...] = (),
    language: str | None = None,
) -> Account:
    """Create an account; refuse a name that is taken. `language`: its default (None: none)."""
    _check_name(name), _check_role(role), _check_password(password)
    _check_scope(role, programs)
    _check_language(language)
    with connect(path) as con:
        if con.execute("select 1 from accounts where name = ?", (name,)).fetchone():
            raise AccountError(_("An account named {name} already exists.").format(name=name))
        now = _now()
        con.execute(
            "insert into accounts "
            "(name, role, programs, password_hash, language, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            (name, role, _programs(programs), _argon2(_HASHER.hash, password), language, now, now),
        )
    return Account(name, role, tuple(json.loads(_programs(programs))), language)


def _require(con: sqlite3.Connection, name: str) -> None:
    if not con.execute("select 1 from accounts where name = ?", (name,)).fetchone():
        raise AccountError(_("There is no account named {name}.").format(name=name))


def remove(path: Path | str, name: str) -> None:
    """Delete an account."""
    with connect(path) as con:
        _require(con, name)
        con.execute("delete from accounts where name = ?", (name,))


def set_password(path: Path | str, name: str, password: str) -> None:
    """Give an account a new password (and clear its failed sign-ins)."""
    _check_password(password)
    with connect(path) as con:
        _require(con, name)
        con.execute(
            "update accounts set password_hash = ?, updated_at = ? where name = ?",
            (_argon2(_HASHER.hash, password), _now(), name),
        )
        con.execute("delete from sign_in_failures where name = ?", (name,))


def set_role(path: Path | str, name: str, role: str) -> None:
    """Change an account's role."""
    _check_role(role)
    with connect(path) as con:
        _require(con, name)
        (current,) = con.execute("select programs from accounts where name = ?", (name,)).fetchone()
        _check_scope(role, json.loads(current))
        con.execute(
            "update accounts set role = ?, updated_at = ? where name = ?", (role, _now(), name)
        )


def set_programs(path: Path | str, name: str, programs: tuple[str, ...]) -> None:
    """Limit an account to these programs (empty: every program)."""
    with connect(path) as con:
        _require(con, name)
        (role,) = con.execute("select role from accounts where name = ?", (name,)).fetchone()
        _check_scope(role, programs)
        con.execute(
            "update accounts set programs = ?, updated_at = ? where name = ?",
            (_programs(programs), _now(), name),
        )


def set_language(path: Path | str, name: str, language: str | None) -> None:
    """Give an account a default language ('ru', 'kk', 'ky', 'en'), or none (None).

    The session starts in it unless a link or the language menu says otherwise."""
    _check_language(language)
    with connect(path) as con:
        _require(con, name)
        con.execute(
            "update accounts set language = ?, updated_at = ? where name = ?",
            (language, _now(), name),
        )


def listing(path: Path | str) -> pd.DataFrame:
    """Every account: name, role, programs, default language (a code, or missing for none),
    created and updated (never a hash)."""
    cols = ["name", "role", "programs", "language", "created_at", "updated_at"]
    if not Path(path).exists():
        return pd.DataFrame(columns=cols)
    with connect(path, write=False) as con:
        rows = con.execute(f"select {', '.join(cols)} from accounts order by name").fetchall()
    df = pd.DataFrame(rows, columns=cols)
    # Translators: the programs of an account limited to none, i.e. it sees every program.
    every = _("(all)")
    df["programs"] = [", ".join(json.loads(p)) or every for p in df["programs"]]
    return df


def get(path: Path | str, name: str) -> Account | None:
    """The account of that name, if it exists."""
    with connect(path, write=False) as con:
        row = con.execute(
            "select name, role, programs, language from accounts where name = ?", (name,)
        ).fetchone()
    if row is None:
        return None
    return Account(row[0], row[1], tuple(json.loads(row[2])), row[3])


def donor_scopes(path: Path | str) -> list[tuple[str, ...]]:
    """The program lists of donor accounts limited to programs (for the published extract)."""
    if not Path(path).exists():
        return []
    with connect(path, write=False) as con:
        rows = con.execute("select programs from accounts where role = 'donor'").fetchall()
    return [tuple(json.loads(r[0])) for r in rows if json.loads(r[0])]


def _throttle_key(con: sqlite3.Connection, name: str) -> str:
    """The sign-in throttle's key for a typed name: a salted hash, so a password typed into
    the name field is never kept in plain."""
    row = con.execute("select value from settings where key = 'throttle_salt'").fetchone()
    if row is None:
        salt = secrets.token_hex(16)
        con.execute("insert or ignore into settings values ('throttle_salt', ?)", (salt,))
        row = con.execute("select value from settings where key = 'throttle_salt'").fetchone()
    return hashlib.sha256((row[0] + name).encode("utf-8")).hexdigest()


def authenticate(
    path: Path | str, name: str, password: str, now: float | None = None
) -> Account | None:
    """The account when name and password match; None otherwise (never saying which failed).

    Raises Throttled while a name is waiting after too many failures. The slow password check
    runs outside any write lock, so sign-ins never hold up pages.
    """
    now = time.time() if now is None else now
    with connect(path) as con:
        key = _throttle_key(con, name)
        row = con.execute(
            "select failures, wait_until from sign_in_failures where name = ?", (key,)
        ).fetchone()
        found = con.execute(
            "select role, programs, language, password_hash from accounts where name = ?",
            (name,),
        ).fetchone()
    if row and row[1] > now:
        raise Throttled(row[1] - now)
    try:
        ok = _argon2(_HASHER.verify, found[3] if found else _DUMMY_HASH, password) and bool(found)
    except (VerificationError, InvalidHashError):
        ok = False
    with connect(path) as con:
        if ok and found:
            con.execute("delete from sign_in_failures where name = ?", (key,))
            if _HASHER.check_needs_rehash(found[3]):
                con.execute(
                    "update accounts set password_hash = ? where name = ?",
                    (_argon2(_HASHER.hash, password), name),
                )
            return Account(name, found[0], tuple(json.loads(found[1])), found[2])
        # Count the failure in one statement, so concurrent failures are all counted.
        con.execute(
            "insert into sign_in_failures values (?, 1, ?) on conflict (name) do update set "
            "failures = failures + 1, "
            "wait_until = ? + case when failures + 1 >= ? then "
            "min(? * power(2, failures + 1 - ?), ?) else 0 end",
            (key, now, now, FREE_FAILURES, FIRST_WAIT, FREE_FAILURES, MAX_WAIT),
        )
        # Forget names whose last failure is a day old: the table cannot grow without end.
        con.execute("delete from sign_in_failures where wait_until < ?", (now - 86400,))
    return None


def audit(path: Path | str, actor: str, action: str, detail: str = "") -> None:
    """Record who did what (sign-ins, loads, undos, exports, reports, account changes)."""
    with connect(path) as con:
        con.execute(
            "insert into audit (at, actor, action, detail) values (?, ?, ?, ?)",
            (_now(), actor, action, detail),
        )


def audit_log(path: Path | str, limit: int = 1000) -> pd.DataFrame:
    """The latest audit entries, newest first."""
    cols = ["at", "actor", "action", "detail"]
    if not Path(path).exists():
        return pd.DataFrame(columns=cols)
    with connect(path, write=False) as con:
        rows = con.execute(
            "select at, actor, action, detail from audit order by id desc limit ?", (limit,)
        ).fetchall()
    return pd.DataFrame(rows, columns=cols)
