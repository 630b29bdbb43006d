"""The squad's contexts built at once equal `rule_context` per athlete (issue #27)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadwatch.domain import InjuryPeriod
from loadwatch.load.frames import ACTIVITY_COLUMNS, PAIN_COLUMNS, SHOE_COLUMNS
from loadwatch.report import squad_status
from loadwatch.rules.batch import AthleteView, squad_contexts
from loadwatch.rules.context import (
    RuleContext,
    activity_days,
    rule_context,
    spike_columns,
    weekly_columns,
)
from loadwatch.rules.monotony import context_acwr, week_monotony
from loadwatch.rules.pain import pain_lists, recent_pain_days
from loadwatch.rules.shoes import shoe_lists
from loadwatch.rules.thresholds import Thresholds
from loadwatch.units import DistanceUnit

AS_OF = date(2026, 6, 17)
SPORTS = ("run", "run", "run", "ride", "walk", "strength")
NAN = float("nan")

activity = st.tuples(
    st.integers(-150, 3),  # local day relative to AS_OF (some after it: ignored)
    st.integers(0, 23),  # UTC hour
    st.sampled_from([-36000, -18000, 0, 3600, 19800, 46800]),  # offset: local day may shift
    st.sampled_from(SPORTS),
    st.one_of(st.just(0.0), st.floats(1, 45_000)),  # metres
    st.one_of(st.just(NAN), st.floats(60, 160)),  # cadence
    st.one_of(st.just(NAN), st.integers(0, 10).map(float)),  # effort
    st.one_of(st.just(NAN), st.integers(0, 2).map(float)),  # shoe index (of the athlete's)
)
pain_entry = st.tuples(
    st.integers(-60, 3),
    st.one_of(st.none(), st.integers(0, 10)),
    st.one_of(st.none(), st.integers(0, 10)),
    st.one_of(st.none(), st.integers(0, 10)),
    st.sampled_from([None, "knee_front", "shin", "foot"]),
)
athlete = st.fixed_dictionaries(
    {
        "activities": st.lists(activity, max_size=25),
        "shoes": st.lists(
            st.tuples(st.floats(0, 900_000), st.booleans(), st.booleans()), max_size=3
        ),
        "pain": st.lists(pain_entry, max_size=6),
        "week_start": st.integers(0, 6),
        "units": st.sampled_from(list(DistanceUnit)),
        "injury": st.one_of(
            st.none(), st.tuples(st.integers(-90, 0), st.one_of(st.none(), st.integers(1, 60)))
        ),
    }
)


def squad_frames(
    squad: list[dict[str, object]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[int, tuple[InjuryPeriod, ...]]]:
    """The squad's frames as the repository returns them (one row per activity, pair, entry,
    with `athlete_id`; activities by start, pain by date)."""
    acts, shoes, pains, injuries = [], [], [], {}
    next_id = 1
    for athlete_id, spec in enumerate(squad, start=1):
        pair_ids = [athlete_id * 10 + i for i in range(len(spec["shoes"]))]  # type: ignore[arg-type]
        for index, (start_m, retired, default) in enumerate(spec["shoes"]):  # type: ignore[arg-type]
            shoes.append(
                (
                    athlete_id,
                    pair_ids[index],
                    f"pair {index}",
                    start_m,
                    480_000.0,
                    800_000.0,
                    retired,
                    default,
                )
            )
        for day, hour, offset, sport, metres, cadence, effort, shoe in spec["activities"]:  # type: ignore[attr-defined]
            start = datetime.combine(AS_OF + timedelta(days=day), datetime.min.time(), UTC)
            on_pair = (
                float(pair_ids[int(shoe)])
                if shoe == shoe and sport == "run" and int(shoe) < len(pair_ids)
                else NAN
            )
            acts.append(
                (
                    athlete_id,
                    next_id,
                    sport,
                    start + timedelta(hours=hour),
                    float(offset),
                    metres,
                    metres / 3,
                    metres / 3.2,
                    metres / 100,
                    cadence,
                    effort,
                    on_pair,
                )
            )
            next_id += 1
        for day, during, after, morning, location in spec["pain"]:  # type: ignore[attr-defined]
            pains.append(
                (
                    athlete_id,
                    AS_OF + timedelta(days=day),
                    during,
                    after,
                    morning,
                    location,
                    None,
                )
            )
        if spec["injury"] is not None:
            begin, length = spec["injury"]  # type: ignore[misc]
            start_day = AS_OF + timedelta(days=begin)
            end = start_day + timedelta(days=length) if length else None
            injuries[athlete_id] = (InjuryPeriod(athlete_id, start_day, end, "shin", None, None),)
    activities = pd.DataFrame(acts, columns=["athlete_id", *ACTIVITY_COLUMNS])
    activities = activities.sort_values(["started_at", "activity_id"], kind="stable")
    activities["started_at"] = pd.to_datetime(activities["started_at"], utc=True)
    floats = [c for c in ACTIVITY_COLUMNS if c not in ("activity_id", "sport", "started_at")]
    activities = activities.astype(dict.fromkeys(floats, "float64")).reset_index(drop=True)
    shoe_frame = pd.DataFrame(shoes, columns=["athlete_id", *SHOE_COLUMNS]).astype(
        {"starting_distance_m": "float64", "window_start_m": "float64", "window_end_m": "float64"}
    )
    pain = pd.DataFrame(pains, columns=["athlete_id", *PAIN_COLUMNS])
    pain = pain.sort_values("entry_date", kind="stable").reset_index(drop=True)
    pain = pain.astype({"during": "float64", "after": "float64", "morning": "float64"})
    return activities, shoe_frame, pain, injuries


def athlete_frame(frame: pd.DataFrame, athlete_id: int, columns: tuple[str, ...]) -> pd.DataFrame:
    """The repository's per-athlete frame: that athlete's rows, index 0..n-1."""
    part = frame[frame["athlete_id"] == athlete_id]
    return part[list(columns)].reset_index(drop=True)


def own_context(
    frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
    athlete_id: int,
    as_of: date,
    view: AthleteView,
    injuries: Mapping[int, Sequence[InjuryPeriod]],
    **extra: Any,
) -> RuleContext:
    """One athlete's own `rule_context`, from the squad's (activities, shoes, pain) frames: the
    per-athlete answer the squad's is compared with."""
    activities, shoes, pain = frames
    return rule_context(
        athlete_frame(activities, athlete_id, ACTIVITY_COLUMNS),
        athlete_frame(shoes, athlete_id, SHOE_COLUMNS),
        athlete_frame(pain, athlete_id, PAIN_COLUMNS),
        as_of,
        view.units,
        view.week_start,
        view.thresholds,
        injuries=injuries.get(athlete_id, ()),
        **extra,
    )


def _assert_same(batched: RuleContext, alone: RuleContext) -> None:
    for name in ("activities", "weekly", "spikes", "shoes", "pain"):
        pd.testing.assert_frame_equal(
            getattr(batched, name), getattr(alone, name), check_index_type="equiv", obj=name
        )
    pd.testing.assert_series_equal(batched.daily, alone.daily, check_index_type="equiv")
    assert (batched.as_of, batched.units, batched.week_start, batched.thresholds) == (
        alone.as_of,
        alone.units,
        alone.week_start,
        alone.thresholds,
    )
    assert batched.injuries == alone.injuries
    assert batched.run_log == alone.run_log
    # the measures the squad prepares for the rules (issue #27), to the last digit
    assert repr(spike_columns(batched)) == repr(spike_columns(alone))
    assert repr(weekly_columns(batched)) == repr(weekly_columns(alone))
    assert repr(activity_days(batched)) == repr(activity_days(alone))
    assert repr(shoe_lists(batched)) == repr(shoe_lists(alone))
    assert repr(pain_lists(batched)) == repr(pain_lists(alone))
    assert repr(week_monotony(batched)) == repr(week_monotony(alone))
    assert repr(context_acwr(batched)) == repr(context_acwr(alone))
    assert repr(recent_pain_days(batched)) == repr(recent_pain_days(alone))


@pytest.mark.slow  # many examples through the rules (issue #19: scheduled first)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(athlete, max_size=5), st.integers(-3, 0))
def test_squad_contexts_equal_each_athletes_own_context(
    squad: list[dict[str, object]], shift: int
) -> None:
    as_of = AS_OF + timedelta(days=shift)
    activities, shoes, pain, injuries = squad_frames(squad)
    views = {
        i: AthleteView(s["units"], s["week_start"], Thresholds())  # type: ignore[arg-type]
        for i, s in enumerate(squad, start=1)
    }
    batched = squad_contexts(activities, shoes, pain, as_of, views, injuries)
    assert set(batched) == set(views)
    for athlete_id, view in views.items():
        alone = own_context((activities, shoes, pain), athlete_id, as_of, view, injuries)
        _assert_same(batched[athlete_id], alone)
        # and so the rules give the same answer
        assert squad_status("a", batched[athlete_id]).alerts == squad_status("a", alone).alerts


def test_an_athlete_without_activities_gets_an_empty_log() -> None:
    activities, shoes, pain, _ = squad_frames([])
    batched = squad_contexts(activities, shoes, pain, AS_OF, {7: AthleteView()})
    assert batched[7].activities.empty
    assert batched[7].weekly.empty
    assert list(batched[7].daily.index) == [AS_OF]


def test_a_squad_contexts_frames_are_built_when_first_read() -> None:
    """The squad leaves each athlete's frames to be built when a rule reads them (issue #27):
    not built before, built once, equal to `rule_context`'s; other names still fail."""
    spec = {
        "activities": [(-3, 7, 0, "run", 8_000.0, 170.0, NAN, 0.0)],
        "shoes": [(0.0, False, True)],
        "pain": [(-1, None, 3, None, "knee_front")],
        "week_start": 0,
        "units": DistanceUnit.KM,
        "injury": None,
    }
    activities, shoes, pain, _ = squad_frames([spec])
    ctx = squad_contexts(activities, shoes, pain, AS_OF, {1: AthleteView()})[1]
    frames = ("activities", "weekly", "spikes", "shoes", "pain", "daily")
    assert not set(frames) & set(vars(ctx))
    alone = rule_context(
        athlete_frame(activities, 1, ACTIVITY_COLUMNS),
        athlete_frame(shoes, 1, SHOE_COLUMNS),
        athlete_frame(pain, 1, PAIN_COLUMNS),
        AS_OF,
    )
    _assert_same(ctx, alone)
    assert set(frames) <= set(vars(ctx))
    assert ctx.spikes is ctx.spikes  # built once
    with pytest.raises(AttributeError, match="no_such_frame"):
        getattr(ctx, "no_such_frame")  # noqa: B009
