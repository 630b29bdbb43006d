"""What changed in the plan since yesterday morning, and why (issue #20, item 7)."""

from __future__ import annotations

from datetime import date, timedelta

from loadwatch.domain import PlanKind
from loadwatch.rules.context import rule_context
from loadwatch.rules.plan_changes import WINDOW_NOTE, morning_plan
from tests.factories import at, make_pain, make_runs, make_shoes, report_for

START = date(2026, 1, 5)  # a Monday
WEEK = {1: 5.0, 3: 5.0, 5: 6.0, 6: 9.0}  # Tue, Thu, Sat, Sun: 25 km
HISTORY = [(at(START + timedelta(days=7 * w + d)), km) for w in range(6) for d, km in WEEK.items()]
MONDAY = START + timedelta(days=42)  # the Monday after six weeks
TUESDAY = MONDAY + timedelta(days=1)


def _followed(day: date) -> list:
    """The history plus the plan's Tuesday run at its cap (as planned on Tuesday morning)."""
    plan = report_for(HISTORY, day).plan
    assert plan[0].kind is PlanKind.RUN and plan[0].max_distance_m
    return [*HISTORY, (at(day), plan[0].max_distance_m / 1000 * 0.999)]


def test_yesterday_mornings_plan_is_recomputed_from_the_log_as_it_stood() -> None:
    today = report_for(HISTORY, TUESDAY)
    pain = make_pain([{"entry_date": TUESDAY, "after": 1}])
    later = rule_context(
        make_runs(_followed(TUESDAY)), make_shoes([]), pain, TUESDAY + timedelta(days=1)
    )
    before = morning_plan(later, TUESDAY)  # Tuesday's run and its pain entry not yet there
    assert [(p.date, p.kind, p.max_distance_m) for p in before] == [
        (p.date, p.kind, p.max_distance_m) for p in today.plan
    ]


def test_a_plan_followed_to_the_letter_changes_nothing_it_promised() -> None:
    report = report_for(_followed(TUESDAY), TUESDAY + timedelta(days=1))
    assert not [c for c in report.changes if c.is_withdrawn]
    assert all(c.reasons for c in report.changes)


def test_red_pain_after_a_run_withdraws_the_next_run_and_says_why() -> None:
    pain = [{"entry_date": TUESDAY, "after": 6}]
    thursday = TUESDAY + timedelta(days=2)
    report = report_for(_followed(TUESDAY), TUESDAY + timedelta(days=1), pain=pain)
    withdrawn = [c for c in report.changes if c.is_withdrawn]
    assert withdrawn and withdrawn[0].date == thursday
    assert withdrawn[0].has_event
    assert "a new pain entry: 6/10 after your run on Tue 17 Feb" in withdrawn[0].reasons


def test_a_missed_run_is_named_when_the_plan_changes() -> None:
    report = report_for(HISTORY, TUESDAY + timedelta(days=1))  # Tuesday's run not done
    assert report.changes, "a missed run moves the week's target onto the other days"
    assert all(
        c.reasons == ("the run planned for Tue 17 Feb was not recorded (missed)",)
        for c in report.changes
    )
    assert all(WINDOW_NOTE not in c.reasons for c in report.changes)
