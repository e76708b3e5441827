"""Audit log (admins): sign-ins, loads, undos, exports, reports and account changes."""

import streamlit as st

from reach import accounts
from reach.ui import auth, frames
from reach.ui.router import guard

guard(__file__)

st.title("Audit log")
st.caption(
    "Who did what and when: sign-ins (also failed ones), loads, undos, exports, reports, "
    "backups and account changes. It holds no participant data. The latest 1,000 entries; "
    "the download has the same."
)
log = accounts.audit_log(auth.accounts_path(), limit=1000)
if log.empty:
    st.info("Nothing recorded yet.")
else:
    st.dataframe(log, hide_index=True, width="stretch")
    frames.download(log, "audit-log", "Download the audit log (CSV)")
