"""The Data page's Possible duplicates: pairs to merge or keep apart, and decisions to undo."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import history, i18n, labels, link, people, review, store
from ..i18n import N_, _, p_
from . import auth, frames, session

BUSY = N_(
    "The store is busy with another load right now; nothing was changed. Try again in a moment."
)

# The pairs table's column titles (the English ones are also the table's keys).
PAIR_TITLES = {
    # Translators: column of the possible duplicates: the pair's number.
    "pair": N_("pair"),
    "person A": N_("person A"),
    "person B": N_("person B"),
    # Translators: column of the possible duplicates: how alike the two names are, e.g. 93%.
    "names alike": N_("names alike"),
    "evidence that agrees": N_("evidence that agrees"),
    "events in common": N_("events in common"),
    "events (A / B)": N_("events (A / B)"),
    "organisations (A / B)": N_("organisations (A / B)"),
}


def _decision_titles() -> dict[str, str]:
    """The decisions table's column titles (English as the store names the columns)."""
    return {
        # Translators: column of the review decisions: the decision's number.
        "decision_id": p_("review decisions column", "decision_id"),
        # Translators: column of the review decisions: merge or apart.
        "decision": p_("review decisions column", "decision"),
        # Translators: column of the review decisions: the first person's ID (kept, for a merge).
        "a": p_("review decisions column", "a"),
        # Translators: column of the review decisions: the second person's ID (merged into a).
        "b": p_("review decisions column", "b"),
        # Translators: column of the review decisions: when it was decided (UTC).
        "decided_at": p_("review decisions column", "decided_at"),
        # Translators: column of the review decisions: who decided (an account name).
        "decided_by": p_("review decisions column", "decided_by"),
        # Translators: column of the review decisions: when it was undone (UTC), if it was.
        "undone_at": p_("review decisions column", "undone_at"),
    }


def _decision_word(code: str) -> str:
    words = {
        # Translators: a review decision: the two people were counted as one.
        "merge": p_("review decision", "merge"),
        # Translators: a review decision: the two people were kept as two people.
        "apart": p_("review decision", "apart"),
    }
    return words.get(code, code)


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
    """The pairs as the analyst reads them: IDs (names only from their own upload), evidence,
    in the active language."""
    frame = pd.DataFrame(
        {
            "pair": pairs["pair_id"],
            "person A": [_who(a, names) for a in pairs["a"]],
            "person B": [_who(b, names) for b in pairs["b"]],
            "names alike": [i18n.percent(s) for s in pairs["score"]],
            "evidence that agrees": [link.evidence_text(e) for e in pairs["evidence"]],
            "events in common": pairs["events_in_common"],
            "events (A / B)": [
                f"{i18n.number(x)} / {i18n.number(y)}"
                for x, y in zip(pairs["events_a"], pairs["events_b"], strict=True)
            ],
            "organisations (A / B)": [
                f"{x or labels.BLANK} / {y or labels.BLANK}"
                for x, y in zip(pairs["organisations_a"], pairs["organisations_b"], strict=True)
            ],
        }
    )
    return frame.rename(columns={k: _(v) for k, v in PAIR_TITLES.items()})


def decisions_table(decided: pd.DataFrame) -> pd.DataFrame:
    """The decisions as the analyst reads them: titles, decisions and times in the active
    language (times to the minute, UTC)."""
    shown = decided.astype(object).copy()
    shown["decision"] = [_decision_word(d) for d in decided["decision"]]
    for column in ("decided_at", "undone_at"):
        shown[column] = [
            None if labels.blank(v) else i18n.datetime(pd.Timestamp(v)) for v in decided[column]
        ]
    return shown.rename(columns=_decision_titles())


def _act(action: str, target: int) -> None:
    try:
        history.decide(session.store_path(), action, target, frames.viewer().name)
    except store.StoreBusy:
        st.error(_(BUSY))
        return
    except review.ReviewError as exc:
        st.error(labels.text(str(exc)))
        return
    auth.audit("review", f"{action} {target}")
    st.session_state["review_done"] = (action, target)
    st.rerun()


def _done(action: str, target: int) -> str:
    """What the success note says after a decision (or its undo)."""
    if action == "merge":
        # Translators: after merging review pair {pair} into one person.
        text = _("Done: merge {pair}. Every page shows the new numbers.")
    elif action == "apart":
        # Translators: after keeping the two people of review pair {pair} apart.
        text = _("Done: apart {pair}. Every page shows the new numbers.")
    else:
        # Translators: after undoing review decision {decision}.
        text = _("Done: undo {decision}. Every page shows the new numbers.")
    return text.format(pair=target, decision=target)


def draw(names: dict[str, list[str]]) -> None:
    """The review: open pairs with merge / keep apart, then the decisions with undo."""
    st.subheader(_("Possible duplicates"))
    st.caption(
        _(
            "Pairs of people that linking was not sure about. Merge counts them as one person; "
            "keep apart counts them as two and stops proposing the pair. Decisions apply to "
            "later loads too, can be undone, and change the numbers at once. Reach keeps no "
            "names: a name shows only for people in the participants file you have open on "
            "this page."
        )
    )
    done = st.session_state.pop("review_done", None)
    if done:
        st.success(_done(*done))
    pairs = session.plain("review_pairs")
    if pairs.empty:
        st.info(_("No possible duplicates to review."))
    else:
        st.dataframe(table(pairs, names), hide_index=True, width="stretch")
        labels_of = {
            # Translators: a review pair in a menu: "Pair 3: R1A2 and R9F0 (93%)".
            int(p.pair_id): _("Pair {pair}: {a} and {b} ({share})").format(
                pair=p.pair_id, a=p.a, b=p.b, share=i18n.percent(p.score)
            )
            for p in pairs.itertuples()
        }
        pick, merge_col, apart_col = st.columns([3, 1, 1], vertical_alignment="bottom")
        chosen = pick.selectbox(
            # Translators: the menu of review pairs (two people who may be one).
            p_("review", "Pair"),
            list(labels_of),
            format_func=labels_of.get,
            key="review_pair",
        )
        # Translators: button: count the two people of the pair as one person.
        if merge_col.button(p_("review", "Merge"), key="review_merge", width="stretch"):
            _act("merge", int(chosen))
        # Translators: button: count the two people of the pair as two people.
        if apart_col.button(_("Keep apart"), key="review_apart", width="stretch"):
            _act("apart", int(chosen))
    decided = session.plain("review_decisions")
    if decided.empty:
        return
    # Translators: the review decisions taken, with their number.
    with st.expander(_("Decisions ({count})").format(count=i18n.number(len(decided)))):
        st.dataframe(decisions_table(decided), hide_index=True, width="stretch")
        open_ones = decided[decided["undone_at"].isna()]
        if open_ones.empty:
            return
        labels_of = {}
        for d in open_ones.itertuples():
            if d.decision == "merge":
                # Translators: a merge decision in a menu: "4: merge R1A2 and R9F0".
                text = _("{decision}: merge {a} and {b}")
            else:
                # Translators: a keep-apart decision in a menu: "4: apart R1A2 and R9F0".
                text = _("{decision}: apart {a} and {b}")
            labels_of[int(d.decision_id)] = text.format(decision=d.decision_id, a=d.a, b=d.b)
        pick, undo_col = st.columns([3, 1], vertical_alignment="bottom")
        chosen = pick.selectbox(
            # Translators: the menu of review decisions that can be undone.
            p_("review", "Decision"), list(labels_of), format_func=labels_of.get,
            key="review_decision",
        )  # fmt: skip
        if undo_col.button(_("Undo decision"), key="review_undo", width="stretch"):
            _act("undo", int(chosen))
