"""Build the RuleContext from frames and evaluate it: the pure half of the report use case.

Kept apart from services (which do the I/O) so the dashboard, the CLI and the tests all
derive the same numbers from the same frames.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from loadwatch.domain import WEEKDAYS, Alert, PlanDay
from loadwatch.load.daily import acwr, monotony_and_strain, with_logged_strength
from loadwatch.load.frames import LOCAL_DATE, RUN_DISTANCE_M
from loadwatch.load.weekly import (
    four_week_mean,
    week_over_week_growth,
)
from loadwatch.rules import evaluate
from loadwatch.rules.context import RuleContext
from loadwatch.rules.injury import InjuryState, injury_state
from loadwatch.rules.mileage import four_weeks_to_date_mean_m, week_to_date
from loadwatch.rules.pain import PainStatus, pain_status
from loadwatch.rules.plan import weekly_plan
from loadwatch.rules.plan_caps import current_week_m, headline_cap_m
from loadwatch.rules.plan_changes import PlanChange, plan_changes
from loadwatch.rules.season import SEASON_WEEKS, Season, season
from loadwatch.rules.strength import StrengthCount, strength_count
from loadwatch.rules.thresholds import Thresholds
from loadwatch.units import DistanceUnit


@dataclass(frozen=True, slots=True)
class Headline:
    """The typed numbers at the top of This week and of a squad row (metres, ratios).

    `growth_to_date_ratio` compares this week so far with last week up to the same weekday
    (R2: never a part week against a whole one); None when last week had no running by then.
    """

    this_week_m: float
    last_week_to_date_m: float
    last_week_m: float
    growth_to_date_ratio: float | None
    four_week_mean_m: float | None
    next_run_cap_m: float | None
    next_run_note: str
    last_run_date: date | None
    pain_zone: str | None
    pain_trend: str
    # The four weeks before, each up to the same weekday (issue #24: like with like).
    four_week_mean_to_date_m: float | None = None
    pain_settled: bool | None = None  # the latest pain day settled by the next morning


def headline(ctx: RuleContext, plan: list[PlanDay] | None, pain: PainStatus) -> Headline:
    """The headline for `ctx` (pass the plan to get the next run's cap, None to skip it)."""
    week = week_to_date(ctx.run_log, ctx.as_of, ctx.week_start)
    cap = headline_cap_m(ctx, plan) if plan is not None else None
    last_run = ctx.spikes[LOCAL_DATE].iloc[-1] if not ctx.spikes.empty else None
    if ctx.spikes.empty:
        note = "no runs in your log yet"
    elif cap is None:
        note = "no run planned in the next 7 days (see the plan for why)"
    else:
        day = next(p.date for p in plan or [] if p.max_distance_m == cap)
        note = f"next run {day:%a %d %b}: keep under {ctx.distance(cap)}"
    mean = four_week_mean(ctx.weekly).iloc[-1] if not ctx.weekly.empty else None
    return Headline(
        this_week_m=week.this_m,
        last_week_to_date_m=week.previous_m,
        last_week_m=week.previous_whole_m,
        growth_to_date_ratio=None if week.previous_m <= 0 else week.ratio,
        four_week_mean_m=_num(mean),
        next_run_cap_m=cap,
        next_run_note=note,
        last_run_date=last_run,
        pain_zone=pain.zone,
        pain_trend=pain.trend,
        four_week_mean_to_date_m=four_weeks_to_date_mean_m(ctx.run_log, ctx.as_of, ctx.week_start)
        if not ctx.weekly.empty
        else None,
        pain_settled=pain.settled,
    )


def build_plan(ctx: RuleContext) -> tuple[PlanDay, ...]:
    """The report's plan alone (`build_report(...).plan`), without the rest of the report:
    what the calendar shows ahead (issue #27)."""
    return tuple(_plan(ctx, evaluate(ctx), SEASON_WEEKS))


def _plan(ctx: RuleContext, alerts: list[Alert], weeks: int) -> list[PlanDay]:
    return weekly_plan(ctx, alerts, season(ctx, weeks))


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
    headline: Headline
    injury: InjuryState | None = None  # an ongoing period or the return ladder (issue #14)
    strength: StrengthCount | None = None  # sessions against the programme (issue #22)
    season: Season | None = None  # the weeks ahead (issue #20)
    changes: tuple[PlanChange, ...] = ()  # days changed since yesterday morning, and why (#20)

    @property
    def next_run_cap_m(self) -> float | None:
        """The first planned run's cap (metres); None when the plan holds no run."""
        return self.headline.next_run_cap_m


def build_report(
    athlete: str, ctx: RuleContext, weeks: int = SEASON_WEEKS, *, with_changes: bool = True
) -> Report:
    """Evaluate every rule for one athlete and add the plan, the season (`weeks` weeks, the
    current one included), what changed in the plan since yesterday morning and why
    (`with_changes`: it recomputes yesterday's plan) and context (see `rule_context`)."""
    weekly = ctx.weekly
    if not weekly.empty:
        weekly = pd.concat(
            [
                weekly,
                week_over_week_growth(weekly),
                four_week_mean(weekly),
            ],
            axis=1,
        )
    alerts = evaluate(ctx)
    monotony, strain = monotony_and_strain(
        with_logged_strength(ctx.daily, ctx.activities, ctx.strength_dates)
    )
    plan = _plan(ctx, alerts, weeks)
    # the weeks ahead as the plan's own week 1 leads into them (what the plan itself used)
    the_season = season(ctx, weeks, current_week_m=current_week_m(ctx, plan))
    pain = pain_status(ctx)
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
        plan=plan,
        pain=pain,
        monotony=monotony,
        strain=strain,
        acwr=acwr(ctx.daily),
        headline=headline(ctx, plan, pain),
        injury=injury_state(ctx),
        strength=strength_count(ctx),
        season=the_season,
        changes=tuple(plan_changes(ctx, plan)) if with_changes else (),
    )


@dataclass(frozen=True)
class SquadStatus:
    """What the coach's squad row needs: the alerts and the frames they came from."""

    athlete: str
    ctx: RuleContext
    alerts: list[Alert]
    pain: PainStatus
    headline: Headline


def squad_status(athlete: str, ctx: RuleContext) -> SquadStatus:
    """The rules without the plan and the report's extra columns: the squad view's cost."""
    pain = pain_status(ctx)
    return SquadStatus(athlete, ctx, evaluate(ctx), pain, headline(ctx, None, pain))


def _num(value: Any) -> float | None:
    """A JSON number, or None for missing and non-finite values (JSON has no NaN/Infinity)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def report_json(report: Report) -> dict[str, Any]:
    """The stable `loadwatch report --json` contract (docs/report.md).

    Long on purpose: one literal that reads like the documented JSON, field by field.
    """
    weekly = report.weekly
    this_week = _num(weekly[RUN_DISTANCE_M].iloc[-1]) if not weekly.empty else None
    mean4 = _num(weekly["four_week_mean_m"].iloc[-1]) if not weekly.empty else None
    mean_to_date = report.headline.four_week_mean_to_date_m
    data: dict[str, Any] = {
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
                "evidence": {k: _num(v) for k, v in a.evidence.items()},
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
            "settled": report.pain.settled,
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
                "strength": p.strength,
            }
            for p in report.plan
        ],
        "context": {
            "this_week_m": this_week,
            "four_week_mean_m": mean4,
            "this_week_vs_four_week_mean_ratio": (this_week / mean4 - 1)
            if this_week is not None and mean4
            else None,
            "four_week_mean_to_date_m": report.headline.four_week_mean_to_date_m,
            "this_week_vs_four_week_mean_to_date_ratio": (this_week / mean_to_date - 1)
            if this_week is not None and mean_to_date
            else None,
            "monotony": _num(report.monotony),
            "strain": _num(report.strain),
            "acwr": _num(report.acwr),
            "next_run_cap_m": report.next_run_cap_m,
            "next_run_note": report.headline.next_run_note,
            "last_week_to_date_m": report.headline.last_week_to_date_m,
            "last_week_m": report.headline.last_week_m,
            "growth_to_date_ratio": report.headline.growth_to_date_ratio,
            "last_run_date": report.headline.last_run_date.isoformat()
            if report.headline.last_run_date
            else None,
        },
    }
    data["injury"] = injury_json(report.injury)
    data["strength"] = strength_json(report.strength)
    data["season"] = season_json(report.season)
    data["plan_changes"] = [
        {
            "date": c.date.isoformat(),
            "before": c.before,
            "after": c.after,
            "reasons": list(c.reasons),
            "is_withdrawn": c.is_withdrawn,
        }
        for c in report.changes
    ]
    # Fail here, not in a caller, if anything is not strict JSON (NaN and Infinity are not).
    json.dumps(data, allow_nan=False)
    return data


def recent_history_start(as_of: date) -> date:
    """How far back a squad row needs data: 30-day spike windows, 3 weeks of growth, EWMA."""
    return as_of - timedelta(days=120)


def strength_json(count: StrengthCount | None) -> dict[str, Any] | None:
    """The report's `strength` object (docs/report.md, issue #22): logged sessions and strength
    activities from files, this local week against the programme's target, and the share of
    the target done in the last 28 days."""
    if count is None:
        return None
    return {
        "sessions_this_week": count.sessions_this_week,
        "target_per_week": count.target_per_week,
        "last_session_date": count.last_session_date.isoformat()
        if count.last_session_date
        else None,
        "sessions_4_weeks": count.sessions_4_weeks,
        "adherence_4_weeks": count.adherence_4_weeks,
    }


def season_json(the_season: Season | None) -> dict[str, Any] | None:
    """The report's `season` object (docs/report.md): run days, goal, level and the weeks ahead."""
    if the_season is None:
        return None
    goal = the_season.goal
    return {
        "run_weekdays": [WEEKDAYS[w] for w in the_season.habit.weekdays],
        "run_days_from": the_season.habit.source,
        "long_run_weekday": None
        if the_season.habit.long_weekday is None
        else WEEKDAYS[the_season.habit.long_weekday],
        "long_run_share": _num(the_season.long_share),
        "goal": None
        if goal is None
        else {
            "kind": goal.kind.value,
            "weekly_m": goal.weekly_m,
            "race_date": goal.race_date.isoformat() if goal.race_date else None,
            "race_m": goal.race_m,
        },
        "level_m": _num(the_season.level_m),
        "level_note": the_season.level_note,
        "returning_week": the_season.returning_week,
        "weeks": [
            {
                "week_start": w.week_start.isoformat(),
                "target_m": _num(w.target_m),
                "kind": w.kind,
                "reason": w.reason,
                "done_m": _num(w.done_m),
            }
            for w in the_season.weeks
        ],
    }


def injury_json(state: InjuryState | None) -> dict[str, Any]:
    """The report's `injury` object (docs/report.md): the ongoing period, or the return."""
    ongoing = state.ongoing if state else None
    ladder = state.ladder if state else None
    return {
        "ongoing": None
        if ongoing is None or state is None
        else {
            "id": ongoing.id,
            "start": ongoing.start_date.isoformat(),
            "location": ongoing.location,
            "side": ongoing.side,
            "days_so_far": state.days_so_far,
            "days_without_running": state.days_without_running,
        },
        "return": None
        if ladder is None
        else {
            "injury_id": ladder.injury.id,
            "end": ladder.injury.end_date.isoformat() if ladder.injury.end_date else None,
            "step": ladder.step.number,
            "steps": len(ladder.steps),
            "step_distance_m": ladder.step.distance_m,
            "pattern": ladder.step.pattern,
            "base_m": ladder.base_m,
            "is_complete": ladder.is_complete,
            "runs": [
                {
                    "date": r.run_date.isoformat(),
                    "distance_m": r.distance_m,
                    "step": r.step,
                    "outcome": r.outcome,
                    "score": r.score,
                }
                for r in ladder.runs
            ],
        },
    }
