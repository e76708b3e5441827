"""Data: analysts bring in new attendance lists, check them, commit, see history, undo."""

import pandas as pd
import streamlit as st

from reach import history, idcolumns, limits, mapping, store, upload
from reach.contract import SPECS
from reach.export import safe_csv
from reach.ui import auth, duplicates, frames, session
from reach.ui.router import guard

guard(__file__)

# The store's path is internal: a busy store gets this sentence, not the exception's text.
BUSY = "The store is busy with another load right now; nothing was changed. Try again in a moment."

st.title("Data")
caps = limits.current()
limit = caps.upload_mb
st.markdown(
    "Bring in new **events**, **participants** (attendance lists), **countries** and/or "
    "**targets**: "
    "CSV (UTF-8 or Windows-1251, one encoding per file; comma, semicolon or tab) or Excel "
    f"**.xlsx**, up to **{limit} MB** per file. Nothing is written until you press **Commit**, "
    "and the last load can be undone."
)
st.caption(f"Input limits: {caps.describe()}. A file beyond them is refused, naming the limit.")

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
        if file is None:
            continue
        data = file.getvalue()
        up = session.open_upload(kind, file.name, data, st.session_state.get(f"sheet_{kind}"))
        if up.sheets and len(up.sheets) > 1:
            st.selectbox("Sheet", up.sheets, key=f"sheet_{kind}")
        if up.error:
            st.error(labels.text(up.error))
            continue
        uploads[kind] = up

if not uploads:
    st.info("Upload at least one file to check it.")

# 2. Column mapping -------------------------------------------------------------------------
chosen: dict[str, dict[str, str]] = {}
refusals: list[str] = []
saved_maps = session.plain("saved_mappings")
for kind, up in uploads.items():
    with st.expander(f"Columns of {labels.text(up.name)}", expanded=up.needs_mapping):
        options = [mapping.IGNORE, *SPECS[kind].columns]
        proposal = up.proposal
        names = list(saved_maps.get(kind, {}))
        if names:
            use = st.selectbox("Use a saved mapping", ["(proposed)", *names], key=f"use_map_{kind}")
            if use != "(proposed)":
                proposal = mapping.apply_saved(up.headers, kind, saved_maps[kind][use])
        if up.needs_mapping:
            st.warning(
                "Some required columns were not found under the contract's names. Check the "
                "proposed mapping below: pick the contract column each column of the file holds."
            )
        edited = st.data_editor(
            mapping.as_frame(proposal),
            hide_index=True,
            disabled=["column in file"],
            column_config={
                "maps to": st.column_config.SelectboxColumn(
                    "maps to", options=options, required=True
                )
            },
            key=f"map_{kind}_{up.sha256[:12]}",
        )
        chosen[kind] = dict(zip(edited["column in file"], edited["maps to"], strict=True))
        refused_headers, why = mapping.refused(chosen[kind], kind)
        name_col, button_col = st.columns([3, 1])
        map_name = name_col.text_input(
            "Save this mapping as", placeholder="e.g. KoBo participants form",
            key=f"map_name_{kind}",
        )  # fmt: skip
        button_col.write("")
        if button_col.button(
            "Save mapping", key=f"save_map_{kind}", disabled=not map_name or bool(refused_headers)
        ):
            try:
                session.save_mapping(map_name.strip(), kind, chosen[kind])
                st.success(f"Mapping '{labels.text(map_name.strip())}' saved.")
            except store.StoreBusy:
                st.error(BUSY)
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
            f"{labels.text(up.name)}: {listed} name people. Reach links each row to a person "
            "it already knows, or to a new one, and gives it a pseudonymous participant_id. "
            "Only keyed encodings are kept; the names, phones and e-mails are not stored."
        )
    if dropped:
        listed, one = ", ".join(f"'{h}'" for h in dropped), len(dropped) == 1
        st.info(
            f"{labels.text(up.name)}: {labels.text(listed)} {'holds' if one else 'hold'} people's "
            "names or contact "
            f"details. {'This column' if one else 'These columns'} will be dropped and not stored."
        )
# A column of names mapped to a contract column would store them: no check, no commit.
if refusals:
    st.stop()

# 3 and 4. Validation report and preview ----------------------------------------------------
committed = st.session_state.get("committed")
linked_ids: dict[str, list[str | None]] = {}  # the open upload's rows → IDs, for review names
if uploads and committed and committed["files"] == [u.sha256 for u in uploads.values()]:
    c = committed["counts"]
    st.success(
        f"Load {committed['load_id']} committed: {labels.count(c['events_added'], 'event')} "
        f"added, {c['events_updated']:,} updated; "
        f"{labels.count(c['participant_rows_added'], 'participant row')} added, "
        f"{c['participant_rows_removed']:,} replaced. Every page shows the new numbers."
    )
    linked_ids = committed.get("linked", {})
elif uploads:
    mode = st.radio(
        "How to load",
        ["merge", "replace"],
        format_func=lambda m: {
            "merge": "Merge: update these events and replace their attendance lists (default)",
            "replace": "Replace everything stored with these files",
        }[m],
        key="load_mode",
    )
    sources = tuple(
        uploads[k].source(chosen.get(k)) if k in uploads else None for k in upload.KINDS
    )
    try:
        result = session.preview(sources, mode == "replace")
    except store.StoreBusy:
        st.error(BUSY)
        st.stop()
    except Exception as exc:  # noqa: BLE001 - the analyst gets a sentence, never a traceback
        st.error(f"Reach could not check these files ({type(exc).__name__}). Nothing was written.")
        st.stop()
    report = result.report
    linked_ids = {name: found.ids for name, found in report.linking.items()}
    st.subheader("Check")
    c1, c2 = st.columns(2)
    c1.metric("Errors", len(report.errors), border=True)
    c2.metric("Warnings", len(report.warnings), border=True)
    if report.issues:
        frame = report.to_frame()
        st.dataframe(frame, hide_index=True, width="stretch")
        st.download_button(
            "Download the validation report (CSV)",
            data=safe_csv(frame),
            file_name="reach-validation-report.csv",
            mime="text/csv",
            key="download-report",
            on_click=auth.audit,
            args=("export", "validation report"),
        )
    if not report.ok:
        st.error(
            "The files have errors (above). Nothing has been written; fix them and upload again."
        )
    else:
        st.subheader("Preview")
        c = result.counts
        cols = st.columns(4)
        cols[0].metric("Events added", f"{c['events_added']:,}", border=True)
        cols[1].metric("Events updated", f"{c['events_updated']:,}", border=True)
        cols[2].metric("Participant rows added", f"{c['participant_rows_added']:,}", border=True)
        cols[3].metric(
            "Participant rows replaced", f"{c['participant_rows_removed']:,}", border=True
        )
        if c.get("targets_loaded"):
            st.caption(
                f"Targets: {c['targets_loaded']:,} loaded; they replace the stored targets of "
                "the programs the file lists."
            )
        if report.linking:
            st.markdown("**People in named lists**")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "file": name,
                            "rows": found.rows,
                            "matched people already stored": found.matched,
                            "rows of new people": found.new_rows,
                            "new people": found.new_people,
                            "new pairs to review": len(found.review),
                        }
                        for name, found in report.linking.items()
                    ]
                ),
                hide_index=True,
            )
        before, after = result.before or {}, result.after or {}
        rows = []
        for key, label in [
            ("people_reached", "People reached"),
            ("direct_reach", "Direct reach"),
            ("cascade_reach", "Cascade reach"),
            ("female_share", "Female share"),
        ]:
            shown = (
                (lambda v: frames.rate(v, pct=True))
                if key == "female_share"
                else (lambda v: "–" if v is None else f"{v:,}")
            )
            rows.append(
                {
                    "number": label,
                    "now": shown(before.get(key)),
                    "after commit": shown(after.get(key)),
                }
            )
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        # 5. Commit ---------------------------------------------------------------------------
        if st.button("Commit", type="primary", key="commit"):
            try:
                done = store.load_sources(
                    session.store_path(), *sources, replace=(mode == "replace"),
                    actor=frames.viewer().name,
                )  # fmt: skip
            except store.StoreBusy:
                st.error(BUSY)
            except Exception as exc:  # noqa: BLE001 - a sentence, never a traceback
                st.error(f"The commit failed ({type(exc).__name__}); the store is unchanged.")
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
                        "The store changed meanwhile and the files no longer pass; check again."
                    )

# 6. Possible duplicates -------------------------------------------------------------------
named = uploads.get("participants")
duplicates.draw(duplicates.names_in_upload(named, linked_ids.get(named.name) if named else None))

# 7. History and undo -----------------------------------------------------------------------
st.subheader("Load history")
loads = session.plain("load_history")
if loads.empty:
    st.caption("No loads yet.")
else:
    st.dataframe(loads, hide_index=True, width="stretch")
undo_id = session.plain("undoable_load")
if undo_id is not None:
    sure = st.checkbox(f"Yes, undo load {undo_id} and restore the store as it was before it.",
                       key="undo_sure")  # fmt: skip
    if st.button(f"Undo load {undo_id}", disabled=not sure, key="undo"):
        try:
            # Undo exactly the load that was confirmed: if another load has come since,
            # nothing is undone.
            undone = history.undo_last(session.store_path(), expected=undo_id)
        except store.StoreBusy:
            st.error(BUSY)
        else:
            if undone is None:
                st.error(
                    f"Load {undo_id} is no longer the last load (another load came since), "
                    "so nothing was undone. Check the history and try again."
                )
            else:
                auth.audit("undo", f"load {undone}")
                st.session_state.pop("committed", None)
                st.session_state["undone"] = undone
                st.rerun()
if st.session_state.get("undone"):
    st.success(f"Load {st.session_state['undone']} was undone.")

# 8. Export ---------------------------------------------------------------------------------
st.subheader("Export the current data")
st.caption("The files in the contract's format. Text cells that a spreadsheet would run as "
           "a formula are prefixed with '.")  # fmt: skip
files = session.plain("export_files")
for col, (name, frame) in zip(st.columns(len(files)), files.items(), strict=True):
    col.download_button(
        f"{name} ({len(frame):,} rows)", data=safe_csv(frame), file_name=name, mime="text/csv",
        key=f"export-{name}", on_click=auth.audit, args=("export", name),
    )  # fmt: skip
