"""The Targets chart: each target's share achieved, its status, and where it should be by now."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import i18n, labels, targets
from .charts import separators, share_axis
from .i18n import _

# Status colours: green for what is on course, amber for behind, red for off course, grey for
# what has not started; each bar also says its status in words, so colour is never alone.
STATUS_COLOURS = {
    "achieved": "#1a7f37",
    "on track": "#4caf50",
    "behind": "#d4a017",
    "off track": "#c62828",
    "missed": "#8e1b1b",
    "not started": "#9e9e9e",
}
SHOWN_MAX = 1.5  # bars stop at 150%; the label still says the true share


def progress_bars(df: pd.DataFrame, title: str) -> go.Figure:
    """One bar per target: share achieved, coloured and labelled by status, with a tick where
    a period in progress should be by now. Each target's words sit above its bar, not on an
    axis, so the bars keep the full width on a phone. Words and numbers are written in the
    active language.

    df: program, what (indicator, period and split in words), label (both, for hover),
    achieved_share (None when not published), elapsed, status, actual_text, target (one row
    per target, in the order to draw from the top).
    """
    n = len(df)
    ys = [n - 1 - i for i in range(n)]  # the first row at the top
    shares = df["achieved_share"].astype("Float64")
    written = [i18n.percent(float(s)) if pd.notna(s) else "" for s in shares]
    fig = go.Figure()
    fig.add_bar(
        y=ys,
        x=shares.fillna(0).clip(upper=SHOWN_MAX),
        orientation="h",
        width=0.42,
        marker_color=[STATUS_COLOURS.get(s, "#9e9e9e") for s in df["status"]],
        customdata=list(zip(df["label"], [w or labels.BLANK for w in written], strict=True)),
        # Translators: a hover under a target's name; {share} is a percentage, '45%'.
        hovertemplate="%{customdata[0]}<br>"
        + _("{share} of the target").format(share="%{customdata[1]}")
        + "<extra></extra>",
        name=_("share of the target reached"),
        showlegend=False,  # the colours are the statuses, named in each label
    )
    running = df["status"].isin(["on track", "behind", "off track"])
    if running.any():
        due = [i18n.percent(float(e)) for e in df.loc[running, "elapsed"]]
        fig.add_scatter(
            y=[y for y, r in zip(ys, running, strict=True) if r],
            x=df.loc[running, "elapsed"],
            mode="markers",
            marker={"symbol": "line-ns", "size": 20, "line": {"width": 3, "color": "#212121"}},
            # Translators: the legend of the tick on each bar: where the actual should be now.
            name=_("due by now (share of the period gone by)"),
            customdata=due,
            # Translators: a hover on that tick; {share} is a percentage, '45%'.
            hovertemplate=_("due by now: {share} of the target").format(share="%{customdata}")
            + "<extra></extra>",
        )
    for y, program, what, share, status, actual, target in zip(
        ys,
        df["program"],
        df["what"],
        written,
        df["status"],
        df["actual_text"],
        df["target"],
        strict=True,
    ):
        words = {
            "what": what,
            "status": f"<b>{targets.status_name(status)}</b>",
            "share": share,
            "actual": actual,
            "target": i18n.number(int(target)),
        }
        if share:
            # Translators: under a target's program: '{what}' is the indicator, period and
            # whom it is for ('People reached · 2025 · Female'); {status} is the status in
            # bold; '(45%, 90 of 200)'.
            line = _("{what}: {status} ({share}, {actual} of {target})").format(**words)
        else:
            # Translators: as above, for a target whose share is not published.
            line = _("{what}: {status} ({actual} of {target})").format(**words)
        fig.add_annotation(
            x=0, y=y + 0.3, xref="x", yref="y", xanchor="left", yanchor="bottom",
            showarrow=False, align="left", font={"size": 12, "color": "#212121"},
            bgcolor="rgba(255,255,255,0.85)", text=f"{program}<br>{line}",
        )  # fmt: skip
    fig.add_vline(x=1, line_dash="dot", line_color="#616161")
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        xaxis={**share_axis(SHOWN_MAX, 0.25), "title": _("share of the target")},
        yaxis={"visible": False, "range": [-0.6, n + 0.25]},
        legend={"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"},
        showlegend=bool(running.any()),
        height=max(260, 86 * n + 150),
        margin={"l": 8, "r": 8, "t": 50, "b": 10},
        plot_bgcolor="white",
        separators=separators(),
    )
    return fig
