"""The Data page's Possible duplicates: pairs to merge or keep apart, and decisions to undo."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import history, labels, people, review, store
from . import auth, frames, session

BUSY = "The store is busy with another load right now; nothing was changed. Try again in a moment."


def names_in_upload(up: object | None, ids: list[str | None] | None) -> dict[str, list[str]]:
    """Names per ID from the participants file the analyst has open now (memory only)."""
    if up is None or not ids:
        return {}
    try:
        return people.names_for(up.csv, up.name, ids)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - names are a help here, never a reason to fail the page
        return {}


def _who(pid: str, names: dict[str, list[str]]) -> str:
    written = names.get(pid)
    return f"{pid} ({'; '.join(written)})" if written else pid


def table(pairs: pd.DataFrame, names: dict[str, list[str]]) -> pd.DataFrame:
    """The pairs as the analyst reads them: IDs (names only from their own upload), evidence."""
    return pd.DataFrame(
        {
            "pair": pairs["pair_id"],
            "person A": [_who(a, names) for a in pairs["a"]],
            "person B": [_who(b, names) for b in pairs["b"]],
            "names alike": [f"{s:.0%}" for s in pairs["score"]],
            "evidence that agrees": pairs["evidence"],
            "events in common": pairs["events_in_common"],
            "events (A / B)": [
                f"{x} / {y}" for x, y in zip(pairs["events_a"], pairs["events_b"], strict=True)
            ],
            "organisations (A / B)": [
                f"{x or '—'} / {y or '—'}"
                for x, y in zip(pairs["organisations_a"], pairs["organisations_b"], strict=True)
            ],
        }
    )


def _act(action: str, target: int) -> None:
    try:
        history.decide(session.store_path(), action, target, frames.viewer().name)
    except store.StoreBusy:
        st.error(BUSY)
        return
    except review.ReviewError as exc:
        st.error(labels.text(str(exc)))
        return
    auth.audit("review", f"{action} {target}")
    st.session_state["review_done"] = f"{action} {target}"
    st.rerun()


def draw(names: dict[str, list[str]]) -> None:
    """The review: open pairs with merge / keep apart, then the decisions with undo."""
    st.subheader("Possible duplicates")
    st.caption(
        "Pairs of people that linking was not sure about. Merge counts them as one person; "
        "keep apart counts them as two and stops proposing the pair. Decisions apply to later "
        "loads too, can be undone, and change the numbers at once. Reach keeps no names: a "
        "name shows only for people in the participants file you have open on this page."
    )
    done = st.session_state.pop("review_done", None)
    if done:
        st.success(f"Done: {done}. Every page shows the new numbers.")
    pairs = session.plain("review_pairs")
    if pairs.empty:
        st.info("No possible duplicates to review.")
    else:
        st.dataframe(table(pairs, names), hide_index=True, width="stretch")
        labels_of = {
            int(p.pair_id): f"Pair {p.pair_id}: {p.a} and {p.b} ({p.score:.0%})"
            for p in pairs.itertuples()
        }
        pick, merge_col, apart_col = st.columns([3, 1, 1], vertical_alignment="bottom")
        chosen = pick.selectbox(
            "Pair", list(labels_of), format_func=labels_of.get, key="review_pair"
        )
        if merge_col.button("Merge", key="review_merge", width="stretch"):
            _act("merge", int(chosen))
        if apart_col.button("Keep apart", key="review_apart", width="stretch"):
            _act("apart", int(chosen))
    decided = session.plain("review_decisions")
    if decided.empty:
        return
    with st.expander(f"Decisions ({len(decided)})"):
        st.dataframe(decided, hide_index=True, width="stretch")
        open_ones = decided[decided["undone_at"].isna()]
        if open_ones.empty:
            return
        labels_of = {
            int(d.decision_id): f"{d.decision_id}: {d.decision} {d.a} and {d.b}"
            for d in open_ones.itertuples()
        }
        pick, undo_col = st.columns([3, 1], vertical_alignment="bottom")
        chosen = pick.selectbox(
            "Decision", list(labels_of), format_func=labels_of.get, key="review_decision"
        )
        if undo_col.button("Undo decision", key="review_undo", width="stretch"):
            _act("undo", int(chosen))
