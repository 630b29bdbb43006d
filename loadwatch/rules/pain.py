"""R3 pain-monitoring model (Thomee 1997; Silbernagel 2007): zones, settling, trend, referral."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from loadwatch.domain import Alert, Severity
from loadwatch.load.frames import AVG_CADENCE_SPM, DESCENT_M
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext

GREEN, AMBER, RED = "green", "amber", "red"
LOOKBACK_DAYS = 7
KNEE_FRONT = "knee front"
KNEE_FRONT_ADVICE = (
    "Shorten and slow your runs for now; avoid downhill running and stairs.",
    "Rebuild distance before speed and hills.",
    "Hip and knee strengthening helps patellofemoral pain (international consensus).",
    "A 5-10% higher step rate reduces load on the front of the knee.",
)
KNEE_FRONT_CITATIONS = ("esculier2018", "crossley2016", "collins2018", "willson2014")


@dataclass(frozen=True, slots=True)
class PainDay:
    """The model's verdict on one post-run entry."""

    entry_date: date
    score: int  # max(during, after), 0-10
    zone: str
    settled: bool | None  # None until the next morning is logged
    next_morning: float | None
    baseline: float
    location: str | None
    activity_id: int | None


@dataclass(frozen=True, slots=True)
class PainStatus:
    """For the report: the latest zone and the week-on-week morning trend."""

    zone: str | None
    trend: str  # rising | steady | falling | unknown
    latest_date: date | None
    this_week_morning: float | None
    last_week_morning: float | None


def _int(value: object) -> int | None:
    if isinstance(value, int | float) and not math.isnan(value):
        return int(value)
    return None


def _mornings(pain: pd.DataFrame) -> dict[date, float]:
    """Morning score per day (the last one logged that day)."""
    return {
        day: float(score)
        for day, score in zip(pain["entry_date"], pain["morning"], strict=True)
        if score == score  # NaN != NaN: not a morning entry
    }


def pain_days(pain: pd.DataFrame, ctx: RuleContext) -> list[PainDay]:
    """Every post-run entry up to `as_of` with its zone, oldest first (one pass, no pandas
    filtering per entry: the squad view runs this for every athlete)."""
    if pain.empty:
        return []
    t = ctx.thresholds
    mornings = _mornings(pain)
    morning_days = sorted(mornings)
    days = []
    for row in pain.to_dict("records"):
        entry_date: date = row["entry_date"]
        during, after = _int(row["during"]), _int(row["after"])
        if (during is None and after is None) or entry_date > ctx.as_of:
            continue
        score = max(during or 0, after or 0)
        baseline = mornings.get(entry_date)
        if baseline is None:
            earlier = bisect_left(morning_days, entry_date)
            baseline = mornings[morning_days[earlier - 1]] if earlier else 0.0
        next_day = entry_date + timedelta(days=1)
        next_morning = mornings.get(next_day) if next_day <= ctx.as_of else None
        settled = None if next_morning is None else next_morning <= baseline
        if score > t.pain_acceptable_max or settled is False:
            zone = RED
        elif score > t.pain_safe_max:
            zone = AMBER
        else:
            zone = GREEN
        location = row["location"] if isinstance(row["location"], str) else None
        days.append(
            PainDay(
                entry_date,
                score,
                zone,
                settled,
                next_morning,
                baseline,
                location,
                _int(row["activity_id"]),
            )
        )
    return days


def _weekly_morning_means(
    pain: pd.DataFrame, week_start: date
) -> tuple[float | None, float | None]:
    mornings = _mornings(pain) if not pain.empty else {}

    def mean(start: date) -> float | None:
        scores = [v for d, v in mornings.items() if start <= d < start + timedelta(days=7)]
        return sum(scores) / len(scores) if scores else None

    return mean(week_start), mean(week_start - timedelta(days=7))


def pain_status(ctx: RuleContext, days: list[PainDay] | None = None) -> PainStatus:
    days = pain_days(ctx.pain, ctx) if days is None else days
    this_week, last_week = _weekly_morning_means(ctx.pain, week_start_of(ctx.as_of, ctx.week_start))
    if this_week is None or last_week is None:
        trend = "unknown"
    elif this_week > last_week:
        trend = "rising"
    elif this_week < last_week:
        trend = "falling"
    else:
        trend = "steady"
    latest = days[-1] if days else None
    zone = latest.zone if latest else None
    if trend == "rising" and zone is not None:
        zone = RED
    return PainStatus(zone, trend, latest.entry_date if latest else None, this_week, last_week)


def _context_evidence(ctx: RuleContext) -> dict[str, float]:
    """Knee-front context: this week's running descent and mean cadence (RULES.md R3)."""
    if ctx.weekly.empty:
        return {}
    last = ctx.weekly.iloc[-1]
    evidence = {"week_descent_m": float(last[DESCENT_M])}
    if not math.isnan(float(last[AVG_CADENCE_SPM])):
        evidence["week_avg_cadence_spm"] = float(last[AVG_CADENCE_SPM])
    return evidence


def pain(ctx: RuleContext) -> Iterator[Alert]:
    """R3: the latest post-run entry's zone, rising morning pain, and red twice in 7 days."""
    all_days = pain_days(ctx.pain, ctx)
    days = [d for d in all_days if d.entry_date > ctx.as_of - timedelta(LOOKBACK_DAYS)]
    status = pain_status(ctx, all_days)
    if days:
        latest = days[-1]
        where = f" ({latest.location})" if latest.location else ""
        is_knee = latest.location == KNEE_FRONT
        advice = KNEE_FRONT_ADVICE if is_knee and latest.zone != GREEN else ()
        citations = ("thomee1997", "silbernagel2007", *(KNEE_FRONT_CITATIONS if advice else ()))
        evidence = {"score": float(latest.score), "baseline_morning": latest.baseline}
        if latest.next_morning is not None:
            evidence["next_morning"] = latest.next_morning
        if is_knee:
            evidence.update(_context_evidence(ctx))
        when = f"{latest.entry_date:%a %d %b}"
        if latest.zone == RED and latest.settled is False:
            yield Alert(
                "pain",
                Severity.WARNING,
                f"Pain has not settled: morning pain {latest.next_morning:.0f}/10 after your "
                "run on "
                f"{when}{where} is above its pre-run level of {latest.baseline:.0f}/10; reduce "
                "load or swap the next run for cross-training.",
                evidence,
                citations,
                latest.entry_date,
                latest.activity_id,
                advice,
            )
        elif latest.zone == RED:
            yield Alert(
                "pain",
                Severity.WARNING,
                f"Pain {latest.score}/10 with your run on {when}{where} is in the red zone "
                f"(above {ctx.thresholds.pain_acceptable_max}); reduce load or swap the next run "
                "for cross-training.",
                evidence,
                citations,
                latest.entry_date,
                latest.activity_id,
                advice,
            )
        elif latest.zone == AMBER and latest.settled:
            yield Alert(
                "pain",
                Severity.INFO,
                f"Pain {latest.score}/10 with your run on {when}{where} settled by the next "
                f"morning ({latest.next_morning:.0f}/10): acceptable under the pain-monitoring "
                "model; keep logging.",
                evidence,
                ("thomee1997", "silbernagel2007"),
                latest.entry_date,
                latest.activity_id,
            )
        elif latest.zone == AMBER:
            yield Alert(
                "pain",
                Severity.CAUTION,
                f"Pain {latest.score}/10 with your run on {when}{where} is acceptable if it "
                "settles by the next morning and does not rise week to week; log your morning "
                "score.",
                evidence,
                citations,
                latest.entry_date,
                latest.activity_id,
                advice,
            )
        reds = [d for d in days if d.zone == RED]
        if len(reds) >= 2:
            dates = ", ".join(f"{d.entry_date:%a %d %b}" for d in reds)
            yield Alert(
                "pain",
                Severity.WARNING,
                f"Red-zone pain on {len(reds)} days within 7 days ({dates}): consider seeing a "
                "physiotherapist or sports doctor.",
                {"red_days": float(len(reds))},
                ("thomee1997", "silbernagel2007"),
                reds[-1].entry_date,
            )
    if status.trend == "rising" and status.this_week_morning is not None:
        yield Alert(
            "pain",
            Severity.WARNING,
            f"Morning pain is rising week to week (mean {status.this_week_morning:.1f}/10 this "
            f"week, {status.last_week_morning:.1f}/10 last week); reduce load or swap the next "
            "run for cross-training.",
            {
                "this_week_morning": status.this_week_morning,
                "last_week_morning": status.last_week_morning or 0.0,
            },
            ("thomee1997", "silbernagel2007"),
            ctx.as_of,
        )
