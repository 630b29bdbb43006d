"""Injury periods (issue #14): state, plan, the pain-gated return ladder, lead-up, own pattern."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from loadwatch.domain import InjuryPeriod, PlanKind, Severity
from loadwatch.rules.context import rule_context
from loadwatch.rules.injury import (
    HELD,
    NO_MORNING,
    NO_PAIN,
    PASSED,
    STEPPED_BACK,
    WAITING,
    injury_state,
    ladder_steps,
)
from loadwatch.rules.lead_up import lead_up
from loadwatch.rules.own_pattern import episodes, own_pattern
from loadwatch.rules.return_levels import ctx_return_level_m
from loadwatch.rules.thresholds import Thresholds
from tests.factories import at, make_pain, make_runs, make_shoes, report_for, rule

MON = date(2026, 3, 2)


def day(n: int) -> date:
    return MON + timedelta(days=n)


MONTH = [(at(day(d)), 10) for d in range(0, 30, 2)]  # 10 km every other day for a month
SHIN = InjuryPeriod(1, day(30), None, "shin", "left")


def test_while_injured_the_plan_holds_no_run_and_spares_the_site() -> None:
    report = report_for(MONTH, day(36), injuries=[SHIN])
    assert not [p for p in report.plan if p.kind is PlanKind.RUN]
    crosses = [p for p in report.plan if p.caused_by == "injury"]
    assert crosses and all("deep-water running" in (p.sport or "") for p in crosses)
    assert all("clear with your physiotherapist or doctor" in p.reason for p in crosses)
    strength = [p for p in report.plan if p.strength]  # a day of its own or with a swim
    assert strength and all("sparing the left shin" in p.reason for p in strength)
    assert report.next_run_cap_m is None


def test_the_status_says_the_day_and_the_days_without_running() -> None:
    report = report_for(MONTH, day(36), injuries=[SHIN])
    (alert,) = rule(report, "injury")
    assert alert.severity is Severity.INFO
    assert alert.message.startswith("Injury period since Wed 01 Apr (left shin): day 7, 7 without")
    assert alert.evidence == {"days_so_far": 7.0, "days_without_running": 7.0}
    assert alert.citations == ("loadwatch", "liem2013", "warden2014")
    state = report.injury
    assert state is not None and state.ongoing == SHIN and state.days_so_far == 7


def test_a_run_inside_the_period_is_a_caution() -> None:
    report = report_for([*MONTH, (at(day(34)), 5)], day(36), injuries=[SHIN])
    caution = [a for a in rule(report, "injury") if a.severity is Severity.CAUTION]
    assert len(caution) == 1 and "inside your injury period" in caution[0].message


def test_no_returning_after_a_break_alert_for_the_first_run_back() -> None:
    """A 40-day injury: R1 would call the first run back "returning after 41 days"."""
    period = InjuryPeriod(1, day(30), day(70), "knee front")
    report = report_for([*MONTH, (at(day(70)), 3)], day(70), injuries=[period])
    assert rule(report, "run-spike") == []
    assert [a.message.split(":")[0] for a in rule(report, "injury")] == [
        "Returning from your knee front injury (40 days, ended Mon 11 May)"
    ]
    without = report_for([*MONTH, (at(day(70)), 3)], day(70))
    assert "Returning after 42 days" in rule(without, "run-spike")[0].message


def test_the_ladder_starts_at_30_percent_of_the_longest_pain_free_run_and_climbs_by_1_25x() -> None:
    steps = ladder_steps(10_000.0, Thresholds())
    assert steps[0].distance_m == pytest.approx(3_000.0)
    assert steps[1].distance_m == pytest.approx(3_750.0)
    assert all(b.distance_m <= a.distance_m * 1.25 + 1e-6 for a, b in pairwise(steps))
    assert steps[-1].distance_m == 10_000.0
    assert len(steps) == 7  # 3.0, 3.75, 4.7, 5.9, 7.3, 9.2, 10 km: about two weeks of runs
    assert [s.run_min for s in steps[:6]] == [1, 2, 3, 5, 8, None]
    assert steps[0].pattern == "walk-run: run 1 min, walk 2 min, repeated"
    assert steps[5].pattern == "continuous easy running"
    short = ladder_steps(1_500.0, Thresholds())  # shorter than the plan's 2 km minimum
    assert [s.distance_m for s in short] == [1_500.0]


def test_a_run_that_hurt_is_not_the_ladder_base() -> None:
    runs = [*MONTH, (at(day(29)), 16)]
    pain = [{"entry_date": day(29), "after": 4}]
    period = InjuryPeriod(1, day(30), day(40), "knee front")
    state = injury_state(_ctx(runs, day(40), pain, [period]))
    assert state.ladder is not None and state.ladder.base_m == 10_000.0


def _ctx(runs: list, as_of: date, pain: list, injuries: list) -> object:
    return rule_context(make_runs(runs), make_shoes([]), make_pain(pain), as_of, injuries=injuries)


ENDED = InjuryPeriod(1, day(30), day(40), "achilles", "right")


@pytest.mark.parametrize(
    ("entries", "as_of", "outcome", "step_after"),
    [
        (
            [{"entry_date": day(40), "after": 1}, {"entry_date": day(41), "morning": 1}],
            41,
            PASSED,
            2,
        ),
        ([{"entry_date": day(40), "after": 1}], 40, WAITING, 1),
        ([{"entry_date": day(40), "after": 1}], 42, NO_MORNING, 1),
        ([{"entry_date": day(40), "after": 4}, {"entry_date": day(41), "morning": 1}], 41, HELD, 1),
        ([], 42, NO_PAIN, 1),
        (
            [{"entry_date": day(40), "after": 1}, {"entry_date": day(41), "morning": 4}],
            41,
            STEPPED_BACK,
            1,
        ),
    ],
    ids=["0-2 settled", "waiting", "no morning", "amber", "no score", "not settled"],
)
def test_each_step_unlocks_only_after_pain_0_2_that_settled(
    entries: list, as_of: int, outcome: str, step_after: int
) -> None:
    runs = [*MONTH, (at(day(40)), 3)]
    state = injury_state(_ctx(runs, day(as_of), entries, [ENDED]))
    ladder = state.ladder
    assert ladder is not None
    assert [r.outcome for r in ladder.runs] == [outcome]
    assert ladder.step.number == step_after


def test_the_ladder_steps_up_after_pain_free_runs_and_back_after_a_red_day() -> None:
    runs = [*MONTH, (at(day(40)), 3), (at(day(42)), 3.3), (at(day(44)), 3.6), (at(day(46)), 3.6)]
    pain = [
        {"entry_date": day(40), "after": 0},
        {"entry_date": day(41), "morning": 0},
        {"entry_date": day(42), "after": 2},
        {"entry_date": day(43), "morning": 1},
        {"entry_date": day(44), "after": 6},  # red: back one step
        {"entry_date": day(45), "morning": 2},
        {"entry_date": day(46), "after": 7},  # must stop: back to the first step
    ]
    steps = []
    for as_of in (41, 43, 44, 46):
        ladder = injury_state(_ctx(runs, day(as_of), pain, [ENDED])).ladder
        assert ladder is not None
        steps.append(ladder.step.number)
    assert steps == [2, 3, 2, 1]
    report = report_for(runs, day(46), pain=pain, injuries=[ENDED])
    assert rule(report, "injury")[0].severity is Severity.CAUTION


def test_the_plan_caps_runs_at_the_current_step_with_a_day_between() -> None:
    runs = [*MONTH, (at(day(40)), 3)]
    pain = [{"entry_date": day(40), "after": 0}, {"entry_date": day(41), "morning": 0}]
    report = report_for(runs, day(41), pain=pain, injuries=[ENDED])
    planned = [p for p in report.plan if p.kind is PlanKind.RUN and not p.done]
    assert planned
    assert all(p.max_distance_m == pytest.approx(3_750.0) for p in planned)
    assert all("return ladder step 2 of 7" in p.reason for p in planned)
    dates = [p.date for p in planned]
    assert all((b - a).days > 1 for a, b in pairwise(dates))


def test_a_complete_ladder_leaves_the_plan_to_the_other_rules() -> None:
    runs = [(at(day(0)), 2.2), (at(day(10)), 2.0), (at(day(12)), 2.2)]
    pain = [
        {"entry_date": day(10), "after": 0},
        {"entry_date": day(11), "morning": 0},
        {"entry_date": day(12), "after": 1},
        {"entry_date": day(13), "morning": 0},
    ]
    period = InjuryPeriod(1, day(2), day(10), "hip")
    state = injury_state(_ctx(runs, day(13), pain, [period]))
    assert state.ladder is not None
    assert [s.distance_m for s in state.ladder.steps] == [2_000.0, 2_200.0]
    assert state.ladder.is_complete and not state.is_returning
    assert rule(report_for(runs, day(13), pain=pain, injuries=[period]), "injury") == []


def test_the_ladder_lapses_after_90_days_without_pain_scores() -> None:
    period = InjuryPeriod(1, day(2), day(3), "hip")
    runs = [(at(day(0)), 10), *[(at(day(d)), 3) for d in range(3, 100, 3)]]
    assert injury_state(_ctx(runs, day(92), [], [period])).is_returning
    lapsed = injury_state(_ctx(runs, day(93), [], [period]))
    assert lapsed.ladder is not None and lapsed.ladder.is_complete


def test_lead_up_lists_the_spike_the_shoe_the_pain_and_the_weeks() -> None:
    runs = [(at(day(d)), 8, 0, "run", 1) for d in range(0, 28, 2)]
    runs += [(at(day(28)), 13, 0, "run", 1), (at(day(29)), 45, 0, "ride")]
    runs += [(at(day(31)), 5, 0, "run", 1)]  # after the injury began: not part of the lead-up
    pain = [
        {"entry_date": day(28), "after": 6, "location": "knee front"},
        {"entry_date": day(5), "morning": 1},
        {"entry_date": day(27), "morning": 3},
    ]
    shoes = [{"name": "Pegasus", "start_m": 600_000.0}]
    ctx = rule_context(
        make_runs(runs),
        make_shoes(shoes),
        make_pain(pain),
        day(40),
        injuries=[InjuryPeriod(1, day(29), None, "knee front")],
    )
    lead = lead_up(ctx, ctx.injuries[0])
    fourteen, thirty = lead.windows
    assert (fourteen.days, thirty.days) == (14, 30)
    (spike,) = thirty.spikes
    assert spike.run_date == day(28) and spike.ratio == pytest.approx(13 / 8)
    assert spike.level == "moderate spike"
    (shoe,) = lead.shoes
    assert shoe.name == "Pegasus" and shoe.distance_m == pytest.approx(600_000 + 14 * 8000 + 13000)
    assert shoe.status == "caution"
    assert [p.score for p in thirty.pain] == [6]
    assert thirty.morning_trend == "rising"
    assert fourteen.cross_training_sessions == 1
    assert thirty.avg_cadence_spm == pytest.approx(170.0)
    last = lead.weeks[-1]  # Mon 30 Mar: up to Tue 31 Mar, the injury's first day
    assert last.is_partial and last.week_start == day(28)
    assert last.distance_m == pytest.approx(13_000.0)
    assert last.growth_ratio == pytest.approx(13 / 8 - 1)  # against Mon-Tue of the week before


def test_own_pattern_counts_episodes_and_is_shown_only_from_three() -> None:
    runs = [(at(day(d)), 10) for d in range(0, 120, 2)]
    for spike_day in (20, 60, 100):
        runs.append((at(day(spike_day + 1)), 15))  # 1.5x: a spike over 1.3x
    pain = [{"entry_date": day(d), "after": 7} for d in (25, 26, 65)]  # 25 and 26: one episode
    injuries = [InjuryPeriod(1, day(105), day(110), "foot")]
    ctx = _ctx(runs, day(119), pain, injuries)
    assert episodes(ctx) == (day(25), day(65), day(105))
    pattern = own_pattern(ctx)
    assert pattern.is_shown
    spikes = pattern.factors[0]
    assert spikes.label.startswith("a run over 1.3x")
    assert (spikes.episodes_with, spikes.occurrences, spikes.followed) == (3, 3, 3)
    fewer = own_pattern(_ctx(runs, day(119), pain[:1], []))
    assert not fewer.is_shown and len(fewer.episodes) == 1


# Back to the pre-injury week (issue #20): R2 and the > 30 % progression treat a return to the
# level of before the injury as a return, not growth; a runner without an injury is unchanged.
REBUILD = [
    *[(at(day(7 * w + d)), km) for w in range(4) for d, km in ((1, 6), (3, 6), (5, 6), (6, 9))],
    # a 10-day injury (days 28-38), the ladder's weeks (7, 14, 19.5 km), then back at 27 km:
    # the 27 km weeks before the injury are more than four weeks back
    *[(at(day(d)), km) for d, km in ((38, 3), (40, 4), (43, 4), (45, 5), (47, 5))],
    *[(at(day(d)), km) for d, km in ((50, 5), (52, 6.5), (54, 8))],
    *[(at(day(d)), km) for d, km in ((57, 9), (59, 6), (61, 6), (62, 6))],
]
KNEE = InjuryPeriod(1, day(28), day(38), "knee front")


def test_rebuilding_to_the_pre_injury_week_is_a_return_not_growth() -> None:
    # the week of day 56: 27 km after 19.5 km (+38 %)
    report = report_for(REBUILD, day(62), injuries=[KNEE])
    assert rule(report, "weekly-growth") == []
    assert [a for a in rule(report, "two-week-growth") if a.severity is not Severity.INFO] == []


def test_the_same_weeks_without_an_injury_are_growth() -> None:
    report = report_for(REBUILD, day(62))
    growth = [a for a in rule(report, "two-week-growth") if a.severity is Severity.CAUTION]
    weekly = [a for a in rule(report, "weekly-growth") if a.severity is Severity.CAUTION]
    assert growth or weekly


def test_the_return_reference_lapses_after_six_weeks() -> None:
    ctx = _ctx(REBUILD, day(62), [], [KNEE])
    assert ctx_return_level_m(ctx, day(62)) == pytest.approx(27_000.0)
    late = _ctx(REBUILD, day(38 + 42), [], [KNEE])
    assert ctx_return_level_m(late, day(38 + 42)) == 0.0
    assert ctx_return_level_m(_ctx(REBUILD, day(62), [], []), day(62)) == 0.0
