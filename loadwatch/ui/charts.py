"""Plotly figure builders: DataFrame in, go.Figure out; no st.* calls, so they unit-test alone."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from loadwatch.units import DistanceUnit, to_unit

if TYPE_CHECKING:
    from loadwatch.services import Thresholds

RED, AMBER, GREEN, GREY, BLUE = "#d62728", "#ff9f1c", "#2ca02c", "#9e9e9e", "#1f77b4"


# Plotly's own toolbar sits over a chart's title on a phone (issue #24); the charts need none.
CONFIG = {"displayModeBar": False}


def _layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    """The title at the top left, the legend in a row between it and the plot (issue #24: a
    legend under the plot sat on the x axis's title)."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        yaxis_title=y_title,
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        height=360,
    )
    return fig


MIN_SPAN_DAYS = 14  # a time axis never spans less: no hour or sub-second ticks (issue #12)
# Tick labels by zoom level: a day is the finest unit a load chart has.
_DATE_TICKS = [
    {"dtickrange": [None, "M1"], "value": "%d %b"},
    {"dtickrange": ["M1", "M12"], "value": "%b %Y"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]


def span(start: date | None, end: date, first_data_day: date | None) -> tuple[date, date]:
    """The days a time chart shows: `start` (None: from the first data day) to `end`, at
    least `MIN_SPAN_DAYS` long."""
    first = start or first_data_day or end
    return min(first, end - timedelta(days=MIN_SPAN_DAYS - 1)), end


def _time_axis(fig: go.Figure, first: date, last: date) -> None:
    """A date x-axis over whole days from `first` to `last` (never finer than a day)."""
    fig.update_xaxes(
        type="date",
        range=[f"{first - timedelta(days=1):%Y-%m-%d} 12:00", f"{last:%Y-%m-%d} 12:00"],
        tickformatstops=_DATE_TICKS,
        hoverformat="%a %d %b %Y",
    )


def _empty(fig: go.Figure, why: str) -> None:
    """Say on the chart why it has nothing to draw, instead of a bare -1..1 frame."""
    fig.add_annotation(
        text=why,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 14, "color": GREY},
    )
    fig.update_yaxes(range=[0, 1], showticklabels=False)


def _days(first: date, last: date) -> str:
    return f"{first:%d %b %Y} and {last:%d %b %Y}"


def weekly_distance(
    weekly: pd.DataFrame,
    units: DistanceUnit,
    thresholds: Thresholds,
    *,
    start: date | None = None,
    end: date | None = None,
) -> go.Figure:
    """Weekly running distance with the athlete's weekly-growth guideline line (default +10%)
    and progression line (default +30% over the week before), from `start` to `end`.

    Args:
        weekly: the report's weekly frame (`week_start`, `run_distance_m`, `growth_ratio`).
        thresholds: the athlete's thresholds: the lines move when a coach changes them.
        start: the first day shown (None: the first week of the log).
        end: the last day shown (None: the last week of the frame).
    """
    growth, progression = thresholds.weekly_growth_ratio, thresholds.two_week_growth_ratio
    fig = go.Figure()
    title = "Weekly running distance"
    if weekly.empty:
        if end is not None:
            _time_axis(fig, *span(start, end, None))
        _empty(fig, "No runs in your log yet: import some on the Import page")
        return _layout(fig, title, units.value)
    weeks = list(weekly["week_start"])
    first, last = span(start, end or weeks[-1] + timedelta(days=6), weeks[0])
    shown = [(first - timedelta(days=6)) <= w <= last for w in weeks]
    recent = weekly[shown]
    previous_all = weekly["run_distance_m"].shift(1)[shown]
    x = [d.isoformat() for d in recent["week_start"]]
    distance = [to_unit(v, units) for v in recent["run_distance_m"]]
    previous = [to_unit(v, units) for v in previous_all]
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
        hovertemplate="week of %{x|%a %d %b %Y}: %{y:.1f} " + units.value + "<extra></extra>",
        xperiod=7 * 86_400_000,
        xperiodalignment="start",
    )
    fig.add_scatter(
        x=x,
        y=[p * (1 + growth) if not math.isnan(p) else None for p in previous],
        name=f"+{growth:.0%} guideline",
        mode="lines",
        line={"color": GREEN, "dash": "dot", "shape": "hvh"},
        xperiod=7 * 86_400_000,
        xperiodalignment="middle",
    )
    fig.add_scatter(
        x=x,
        y=limit_30,
        name=f"+{progression:.0%} progression",
        mode="lines",
        line={"color": RED, "dash": "dash", "shape": "hvh"},
        xperiod=7 * 86_400_000,
        xperiodalignment="middle",
    )
    _time_axis(fig, first, last)
    fig.update_yaxes(rangemode="tozero")
    if not any(distance):
        _empty(fig, f"No running between {_days(first, last)}")
    return _layout(fig, title, units.value)


def runs(
    spikes: pd.DataFrame,
    units: DistanceUnit,
    thresholds: Thresholds,
    *,
    start: date | None = None,
    end: date | None = None,
) -> go.Figure:
    """Each run as a dot (local date vs distance) from `start` to `end` (None: the first and
    last run); spikes above the athlete's small-spike ratio (default 1.1x) marked, labelled."""
    fig = go.Figure()
    title = "Runs and spikes"
    if spikes.empty:
        if end is not None:
            _time_axis(fig, *span(start, end, None))
        _empty(fig, "No runs in your log yet: import some on the Import page")
        return _layout(fig, title, units.value)
    days = list(spikes["local_date"])
    first, last = span(start, end or max(days), min(days))
    recent = spikes[[first <= d <= last for d in days]]
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
            hovertemplate="%{x|%a %d %b %Y}: %{y:.1f} " + units.value + "<extra></extra>",
        )
    _time_axis(fig, first, last)
    fig.update_yaxes(rangemode="tozero")
    if recent.empty:
        _empty(fig, f"No runs between {_days(first, last)}")
    return _layout(fig, title, units.value)


SHOE_COLOURS = {"replace": RED, "caution": AMBER, "window": "#ffd166"}  # else GREEN


def shoe_colour(status: str) -> str:
    """A pair's colour by its status, the same in the chart and the Shoes page's bars."""
    return SHOE_COLOURS.get(status, GREEN)


def _shoe_axes(fig: go.Figure, units: DistanceUnit) -> go.Figure:
    """Horizontal bars: distance runs along x, the pairs down y (issue #12: axes labelled)."""
    _layout(fig, "Shoes", "")
    fig.update_layout(xaxis_title=f"distance ({units.value})", yaxis_title=None)
    fig.update_xaxes(rangemode="tozero")
    return fig


def shoes(shoe_frame: pd.DataFrame, units: DistanceUnit) -> go.Figure:
    """Distance per active pair as bars with its window marks (300/400/500 mi by default);
    an empty chart says why."""
    fig = go.Figure()
    active = shoe_frame[~shoe_frame["retired"].astype(bool)] if not shoe_frame.empty else shoe_frame
    if active.empty:
        fig.add_annotation(
            text="No pair in use: add one, or bring a retired pair back",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return _shoe_axes(fig, units)
    names = list(active["name"])
    colours = [shoe_colour(s) for s in active["status"]]
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
    _shoe_axes(fig, units)
    fig.update_layout(height=120 + 50 * len(names))
    return fig


def pain(
    entries: pd.DataFrame,
    thresholds: Thresholds,
    *,
    start: date | None = None,
    end: date | None = None,
) -> go.Figure:
    """Pain during / after / next morning (0-10) over time from `start` to `end` (None: the
    first and last entry) with the model's zones shaded at the athlete's zone edges (default
    0-2 safe, 3-5 acceptable, above 5 red)."""
    fig = go.Figure()
    safe, acceptable = thresholds.pain_safe_max + 0.5, thresholds.pain_acceptable_max + 0.5
    fig.add_hrect(y0=0, y1=safe, fillcolor=GREEN, opacity=0.08, line_width=0)
    fig.add_hrect(y0=safe, y1=acceptable, fillcolor=AMBER, opacity=0.08, line_width=0)
    fig.add_hrect(y0=acceptable, y1=10, fillcolor=RED, opacity=0.08, line_width=0)
    days = list(entries["entry_date"]) if not entries.empty else []
    last_day = end or (max(days) if days else None)
    first, last = span(start, last_day, min(days) if days else None) if last_day else (None, None)
    recent = entries[[first <= d <= last for d in days]] if first and last else entries
    for column, colour in (("during", AMBER), ("after", RED), ("morning", BLUE)):
        if recent.empty:
            break
        part = recent.dropna(subset=[column])
        fig.add_scatter(
            x=[d.isoformat() for d in part["entry_date"]],
            y=list(part[column]),
            mode="lines+markers",
            name=column,
            line={"color": colour},
            hovertemplate="%{x|%a %d %b %Y}: %{y:.0f}/10<extra>" + column + "</extra>",
        )
    if first and last:
        _time_axis(fig, first, last)
    fig.update_yaxes(range=[0, 10])
    if recent.empty:
        fig.add_annotation(
            text=(
                f"No pain logged between {_days(first, last)}"
                if days and first and last
                else "No pain logged yet: the Log pain page takes a score after a run"
            ),
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            font={"size": 14, "color": GREY},
        )
    return _layout(fig, "Pain (0-10)", "score")


def track_outline(track: pd.DataFrame) -> go.Figure:
    """An activity's route as a line of latitude against longitude at true proportions (one
    metre east is as long as one metre north), start and finish marked; no map tiles, so it
    draws offline (issue #12).

    Args:
        track: `services.activity_track(...).frame` (`lat`, `lon`).
    """
    fig = go.Figure()
    located = track.dropna(subset=["lat", "lon"])
    if located.empty:
        _empty(fig, "No GPS positions: an indoor or treadmill activity has no outline")
        fig.update_xaxes(visible=False)
        return _layout(fig, "Route", "")
    fig.add_scatter(
        x=list(located["lon"]),
        y=list(located["lat"]),
        mode="lines",
        line={"color": BLUE, "width": 3},
        name="route",
        hoverinfo="skip",
    )
    for row, name, colour in ((0, "start", GREEN), (-1, "finish", RED)):
        fig.add_scatter(
            x=[located["lon"].iloc[row]],
            y=[located["lat"].iloc[row]],
            mode="markers",
            marker={"color": colour, "size": 12, "line": {"color": "white", "width": 2}},
            name=name,
        )
    # Degrees of longitude shrink with cos(latitude): scale x so the outline is not stretched.
    ratio = math.cos(math.radians(float(located["lat"].mean())))
    fig.update_xaxes(scaleanchor="y", scaleratio=max(ratio, 0.01), visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=420, plot_bgcolor="#f4f6f8")
    return _layout(fig, "Route", "")


def _clock(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def track_curves(
    track: pd.DataFrame, units: DistanceUnit, cadence_unit: str, *, is_ride: bool = False
) -> go.Figure:
    """Pace, heart rate, cadence and elevation against elapsed time, one panel each, sharing
    the time axis (Garmin Connect's activity charts); a panel the file has no values for says
    so. Pace is per km or per mile in the athlete's units, faster at the top.

    Args:
        track: `services.activity_track(...).frame` (`elapsed_s`, `pace_s_per_km`,
            `heart_rate_bpm`, `cadence`, `elevation_m`).
        cadence_unit: "spm" (steps per minute, on foot) or "rpm".
        is_ride: speed (km/h or mph) instead of pace (issue #24).
    """
    per = "km" if units is DistanceUnit.KM else "mi"
    speed_title = f"speed ({'km/h' if units is DistanceUnit.KM else 'mph'})"
    panels = (
        ("pace_s_per_km", speed_title if is_ride else f"pace (min/{per})", BLUE),
        ("heart_rate_bpm", "heart rate (bpm)", RED),
        ("cadence", f"cadence ({cadence_unit})", "#9467bd"),
        ("elevation_m", "elevation (m)", GREEN),
    )
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[title for _, title, _ in panels],
    )
    minutes = track["elapsed_s"] / 60 if not track.empty else pd.Series(dtype=float)
    clock = [_clock(s) for s in track["elapsed_s"]] if not track.empty else []
    per_unit = to_unit(1000.0, units)  # units per km: 1 for km, 0.62 for miles
    for row, (column, title, colour) in enumerate(panels, start=1):
        values = track[column].astype(float) if not track.empty else pd.Series(dtype=float)
        if column == "pace_s_per_km":
            values = values / per_unit  # seconds per km -> seconds per unit
            if is_ride:  # seconds per unit -> units per hour
                values = (3600 / values.where(values > 0)).astype(float)
        present = values.notna()
        if not present.any():
            fig.add_annotation(
                text=f"no {title.split(' (')[0]} in this file",
                xref="x domain",
                yref="y domain",
                x=0.5,
                y=0.5,
                showarrow=False,
                font={"color": GREY},
                row=row,
                col=1,
            )
            fig.update_yaxes(showticklabels=False, row=row, col=1)
            continue
        if column == "pace_s_per_km" and not is_ride:
            text = [_clock(v) if v == v else "" for v in values]
            hover = "%{customdata}: %{text} /" + per + "<extra></extra>"
            low = float(values[present].quantile(0.02))
            high = float(values[present].quantile(0.98))
            ticks = _pace_ticks(low, high)
            fig.update_yaxes(
                autorange=False,
                range=[high + 10, max(low - 10, 0)],  # faster (smaller) at the top
                tickvals=ticks,
                ticktext=[_clock(t) for t in ticks],
                row=row,
                col=1,
            )
        else:
            text = [f"{v:.0f}" if v == v else "" for v in values]
            hover = "%{customdata}: %{text}<extra>" + title + "</extra>"
        fig.add_scatter(
            x=list(minutes),
            y=list(values),
            customdata=clock,
            text=text,
            mode="lines",
            line={"color": colour, "width": 1.5},
            name=title,
            hovertemplate=hover,
            connectgaps=False,
            row=row,
            col=1,
        )
    fig.update_xaxes(title_text="time (minutes)", row=len(panels), col=1)
    fig.update_layout(height=620, showlegend=False, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def _pace_ticks(fastest_s: float, slowest_s: float) -> list[float]:
    """Whole-minute or half-minute ticks over a pace range (seconds per unit)."""
    step = 30.0 if slowest_s - fastest_s <= 240 else 60.0
    first = math.floor(fastest_s / step) * step
    return [first + i * step for i in range(int((slowest_s - first) // step) + 2)]
