"""R1 spikes and R2 weekly growth: threshold edges as parametrize tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loadwatch.domain import Severity
from loadwatch.load.runlog import RunLog
from loadwatch.rules.return_levels import break_return_level_m, latest_break, ramp_weeks
from loadwatch.rules.thresholds import Thresholds
from loadwatch.units import DistanceUnit
from tests.factories import at, report_for, rule

MON = date(2026, 3, 2)  # a Monday


def _two_weeks(last_km: float, this_km: float) -> list:
    return [(at(MON), last_km), (at(MON + timedelta(days=7)), this_km)]


@pytest.mark.parametrize(
    ("this_km", "severity"),
    [(21.98, None), (22.0, None), (22.02, Severity.CAUTION), (30, Severity.CAUTION)],
    ids=["9.9%", "10% exactly", "10.1%", "50%"],
)
def test_weekly_growth_edges(this_km: float, severity: Severity | None) -> None:
    report = report_for(_two_weeks(20, this_km), MON + timedelta(days=7))
    alerts = rule(report, "weekly-growth")
    assert [a.severity for a in alerts] == ([severity] if severity else [])


def test_weekly_growth_message_has_its_numbers_and_calls_10_percent_a_guideline() -> None:
    (alert,) = rule(report_for(_two_weeks(20, 24), MON + timedelta(days=7)), "weekly-growth")
    assert alert.message.startswith("This week: running distance rose 20% (20.0 km -> 24.0 km)")
    assert "guideline" in alert.message
    assert alert.evidence["growth_ratio"] == pytest.approx(0.2)
    assert alert.citations == ("buist2008",)


def test_growth_after_a_zero_week_is_returning_not_infinite() -> None:
    # 25 km after a zero week is above the highest of the previous four weeks (20 km), so it is
    # reported, as returning, not as infinite growth (issue #9: 15 km would not be growth).
    runs = [(at(MON), 20), (at(MON + timedelta(days=14)), 25)]
    (alert,) = rule(report_for(runs, MON + timedelta(days=14)), "weekly-growth")
    assert alert.severity is Severity.INFO
    assert "after a week without running" in alert.message


def test_a_week_back_at_the_recent_level_after_a_holiday_is_not_growth() -> None:
    # 40, 0 (holiday), 38 km: 38 <= 40, the highest of the previous four weeks (R2, issue #9)
    runs = [(at(MON), 40), (at(MON + timedelta(days=14)), 38)]
    assert rule(report_for(runs, MON + timedelta(days=14)), "weekly-growth") == []


def test_first_week_has_no_growth_alert() -> None:
    assert rule(report_for([(at(MON), 20)], MON), "weekly-growth") == []


def test_low_base_reports_distance_not_percent() -> None:
    (alert,) = rule(report_for(_two_weeks(5, 9), MON + timedelta(days=7)), "weekly-growth")
    assert alert.severity is Severity.INFO
    assert "up 4.0 km from 5.0 km" in alert.message
    assert "%" not in alert.message


def test_last_completed_week_is_reported_when_this_week_is_not_above_it() -> None:
    runs = [(at(MON), 20), (at(MON + timedelta(days=7)), 26), (at(MON + timedelta(days=14)), 5)]
    (alert,) = rule(report_for(runs, MON + timedelta(days=15)), "weekly-growth")
    assert alert.message.startswith("The week of 09 Mar: running distance rose 30%")
    assert alert.date == MON + timedelta(days=13)


@pytest.mark.parametrize(
    ("this_km", "fires"), [(26.0, False), (26.03, True)], ids=["30% exactly", "30.1%"]
)
def test_two_week_growth_edge(this_km: float, fires: bool) -> None:
    runs = [
        (at(MON), 20),
        (at(MON + timedelta(days=7)), 20),
        (at(MON + timedelta(days=14)), this_km),
    ]
    alerts = rule(report_for(runs, MON + timedelta(days=14)), "two-week-growth")
    assert bool(alerts) is fires
    if fires:
        # issue #9: a non-significant result in novices is a caution, with its CI in the text
        assert alerts[0].severity is Severity.CAUTION
        assert alerts[0].citations == ("nielsen2014",)
        assert "novice" in alerts[0].message and "0.96-2.66" in alerts[0].message


@pytest.mark.parametrize(
    ("km", "level", "severity"),
    [
        (11.0, None, None),
        (11.01, "Small spike", Severity.CAUTION),
        (13.0, "Small spike", Severity.CAUTION),
        (13.01, "Moderate spike", Severity.WARNING),
        (20.0, "Moderate spike", Severity.WARNING),
        (20.01, "Large spike", Severity.WARNING),
    ],
    ids=["1.10x exactly", "1.101x", "1.30x", "1.301x", "2.00x", "2.001x"],
)
def test_spike_levels(km: float, level: str | None, severity: Severity | None) -> None:
    runs = [(at(MON), 10), (at(MON + timedelta(days=10)), km)]
    alerts = rule(report_for(runs, MON + timedelta(days=10)), "run-spike")
    assert [(a.message.split(":")[0], a.severity) for a in alerts] == (
        [(level, severity)] if level else []
    )


def test_spike_message_and_evidence() -> None:
    runs = [(at(MON), 10), (at(MON + timedelta(days=3)), 14.5)]
    alerts = rule(report_for(runs, MON + timedelta(days=3)), "run-spike")
    (alert,) = [
        a for a in alerts if a.severity is not Severity.INFO
    ]  # the first run is "returning"
    assert alert.message.startswith(
        "Moderate spike: your 14.5 km run on Thu 05 Mar was 1.45x the longest run of the 30 days "
        "before it (10.0 km)"
    )
    assert alert.evidence["hazard_ratio"] == 1.52
    assert alert.activity_id == 2


def test_spike_in_miles_for_a_runner_who_chose_miles() -> None:
    runs = [(at(MON), 16.09344), (at(MON + timedelta(days=3)), 24.14016)]
    alerts = rule(report_for(runs, MON + timedelta(days=3), units=DistanceUnit.MI), "run-spike")
    (alert,) = [a for a in alerts if a.severity is not Severity.INFO]
    assert "your 15.0 mi run" in alert.message and "(10.0 mi)" in alert.message


def test_returning_after_a_break_is_said_and_caps_the_first_run() -> None:
    # 40 days off after a 10 km longest run: the first run back is capped at 50% = 5 km
    within = report_for(
        [(at(MON), 10), (at(MON + timedelta(days=40)), 5)], MON + timedelta(days=40)
    )
    (alert,) = rule(within, "run-spike")
    assert alert.severity is Severity.INFO
    assert alert.message.startswith("Returning after 40 days without running")
    above = report_for([(at(MON), 10), (at(MON + timedelta(days=40)), 8)], MON + timedelta(days=40))
    (alert,) = rule(above, "run-spike")
    assert alert.severity is Severity.CAUTION
    assert "above the return cap of 5.0 km (50% of your longest run before the break" in (
        alert.message
    )


def test_next_run_cap_ignores_the_spike_itself() -> None:
    runs = [(at(MON), 10), (at(MON + timedelta(days=5)), 15)]
    report = report_for(runs, MON + timedelta(days=6))
    assert report.next_run_cap_m == pytest.approx(11_000)


def test_thresholds_are_configurable() -> None:
    loose = Thresholds(weekly_growth_ratio=0.25)
    report = report_for(_two_weeks(20, 24), MON + timedelta(days=7), thresholds=loose)
    assert rule(report, "weekly-growth") == []


# A return from a break (issue #20, item 5): 40 km a week for four weeks, ten weeks off, then
# 12 km in the first week back. Week n back may return to 50 % + (n - 1) x 5 % of the old week
# (R2 and the progression rule read it as a return, not growth); above that, growth again.
BEFORE = [(at(MON + timedelta(days=7 * w + d)), 10.0) for w in range(4) for d in (0, 2, 4, 6)]
BACK = MON + timedelta(days=7 * 14)  # the first week back (a Monday)


def _back(week2_km: float) -> list:
    first = [(at(BACK), 6.0), (at(BACK + timedelta(days=2)), 6.0)]
    second = [(at(BACK + timedelta(days=7 + d)), week2_km / 2) for d in (0, 2)]
    return [*BEFORE, *first, *second]


@pytest.mark.parametrize(
    ("week2_km", "fires"),
    [(21.9, False), (22.0, False), (24.0, True)],
    ids=["under 55 %", "at 55 %", "above 55 % and 10 %"],
)
def test_the_second_week_back_from_a_break_returns_up_to_its_step(
    week2_km: float, fires: bool
) -> None:
    report = report_for(_back(week2_km), BACK + timedelta(days=9))
    weekly = [a for a in rule(report, "weekly-growth") if a.severity is Severity.CAUTION]
    seven = rule(report, "two-week-growth")
    assert bool(weekly) is fires, weekly
    assert bool(seven) is fires, seven


def test_the_return_from_a_break_steps_up_week_by_week_then_lapses() -> None:
    t = Thresholds()
    runs = _back(22.0)
    days = [r[0].date() for r in runs] + [BACK + timedelta(days=7 * k) for k in range(2, 17)]
    metres = [r[1] * 1000 for r in runs] + [20_000.0] * 15
    log = RunLog.from_columns(days, metres, BACK + timedelta(days=400))
    levels = [break_return_level_m(log, BACK + timedelta(days=7 * k + 3), 0, t) for k in range(17)]
    assert levels[0] == pytest.approx(20_000.0)  # week 1: half of 40 km
    assert levels[1] == pytest.approx(22_000.0)  # week 2: 55 %
    assert levels[10] == pytest.approx(40_000.0)  # the whole week by week 11
    assert ramp_weeks(t) == 15  # then four weeks more at the whole week
    assert levels[14] == pytest.approx(40_000.0)
    assert levels[15] == 0.0  # R2's own four-week reference again
    # a runner who never stopped is judged as before
    steady = RunLog.from_columns([r[0].date() for r in BEFORE], [10_000.0] * 16, BACK)
    assert break_return_level_m(steady, MON + timedelta(days=27), 0, t) == 0.0


def test_a_planned_first_run_back_starts_the_return_week() -> None:
    t = Thresholds()
    log = RunLog.from_columns([r[0].date() for r in BEFORE], [10_000.0] * 16, BACK)
    gap = latest_break(
        log.with_run(BACK + timedelta(days=1), 5_000.0), BACK + timedelta(days=3), 0, t, 105
    )
    assert gap is not None and gap.first_back == BACK + timedelta(days=1)
    assert gap.before_m == pytest.approx(40_000.0)
    still_off = latest_break(log, BACK + timedelta(days=3), 0, t, 105)
    assert still_off is not None and still_off.first_back is None
