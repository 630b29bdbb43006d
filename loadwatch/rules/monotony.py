"""R5 monotony and strain (Foster 1998) and R6 ACWR (context only, labelled contested)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from loadwatch.domain import Alert, Severity
from loadwatch.load.daily import acwr as acwr_value
from loadwatch.load.daily import monotony_and_strain, with_logged_strength
from loadwatch.load.frames import EFFORT_RPE, LOCAL_DATE
from loadwatch.rules.context import RuleContext

# The context's memo names of the measures below: the squad (rules/batch.py) prepares them for
# every athlete at once (issue #27).
MONOTONY_MEMO = "monotony-week"
ACWR_MEMO = "acwr"


@dataclass(frozen=True, slots=True)
class WeekMonotony:
    """R5 over the last 7 days: Foster's monotony and strain, the week's load (session-RPE
    units, logged strength included), and the week's sessions from files (all, and those with
    a logged effort)."""

    monotony: float
    strain: float
    week_load: float
    sessions: int
    rated: int


def week_monotony(ctx: RuleContext) -> WeekMonotony:
    """R5's measures for `ctx`, computed once per context (or as the squad prepared them)."""
    return ctx.memo(MONOTONY_MEMO, lambda: _week_monotony(ctx))


def _week_monotony(ctx: RuleContext) -> WeekMonotony:
    daily = with_logged_strength(ctx.daily, ctx.activities, ctx.strength_dates)
    value, strain = monotony_and_strain(daily)
    week = ctx.activities[ctx.activities[LOCAL_DATE] > ctx.as_of - timedelta(days=7)]
    rated = int(week[EFFORT_RPE].notna().sum())
    return WeekMonotony(value, strain, float(daily.iloc[-7:].sum()), len(week), rated)


def context_acwr(ctx: RuleContext) -> float | None:
    """`acwr(ctx.daily)`, computed once per context (or as the squad prepared it)."""
    return ctx.memo(ACWR_MEMO, lambda: acwr_value(ctx.daily))


def monotony(ctx: RuleContext) -> Iterator[Alert]:
    measures = week_monotony(ctx)
    value, strain = measures.monotony, measures.strain
    t = ctx.thresholds
    if value < t.monotony_info:
        return
    severity = Severity.CAUTION if value >= t.monotony_caution else Severity.INFO
    shown = "10 or more" if value >= 10 else f"{value:.1f}"
    rated = measures.rated
    yield Alert(
        "monotony",
        severity,
        f"Training monotony is {shown} over the last 7 days (daily load mean / SD; strain "
        f"{strain:.0f}): vary your week with easier days, rest or cross-training.",
        {
            "monotony": value,
            "strain": strain,
            "week_load": measures.week_load,
            # which effort the load used: the watch's or export's rating, else the sport default
            "sessions_with_logged_effort": float(rated),
            "sessions_with_default_effort": float(measures.sessions - rated),
        },
        ("foster1998", "foster2001", "runalyze"),
        ctx.as_of,
    )


def acwr(ctx: RuleContext) -> Iterator[Alert]:
    """Context only: shown when outside 0.8-1.3, always labelled contested, never a warning."""
    value = context_acwr(ctx)
    t = ctx.thresholds
    if value is None or t.acwr_low <= value < t.acwr_high:
        return
    if value >= t.acwr_danger:
        band = "the 'danger' band"
    elif value >= t.acwr_high:
        band = "the 'high' band"
    else:
        band = "the 'low' band"
    yield Alert(
        "acwr",
        Severity.INFO,
        f"Acute:chronic workload ratio {value:.2f} ({band}). Context only: this metric is "
        "contested and did not predict injury in a large runner cohort.",
        {"acwr": value},
        ("williams2017", "gabbett2016", "lolli2019", "impellizzeri2021", "frandsen2025"),
        ctx.as_of,
    )
