"""Build the RuleContext from frames and evaluate it: the pure half of the report use case.

Kept apart from services.py (which does the I/O) so the dashboard, the CLI and the tests all
derive the same numbers from the same frames.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from loadwatch.domain import Alert, PlanDay
from loadwatch.load.daily import acwr, monotony_and_strain
from loadwatch.load.frames import RUN_DISTANCE_M
from loadwatch.load.weekly import (
    four_week_mean,
    two_week_growth,
    week_over_week_growth,
)
from loadwatch.rules import evaluate
from loadwatch.rules.context import RuleContext
from loadwatch.rules.cross_training import weekly_plan
from loadwatch.rules.mileage import next_run_cap_m
from loadwatch.rules.pain import PainStatus, pain_status
from loadwatch.rules.thresholds import Thresholds
from loadwatch.units import DistanceUnit

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Report:
    """One athlete's status as of a local day: the numbers every view shows."""

    athlete: str
    as_of: date
    units: DistanceUnit
    week_start: int
    thresholds: Thresholds
    weekly: pd.DataFrame
    spikes: pd.DataFrame
    activities: pd.DataFrame
    shoes: pd.DataFrame
    pain_entries: pd.DataFrame
    daily: pd.Series
    alerts: list[Alert]
    plan: list[PlanDay]
    pain: PainStatus
    monotony: float
    strain: float
    acwr: float | None
    next_run_cap_m: float | None


def build_report(athlete: str, ctx: RuleContext) -> Report:
    """Evaluate every rule for one athlete and add the plan and context (see `rule_context`)."""
    weekly = ctx.weekly
    if not weekly.empty:
        weekly = pd.concat(
            [
                weekly,
                week_over_week_growth(weekly),
                two_week_growth(weekly),
                four_week_mean(weekly),
            ],
            axis=1,
        )
    alerts = evaluate(ctx)
    monotony, strain = monotony_and_strain(ctx.daily)
    return Report(
        athlete=athlete,
        as_of=ctx.as_of,
        units=ctx.units,
        week_start=ctx.week_start,
        thresholds=ctx.thresholds,
        weekly=weekly,
        spikes=ctx.spikes,
        activities=ctx.activities,
        shoes=ctx.shoes,
        pain_entries=ctx.pain,
        daily=ctx.daily,
        alerts=alerts,
        plan=weekly_plan(ctx, alerts),
        pain=pain_status(ctx),
        monotony=monotony,
        strain=strain,
        acwr=acwr(ctx.daily) if len(ctx.daily) >= 28 else None,
        next_run_cap_m=next_run_cap_m(ctx.spikes, ctx.as_of, ctx.thresholds.small_spike_ratio),
    )


@dataclass(frozen=True)
class SquadStatus:
    """What the coach's squad row needs: the alerts and the frames they came from."""

    athlete: str
    ctx: RuleContext
    alerts: list[Alert]
    pain: PainStatus


def squad_status(athlete: str, ctx: RuleContext) -> SquadStatus:
    """The rules without the plan and the report's extra columns: the squad view's cost."""
    return SquadStatus(athlete, ctx, evaluate(ctx), pain_status(ctx))


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if pd.isna(number) else number


def report_json(report: Report) -> dict[str, Any]:
    """The stable `loadwatch report --json` contract (docs/report.md)."""
    weekly = report.weekly
    this_week = _num(weekly[RUN_DISTANCE_M].iloc[-1]) if not weekly.empty else None
    mean4 = _num(weekly["four_week_mean_m"].iloc[-1]) if not weekly.empty else None
    data = {
        "athlete": report.athlete,
        "as_of": report.as_of.isoformat(),
        "units": report.units.value,
        "week_start": WEEKDAYS[report.week_start],
        "weeks": [
            {
                "week_start": row["week_start"].isoformat(),
                "run_distance_m": float(row["run_distance_m"]),
                "growth_ratio": _num(row["growth_ratio"]),
                "runs": int(row["runs"]),
                "descent_m": float(row["descent_m"]),
                "avg_cadence_spm": _num(row["avg_cadence_spm"]),
            }
            for row in weekly.to_dict("records")
        ],
        "alerts": [
            {
                "rule_id": a.rule_id,
                "severity": a.severity.value,
                "message": a.message,
                "evidence": dict(a.evidence),
                "citations": list(a.citations),
                "date": a.date.isoformat(),
                "activity_id": a.activity_id,
                "advice": list(a.advice),
            }
            for a in report.alerts
        ],
        "shoes": [
            {
                "name": str(row["name"]),
                "distance_m": float(row["distance_m"]),
                "status": str(row["status"]),
                "runs": int(row["runs"]),
                "window_start_m": float(row["window_start_m"]),
                "window_end_m": float(row["window_end_m"]),
                "is_default": bool(row["is_default"]),
            }
            for _, row in report.shoes.iterrows()
        ],
        "pain": {
            "zone": report.pain.zone,
            "trend": report.pain.trend,
            "latest_date": report.pain.latest_date.isoformat() if report.pain.latest_date else None,
            "this_week_morning": report.pain.this_week_morning,
            "last_week_morning": report.pain.last_week_morning,
        },
        "plan": [
            {
                "date": p.date.isoformat(),
                "kind": p.kind.value,
                "reason": p.reason,
                "max_distance_m": p.max_distance_m,
                "sport": p.sport,
                "caused_by": p.caused_by,
                "done": p.done,
            }
            for p in report.plan
        ],
        "context": {
            "this_week_m": this_week,
            "four_week_mean_m": mean4,
            "this_week_vs_four_week_mean_ratio": (this_week / mean4 - 1)
            if this_week is not None and mean4
            else None,
            "monotony": report.monotony,
            "strain": report.strain,
            "acwr": report.acwr,
            "next_run_cap_m": report.next_run_cap_m,
        },
    }
    json.dumps(data)  # fail here, not in a caller, if anything is not JSON-serialisable
    return data


def recent_history_start(as_of: date) -> date:
    """How far back a squad row needs data: 30-day spike windows, 3 weeks of growth, EWMA."""
    return as_of - timedelta(days=120)
