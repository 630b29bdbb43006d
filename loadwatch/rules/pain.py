"""R3 pain-monitoring model (Thomee 1997; Silbernagel 2007): zones, settling, trend, referral.

One post-run entry counts per run (per day when it names no run) and one morning score per day:
the latest saved wins, so saving twice never counts twice. Pain at a possible bone-stress site
(shin, foot) is outside what the model was validated for (Warden et al. 2014).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from loadwatch.domain import Alert, Severity
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext, weekly_columns
from loadwatch.rules.thresholds import Thresholds

GREEN, AMBER, RED = "green", "amber", "red"
LOOKBACK_DAYS = 7
PAIN_DAYS_MEMO = "pain_days"  # RuleContext.memo key of the context's judged days
MORNINGS_MEMO = "pain_mornings"  # ... and of its morning scores (`context_mornings`)
RECENT_PAIN_DAYS_MEMO = "recent_pain_days"  # ... and of the last LOOKBACK_DAYS' judged days
PAIN_LISTS_MEMO = "pain_lists"  # ... and of its entries as column lists (`pain_lists`)
PAIN_LIST_COLUMNS = ("entry_date", "location", "during", "after")


@dataclass(frozen=True, slots=True)
class PainLists:
    """`ctx.pain` as column lists (PAIN_LIST_COLUMNS: scores as floats, NaN for none), in its
    order: what the strength rule walks through entry by entry."""

    entry_date: list[date]
    location: list[Any]
    during: list[float]
    after: list[float]

    @classmethod
    def of(cls, pain: pd.DataFrame) -> PainLists:
        return cls(*(pain[c].tolist() for c in PAIN_LIST_COLUMNS))


def pain_lists(ctx: RuleContext) -> PainLists:
    """`ctx.pain` as column lists, read once per context (issue #27: the squad prepares them)."""
    return ctx.memo(PAIN_LISTS_MEMO, lambda: PainLists.of(ctx.pain))


TREND_MIN_READINGS = 2  # morning scores in each of the two weeks before a trend is named
KNEE_FRONT = "knee front"
BONE_STRESS_SITES = ("shin", "foot")  # [warden2014]
KNEE_FRONT_ADVICE = (
    "Shorten and slow your runs for now; avoid downhill running and stairs (Esculier 2018).",
    "Rebuild distance before speed and hills (Esculier 2018).",
    "Hip and knee strengthening helps patellofemoral pain (international consensus, Crossley "
    "2016; Collins 2018): clamshell, side-lying leg raise, bridge, squat, lunge and step-up, "
    "3 sets of 8-15, 2-3 times a week; a physiotherapist can tailor this.",
)
STRETCHING_ADVICE = (
    "Stretching and mobility work are optional: the evidence that they prevent or treat "
    "running injuries is weak."
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
    baseline: float | None  # that day's pre-run morning score, when logged
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
    settled: bool | None = (
        None  # the latest day's: back in band by the next morning (None: not yet)
    )


def _int(value: object) -> int | None:
    if isinstance(value, int | float) and not math.isnan(value):
        return int(value)
    return None


def _latest_per_run(pain: pd.DataFrame) -> list[dict[str, Any]]:
    """Post-run entries, the latest one per run (per day when it names no run), by date."""
    latest: dict[tuple[str, object], dict[str, Any]] = {}
    names = [str(c) for c in pain.columns]
    # Column lists, not `to_dict("records")`: the squad view runs this for every athlete, and
    # pandas' per-row boxing was most of its cost (issue #27). `tolist` gives the same values.
    for values in zip(*(pain[c].tolist() for c in pain.columns), strict=True):
        row = dict(zip(names, values, strict=True))
        if _int(row["during"]) is None and _int(row["after"]) is None:
            continue
        run = _int(row["activity_id"])
        latest[("run", run) if run is not None else ("day", row["entry_date"])] = row
    return sorted(latest.values(), key=lambda r: r["entry_date"])


def _mornings(pain: pd.DataFrame) -> dict[date, float]:
    """Morning score per day (the last one logged that day)."""
    return {
        day: float(score)
        for day, score in zip(pain["entry_date"].tolist(), pain["morning"].tolist(), strict=True)
        if score == score  # NaN != NaN: not a morning entry
    }


def context_mornings(ctx: RuleContext) -> Mapping[date, float]:
    """`ctx.pain`'s morning score per day, read once per context (issue #27: the pain rule,
    its status and the red episode each asked; the squad prepares them from its columns)."""
    return ctx.memo(MORNINGS_MEMO, lambda: _mornings(ctx.pain) if not ctx.pain.empty else {})


def pain_days(pain: pd.DataFrame, ctx: RuleContext) -> list[PainDay]:
    """Every post-run entry up to `as_of` with its zone, oldest first (one pass, no pandas
    filtering per entry: the squad view runs this for every athlete).

    The context's own entries are judged once per context (issue #27: the pain rule, the pain
    status and the injury rules each asked for them), a fresh list each call."""
    if pain is ctx.pain:
        return list(ctx.memo(PAIN_DAYS_MEMO, lambda: tuple(judged_pain_days(pain, ctx))))
    return judged_pain_days(pain, ctx)


def recent_pain_days(ctx: RuleContext) -> list[PainDay]:
    """`pain_days` of the last LOOKBACK_DAYS days (all the pain rule and `pain_status` read),
    once per context: the squad (rules/batch.py) judges only these (issue #27)."""
    since = ctx.as_of - timedelta(days=LOOKBACK_DAYS)
    return list(
        ctx.memo(
            RECENT_PAIN_DAYS_MEMO,
            lambda: tuple(d for d in pain_days(ctx.pain, ctx) if d.entry_date > since),
        )
    )


def judge_entry(
    entry_date: date,
    score: int,
    mornings: Mapping[date, float],
    as_of: date,
    t: Thresholds,
    location: str | None,
    activity_id: int | None,
) -> PainDay:
    """One post-run entry's zone, judged with the next morning's score (R3). The one judgement
    behind `judged_pain_days` and the squad's `rules.batch` (issue #27)."""
    # "Settled": the next morning is back in the safe band (0-2) or at or below that day's
    # pre-run morning score (RULES.md R3): a 0 -> 1 morning is settled (issue #20).
    baseline = mornings.get(entry_date)
    limit = max(float(t.pain_safe_max), baseline if baseline is not None else 0.0)
    next_day = entry_date + timedelta(days=1)
    next_morning = mornings.get(next_day) if next_day <= as_of else None
    settled = None if next_morning is None else next_morning <= limit
    if score > t.pain_acceptable_max or settled is False:
        zone = RED
    elif score > t.pain_safe_max:
        zone = AMBER
    else:
        zone = GREEN
    return PainDay(entry_date, score, zone, settled, next_morning, baseline, location, activity_id)


def judged_pain_days(pain: pd.DataFrame, ctx: RuleContext) -> list[PainDay]:
    """`pain_days` computed afresh (no memo)."""
    if pain.empty:
        return []
    t = ctx.thresholds
    mornings = context_mornings(ctx) if pain is ctx.pain else _mornings(pain)
    days = []
    for row in _latest_per_run(pain):
        entry_date: date = row["entry_date"]
        during, after = _int(row["during"]), _int(row["after"])
        if (during is None and after is None) or entry_date > ctx.as_of:
            continue
        score = max(during or 0, after or 0)
        location = row["location"] if isinstance(row["location"], str) else None
        days.append(
            judge_entry(
                entry_date, score, mornings, ctx.as_of, t, location, _int(row["activity_id"])
            )
        )
    return days


def _weekly_mornings(
    mornings: Mapping[date, float], week_start: date
) -> tuple[list[float], list[float]]:
    def scores(start: date) -> list[float]:
        return [v for d, v in mornings.items() if start <= d < start + timedelta(days=7)]

    return scores(week_start), scores(week_start - timedelta(days=7))


def _mean(scores: list[float]) -> float | None:
    return sum(scores) / len(scores) if scores else None


def pain_status(ctx: RuleContext, days: list[PainDay] | None = None) -> PainStatus:
    """The latest post-run entry's zone (of the last 7 days) and the morning trend, which is
    named only with at least two morning scores in each of the two weeks compared."""
    days = recent_pain_days(ctx) if days is None else days  # only the recent ones are read
    this_week, last_week = _weekly_mornings(
        context_mornings(ctx), week_start_of(ctx.as_of, ctx.week_start)
    )
    this_mean, last_mean = _mean(this_week), _mean(last_week)
    if (
        this_mean is None
        or last_mean is None
        or min(len(this_week), len(last_week)) < (TREND_MIN_READINGS)
    ):
        trend = "unknown"
    elif this_mean > last_mean and this_mean > ctx.thresholds.pain_safe_max:
        # a rise that stays in the safe band (0-2) is safe (R3; issue #20: 0 -> 1 is not red)
        trend = "rising"
    elif this_mean < last_mean:
        trend = "falling"
    elif this_mean > last_mean:
        trend = "rising in the safe band"
    else:
        trend = "steady"
    recent = [d for d in days if d.entry_date > ctx.as_of - timedelta(days=LOOKBACK_DAYS)]
    latest = recent[-1] if recent else None
    zone = latest.zone if latest else None
    if trend == "rising":
        zone = RED
    return PainStatus(
        zone,
        trend,
        latest.entry_date if latest else None,
        this_mean,
        last_mean,
        latest.settled if latest else None,
    )


def must_stop(day: PainDay, ctx: RuleContext) -> bool:
    """Escalate at once, on one day: pain at or above the stop score, or pain at a possible
    bone-stress site that did not settle (RULES.md R3; Warden et al. 2014)."""
    return day.score >= ctx.thresholds.pain_stop_score or (
        day.location in BONE_STRESS_SITES and day.settled is False
    )


def _context_evidence(ctx: RuleContext) -> dict[str, float]:
    """Knee-front context: this week's running descent and mean cadence (RULES.md R3)."""
    weeks = weekly_columns(ctx)  # lists, not frame rows (issue #27: the squad reads this)
    if not weeks.descent_m:
        return {}
    evidence = {"week_descent_m": float(weeks.descent_m[-1])}
    cadences = [float(c) for c in weeks.avg_cadence_spm[-4:] if not math.isnan(float(c))]
    if not math.isnan(float(weeks.avg_cadence_spm[-1])):
        evidence["week_avg_cadence_spm"] = float(weeks.avg_cadence_spm[-1])
    if cadences:
        evidence["recent_avg_cadence_spm"] = cadences[-1]
    return evidence


def _knee_advice(evidence: dict[str, float], ctx: RuleContext) -> tuple[str, ...]:
    """Esculier 2018's load advice, the consensus exercises, and a step-rate cue from the
    runner's own cadence (worded as "may help": a laboratory study, Willson 2014)."""
    t = ctx.thresholds
    lines = list(KNEE_FRONT_ADVICE)
    cadence = evidence.get("recent_avg_cadence_spm")
    cue = f"{t.step_rate_cue_min * 100:g}-{t.step_rate_cue_max:.0%}"
    if cadence is not None:
        low, high = cadence * (1 + t.step_rate_cue_min), cadence * (1 + t.step_rate_cue_max)
        lines.append(
            f"A {cue} higher step rate may help (a laboratory study, Willson 2014): from your "
            f"recent {cadence:.0f} steps/min, about {low:.0f}-{high:.0f}."
        )
    else:
        lines.append(
            f"A {cue} higher step rate than your usual may help (a laboratory study, Willson "
            "2014); your files carry no cadence to start from."
        )
    if "week_descent_m" in evidence:
        lines.append(
            f"This week's running descent: {evidence['week_descent_m']:.0f} m; downhills load "
            "the front of the knee."
        )
    lines.append(STRETCHING_ADVICE)
    return tuple(lines)


def _latest_alert(latest: PainDay, ctx: RuleContext) -> Alert | None:
    """The alert for the latest post-run entry of the last 7 days.

    Long on purpose: one branch per verdict of the model (stop, not settled, red, bone-stress
    site, settled, amber), each one sentence; splitting them would scatter the model.
    """
    where = f" ({latest.location})" if latest.location else ""
    is_knee = latest.location == KNEE_FRONT
    evidence: dict[str, float] = {"score": float(latest.score)}
    if latest.baseline is not None:
        evidence["baseline_morning"] = latest.baseline
    if latest.next_morning is not None:
        evidence["next_morning"] = latest.next_morning
    if is_knee:
        evidence.update(_context_evidence(ctx))
    advice = _knee_advice(evidence, ctx) if is_knee and latest.zone != GREEN else ()
    model = ("thomee1997", "silbernagel2007")
    citations = (*model, *(KNEE_FRONT_CITATIONS if advice else ()))
    when = f"{latest.entry_date:%a %d %b}"
    if must_stop(latest, ctx):
        why = (
            f"pain {latest.score}/10"
            if latest.score >= ctx.thresholds.pain_stop_score
            else f"{latest.location} pain that did not settle by the next morning"
        )
        bone = latest.location in BONE_STRESS_SITES
        return Alert(
            "pain",
            Severity.WARNING,
            f"Stop running for now and see a physiotherapist or sports doctor: {why} with your "
            f"run on {when}{where}."
            + (
                " Pain at the shin or foot can come from bone stress, which the "
                "pain-monitoring model was not validated for."
                if bone
                else ""
            ),
            evidence,
            ("loadwatch", *(("warden2014",) if bone else ()), *citations[2:]),
            latest.entry_date,
            latest.activity_id,
            advice,
        )
    if latest.zone == RED and latest.settled is False:
        level = (
            f"its pre-run level of {latest.baseline:.0f}/10"
            if latest.baseline is not None
            else f"the safe band (0-{ctx.thresholds.pain_safe_max})"
        )
        return Alert(
            "pain",
            Severity.WARNING,
            f"Pain has not settled: morning pain {latest.next_morning:.0f}/10 after your run on "
            f"{when}{where} is above {level}; reduce load or swap the next run for "
            "cross-training.",
            evidence,
            citations,
            latest.entry_date,
            latest.activity_id,
            advice,
        )
    if latest.zone == RED:
        return Alert(
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
    if latest.zone == AMBER and latest.location in BONE_STRESS_SITES:
        return Alert(
            "pain",
            Severity.CAUTION,
            f"Pain {latest.score}/10 at the {latest.location} with your run on {when}: the "
            "pain-monitoring model was validated for kneecap and Achilles pain, not for possible "
            "bone stress; if it comes back or does not settle, stop running and see a "
            "physiotherapist or sports doctor.",
            evidence,
            ("warden2014", *model),
            latest.entry_date,
            latest.activity_id,
        )
    if latest.zone == AMBER and latest.settled:
        return Alert(
            "pain",
            Severity.INFO,
            f"Pain {latest.score}/10 with your run on {when}{where} settled by the next "
            f"morning ({latest.next_morning:.0f}/10): acceptable under the pain-monitoring "
            "model; keep logging.",
            evidence,
            model,
            latest.entry_date,
            latest.activity_id,
        )
    if latest.zone == AMBER:
        return Alert(
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
    return None


def pain(ctx: RuleContext) -> Iterator[Alert]:
    """R3: the latest post-run entry's zone, rising morning pain, and red on two days in 7."""
    days = recent_pain_days(ctx)
    status = pain_status(ctx, days)
    if days:
        alert = _latest_alert(days[-1], ctx)
        if alert is not None:
            yield alert
        red_dates = sorted({d.entry_date for d in days if d.zone == RED})
        if len(red_dates) >= 2 and not must_stop(days[-1], ctx):
            dates = ", ".join(f"{d:%a %d %b}" for d in red_dates)
            yield Alert(
                "pain",
                Severity.WARNING,
                f"Red-zone pain on {len(red_dates)} days within 7 days ({dates}): consider "
                "seeing a physiotherapist or sports doctor.",
                {"red_days": float(len(red_dates))},
                ("loadwatch",),
                red_dates[-1],
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


@dataclass(frozen=True, slots=True)
class RedEpisode:
    """A red condition still in force (RULES.md R3): it caps the plan until it ends."""

    start: date  # the red entry's day (or today, for pain rising week to week)
    hurt_activity_id: int | None
    is_rising: bool  # morning pain rising week to week (no post-run entry behind it)


def red_episode(ctx: RuleContext, days: list[PainDay] | None = None) -> RedEpisode | None:
    """The red condition in force on `as_of`, or None.

    A red post-run entry starts an episode that ends with a settled morning (a later morning in
    the safe band or at or below the pre-run score) or a later pain-free run (0-2), not on a
    timer (RULES.md R3; issue #20). Morning pain rising week to week is red while it rises.
    """
    days = pain_days(ctx.pain, ctx) if days is None else days
    t = ctx.thresholds
    mornings = context_mornings(ctx)
    red = [d for d in days if d.zone == RED]
    if red:
        latest = red[-1]
        limit = max(float(t.pain_safe_max), latest.baseline or 0.0)
        settled_morning = any(
            latest.entry_date < day <= ctx.as_of and score <= limit
            for day, score in mornings.items()
        )
        pain_free_run = any(
            d.entry_date > latest.entry_date and d.score <= t.pain_safe_max for d in days
        )
        if not settled_morning and not pain_free_run:
            return RedEpisode(latest.entry_date, latest.activity_id, is_rising=False)
    if pain_status(ctx, days).trend == "rising":
        return RedEpisode(ctx.as_of, None, is_rising=True)
    return None
