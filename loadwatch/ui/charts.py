"""Plotly figure builders: DataFrame in, go.Figure out; no st.* calls, so they unit-test alone."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from loadwatch.units import DistanceUnit, to_unit

if TYPE_CHECKING:
    from loadwatch.services import Thresholds

RED, AMBER, GREEN, GREY, BLUE = "#d62728", "#ff9f1c", "#2ca02c", "#9e9e9e", "#1f77b4"


def _layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        yaxis_title=y_title,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        height=340,
    )
    return fig


def weekly_distance(
    weekly: pd.DataFrame, units: DistanceUnit, thresholds: Thresholds, weeks: int = 16
) -> go.Figure:
    """Weekly running distance with the athlete's weekly-growth guideline line (default +10%)
    and progression line (default +30% over the week before last or the two-week mean).

    Args:
        weekly: the report's weekly frame (`week_start`, `run_distance_m`, `growth_ratio`).
        thresholds: the athlete's thresholds: the lines move when a coach changes them.
    """
    growth, progression = thresholds.weekly_growth_ratio, thresholds.two_week_growth_ratio
    fig = go.Figure()
    if weekly.empty:
        return _layout(fig, "Weekly running distance", units.value)
    recent = weekly.tail(weeks)
    x = [d.isoformat() for d in recent["week_start"]]
    distance = [to_unit(v, units) for v in recent["run_distance_m"]]
    previous = [to_unit(v, units) for v in weekly["run_distance_m"].shift(1).tail(weeks)]
    # The progression rule (Nielsen 2014) compares the 7 days up to a run with the 7 before: at
    # a week's last day that is this week against last week, the line drawn here.
    limit_30 = [p * (1 + progression) if not math.isnan(p) else None for p in previous]
    colours = [
        RED if g > progression else AMBER if g > growth else BLUE
        for g in recent["growth_ratio"].fillna(0.0)
    ]
    fig.add_bar(
        x=x,
        y=distance,
        name="running distance",
        marker_color=colours,
        hovertemplate="%{x}: %{y:.1f} " + units.value + "<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=[p * (1 + growth) if not math.isnan(p) else None for p in previous],
        name=f"+{growth:.0%} guideline",
        mode="lines",
        line={"color": GREEN, "dash": "dot", "shape": "hvh"},
    )
    fig.add_scatter(
        x=x,
        y=limit_30,
        name=f"+{progression:.0%} progression",
        mode="lines",
        line={"color": RED, "dash": "dash", "shape": "hvh"},
    )
    return _layout(fig, "Weekly running distance", units.value)


def runs(
    spikes: pd.DataFrame, units: DistanceUnit, thresholds: Thresholds, days: int = 120
) -> go.Figure:
    """Each run as a dot (local date vs distance); spikes above the athlete's small-spike ratio
    (default 1.1x) marked and labelled."""
    fig = go.Figure()
    if spikes.empty:
        return _layout(fig, "Runs", units.value)
    last = max(spikes["local_date"])
    recent = spikes[spikes["local_date"] > last - pd.Timedelta(days=days)]
    ratio = recent["spike_ratio"]
    limit = thresholds.small_spike_ratio
    is_spike = ratio > limit
    for mask, name, colour in (
        (~is_spike, "run", BLUE),
        (is_spike, f"spike (> {limit:g}x 30-day longest)", RED),
    ):
        part = recent[mask]
        fig.add_scatter(
            x=[d.isoformat() for d in part["local_date"]],
            y=[to_unit(v, units) for v in part["distance_m"]],
            mode="markers+text" if colour == RED else "markers",
            text=[f"{r:.2f}x" for r in part["spike_ratio"]] if colour == RED else None,
            textposition="top center",
            name=name,
            marker={"color": colour, "size": 11 if colour == RED else 7},
        )
    return _layout(fig, "Runs and spikes", units.value)


def shoes(shoe_frame: pd.DataFrame, units: DistanceUnit) -> go.Figure:
    """Distance per active pair as bars with its window marks (300/400/500 mi by default)."""
    fig = go.Figure()
    active = shoe_frame[~shoe_frame["retired"].astype(bool)] if not shoe_frame.empty else shoe_frame
    if active.empty:
        return _layout(fig, "Shoes", units.value)
    names = list(active["name"])
    colours = [
        {"replace": RED, "caution": AMBER, "window": "#ffd166"}.get(s, GREEN)
        for s in active["status"]
    ]
    fig.add_bar(
        y=names,
        x=[to_unit(v, units) for v in active["distance_m"]],
        orientation="h",
        marker_color=colours,
        name="distance",
        hovertemplate="%{y}: %{x:.0f} " + units.value + "<extra></extra>",
    )
    for label, values in (
        ("window start", active["window_start_m"]),
        ("caution", (active["window_start_m"] + active["window_end_m"]) / 2),
        ("replace", active["window_end_m"]),
    ):
        fig.add_scatter(
            y=names,
            x=[to_unit(v, units) for v in values],
            mode="markers",
            name=label,
            marker={
                "symbol": "line-ns-open",
                "size": 22,
                "color": GREY if label != "replace" else RED,
            },
        )
    fig.update_layout(height=120 + 50 * len(names))
    return _layout(fig, "Shoes", units.value)


def pain(entries: pd.DataFrame, thresholds: Thresholds, days: int = 42) -> go.Figure:
    """Pain during / after / next morning (0-10) over time with the model's zones shaded at the
    athlete's zone edges (default 0-2 safe, 3-5 acceptable, above 5 red)."""
    fig = go.Figure()
    safe, acceptable = thresholds.pain_safe_max + 0.5, thresholds.pain_acceptable_max + 0.5
    fig.add_hrect(y0=0, y1=safe, fillcolor=GREEN, opacity=0.08, line_width=0)
    fig.add_hrect(y0=safe, y1=acceptable, fillcolor=AMBER, opacity=0.08, line_width=0)
    fig.add_hrect(y0=acceptable, y1=10, fillcolor=RED, opacity=0.08, line_width=0)
    if not entries.empty:
        last = max(entries["entry_date"])
        recent = entries[entries["entry_date"] > last - pd.Timedelta(days=days)]
        for column, colour in (("during", AMBER), ("after", RED), ("morning", BLUE)):
            part = recent.dropna(subset=[column])
            fig.add_scatter(
                x=[d.isoformat() for d in part["entry_date"]],
                y=list(part[column]),
                mode="lines+markers",
                name=column,
                line={"color": colour},
            )
    fig.update_yaxes(range=[0, 10])
    return _layout(fig, "Pain (0-10)", "score")
