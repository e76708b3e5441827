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
    """One bar per target: share achieved, coloured and labelled by status, with a tick where
    a period in progress should be by now. Each target's words sit above its bar, not on an
    axis, so the bars keep the full width on a phone.

    df: program, what (indicator, period and split in words), label (both, for hover),
    achieved_share (None when not published), elapsed, status, actual_text, target (one row
    per target, in the order to draw from the top).
    """
    n = len(df)
    ys = [n - 1 - i for i in range(n)]  # the first row at the top
    shares = df["achieved_share"].astype("Float64")
    fig = go.Figure()
    fig.add_bar(
        y=ys,
        x=shares.fillna(0).clip(upper=SHOWN_MAX),
        orientation="h",
        width=0.42,
        marker_color=[STATUS_COLOURS.get(s, "#9e9e9e") for s in df["status"]],
        customdata=df["label"],
        hovertemplate="%{customdata}<br>%{x:.0%} of the target<extra></extra>",
        name="share of the target reached",
        showlegend=False,  # the colours are the statuses, named in each label
    )
    running = df["status"].isin(["on track", "behind", "off track"])
    if running.any():
        fig.add_scatter(
            y=[y for y, r in zip(ys, running, strict=True) if r],
            x=df.loc[running, "elapsed"],
            mode="markers",
            marker={"symbol": "line-ns", "size": 20, "line": {"width": 3, "color": "#212121"}},
            name="due by now (share of the period gone by)",
            hovertemplate="due by now: %{x:.0%} of the target<extra></extra>",
        )
    for y, program, what, share, status, actual, target in zip(
        ys,
        df["program"],
        df["what"],
        shares,
        df["status"],
        df["actual_text"],
        df["target"],
        strict=True,
    ):
        reached = f"{share:.0%}, " if pd.notna(share) else ""
        fig.add_annotation(
            x=0, y=y + 0.3, xref="x", yref="y", xanchor="left", yanchor="bottom",
            showarrow=False, align="left", font={"size": 12, "color": "#212121"},
            bgcolor="rgba(255,255,255,0.85)",
            text=f"{program}<br>{what}: <b>{status}</b> ({reached}{actual} of {target:,})",
        )  # fmt: skip
    fig.add_vline(x=1, line_dash="dot", line_color="#616161")
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        xaxis={"tickformat": ".0%", "range": [0, SHOWN_MAX], "title": "share of the target"},
        yaxis={"visible": False, "range": [-0.6, n + 0.25]},
        legend={"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"},
        showlegend=bool(running.any()),
        height=max(260, 86 * n + 150),
        margin={"l": 8, "r": 8, "t": 50, "b": 10},
        plot_bgcolor="white",
    )
    return fig
