"""Small-frame factories for the pure load/ and rules/ tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from loadwatch.domain import (
    InjuryPeriod,
    ParsedActivity,
    PlanDay,
    PlanKind,
    PlanSettings,
    SourceFormat,
    Sport,
)
from loadwatch.load.frames import ACTIVITY_COLUMNS, PAIN_COLUMNS, SHOE_COLUMNS
from loadwatch.report import Report, build_report
from loadwatch.rules.context import rule_context
from loadwatch.rules.thresholds import Thresholds
from loadwatch.units import DistanceUnit

Run = tuple  # (local datetime, km[, utc offset hours[, sport[, shoe_id[, effort]]]])


def make_runs(runs: Sequence[Run]) -> pd.DataFrame:
    """An activities frame from (local start, km, offset h, sport, shoe id, effort) tuples."""
    rows = []
    for index, spec in enumerate(runs):
        local, km = spec[0], spec[1]
        offset_h = spec[2] if len(spec) > 2 else 0
        sport = spec[3] if len(spec) > 3 else "run"
        shoe = spec[4] if len(spec) > 4 else None
        effort = spec[5] if len(spec) > 5 else None
        started = (local - timedelta(hours=offset_h)).replace(tzinfo=UTC)
        minutes = km * 5.5
        rows.append(
            {
                "activity_id": index + 1,
                "sport": sport,
                "started_at": started,
                "utc_offset_s": int(offset_h * 3600),
                "distance_m": km * 1000.0,
                "duration_s": minutes * 60,
                "moving_s": minutes * 60,
                "descent_m": 10.0 * km,
                "avg_cadence_spm": 170.0,
                "effort_rpe": effort,
                "shoe_id": shoe,
            }
        )
    frame = pd.DataFrame(rows, columns=list(ACTIVITY_COLUMNS))
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    for column in (
        "effort_rpe",
        "shoe_id",
        "distance_m",
        "moving_s",
        "descent_m",
        "avg_cadence_spm",
    ):
        frame[column] = frame[column].astype("float64")
    return frame


def make_pain(entries: Sequence[dict[str, object]]) -> pd.DataFrame:
    rows = [{c: e.get(c) for c in PAIN_COLUMNS} for e in entries]
    frame = pd.DataFrame(rows, columns=list(PAIN_COLUMNS))
    for column in ("during", "after", "morning"):
        frame[column] = frame[column].astype("float64")
    return frame


def make_shoes(shoes: Sequence[dict[str, object]]) -> pd.DataFrame:
    mile = 1609.344
    rows = [
        {
            "shoe_id": s.get("shoe_id", i + 1),
            "name": s.get("name", f"pair {i + 1}"),
            "starting_distance_m": float(s.get("start_m", 0.0)),  # type: ignore[arg-type]
            "window_start_m": float(s.get("window_start_m", 300 * mile)),  # type: ignore[arg-type]
            "window_end_m": float(s.get("window_end_m", 500 * mile)),  # type: ignore[arg-type]
            "retired": bool(s.get("retired", False)),
            "is_default": bool(s.get("is_default", i == 0)),
        }
        for i, s in enumerate(shoes)
    ]
    return pd.DataFrame(rows, columns=list(SHOE_COLUMNS))


def report_for(
    runs: Sequence[Run],
    as_of: date,
    *,
    pain: Sequence[dict[str, object]] = (),
    shoes: Sequence[dict[str, object]] = (),
    units: DistanceUnit = DistanceUnit.KM,
    week_start: int = 0,
    thresholds: Thresholds | None = None,
    injuries: Sequence[InjuryPeriod] = (),
    strength_dates: Sequence[date] = (),
    strength_target_per_week: int | None = None,
    plan_settings: PlanSettings | None = None,
    with_changes: bool = True,
) -> Report:
    """The report for `runs` as of a day; `with_changes=False` skips "what changed since
    yesterday" (it recomputes yesterday's plan) for tests that read only today's plan."""
    ctx = rule_context(
        make_runs(runs),
        make_shoes(shoes),
        make_pain(pain),
        as_of,
        units,
        week_start,
        thresholds,
        injuries=injuries,
        strength_dates=strength_dates,
        strength_target_per_week=strength_target_per_week,
        plan_settings=plan_settings,
    )
    return build_report("test", ctx, with_changes=with_changes)


def run_cut(promised: PlanDay, now: PlanDay) -> bool:
    """A promised run withdrawn, or its cap cut by more than 3 % (100 m at least): the season
    harness's and the promise property's own measure, independent of `PlanChange.is_withdrawn`."""
    if promised.kind is not PlanKind.RUN:
        return False
    if now.kind is not PlanKind.RUN:
        return True
    old, new = promised.max_distance_m or 0.0, now.max_distance_m or 0.0
    return new < old - max(100.0, 0.03 * old)


def at(day: date, hour: int = 7, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def rule(report: Report, rule_id: str) -> list:
    return [a for a in report.alerts if a.rule_id == rule_id]


def parsed_activity(**changes: object) -> ParsedActivity:
    """A plausible 10 km run as an importer returns it, with `changes` applied (SI, UTC)."""
    base = ParsedActivity(
        sport=Sport.RUN,
        sub_sport=None,
        started_at=datetime(2026, 3, 1, 7, 0, tzinfo=UTC),
        utc_offset_s=None,
        distance_m=10_000.0,
        duration_s=3_000.0,
        moving_s=2_900.0,
        ascent_m=50.0,
        descent_m=50.0,
        avg_hr_bpm=150.0,
        avg_cadence_spm=170.0,
        device=None,
        source_format=SourceFormat.GPX,
    )
    return replace(base, **changes)  # type: ignore[arg-type]
