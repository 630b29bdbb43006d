"""The plan is a rule like the others (issue #9): following it to the letter fires no load rule.

Property tests over random run histories: the whole plan is followed (issue #20): every planned
run at its cap on its day, every cross-training session for its minutes, every strength session
(the loadwatch default 30 minutes); then each plan day is evaluated again. A spike (R1),
weekly-growth or progression (R2) or monotony (R5) alert at caution or above that the plan's
sessions added is a failure; and a healthy steady runner keeps at least 80 % of their usual
week.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loadwatch.domain import Alert, PlanKind, Severity
from loadwatch.load.daily import STRENGTH_SESSION_S
from loadwatch.rules import evaluate
from loadwatch.rules.context import rule_context
from tests.factories import at, make_pain, make_runs, make_shoes, report_for

LOAD_RULES = {"run-spike", "weekly-growth", "two-week-growth", "monotony"}
MIN_PER_KM = 5.5  # make_runs: minutes = km x 5.5, so a session of m minutes is m / 5.5 "km"
START = date(2026, 1, 5)  # a Monday; histories run from here
PLANNED_HOUR = 18  # planned runs happen in the evening, after any run recorded that morning


def _load_warnings(runs: list, day: date, pain: list, week_start: int) -> set[tuple[str, date]]:
    """R1 and R2 alerts at caution or above as of `day` (the rules alone: no plan needed)."""
    ctx = rule_context(make_runs(runs), make_shoes([]), make_pain(pain), day, week_start=week_start)
    alerts: list[Alert] = evaluate(ctx)
    return {
        (a.rule_id, a.date)
        for a in alerts
        if a.rule_id in LOAD_RULES and a.severity is not Severity.INFO
    }


def _follow(runs: list, as_of: date, pain: list, week_start: int) -> list[str]:
    """Do every planned session (runs at their caps, cross-training, strength); return what
    the plan's sessions fired, day by day."""
    plan = report_for(runs, as_of, pain=pain, week_start=week_start, with_changes=False).plan
    planned: list[tuple] = []
    for p in plan:
        if p.done:
            continue
        if p.kind is PlanKind.RUN:
            planned.append((at(p.date, PLANNED_HOUR), (p.max_distance_m or 0) / 1000))
        if p.kind is PlanKind.CROSS_TRAINING:
            minutes = (p.duration_s or 0) / 60
            planned.append((at(p.date, PLANNED_HOUR - 6), minutes / MIN_PER_KM, 0, "ride"))
        if p.strength:
            minutes = STRENGTH_SESSION_S / 60
            planned.append((at(p.date, PLANNED_HOUR - 3), minutes / MIN_PER_KM, 0, "strength"))
    failures = []
    for offset in range(7):
        day = as_of + timedelta(days=offset)
        done = [r for r in planned if r[0].date() <= day]
        after = _load_warnings(runs + done, day, pain, week_start)
        if after:  # only then is "what fired without the plan" worth computing
            before = _load_warnings(runs, day, pain, week_start)
            failures += [f"{day}: {w}" for w in sorted(after - before, key=str)]
    return failures


day_runs = st.lists(
    st.one_of(st.none(), st.floats(min_value=2.0, max_value=35.0)), min_size=1, max_size=120
)


@pytest.mark.slow  # 400 examples (issue #19: scheduled first)
# derandomize: CI runs the same examples every time (a random failure would be a flaky test);
# explore more locally with --hypothesis-seed=random and a higher max_examples.
@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# Found by this test: last week's total to date crosses the 10 km low-base floor on a rest day
# (Sunday), after the plan's Friday and Saturday runs: the weekly cap must hold on later days too.
@example(history=[None, None, None, 2.0, 2.0, 2.0, 4.0, 7.0], gap=0, week_start=0, pain_score=None)
@given(
    history=day_runs,
    gap=st.integers(min_value=0, max_value=60),
    week_start=st.sampled_from([0, 6]),
    pain_score=st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
)
def test_following_the_whole_plan_fires_no_spike_growth_or_monotony_warning(
    history: list[float | None], gap: int, week_start: int, pain_score: int | None
) -> None:
    runs = [(at(START + timedelta(days=i)), km) for i, km in enumerate(history) if km]
    as_of = START + timedelta(days=len(history) + gap)
    pain = []
    if pain_score is not None and runs:
        pain = [{"entry_date": runs[-1][0].date(), "after": pain_score}]
    assert _follow(runs, as_of, pain, week_start) == []


back_runs = st.lists(
    st.one_of(st.none(), st.floats(min_value=2.0, max_value=20.0)), min_size=0, max_size=70
)


# A return from a break (issue #20, item 5): weeks back may rebuild to the week before the break
# in steps that R2 reads as a return, not growth; the plan's own steps must fire nothing.
@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    before=st.lists(
        st.one_of(st.none(), st.floats(min_value=2.0, max_value=35.0)), min_size=7, max_size=56
    ),
    off=st.integers(min_value=28, max_value=200),
    back=back_runs,
    week_start=st.sampled_from([0, 6]),
)
def test_following_the_plan_back_from_a_break_fires_no_load_warning(
    before: list[float | None], off: int, back: list[float | None], week_start: int
) -> None:
    runs = [(at(START + timedelta(days=i)), km) for i, km in enumerate(before) if km]
    first_back = START + timedelta(days=len(before) + off)
    runs += [(at(first_back + timedelta(days=i)), km) for i, km in enumerate(back) if km]
    as_of = first_back + timedelta(days=len(back))
    assert _follow(runs, as_of, [], week_start) == []


WEEK_PATTERNS = st.lists(
    st.one_of(st.none(), st.floats(min_value=4.0, max_value=25.0)), min_size=7, max_size=7
).filter(lambda week: 2 <= sum(1 for km in week if km) <= 6)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(week=WEEK_PATTERNS, weeks=st.integers(min_value=5, max_value=8), weekday=st.integers(0, 6))
def test_a_healthy_steady_runner_keeps_at_least_80_percent_of_the_usual_week(
    week: list[float | None], weeks: int, weekday: int
) -> None:
    runs = [
        (at(START + timedelta(days=7 * w + d)), km)
        for w in range(weeks)
        for d, km in enumerate(week)
        if km
    ]
    as_of = START + timedelta(days=7 * weeks + weekday)  # any weekday of the next week
    runs = [r for r in runs if r[0].date() < as_of]
    report = report_for(runs, as_of)
    usual = sum(km for km in week if km)
    planned = sum((p.max_distance_m or 0) / 1000 for p in report.plan if p.kind is PlanKind.RUN)
    assert planned >= 0.8 * usual, (usual, [(p.date, p.kind, p.reason) for p in report.plan])
    assert any(p.kind in (PlanKind.REST, PlanKind.CROSS_TRAINING) for p in report.plan)
    # Strength is counted per calendar week (issue #20: a session done counts for its whole
    # week), never on consecutive days: a 7-day window holds at least one, and the rest of a
    # week that runs on beyond the window keeps its sessions for its later days.
    strength_days = sorted(p.date for p in report.plan if p.kind is PlanKind.STRENGTH or p.strength)
    assert strength_days
    assert all((b - a).days > 1 for a, b in itertools.pairwise(strength_days))
    # the current week's sessions due (the default two, none done yet) are all placed, as many
    # as its remaining days can hold apart: the week ends inside the 7 days
    week_end = as_of + timedelta(days=6 - as_of.weekday())
    left = (week_end - as_of).days + 1
    this_week = [d for d in strength_days if d <= week_end]
    assert len(this_week) >= min(2, (left + 1) // 2), (as_of, strength_days)
