"""Promises kept (issue #20, item 7): a runner who follows the plan for a
day (its run at the cap, its cross-training and strength done) finds no run of yesterday's plan
withdrawn or cut the next morning without a reason that names what changed: following the plan
is not news, so "recomputed this morning" alone does not explain a cut.

The tolerance is the season harness's (tests/factories.py `run_cut`): a cap that moves by
3 % or 100 m or less is the same promise.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.domain import PlanDay, PlanKind
from loadwatch.load.daily import STRENGTH_SESSION_S
from loadwatch.rules.plan_changes import WINDOW_NOTE
from tests.factories import at, report_for, run_cut

START = date(2026, 1, 5)  # a Monday; histories run from here
MIN_PER_KM = 5.5  # make_runs: minutes = km x 5.5
PLANNED_HOUR = 18  # the planned run happens in the evening


def _followed(runs: list, plan: list[PlanDay]) -> list:
    """`runs` plus today's planned sessions, done as planned (the run at 99.9 % of its cap)."""
    today = plan[0]
    if today.done:
        return runs
    done = list(runs)
    if today.kind is PlanKind.RUN and today.max_distance_m:
        done.append((at(today.date, PLANNED_HOUR), today.max_distance_m / 1000 * 0.999))
    if today.kind is PlanKind.CROSS_TRAINING:
        minutes = (today.duration_s or 0) / 60
        done.append((at(today.date, PLANNED_HOUR - 6), minutes / MIN_PER_KM, 0, "ride"))
    if today.strength:
        minutes = STRENGTH_SESSION_S / 60
        done.append((at(today.date, PLANNED_HOUR - 3), minutes / MIN_PER_KM, 0, "strength"))
    return done


def _unexplained_cuts(runs: list, as_of: date, week_start: int) -> list[str]:
    plan = report_for(runs, as_of, week_start=week_start, with_changes=False).plan
    tomorrow = report_for(_followed(runs, plan), as_of + timedelta(days=1), week_start=week_start)
    now = {p.date: p for p in tomorrow.plan}
    changes = {c.date: c for c in tomorrow.changes}
    failures = []
    for promised in plan[1:]:
        if promised.date not in now or not run_cut(promised, now[promised.date]):
            continue
        change = changes.get(promised.date)
        if change is None or not change.reasons or change.reasons == (WINDOW_NOTE,):
            failures.append(
                f"{promised.date}: {promised.max_distance_m} -> {now[promised.date]} "
                f"({change.reasons if change else 'no change listed'})"
            )
    return failures


# Counterexamples the property below found, each fixed, kept as examples.
CASES = [
    # a new log's one 2 km run on a Monday, the plan read on Sunday promised 2.2 km for Monday
    # and cut it to 2.0 km when the first complete week appeared
    ([2.0], 5, 0),
    # a week ended and the usual run days moved (Fri -> Thu): named, not "recomputed"
    ([None] * 4 + [3.0] + [None] * 5 + [2.0, None], 0, 6),
    # a run-spike warning swaps ONE run: done as cross-training, the next run is not swapped again
    ([None] * 6 + [2.0] + [None] * 4 + [3.0], 1, 6),
    # the week's runs spread again with its distance kept: one day's cap falls, another's rises
    ([None] * 5 + [2.0, 12.0, None, None, None, 6.0, 2.0], 1, 6),
    # a week seen whole for the first time took its second strength session with an easy run, and
    # the projected monotony made the promised run after it rest: the change names the sessions
    ([None] * 6 + [7.0, 14.0, None, 2.0, 2.0], 15, 6),
    # a new log's habit was read from the current week, so today's run reshaped the week's spread
    ([None, 10.0, 2.0, 6.0], 12, 0),
    # a run withdrawn (too short for its week's share) while the week keeps its distance
    ([None, 2.0, 5.0, None, 5.0], 4, 1),
    # R1's window held only spikes; the plan's own run, once done, became the run R1 reads
    ([None] * 11 + [2.0, None, None, 5.0, 6.0], 20, 0),
    # R1 rose after a run and the week's earlier runs took R2's week limit from Sunday's run:
    # they give up what it needs, and the week keeps its distance
    ([None, 3.0, 3.0, None, None, 2.0, 3.0, None], 0, 0),
    # still off after a break on a Sunday with no run day left: the first week back was this
    # week, then next week the next morning, and the run promised for Saturday moved to Friday
    ([None] * 11 + [2.0, 2.0], 28, 0),
    # a spike warning lapsed overnight: the run it had swapped is planned again, and its distance
    # leaves less of the next week's limits for Monday: the lapsed warning is named
    ([7.0, None, 10.0], 5, 0),
]


@pytest.mark.parametrize(("history", "gap", "week_start"), CASES)
def test_following_the_plan_for_a_day_withdraws_no_promised_run_without_a_reason(
    history: list[float | None], gap: int, week_start: int
) -> None:
    runs = [(at(START + timedelta(days=i)), km) for i, km in enumerate(history) if km]
    as_of = START + timedelta(days=len(history) + gap)
    assert _unexplained_cuts(runs, as_of, week_start) == []


# Derandomized: the check runs the same examples every time (a search of a few thousand random
# histories, run by hand, found the cases above one by one; a rare one may remain, and must not
# make the check fail at random).
@pytest.mark.slow  # many examples through the rules (issue #19: scheduled first)
@settings(derandomize=True, max_examples=150)
@given(
    history=st.lists(
        st.one_of(st.none(), st.floats(min_value=2.0, max_value=16.0).map(lambda x: round(x, 1))),
        min_size=1,
        max_size=21,
    ),
    gap=st.integers(min_value=0, max_value=20),
    week_start=st.integers(min_value=0, max_value=6),
)
def test_property_following_the_plan_for_a_day_cuts_no_promise_without_a_reason(
    history: list[float | None], gap: int, week_start: int
) -> None:
    runs = [(at(START + timedelta(days=i)), km) for i, km in enumerate(history) if km]
    as_of = START + timedelta(days=len(history) + gap)
    assert _unexplained_cuts(runs, as_of, week_start) == []
