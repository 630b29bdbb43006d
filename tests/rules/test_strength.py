"""R9 strength, pure (issue #22): the pain-gated progression, the counts against the programme,
the self-test's schedule and the `strength` rule."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from loadwatch.errors import InputError
from loadwatch.rules.context import rule_context
from loadwatch.rules.exercises import BY_SLUG, EXERCISES, exercise
from loadwatch.rules.strength import (
    Performed,
    Target,
    morning_rises,
    progress,
    self_test_due,
    strength_count,
)
from loadwatch.rules.thresholds import Thresholds
from tests.factories import at, make_pain, make_runs, make_shoes, report_for, rule

MON = date(2026, 3, 2)
T = Thresholds()


def _done(slug: str, day: int, amount: int, pain: int | None = 0, sets: int = 3,
          load: float | None = None) -> Performed:  # fmt: skip
    return Performed(MON + timedelta(days=day), slug, sets, amount, load, pain)


@pytest.mark.parametrize(
    ("history", "expected", "change"),
    [
        ([], Target("squat", 3, 10), "start"),
        ([_done("squat", 0, 10)], Target("squat", 3, 10), "hold"),
        ([_done("squat", 0, 10), _done("squat", 2, 10, pain=2)], Target("squat", 3, 12), "up"),
        ([_done("squat", 0, 10), _done("squat", 2, 10, pain=3)], Target("squat", 3, 10), "hold"),
        ([_done("squat", 0, 10), _done("squat", 2, 9)], Target("squat", 3, 10), "hold"),
        ([_done("squat", 0, 10), _done("squat", 2, 10, sets=2)], Target("squat", 3, 10), "hold"),
        ([_done("squat", 0, 10, pain=6)], Target("squat", 3, 8), "back"),
        ([_done("squat", 0, 10, pain=5)], Target("squat", 3, 10), "hold"),
        ([_done("squat", 0, 15), _done("squat", 2, 15)], Target("squat", 3, 8, 2.5), "up"),
        ([_done("squat", 0, 10), _done("squat", 2, 10, pain=None)], Target("squat", 3, 12), "up"),
        ([_done("lunge", 0, 10), _done("lunge", 2, 10)], Target("squat", 3, 10), "start"),
    ],
    ids=["start", "one-session", "two-at-pain-2", "pain-3-holds", "short-reps", "short-sets",
         "pain-6-back", "pain-5-holds", "top-adds-load", "no-pain-given", "other-exercise"],
)  # fmt: skip
def test_progression_table(history: list[Performed], expected: Target, change: str) -> None:
    result = progress(Target("squat", 3, 10), history, {}, T)
    assert (result.target, result.change) == (expected, change)


def test_at_the_top_without_load_the_harder_variant_follows_and_pain_steps_back_to_easier() -> None:
    up = progress(Target("single-leg-bridge", 3, 15), [_done("single-leg-bridge", 0, 15),
                  _done("single-leg-bridge", 2, 15)], {}, T)  # fmt: skip
    assert up.target == Target("hip-thrust", 3, 10)
    back = progress(Target("quad-set", 3, 8), [_done("quad-set", 0, 8, pain=7)], {}, T)
    assert back.target == Target("quad-set", 3, 8)  # no easier variant: stays at the bottom
    easier = progress(Target("lunge", 3, 8), [_done("lunge", 0, 8, pain=7)], {}, T)
    assert easier.target == Target("step-up", 3, 10)
    unload = progress(Target("squat", 3, 8, 5.0), [_done("squat", 0, 8, pain=8, load=5.0)], {}, T)
    assert unload.target == Target("squat", 3, 8, 2.5)


def test_holds_step_in_seconds() -> None:
    history = [_done("wall-sit", 0, 30), _done("wall-sit", 2, 30)]
    assert progress(Target("wall-sit", 3, 30), history, {}, T).target == Target("wall-sit", 3, 40)


def test_a_next_morning_rise_steps_back_and_a_settled_morning_does_not() -> None:
    pain = pd.DataFrame(
        {
            "entry_date": [MON, MON + timedelta(days=1), MON + timedelta(days=3)],
            "during": [None] * 3,
            "after": [None] * 3,
            "morning": [1.0, 4.0, 2.0],
            "location": [None] * 3,
            "activity_id": [None] * 3,
        }
    )
    rises = morning_rises(pain, [MON, MON + timedelta(days=2)], T)
    assert list(rises) == [MON]  # 4/10 after a baseline of 1; 2/10 is settled (0-2)
    assert rises[MON].startswith("next-morning pain 4/10 on Tue 03 Mar was above its baseline 1/10")
    result = progress(Target("squat", 3, 12), [_done("squat", 0, 12)], rises, T)
    assert (result.target, result.change) == (Target("squat", 3, 10), "back")


def test_the_library_is_consistent() -> None:
    assert len(BY_SLUG) == len(EXERCISES)
    for e in EXERCISES:
        assert e.low <= e.start <= e.high, e.slug
        for variant in (e.easier, e.harder):
            assert variant is None or variant in BY_SLUG, e.slug
        assert e.citations or e.source, e.slug
    with pytest.raises(InputError, match="unknown exercise 'sqat'; did you mean squat"):
        exercise("sqat")


def test_counts_this_week_the_last_4_weeks_and_a_watch_files_strength_activity() -> None:
    runs = [(at(MON - timedelta(days=d)), 8) for d in range(0, 28, 2)]
    runs.append((at(MON + timedelta(days=1)), 0.1, 0, "strength"))
    logged = [MON - timedelta(days=20), MON - timedelta(days=3), MON, MON + timedelta(days=5)]
    report = report_for(runs, MON + timedelta(days=2), strength_dates=logged,
                        strength_target_per_week=3)  # fmt: skip
    count = report.strength
    assert count is not None
    assert count.sessions_this_week == 2  # Monday logged, Tuesday's file; Saturday is later
    assert count.target_per_week == 3
    assert count.last_session_date == MON + timedelta(days=1)
    assert count.sessions_4_weeks == 4
    assert count.adherence_4_weeks == pytest.approx(4 / 12)


def test_the_strength_rule_needs_knee_pain_14_days_without_strength_and_a_long_enough_log() -> None:
    runs = [(at(MON - timedelta(days=d)), 8) for d in range(0, 21, 2)]
    knee = [{"entry_date": MON - timedelta(days=1), "after": 3, "location": "knee front"}]
    assert len(rule(report_for(runs, MON, pain=knee), "strength")) == 1
    shin = [{"entry_date": MON - timedelta(days=1), "after": 3, "location": "shin"}]
    assert rule(report_for(runs, MON, pain=shin), "strength") == []
    zero = [{"entry_date": MON - timedelta(days=1), "after": 0, "location": "knee side"}]
    assert rule(report_for(runs, MON, pain=zero), "strength") == []
    recent = report_for(runs, MON, pain=knee, strength_dates=[MON - timedelta(days=13)])
    assert rule(recent, "strength") == []
    new_log = report_for(runs[:3], MON, pain=knee)  # the log starts 4 days ago
    assert rule(new_log, "strength") == []
    stricter = report_for(runs, MON, pain=knee, strength_dates=[MON - timedelta(days=8)],
                          thresholds=Thresholds(strength_gap_days=7))  # fmt: skip
    assert len(rule(stricter, "strength")) == 1


def test_the_self_test_is_suggested_while_knee_pain_is_logged_every_2_weeks() -> None:
    runs = [(at(MON - timedelta(days=d)), 8) for d in range(0, 21, 2)]
    knee = [{"entry_date": MON - timedelta(days=1), "after": 3, "location": "knee front"}]
    ctx = rule_context(make_runs(runs), make_shoes([]), make_pain(knee), MON)
    assert self_test_due(ctx, None)
    assert not self_test_due(ctx, MON - timedelta(days=13))
    assert self_test_due(ctx, MON - timedelta(days=14))
    calm = rule_context(make_runs(runs), make_shoes([]), make_pain([]), MON)
    assert not self_test_due(calm, None)
    assert strength_count(calm).sessions_this_week == 0
