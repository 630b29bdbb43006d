"""A month of one athlete's log as calendar weeks (issue #12): the activities of each local day,
its pain zone, and the 7-day plan's days ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.models import Setting
from loadwatch.db.strength import strength_inputs_for
from loadwatch.domain import PlanDay, Sport
from loadwatch.report import build_plan
from loadwatch.rules.context import RuleContext, rule_context
from loadwatch.rules.pain import AMBER, GREEN, RED, pain_days
from loadwatch.services._checks import athlete_name, check_not_too_early
from loadwatch.services._common import today as local_today
from loadwatch.services.athletes import settings_view
from loadwatch.units import DistanceUnit

_ZONE_RANK = {GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True, slots=True)
class CalendarActivity:
    id: int
    sport: Sport
    name: str
    distance_m: float
    duration_s: float


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One local day: what was done, the worst pain of the day and its zone, and the plan's
    day when it lies ahead (today included, until something is logged)."""

    date: date
    is_in_month: bool
    is_today: bool
    activities: tuple[CalendarActivity, ...]
    pain_score: int | None  # the day's highest score, post-run or morning (0-10)
    pain_zone: str | None  # green | amber | red (rules/pain.py, the athlete's zone edges)
    plan: PlanDay | None
    is_morning_only: bool = False  # the day's pain is a morning check-in, not after a run

    @property
    def run_m(self) -> float:
        return sum(a.distance_m for a in self.activities if a.sport is Sport.RUN)


@dataclass(frozen=True, slots=True)
class CalendarMonth:
    athlete: str
    month: date  # the first of the month
    today: date
    units: DistanceUnit
    week_start: int  # 0 = Monday ... 6 = Sunday
    weeks: tuple[tuple[CalendarDay, ...], ...]  # whole weeks covering the month
    last_activity_day: date | None = None  # the latest local day with an activity, any month

    def week_run_m(self, index: int) -> float:
        """Running metres of one calendar row (the whole week, both months' days)."""
        return sum(day.run_m for day in self.weeks[index])


def calendar_month(
    engine: Engine,
    athlete: str,
    month: date,
    *,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> CalendarMonth:
    """The month holding `month`, as whole weeks starting on the athlete's week start.

    Pain zones are the pain model's (rules/pain.py) as of `today`: a post-run entry is red
    above the athlete's acceptable maximum or when the next morning did not settle; a morning
    check-in alone is zoned by its score. The plan is the report's as of `today`.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read the athlete.
        InputError: a month before 1990, or a bad athlete name.
    """
    today = today or local_today()
    first = month.replace(day=1)
    check_not_too_early(first, "month")
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        settings = settings_view(row, session.get(Setting, row.id))
        start = first - timedelta(days=(first.weekday() - settings.week_start) % 7)
        next_month = (first + timedelta(days=32)).replace(day=1)
        days = (next_month - start).days
        end = start + timedelta(days=days + (-days) % 7)
        # Only what the month shows (issue #27): its activities through the (athlete,
        # started_at) index, a day either side for local offsets, and its pain entries up to
        # the morning after its last day (a verdict needs the next morning). The whole log is
        # read only when the month holds days from today on, for the plan.
        utc_from = datetime.combine(start - timedelta(days=1), time(), tzinfo=UTC)
        utc_to = datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC)
        shows_plan = end > today
        activities = repository.activities_frame_for_all(
            session, [row.id], None if shows_plan else utc_from, None if shows_plan else utc_to
        ).drop(columns=["athlete_id"])
        shoes = repository.shoes_frame(session, row.id)
        pain = repository.pain_frame(
            session, row.id, *((None, None) if shows_plan else (start, end))
        )
        month_rows = repository.activity_rows_between(session, row.id, utc_from, utc_to)
        strength = strength_inputs_for(session, [row.id])[row.id]
        last_day = repository.last_activity_day(session, row.id)
    auth.audit(engine, actor, "calendar-view", [row.name], is_read=True)
    ctx = rule_context(
        activities,
        shoes,
        pain,
        today,
        settings.units,
        settings.week_start,
        settings.thresholds,
        strength_dates=strength[0],
        strength_target_per_week=strength[1],
    )
    # The plan alone (issue #27): not the rest of the report, nor what changed since
    # yesterday (that recomputes yesterday's plan: 40 % of a current month's time).
    plan = {p.date: p for p in build_plan(ctx) if p.date >= today} if shows_plan else {}
    by_day: dict[date, list[CalendarActivity]] = {}
    for activity_id, sport, name, distance_m, duration_s, started_at, offset_s in month_rows:
        day = (started_at + timedelta(seconds=offset_s)).date()
        if start <= day < end:
            by_day.setdefault(day, []).append(
                CalendarActivity(activity_id, Sport(sport), name or "", distance_m, duration_s)
            )
    zones = _pain_zones(ctx)
    run_pain_days = {d.entry_date for d in pain_days(ctx.pain, ctx)}
    weeks = []
    for week in range((end - start).days // 7):
        cells = []
        for offset in range(7):
            day = start + timedelta(days=week * 7 + offset)
            score, zone = zones.get(day, (None, None))
            cells.append(
                CalendarDay(
                    date=day,
                    is_in_month=day.month == first.month,
                    is_today=day == today,
                    activities=tuple(by_day.get(day, ())),
                    pain_score=score,
                    pain_zone=zone,
                    plan=plan.get(day),
                    is_morning_only=score is not None and day not in run_pain_days,
                )
            )
        weeks.append(tuple(cells))
    return CalendarMonth(
        row.name, first, today, settings.units, settings.week_start, tuple(weeks), last_day
    )


def _pain_zones(ctx: RuleContext) -> dict[date, tuple[int, str]]:
    """Each day's highest pain score and its worst zone (post-run verdicts, then mornings)."""
    t = ctx.thresholds
    zones: dict[date, tuple[int, str]] = {}

    def worse(day: date, score: int, zone: str) -> None:
        old = zones.get(day)
        if old is None:
            zones[day] = (score, zone)
        else:
            rank = max(old[1], zone, key=_ZONE_RANK.__getitem__)
            zones[day] = (max(old[0], score), rank)

    for verdict in pain_days(ctx.pain, ctx):
        worse(verdict.entry_date, verdict.score, verdict.zone)
    if not ctx.pain.empty:
        for day, morning in zip(ctx.pain["entry_date"], ctx.pain["morning"], strict=True):
            if morning == morning and morning is not None:  # NaN: not a morning check-in
                score = int(morning)
                zone = (
                    RED
                    if score > t.pain_acceptable_max
                    else AMBER
                    if score > t.pain_safe_max
                    else GREEN
                )
                worse(day, score, zone)
    return zones
