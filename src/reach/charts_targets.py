"""The Targets chart: each target's share achieved, its status, and where it should be by now."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

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
    """One horizontal bar per target: share achieved, a tick at the share expected by now.

    df: label, achieved_share (None when not published), elapsed, status, actual_text,
    target (one row per target, in the order to draw from the top).
    """
    rows = df.iloc[::-1]  # plotly draws the first category at the bottom
    shares = rows["achieved_share"].astype("Float64")
    fig = go.Figure()
    fig.add_bar(
        y=rows["label"],
        x=shares.fillna(0).clip(upper=SHOWN_MAX),
        orientation="h",
        marker_color=[STATUS_COLOURS[s] for s in rows["status"]],
        text=[
            f"{s:.0%} · {status} ({a} of {t:,})" if pd.notna(s) else f"{status} ({a} of {t:,})"
            for s, status, a, t in zip(
                shares, rows["status"], rows["actual_text"], rows["target"], strict=True
            )
        ],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}<br>%{text}<extra></extra>",
        name="achieved",
    )
    fig.add_scatter(
        y=rows["label"],
        x=rows["elapsed"],
        mode="markers",
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#212121"}},
        name="expected by now (time elapsed)",
        hovertemplate="expected by now: %{x:.0%} of the target<extra></extra>",
    )
    fig.add_vline(x=1, line_dash="dot", line_color="#616161")
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        xaxis={"tickformat": ".0%", "range": [0, SHOWN_MAX + 0.45], "title": "share of target"},
        yaxis={"automargin": True, "title": None},
        legend={"orientation": "h", "y": -0.2, "x": 0},
        height=max(260, 46 * len(rows) + 140),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white",
        bargap=0.35,
    )
    return fig
