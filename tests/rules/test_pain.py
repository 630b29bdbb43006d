"""R3 pain-monitoring model: zones, settling, trend, referral, knee-front advice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loadwatch.domain import Severity
from tests.factories import at, report_for, rule

DAY = date(2026, 3, 10)
RUNS = [(at(DAY - timedelta(days=i)), 8) for i in range(0, 20, 2)]


def _pain(entries: list[dict[str, object]], as_of: date = DAY):
    return report_for(RUNS, as_of, pain=entries)


@pytest.mark.parametrize(
    ("score", "severity", "zone"),
    [
        (2, None, "green"),
        (3, Severity.CAUTION, "amber"),
        (5, Severity.CAUTION, "amber"),
        (6, Severity.WARNING, "red"),
    ],
    ids=["2 safe", "3 acceptable", "5 acceptable", "6 red"],
)
def test_pain_zones(score: int, severity: Severity | None, zone: str) -> None:
    report = _pain([{"entry_date": DAY, "during": 1, "after": score}])
    assert [a.severity for a in rule(report, "pain")] == ([severity] if severity else [])
    assert report.pain.zone == zone


def test_morning_above_pre_run_baseline_is_red_not_settled() -> None:
    report = _pain(
        [
            {"entry_date": DAY - timedelta(days=1), "morning": 1},
            {"entry_date": DAY - timedelta(days=1), "during": 2, "after": 4},
            {"entry_date": DAY, "morning": 3},
        ]
    )
    (alert,) = rule(report, "pain")
    assert alert.severity is Severity.WARNING
    assert alert.message.startswith("Pain has not settled: morning pain 3/10")
    assert "pre-run level of 1/10" in alert.message


def test_amber_that_settles_is_information_only() -> None:
    report = _pain(
        [
            {"entry_date": DAY - timedelta(days=1), "during": 4, "after": 4},
            {"entry_date": DAY, "morning": 0},
        ]
    )
    (alert,) = rule(report, "pain")
    assert alert.severity is Severity.INFO
    assert "settled by the next morning" in alert.message


def test_rising_weekly_morning_pain_is_red() -> None:
    # two readings in each week (a trend needs two weeks of readings, issue #9): DAY is a Tuesday
    mornings = [{"entry_date": DAY - timedelta(days=d), "morning": 1} for d in (7, 8)]
    mornings += [{"entry_date": DAY - timedelta(days=d), "morning": 3} for d in (0, 1)]
    alerts = rule(_pain(mornings), "pain")
    assert any(a.message.startswith("Morning pain is rising week to week") for a in alerts)
    assert _pain(mornings).pain.trend == "rising"


def test_red_twice_in_seven_days_suggests_a_clinician_and_knee_advice_is_given() -> None:
    # 6/10 twice (7/10 would now stop running at once, on one day: issue #9)
    entries = [
        {"entry_date": DAY - timedelta(days=4), "after": 6, "location": "knee front"},
        {"entry_date": DAY, "after": 6, "location": "knee front"},
    ]
    alerts = rule(_pain(entries), "pain")
    referral = [a for a in alerts if "physiotherapist" in a.message]
    assert len(referral) == 1
    main = next(a for a in alerts if a.message.startswith("Pain 6/10"))
    assert any("step rate" in line for line in main.advice)
    assert {"esculier2018", "willson2014"} <= set(main.citations)
    assert main.evidence["week_descent_m"] > 0  # descent shown beside knee pain
    assert main.evidence["week_avg_cadence_spm"] == 170


def test_red_pain_swaps_the_next_run_for_knee_friendly_cross_training() -> None:
    report = _pain([{"entry_date": DAY, "after": 6, "location": "knee front"}])
    swapped = [p for p in report.plan if p.caused_by == "pain"]
    assert swapped and swapped[0].kind.value == "cross-training"
    assert swapped[0].sport == "swimming or pool running"
    assert "diagnos" not in " ".join(a.message for a in report.alerts).lower()
