"""Audit log (admins): sign-ins, loads, undos, exports, reports and account changes."""

import streamlit as st

from reach import accounts, i18n
from reach.i18n import _, n_, p_
from reach.ui import auth, frames
from reach.ui.router import guard

guard(__file__)

LIMIT = 1000  # the entries shown, and downloaded

st.title(_("Audit log"))
st.caption(
    n_(
        "Who did what and when: sign-ins (also failed ones), loads, undos, exports, reports, "
        "backups and account changes. It holds no participant data. The latest {n} entry; "
        "the download has the same.",
        "Who did what and when: sign-ins (also failed ones), loads, undos, exports, reports, "
        "backups and account changes. It holds no participant data. The latest {n} entries; "
        "the download has the same.",
        LIMIT,
    ).format(n=i18n.number(LIMIT))
)
log = accounts.audit_log(auth.accounts_path(), limit=LIMIT)
if log.empty:
    st.info(_("Nothing recorded yet."))
else:
    # The headers are translated on the page; the entries (and the download's columns) are
    # the log's own words, never translated.
    st.dataframe(
        log, hide_index=True, width="stretch",
        # Translators: the audit log's column headers: when (UTC), who, what, details.
        column_config={"at": p_("audit log column", "at"), "actor": p_("audit log column", "actor"),
                       "action": p_("audit log column", "action"),
                       "detail": p_("audit log column", "detail")},
    )  # fmt: skip
    frames.download(log, "audit-log", _("Download the audit log (CSV)"))
