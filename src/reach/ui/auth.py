"""Who is looking: sign-in, sign-out, idle expiry, open mode, and the audit trail of it."""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from .. import accounts
from ..i18n import N_, _
from . import session

# Headers a reverse proxy adds: behind one, every request comes from the proxy's own address,
# so a request carrying them is never taken for a local one.
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")
OPEN_MODE = "open mode"
# Kept in the session across the sign-out and translated when shown.
EXPIRED = N_("Your session expired after a long idle time.")


@dataclass(frozen=True)
class Viewer:
    """The person using this session: account name, role, program scope, open mode or not,
    and the account's default language (None: none)."""

    name: str
    role: str
    programs: tuple[str, ...] = ()
    open_mode: bool = False
    language: str | None = None

    @property
    def is_donor(self) -> bool:
        """Donors see the published, disclosure-controlled numbers only."""
        return self.role == "donor"

    def can(self, role: str) -> bool:
        """True when this viewer's role includes `role`'s rights."""
        return accounts.at_least(self.role, role)


def accounts_path() -> str:
    """The accounts and audit file beside the store."""
    return str(accounts.default_path(session.store_path()))


def idle_limit() -> float:
    """Seconds of inactivity after which a session is signed out ($REACH_IDLE_HOURS, 8)."""
    try:
        hours = float(os.environ.get("REACH_IDLE_HOURS", "8"))
    except ValueError:
        hours = 8.0
    return max(hours, 0.0) * 3600


def is_local(ip: str | None, headers: Mapping[str, str]) -> bool:
    """True for a browser on this machine reaching the app directly (not through a proxy)."""
    if any(h in {k.lower() for k in headers} for h in PROXY_HEADERS):
        return False
    if ip is None:  # Streamlit gives None for 127.0.0.1 and ::1
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def _request_is_local() -> bool:
    try:
        headers = dict(st.context.headers)
    except Exception:  # noqa: BLE001 - no request context (AppTest): treat as local
        headers = {}
    ip = st.context.ip_address
    # Without a browser connection (AppTest) there is no address: a local run.
    return is_local(ip if isinstance(ip, str) else None, headers)


def audit(action: str, detail: str = "", actor: str | None = None) -> None:
    """Record an action of this session's viewer in the audit log (never participant data)."""
    viewer: Viewer | None = st.session_state.get("viewer")
    who = actor or (viewer.name if viewer else "anonymous")
    try:
        accounts.audit(accounts_path(), who, action, detail)
    except Exception:  # noqa: BLE001 - an audit failure must not break the page it records
        pass


def current() -> Viewer | None:
    """The signed-in viewer (or the open-mode analyst); None when sign-in is needed.

    Sets st.session_state["open_remote"] when the app is in open mode but the request is
    not local: then nothing but the banner may be shown.
    """
    st.session_state.pop("open_remote", None)
    path = accounts_path()
    if not accounts.exists_any(path):
        if _request_is_local():
            viewer = Viewer(OPEN_MODE, "analyst", (), open_mode=True)
            st.session_state["viewer"] = viewer
            return viewer
        st.session_state["open_remote"] = True
        st.session_state.pop("viewer", None)
        return None
    viewer = st.session_state.get("viewer")
    if viewer is None or viewer.open_mode:
        st.session_state.pop("viewer", None)
        return None
    now = time.time()
    if now - st.session_state.get("last_seen", now) > idle_limit():
        sign_out(reason="expired")
        return None
    # Re-read the account on every run: a removed account or a changed role, scope or
    # language takes effect at once, not at the next sign-in.
    account = accounts.get(path, viewer.name)
    if account is None:
        sign_out(reason="removed")
        return None
    fresh = _viewer(account)
    st.session_state["viewer"] = fresh
    st.session_state["last_seen"] = now
    return fresh


def _viewer(account: accounts.Account) -> Viewer:
    return Viewer(account.name, account.role, account.programs, language=account.language)


def sign_out(reason: str = "signed out") -> None:
    """Forget the viewer and every filter of this session."""
    viewer = st.session_state.get("viewer")
    if viewer is not None and not viewer.open_mode:
        audit("sign out" if reason == "signed out" else f"session {reason}", actor=viewer.name)
    wanted = st.session_state.get("wanted_page")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if wanted:
        st.session_state["wanted_page"] = wanted
    if reason == "expired":
        st.session_state["signin_note"] = EXPIRED


def sign_in_page() -> None:
    """The sign-in form: Username, Password, Sign in. Nothing else is served before it."""
    st.title(_("Sign in to Reach"))
    note = st.session_state.pop("signin_note", None)
    if note:
        st.info(_(note))
    # Plain widgets, not st.form: a form beside a pages/ folder does not submit in AppTest,
    # and the page must be testable end to end.
    name = st.text_input(_("Username"), key="signin_name", autocomplete="username")
    password = st.text_input(
        _("Password"), type="password", key="signin_password", autocomplete="current-password"
    )
    # Translators: the button that signs in (войти).
    submitted = st.button(_("Sign in"), type="primary", key="signin_submit")
    if not submitted:
        return
    name = (name or "").strip()
    try:
        account = accounts.authenticate(accounts_path(), name, password or "")
    except accounts.Throttled as exc:
        known = accounts.get(accounts_path(), name) is not None
        audit("sign in throttled", actor=name if known else "(unknown name)")
        st.error(str(exc))
        return
    if account is None:
        # One sentence whether or not the name exists. The log names only real accounts,
        # so a password typed into the name field is never written down.
        known = accounts.get(accounts_path(), name) is not None
        audit("sign in failed", actor=name if known else "(unknown name)")
        st.error(_("The username or password is not right."))
        return
    st.session_state["viewer"] = _viewer(account)
    st.session_state["last_seen"] = time.time()
    for key in ("signin_name", "signin_password"):
        st.session_state.pop(key, None)
    audit("sign in", f"role {account.role}", actor=account.name)
    st.rerun()


def open_remote_page() -> None:
    """What an open-mode server shows a browser that is not on this machine: the banner only."""
    st.title("Reach")
    st.warning(
        _(
            "This Reach server has no accounts yet, so it shows data only to a browser on the "
            "server itself. An administrator creates the first account on the server with:"
        )
    )
    st.code("python -m reach accounts add NAME --role admin", language="bash")
