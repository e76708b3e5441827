"""The Report page (both audiences): make the report of the current filters, then download it."""

from __future__ import annotations

import hashlib

import streamlit as st

from .. import i18n, labels, problems
from ..i18n import _
from ..report import build, render
from . import frames, session
from .auth import audit

# Steps a report goes through (4 reading, up to 7 charts, the pages): the bar's full length.
STEPS = 12


class _Progress:
    """A progress bar that advances one step with each message the builder sends."""

    def __init__(self) -> None:
        self.done = 0
        self.bar = st.progress(0.0, text=_("Reading the numbers…"))

    def __call__(self, message: str) -> None:
        self.done += 1
        self.bar.progress(min(self.done / STEPS, 0.98), text=f"{message}…")


def _key(filters: object, scope: tuple[str, ...], lang: str) -> str:
    """Which report the files kept in this session are: store version, filters, scope, lang."""
    text = repr((session.stamp(), filters, scope, lang))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw(donor: bool) -> None:
    """The page: what the report holds, a language, a button, the two downloads."""
    if donor:
        f, scope_text, _summary = frames.donor_page_start(_("Impact report"))
    else:
        f, scope_text, _summary = frames.page_start(_("Impact report"))
    viewer = frames.viewer()
    st.markdown(
        _(
            "A report to file or forward, for the scope chosen in the sidebar: headline "
            "numbers, reach over time, a map, cascades, gender balance, a table per program, "
            "targets, age, the methodology and where the numbers come from. A4, charts as "
            "vector graphics."
        )
    )
    if donor:
        st.caption(
            _("Every count of people is rounded to 5 and 0–7 shows as <8, as on every page.")
        )
    else:
        st.caption(
            # Translators: keep the command line `python -m reach report` as written.
            _(
                "Exact numbers, for use inside the organisation. A donor account makes the "
                "donor version (rounded, small counts hidden); so does `python -m reach report`."
            )
        )
    # The report's language starts as the page's; each language is named in itself.
    lang = st.segmented_control(
        _("Language of the report"), i18n.LANGUAGES, default=i18n.active(), key="report_lang",
        format_func=i18n.name,
    ) or i18n.active()  # fmt: skip
    key = _key(f, viewer.programs, lang)
    made = st.session_state.get("report_files")
    if st.button(_("Make the report"), key="report_make", type="primary"):
        progress = _Progress()
        try:
            report = session.report(f, viewer.programs, lang, progress)
            page, pdf = build.both(report, progress) if not report.empty else (b"", b"")
        except render.ReportError as exc:
            progress.bar.empty()
            st.error(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - one sentence here, the details in the log
            problems.log(exc)
            progress.bar.empty()
            st.error(_("The report could not be made. Nothing was changed; try again."))
            return
        progress.bar.progress(1.0, text=_("Done."))
        made = {"key": key, "pdf": pdf, "html": page, "empty": report.empty}
        # The files stay in this session's memory (never on disk) until the scope changes.
        st.session_state["report_files"] = made
    if not made or made["key"] != key:
        return
    if made["empty"]:
        frames.empty_state(scope_text)
        return
    name = "reach-report-" + ("donor" if donor else "organisation")
    left, right = st.columns(2)
    # Translators: {size} is the file's size in megabytes ('1.2').
    pdf_label = _("Download PDF ({size} MB)").format(size=i18n.number(len(made["pdf"]) / 1e6, 1))
    left.download_button(
        pdf_label, made["pdf"], f"{name}.pdf",
        "application/pdf", key="report_pdf", on_click=audit, args=("export", f"{name}.pdf"),
        width="stretch",
    )  # fmt: skip
    right.download_button(
        _("Download HTML"), made["html"], f"{name}.html", "text/html", key="report_html",
        on_click=audit, args=("export", f"{name}.html"), width="stretch",
    )  # fmt: skip
    # Translators: {scope} is the filters in words ('Kyrgyzstan; 2024') or 'all events'.
    st.caption(_("Report of {scope}, ready to download.").format(scope=labels.text(scope_text)))
