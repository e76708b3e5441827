"""Back up and restore the store and the accounts file, consistently, while the app runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from . import __version__, store
from .i18n import _
from .sqlfiles import quote_ident

MANIFEST = "manifest.json"
FORMAT = "reach-backup/1"
# Fixed names inside a backup: restore never takes a path from the manifest, so a tampered
# manifest cannot make it read or write anywhere else.
STORE_NAME = "reach.duckdb"
ACCOUNTS_NAME = "reach-accounts.sqlite"
DEFAULT_KEY_FILE = Path("data") / "reach.key"
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore was refused or failed; the message is a sentence for the user."""


def key_file_path() -> Path:
    """The linkage key file: $REACH_KEY_FILE, else data/reach.key (never backed up here)."""
    return Path(os.environ.get("REACH_KEY_FILE") or DEFAULT_KEY_FILE)


def backup(store_path: Path | str, accounts_path: Path | str | None, out_dir: Path | str) -> dict:
    """Copy the store and the accounts file into an empty out_dir, with a manifest."""
    # DuckDB and SQLite create their files with the process umask before Reach can chmod
    # them: no other user may open a half-written copy of personal data.
    old = os.umask(0o077)
    try:
        return _backup(store_path, accounts_path, out_dir)
    finally:
        os.umask(old)


def _backup(store_path: Path | str, accounts_path: Path | str | None, out_dir: Path | str) -> dict:
    """The backup itself (see backup)."""
    store_path, out_dir = Path(store_path), Path(out_dir)
    accounts = Path(accounts_path) if accounts_path is not None else None
    _refuse_key_file(store_path, accounts)
    if not store_path.is_file():
        raise BackupError(
            _("There is no store at {path}; there is nothing to back up.").format(path=store_path)
        )
    created = _prepare_out_dir(out_dir)

    target = out_dir / STORE_NAME
    try:
        tables = _copy_store(store_path, target)
        files = [_describe_file("store", target)]
        if accounts is not None and accounts.is_file():
            copy = out_dir / ACCOUNTS_NAME
            _copy_sqlite(accounts, copy)
            files.append(_describe_file("accounts", copy))
    except BaseException:
        # A half-made backup still holds personal data: remove what this call wrote (the
        # folder was empty before), so nothing is left lying around to be mistaken for one.
        for name in (STORE_NAME, ACCOUNTS_NAME):
            for suffix in ("", ".wal", "-wal", "-shm", "-journal"):
                (out_dir / f"{name}{suffix}").unlink(missing_ok=True)
        if created:
            with suppress(OSError):
                out_dir.rmdir()
        raise

    manifest = {
        "format": FORMAT,
        "reach_version": __version__,
        "duckdb_version": duckdb.__version__,
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": files,
        "tables": tables,
        "key_file": "not included: keep the linkage key file apart from store backups",
    }
    # The manifest is written last and renamed into place, so a backup cut short (full
    # disk, killed process) has no manifest and restore refuses it as incomplete.
    _write_private(out_dir / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return {"dir": str(out_dir), "files": [f["name"] for f in files], "manifest": manifest}


def restore(in_dir: Path | str, store_path: Path | str, accounts_path: Path | str | None) -> dict:
    """Check a backup's manifest and checksums, then put its files in place atomically."""
    in_dir, store_path = Path(in_dir), Path(store_path)
    accounts = Path(accounts_path) if accounts_path is not None else None
    _refuse_key_file(store_path, accounts)
    manifest = _read_manifest(in_dir)
    entries = {f["role"]: f for f in manifest["files"]}
    # Everything in the backup is checked before anything is touched.
    for entry in entries.values():
        _verify(in_dir / entry["name"], entry)
    if "accounts" in entries and accounts is None:
        raise BackupError(
            _("The backup holds an accounts file but no place to restore it was given.")
        )

    store_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A write-ahead log left without its database would be replayed into the restored file.
    orphans = [(store_path, Path(f"{store_path}.wal"))]
    if "accounts" in entries and accounts is not None:
        orphans.append((accounts, Path(f"{accounts}-wal")))
    for main, wal in orphans:
        if not main.exists() and wal.exists():
            message = _("{wal} is there without {name}; move it away and try again.")
            raise BackupError(message.format(wal=wal, name=main.name))

    staged: list[Path] = []
    try:
        store_tmp = _stage(in_dir / entries["store"]["name"], store_path, entries["store"])
        staged.append(store_tmp)
        accounts_tmp = None
        if "accounts" in entries and accounts is not None:
            accounts.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            entry = entries["accounts"]
            accounts_tmp = _stage(in_dir / entry["name"], accounts, entry)
            staged.append(accounts_tmp)
            _check_sqlite(accounts_tmp)
        _swap_store(store_tmp, store_path, manifest["tables"], accounts_tmp, accounts)
    finally:
        for path in staged:
            for leftover in (path, Path(f"{path}.wal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)

    return {
        "store": str(store_path),
        "accounts": str(accounts) if "accounts" in entries and accounts is not None else None,
        "created_utc": manifest["created_utc"],
        "reach_version": manifest["reach_version"],
        "tables": manifest["tables"],
    }


def _refuse_key_file(store_path: Path, accounts: Path | None) -> None:
    """The key file must never travel with (or be overwritten by) a store backup."""
    key = key_file_path().resolve()
    for path in (store_path, accounts):
        if path is not None and path.resolve() == key:
            message = _("{path} is the linkage key file; it is never backed up or restored.")
            raise BackupError(message.format(path=path))


def _prepare_out_dir(out_dir: Path) -> bool:
    """Create out_dir (private) or accept it only when empty; True when it was created."""
    if out_dir.exists():
        if not out_dir.is_dir():
            message = _("{folder} is a file, not a folder; choose an empty folder.")
            raise BackupError(message.format(folder=out_dir))
        if any(out_dir.iterdir()):
            # Never mix two backups or overwrite an older one.
            message = _("{folder} is not empty; choose a new or empty folder.")
            raise BackupError(message.format(folder=out_dir))
        return False
    try:
        out_dir.mkdir(mode=0o700, parents=True)
    except OSError as exc:
        # Translators: {reason} is the system's own reason, such as "Permission denied".
        message = _("Cannot create {folder}: {reason}.")
        raise BackupError(message.format(folder=out_dir, reason=exc.strerror)) from exc
    return True


@contextmanager
def _store_lock(path: Path, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """store.connect, with a busy store reported as a BackupError sentence."""
    try:
        with store.connect(path, read_only=read_only) as con:
            yield con
    except store.StoreBusy as exc:
        raise BackupError(str(exc)) from exc


def _copy_store(source: Path, target: Path) -> dict[str, int]:
    """Copy every table, view and constraint through DuckDB; return each table's row count."""
    # A read-only open shares the file with the app's brief snapshots but excludes a load,
    # so the copy is one consistent state; COPY FROM DATABASE rebuilds the schema
    # (constraints included) and the rows in a fresh, checkpointed file.
    with _store_lock(source, read_only=True) as con:
        src = quote_ident(con.execute("select current_database()").fetchall()[0][0])
        try:
            con.execute("attach ? as reach_backup_copy (read_write)", [str(target)])
            con.execute(f"copy from database {src} to reach_backup_copy")
            counts = {}
            names = con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = current_database() and not temporary "
                "order by schema_name, table_name"
            ).fetchall()
            for schema, table in names:
                name = f"{quote_ident(schema)}.{quote_ident(table)}"
                rows = con.execute(
                    f"select (select count(*) from {src}.{name}), "
                    f"(select count(*) from reach_backup_copy.{name})"
                ).fetchall()[0]
                if rows[0] != rows[1]:
                    message = _("The copy of table {table} is incomplete; try again.")
                    raise BackupError(message.format(table=table))
                key = table if schema == "main" else f"{schema}.{table}"
                counts[key] = int(rows[0])
            con.execute("detach reach_backup_copy")
        except duckdb.Error as exc:
            message = _("The store could not be copied: {reason}.")
            raise BackupError(message.format(reason=_first_line(exc))) from exc
    os.chmod(target, 0o600)
    return counts


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite file with its online backup API (consistent even mid-write)."""
    try:
        # mode=rw: never create an empty accounts file where there was none.
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        message = _("The accounts file {path} could not be copied: {reason}.")
        raise BackupError(message.format(path=source, reason=exc)) from exc
    os.chmod(target, 0o600)


def _sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks (stores can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _describe_file(role: str, path: Path) -> dict[str, Any]:
    """A manifest entry: role, name, size and SHA-256 of a file in the backup."""
    return {"role": role, "name": path.name, "size": path.stat().st_size, "sha256": _sha256(path)}


def _write_private(path: Path, data: bytes) -> None:
    """Write a 0600 file under a temp name, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_manifest(in_dir: Path) -> dict[str, Any]:
    """The backup's manifest, checked for shape; a sentence when it is missing or damaged."""
    path = in_dir / MANIFEST
    if not in_dir.is_dir():
        raise BackupError(_("{folder} is not a folder.").format(folder=in_dir))
    if not path.is_file():
        # Translators: {manifest} is the file name manifest.json.
        message = _(
            "{folder} has no {manifest}: it is not a Reach backup, or the backup is incomplete."
        )
        raise BackupError(message.format(folder=in_dir, manifest=MANIFEST))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        allowed = {"store": STORE_NAME, "accounts": ACCOUNTS_NAME}
        ok = (
            manifest["format"] == FORMAT
            and isinstance(manifest["tables"], dict)
            and isinstance(manifest["created_utc"], str)
            and isinstance(manifest["reach_version"], str)
            and isinstance(files, list)
            and all(
                allowed.get(f["role"]) == f["name"]
                and isinstance(f["size"], int)
                and isinstance(f["sha256"], str)
                for f in files
            )
            and sorted(f["role"] for f in files) in (["store"], ["accounts", "store"])
        )
    except (ValueError, KeyError, TypeError) as exc:
        message = _("{path} is damaged; this backup cannot be restored.")
        raise BackupError(message.format(path=path)) from exc
    if not ok:
        message = _("{path} is damaged or from another program; it cannot be restored.")
        raise BackupError(message.format(path=path))
    return manifest


def _verify(path: Path, entry: dict[str, Any]) -> None:
    """Refuse a missing, truncated or altered backup file."""
    if not path.is_file():
        raise BackupError(_("The backup is incomplete: {name} is missing.").format(name=path.name))
    if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
        message = _(
            "The backup is damaged: {name} does not match its checksum; nothing was restored."
        )
        raise BackupError(message.format(name=path.name))


def _stage(source: Path, target: Path, entry: dict[str, Any]) -> Path:
    """Copy a backup file to a private temp name beside its target, checking it on the way."""
    # Same folder as the target, so os.replace is an atomic rename on one file system; the
    # checksum is taken of the bytes actually written, not of the backup read earlier.
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.restore-", suffix=".tmp")
    tmp = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        _match_owner(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        # Translators: {reason} is the system's own reason, such as "No space left on device".
        message = _("Cannot write beside {path}: {reason}.")
        raise BackupError(message.format(path=target, reason=exc.strerror)) from exc
    if digest.hexdigest() != entry["sha256"]:
        tmp.unlink(missing_ok=True)
        message = _("The backup file {name} changed while it was being restored.")
        raise BackupError(message.format(name=source.name))
    return tmp


def _match_owner(tmp: Path, target: Path) -> None:
    """When root restores, hand the file to the owner of the file it replaces (the service)."""
    if os.geteuid() == 0 and target.exists():
        st = target.stat()
        os.chown(tmp, st.st_uid, st.st_gid)


def _check_sqlite(path: Path) -> None:
    """Refuse an accounts copy that SQLite itself does not find intact."""
    try:
        con = sqlite3.connect(path)
        try:
            result = con.execute("pragma integrity_check").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        message = _("The accounts file in the backup cannot be read: {reason}.")
        raise BackupError(message.format(reason=exc)) from exc
    if result != [("ok",)]:
        raise BackupError(_("The accounts file in the backup is damaged; nothing was restored."))


def _swap_store(
    store_tmp: Path,
    store_path: Path,
    tables: dict[str, int],
    accounts_tmp: Path | None,
    accounts: Path | None,
) -> None:
    """Under the store's write lock, restore the accounts, then rename the store into place."""
    existed = store_path.exists()
    locked = replaced = False
    new: duckdb.DuckDBPyConnection | None = None
    try:
        # The same read-write open a load takes: it waits for a running load (or reports
        # busy), and while it is held no load can start on the old file. A missing store is
        # created empty here just to hold that lock.
        with _store_lock(store_path, read_only=False) as old:
            locked = True
            # Fold the old write-ahead log into the old file so no <store>.wal is left to be
            # replayed into the restored one.
            old.execute("checkpoint")
            if Path(f"{store_path}.wal").exists():
                message = _("The store {path} is busy; try again in a moment.")
                raise BackupError(message.format(path=store_path))
            # Lock the restored file too before it takes the store's name: the lock lives on
            # the file, not the name, so a load that opens the name after the rename waits
            # for restore to finish instead of writing while the old file is still open.
            try:
                new = duckdb.connect(str(store_tmp))
                _check_tables(new, tables)
            except duckdb.Error as exc:
                message = _("The store in the backup cannot be opened: {reason}.")
                raise BackupError(message.format(reason=_first_line(exc))) from exc
            if accounts_tmp is not None and accounts is not None:
                _put_accounts(accounts_tmp, accounts)
            try:
                os.replace(store_tmp, store_path)
            except OSError as exc:
                if accounts_tmp:
                    message = _(
                        "The store could not be put in place ({reason}); the accounts file was "
                        "restored."
                    )
                else:
                    message = _("The store could not be put in place ({reason}); nothing changed.")
                raise BackupError(message.format(reason=exc.strerror)) from exc
            replaced = True
            _fsync_dir(store_path.parent)
            # Let go of the old file first; the restored one is still held by `new`.
            old.close()
            new.close()
    except duckdb.Error as exc:
        # Not a lock (store.connect turns those into StoreBusy): the store file itself is
        # unreadable. Keep it for inspection rather than overwrite what cannot be locked.
        message = _(
            "The store {path} cannot be opened ({reason}); stop the app, move that file aside, "
            "and restore again."
        )
        raise BackupError(message.format(path=store_path, reason=_first_line(exc))) from exc
    finally:
        if new is not None:
            new.close()
        if locked and not existed and not replaced:
            # Leave no empty store behind from taking the lock.
            for leftover in (store_path, Path(f"{store_path}.wal")):
                leftover.unlink(missing_ok=True)


def _check_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, int]) -> None:
    """The staged store holds exactly the tables and row counts the manifest lists."""
    found = {}
    for schema, table in con.execute(
        "select schema_name, table_name from duckdb_tables() where not temporary"
    ).fetchall():
        name = f"{quote_ident(schema)}.{quote_ident(table)}"
        key = table if schema == "main" else f"{schema}.{table}"
        found[key] = int(con.execute(f"select count(*) from {name}").fetchall()[0][0])
    if found != tables:
        raise BackupError(
            _("The store in the backup does not match its manifest; nothing was restored.")
        )


def _put_accounts(tmp: Path, target: Path) -> None:
    """Restore the accounts file: in place through SQLite when it exists, else by rename."""
    if not target.exists():
        os.replace(tmp, target)
        return
    # The app keeps the accounts file open in WAL mode; renaming another file over it would
    # pair the new file with the old -wal and corrupt it. SQLite's backup API writes the
    # pages into the live file in one transaction instead, under SQLite's own locks.
    try:
        src = sqlite3.connect(tmp)
        try:
            dst = sqlite3.connect(target, timeout=float(os.environ.get("REACH_BUSY_WAIT", "10")))
            try:
                # Take the write lock first with a deadline, so a busy file is reported
                # rather than waited on without end by the backup loop.
                dst.execute("begin immediate")
                dst.rollback()
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            message = _("The accounts file {path} is busy; try again in a moment.")
            raise BackupError(message.format(path=target)) from exc
        message = _("The accounts file {path} could not be restored: {reason}.")
        raise BackupError(message.format(path=target, reason=exc)) from exc
    except sqlite3.Error as exc:
        message = _("The accounts file {path} could not be restored: {reason}.")
        raise BackupError(message.format(path=target, reason=exc)) from exc


def _fsync_dir(path: Path) -> None:
    """Make the rename durable (best effort: not every platform can fsync a folder)."""
    with suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _first_line(exc: BaseException) -> str:
    """An error's first line without its final full stop, to fit inside a sentence."""
    return str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else type(exc).__name__
