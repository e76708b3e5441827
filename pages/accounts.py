"""Accounts (admins): who may sign in, with which role and which programs."""

import streamlit as st

from reach import accounts
from reach.ui import auth, frames, session
from reach.ui.router import guard

guard(__file__)


def _sync() -> None:
    """Give the published extract cells for every donor account's programs."""
    from reach import extract, store

    with store.connect(session.store_path()) as con:
        store.init_schema(con)
        extract.sync_scopes(con, accounts.donor_scopes(auth.accounts_path()))


def _change(action: str, name: str, detail: str, fn, *args) -> None:
    try:
        fn(auth.accounts_path(), name, *args)
    except accounts.AccountError as exc:
        st.error(str(exc))
        return
    # Recorded as soon as the change is made, whatever happens to the extract below.
    auth.audit(f"account {action}", f"{name}: {detail}".rstrip(": "))
    st.session_state["accounts_note"] = f"Saved: {action} {name}."
    if action != "set-password":
        try:
            _sync()
        except Exception:  # noqa: BLE001 - a sentence, never a traceback
            st.session_state["accounts_note"] += (
                " The donor numbers for this account's programs will be ready after the next "
                "load, or when the store is free again (save once more to retry)."
            )
    st.rerun()


st.title("Accounts")
st.caption(
    "Roles, each with the rights of the one before: **donor** (the published, "
    "disclosure-controlled view), **director** (every dashboard page, exact numbers), "
    "**analyst** (also Data), **admin** (also accounts and the audit log). An account limited "
    "to programs sees numbers computed on those programs alone."
)
note = st.session_state.pop("accounts_note", None)
if note:
    st.success(note)

table = accounts.listing(auth.accounts_path())
st.dataframe(
    table, hide_index=True, width="stretch",
    column_config={"name": "Username", "role": "Role", "programs": "Programs",
                   "created_at": "Created (UTC)", "updated_at": "Changed (UTC)"},
)  # fmt: skip

programs_known = session.options(())["programs"]

st.subheader("Add an account")
# Plain widgets, not st.form: a form beside a pages/ folder does not submit in AppTest.
with st.container(border=True):
    name = st.text_input("Username", key="acc_name")
    role = st.selectbox("Role", accounts.ROLES, index=1, key="acc_role")
    progs = st.multiselect("Limit to programs (none: every program)", programs_known,
                           key="acc_programs")  # fmt: skip
    password = st.text_input(
        f"Password (at least {accounts.MIN_PASSWORD} characters)", type="password",
        key="acc_password",
    )  # fmt: skip
    if st.button("Add account", type="primary", key="acc_add"):
        _change("add", name.strip(), f"role {role}", lambda path, n, r, pw, p: accounts.add(
            path, n, r, pw, tuple(p)), role, password, progs)  # fmt: skip

if not table.empty:
    st.subheader("Change an account")
    who = st.selectbox("Account", list(table["name"]), key="acc_change")
    c1, c2 = st.columns(2)
    with c1:
        new_role = st.selectbox("New role", accounts.ROLES, key="acc_new_role")
        if st.button("Set role", key="acc_set_role"):
            _change("set-role", who, f"role {new_role}", accounts.set_role, new_role)
        new_progs = st.multiselect("Programs (none: every program)", programs_known,
                                   key="acc_new_programs")  # fmt: skip
        if st.button("Set programs", key="acc_set_programs"):
            _change("set-programs", who, ", ".join(new_progs) or "all programs",
                    accounts.set_programs, tuple(new_progs))  # fmt: skip
    with c2:
        new_pw = st.text_input("New password", type="password", key="acc_new_password")
        if st.button("Set password", key="acc_set_password"):
            _change("set-password", who, "", accounts.set_password, new_pw)
        sure = st.checkbox(f"Yes, remove {who}", key="acc_remove_sure")
        if st.button("Remove account", key="acc_remove", disabled=not sure):
            if who == frames.viewer().name:
                st.error("You cannot remove the account you are signed in with.")
            else:
                _change("remove", who, "", accounts.remove)
