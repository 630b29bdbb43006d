"""R4 shoes, R5 monotony, R6 ACWR and R7 plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.domain import PlanKind, Severity
from loadwatch.load.shoes import shoe_mileage
from tests.factories import at, make_runs, make_shoes, report_for, rule

MILE = 1609.344
DAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("miles", "status", "severity"),
    [
        (299.9, "ok", None),
        (300, "window", Severity.INFO),
        (399.9, "window", Severity.INFO),
        (400, "caution", Severity.CAUTION),
        (500, "replace", Severity.WARNING),
    ],
    ids=["299.9 mi", "300 mi", "399.9 mi", "400 mi", "500 mi"],
)
def test_shoe_status_edges(miles: float, status: str, severity: Severity | None) -> None:
    runs = [(at(DAY), 10, 0, "run", 1)]
    shoes = [{"start_m": miles * MILE - 10_000}, {"name": "spare"}]
    report = report_for(runs, DAY, shoes=shoes)
    assert report.shoes["status"].iloc[0] == status
    alerts = rule(report, "shoe-mileage")
    assert [a.severity for a in alerts] == ([severity] if severity else [])


def test_per_pair_window_retired_pairs_and_rotation_nudge() -> None:
    runs = [(at(DAY), 10, 0, "run", 1)]
    shoes = [
        {"start_m": 250_000, "window_start_m": 200_000, "window_end_m": 250_000},
        {"name": "old", "start_m": 900_000, "retired": True},
    ]
    report = report_for(runs, DAY, shoes=shoes)
    assert list(report.shoes["status"]) == ["replace", "retired"]
    (nudge,) = rule(report, "shoe-rotation")
    assert "one pair" in nudge.message and nudge.evidence["hazard_ratio"] == 0.614


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 3), st.floats(0.5, 40)), max_size=30), st.floats(0, 500_000)
)
def test_shoe_mileage_equals_its_runs_plus_its_start(
    runs: list[tuple[int, float]], start: float
) -> None:
    frame = make_runs(
        [(at(DAY) + timedelta(minutes=i), km, 0, "run", shoe) for i, (shoe, km) in enumerate(runs)]
    )
    shoes = make_shoes([{"shoe_id": 1, "start_m": start}, {"shoe_id": 2}, {"shoe_id": 3}])
    result = shoe_mileage(frame, shoes)
    for shoe_id in (1, 2, 3):
        expected = sum(km * 1000 for s, km in runs if s == shoe_id) + (start if shoe_id == 1 else 0)
        assert result.loc[result["shoe_id"] == shoe_id, "distance_m"].iloc[0] == pytest.approx(
            expected
        )


def test_monotony_of_identical_days_and_a_varied_week() -> None:
    same = [(at(DAY - timedelta(days=i)), 6) for i in range(7)]
    (alert,) = rule(report_for(same, DAY), "monotony")
    assert alert.severity is Severity.CAUTION
    assert "10 or more" in alert.message
    varied = [(at(DAY - timedelta(days=i)), km) for i, km in [(0, 5), (2, 12), (4, 6), (6, 20)]]
    assert rule(report_for(varied, DAY), "monotony") == []


def test_acwr_is_hidden_under_28_days_and_labelled_contested() -> None:
    short = [(at(DAY - timedelta(days=i)), 8) for i in range(0, 20, 2)]
    assert report_for(short, DAY).acwr is None
    ramp = [(at(DAY - timedelta(days=i)), 5) for i in range(30, 60, 2)]
    ramp += [(at(DAY - timedelta(days=i)), 15) for i in range(0, 7)]
    report = report_for(ramp, DAY)
    (alert,) = rule(report, "acwr")
    assert alert.severity is Severity.INFO
    assert "contested" in alert.message
    assert report.acwr is not None and report.acwr >= 1.5


def test_plan_after_a_spike_swaps_the_next_run_and_counts_recorded_rides() -> None:
    runs = [(at(DAY - timedelta(days=d)), 8) for d in (28, 26, 21, 19, 14, 12, 7, 5)]
    runs += [(at(DAY - timedelta(days=2)), 14), (at(DAY, 18), 25, 0, "ride")]
    report = report_for(runs, DAY)
    assert next(p.kind for p in report.plan) is PlanKind.CROSS_TRAINING
    assert report.plan[0].done is True  # today's ride is cross-training already done
    swapped = [p for p in report.plan if p.caused_by == "run-spike"]
    assert swapped and swapped[0].kind is PlanKind.CROSS_TRAINING
    runs_planned = [p for p in report.plan if p.kind is PlanKind.RUN]
    assert all(p.max_distance_m == pytest.approx(8_800) for p in runs_planned)
    # issue #20: strength may share a cross-training or run day; two a calendar week
    sunday = DAY + timedelta(days=6 - DAY.weekday())
    this_week = [p for p in report.plan if p.date <= sunday]
    assert sum(p.kind is PlanKind.STRENGTH or p.strength for p in this_week) == 2
    assert len(report.plan) == 7


def test_monotony_says_how_many_sessions_used_a_logged_effort() -> None:
    # seven daily 6 km runs, two of them rated by the watch (effort 6): 2 logged, 5 defaults
    runs = [
        (at(DAY - timedelta(days=i)), 6, 0, "run", None, 6 if i < 2 else None) for i in range(7)
    ]
    (alert,) = rule(report_for(runs, DAY), "monotony")
    assert alert.evidence["sessions_with_logged_effort"] == 2
    assert alert.evidence["sessions_with_default_effort"] == 5
