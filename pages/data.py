"""Data: analysts bring in new attendance lists, check them, commit, see history, undo."""

from functools import partial

import pandas as pd
import streamlit as st

from reach import history, i18n, idcolumns, labels, limits, mapping, store, upload
from reach.contract import SPECS
from reach.export import safe_csv
from reach.i18n import N_, _, n_, p_
from reach.ui import auth, duplicates, frames, session
from reach.ui.router import guard

guard(__file__)

# The store's path is internal: a busy store gets this sentence, not the exception's text.
BUSY = N_(
    "The store is busy with another load right now; nothing was changed. Try again in a moment."
)

# The preview's rows: a number now and after the commit (the keys are the summary's).
PREVIEW_ROWS = (
    ("people_reached", N_("People reached")),
    ("direct_reach", N_("Direct reach")),
    ("cascade_reach", N_("Cascade reach")),
    ("female_share", N_("Female share")),
)

st.title(_("Data"))
caps = limits.current()
limit = caps.upload_mb
st.markdown(
    _(
        "Bring in new **events**, **participants** (attendance lists), **countries** and/or "
        "**targets**: CSV (UTF-8 or Windows-1251, one encoding per file; comma, semicolon or "
        "tab) or Excel **.xlsx**, up to **{limit} MB** per file. Nothing is written until you "
        "press **Commit**, and the last load can be undone."
    ).format(limit=i18n.number(limit))
)
# Translators: {limits} is a list of the caps: "at most 200,000 rows below the header, …".
st.caption(
    _("Input limits: {limits}. A file beyond them is refused, naming the limit.").format(
        limits=caps.describe()
    )
)

# 1. Upload ---------------------------------------------------------------------------------
uploads: dict[str, upload.Upload] = {}
for col, kind in zip(st.columns(len(upload.KINDS)), upload.KINDS, strict=True):
    with col:
        file = st.file_uploader(
            SPECS[kind].name,
            # .xlsm and .xls are offered so that Reach, not the widget, says why it refuses them.
            type=upload.FILE_TYPES,
            key=f"file_{kind}",
            max_upload_size=limit,
        )
        if i18n.active() != i18n.DEFAULT:
            # The widget's own words ("Drag and drop file here", "Upload") are always
            # English: say in the reader's language what to do with it.
            st.caption(
                # Translators: beside a file upload box whose own words stay in English;
                # keep **Upload** in English (it is the button's text).
                _(
                    "Drop your {file} file in the box above, or press **Upload** to choose it."
                ).format(file=SPECS[kind].name)
            )
        if file is None:
            continue
        data = file.getvalue()
        up = session.open_upload(kind, file.name, data, st.session_state.get(f"sheet_{kind}"))
        if up.sheets and len(up.sheets) > 1:
            # Translators: the menu of an Excel workbook's sheets.
            st.selectbox(_("Sheet"), up.sheets, key=f"sheet_{kind}")
        if up.error:
            st.error(labels.text(up.error))
            continue
        uploads[kind] = up

if not uploads:
    st.info(_("Upload at least one file to check it."))

# 2. Column mapping -------------------------------------------------------------------------
chosen: dict[str, dict[str, str]] = {}
refusals: list[str] = []
saved_maps = session.plain("saved_mappings")
for kind, up in uploads.items():
    with st.expander(
        # Translators: {file} is the uploaded file's name.
        _("Columns of {file}").format(file=labels.text(up.name)),
        expanded=up.needs_mapping,
    ):
        options = [mapping.IGNORE, *SPECS[kind].columns]
        proposal = up.proposal
        names = list(saved_maps.get(kind, {}))
        if names:
            # Translators: the first choice of the saved mappings: Reach's own proposal.
            proposed = _("(proposed)")  # worded here, in this run's language
            use = st.selectbox(
                _("Use a saved mapping"),
                [None, *names],  # None: the proposal; the others are the mappings' names
                format_func=lambda name, proposed=proposed: proposed if name is None else name,
                key=f"use_map_{kind}",
            )
            if use is not None:
                proposal = mapping.apply_saved(up.headers, kind, saved_maps[kind][use])
        if up.needs_mapping:
            st.warning(
                _(
                    "Some required columns were not found under the contract's names. Check "
                    "the proposed mapping below: pick the contract column each column of the "
                    "file holds."
                )
            )
        edited = st.data_editor(
            mapping.as_frame(proposal),
            hide_index=True,
            disabled=["column in file"],
            column_config={
                # Translators: column of the mapping table: a header of the uploaded file.
                "column in file": st.column_config.TextColumn(_("column in file")),
                "maps to": st.column_config.SelectboxColumn(
                    # Translators: column of the mapping table: the contract column it becomes.
                    _("maps to"),
                    options=options,
                    required=True,
                    format_func=mapping.option_label,
                ),
            },
            key=f"map_{kind}_{up.sha256[:12]}",
        )
        chosen[kind] = dict(zip(edited["column in file"], edited["maps to"], strict=True))
        refused_headers, why = mapping.refused(chosen[kind], kind)
        name_col, button_col = st.columns([3, 1])
        map_name = name_col.text_input(
            _("Save this mapping as"),
            # Translators: an example name for a saved column mapping (KoBo is a survey tool).
            placeholder=_("e.g. KoBo participants form"),
            key=f"map_name_{kind}",
        )
        button_col.write("")
        if button_col.button(
            _("Save mapping"),
            key=f"save_map_{kind}",
            disabled=not map_name or bool(refused_headers),
        ):
            try:
                session.save_mapping(map_name.strip(), kind, chosen[kind])
                st.success(_("Mapping '{name}' saved.").format(name=labels.text(map_name.strip())))
            except store.StoreBusy:
                st.error(_(BUSY))
    # Outside the expander, so they show even when it is closed. Headers only, never values.
    if refused_headers:
        refusals.append(why)
        st.error(f"{labels.text(up.name)}: {why}")
    dropped = [h for h in mapping.identifying(up.headers, kind) if h not in refused_headers]
    linking = idcolumns.roles(up.headers) if kind == "participants" else {}
    linked = [h for i, h in enumerate(up.headers) if i in linking and h in dropped]
    dropped = [h for h in dropped if h not in linked]
    if linked:
        listed = labels.text(", ".join(f"'{h}'" for h in linked))
        st.info(
            # Translators: {columns} lists the file's columns of names, phones or e-mails.
            _(
                "{file}: {columns} name people. Reach links each row to a person it already "
                "knows, or to a new one, and gives it a pseudonymous participant_id. Only keyed "
                "encodings are kept; the names, phones and e-mails are not stored."
            ).format(file=labels.text(up.name), columns=listed)
        )
    if dropped:
        listed = ", ".join(f"'{h}'" for h in dropped)
        st.info(
            # Translators: {columns} lists the file's columns of names or contact details.
            n_(
                "{file}: {columns} holds people's names or contact details. This column will "
                "be dropped and not stored.",
                "{file}: {columns} hold people's names or contact details. These columns will "
                "be dropped and not stored.",
                len(dropped),
            ).format(file=labels.text(up.name), columns=labels.text(listed))
        )
# A column of names mapped to a contract column would store them: no check, no commit.
if refusals:
    st.stop()


def _committed(load_id: int, c: dict[str, int]) -> str:
    """The note after a commit: what the load added, updated and replaced."""
    events = n_("{n} event", "{n} events", c["events_added"])
    rows = n_("{n} participant row", "{n} participant rows", c["participant_rows_added"])
    # Translators: {events} is e.g. "1 event", {rows} e.g. "3 participant rows"; {updated} and
    # {replaced} are numbers (events updated, participant rows replaced).
    return _(
        "Load {load} committed: {events} added, {updated} updated; {rows} added, {replaced} "
        "replaced. Every page shows the new numbers."
    ).format(
        load=load_id,
        events=events.format(n=i18n.number(c["events_added"])),
        updated=i18n.number(c["events_updated"]),
        rows=rows.format(n=i18n.number(c["participant_rows_added"])),
        replaced=i18n.number(c["participant_rows_removed"]),
    )


# 3 and 4. Validation report and preview ----------------------------------------------------
committed = st.session_state.get("committed")
linked_ids: dict[str, list[str | None]] = {}  # the open upload's rows → IDs, for review names
if uploads and committed and committed["files"] == [u.sha256 for u in uploads.values()]:
    st.success(_committed(committed["load_id"], committed["counts"]))
    linked_ids = committed.get("linked", {})
elif uploads:
    # Worded here, in this run's language (format_func may be called from another thread).
    load_modes = {
        "merge": _("Merge: update these events and replace their attendance lists (default)"),
        "replace": _("Replace everything stored with these files"),
    }
    mode = st.radio(_("How to load"), list(load_modes), format_func=load_modes.get, key="load_mode")
    sources = tuple(
        uploads[k].source(chosen.get(k)) if k in uploads else None for k in upload.KINDS
    )
    try:
        result = session.preview(sources, mode == "replace")
    except store.StoreBusy:
        st.error(_(BUSY))
        st.stop()
    except Exception as exc:  # noqa: BLE001 - the analyst gets a sentence, never a traceback
        # Translators: {error} is the name of the error (a Python exception class).
        st.error(
            _("Reach could not check these files ({error}). Nothing was written.").format(
                error=type(exc).__name__
            )
        )
        st.stop()
    report = result.report
    linked_ids = {name: found.ids for name, found in report.linking.items()}
    # Translators: heading of the validation of the uploaded files.
    st.subheader(p_("data page heading", "Check"))
    c1, c2 = st.columns(2)
    c1.metric(_("Errors"), i18n.number(len(report.errors)), border=True)
    c2.metric(_("Warnings"), i18n.number(len(report.warnings)), border=True)
    if report.issues:
        st.dataframe(report.to_display(), hide_index=True, width="stretch")
        st.download_button(
            _("Download the validation report (CSV)"),
            data=partial(safe_csv, report.to_frame()),
            file_name="reach-validation-report.csv",
            mime="text/csv",
            key="download-report",
            on_click=auth.audit,
            args=("export", "validation report"),
        )
    if not report.ok:
        st.error(
            _("The files have errors (above). Nothing has been written; fix them and upload again.")
        )
    else:
        # Translators: heading of what a load would change, before it is committed.
        st.subheader(p_("data page heading", "Preview"))
        c = result.counts
        cols = st.columns(4)
        cols[0].metric(_("Events added"), i18n.number(c["events_added"]), border=True)
        cols[1].metric(_("Events updated"), i18n.number(c["events_updated"]), border=True)
        cols[2].metric(
            _("Participant rows added"), i18n.number(c["participant_rows_added"]), border=True
        )
        cols[3].metric(
            _("Participant rows replaced"),
            i18n.number(c["participant_rows_removed"]),
            border=True,
        )
        if c.get("targets_loaded"):
            st.caption(
                # Translators: {count} is the number of target rows in the targets file.
                _(
                    "Targets: {count} loaded; they replace the stored targets of the programs "
                    "the file lists."
                ).format(count=i18n.number(c["targets_loaded"]))
            )
        if report.linking:
            st.markdown(_("**People in named lists**"))
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            # Translators: column: the uploaded file's name.
                            p_("column", "file"): name,
                            # Translators: column: the file's rows with a name to link on.
                            p_("column", "rows"): found.rows,
                            _("matched people already stored"): found.matched,
                            _("rows of new people"): found.new_rows,
                            _("new people"): found.new_people,
                            _("new pairs to review"): len(found.review),
                        }
                        for name, found in report.linking.items()
                    ]
                ),
                hide_index=True,
            )
        before, after = result.before or {}, result.after or {}
        rows = []
        for key, label in PREVIEW_ROWS:
            shown = (
                (lambda v: frames.rate(v, pct=True))
                if key == "female_share"
                else (lambda v: "–" if v is None else i18n.number(v))
            )
            rows.append(
                {
                    # Translators: column of the preview: which number (People reached, …).
                    _("number"): _(label),
                    # Translators: column of the preview: the number as it is now.
                    _("now"): shown(before.get(key)),
                    # Translators: column of the preview: the number once the load is committed.
                    _("after commit"): shown(after.get(key)),
                }
            )
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        # 5. Commit ---------------------------------------------------------------------------
        # Translators: the button that writes the checked files into the store.
        if st.button(_("Commit"), type="primary", key="commit"):
            try:
                done = store.load_sources(
                    session.store_path(), *sources, replace=(mode == "replace"),
                    actor=frames.viewer().name,
                )  # fmt: skip
            except store.StoreBusy:
                st.error(_(BUSY))
            except Exception as exc:  # noqa: BLE001 - a sentence, never a traceback
                # Translators: {error} is the name of the error (a Python exception class).
                st.error(
                    _("The commit failed ({error}); the store is unchanged.").format(
                        error=type(exc).__name__
                    )
                )
            else:
                if done.applied:
                    # File hashes, not names: a file name can carry a person's name.
                    files = ", ".join(u.sha256[:12] for u in uploads.values())
                    auth.audit("load", f"load {done.load_id} ({mode}), files sha256 {files}")
                    st.session_state["committed"] = {
                        "files": [u.sha256 for u in uploads.values()],
                        "counts": done.counts,
                        "load_id": done.load_id,
                        "linked": {n: f.ids for n, f in done.report.linking.items()},
                    }
                    st.session_state.pop("undone", None)
                    st.rerun()
                else:
                    st.error(
                        _("The store changed meanwhile and the files no longer pass; check again.")
                    )

# 6. Possible duplicates -------------------------------------------------------------------
named = uploads.get("participants")
duplicates.draw(duplicates.names_in_upload(named, linked_ids.get(named.name) if named else None))

# 7. History and undo -----------------------------------------------------------------------
st.subheader(_("Load history"))
loads = session.plain("load_history")
if loads.empty:
    st.caption(_("No loads yet."))
else:
    st.dataframe(history.table(loads), hide_index=True, width="stretch")
undo_id = session.plain("undoable_load")
if undo_id is not None:
    sure = st.checkbox(
        _("Yes, undo load {load} and restore the store as it was before it.").format(load=undo_id),
        key="undo_sure",
    )
    if st.button(_("Undo load {load}").format(load=undo_id), disabled=not sure, key="undo"):
        try:
            # Undo exactly the load that was confirmed: if another load has come since,
            # nothing is undone.
            undone = history.undo_last(session.store_path(), expected=undo_id)
        except store.StoreBusy:
            st.error(_(BUSY))
        else:
            if undone is None:
                st.error(
                    _(
                        "Load {load} is no longer the last load (another load came since), so "
                        "nothing was undone. Check the history and try again."
                    ).format(load=undo_id)
                )
            else:
                auth.audit("undo", f"load {undone}")
                st.session_state.pop("committed", None)
                st.session_state["undone"] = undone
                st.rerun()
if st.session_state.get("undone"):
    st.success(_("Load {load} was undone.").format(load=st.session_state["undone"]))

# 8. Export ---------------------------------------------------------------------------------
st.subheader(_("Export the current data"))
st.caption(
    _(
        "The files in the contract's format. Text cells that a spreadsheet would run as a "
        "formula are prefixed with '."
    )
)
files = session.plain("export_counts")
for col, (name, rows) in zip(st.columns(len(files)), files.items(), strict=True):
    col.download_button(
        # Translators: a download button: the file's name and how many rows it holds.
        n_("{file} ({n} row)", "{file} ({n} rows)", rows).format(file=name, n=i18n.number(rows)),
        data=session.export_file(name), file_name=name, mime="text/csv",
        key=f"export-{name}", on_click=auth.audit, args=("export", name),
    )  # fmt: skip
