"""The linkage key: 32 secret bytes, kept apart from the store, that key every encoding."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from .i18n import _, n_

KEY_BYTES = 32
DEFAULT_KEY_FILE = Path("data") / "reach.key"


class KeyFileError(Exception):
    """The key file cannot be used; the message says why and what to do, never the key."""


def key_path() -> Path:
    """Where the key lives: $REACH_KEY_FILE, else data/reach.key."""
    return Path(os.environ.get("REACH_KEY_FILE") or DEFAULT_KEY_FILE)


def load_or_create(path: str | os.PathLike[str] | None = None) -> bytes:
    """Return the linkage key, creating it (mode 0600) on first use."""
    target = Path(path) if path is not None else key_path()
    if not os.path.lexists(target):
        created = _create(target)
        if created is not None:
            return created
    return _read(target)


def _create(target: Path) -> bytes | None:
    """Write a new key beside target and link it into place; None if another process won."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    # The key is written to a private temporary file and then hard-linked to its name, so no
    # reader ever sees a half-written key, and os.link, like O_EXCL, never replaces a key that
    # another process created meanwhile.
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # the umask can only remove bits, but say it outright
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp, target)
    except FileExistsError:
        return None
    except OSError as err:
        raise KeyFileError(
            # Translators: {reason} is the operating system's own words (often English).
            _(
                "Reach could not create the key file {path}: {reason}. "
                "Check that its folder exists and can be written to."
            ).format(path=target, reason=err.strerror)
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _read(target: Path) -> bytes:
    """Read an existing key after checking that it is private and whole."""
    try:
        info = os.stat(target)
    except OSError as err:
        raise KeyFileError(
            # Translators: {reason} is the operating system's own words (often English).
            _("Reach could not open the key file {path}: {reason}.").format(
                path=target, reason=err.strerror
            )
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(_("The key file {path} is not a regular file.").format(path=target))
    # Windows has no group/other permission bits; there the folder's access rules protect it.
    if os.name != "nt" and info.st_mode & 0o077:
        raise KeyFileError(
            _(
                "The key file {path} can be read or changed by other users of this computer. "
                "Make it private with `chmod 600 {path}` and try again."
            ).format(path=target)
        )
    try:
        key = target.read_bytes()
    except OSError as err:
        raise KeyFileError(
            # Translators: {reason} is the operating system's own words (often English).
            _("Reach could not read the key file {path}: {reason}.").format(
                path=target, reason=err.strerror
            )
        ) from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(
            n_(
                "The key file {path} is damaged: it holds {n} byte instead of {expected}. "
                "Restore it from the copy kept apart from the store. Only delete it if you "
                "accept that new lists can no longer be linked to the people already counted.",
                "The key file {path} is damaged: it holds {n} bytes instead of {expected}. "
                "Restore it from the copy kept apart from the store. Only delete it if you "
                "accept that new lists can no longer be linked to the people already counted.",
                len(key),
            ).format(path=target, n=len(key), expected=KEY_BYTES)
        )
    return key
