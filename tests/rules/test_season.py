"""The season and the whole-plan rules (issue #20), on small literal histories."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from loadwatch.domain import Goal, GoalKind, InjuryPeriod, PlanKind, PlanSettings
from loadwatch.load.daily import with_logged_strength
from loadwatch.report import build_report
from loadwatch.rules.context import rule_context
from loadwatch.rules.pain import GREEN, pain_days, pain_status, red_episode
from loadwatch.rules.season import HOLD, LIGHTER, RETURN, habit, next_target, season
from loadwatch.rules.thresholds import Thresholds
from tests.factories import at, make_pain, make_runs, make_shoes

MON = date(2026, 3, 2)
STEADY = {1: 5.0, 3: 5.0, 5: 6.0, 6: 9.0}  # 25 km a week, long run on Sunday


def _history(week: dict[int, float], weeks: int, first: date = MON) -> list[tuple]:
    return [
        (at(first + timedelta(days=7 * w + d)), km) for w in range(weeks) for d, km in week.items()
    ]


def _ctx(runs: list[tuple], as_of: date, pain: list[dict] | None = None, **extra: object):
    ctx = rule_context(make_runs(runs), make_shoes([]), make_pain(pain or []), as_of)
    return replace(ctx, **extra) if extra else ctx


def test_without_a_goal_the_season_holds_the_best_recent_week_and_says_why() -> None:
    ctx = _ctx(_history(STEADY, 8), MON + timedelta(days=56))
    the_season = season(ctx, 6)
    assert [w.target_m for w in the_season.weeks] == [25_000.0] * 6
    assert {w.kind for w in the_season.weeks} == {HOLD}
    assert the_season.level_note.startswith("no goal set")


def test_a_weekly_goal_builds_with_a_lighter_week_after_three_weeks_of_growth() -> None:
    goal = PlanSettings(goal=Goal(GoalKind.WEEKLY, weekly_m=40_000.0))
    ctx = _ctx(_history(STEADY, 8), MON + timedelta(days=56), plan_settings=goal)
    weeks = season(ctx, 8).weeks
    targets = [round(w.target_m) for w in weeks]
    assert targets[:3] == [27_500, 30_250, 33_275]
    assert weeks[3].kind == LIGHTER and targets[3] == round(33_275 * 0.75)
    assert targets[4] == 33_275  # back to the level before: not growth under R2
    assert max(targets) <= 40_000


def test_next_target_never_grows_past_the_level() -> None:
    t = Thresholds()
    assert next_target([20_000.0] * 4, 21_000.0, t)[0] == 21_000.0
    assert next_target([20_000.0] * 4, 30_000.0, t)[0] == 22_000.0


def test_after_six_weeks_off_week_one_is_at_most_half_the_week_before() -> None:
    runs = _history({1: 12.0, 3: 12.0, 5: 18.0, 6: 18.0}, 8)
    back = MON + timedelta(days=7 * 14)
    the_season = season(_ctx(runs, back), 4)
    assert the_season.weeks[0].kind == RETURN
    assert the_season.weeks[0].target_m == 30_000.0
    assert the_season.returning_week == 1
    assert the_season.habit.weekdays == (1, 3, 5, 6)  # the break did not erase the week


def test_every_plan_has_a_rest_day_two_cross_training_days_and_the_runners_strength() -> None:
    ctx = _ctx(_history(STEADY, 8), MON + timedelta(days=56))
    plan = build_report("t", ctx).plan
    kinds = [p.kind for p in plan]
    assert kinds.count(PlanKind.REST) >= 1
    assert kinds.count(PlanKind.CROSS_TRAINING) == 2
    assert sum(p.strength for p in plan) == 2
    three = build_report("t", replace(ctx, strength_target_per_week=1)).plan
    assert sum(p.strength for p in three) == 1


def test_a_logged_strength_day_counts_as_done_and_in_the_daily_load() -> None:
    as_of = MON + timedelta(days=57)  # a Tuesday
    monday = as_of - timedelta(days=1)
    ctx = _ctx(_history(STEADY, 8), as_of, strength_dates=(monday,))
    plan = build_report("t", ctx).plan
    this_week = [p for p in plan if p.date < as_of + timedelta(days=6)]
    assert sum(p.strength for p in this_week) == 1  # one more, not two
    loaded = with_logged_strength(ctx.daily, ctx.activities, ctx.strength_dates)
    assert loaded[monday] - ctx.daily[monday] == 150.0  # 30 min x effort 5
    assert (loaded.drop(monday) == ctx.daily.drop(monday)).all()


def test_five_run_days_leave_room_for_one_cross_training_day_and_say_why() -> None:
    week = {0: 5.0, 1: 5.0, 3: 5.0, 5: 6.0, 6: 9.0}
    ctx = _ctx(_history(week, 8), MON + timedelta(days=56))
    plan = build_report("t", ctx).plan
    assert [p.kind for p in plan].count(PlanKind.CROSS_TRAINING) == 1
    rest = next(p for p in plan if p.kind is PlanKind.REST)
    assert "room for 1 cross-training day(s), not 2" in rest.reason


def test_a_morning_that_moves_from_0_to_1_is_settled_and_not_rising() -> None:
    runs = _history(STEADY, 3)
    tue = MON + timedelta(days=15)
    pain = [{"entry_date": tue, "after": 1}, {"entry_date": tue, "morning": 0}]
    pain += [{"entry_date": tue + timedelta(days=i), "morning": 1} for i in range(1, 9)]
    ctx = _ctx(runs, tue + timedelta(days=8), pain)
    days = pain_days(ctx.pain, ctx)
    assert days[-1].settled is True and days[-1].zone == GREEN
    assert pain_status(ctx).trend != "rising"
    assert red_episode(ctx) is None


def test_a_red_episode_ends_with_a_settled_morning_not_a_timer() -> None:
    runs = _history(STEADY, 3)
    sat = MON + timedelta(days=19)
    pain = [{"entry_date": sat, "after": 6}]
    red_ctx = _ctx(runs, sat, pain)
    assert red_episode(red_ctx) is not None
    plan = build_report("t", red_ctx).plan
    assert plan[1].kind is not PlanKind.RUN  # no run the next day
    # two unsettled mornings: still red on day 3, past no timer
    still = [*pain, {"entry_date": sat + timedelta(days=1), "morning": 4}]
    assert red_episode(_ctx(runs, sat + timedelta(days=2), still)) is not None
    settled = [*still, {"entry_date": sat + timedelta(days=2), "morning": 1}]
    assert red_episode(_ctx(runs, sat + timedelta(days=2), settled)) is None


def test_pain_rising_week_to_week_caps_the_plan() -> None:
    runs = _history(STEADY, 4)
    as_of = MON + timedelta(days=25)  # a Friday of week 4
    pain = [{"entry_date": MON + timedelta(days=14 + i), "morning": 2} for i in range(7)]
    pain += [{"entry_date": MON + timedelta(days=21 + i), "morning": 4} for i in range(5)]
    ctx = _ctx(runs, as_of, pain)
    assert red_episode(ctx) is not None and red_episode(ctx).is_rising
    plan = build_report("t", ctx).plan
    caps = [p.max_distance_m or 0.0 for p in plan if p.kind is PlanKind.RUN]
    assert caps and max(caps) <= 0.8 * 5_000.0 + 1  # under 80 % of the latest run (Thu, 5 km)


def test_the_daily_frame_is_untouched_without_logged_strength() -> None:
    daily = pd.Series([1.0, 2.0], index=[MON, MON + timedelta(days=1)])
    assert with_logged_strength(daily, make_runs([]), ()) is daily


def _follow_days(runs: list[tuple], first: date, days: int, settings: PlanSettings) -> list:
    """Run every planned run at its cap for `days` days; return the load cautions that fired
    and the runs done (local day, km)."""
    fired, done = [], []
    for i in range(days):
        day = first + timedelta(days=i)
        ctx = rule_context(
            make_runs(runs), make_shoes([]), make_pain([]), day, plan_settings=settings
        )
        report = build_report("racer", ctx, with_changes=False)
        fired += [
            (day, a.rule_id)
            for a in report.alerts
            if a.rule_id in {"run-spike", "weekly-growth", "two-week-growth", "monotony"}
            and a.severity.value != "info"
        ]
        today = report.plan[0]
        if today.kind is PlanKind.RUN and today.max_distance_m and not today.done:
            runs = [*runs, (at(day), today.max_distance_m / 1000 * 0.999)]
            done.append((day, today.max_distance_m / 1000 * 0.999, today.reason))
    return fired, done


def test_the_taper_and_the_race_day_trip_no_load_rule() -> None:
    """Item 4: a race whose distance is above 1.1x the longest recent run is planned at the
    cap R1 allows that day (and says so); the taper and the race week fire nothing."""
    first = MON + timedelta(days=56)
    race = first + timedelta(days=20)  # a Sunday, the long run's day
    settings = PlanSettings(goal=Goal(GoalKind.RACE, race_date=race, race_m=12_000.0))
    fired, done = _follow_days(_history(STEADY, 8), first, 21, settings)
    assert fired == []
    race_run = [r for r in done if r[0] == race]
    assert race_run and "race day: 12.0 km" in race_run[0][2]
    assert "the full race would be a spike" in race_run[0][2]
    assert race_run[0][1] <= 9.0 * 1.1


def test_a_race_within_reach_is_planned_at_its_distance() -> None:
    first = MON + timedelta(days=56)
    race = first + timedelta(days=20)
    settings = PlanSettings(goal=Goal(GoalKind.RACE, race_date=race, race_m=9_500.0))
    fired, done = _follow_days(_history(STEADY, 8), first, 21, settings)
    assert fired == []
    race_run = [r for r in done if r[0] == race]
    assert race_run and abs(race_run[0][1] - 9.5 * 0.999) < 1e-6
    assert "spike" not in race_run[0][2]


def test_an_injury_and_its_ladder_do_not_reshape_the_runners_week() -> None:
    runs = _history(STEADY, 8)
    back = MON + timedelta(days=63)  # a Monday: the injury ran from day 56 to day 63
    runs += [(at(back + timedelta(days=d)), km) for d, km in ((1, 3.0), (3, 3.5), (5, 4.0))]
    period = InjuryPeriod(1, MON + timedelta(days=56), back, "knee front")
    ctx = _ctx(runs, back + timedelta(days=7), injuries=(period,))
    usual = habit(ctx)
    assert usual.weekdays == (1, 3, 5, 6)
    assert usual.weights == {1: 5000.0, 3: 5000.0, 5: 6000.0, 6: 9000.0}
    without = habit(_ctx(runs, back + timedelta(days=7)))
    assert without.weights[1] < 5000.0  # the same runs, no injury logged: part of the habit
