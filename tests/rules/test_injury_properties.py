"""Property tests (issue #14): while injured the plan never holds a run, and during the return
no planned run exceeds the ladder's current step (nor follows another run the day before)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadwatch.domain import InjuryPeriod, PlanKind
from loadwatch.rules.context import rule_context
from loadwatch.rules.injury import injury_state
from tests.factories import at, make_pain, make_runs, make_shoes, report_for

START = date(2026, 1, 5)
LOCATIONS = ["knee front", "knee side", "shin", "achilles", "foot", "hip", "other"]

day_runs = st.lists(
    st.one_of(st.none(), st.floats(min_value=2.0, max_value=30.0)), min_size=1, max_size=90
)
back_runs = st.lists(
    st.tuples(
        st.one_of(st.none(), st.floats(min_value=1.0, max_value=15.0)),
        st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
        st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
    ),
    max_size=30,
)


def _history(history: list[float | None]) -> list:
    return [(at(START + timedelta(days=i)), km) for i, km in enumerate(history) if km]


@pytest.mark.slow  # many examples through the rules (issue #19: scheduled first)
@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    history=day_runs,
    days_injured=st.integers(min_value=0, max_value=60),
    location=st.sampled_from(LOCATIONS),
    week_start=st.sampled_from([0, 6]),
)
def test_while_injured_the_plan_never_holds_a_run(
    history: list[float | None], days_injured: int, location: str, week_start: int
) -> None:
    start = START + timedelta(days=len(history))
    period = InjuryPeriod(1, start, None, location)
    as_of = start + timedelta(days=days_injured)
    report = report_for(
        _history(history), as_of, week_start=week_start, injuries=[period], with_changes=False
    )
    assert [p for p in report.plan if p.kind is PlanKind.RUN and not p.done] == []
    assert report.next_run_cap_m is None


@pytest.mark.slow  # many examples through the rules (issue #19: scheduled first)
@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    history=day_runs,
    injured=st.integers(min_value=1, max_value=60),
    back=back_runs,
    week_start=st.sampled_from([0, 6]),
)
def test_during_the_return_no_planned_run_exceeds_the_ladders_step(
    history: list[float | None],
    injured: int,
    back: list[tuple[float | None, int | None, int | None]],
    week_start: int,
) -> None:
    start = START + timedelta(days=len(history))
    end = start + timedelta(days=injured)
    period = InjuryPeriod(1, start, end, "knee front")
    runs, pain = _history(history), []
    for i, (km, score, morning) in enumerate(back):
        day = end + timedelta(days=i)
        if km:
            runs.append((at(day), km))
            if score is not None:
                pain.append({"entry_date": day, "after": score})
        if morning is not None:
            pain.append({"entry_date": day, "morning": morning})
    as_of = end + timedelta(days=len(back))
    ctx = rule_context(
        make_runs(runs),
        make_shoes([]),
        make_pain(pain),
        as_of,
        week_start=week_start,
        injuries=[period],
    )
    state = injury_state(ctx)
    report = report_for(
        runs, as_of, pain=pain, week_start=week_start, injuries=[period], with_changes=False
    )
    planned = [p for p in report.plan if p.kind is PlanKind.RUN and not p.done]
    if state.is_returning and state.ladder is not None:
        step = state.ladder.step
        assert all((p.max_distance_m or 0) <= step.distance_m + 1e-6 for p in planned), (
            step,
            planned,
        )
        ran = {d for d, _ in ((r[0].date(), r[1]) for r in runs)} | {p.date for p in planned}
        for p in planned:
            assert p.date - timedelta(days=1) not in ran, (p.date, sorted(ran)[-5:])
