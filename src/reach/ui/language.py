"""The session's language: chosen in the sidebar, kept in the URL, started from the account,
REACH_LANG or the browser; activated for the run so every `_()` below speaks it."""

from __future__ import annotations

import os

import streamlit as st

from .. import i18n
from ..i18n import _

PARAM = "lang"  # ?lang=ru keeps the language in a shared link
KEY = "language_choice"  # the sidebar's menu


def _browser() -> str | None:
    try:
        return st.context.locale
    except (AttributeError, RuntimeError):  # no browser behind this run (AppTest, bare mode)
        return None


def start(account_language: str | None = None) -> str:
    """Decide this run's language, keep it in the session, and activate it.

    A language in the URL wins (a shared link), then the one chosen in the sidebar, then the
    account's default, then REACH_LANG, then the browser's, then English. A link's or a
    choice's language stays for the session and goes back into the URL, which page
    navigation empties.
    """
    url = i18n.known(st.query_params.get(PARAM))
    if url:
        st.session_state["lang_chosen"] = url
    chosen = st.session_state.get("lang_chosen")
    lang = i18n.pick(url, chosen, account_language, os.environ.get("REACH_LANG"), _browser())
    if chosen and url != chosen:
        st.query_params[PARAM] = chosen
    if st.session_state.get("lang") != lang:
        st.session_state["lang"] = lang
        # The session's own translator: never installed as the process's global `_`.
        st.session_state["translator"] = i18n.translations(lang)
    i18n.activate(lang)
    return lang


def _chosen() -> None:
    lang = st.session_state[KEY]
    st.session_state["lang_chosen"] = lang
    st.query_params[PARAM] = lang


def sidebar() -> None:
    """The language menu in the sidebar (codes as options, each language named in itself)."""
    if st.session_state.get(KEY) != st.session_state["lang"]:
        st.session_state[KEY] = st.session_state["lang"]
    st.sidebar.selectbox(
        # Translators: the label of the sidebar's language menu.
        _("Language"),
        i18n.LANGUAGES,
        key=KEY,
        format_func=i18n.name,
        on_change=_chosen,
    )


def current() -> str:
    """The language of this session (English before the first run decided it)."""
    return st.session_state.get("lang", i18n.DEFAULT)
