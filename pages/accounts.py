"""Accounts (admins): who may sign in, with which role, which programs and which language."""

import streamlit as st

from reach import accounts, i18n, labels
from reach.i18n import N_, _, n_
from reach.ui import auth, frames, session
from reach.ui.router import guard

guard(__file__)

NO_LANGUAGE = "none"  # the language menus' option for "no default language"
# What the page says once a change is saved, by action ({name}: the account's user name).
SAVED = {
    # Translators: {name} is the user name of the account just created.
    "add": N_("Saved: add {name}."),
    # Translators: {name} is the user name of the account whose role was changed.
    "set-role": N_("Saved: set-role {name}."),
    # Translators: {name} is the user name of the account whose programs were changed.
    "set-programs": N_("Saved: set-programs {name}."),
    # Translators: {name} is the user name of the account whose password was changed.
    "set-password": N_("Saved: set-password {name}."),
    # Translators: {name} is the user name of the account whose default language was changed.
    "set-language": N_("Saved: set-language {name}."),
    # Translators: {name} is the user name of the account just removed.
    "remove": N_("Saved: remove {name}."),
}


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
    st.session_state["accounts_note"] = _(SAVED[action]).format(name=name)
    if action not in ("set-password", "set-language"):
        try:
            _sync()
        except Exception:  # noqa: BLE001 - a sentence, never a traceback
            later = _(
                "The donor numbers for this account's programs will be ready after the next "
                "load, or when the store is free again (save once more to retry)."
            )
            st.session_state["accounts_note"] += " " + later
    st.rerun()


def _language(code: str) -> str:
    """A language menu's option: the language named in itself, or no default."""
    if code == NO_LANGUAGE:
        # Translators: an account with no default language: the browser's language is used.
        return _("No default (the browser's language)")
    return i18n.name(code)


def _language_code(choice: str) -> str | None:
    return None if choice == NO_LANGUAGE else choice


LANGUAGE_OPTIONS = (NO_LANGUAGE, *i18n.LANGUAGES)

st.title(_("Accounts"))
st.caption(
    _(
        "Roles, each with the rights of the one before: **donor** (the published, "
        "disclosure-controlled view), **director** (every dashboard page, exact numbers), "
        "**analyst** (also Data), **admin** (also accounts and the audit log). An account "
        "limited to programs sees numbers computed on those programs alone."
    )
)
note = st.session_state.pop("accounts_note", None)
if note:
    st.success(note)

table = accounts.listing(auth.accounts_path())
shown = table.assign(
    role=[accounts.role_name(r) for r in table["role"]],
    language=[i18n.name(c) if c in i18n.LANGUAGES else labels.BLANK for c in table["language"]],
)
st.dataframe(
    shown, hide_index=True, width="stretch",
    column_config={"name": _("Username"), "role": _("Role"), "programs": _("Programs"),
                   "language": _("Default language"), "created_at": _("Created (UTC)"),
                   "updated_at": _("Changed (UTC)")},
)  # fmt: skip

programs_known = session.options(())["programs"]

st.subheader(_("Add an account"))
# Plain widgets, not st.form: a form beside a pages/ folder does not submit in AppTest.
with st.container(border=True):
    name = st.text_input(_("Username"), key="acc_name")
    role = st.selectbox(_("Role"), accounts.ROLES, index=1, key="acc_role",
                        format_func=accounts.role_name)  # fmt: skip
    progs = st.multiselect(_("Limit to programs (none: every program)"), programs_known,
                           key="acc_programs", placeholder=_("All programs"))  # fmt: skip
    lang = st.selectbox(_("Default language"), LANGUAGE_OPTIONS, key="acc_language",
                        format_func=_language)  # fmt: skip
    password = st.text_input(
        n_("Password (at least {n} character)", "Password (at least {n} characters)",
           accounts.MIN_PASSWORD).format(n=accounts.MIN_PASSWORD),
        type="password", key="acc_password",
    )  # fmt: skip
    if st.button(_("Add account"), type="primary", key="acc_add"):
        detail = f"role {role}" + (f"; language {lang}" if lang != NO_LANGUAGE else "")
        _change("add", name.strip(), detail, lambda path, n, r, pw, p, lg: accounts.add(
            path, n, r, pw, tuple(p), lg), role, password, progs, _language_code(lang))  # fmt: skip

if not table.empty:
    st.subheader(_("Change an account"))
    who = st.selectbox(_("Account"), list(table["name"]), key="acc_change")
    c1, c2 = st.columns(2)
    with c1:
        new_role = st.selectbox(_("New role"), accounts.ROLES, key="acc_new_role",
                                format_func=accounts.role_name)  # fmt: skip
        if st.button(_("Set role"), key="acc_set_role"):
            _change("set-role", who, f"role {new_role}", accounts.set_role, new_role)
        new_progs = st.multiselect(
            _("Programs (none: every program)"), programs_known, key="acc_new_programs",
            placeholder=_("All programs"),
        )  # fmt: skip
        if st.button(_("Set programs"), key="acc_set_programs"):
            _change("set-programs", who, ", ".join(new_progs) or "all programs",
                    accounts.set_programs, tuple(new_progs))  # fmt: skip
        new_lang = st.selectbox(_("New default language"), LANGUAGE_OPTIONS,
                                key="acc_new_language", format_func=_language)  # fmt: skip
        if st.button(_("Set language"), key="acc_set_language"):
            _change("set-language", who, f"language {new_lang}", accounts.set_language,
                    _language_code(new_lang))  # fmt: skip
    with c2:
        new_pw = st.text_input(_("New password"), type="password", key="acc_new_password")
        if st.button(_("Set password"), key="acc_set_password"):
            _change("set-password", who, "", accounts.set_password, new_pw)
        sure = st.checkbox(_("Yes, remove {name}").format(name=who), key="acc_remove_sure")
        if st.button(_("Remove account"), key="acc_remove", disabled=not sure):
            if who == frames.viewer().name:
                st.error(_("You cannot remove the account you are signed in with."))
            else:
                _change("remove", who, "", accounts.remove)
